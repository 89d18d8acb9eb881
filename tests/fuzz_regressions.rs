//! Replays fuzz inputs without libFuzzer, through the very code the fuzz targets run
//! (`fuzz/src/harness.rs`, included below), and checks how namrong treats nasty files.
//!
//! Input files live in `tests/fuzz_regressions/`:
//! - `records/`, `site/`, `markdown/`: raw inputs of that fuzz target, copied from
//!   `fuzz/artifacts/<target>/` when the fuzzer found a crash (for `site`, the first byte picks
//!   the file, see `Slot::from_byte`);
//! - `inputs/`: hand-written nasty files, replayed through every target and as every file of
//!   the fixture site.
//!
//! Each replay asserts that nothing panics and that every diagnostic has a message and points
//! at a line inside its file (`harness::check_diagnostic`).

#[path = "../fuzz/src/harness.rs"]
mod harness;

use std::path::{Path, PathBuf};

use harness::{RecordsOutcome, SiteFixture, Slot};
use namrong::diagnostics::{Diagnostic, Diagnostics};
use namrong::model::Lang;
use namrong::{BuildError, Loaded};

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions").join(name)
}

/// The files of `tests/fuzz_regressions/<name>/`, sorted, with their bytes.
fn inputs(name: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(dir(name)) else { return Vec::new() };
    let mut files: Vec<_> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read input")))
        .collect();
    files.sort();
    files
}

fn input(name: &str) -> Vec<u8> {
    std::fs::read(dir("inputs").join(name)).unwrap_or_else(|e| panic!("tests/fuzz_regressions/inputs/{name}: {e}"))
}

/// Runs `f` on every input, naming the input that panicked.
fn replay(name: &str, f: impl Fn(&[u8])) -> usize {
    let files = inputs(name);
    for (file, data) in &files {
        if let Err(p) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(data))) {
            eprintln!("panic while replaying tests/fuzz_regressions/{name}/{file}");
            std::panic::resume_unwind(p);
        }
    }
    files.len()
}

#[test]
fn replays_records_inputs() {
    replay("records", |d| drop(harness::records(d)));
    assert!(replay("inputs", |d| drop(harness::records(d))) >= 10, "the nasty inputs are missing");
}

#[test]
fn replays_markdown_inputs() {
    replay("markdown", |d| drop(harness::markdown(d)));
    replay("inputs", |d| drop(harness::markdown(d)));
}

#[test]
fn replays_site_inputs() {
    replay("site", harness::site);
    let fixture = SiteFixture::new();
    assert!(fixture.run(Slot::PilotToml, Slot::PilotToml.default_text().as_bytes()).is_ok(), "fixture site is valid");
    replay("inputs", |d| {
        for slot in Slot::ALL {
            assert_eq!(Slot::from_byte(slot.byte()), slot);
            harness::site(&[&[slot.byte()], d].concat());
        }
    });
}

// --- what nasty files should do -------------------------------------------------------------

/// The diagnostics of a failed load (or the warnings of a successful one) about `slot`'s file.
fn about(result: &Result<Loaded, BuildError>, slot: Slot) -> Vec<Diagnostic> {
    let ds: &Diagnostics = match result {
        Ok(l) => &l.warnings,
        Err(BuildError::Content(ds)) => ds,
        Err(e) => panic!("unexpected {e}"),
    };
    ds.iter().filter(|d| d.path == Path::new(slot.rel())).cloned().collect()
}

fn errors(result: &Result<Loaded, BuildError>, slot: Slot) -> Vec<Diagnostic> {
    about(result, slot).into_iter().filter(Diagnostic::is_error).collect()
}

fn has_message(ds: &[Diagnostic], needle: &str) -> bool {
    ds.iter().any(|d| d.message.contains(needle))
}

fn show(ds: &[Diagnostic]) -> String {
    ds.iter().map(|d| format!("{d}\n")).collect()
}

#[test]
fn empty_file() {
    let out = harness::records(b"");
    assert!(out.pilot_error.is_none() && out.issues_error.is_none(), "every field is optional: {out:?}");
    assert!(out.front.is_none() && out.split_error.is_none());

    let fixture = SiteFixture::new();
    let r = fixture.run(Slot::PilotToml, b"");
    let es = errors(&r, Slot::PilotToml);
    for field in ["title", "provinces", "issues", "status", "start"] {
        assert!(has_message(&es, &format!("`{field}` is missing")), "{field}:\n{}", show(&es));
    }
    assert!(es.iter().all(|d| d.line == 1), "missing fields point at line 1:\n{}", show(&es));

    let r = fixture.run(Slot::ThMd, b"");
    assert!(r.is_ok(), "an empty narrative is only a warning");
    assert!(has_message(&about(&r, Slot::ThMd), "narrative is empty"));

    let r = fixture.run(Slot::UpdateTh, b"");
    assert!(has_message(&errors(&r, Slot::UpdateTh), "no title"));
    let r = fixture.run(Slot::PageTh, b"");
    assert!(has_message(&errors(&r, Slot::PageTh), "no title"));
    let r = fixture.run(Slot::Config, b"");
    assert!(has_message(&errors(&r, Slot::Config), "no title"));
    assert!(fixture.run(Slot::Issues, b"").is_err(), "no issues: the pilots' issue keys are unknown");
}

#[test]
fn only_an_opening_marker() {
    for data in [&b"+++"[..], b"+++\n", b"+++\r\n", b"+++\ntitle = \"x\"\nbody\n"] {
        let out = harness::records(data);
        let d = out.split_error.unwrap_or_else(|| panic!("{data:?} has unclosed front matter"));
        assert!(d.message.contains("never closed"), "{d}");
        assert_eq!((d.line, d.column), (1, 1), "{d}");
        assert_eq!(d.width, 3, "the marker underlines +++: {d}");
        for slot in [Slot::ThMd, Slot::UpdateTh, Slot::PageTh] {
            let r = SiteFixture::new().run(slot, data);
            let es = errors(&r, slot);
            assert!(has_message(&es, "never closed"), "{slot:?}: {}", show(&es));
        }
    }
}

#[test]
fn empty_front_matter() {
    for data in [&b"+++\n+++"[..], b"+++\n+++\n", b"+++\r\n+++\r\n"] {
        let out = harness::records(data);
        let (front, offset) = out.front.clone().unwrap_or_else(|| panic!("{data:?}: {out:?}"));
        assert_eq!(front, "");
        assert_eq!(offset, data.iter().position(|&b| b == b'\n').unwrap() + 1);
        assert!(out.front_errors.is_empty(), "empty front matter parses: {:?}", out.front_errors);
    }
    let fixture = SiteFixture::new();
    let r = fixture.run(Slot::UpdateTh, b"+++\n+++");
    let es = errors(&r, Slot::UpdateTh);
    assert!(has_message(&es, "update has no title") && es.iter().all(|d| d.line == 1), "{}", show(&es));
    assert!(fixture.run(Slot::ThMd, b"+++\n+++").is_ok());
}

#[test]
fn repeated_markers_end_the_front_matter_at_the_first_close() {
    let out = harness::records(&input("repeated-markers"));
    assert_eq!(out.front, Some((String::new(), 4)));
}

#[test]
fn invalid_utf8_names_the_offset_and_line() {
    let data = input("invalid-utf8");
    let bad = std::str::from_utf8(&data).unwrap_err().valid_up_to();
    let line = data[..bad].iter().filter(|&&b| b == b'\n').count() + 1;
    let d = harness::records(&data).utf8_error.expect("not UTF-8");
    assert!(d.message.contains(&format!("offset {bad}")), "{d}");
    assert_eq!((d.line, d.column), (line, 1), "{d}");
    assert!(d.source_line.as_deref().is_some_and(|l| l.starts_with("กข")), "{d}");

    let fixture = SiteFixture::new();
    for slot in Slot::ALL {
        let r = fixture.run(slot, &data);
        let es = errors(&r, slot);
        assert!(es.iter().any(|d| d.message.contains("not valid UTF-8") && d.line == line), "{slot:?}: {}", show(&es));
    }
    // A bad byte on the first line and as the last byte.
    assert_eq!(harness::records(b"\xff").utf8_error.map(|d| d.line), Some(1));
    assert_eq!(harness::records(b"a\nb\n\xe0\xb8").utf8_error.map(|d| d.line), Some(3));
}

#[test]
fn huge_line() {
    let thai = "ก".repeat(200_000);
    let valid = format!("title = {{ th = \"{thai}\", en = \"x\" }}\n");
    assert!(harness::records(valid.as_bytes()).pilot_error.is_none());
    harness::markdown(thai.as_bytes());

    // An error at the end of a huge line: the column counts characters, not bytes.
    let broken = format!("title = {{ th = \"{thai}\", en = \"x\" }} junk\n");
    let out = harness::records(broken.as_bytes());
    let err = out.pilot_error.expect("junk after the table is an error");
    assert!(err.starts_with("content/pilots/fuzz/pilot.toml:1:"), "{}", &err[..200]);
    let column: usize = err.split(':').nth(2).unwrap().parse().unwrap();
    assert!(column > 200_000 && column < 200_100, "column {column}");

    let fixture = SiteFixture::new();
    let long_md = format!("+++\ntitle = \"x\"\n+++\n{thai} [ลิงก์](ไม่มี.md)\n");
    let r = fixture.run(Slot::UpdateTh, long_md.as_bytes());
    let es = errors(&r, Slot::UpdateTh);
    assert!(es.iter().any(|d| d.message.contains("does not exist") && d.line == 4 && d.column > 200_000), "{es:?}");
}

#[test]
fn deeply_nested_toml() {
    for depth in [10, 100, 1_000, 20_000] {
        let arrays = format!("provinces = {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let tables = format!("title = {}1{}\n", "{ a = ".repeat(depth), " }".repeat(depth));
        let dotted = format!("{} = 1\n", vec!["k"; depth].join("."));
        for text in [arrays, tables, dotted] {
            let out = harness::records(text.as_bytes());
            let err = out.pilot_error.unwrap_or_else(|| panic!("depth {depth}: a nested value is not a pilot field"));
            assert!(err.contains(":1:"), "depth {depth}: the error points at line 1: {}", &err[..err.len().min(300)]);
        }
    }
    let fixture = SiteFixture::new();
    let r = fixture.run(Slot::PilotToml, &input("deep-arrays"));
    assert!(errors(&r, Slot::PilotToml).iter().all(|d| d.line == 1));
}

#[test]
fn deeply_nested_markdown() {
    for depth in [10, 1_000, 5_000] {
        let quotes = format!("{}text [x](a.md)\n", "> ".repeat(depth));
        let lists = format!("{}text\n", "- ".repeat(depth));
        let brackets = format!("{}y{}(b)\n", "[".repeat(depth), "]".repeat(depth));
        let emphasis = format!("{}y{}\n", "*_".repeat(depth), "_*".repeat(depth));
        let html = format!("{}x{}\n", "<div>".repeat(depth), "</div>".repeat(depth));
        for text in [quotes, lists, brackets, emphasis, html] {
            harness::markdown(text.as_bytes());
        }
    }
}

#[test]
fn byte_order_mark() {
    let data = input("bom-front-matter");
    let out = harness::records(&data);
    let (front, offset) = out.front.expect("front matter after a BOM");
    assert_eq!((front.as_str(), offset), ("title = \"หัวข้อ\"\n", 4), "offsets are in the text without the BOM");
    assert_eq!(harness::records(b"\xef\xbb\xbf").pilot_error, None);

    let fixture = SiteFixture::new();
    let loaded = fixture.run(Slot::UpdateTh, &data).expect("a BOM is fine");
    let update = &loaded.site.pilots.iter().find(|p| p.slug == "fuzz").unwrap().updates[0];
    assert_eq!(update.title.get(Lang::Th), Some("หัวข้อ"));

    // An error after a BOM points at the right line and column.
    let r = fixture.run(Slot::PilotToml, b"\xef\xbb\xbfstatus = \"actve\"\n");
    let es = errors(&r, Slot::PilotToml);
    let d = es.iter().find(|d| d.message.contains("unknown status")).expect("status checked");
    assert_eq!((d.line, d.column), (1, 10), "{d}");
}

#[test]
fn crlf_front_matter() {
    let data = input("crlf-front-matter");
    let out = harness::records(&data);
    let (front, offset) = out.front.clone().expect("CRLF markers close front matter");
    assert_eq!(offset, 5);
    assert!(front.starts_with("title"), "{out:?}");
    // Only update front matter has a date: page and narrative front matter reject it, on line 3.
    assert_eq!(out.front_errors.len(), 2, "{out:?}");
    assert!(out.front_errors.iter().all(|e| e.contains(":3:1: error: unknown key `date`")), "{out:?}");

    let fixture = SiteFixture::new();
    let loaded = fixture.run(Slot::UpdateTh, &data).expect("CRLF files load");
    let update = &loaded.site.pilots.iter().find(|p| p.slug == "fuzz").unwrap().updates[0];
    assert_eq!(update.title.get(Lang::Th), Some("CRLF"));

    // Errors in CRLF files show the line without its \r.
    let r = fixture.run(Slot::UpdateTh, b"+++\r\ntitle = \"x\"\r\ndate = 2567-09-25\r\n+++\r\nbody\r\n");
    let es = errors(&r, Slot::UpdateTh);
    let d = es.iter().find(|d| d.message.contains("Buddhist-Era")).expect("BE year found");
    assert_eq!((d.line, d.source_line.as_deref()), (3, Some("date = 2567-09-25")), "{d}");
}

/// Found while writing these tests: the spans of `date` in update front matter are relative to
/// the front matter, but `validate` points them into the whole file without adding the front
/// matter's offset, so the marker sits 4 bytes (5 with CRLF) too early.
#[test]
fn front_matter_date_errors_point_at_the_date() {
    let fixture = SiteFixture::new();
    for (text, line) in [
        ("+++\ntitle = \"x\"\ndate = 2567-09-25\n+++\nbody\n", 3),
        ("+++\r\ntitle = \"x\"\r\ndate = 2567-09-25\r\n+++\r\nbody\r\n", 3),
        ("+++\ndate = 2024-02-30\ntitle = \"x\"\n+++\nbody\n", 2),
        ("+++\ntitle = \"x\"\ndate = 2024-09-26\n+++\nbody\n", 3), // differs from the file name: a warning
    ] {
        let r = fixture.run(Slot::UpdateTh, text.as_bytes());
        let ds = about(&r, Slot::UpdateTh);
        let d = ds.iter().find(|d| d.line > 0).unwrap_or_else(|| panic!("{text:?}: {}", show(&ds)));
        assert_eq!((d.line, d.column, d.width), (line, 8, 10), "{text:?}:\n{d}");
    }
}

#[test]
fn unterminated_strings() {
    let out = harness::records(&input("unterminated-string"));
    let err = out.pilot_error.expect("unterminated string");
    assert!(err.contains("pilot.toml:1:9:") && err.contains("the closing quote \" is missing"), "{err}");

    // In front matter, the error points inside the front matter, not at the top of the file.
    for name in ["unterminated-front-string", "unterminated-multiline"] {
        let data = input(name);
        let RecordsOutcome { front, front_errors, .. } = harness::records(&data);
        assert!(front.is_some(), "{name}: the closing +++ is found");
        assert_eq!(front_errors.len(), 3, "{name}: update, page and narrative front matter all fail");
        for e in &front_errors {
            let line: usize = e.split(':').nth(1).unwrap().parse().unwrap();
            assert!((2..=3).contains(&line), "{name}: {e}");
        }
        let fixture = SiteFixture::new();
        for slot in [Slot::ThMd, Slot::UpdateTh, Slot::PageTh] {
            let es = errors(&fixture.run(slot, &data), slot);
            assert!(es.iter().any(|d| d.message.contains("is never closed") && d.line == 2), "{name} {slot:?}");
        }
    }
}

#[test]
fn odd_values_are_errors_not_panics() {
    let fixture = SiteFixture::new();
    let mut pilot = Slot::PilotToml.default_text().to_string();
    pilot.push_str(std::str::from_utf8(&input("odd-values")).unwrap());
    let es = errors(&fixture.run(Slot::PilotToml, pilot.as_bytes()), Slot::PilotToml);
    assert!(!es.is_empty());
    let r = fixture.run(Slot::PilotToml, &input("nul-bytes"));
    assert!(errors(&r, Slot::PilotToml).iter().all(|d| d.line >= 1), "NUL bytes point at a line");
}

/// Found by `tests/link_properties.rs`: an e-mail autolink reaches the link checker without its
/// `mailto:`, so a narrative that writes `<someone@example.go.th>` fails the build.
#[test]
fn email_autolinks_do_not_break_the_build() {
    let fixture = SiteFixture::new();
    let r = fixture.run(Slot::ThMd, "ติดต่อ <someone@example.go.th>\n".as_bytes());
    let es = errors(&r, Slot::ThMd);
    assert!(es.is_empty(), "{}", show(&es));
}

/// Issue 18: `javascript:` and friends, however spelled, are errors in every kind of Markdown
/// file, each on its own line; the raw HTML ones are removed by the sanitiser without an error.
#[test]
fn dangerous_links_are_errors_in_every_markdown_file() {
    let fixture = SiteFixture::new();
    let data = input("dangerous-links");
    harness::markdown(&data);
    for slot in [Slot::ThMd, Slot::EnMd, Slot::UpdateTh, Slot::PageTh] {
        let r = fixture.run(slot, &data);
        let refused: Vec<usize> =
            errors(&r, slot).iter().filter(|d| d.message.contains("is not allowed")).map(|d| d.line).collect();
        assert_eq!(refused, [4, 6, 6, 6, 6, 8, 8, 8, 8, 8], "{slot:?}: {}", show(&errors(&r, slot)));
    }
}
