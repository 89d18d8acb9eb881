//! Bad input: every case gets a specific message naming the file and line, all problems are
//! reported in one run, and the previous output is left exactly as it was.

use namrong::diagnostics::{Diagnostic, Diagnostics};

use crate::support::*;

const ALPHA: &str = "content/pilots/alpha/pilot.toml";

/// Builds once, breaks the site with `breakage`, builds again and returns the errors, after
/// checking the previous output was not touched.
fn errors_after(breakage: impl FnOnce(&SiteTest)) -> Diagnostics {
    let site = SiteTest::new("bilingual");
    site.build();
    let before = tree(&site.out());
    breakage(&site);
    let errors = site.build_errors();
    assert_eq!(before, tree(&site.out()), "a failed build must leave the previous output unchanged");
    errors
}

#[track_caller]
fn find<'a>(ds: &'a Diagnostics, path: &str, message: &str) -> &'a Diagnostic {
    ds.iter()
        .find(|d| d.path.to_string_lossy() == path && d.message.contains(message) && d.is_error())
        .unwrap_or_else(|| panic!("no error in {path} saying {message:?}; got:\n{ds}"))
}

#[track_caller]
fn assert_error(ds: &Diagnostics, path: &str, line: usize, message: &str, hint: Option<&str>) {
    let d = find(ds, path, message);
    assert_eq!(d.line, line, "wrong line for:\n{d}");
    if let Some(h) = hint {
        let got = d.hint.as_deref().unwrap_or("");
        assert!(got.contains(h), "hint {got:?} should mention {h:?}\n{d}");
    }
}

#[test]
fn malformed_toml_in_each_kind_of_file() {
    let ds = errors_after(|s| {
        s.replace(ALPHA, "status    = \"active\"", "status    = \"active");
        s.replace("content/issues.toml", "[water]", "[water");
        s.replace(
            "content/pilots/alpha/updates/2024-09-25-workshop.th.md",
            "title = \"ประชุมเชิงปฏิบัติการ\"",
            "title = ประชุม",
        );
    });
    assert_error(&ds, ALPHA, 6, "the closing quote \" is missing", Some("e.g. \"active\""));
    assert_error(&ds, "content/issues.toml", 10, "is not closed", Some("write: [water]"));
    assert_error(
        &ds,
        "content/pilots/alpha/updates/2024-09-25-workshop.th.md",
        2,
        "Thai text must be in quotes",
        Some("title = \"ประชุม\""),
    );
    let ds = errors_after(|s| {
        s.replace("namrong.toml", "title = {", "title = {{");
    });
    assert_error(&ds, "namrong.toml", 1, "malformed TOML", None);
}

#[test]
fn unclosed_front_matter() {
    let ds = errors_after(|s| {
        s.write("content/pages/about.th.md", "+++\ntitle = \"x\"\nข้อความ\n");
    });
    assert_error(&ds, "content/pages/about.th.md", 1, "never closed", Some("+++"));
}

#[test]
fn file_that_is_not_utf8_names_the_byte_offset() {
    let ds = errors_after(|s| {
        s.write("content/pilots/beta/th.md", b"ok\nbad \xff byte\n");
    });
    assert_error(&ds, "content/pilots/beta/th.md", 2, "offset 7", Some("UTF-8"));
}

#[test]
fn each_missing_required_field() {
    for (field, line) in [
        ("title     = { th = \"ชลบุรีสังคมสูงวัย\" }\n", "title"),
        ("provinces = [\"Chonburi\"]\n", "provinces"),
        ("issues    = [\"aging-society\"]\n", "issues"),
        ("status    = \"planned\"\n", "status"),
        ("start     = 2025-01-15\n", "start"),
    ] {
        let ds = errors_after(|s| {
            s.replace("content/pilots/beta/pilot.toml", field, "");
        });
        assert_error(
            &ds,
            "content/pilots/beta/pilot.toml",
            1,
            &format!("required field `{line}` is missing"),
            Some("add a line"),
        );
    }
}

#[test]
fn unknown_province_suggests_across_languages() {
    let ds = errors_after(|s| {
        s.replace(ALPHA, "\"ลำปาง\"", "\"Lampnag\"");
    });
    assert_error(&ds, ALPHA, 3, "unknown province \"Lampnag\"", Some("did you mean Lampang / ลำปาง (TH-52)?"));
    let d = find(&ds, ALPHA, "unknown province");
    assert_eq!(d.column, 14, "points at the value:\n{d}");
}

#[test]
fn unknown_issue_lists_the_known_ones() {
    let ds = errors_after(|s| {
        s.replace(ALPHA, "[\"haze-wildfire\"]", "[\"haze\"]");
    });
    assert_error(&ds, ALPHA, 5, "unknown issue \"haze\"", Some("haze-wildfire, aging-society, water"));
}

#[test]
fn status_outside_the_allowed_set() {
    let ds = errors_after(|s| {
        s.replace(ALPHA, "\"active\"", "\"actve\"");
    });
    assert_error(&ds, ALPHA, 6, "unknown status \"actve\"", Some("did you mean \"active\"?"));
}

#[test]
fn buddhist_era_year_gets_the_common_era_fix() {
    let ds = errors_after(|s| {
        s.replace(ALPHA, "start     = 2024-05-07", "start     = 2567-05-07");
    });
    assert_error(&ds, ALPHA, 7, "Buddhist-Era", Some("write 2024-05-07; dates are in the Common Era"));
}

#[test]
fn end_before_start() {
    let ds = errors_after(|s| {
        s.replace(ALPHA, "end       = 2027-09-30", "end       = 2023-09-30");
    });
    assert_error(&ds, ALPHA, 8, "before the start date", None);
}

#[test]
fn indicator_with_actual_but_no_as_of() {
    let ds = errors_after(|s| {
        s.replace(ALPHA, "as_of = 2024-06-01\n", "");
    });
    assert_error(&ds, ALPHA, 27, "actual value but no as_of", Some("as_of = "));
}

#[test]
fn update_without_a_date() {
    let ds = errors_after(|s| {
        s.write("content/pilots/beta/updates/news.th.md", "+++\ntitle = \"ข่าว\"\n+++\nข้อความ\n");
    });
    assert_error(&ds, "content/pilots/beta/updates/news.th.md", 1, "no date", Some("2024-09-25"));
}

#[test]
fn pilot_folder_that_is_not_a_slug() {
    let ds = errors_after(|s| {
        s.write("content/pilots/Bad_Slug/pilot.toml", "");
    });
    assert_error(&ds, "content/pilots/Bad_Slug", 0, "not a valid slug", Some("bad-slug"));
}

#[test]
fn unknown_key_suggests_the_near_one() {
    let ds = errors_after(|s| {
        s.replace(ALPHA, "status    =", "stauts    =");
    });
    assert_error(&ds, ALPHA, 6, "unknown key `stauts`", Some("did you mean `status`?"));
}

#[test]
fn link_to_nothing_names_file_and_line() {
    let ds = errors_after(|s| {
        s.write("content/pilots/beta/th.md", "บรรทัดแรก\n\nดู[แผนที่](images/missing.png) และ[โครงการ](../nope/)\n");
    });
    assert_error(&ds, "content/pilots/beta/th.md", 3, "images/missing.png", None);
    assert_error(&ds, "content/pilots/beta/th.md", 3, "../nope/", None);
}

#[test]
fn link_out_of_the_site_is_refused() {
    let ds = errors_after(|s| {
        s.write("content/pilots/beta/th.md", "[x](../../../../etc/passwd)\n");
    });
    assert_error(&ds, "content/pilots/beta/th.md", 1, "outside the site", None);
}

#[test]
fn all_problems_are_reported_in_one_run() {
    let ds = errors_after(|s| {
        s.replace(ALPHA, "\"ลำปาง\"", "\"Lampnag\"");
        s.replace(ALPHA, "\"active\"", "\"actve\"");
        s.replace("content/pilots/delta/pilot.toml", "\"TH-95\"", "\"TH-99\"");
    });
    assert!(ds.error_count() >= 3, "{ds}");
    find(&ds, "content/pilots/delta/pilot.toml", "unknown province");
}

#[test]
fn warns_about_empty_narratives_and_future_updates() {
    let site = SiteTest::new("bilingual");
    site.write("content/pilots/delta/en.md", "\n");
    site.write("content/pilots/delta/updates/2026-05-01-later.th.md", "+++\ntitle = \"ภายหลัง\"\n+++\nx\n");
    let report = site.build();
    let w = |m: &str| report.warnings.iter().any(|d| !d.is_error() && d.message.contains(m));
    assert!(w("the narrative is empty"), "{}", report.warnings);
    assert!(w("dated in the future"), "{}", report.warnings);
}

#[test]
fn a_file_saved_in_tis_620_is_named_as_such_without_follow_on_warnings() {
    let site = SiteTest::new("bilingual");
    let (narrative, _, _) = encoding_rs::WINDOWS_874.encode("## ที่มา\n\nลำปางประสบปัญหาหมอกควันไฟป่าทุกปี\n");
    let (update, _, _) = encoding_rs::WINDOWS_874.encode("+++\ntitle = \"ประชุม\"\n+++\n\nประชุมเชิงปฏิบัติการ\n");
    site.write("content/pilots/alpha/th.md", narrative);
    site.write("content/pilots/alpha/updates/2024-09-25-workshop.th.md", update);
    let ds = site.build_errors();
    for (path, line) in
        [("content/pilots/alpha/th.md", 1), ("content/pilots/alpha/updates/2024-09-25-workshop.th.md", 2)]
    {
        assert_error(&ds, path, line, "saved in the old Thai encoding TIS-620 (Windows-874), not UTF-8", Some("UTF-8"));
    }
    let follow_on: Vec<_> = ds.iter().filter(|d| d.path.starts_with("content/pilots/alpha") && !d.is_error()).collect();
    assert!(follow_on.is_empty(), "no warnings should follow an unreadable file: {follow_on:?}");
}
