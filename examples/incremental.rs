//! Measures preview rebuilds on a site folder (made by `gen_site`):
//!
//! ```text
//! cargo run --release --example incremental -- --site DIR [--runs 5]
//! ```
//!
//! For a narrative edit, a province change in pilot.toml and a template change it reports the
//! time `namrong serve` spends re-rendering (median of the runs), then the save-to-reload
//! latency seen by a browser tab: from writing the file to the reload event arriving on the
//! live-reload channel of a real server. Files are restored after each run. Output is one
//! Markdown table row per measurement.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use namrong::serve::preview::Preview;
use namrong::serve::{ServeOptions, Server};

fn main() {
    let mut site = None;
    let mut runs = 5;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--site" => site = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(5),
            other => panic!("unknown argument {other}; usage: --site DIR [--runs N]"),
        }
    }
    let site = site.expect("--site DIR is required");
    let today = namrong::model::Date::from_ymd_opt(2026, 1, 1).unwrap();
    let start = Instant::now();
    let mut preview = Preview::new(&site, false, "http://127.0.0.1:1111/", today, String::new()).expect("a site");
    assert!(preview.errors().is_empty(), "the site has errors:\n{}", preview.errors());
    let files = preview.files.read().unwrap().len();
    println!("| preview: first build in memory | {:.0} ms | {files} files |", ms(start.elapsed()));

    let slug = middle_pilot(&site);
    let narrative = site.join(format!("content/pilots/{slug}/th.md"));
    let record = site.join(format!("content/pilots/{slug}/pilot.toml"));
    let template = site.join("themes/default/templates/404.html");

    let edit_narrative = |n: usize| append(&narrative, &format!("\nย่อหน้าที่แก้ไขครั้งที่ {n}\n"));
    let edit_province = |n: usize| {
        let text = std::fs::read_to_string(&record).unwrap();
        let province = if n.is_multiple_of(2) { "TH-10" } else { "TH-96" };
        let changed: String = text
            .lines()
            .map(|l| if l.starts_with("provinces") { format!("provinces = [\"{province}\"]") } else { l.to_string() })
            .collect::<Vec<_>>()
            .join("\n");
        std::fs::write(&record, changed + "\n").unwrap();
    };
    let edit_template = |n: usize| {
        std::fs::create_dir_all(template.parent().unwrap()).unwrap();
        std::fs::write(
            &template,
            format!("<!DOCTYPE html><html lang=\"{{{{ lang }}}}\"><title>x</title>edit {n}</html>\n"),
        )
        .unwrap();
    };

    type Edit<'a> = &'a dyn Fn(usize);
    let cases: [(&str, Edit, bool); 3] = [
        ("narrative edit", &edit_narrative, false),
        ("province change (pilot.toml)", &edit_province, false),
        ("template edit", &edit_template, true),
    ];
    let backups = [(narrative.clone(), std::fs::read(&narrative).ok()), (record.clone(), std::fs::read(&record).ok())];

    let mut refresh_after_narrative_edit = Duration::ZERO;
    for (name, edit, full) in cases {
        let mut times = Vec::new();
        let mut later = Vec::new();
        let (mut changed, mut changed_later) = (0, 0);
        for n in 0..runs {
            edit(n);
            let t = Instant::now();
            let outcome = if full { preview.rebuild_all() } else { preview.rebuild_pilot(&slug) };
            times.push(ms(t.elapsed()));
            assert!(preview.errors().is_empty(), "{}", preview.errors());
            assert_eq!(outcome.full, full, "{name}: unexpected kind of rebuild");
            changed = outcome.changed.len();
            // What the server does after signalling the reload: search index and data files.
            let t = Instant::now();
            changed_later = preview.refresh_deferred().changed.len();
            later.push(ms(t.elapsed()));
        }
        println!("| preview: {name} | {:.1} ms (median of {runs}) | {changed} files changed |", median(&mut times));
        if name == "narrative edit" {
            refresh_after_narrative_edit = Duration::from_secs_f64(median(&mut later) / 1000.0);
        }
        if !full {
            println!(
                "| preview: {name}, then search index and data files (after the reload) | {:.1} ms (median of {runs}) | {changed_later} files changed |",
                median(&mut later)
            );
        }
    }
    restore(&backups, &template);
    drop(preview);

    // Save-to-reload through the real server and its live-reload channel.
    let options = ServeOptions {
        root: site.clone(),
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        drafts: false,
        today: Some(today),
        allow_hosts: Vec::new(),
    };
    let server = Server::start(&options, std::sync::Arc::new(|_: &str| {})).expect("server");
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(stream, "GET /__namrong/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    while server.hub.clients() == 0 {
        std::thread::sleep(Duration::from_millis(10));
    }
    // Let the search index and data files of one edit be written before the next edit, as
    // when a person edits: the watcher does that work after signalling the reload.
    let pause = Duration::from_millis(150) + 2 * refresh_after_narrative_edit;
    let mut times = Vec::new();
    for n in 0..runs {
        let t = Instant::now();
        edit_narrative(n + 100);
        // Wait for the reload that names the edited page (other events, such as the search
        // index being refreshed after the previous edit, may come first).
        let page = format!("pilots/{slug}/index.html");
        let mut line = String::new();
        let mut after_reload = false;
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if after_reload && line.starts_with("data:") && line.contains(&page) {
                break;
            }
            after_reload = line.starts_with("event: reload");
        }
        times.push(ms(t.elapsed()));
        std::thread::sleep(pause);
    }
    println!(
        "| serve: save-to-reload, narrative edit | {:.0} ms (median of {runs}) | includes the 40 ms quiet wait for editors' multi-step saves |",
        median(&mut times)
    );
    server.stop();
    restore(&backups, &template);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn append(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    f.write_all(text.as_bytes()).unwrap();
}

fn restore(backups: &[(PathBuf, Option<Vec<u8>>)], template: &Path) {
    for (path, bytes) in backups {
        if let Some(b) = bytes {
            std::fs::write(path, b).unwrap();
        }
    }
    let _ = std::fs::remove_file(template);
}

fn middle_pilot(site: &Path) -> String {
    let mut slugs: Vec<String> = std::fs::read_dir(site.join("content/pilots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    slugs.sort();
    slugs[slugs.len() / 2].clone()
}
