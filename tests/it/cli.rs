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
    for step in ["prepare output", "load and validate", "index", "render and write", "update the output"] {
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
    assert_contains(&html, r#"<link rel="stylesheet" href="/x/static/style."#);
}

#[test]
fn new_scaffolds_a_draft_pilot_whose_placeholders_cannot_be_published() {
    let site = SiteTest::new("bilingual");
    namrong()
        .args(["new", "new-pilot", "--province", "Chonburi", "--issue", "water", "--root"])
        .arg(site.root())
        .assert()
        .success()
        .stdout(predicate::str::contains("pilot.toml"))
        .stdout(predicate::str::contains("delete the `draft = true` line to publish"));
    let toml = std::fs::read_to_string(site.root().join("content/pilots/new-pilot/pilot.toml")).unwrap();
    assert_contains(&toml, "provinces = [\"ชลบุรี\"]");
    assert_contains(&toml, "issues    = [\"water\"]");
    assert_contains(&toml, "# lead");
    assert_contains(&toml, "draft     = true");
    // A draft is left out, placeholders and all.
    site.build();
    assert!(!site.exists("pilots/new-pilot/index.html"));
    // Published with the placeholders still in: the build refuses, naming each file and line.
    site.replace("content/pilots/new-pilot/pilot.toml", "draft     = true", "draft     = false");
    namrong()
        .args(["build", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "content/pilots/new-pilot/pilot.toml:5:21: error: placeholder text from `namrong new` would be published: \"ชื่อโครงการนำร่อง (แก้ไขก่อนเผยแพร่)\"",
        ))
        .stderr(predicate::str::contains("content/pilots/new-pilot/pilot.toml:6:"))
        .stderr(predicate::str::contains("content/pilots/new-pilot/th.md:3:1: error: placeholder text"))
        .stderr(predicate::str::contains("content/pilots/new-pilot/en.md:3:1: error: placeholder text"));
    namrong()
        .args(["check", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("content/pilots/new-pilot/th.md:3:1: error: placeholder text"));
    // Replaced: it builds.
    site.write(
        "content/pilots/new-pilot/pilot.toml",
        toml.replace("draft     = true", "draft     = false")
            .replace("ชื่อโครงการนำร่อง (แก้ไขก่อนเผยแพร่)", "น้ำสะอาดชลบุรี")
            .replace("Pilot title (replace before publishing)", "Clean water in Chonburi")
            .replace("สรุปสั้น ๆ หนึ่งหรือสองประโยค (แก้ไขก่อนเผยแพร่)", "น้ำประปาหมู่บ้าน")
            .replace("A one- or two-sentence summary (replace before publishing)", "Village water supply"),
    );
    site.write("content/pilots/new-pilot/th.md", "## ที่มา\n\nน้ำประปาหมู่บ้าน\n");
    site.write("content/pilots/new-pilot/en.md", "## Background\n\nVillage water supply.\n");
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
}

#[test]
fn new_leaves_province_and_issue_to_the_editor_and_checks_the_ones_given() {
    let site = SiteTest::new("bilingual");
    namrong().args(["new", "open-pilot", "--root"]).arg(site.root()).assert().success();
    let toml = std::fs::read_to_string(site.root().join("content/pilots/open-pilot/pilot.toml")).unwrap();
    assert_not_contains(&toml, "ลำปาง\"]\n");
    assert_not_contains(&toml, "haze-wildfire\"]");
    assert_contains(&toml, "\nprovinces = []\n");
    assert_contains(&toml, "\nissues    = []\n");
    assert_contains(&toml, "# Which issues? one or more of: haze-wildfire, aging-society, water\n");
    assert_contains(&toml, "e.g. [\"ลำปาง\"], [\"Chiang Mai\"], [\"TH-20\"]");
    // Until the editor fills them in, check --drafts says so at their lines.
    namrong()
        .args(["check", "--drafts", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "content/pilots/open-pilot/pilot.toml:8:13: error: a pilot needs at least one province",
        ))
        .stdout(predicate::str::contains("this draft still has placeholder text"));
    // Without --drafts, check leaves the draft out.
    namrong().args(["check", "--root"]).arg(site.root()).assert().success();
    namrong()
        .args(["new", "x", "--province", "Lampnag", "--root"])
        .arg(site.root())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean Lampang"));
    namrong()
        .args(["new", "x", "--issue", "haze", "--root"])
        .arg(site.root())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown issue \"haze\"; did you mean \"haze-wildfire\"?"));
    namrong()
        .args(["new", "x", "--issue", "roads", "--root"])
        .arg(site.root())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the issues in content/issues.toml are: haze-wildfire, aging-society, water"));
    assert!(!site.root().join("content/pilots/x").exists());
}

#[test]
fn new_update_creates_a_dated_draft_pair_left_out_until_published() {
    let site = SiteTest::new("bilingual");
    namrong().args(["new", "alpha", "--update", "field-visit", "--root"]).arg(site.root()).assert().success();
    let updates: Vec<String> = std::fs::read_dir(site.root().join("content/pilots/alpha/updates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("field-visit"))
        .collect();
    assert_eq!(updates.len(), 2, "{updates:?}");
    assert!(updates.iter().all(|n| n.len() > 10 && n.as_bytes()[4] == b'-'), "{updates:?}");
    let stem = updates[0].split('.').next().unwrap().to_string();
    let th = format!("content/pilots/alpha/updates/{stem}.th.md");
    assert_contains(&site.read_source(&th), "draft   = true");
    // A draft update is in no page, feed or data file.
    namrong().args(["build", "--root"]).arg(site.root()).assert().success();
    assert!(!site.exists(&format!("pilots/alpha/updates/{stem}/index.html")));
    for file in ["index.html", "feed.xml", "updates/index.html", "data/pilots.json", "data/pilots.csv"] {
        assert_not_contains(&site.read(file), "field-visit");
        assert_not_contains(&site.read(file), "หัวข้อความคืบหน้า");
    }
    // With --drafts it is built, under a draft banner in both languages.
    namrong().args(["build", "--drafts", "--root"]).arg(site.root()).assert().success();
    for page in
        [format!("pilots/alpha/updates/{stem}/index.html"), format!("en/pilots/alpha/updates/{stem}/index.html")]
    {
        assert_contains(&site.read(&page), "<p class=\"draft-banner\" role=\"note\"><strong>ฉบับร่าง / Draft</strong>");
    }
    assert_not_contains(&site.read("pilots/alpha/index.html"), "draft-banner");
    // Published with its placeholders: refused, naming the file and line.
    // It stays a draft while either file says so.
    for file in [th.clone(), th.replace(".th.md", ".en.md")] {
        let text = site.read_source(&file).replace("draft   = true   # remove this line to publish the update\n", "");
        site.write(&file, text);
    }
    namrong()
        .args(["build", "--root"])
        .arg(site.root())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{th}:2:12: error: placeholder text from `namrong new` would be published: \"หัวข้อความคืบหน้า (แก้ไขก่อนเผยแพร่)\""
        )))
        .stderr(predicate::str::contains(format!("{th}:6:1: error: placeholder text")));
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

/// Every file and folder under `dir`, hidden ones included, with the bytes of each file.
fn every_file(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Option<Vec<u8>>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let bytes = e.file_type().is_file().then(|| std::fs::read(e.path()).unwrap());
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), bytes)
        })
        .collect()
}

#[test]
fn check_leaves_every_file_of_the_site_byte_identical() {
    let site = SiteTest::new("bilingual");
    // Social cards are what once left a cache behind.
    site.replace("namrong.toml", "social_cards = false", "social_cards = true");
    site.write(".hidden/notes.txt", "an editor's own file");
    let before = every_file(&site.root());
    namrong().args(["check", "--root"]).arg(site.root()).assert().success();
    assert_eq!(every_file(&site.root()), before, "check changed the site folder");
    assert!(!site.root().join(".namrong-cache").exists());
    // A build does keep its card cache there, and check still adds nothing after it.
    site.build();
    let built = every_file(&site.root());
    assert!(built.iter().any(|(p, _)| p.starts_with(".namrong-cache/cards")), "the build caches cards");
    namrong().args(["check", "--root"]).arg(site.root()).assert().success();
    assert_eq!(every_file(&site.root()), built, "check changed the site folder after a build");
}

/// A folder this process cannot write into: a read-only one, or /sys when permissions do not
/// bind this user (root ignores them; /sys is read-only even to root).
fn unwritable_folder(tmp: &std::path::Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let dir = tmp.join("read-only");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(dir.join("probe"), "").is_err() {
        return dir;
    }
    std::fs::remove_file(dir.join("probe")).unwrap();
    std::path::PathBuf::from("/sys")
}

#[test]
fn an_output_folder_that_cannot_be_written_exits_1_naming_the_path() {
    let site = SiteTest::new("bilingual");
    let tmp = tempfile::tempdir().unwrap();
    let folder = unwritable_folder(tmp.path());
    namrong()
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(folder.join("public"))
        .assert()
        .code(1)
        .stderr(
            predicate::str::is_match(format!("error: cannot create .*{}/\\.public\\.namrong-", folder.display()))
                .unwrap(),
        )
        .stderr(predicate::str::contains("previous output was left unchanged"))
        .stderr(predicate::str::contains("panicked").not());
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
    assert_eq!(d["kind"], "content");
    let kinds: Vec<&str> = json["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["kind"].as_str()).collect();
    assert!(kinds.contains(&"missing-translation"), "{kinds:?}");
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

/// The TOML mistakes a non-programmer makes, each named at the line where it is, in plain words.
#[test]
fn toml_mistakes_are_named_at_their_own_line_in_plain_words() {
    const ALPHA: &str = "content/pilots/alpha/pilot.toml";
    let district = "district  = { th = \"เมืองลำปาง\", en = \"Mueang Lampang\" }";
    let cases: &[(&str, &str, &str)] = &[
        (
            district,
            "district  = { th = \"เมืองลำปาง, en = Mueang Lampang }",
            ":4:20: error: the closing quote \" is missing",
        ),
        (district, "district  = { th = \"เมืองลำปาง\" en = \"Mueang Lampang\" }", ":4:33: error: a comma is missing"),
        ("status    = \"active\"", "status:     \"active\"", ":6:13: error: use = between a key and its value, not :"),
        (district, "district  = เมืองลำปาง", ":4:13: error: Thai text must be in quotes"),
        ("status    = \"active\"", "status    = “active”", ":6:13: error: curly quotes “ ” are not quotes"),
        (
            "start     = 2024-05-07",
            "start     = 2567-05-07",
            ":7:13: error: the year 2567 looks like a Buddhist-Era year",
        ),
    ];
    for (from, to, expected) in cases {
        let site = SiteTest::new("bilingual");
        site.replace(ALPHA, from, to);
        namrong()
            .args(["check", "--root"])
            .arg(site.root())
            .assert()
            .code(1)
            .stdout(predicate::str::contains(format!("{ALPHA}{expected}")));
    }
}

#[test]
fn serve_shows_drafts_unless_told_not_to() {
    namrong()
        .args(["serve", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--no-drafts"))
        .stdout(predicate::str::contains("Hide pilots and updates marked `draft = true`"));
    namrong()
        .args(["serve", "--no-drafts", "--drafts", "--root", "/nonexistent"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}
