//! Hostile and careless files through the real binary: symbolic links in every kind of source,
//! `namrong new` through a linked folder, assets that would replace generated files, active
//! content in assets, two builds into one output at once, and the smaller cases of issue 18
//! (file names that cannot be URLs, drafts in a preview build).

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::support::*;

/// Text put into every file a link leads to; it must never reach any output.
const SECRET: &str = "TOPSECRET-7f3a";

fn namrong() -> Command {
    Command::cargo_bin("namrong").unwrap()
}

/// A copy of `from` (file or folder) at `to`, with the secret written where a build that
/// follows the link would publish it.
fn copy_with_secret(from: &Path, to: &Path) {
    if from.is_dir() {
        for entry in walkdir::WalkDir::new(from) {
            let entry = entry.unwrap();
            let target = to.join(entry.path().strip_prefix(from).unwrap());
            if entry.file_type().is_dir() {
                fs::create_dir_all(&target).unwrap();
            } else {
                copy_with_secret(entry.path(), &target);
            }
        }
        return;
    }
    fs::create_dir_all(to.parent().unwrap()).unwrap();
    let mut bytes = fs::read(from).unwrap();
    let name = from.to_string_lossy();
    if name.ends_with(".toml") {
        let text = String::from_utf8(bytes).unwrap();
        bytes = text.replacen("en = \"", &format!("en = \"{SECRET} "), 1).into_bytes();
    } else if name.ends_with(".html") {
        let text = String::from_utf8(bytes).unwrap();
        bytes = text.replacen("<main", &format!("<p>{SECRET}</p><main"), 1).into_bytes();
    } else {
        bytes.extend(format!("\n\n{SECRET}\n").as_bytes());
    }
    fs::write(to, bytes).unwrap();
}

/// Moves `rel` out of the site (adding the secret) and puts a symbolic link to it in its place.
fn replace_with_link(site: &SiteTest, rel: &str) -> PathBuf {
    let original = site.root().join(rel);
    let outside = site.dir.path().join("outside").join(rel);
    copy_with_secret(&original, &outside);
    if original.is_dir() { fs::remove_dir_all(&original) } else { fs::remove_file(&original) }.unwrap();
    symlink(&outside, &original).unwrap();
    outside
}

/// Every file under `dir` that contains the secret.
fn files_with_secret(dir: &Path) -> Vec<String> {
    if !dir.exists() {
        return Vec::new();
    }
    tree(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()))
        .map(|(path, _)| path)
        .collect()
}

/// Builds with the real binary; returns (exit code, stdout and stderr together).
fn build_cli(site: &SiteTest, extra: &[&str]) -> (i32, String) {
    let out = namrong().args(["build", "--root"]).arg(site.root()).args(extra).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

/// A site using its own theme `custom`, with a template, a static file and a label table.
fn site_with_theme() -> SiteTest {
    let site = SiteTest::new("bilingual");
    let builtin = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    site.replace("namrong.toml", "social_cards = false", "social_cards = false\ntheme = \"custom\"");
    site.write("themes/custom/templates/404.html", fs::read(builtin.join("templates/404.html")).unwrap());
    site.write("themes/custom/static/extra.css", "body { color: black }\n");
    site.write("themes/custom/i18n.toml", "[th]\nlanguage_name = \"ไทย\"\n[en]\nlanguage_name = \"English\"\n");
    site
}

#[test]
fn no_symbolic_link_in_the_sources_is_followed() {
    let cases: &[(&str, &str)] = &[
        ("bilingual", "content/pilots/alpha/en.md"),
        ("bilingual", "content/pilots/alpha/th.md"),
        ("bilingual", "content/pilots/alpha/pilot.toml"),
        ("bilingual", "content/issues.toml"),
        ("bilingual", "namrong.toml"),
        ("bilingual", "content/pilots/alpha/updates/2024-09-25-workshop.en.md"),
        ("bilingual", "content/pages/about.en.md"),
        ("bilingual", "content/pilots/alpha/report.pdf"),
        ("bilingual", "content/pilots/alpha/images"),
        ("bilingual", "content/pilots/alpha/updates"),
        ("bilingual", "content/pilots/alpha"),
        ("bilingual", "content/pages"),
        ("bilingual", "content/pilots"),
        ("bilingual", "content"),
        ("theme", "themes/custom/templates/404.html"),
        ("theme", "themes/custom/static/extra.css"),
        ("theme", "themes/custom/i18n.toml"),
        ("theme", "themes/custom"),
        ("theme", "themes"),
    ];
    for &(kind, link) in cases {
        let site = if kind == "theme" { site_with_theme() } else { SiteTest::new("bilingual") };
        // Without the link, the site builds.
        assert_eq!(build_cli(&site, &[]).0, 0, "{link}: the site should build before the link is made");
        fs::remove_dir_all(site.out()).unwrap();
        replace_with_link(&site, link);
        let (code, text) = build_cli(&site, &[]);
        assert_eq!(code, 1, "{link}: the build should fail:\n{text}");
        let named = format!("{link}: error: this ");
        assert!(text.contains(&named) && text.contains("is a symbolic link"), "{link}: not named:\n{text}");
        assert!(!text.contains(SECRET), "{link}: the secret is in the messages:\n{text}");
        assert_eq!(files_with_secret(&site.out()), Vec::<String>::new(), "{link}");
        assert!(!text.contains("this file is skipped"), "{text}");
    }
}

#[test]
fn a_link_into_a_linked_folder_is_named_by_the_folder() {
    let site = SiteTest::new("bilingual");
    replace_with_link(&site, "content/pilots/alpha/updates");
    let (code, text) = build_cli(&site, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("content/pilots/alpha/updates: error: this folder is a symbolic link (to "),
        "the message should say it is a folder and where it points:\n{text}"
    );
}

#[test]
fn editor_lock_links_are_ignored() {
    // Emacs marks a file being edited with a dangling link `.#name`; that is not content.
    let site = SiteTest::new("bilingual");
    symlink("user@host.1234:1700000000", site.root().join("content/pilots/alpha/.#en.md")).unwrap();
    let (code, text) = build_cli(&site, &[]);
    assert_eq!(code, 0, "{text}");
    assert!(!text.contains("symbolic"), "{text}");
}

#[test]
fn check_reports_a_linked_record_without_reading_it() {
    let site = SiteTest::new("bilingual");
    replace_with_link(&site, "content/pilots/alpha/en.md");
    let out = namrong().args(["check", "--root"]).arg(site.root()).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("content/pilots/alpha/en.md: error: this file is a symbolic link"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

#[test]
fn new_does_not_write_through_a_linked_folder() {
    let site = SiteTest::new("bilingual");
    let outside = replace_with_link(&site, "content/pilots/alpha/updates");
    let before = tree(&outside);
    let out = namrong().args(["new", "alpha", "--update", "visit", "--root"]).arg(site.root()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("content/pilots/alpha/updates is a symbolic link"), "{stderr}");
    assert_eq!(tree(&outside), before, "nothing may be written where the link leads");

    // A linked pilot folder, for an update and for a new pilot of a dangling link's name.
    let site = SiteTest::new("bilingual");
    let outside = replace_with_link(&site, "content/pilots/alpha");
    let before = tree(&outside);
    let out = namrong().args(["new", "alpha", "--update", "visit", "--root"]).arg(site.root()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("content/pilots/alpha is a symbolic link"), "{stderr}");
    assert_eq!(tree(&outside), before);
    let elsewhere = site.dir.path().join("elsewhere");
    symlink(&elsewhere, site.root().join("content/pilots/omega")).unwrap();
    let out = namrong().args(["new", "omega", "--root"]).arg(site.root()).output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(!elsewhere.exists(), "new must not create the folder a dangling link points at");
}

#[test]
fn two_builds_into_one_output_at_once_leave_it_whole() {
    let site = SiteTest::new("bilingual");
    // Enough pilots that the builds overlap.
    for i in 0..150 {
        copy_dir(&site.root().join("content/pilots/gamma"), &site.root().join(format!("content/pilots/copy-{i}")));
    }
    let reference = site.dir.path().join("reference");
    let (code, text) = build_cli(&site, &["--output", reference.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    let expected = tree(&reference);
    let start = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("namrong"))
            .args(["build", "--root"])
            .arg(site.root())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut refused = 0;
    for round in 0..5 {
        let (a, b) = (start(), start());
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !out.status.success() {
                let busy = format!("another namrong build is writing {}; wait for it to finish", site.out().display());
                assert!(stderr.contains(&busy), "round {round}: a build failed without the clear message:\n{stderr}");
                refused += 1;
            }
        }
        let got = tree(&site.out());
        assert_eq!(got.len(), expected.len(), "round {round}: the output has a different number of files");
        assert!(got == expected, "round {round}: the output differs from a single build's");
        let leftovers: Vec<_> = fs::read_dir(site.root())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("namrong-new") || n.contains("namrong-old"))
            .collect();
        assert_eq!(leftovers, Vec::<String>::new(), "round {round}");
    }
    // Not asserted (timing decides), but shown when the test is run with --nocapture.
    println!("{refused} of 10 builds found the output busy");
}

#[test]
fn an_asset_may_not_replace_a_generated_file() {
    // A picture named like a sharing card (card-th.png) cannot collide: pictures are published
    // under names that carry their hash and width (see photos.rs).
    let cases: &[(&str, &str, &str)] = &[
        ("content/pilots/alpha/index.html", "/pilots/alpha/index.html", "the Thai pilot page"),
        (
            "content/pilots/alpha/updates/2024-09-25-workshop/index.html",
            "/pilots/alpha/updates/2024-09-25-workshop/index.html",
            "the Thai update page",
        ),
    ];
    for &(asset, generated, what) in cases {
        let site = SiteTest::new("bilingual");
        // Allowed, so only the collision is reported for the HTML files.
        site.replace("namrong.toml", "social_cards = false", "social_cards = true\nallow_active_assets = true");
        site.write(asset, format!("<script>{SECRET}</script>"));
        let (code, text) = build_cli(&site, &[]);
        assert_eq!(code, 1, "{asset}: the build should fail:\n{text}");
        let message = format!("{asset}: error: this file would be published as /");
        assert!(text.contains(&message), "{asset}: not named:\n{text}");
        assert!(text.contains(&format!("which is the generated file {generated} ({what})")), "{asset}:\n{text}");
        assert_eq!(files_with_secret(&site.out()), Vec::<String>::new());
        // `check` says the same.
        let out = namrong().args(["check", "--root"]).arg(site.root()).output().unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains(&message), "check does not report {asset}");
    }
}

#[test]
fn svg_assets_are_published_without_script() {
    let site = SiteTest::new("bilingual");
    let svg = r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" onload="alert(1)">
  <title>map</title>
  <script type="text/javascript">alert(document.domain)</script>
  <foreignObject width="10" height="10"><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:alert(2)"/></foreignObject>
  <a xlink:href="javascript:alert(3)"><rect width="10" height="10" onmouseover="alert(4)"/></a>
  <use href="https://evil.example/sprite.svg#x"/>
</svg>
"##;
    site.write("content/pilots/alpha/images/map.svg", svg);
    let (code, text) = build_cli(&site, &[]);
    assert_eq!(code, 0, "{text}");
    let published = site.read("pilots/alpha/images/map.svg");
    for gone in ["<script", "alert", "onload", "onmouseover", "foreignObject", "javascript:", "evil.example"] {
        assert_not_contains(&published, gone);
    }
    let doc = roxmltree::Document::parse(&published).expect("the published SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
    assert_eq!(root.attribute("viewBox"), Some("0 0 10 10"));
    assert!(doc.descendants().any(|n| n.has_tag_name("rect")), "the picture itself is kept:\n{published}");
    assert!(doc.descendants().any(|n| n.has_tag_name("title")), "{published}");
    // A file that is not SVG at all is an error naming it.
    site.write("content/pilots/alpha/images/map.svg", "<html><script>x</script></html>");
    let (code, text) = build_cli(&site, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("content/pilots/alpha/images/map.svg: error: this SVG picture cannot be read"), "{text}");
}

#[test]
fn html_and_script_assets_are_refused_unless_allowed() {
    let site = SiteTest::new("bilingual");
    site.write("content/pilots/alpha/demo.html", "<script>alert(1)</script>");
    site.write("content/pages/widget.js", "alert(1)");
    site.write("content/pilots/alpha/notes.HTM", "<script>alert(1)</script>");
    let (code, text) = build_cli(&site, &[]);
    assert_eq!(code, 1, "{text}");
    for file in ["content/pilots/alpha/demo.html", "content/pages/widget.js", "content/pilots/alpha/notes.HTM"] {
        assert!(text.contains(&format!("{file}: error: HTML and JavaScript files would run")), "{file}:\n{text}");
    }
    assert!(text.contains("allow_active_assets = true"), "the hint names the setting:\n{text}");
    site.replace("namrong.toml", "social_cards = false", "social_cards = false\nallow_active_assets = true");
    let (code, text) = build_cli(&site, &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(site.read("pilots/alpha/demo.html"), "<script>alert(1)</script>");
    assert_eq!(site.read("pages/widget.js"), "alert(1)");
}

#[test]
fn a_drafts_build_shows_drafts_but_never_lists_them_for_machines() {
    let site = SiteTest::new("bilingual");
    let (code, text) = build_cli(&site, &["--drafts"]);
    assert_eq!(code, 0, "{text}");
    assert!(site.exists("pilots/gamma/index.html"), "the draft's page is there to preview");
    let title = "Yala draft pilot";
    assert_contains(&site.read("en/pilots/gamma/index.html"), title);
    let machine_files: Vec<(String, Vec<u8>)> = tree(&site.out())
        .into_iter()
        .filter(|(path, _)| {
            path.starts_with("search/")
                || path.starts_with("data/")
                || path.ends_with(".xml")
                || path.ends_with(".png")
                || path == "robots.txt"
        })
        .collect();
    assert!(machine_files.iter().any(|(p, _)| p.starts_with("search/")), "the search index is written");
    assert!(machine_files.iter().any(|(p, _)| p.starts_with("sitemap")), "the sitemap is written");
    for (path, bytes) in &machine_files {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("gamma") && !text.contains(title), "{path} lists the draft");
    }
}

/// A disk that is full: every write fails.
struct FullDisk;

impl namrong::output::Sink for FullDisk {
    fn put(&self, path: &str, _body: namrong::output::Body) -> Result<u64, namrong::output::OutputError> {
        let source = std::io::Error::from_raw_os_error(28);
        Err(namrong::output::OutputError::Io { action: "cannot write", path: path.into(), source })
    }
}

#[test]
fn a_full_disk_is_reported_once() {
    let site = SiteTest::new("bilingual");
    let loaded = namrong::load_site(&site.root(), false, None, Some(today())).unwrap();
    let prepared = namrong::emit::Prepared::new(&loaded.site, &loaded.theme);
    let root = site.root();
    let cards = namrong::emit::card_cache(&root, &FullDisk);
    let renderer = namrong::render::Renderer::new(&loaded.site, &loaded.theme, &prepared.view, &root, cards);
    let jobs = renderer.jobs();
    assert!(jobs.len() > 40);
    let Err(namrong::render::RenderError::Output(error)) = renderer.render_all(&jobs, &FullDisk) else {
        panic!("a full disk is an output error")
    };
    let message = error.to_string();
    assert!(message.starts_with("cannot write "), "{message}");
    assert!(message.contains("(os error 28)"), "{message}");
    let more = format!(", and {} more files could not be written for the same reason", jobs.len() - 1);
    assert!(message.ends_with(&more), "{message}");
    // The whole site, through the same sink, is one error too.
    let whole = namrong::emit::site(&loaded.site, &loaded.theme, &prepared, &root, &FullDisk).unwrap_err();
    assert!(whole.to_string().contains("more files could not be written for the same reason"), "{whole}");
}

#[test]
fn a_file_name_that_cannot_be_a_url_is_named_as_the_source_file() {
    use std::os::unix::ffi::OsStrExt;
    let site = SiteTest::new("bilingual");
    site.write("content/pilots/alpha/images/a\\b.png", "png");
    let bad = std::ffi::OsStr::from_bytes(b"caf\xe9.png");
    fs::write(site.root().join("content/pilots/alpha/images").join(bad), "png").unwrap();
    let (code, text) = build_cli(&site, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("content/pilots/alpha/images/a\\b.png: error: this file name contains a backslash"),
        "{text}"
    );
    assert!(
        text.contains("content/pilots/alpha/images/caf\u{fffd}.png: error: this file name is not valid UTF-8"),
        "{text}"
    );
    assert!(!text.contains("cannot write"), "{text}");
}
