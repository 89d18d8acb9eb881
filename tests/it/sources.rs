//! Sources: what pilot.toml lists is shown on pilot and update pages in both languages, cited
//! next to indicators, carried in the JSON and CSV files, and checked (web addresses, dates,
//! numbers that point at nothing).

use namrong::diagnostics::Diagnostics;

use crate::support::*;

const ALPHA: &str = "content/pilots/alpha/pilot.toml";
const WORKSHOP_TH: &str = "content/pilots/alpha/updates/2024-09-25-workshop.th.md";

fn json(site: &SiteTest, rel: &str) -> serde_json::Value {
    serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}"))
}

#[test]
fn pilot_pages_list_sources_and_cite_them_next_to_indicators() {
    let site = SiteTest::new("bilingual");
    site.build();
    let th = site.read("pilots/alpha/index.html");
    assert_contains(&th, r#"<h2 id="sources-h">แหล่งที่มา</h2>"#);
    assert_contains(
        &th,
        r#"<li id="source-1"><a href="https://news.example.go.th/launch?id=1&amp;lang=th" rel="external">ข่าวเปิดตัวโครงการ</a>. สศช., <time datetime="2024-05-08">"#,
    );
    // A source without an address is named, not linked; the one given in place comes last.
    assert_contains(&th, r#"<li id="source-2"><cite>รายงานผลรอบแรก</cite>. จังหวัดลำปาง, <time datetime="2024-06-02">"#);
    assert_contains(&th, r#"<li id="source-3"><cite>บันทึกภาคสนาม</cite></li>"#);
    assert_contains(&th, r##"<a href="#source-1" aria-label="แหล่งที่มาข้อ 1">[1]</a>"##);
    assert_contains(&th, r##"<a href="#source-3" aria-label="แหล่งที่มาข้อ 3">[3]</a>"##);

    let en = site.read("en/pilots/alpha/index.html");
    assert_contains(&en, r#"<h2 id="sources-h">Sources</h2>"#);
    assert_contains(&en, r#"rel="external">Launch news</a>. NESDC, <time datetime="2024-05-08">8 May 2024</time>"#);
    // No English title: the Thai one is shown, marked as Thai.
    assert_contains(&en, r#"<li id="source-2"><cite><span lang="th">รายงานผลรอบแรก</span></cite>. Lampang Province"#);
    assert_contains(&en, r##"<a href="#source-1" aria-label="Source 1">[1]</a>"##);
    // A pilot without sources has no empty list.
    assert_not_contains(&site.read("pilots/beta/index.html"), "sources-h");
}

#[test]
fn update_pages_name_their_source() {
    let site = SiteTest::new("bilingual");
    site.build();
    let th = site.read("pilots/alpha/updates/2024-09-25-workshop/index.html");
    assert_contains(&th, r#"<p class="update-source">แหล่งที่มา: <cite>รายงานผลรอบแรก</cite>. จังหวัดลำปาง"#);
    assert_contains(&th, r##"<a href="/pilots-site/pilots/alpha/#sources-h">[2]</a>"##);
    let en = site.read("en/pilots/alpha/updates/2024-09-25-workshop/index.html");
    assert_contains(&en, r#"<p class="update-source">Source: <cite><span lang="th">รายงานผลรอบแรก</span></cite>"#);
    assert_not_contains(&site.read("pilots/delta/updates/2023-03-01-first/index.html"), "update-source");
}

#[test]
fn sources_are_in_the_json_and_csv_files() {
    let site = SiteTest::new("bilingual");
    site.build();
    let alpha = json(&site, "data/pilots/alpha.json");
    let sources = alpha["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 3, "{sources:?}");
    assert_eq!(sources[0]["title"]["en"], "Launch news");
    assert_eq!(sources[0]["url"], "https://news.example.go.th/launch?id=1&lang=th");
    assert_eq!(sources[0]["publisher"]["th"], "สศช.");
    assert_eq!(sources[0]["date"], "2024-05-08");
    assert_eq!(sources[1]["title"]["en"], serde_json::Value::Null);
    assert_eq!(sources[1]["url"], serde_json::Value::Null);
    assert_eq!(sources[2]["title"]["en"], "Field notes");
    assert_eq!(alpha["indicators"][0]["source"], 1);
    assert_eq!(alpha["indicators"][1]["source"], 3);
    assert_eq!(alpha["updates"][0]["source"], 2);
    let all = json(&site, "data/pilots.json");
    let listed = all["pilots"].as_array().unwrap().iter().find(|p| p["slug"] == "alpha").unwrap();
    assert_eq!(listed["sources"], alpha["sources"]);
    let beta = json(&site, "data/pilots/beta.json");
    assert_eq!(beta["sources"], serde_json::json!([]));

    let csv = site.read("data/indicators.csv");
    let mut rows = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let headers = rows.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    let alpha_rows: Vec<csv::StringRecord> =
        rows.records().map(Result::unwrap).filter(|r| &r[col("pilot_slug")] == "alpha").collect();
    assert_eq!(&alpha_rows[0][col("source_title_en")], "Launch news");
    assert_eq!(&alpha_rows[0][col("source_title_th")], "ข่าวเปิดตัวโครงการ");
    assert_eq!(&alpha_rows[0][col("source_publisher_en")], "NESDC");
    assert_eq!(&alpha_rows[0][col("source_date")], "2024-05-08");
    assert_eq!(&alpha_rows[0][col("source_url")], "https://news.example.go.th/launch?id=1&lang=th");
    assert_eq!(&alpha_rows[1][col("source_title_en")], "Field notes");
    assert_eq!(&alpha_rows[1][col("source_url")], "");
}

fn errors(breakage: impl FnOnce(&SiteTest)) -> Diagnostics {
    let site = SiteTest::new("bilingual");
    breakage(&site);
    site.build_errors()
}

#[track_caller]
fn assert_error(ds: &Diagnostics, path: &str, line: usize, message: &str, hint: &str) {
    let d = ds
        .iter()
        .find(|d| d.path.to_string_lossy() == path && d.message.contains(message) && d.is_error())
        .unwrap_or_else(|| panic!("no error in {path} saying {message:?}; got:\n{ds}"));
    assert_eq!(d.line, line, "wrong line for:\n{d}");
    let got = d.hint.as_deref().unwrap_or("");
    assert!(got.contains(hint), "hint {got:?} should mention {hint:?}\n{d}");
}

#[test]
fn source_addresses_must_be_web_addresses() {
    let ds = errors(|s| {
        s.replace(ALPHA, "https://news.example.go.th/launch?id=1&lang=th", "javascript:alert(1)");
    });
    assert_error(&ds, ALPHA, 14, "`javascript:alert(1)` must start with https:// or http://", "https://");
    let ds = errors(|s| {
        s.replace(ALPHA, "https://news.example.go.th/launch?id=1&lang=th", "https://");
    });
    assert_error(&ds, ALPHA, 14, "is not a valid web address", "https://");
    let ds = errors(|s| {
        s.replace(ALPHA, "title = { th = \"บันทึกภาคสนาม\", en = \"Field notes\" }", "url = \"file:///etc/passwd\"");
    });
    assert_error(&ds, ALPHA, 32, "must start with https://", "https://");
    assert_error(&ds, ALPHA, 32, "this source has no title", "title = ");
}

#[test]
fn source_dates_are_checked_like_other_dates() {
    let ds = errors(|s| {
        s.replace(ALPHA, "date = 2024-05-08", "date = 2567-05-08");
    });
    assert_error(&ds, ALPHA, 14, "the year 2567 looks like a Buddhist-Era year", "write 2024-05-08");
    let ds = errors(|s| {
        s.replace(ALPHA, "date = 2024-06-02", "date = 2024-06-31");
    });
    assert_error(&ds, ALPHA, 15, "is not a date namrong can read", "");
}

#[test]
fn a_cited_source_must_exist() {
    let ds = errors(|s| {
        s.replace(ALPHA, "source = 1\n", "source = 5\n");
        s.replace(WORKSHOP_TH, "source = 2\n", "source = 0\n");
    });
    assert_error(&ds, ALPHA, 25, "source 5 does not exist", "this pilot lists 2 sources, numbered 1 to 2");
    assert_error(&ds, WORKSHOP_TH, 4, "source 0 does not exist", "numbered 1 to 2");
    let ds = errors(|s| {
        s.replace(
            "content/pilots/delta/pilot.toml",
            "end       = 2023-12-31\n",
            "end = 2023-12-31\n[[indicators]]\nname = { th = \"x\", en = \"x\" }\nsource = 1\n",
        );
    });
    assert_error(&ds, "content/pilots/delta/pilot.toml", 9, "source 1 does not exist", "this pilot lists no sources");
    let ds = errors(|s| {
        s.replace(ALPHA, "source = 1\n", "source = \"first\"\n");
    });
    assert_error(&ds, ALPHA, 25, "`source` must be the number of one of the pilot's sources", "source = 1");
}

#[test]
fn the_two_files_of_an_update_citing_different_sources_get_a_warning() {
    let site = SiteTest::new("bilingual");
    site.replace("content/pilots/alpha/updates/2024-09-25-workshop.en.md", "+++\n", "+++\nsource = 1\n");
    let report = site.build();
    let d = report.warnings.iter().find(|d| d.message.contains("give different sources"));
    assert!(d.is_some(), "{}", report.warnings);
    // One source is used for both pages.
    let th = site.read("pilots/alpha/updates/2024-09-25-workshop/index.html");
    let en = site.read("en/pilots/alpha/updates/2024-09-25-workshop/index.html");
    let cited = |html: &str| {
        html.split("update-source").nth(1).and_then(|s| s.split("#sources-h\">").nth(1)).map(|s| s[..3].to_string())
    };
    assert!(cited(&th).is_some(), "{th}");
    assert_eq!(cited(&th), cited(&en));
}
