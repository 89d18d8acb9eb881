//! The `namrong` command: parses arguments, calls the library, prints what happened and turns
//! the outcome into an exit code (0 success, 1 content errors or a file that could not be read
//! or written, 2 usage errors).

mod cli;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use namrong::diagnostics::Diagnostics;
use namrong::messages;
use namrong::model::Lang;
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

/// The language of messages: `--messages`, else namrong.toml's `messages`, else the locale.
fn messages_language(cli: &cli::Cli) -> Lang {
    let flag = cli.messages.map(|m| match m {
        cli::Messages::Th => Lang::Th,
        cli::Messages::En => Lang::En,
    });
    let root = match &cli.command {
        cli::Command::Build { root, .. }
        | cli::Command::Serve { root, .. }
        | cli::Command::Check { root, .. }
        | cli::Command::New { root, .. } => root,
    };
    let setting = if flag.is_some() { None } else { namrong::config::messages_setting(root) };
    messages::choose(flag, setting, |k| std::env::var(k).ok())
}

fn run(cli: cli::Cli) -> Result<(), u8> {
    let lang = messages_language(&cli);
    let tr = |text: &str| messages::localize(text, lang);
    match cli.command {
        cli::Command::Build { root, output, drafts, base_url, timings } => {
            let options = BuildOptions { root, output, drafts, base_url, today: None };
            match namrong::build(&options) {
                Ok(report) => {
                    print_diagnostics(&report.warnings, lang);
                    let s = &report.stats;
                    let line = format!(
                        "built {} Thai and {} English pages, {} other files ({:.1} MB) into {} in {:.2} s: {} written, {} unchanged, {} removed",
                        s.pages.th,
                        s.pages.en,
                        s.files,
                        s.bytes as f64 / 1e6,
                        report.output.display(),
                        report.elapsed.as_secs_f64(),
                        report.changes.written,
                        report.changes.unchanged,
                        report.changes.removed,
                    );
                    println!("{}{}", tr(&line), tr(&summary_of_warnings(&report.warnings)));
                    let photos = s.photos;
                    if photos.processed + photos.cached > 0 {
                        println!(
                            "{}",
                            tr(&format!("photos: {} processed, {} from the cache", photos.processed, photos.cached))
                        );
                    }
                    if timings {
                        for (step, took) in &report.timings {
                            println!("  {:>8.3} s  {step}", took.as_secs_f64());
                        }
                    }
                    Ok(())
                }
                Err(e) => Err(report_error(e, lang)),
            }
        }
        cli::Command::Serve { root, bind, port, no_drafts, open, allow_host, .. } => serve(
            ServeOptions { root, bind, port, drafts: !no_drafts, today: None, allow_hosts: allow_host, messages: lang },
            open,
        ),
        cli::Command::Check { root, strict, drafts, format } => {
            match namrong::check::check(&root, strict, drafts, None) {
                Ok(report) => {
                    match format {
                        cli::Format::Text => print!("{}", report.to_text_in(lang)),
                        cli::Format::Json => println!("{}", report.to_json_in(lang)),
                    }
                    if report.is_clean() { Ok(()) } else { Err(1) }
                }
                Err(e) => Err(report_error(e, lang)),
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
                        println!("{}", tr(&format!("created {}", f.display())));
                    }
                    println!("{}", messages::localize_lines(namrong::scaffold::NEXT_STEPS, lang));
                    Ok(())
                }
                Err(msg) => {
                    eprintln!("{}", error_line(&msg, lang));
                    Err(2)
                }
            }
        }
    }
}

fn serve(options: ServeOptions, open: bool) -> Result<(), u8> {
    use namrong::serve::Server;
    let lang = options.messages;
    let tr = |text: &str| messages::localize(text, lang);
    if !options.bind.is_loopback() {
        let line = format!(
            "listening on {}: other machines on the network can read this preview, drafts included",
            options.bind
        );
        eprintln!("{}: {}", if lang == Lang::Th { "คำเตือน" } else { "warning" }, tr(&line));
    }
    let stop = namrong::serve::ctrl_c_flag();
    let log: namrong::serve::Log = std::sync::Arc::new(|line: &str| eprintln!("{line}"));
    let server = Server::start(&options, log).map_err(|e| report_error(e, lang))?;
    let host = if server.addr.ip().is_unspecified() { "127.0.0.1".to_string() } else { server.addr.ip().to_string() };
    let url = format!("http://{host}:{}/", server.addr.port());
    println!("{}", tr(&format!("serving the preview at {url} (Thai) and {url}en/ (English); press Ctrl-C to stop")));
    if open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    server.stop();
    println!("{}", tr("stopped"));
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

/// `error: message` in `lang`.
fn error_line(msg: &str, lang: Lang) -> String {
    let label = if lang == Lang::Th { "ข้อผิดพลาด" } else { "error" };
    format!("{label}: {}", messages::localize(msg, lang))
}

fn report_error(e: BuildError, lang: Lang) -> u8 {
    match e {
        BuildError::Usage(msg) => {
            eprintln!("{}", error_line(&msg, lang));
            2
        }
        BuildError::Output(e) => {
            eprintln!("{}", error_line(&e.to_string(), lang));
            eprintln!("{}", messages::localize("build failed; the previous output was left unchanged", lang));
            1
        }
        BuildError::Content(ds) => {
            print_diagnostics(&ds, lang);
            let line = format!(
                "build failed: {} errors, {} warnings; the previous output was left unchanged",
                ds.error_count(),
                ds.warning_count()
            );
            eprintln!("{}", messages::localize(&line, lang));
            1
        }
    }
}

fn print_diagnostics(ds: &Diagnostics, lang: Lang) {
    if ds.is_empty() {
        return;
    }
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(ds.to_text_in(lang).as_bytes());
    let _ = std::io::stderr().is_terminal();
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
