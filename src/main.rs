//! The `namrong` command: parses arguments, calls the library, prints what happened and turns
//! the outcome into an exit code (0 success, 1 content errors or a file that could not be read
//! or written, 2 usage errors).

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use namrong::diagnostics::Diagnostics;
use namrong::scaffold::{NewThing, create};
use namrong::serve::ServeOptions;
use namrong::{BuildError, BuildOptions};

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

fn run(cli: cli::Cli) -> Result<(), u8> {
    match cli.command {
        cli::Command::Build { root, output, drafts, base_url, timings } => {
            let options = BuildOptions { root, output, drafts, base_url, today: None };
            match namrong::build(&options) {
                Ok(report) => {
                    print_diagnostics(&report.warnings);
                    let s = &report.stats;
                    println!(
                        "built {} Thai and {} English pages, {} other files ({:.1} MB) into {} in {:.2} s: {} written, {} unchanged, {} removed{}",
                        s.pages.th,
                        s.pages.en,
                        s.files,
                        s.bytes as f64 / 1e6,
                        report.output.display(),
                        report.elapsed.as_secs_f64(),
                        report.changes.written,
                        report.changes.unchanged,
                        report.changes.removed,
                        summary_of_warnings(&report.warnings)
                    );
                    if timings {
                        for (step, took) in &report.timings {
                            println!("  {:>8.3} s  {step}", took.as_secs_f64());
                        }
                    }
                    Ok(())
                }
                Err(e) => Err(report_error(e)),
            }
        }
        cli::Command::Serve { root, bind, port, no_drafts, open, allow_host, .. } => {
            serve(ServeOptions { root, bind, port, drafts: !no_drafts, today: None, allow_hosts: allow_host }, open)
        }
        cli::Command::Check { root, strict, drafts, format } => {
            match namrong::check::check(&root, strict, drafts, None) {
                Ok(report) => {
                    match format {
                        cli::Format::Text => print!("{}", report.to_text()),
                        cli::Format::Json => println!("{}", report.to_json()),
                    }
                    if report.is_clean() { Ok(()) } else { Err(1) }
                }
                Err(e) => Err(report_error(e)),
            }
        }
        cli::Command::New { slug, root, province, issue, update } => {
            let thing = match update {
                Some(name) => NewThing::Update { name, date: namrong::validate::today() },
                None => NewThing::Pilot { province, issue },
            };
            match create(&root, &slug, &thing) {
                Ok(files) => {
                    for f in files {
                        println!("created {}", f.display());
                    }
                    println!("{}", namrong::scaffold::NEXT_STEPS);
                    Ok(())
                }
                Err(msg) => {
                    eprintln!("error: {msg}");
                    Err(2)
                }
            }
        }
    }
}

fn serve(options: ServeOptions, open: bool) -> Result<(), u8> {
    use namrong::serve::Server;
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: other machines on the network can read this preview, drafts included",
            options.bind
        );
    }
    let stop = namrong::serve::ctrl_c_flag();
    let log: namrong::serve::Log = std::sync::Arc::new(|line: &str| eprintln!("{line}"));
    let server = Server::start(&options, log).map_err(report_error)?;
    let host = if server.addr.ip().is_unspecified() { "127.0.0.1".to_string() } else { server.addr.ip().to_string() };
    let url = format!("http://{host}:{}/", server.addr.port());
    println!("serving the preview at {url} (Thai) and {url}en/ (English); press Ctrl-C to stop");
    if open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    server.stop();
    println!("stopped");
    Ok(())
}

fn summary_of_warnings(warnings: &Diagnostics) -> String {
    let missing = warnings.iter().filter(|d| d.is_missing_translation()).count();
    match (warnings.warning_count(), missing) {
        (0, _) => String::new(),
        (n, 0) => format!(" ({n} warnings)"),
        (n, m) => format!(" ({n} warnings, {m} missing translations)"),
    }
}

fn report_error(e: BuildError) -> u8 {
    match e {
        BuildError::Usage(msg) => {
            eprintln!("error: {msg}");
            2
        }
        BuildError::Output(e) => {
            eprintln!("error: {e}");
            eprintln!("build failed; the previous output was left unchanged");
            1
        }
        BuildError::Content(ds) => {
            print_diagnostics(&ds);
            eprintln!(
                "build failed: {} errors, {} warnings; the previous output was left unchanged",
                ds.error_count(),
                ds.warning_count()
            );
            1
        }
    }
}

fn print_diagnostics(ds: &Diagnostics) {
    if ds.is_empty() {
        return;
    }
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(ds.to_text().as_bytes());
    let _ = std::io::stderr().is_terminal();
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
