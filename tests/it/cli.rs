//! The real binary: exit codes, messages and `namrong new`.

use assert_cmd::Command;
use predicates::prelude::*;

use crate::support::*;

fn namrong() -> Command {
    Command::cargo_bin("namrong").unwrap()
}

#[test]
fn build_prints_a_summary_and_exits_0() {
    let site = SiteTest::new("bilingual");
    namrong().args(["build", "--root"]).arg(site.root()).assert().success().stdout(
        predicate::str::is_match(r"built 23 Thai and 23 English pages, \d+ other files .* in \d+\.\d\d s").unwrap(),
    );
    assert!(site.exists("index.html"));
}

#[test]
fn build_timings_name_every_step() {
    let site = SiteTest::new("bilingual");
    let out = namrong().args(["build", "--timings", "--root"]).arg(site.root()).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for step in ["prepare output", "load and validate", "index", "render and write", "swap in"] {
        let line = stdout.lines().find(|l| l.ends_with(&format!(" s  {step}")));
        assert!(line.is_some(), "no timing for {step} in:\n{stdout}");
    }
    // Without the flag, only the summary.
    let plain = namrong().args(["build", "--root"]).arg(site.root()).assert().success();
    assert_eq!(String::from_utf8(plain.get_output().stdout.clone()).unwrap().lines().count(), 1);
}

#[test]
fn content_errors_exit_1_with_file_line_col() {
    let site = SiteTest::new("bilingual");
    site.replace("content/pilots/alpha/pilot.toml", "\"ลำปาง\"", "\"Lampnag\"");
    namrong()
        .args(["build", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("content/pilots/alpha/pilot.toml:3:14: error: unknown province \"Lampnag\""))
        .stderr(predicate::str::contains("= hint: did you mean Lampang / ลำปาง (TH-52)?"))
        .stderr(predicate::str::contains("panicked").not());
}

#[test]
fn usage_errors_exit_2() {
    namrong()
        .args(["build", "--root", "/no/such/site"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
    let empty = tempfile::tempdir().unwrap();
    namrong()
        .args(["build", "--root"])
        .arg(empty.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no namrong.toml"));
    namrong().args(["build", "--frobnicate"]).assert().code(2);
    let site = SiteTest::new("bilingual");
    namrong().args(["build", "--base-url", "example.go.th", "--root"]).arg(site.root()).assert().code(2);
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let site = SiteTest::new("bilingual");
    let content_before = tree(&site.root().join("content"));
    namrong()
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(site.root().join("content"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("refusing"));
    let mine = site.dir.path().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep me").unwrap();
    namrong()
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(&mine)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("was not made by namrong"));
    assert_eq!(std::fs::read_to_string(mine.join("notes.txt")).unwrap(), "keep me");
    assert_eq!(content_before, tree(&site.root().join("content")));
}

#[test]
fn base_url_flag_changes_every_url() {
    let site = SiteTest::new("bilingual");
    namrong()
        .args(["build", "--base-url", "https://other.example.org/x", "--root"])
        .arg(site.root())
        .assert()
        .success();
    let html = site.read("en/pilots/alpha/index.html");
    assert_contains(&html, r#"<link rel="canonical" href="https://other.example.org/x/en/pilots/alpha/">"#);
    assert_contains(&html, r#"href="/x/static/style.css""#);
}

#[test]
fn new_scaffolds_a_pilot_that_builds_and_refuses_to_overwrite() {
    let site = SiteTest::new("bilingual");
    namrong()
        .args(["new", "new-pilot", "--province", "Chonburi", "--issue", "water", "--root"])
        .arg(site.root())
        .assert()
        .success()
        .stdout(predicate::str::contains("pilot.toml"));
    let toml = std::fs::read_to_string(site.root().join("content/pilots/new-pilot/pilot.toml")).unwrap();
    assert_contains(&toml, "provinces = [\"ชลบุรี\"]");
    assert_contains(&toml, "# lead");
    site.replace("content/pilots/new-pilot/pilot.toml", "draft     = true", "draft     = false");
    site.build();
    assert!(site.exists("en/pilots/new-pilot/index.html"));
    namrong()
        .args(["new", "new-pilot", "--root"])
        .arg(site.root())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    namrong()
        .args(["new", "../escape", "--root"])
        .arg(site.root())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a valid pilot slug"));
    namrong()
        .args(["new", "x", "--province", "Lampnag", "--root"])
        .arg(site.root())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean Lampang"));
}

#[test]
fn new_update_creates_a_dated_pair() {
    let site = SiteTest::new("bilingual");
    namrong().args(["new", "alpha", "--update", "field-visit", "--root"]).arg(site.root()).assert().success();
    let updates: Vec<String> = std::fs::read_dir(site.root().join("content/pilots/alpha/updates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("field-visit"))
        .collect();
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert!(updates.iter().all(|n| n.len() > 10 && n.as_bytes()[4] == b'-'), "{updates:?}");
    namrong().args(["new", "alpha", "--update", "field-visit", "--root"]).arg(site.root()).assert().code(2);
    namrong()
        .args(["new", "nobody", "--update", "x", "--root"])
        .arg(site.root())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("there is no pilot"));
}

#[test]
fn check_reports_coverage_writes_nothing_and_exits_0_when_clean() {
    let site = SiteTest::new("bilingual");
    namrong()
        .args(["check", "--root"])
        .arg(site.root())
        .assert()
        .success()
        .stdout(predicate::str::contains("pilots: 3, Thai 3/3, English 2/3"))
        .stdout(predicate::str::contains("missing English: content/pilots/beta (pilot)"))
        .stdout(predicate::str::contains("0 errors, 2 warnings"));
    assert!(!site.out().exists(), "check must not write output");
}

#[test]
fn check_strict_makes_missing_translations_errors() {
    let site = SiteTest::new("bilingual");
    namrong()
        .args(["check", "--strict", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("content/pilots/beta/pilot.toml:1:1: error: missing translation"));
}

#[test]
fn check_json_is_machine_readable() {
    let site = SiteTest::new("bilingual");
    site.replace("content/pilots/alpha/pilot.toml", "\"active\"", "\"actve\"");
    let out = namrong()
        .args(["check", "--format", "json", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    assert_eq!(json["errors"], 1);
    let d = &json["diagnostics"].as_array().unwrap().iter().find(|d| d["severity"] == "error").unwrap();
    assert_eq!(d["path"], "content/pilots/alpha/pilot.toml");
    assert_eq!(d["line"], 6);
    assert!(d["hint"].as_str().unwrap().contains("did you mean \"active\""));
    assert!(json["coverage"].as_array().unwrap().len() >= 3);
}

#[test]
fn check_finds_template_errors() {
    let site = SiteTest::new("bilingual");
    site.write(
        "themes/default/templates/issue.html",
        "{% extends \"base.html\" %}{% block main %}{{ no_such_value }}{% endblock main %}",
    );
    namrong()
        .args(["check", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("template error"));
}

#[test]
fn every_content_error_exits_1_naming_file_and_line() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "content/pilots/alpha/pilot.toml",
            "status    = \"active\"",
            "status    = \"active",
            "content/pilots/alpha/pilot.toml:6:",
        ),
        ("content/issues.toml", "[water]", "[water", "content/issues.toml:10:"),
        (
            "content/pilots/alpha/pilot.toml",
            "\"ลำปาง\"",
            "\"Lampnag\"",
            "content/pilots/alpha/pilot.toml:3:14: error: unknown province",
        ),
        ("content/pilots/alpha/pilot.toml", "[\"haze-wildfire\"]", "[\"haze\"]", "content/pilots/alpha/pilot.toml:5:"),
        ("content/pilots/alpha/pilot.toml", "2024-05-07", "2567-05-07", "content/pilots/alpha/pilot.toml:7:"),
        ("content/pilots/alpha/pilot.toml", "2027-09-30", "2023-09-30", "content/pilots/alpha/pilot.toml:8:"),
        ("content/pilots/alpha/pilot.toml", "as_of = 2024-06-01\n", "", "content/pilots/alpha/pilot.toml:27:"),
        (
            "content/pilots/beta/pilot.toml",
            "status    = \"planned\"\n",
            "",
            "content/pilots/beta/pilot.toml:1:1: error: required field `status`",
        ),
        ("content/pilots/beta/th.md", "ในชลบุรี", "ในชลบุรี [x](nope.png)", "content/pilots/beta/th.md:1:"),
        (
            "content/pages/about.th.md",
            "description = \"ที่มาของรายงาน\"\n+++",
            "description = \"ที่มาของรายงาน\"",
            "content/pages/about.th.md:1:1: error: front matter",
        ),
    ];
    for (file, from, to, expected) in cases {
        let site = SiteTest::new("bilingual");
        site.build();
        let before = tree(&site.out());
        site.replace(file, from, to);
        namrong()
            .args(["build", "--root"])
            .arg(site.root())
            .assert()
            .code(1)
            .stderr(predicate::str::contains(*expected))
            .stderr(predicate::str::contains("the previous output was left unchanged"));
        assert_eq!(before, tree(&site.out()), "{expected}: output changed");
    }
}
