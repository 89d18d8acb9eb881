//! Measures social-card drawing: renders cards for a site's pilots with no cache and reports
//! CPU milliseconds and kilobytes per card.
//!
//! ```text
//! cargo run --release --example cards -- [--site DIR] [--cards 200] [--out DIR]
//! ```
//!
//! Pilots are taken in order, Thai and English card for each, starting again from the first
//! pilot when the site has fewer than `--cards / 2`. CPU time is this thread's own (from
//! /proc/thread-self/schedstat), so other work on the machine does not count. `--out` also
//! writes the PNGs there for looking at.

use std::path::PathBuf;
use std::time::Instant;

use namrong::model::Lang;

fn main() {
    let mut site = PathBuf::from(".");
    let mut count = 200usize;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--site" => site = args.next().map(PathBuf::from).expect("--site DIR"),
            "--cards" => count = args.next().and_then(|n| n.parse().ok()).expect("--cards N"),
            "--out" => out = args.next().map(PathBuf::from),
            other => panic!("unknown argument {other}; usage: [--site DIR] [--cards N] [--out DIR]"),
        }
    }
    let loaded = namrong::load_site(&site, false, None, None).expect("a site without errors");
    let (site, labels) = (&loaded.site, &loaded.theme.labels);
    assert!(!site.pilots.is_empty(), "the site has no pilots");
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir).unwrap();
    }
    let cache = namrong::cards::Cache::new(None);
    // One card first, so one-time set-up (fonts, segmenter data) is not counted per card.
    cache.get_or_render(&namrong::cards::Card::new(site, labels, &site.pilots[0], Lang::Th)).unwrap();
    let (cpu0, wall0) = (cpu_ns(), Instant::now());
    let mut bytes = 0usize;
    for n in 0..count {
        let p = &site.pilots[(n / 2) % site.pilots.len()];
        let lang = if n % 2 == 0 { Lang::Th } else { Lang::En };
        let png = cache.get_or_render(&namrong::cards::Card::new(site, labels, p, lang)).unwrap();
        bytes += png.len();
        if let Some(dir) = &out {
            std::fs::write(dir.join(format!("{}-{}.png", p.slug, lang.code())), &png).unwrap();
        }
    }
    let (cpu, wall) = ((cpu_ns() - cpu0) as f64 / 1e6, wall0.elapsed().as_secs_f64() * 1e3);
    println!(
        "{count} cards: {:.2} ms CPU per card ({:.2} ms wall), {:.1} KB per card",
        cpu / count as f64,
        wall / count as f64,
        bytes as f64 / 1024.0 / count as f64
    );
}

/// This thread's CPU time so far, in nanoseconds.
fn cpu_ns() -> u64 {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").expect("Linux /proc");
    text.split_whitespace().next().and_then(|n| n.parse().ok()).expect("schedstat")
}
