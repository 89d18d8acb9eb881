//! Hostile and careless content: the URL policy in every kind of Markdown file and in
//! settings, no live dangerous URL anywhere in the output (pages, feeds, data), control
//! characters refused with their line, CSV cells that cannot run as formulas, and bounded costs
//! (deep raw HTML, huge tables, thousands of issues).

use std::path::Path;

use assert_cmd::Command;
use namrong::diagnostics::Diagnostics;
use namrong::url_policy::refused_in_html;
use predicates::prelude::*;

use crate::support::*;

/// The dangerous links of issue 18, verbatim, one per paragraph.
const DANGEROUS: &[&str] = &[
    "[x](javascript:alert(document.cookie))",
    "[x](JaVaScRiPt:alert(document.cookie))",
    "[x](&#106;avascript:alert(document.cookie))",
    "[x](javascript&colon;alert(document.cookie))",
    "[x]( javascript:alert(document.cookie))",
    "<javascript:alert(document.cookie)>",
    "[x][evil]\n\n[evil]: javascript:alert(document.cookie)",
    "[x](vbscript:msgbox(document.cookie))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
];

const NARRATIVE: &str = "content/pilots/alpha/en.md";
const UPDATE: &str = "content/pilots/alpha/updates/2024-09-25-workshop.en.md";
const PAGE: &str = "content/pages/about.en.md";

/// A Markdown file: `head` (front matter or nothing), then every dangerous link in its own
/// paragraph. Returns the text and the line each link is on.
fn with_dangerous_links(head: &str) -> (String, Vec<usize>) {
    let mut text = head.to_string();
    let mut lines = Vec::new();
    for link in DANGEROUS {
        text.push_str("Text before.\n\n");
        lines.push(text.lines().count() + 1);
        text.push_str(link);
        text.push_str("\n\n");
    }
    (text, lines)
}

fn refused_at(ds: &Diagnostics, path: &str) -> Vec<usize> {
    ds.iter()
        .filter(|d| d.is_error() && d.path == Path::new(path) && d.message.contains("is not allowed"))
        .map(|d| d.line)
        .collect()
}

#[test]
fn dangerous_links_are_errors_in_narratives_updates_and_pages() {
    for unsafe_html in [false, true] {
        let site = SiteTest::new("bilingual");
        if unsafe_html {
            site.replace("namrong.toml", "social_cards = false", "social_cards = false\nunsafe_html = true");
        }
        site.build();
        let before = tree(&site.out());
        let (narrative, lines) = with_dangerous_links("");
        site.write(NARRATIVE, &narrative);
        let (update, update_lines) = with_dangerous_links("+++\ntitle = \"Workshop held\"\n+++\n");
        site.write(UPDATE, &update);
        let (page, page_lines) = with_dangerous_links("+++\ntitle = \"About\"\n+++\n");
        site.write(PAGE, &page);
        let ds = site.build_errors();
        assert_eq!(refused_at(&ds, NARRATIVE), lines, "{ds}");
        assert_eq!(refused_at(&ds, UPDATE), update_lines, "{ds}");
        assert_eq!(refused_at(&ds, PAGE), page_lines, "{ds}");
        let d = ds.iter().find(|d| d.path == Path::new(NARRATIVE)).unwrap();
        assert!(d.message.contains("`javascript:`"), "{d}");
        assert!(d.hint.as_deref().unwrap_or("").contains("https://"), "{d}");
        assert_eq!(before, tree(&site.out()), "nothing is published");
    }
}

/// Every URL a browser could follow in an output file, refused by the policy: in HTML pages
/// directly, in feeds inside their escaped HTML content, in JSON inside every string.
fn live_dangerous_urls(rel: &str, bytes: &[u8]) -> Vec<String> {
    let Ok(text) = std::str::from_utf8(bytes) else { return Vec::new() };
    if rel.ends_with(".html") || rel.ends_with(".svg") {
        return refused_in_html(text);
    }
    if rel.ends_with(".xml") {
        let doc = roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{rel} is not XML: {e}"));
        let mut found = Vec::new();
        for node in doc.descendants() {
            if let Some(t) = node.text() {
                found.extend(refused_in_html(t));
            }
            for a in node.attributes() {
                if a.name() == "href" && !namrong::url_policy::is_allowed(a.value()) {
                    found.push(a.value().to_string());
                }
            }
        }
        return found;
    }
    if rel.ends_with(".json") {
        let value: serde_json::Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let mut found = Vec::new();
        let mut stack = vec![&value];
        while let Some(v) = stack.pop() {
            match v {
                serde_json::Value::String(s) => found.extend(refused_in_html(s)),
                serde_json::Value::Array(a) => stack.extend(a),
                serde_json::Value::Object(o) => stack.extend(o.values()),
                _ => {}
            }
        }
        return found;
    }
    Vec::new()
}

#[test]
fn no_live_dangerous_url_anywhere_in_the_output_from_raw_html() {
    let site = SiteTest::new("bilingual");
    let raw = "<p>Raw <a href=\"javascript:alert(document.cookie)\">a</a> \
        <a href=\"JaVaScRiPt:alert(1)\">b</a> <a href=\"&#106;avascript:alert(1)\">c</a> \
        <a href=\"javascript&colon;alert(1)\">d</a> <a href=\" javascript:alert(1)\">e</a> \
        <a href=\"java&#x09;script:alert(1)\">f</a> <a href=\"vbscript:msgbox(1)\">g</a> \
        <a href=\"data:text/html;base64,PHNjcmlwdD4=\">h</a> <img src=\"data:image/svg+xml,x\" alt=\"i\"> \
        <a href=\"ftp://files.example.go.th/x\">j</a> <a href=\"https://example.go.th/\">fine</a></p>\n";
    site.write(NARRATIVE, format!("Narrative.\n\n{raw}"));
    site.write(UPDATE, format!("+++\ntitle = \"Workshop held\"\n+++\nUpdate.\n\n{raw}"));
    site.write(PAGE, format!("+++\ntitle = \"About\"\n+++\nPage.\n\n{raw}"));
    site.build();
    let mut checked = 0;
    for (rel, bytes) in tree(&site.out()) {
        let found = live_dangerous_urls(&rel, &bytes);
        assert!(found.is_empty(), "{rel} holds live URLs the policy refuses: {found:?}");
        checked += 1;
    }
    assert!(checked > 50, "{checked} files");
    // The allowed link survived, in the page and in the feed.
    assert_contains(&site.read("en/pilots/alpha/index.html"), "href=\"https://example.go.th/\"");
    assert_contains(&site.read("en/feed.xml"), "https://example.go.th/");
}

#[test]
fn a_dangerous_licence_url_is_an_error_with_its_line() {
    let site = SiteTest::new("bilingual");
    let config = std::fs::read_to_string(site.root().join("namrong.toml")).unwrap();
    let line = config.lines().count() + 4;
    site.write(
        "namrong.toml",
        format!("{config}\n[licence]\nname = {{ th = \"ก\", en = \"L\" }}\nurl = \"JaVaScRiPt&colon;alert(1)\"\n"),
    );
    let ds = site.build_errors();
    let d = ds.iter().find(|d| d.path == Path::new("namrong.toml")).unwrap_or_else(|| panic!("{ds}"));
    assert_eq!(d.line, line, "{d}");
    assert!(d.message.contains("licence.url") && d.message.contains("`javascript:`"), "{d}");
}

#[test]
fn control_characters_exit_1_with_file_and_line() {
    let site = SiteTest::new("bilingual");
    site.build();
    let feed_before = site.read("feed.xml");
    site.replace("content/pilots/alpha/pilot.toml", "Lampang haze reduction", "Lampang\u{b}haze reduction");
    let narrative = "content/pilots/delta/en.md";
    site.write(narrative, "## Background\n\nLampang\u{c}suffers haze.\n");
    site.replace("content/pilots/gamma/pilot.toml", "title", "# \u{0}\ntitle");
    // Where each file's first control character is, as line:column.
    let place = |rel: &str| {
        let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
        let (n, line) = text.lines().enumerate().find(|(_, l)| l.contains(|c: char| c < ' ' && c != '\t')).unwrap();
        let column = line.chars().position(|c| c < ' ' && c != '\t').unwrap() + 1;
        format!("{rel}:{}:{column}", n + 1)
    };
    let (alpha, narrative, gamma) =
        (place("content/pilots/alpha/pilot.toml"), place(narrative), place("content/pilots/gamma/pilot.toml"));
    assert_eq!(narrative, "content/pilots/delta/en.md:3:8");
    Command::cargo_bin("namrong")
        .unwrap()
        .args(["build", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!("{alpha}: error: invisible control character U+000B (vertical tab)")))
        .stderr(predicate::str::contains(format!("{narrative}: error: invisible control character U+000C")))
        .stderr(predicate::str::contains(format!("{gamma}: error: invisible control character U+0000 (NUL)")))
        .stderr(predicate::str::contains("delete the invisible character"))
        .stderr(predicate::str::contains("Lampang␋haze"))
        .stderr(predicate::str::contains("card").not())
        .stderr(predicate::str::contains("panicked").not());
    // The previous output is untouched and its feeds are still XML.
    assert_eq!(site.read("feed.xml"), feed_before);
    for feed in ["feed.xml", "en/feed.xml"] {
        roxmltree::Document::parse(&site.read(feed)).unwrap_or_else(|e| panic!("{feed}: {e}"));
    }
}

#[test]
fn csv_cells_cannot_run_as_formulas_and_numbers_stay_numbers() {
    let site = SiteTest::new("bilingual");
    let pilot = "content/pilots/alpha/pilot.toml";
    site.replace(pilot, "Lampang haze reduction", "=HYPERLINK(\\\"http://evil.example/\\\",\\\"click\\\")");
    site.replace(pilot, "Cutting haze with research", "+1+1");
    site.replace(pilot, "en = \"Mueang Lampang\"", "en = \"-2-2\"");
    site.replace(pilot, "en = \"NESDC\"", "en = \"@SUM(1,1)\"");
    site.replace(pilot, "th = \"สกสว.\"", "th = \"\\tTAB\"");
    site.replace(pilot, "en = \"people\"", "en = \"\\rCR\"");
    site.replace(pilot, "baseline = 0", "baseline = -3.5");
    site.build();
    let read_csv = |rel: &str| -> Vec<csv::StringRecord> {
        let text = site.read(rel);
        let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let header = r.headers().unwrap().clone();
        let mut rows = vec![header];
        rows.extend(r.records().map(|x| x.unwrap()));
        rows
    };
    let pilots = read_csv("data/pilots.csv");
    let col = |rows: &[csv::StringRecord], name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let alpha = pilots.iter().find(|r| &r[0] == "alpha").unwrap();
    assert_eq!(&alpha[col(&pilots, "title_en")], "'=HYPERLINK(\"http://evil.example/\",\"click\")");
    assert_eq!(&alpha[col(&pilots, "summary_en")], "'+1+1");
    assert_eq!(&alpha[col(&pilots, "district_en")], "'-2-2");
    assert_eq!(&alpha[col(&pilots, "lead_en")], "'@SUM(1,1)");
    assert_eq!(&alpha[col(&pilots, "partners_th")], "'\tTAB");
    assert_eq!(&alpha[col(&pilots, "title_th")], "ลำปางลดหมอกควัน", "other text is unchanged");
    let indicators = read_csv("data/indicators.csv");
    let row = indicators.iter().find(|r| &r[0] == "alpha").unwrap();
    assert_eq!(&row[col(&indicators, "unit_en")], "'\rCR");
    assert_eq!(&row[col(&indicators, "baseline")], "-3.5", "numbers stay numbers");
    assert_eq!(&row[col(&indicators, "pilot_title_en")], "'=HYPERLINK(\"http://evil.example/\",\"click\")");
    // No cell anywhere starts with a formula character.
    for rows in [&pilots, &indicators] {
        for (i, r) in rows.iter().enumerate().skip(1) {
            for (j, cell) in r.iter().enumerate() {
                let numeric = ["baseline", "target", "actual", "progress_percent"].contains(&&rows[0][j]);
                assert!(
                    numeric || !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "row {i} {}: {cell:?}",
                    &rows[0][j]
                );
            }
        }
    }
    // The data page tells re-users, in both languages.
    assert_contains(&site.read("en/data/index.html"), "starts with =, +, -, @");
    assert_contains(&site.read("data/index.html"), "=, +, -, @");
}

#[test]
fn deeply_nested_raw_html_and_huge_tables_are_errors_with_their_line() {
    let site = SiteTest::new("bilingual");
    let n = 50_000;
    site.write(NARRATIVE, format!("Text.\n\n{}x{}\n", "<div>".repeat(n), "</div>".repeat(n)));
    let rows = namrong::markdown::MAX_TABLE_CELLS / 2 + 1;
    site.write(PAGE, format!("+++\ntitle = \"About\"\n+++\nText.\n\n|a|b|\n|-|-|\n{}", "|1|2|\n".repeat(rows)));
    let ds = site.build_errors();
    let deep = ds.iter().find(|d| d.path == Path::new(NARRATIVE)).unwrap_or_else(|| panic!("{ds}"));
    assert_eq!(deep.line, 3, "{deep}");
    assert!(deep.message.contains("nested more than 500"), "{deep}");
    let table = ds.iter().find(|d| d.path == Path::new(PAGE)).unwrap_or_else(|| panic!("{ds}"));
    assert!(table.message.contains("more than 50000 table cells"), "{table}");
    assert_eq!(table.line, 6 + rows, "{table}");
}

#[test]
fn thousands_of_issues_build() {
    let site = SiteTest::new("bilingual");
    let mut issues = std::fs::read_to_string(site.root().join("content/issues.toml")).unwrap();
    for i in 0..2000 {
        issues.push_str(&format!("\n[extra-{i}]\nth = \"ประเด็น {i}\"\nen = \"Issue {i}\"\n"));
    }
    site.write("content/issues.toml", issues);
    site.build();
    let page = site.read("en/issues/extra-1999/index.html");
    assert_contains(&page, "Issue 1999");
    assert_not_contains(&page, "Issue 1998");
    assert_contains(&site.read("en/issues/index.html"), "Issue 1998");
}
