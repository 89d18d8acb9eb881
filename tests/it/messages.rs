//! Messages in Thai: every message the fixture sites and a list of broken inputs produce has a
//! Thai translation in the catalogue, every message written in src/ has a catalogue entry, and
//! the command shows Thai when asked by flag, setting or locale.

use std::path::Path;

use assert_cmd::Command;
use namrong::messages;

use crate::support::*;

const ALPHA: &str = "content/pilots/alpha/pilot.toml";
const UPDATE: &str = "content/pilots/alpha/updates/2024-09-25-workshop.th.md";

/// One way of breaking the bilingual fixture.
type Breakage = fn(&SiteTest);

/// The mistakes editors make, one site each.
const BREAKAGES: &[Breakage] = &[
    |s| {
        s.replace(ALPHA, "status    = \"active\"", "status    = \"active");
    },
    |s| {
        s.replace(ALPHA, "\"active\"", "\"actve\"");
    },
    |s| {
        s.replace(ALPHA, "\"active\"", "\"zzzzzzzz\"");
    },
    |s| {
        s.replace(ALPHA, "\"ลำปาง\"", "\"Lampnag\"");
    },
    |s| {
        s.replace(ALPHA, "\"ลำปาง\"", "\"Zzzzzzzzzz\"");
    },
    |s| {
        s.replace(ALPHA, "\"ลำปาง\", \"TH-50\"", "\"ลำปาง\", \"ลำปาง\"");
    },
    |s| {
        s.replace(ALPHA, "[\"ลำปาง\", \"TH-50\"]", "[]");
    },
    |s| {
        s.replace(ALPHA, "[\"haze-wildfire\"]", "[\"haze\"]");
    },
    |s| {
        s.replace(ALPHA, "[\"haze-wildfire\"]", "[\"zzzzzzzzzzzz\"]");
    },
    |s| {
        s.replace(ALPHA, "[\"haze-wildfire\"]", "[\"water\", \"water\"]");
    },
    |s| {
        s.replace(ALPHA, "[\"haze-wildfire\"]", "[]");
    },
    |s| {
        s.replace(ALPHA, "2024-05-07", "2567-05-07");
    },
    |s| {
        s.replace(ALPHA, "2024-05-07", "2024-02-30");
    },
    |s| {
        s.replace(ALPHA, "2024-05-07", "2024-05-07T10:00:00");
    },
    |s| {
        s.replace(ALPHA, "2027-09-30", "2020-01-01");
    },
    |s| {
        s.replace(ALPHA, "status", "stauts");
    },
    |s| {
        s.replace(ALPHA, "status    = \"active\"", "status    = 5");
    },
    |s| {
        s.replace(ALPHA, "as_of = 2024-05-17", "");
    },
    |s| {
        s.replace(ALPHA, "name = { th = \"ผู้เข้าร่วม\", en = \"Participants\" }", "");
    },
    |s| {
        s.replace(ALPHA, "actual = 72", "actual = nan");
    },
    |s| {
        s.replace(ALPHA, "image_alt = { th = \"แผนที่ลำปาง\", en = \"Map of Lampang\" }", "");
    },
    |s| {
        s.replace(ALPHA, "images/map.svg", "images/none.png");
    },
    |s| {
        s.replace(ALPHA, ", en = \"Lampang haze reduction\"", "");
    },
    |s| {
        s.replace(ALPHA, "status    = \"active\"\n", "status    = \"active\"\nstatus    = \"active\"\n");
    },
    |s| {
        s.replace("content/pilots/beta/pilot.toml", "title     = { th = \"ชลบุรีสังคมสูงวัย\" }\n", "");
    },
    |s| {
        s.replace("content/pilots/beta/pilot.toml", "status    = \"planned\"\n", "");
    },
    |s| {
        s.replace("content/pilots/beta/pilot.toml", "start     = 2025-01-15\n", "");
    },
    |s| {
        s.replace("content/pilots/beta/pilot.toml", "provinces = [\"Chonburi\"]\n", "");
    },
    |s| {
        s.replace("content/pilots/beta/pilot.toml", "issues    = [\"aging-society\"]\n", "");
    },
    |s| {
        s.remove("content/pilots/beta/pilot.toml");
    },
    |s| {
        s.write("content/pilots/beta/th.md", b"ok\nbad \xff byte\n");
    },
    |s| {
        s.write("content/pilots/beta/th.md", "");
    },
    |s| {
        s.write("content/pilots/beta/notes.md", "x");
    },
    |s| {
        s.write("content/pilots/beta/th.md", "see [x](../nowhere/)\n");
    },
    |s| {
        s.write("content/pilots/beta/th.md", "see [x](../../../../etc/passwd)\n");
    },
    |s| {
        s.write("content/pilots/Bad Name/pilot.toml", "");
    },
    |s| {
        s.write("content/pilots/stray.txt", "x");
    },
    |s| {
        s.write("content/pilots/beta/bad name.png", "x");
    },
    |s| {
        s.write("content/pilots/beta/page.html", "<p>x</p>");
    },
    |s| {
        s.write("content/pilots/beta/pic.svgz", "x");
    },
    |s| {
        s.write("content/pilots/beta/pic.svg", "<svg");
    },
    |s| {
        s.write("content/pilots/beta/index.html", "x");
    },
    |s| {
        s.replace("content/issues.toml", "[water]", "[water");
    },
    |s| {
        s.replace("content/issues.toml", "[water]", "[Water_X]");
    },
    |s| {
        s.replace("content/issues.toml", "en = \"Water management\"", "");
    },
    |s| {
        s.replace("content/issues.toml", "th = \"การจัดการน้ำ\"\nen = \"Water management\"", "");
    },
    |s| {
        s.remove("content/issues.toml");
    },
    |s| {
        s.remove("content");
    },
    |s| {
        s.replace(UPDATE, "title = \"ประชุมเชิงปฏิบัติการ\"", "title = ประชุม");
    },
    |s| {
        s.replace(UPDATE, "title = \"ประชุมเชิงปฏิบัติการ\"", "");
    },
    |s| {
        s.replace(UPDATE, "+++\n", "+++\ndate = 2024-09-26\n");
    },
    |s| {
        s.write("content/pilots/alpha/updates/2030-01-01-later.th.md", "+++\ntitle = \"x\"\n+++\nx\n");
    },
    |s| {
        s.write("content/pilots/alpha/updates/workshop.th.md", "+++\ntitle = \"x\"\n+++\nx\n");
    },
    |s| {
        s.write("content/pilots/alpha/updates/2024-01-01-Bad_Name.th.md", "+++\ntitle = \"x\"\n+++\nx\n");
    },
    |s| {
        s.write("content/pages/about.th.md", "+++\ntitle = \"x\"\nข้อความ\n");
    },
    |s| {
        s.write("content/pages/about.th.md", "ข้อความ\n");
    },
    |s| {
        s.write("content/pages/search.th.md", "+++\ntitle = \"x\"\n+++\nx\n");
    },
    |s| {
        s.write("content/pages/sub/x.th.md", "+++\ntitle = \"x\"\n+++\nx\n");
    },
    |s| {
        s.replace("namrong.toml", "title = {", "title = {{");
    },
    |s| {
        s.replace("namrong.toml", "base_url = \"https://example.go.th/pilots-site/\"", "");
    },
    |s| {
        s.replace("namrong.toml", "https://example.go.th/pilots-site/", "example.go.th");
    },
    |s| {
        s.replace("namrong.toml", "https://example.go.th/pilots-site/", "https://exa mple/");
    },
    |s| {
        s.replace("namrong.toml", "title = { th = \"ทดสอบโครงการนำร่อง\", en = \"Pilot test site\" }", "");
    },
    |s| {
        s.replace("namrong.toml", "social_cards = false", "social_cards = false\ntheme = \"nope\"");
    },
    |s| {
        s.replace("namrong.toml", "social_cards = false", "social_cards = false\ntheme = \"../x\"");
    },
    |s| {
        s.replace("namrong.toml", "social_cards = false", "social_cards = false\ndefault_language = \"en\"");
    },
    |s| {
        s.replace("namrong.toml", "social_cards = false", "social_cards = false\nlanguages = [\"th\"]");
    },
    |s| {
        s.replace("namrong.toml", "social_cards = false", "social_cards = false\nmessages = \"fr\"");
    },
    |s| {
        s.replace("namrong.toml", "social_cards", "socal_cards");
    },
    |s| {
        s.write("themes/default/templates/pilot.html", "{% if %}");
    },
    |s| {
        s.write("themes/default/templates/pilot.html", "{{ nothing.here }}");
    },
    |s| {
        s.replace(ALPHA, "source = 1", "source = 9");
    },
    |s| {
        s.replace(ALPHA, "source = 1", "source = \"one\"");
    },
    |s| {
        s.replace(ALPHA, "source = 1", "source = { titel = 1 }");
    },
    |s| {
        s.replace(ALPHA, "source = 1", "source = { publisher = { th = \"x\" } }");
    },
    |s| {
        s.replace(ALPHA, "https://news.example.go.th/launch?id=1&lang=th", "www.example.go.th");
    },
    |s| {
        s.replace(ALPHA, "https://news.example.go.th/launch?id=1&lang=th", "https://exa mple/");
    },
    |s| {
        s.replace(ALPHA, "  { title = { th = \"รายงานผลรอบแรก\" }", "  # { title = { th = \"รายงานผลรอบแรก\" }");
        s.replace(ALPHA, "source = 1", "source = 2");
    },
    |s| {
        s.write("content/pilots/gamma/updates/2024-01-01-x.en.md", "+++\ntitle = \"x\"\nsource = 2\n+++\nx\n");
    },
    |s| {
        s.replace("content/pilots/alpha/updates/2024-09-25-workshop.en.md", "+++\n", "+++\nsource = 1\n");
    },
    |s| {
        s.replace("namrong.toml", "email = \"data@example.go.th\"", "email = \"nope\"");
    },
    |s| {
        s.replace("namrong.toml", "url = \"https://example.go.th/\"", "url = \"example\"");
    },
    |s| {
        s.replace("namrong.toml", "name = { th = \"สำนักงานทดสอบ\", en = \"Test Office\" }, ", "name = {}, ");
    },
    |s| {
        s.replace("namrong.toml", "publisher =", "# publisher =");
    },
    |s| {
        s.replace(
            ALPHA,
            "district  = { th = \"เมืองลำปาง\", en = \"Mueang Lampang\" }",
            "district  = { th = \"เมืองลำปาง, en = Mueang Lampang }",
        );
    },
    |s| {
        s.replace(
            ALPHA,
            "district  = { th = \"เมืองลำปาง\", en = \"Mueang Lampang\" }",
            "district  = { th = \"เมืองลำปาง\" en = \"Mueang Lampang\" }",
        );
    },
    |s| {
        s.replace(
            ALPHA,
            "district  = { th = \"เมืองลำปาง\", en = \"Mueang Lampang\" }",
            "district  = { th = \"เมืองลำปาง\", en = \"Mueang Lampang\"",
        );
    },
    |s| {
        s.replace(ALPHA, "district  = { th = \"เมืองลำปาง\", en = \"Mueang Lampang\" }", "district  = เมืองลำปาง");
    },
    |s| {
        s.replace(ALPHA, "status    = \"active\"", "status    = active");
    },
    |s| {
        s.replace(ALPHA, "status    = \"active\"", "status: \"active\"");
    },
    |s| {
        s.replace(ALPHA, "status    = \"active\"", "status    = “active”");
    },
    |s| {
        s.replace(ALPHA, "status    = \"active\"", "status    = \"\"\"active");
    },
    |s| {
        s.replace(ALPHA, "status    = \"active\"", "สถานะ = \"active\"");
    },
    |s| {
        s.replace(ALPHA, "2024-05-07", "7/5/2567");
    },
    |s| {
        s.replace(ALPHA, "2024-05-07", "2567-5-7");
    },
    |s| {
        s.replace(ALPHA, "[\"ลำปาง\", \"TH-50\"]", "[\"ลำปาง\" \"TH-50\"]");
    },
    |s| {
        s.replace(ALPHA, "https://news.example.go.th/launch?id=1&lang=th", "javascript:alert(1)");
    },
    |s| {
        s.replace(
            "namrong.toml",
            "social_cards = false",
            "social_cards = false\nlicence = { name = { th = \"x\", en = \"x\" }, url = \"javascript:x\" }",
        );
    },
    |s| {
        s.replace("namrong.toml", "social_cards = false", "social_cards = false\ncalendar_lint = \"no\"");
    },
    |s| {
        s.write(
            "content/pilots/beta/th.md",
            b"\xca\xc7\xd1\xca\xb4\xd5 \xca\xc7\xd1\xca\xb4\xd5 \xca\xc7\xd1\xca\xb4\xd5\n",
        );
    },
    |s| {
        s.write("content/pilots/beta/th.md", "ข้อความ\u{0b}ที่มีอักขระซ่อน\n");
    },
    |s| {
        s.write("content/pilots/beta/th.md", "เริ่มเมื่อปี 2024 และจบในปี 2027 หรือ 2028\n");
    },
    |s| {
        s.write("content/pilots/gamma/en.md", "It started in 2567.\n");
    },
    |s| {
        s.write("content/pilots/beta/th.md", "[x](javascript:alert(1)) ![y](javascript:x)\n");
    },
    |s| {
        s.write("content/pilots/beta/th.md", "<div>".repeat(200));
    },
    |s| {
        s.write("content/pilots/beta/th.md", "เขียนว่าโครงการนำร่องนี้ทำอะไร ที่ไหน เพื่อใคร (แก้ไขก่อนเผยแพร่)\n");
    },
    |s| {
        namrong::scaffold::create(
            &s.root(),
            "new-pilot",
            &namrong::scaffold::NewThing::Pilot { province: None, issue: None },
        )
        .unwrap();
    },
    |s| {
        let update = namrong::scaffold::NewThing::Update { name: "news".into(), date: today() };
        namrong::scaffold::create(&s.root(), "alpha", &update).unwrap();
        s.replace("content/pilots/alpha/pilot.toml", "status", "draft = true\nstatus");
    },
    |s| {
        let update = namrong::scaffold::NewThing::Update { name: "news".into(), date: today() };
        namrong::scaffold::create(&s.root(), "alpha", &update).unwrap();
    },
];

/// Every message, hint and summary line that checking `root` produces.
fn texts_of(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for drafts in [false, true] {
        let report = namrong::check::check(root, false, drafts, Some(today())).expect("a site folder");
        for d in report.diagnostics.iter() {
            out.push(d.message.clone());
            out.extend(d.hint.clone());
        }
        out.extend(report.summary().lines().map(|l| l.trim_start().to_string()));
    }
    out
}

#[test]
fn every_message_the_fixtures_and_broken_inputs_produce_has_thai() {
    let mut texts = std::collections::BTreeSet::new();
    let sites = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites");
    for entry in std::fs::read_dir(&sites).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        texts.extend(texts_of(&SiteTest::new(&name).root()));
    }
    for breakage in BREAKAGES {
        let site = SiteTest::new("bilingual");
        breakage(&site);
        texts.extend(texts_of(&site.root()));
    }
    assert!(texts.len() > 60, "too few messages collected: {}", texts.len());
    let missing: Vec<_> = texts.iter().filter(|t| messages::translate(t).is_none()).collect();
    assert!(
        missing.is_empty(),
        "{} messages have no Thai in src/messages/catalogue.toml:\n{missing:#?}",
        missing.len()
    );
}

/// The string literals of a Rust argument: a literal itself, or the format string of `format!`.
fn literal_of(arg: &str) -> Option<String> {
    let arg = arg.trim();
    let (is_format, arg) = match arg.strip_prefix("format!(") {
        Some(a) => (true, a.trim_start()),
        None => (false, arg),
    };
    let body = arg.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' if is_format => return Some(format_to_template(&out)),
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                '\n' => {
                    while chars.as_str().starts_with([' ', '\t']) {
                        chars.next();
                    }
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// A Rust format string with its holes written `{}` and `{{`/`}}` as braces.
fn format_to_template(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                out.push_str("{}");
            }
            c => out.push(c),
        }
    }
    out
}

/// The arguments of the call whose `(` is at the start of `text`, split at top-level commas.
fn arguments(text: &str) -> Vec<String> {
    let mut args = vec![String::new()];
    let mut depth = 0;
    let mut in_string = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if in_string {
            args.last_mut().unwrap().push(c);
            if c == '\\' {
                args.last_mut().unwrap().extend(chars.next());
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => {
                args.push(String::new());
                continue;
            }
            _ => {}
        }
        if depth >= 1 && !(depth == 1 && c == '(' && args.len() == 1 && args[0].is_empty()) {
            args.last_mut().unwrap().push(c);
        }
    }
    args
}

#[test]
fn every_message_written_in_src_has_a_catalogue_entry() {
    // Which arguments of which calls are messages for editors.
    let calls: &[(&str, &[usize])] = &[
        ("Diagnostic::error(", &[1]),
        ("Diagnostic::warning(", &[1]),
        ("Diagnostic::new(", &[2]),
        (".hint(", &[0]),
        ("fp.error(", &[1, 2]),
        ("fp.missing(", &[]),
    ];
    let normalise = |t: &str| t.replace("{lang}", "{}").replace("{*}", "{}");
    let known: std::collections::BTreeSet<String> = messages::templates().map(|t| normalise(&t)).collect();
    let mut found = 0;
    let mut missing = Vec::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        // Unit tests make throwaway messages.
        let text = text.split("#[cfg(test)]").next().unwrap();
        for (call, wanted) in calls {
            for (at, _) in text.match_indices(call) {
                let args = arguments(&text[at + call.len() - 1..]);
                for &i in *wanted {
                    let Some(template) = args.get(i).and_then(|a| literal_of(a)) else { continue };
                    if template.replace("{}", "").is_empty() {
                        continue; // only holes, e.g. format!("{WRITE_FAILED}{e}"): its parts are checked where they are made
                    }
                    found += 1;
                    if !known.contains(&template) {
                        missing.push(format!("{}: {template:?}", entry.path().strip_prefix(&src).unwrap().display()));
                    }
                }
            }
        }
    }
    assert!(found > 40, "the scan found only {found} messages");
    assert!(missing.is_empty(), "no entry in src/messages/catalogue.toml for:\n{}", missing.join("\n"));
}

fn namrong() -> Command {
    let mut cmd = Command::cargo_bin("namrong").unwrap();
    for var in ["LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"] {
        cmd.env_remove(var);
    }
    cmd
}

fn broken_site() -> SiteTest {
    let site = SiteTest::new("bilingual");
    site.replace(ALPHA, "\"active\"", "\"actve\"");
    site
}

fn stderr_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().failure().get_output().stderr.clone()).unwrap()
}

#[test]
fn build_speaks_thai_with_the_flag_and_english_without() {
    let site = broken_site();
    let th = stderr_of(namrong().args(["build", "--messages", "th", "--root"]).arg(site.root()));
    assert_contains(&th, "content/pilots/alpha/pilot.toml:6:13: ข้อผิดพลาด: ไม่รู้จักสถานะ \"actve\"");
    assert_contains(&th, "= วิธีแก้: ");
    assert_contains(&th, "สร้างเว็บไซต์ไม่สำเร็จ");
    assert_not_contains(&th, "unknown status");
    let en = stderr_of(namrong().arg("build").arg("--root").arg(site.root()));
    assert_contains(&en, "error: unknown status \"actve\"");
    assert_contains(&en, "build failed: 1 errors");
}

#[test]
fn a_thai_locale_gives_thai_and_the_flag_overrides_it() {
    let site = broken_site();
    let th = stderr_of(namrong().env("LANG", "th_TH.UTF-8").arg("build").arg("--root").arg(site.root()));
    assert_contains(&th, "ไม่รู้จักสถานะ \"actve\"");
    let en =
        stderr_of(namrong().env("LANG", "th_TH.UTF-8").args(["build", "--messages", "en", "--root"]).arg(site.root()));
    assert_contains(&en, "unknown status \"actve\"");
    let c =
        stderr_of(namrong().env("LANG", "th_TH.UTF-8").env("LC_ALL", "C").arg("build").arg("--root").arg(site.root()));
    assert_contains(&c, "unknown status \"actve\"");
}

#[test]
fn the_setting_gives_thai_beats_the_locale_and_loses_to_the_flag() {
    let site = broken_site();
    site.replace("namrong.toml", "social_cards = false", "social_cards = false\nmessages = \"th\"");
    let th = stderr_of(namrong().env("LANG", "en_GB.UTF-8").arg("build").arg("--root").arg(site.root()));
    assert_contains(&th, "ไม่รู้จักสถานะ \"actve\"");
    let en = stderr_of(namrong().args(["build", "--messages", "en", "--root"]).arg(site.root()));
    assert_contains(&en, "unknown status \"actve\"");
    site.replace("namrong.toml", "messages = \"th\"", "messages = \"en\"");
    let en = stderr_of(namrong().env("LANG", "th_TH.UTF-8").arg("build").arg("--root").arg(site.root()));
    assert_contains(&en, "unknown status \"actve\"");
}

#[test]
fn check_reports_coverage_in_thai_and_json_keeps_english_beside_thai() {
    let site = broken_site();
    let out = namrong().args(["check", "--messages", "th", "--root"]).arg(site.root()).assert().failure();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_contains(&text, "ความครบถ้วนของคำแปล:");
    assert_contains(&text, "ข้อผิดพลาด 1 รายการ");
    assert_not_contains(&text, "translation coverage");
    let out =
        namrong().args(["check", "--messages", "th", "--format", "json", "--root"]).arg(site.root()).assert().failure();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let d = json["diagnostics"].as_array().unwrap().iter().find(|d| d["severity"] == "error").unwrap();
    assert_eq!(d["message"], "unknown status \"actve\"");
    assert_eq!(d["message_th"], "ไม่รู้จักสถานะ \"actve\"");
    assert!(d["hint_th"].as_str().unwrap().contains("active"), "{d}");
    let out = namrong().args(["check", "--format", "json", "--root"]).arg(site.root()).assert().failure();
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(json["diagnostics"][0].get("message_th").is_none(), "English JSON stays as it was");
}

#[test]
fn a_good_build_and_usage_errors_are_in_thai_too() {
    let site = SiteTest::new("bilingual");
    let out = namrong().args(["build", "--messages", "th", "--root"]).arg(site.root()).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.starts_with("สร้างหน้าภาษาไทย "), "{stdout}");
    let missing = site.root().join("nowhere");
    let err = String::from_utf8(
        namrong()
            .args(["check", "--messages", "th", "--root"])
            .arg(&missing)
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone(),
    )
    .unwrap();
    assert_contains(&err, "ข้อผิดพลาด: ไม่มีโฟลเดอร์เว็บไซต์");
}
