//! The preview: incremental rebuilds equal full builds, errors keep the last good pages, and
//! the real server serves, reloads and refuses what it must.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use namrong::serve::plan::SiteWide;
use namrong::serve::preview::{Outcome, Preview};
use namrong::serve::watch::{Rebuild, classify};
use namrong::serve::{ServeOptions, Server};

use crate::support::*;

const BASE: &str = "http://127.0.0.1:1111/";

fn preview(site: &SiteTest) -> Preview {
    Preview::new(&site.root(), false, BASE, today(), "<script>reload</script>".into()).unwrap()
}

fn snapshot(p: &Preview) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> =
        p.files.read().unwrap().iter().map(|(k, v)| (k.clone(), v.bytes().unwrap().to_vec())).collect();
    files.sort();
    files
}

#[track_caller]
fn assert_same_as_full_build(site: &SiteTest, p: &mut Preview) {
    p.refresh_deferred();
    let fresh = preview(site);
    let (a, b) = (snapshot(p), snapshot(&fresh));
    let paths = |v: &[(String, Vec<u8>)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&a), paths(&b), "same files");
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{path} differs from a full build: {}", first_difference(x, y));
    }
}

/// The first line where an incremental file and a full build's differ, for failure messages.
fn first_difference(x: &[u8], y: &[u8]) -> String {
    let (x, y) = (String::from_utf8_lossy(x), String::from_utf8_lossy(y));
    let line = x.lines().zip(y.lines()).position(|(a, b)| a != b);
    match line {
        Some(i) => format!("line {}: {:?} vs {:?}", i + 1, x.lines().nth(i), y.lines().nth(i)),
        None => format!("{} vs {} lines", x.lines().count(), y.lines().count()),
    }
}

#[test]
fn narrative_edit_rerenders_only_that_pilot_and_matches_a_full_build() {
    let site = SiteTest::new("bilingual");
    let mut p = preview(&site);
    site.replace("content/pilots/alpha/en.md", "every year", "every single year");
    let outcome = p.rebuild_pilot("alpha");
    assert!(!outcome.full, "a narrative edit must not rebuild everything");
    assert_eq!(outcome.changed, ["data/pilots/alpha.json", "en/pilots/alpha/index.html"]);
    assert!(p.errors().is_empty());
    assert_same_as_full_build(&site, &mut p);
}

#[test]
fn province_change_moves_the_pilot_between_index_pages() {
    let site = SiteTest::new("bilingual");
    let mut p = preview(&site);
    site.replace("content/pilots/alpha/pilot.toml", "\"TH-50\"", "\"TH-20\"");
    let outcome = p.rebuild_pilot("alpha");
    assert!(!outcome.full);
    assert!(outcome.changed.contains(&"provinces/chiang-mai/index.html".to_string()), "{:?}", outcome.changed);
    assert!(!p.files.read().unwrap().contains_key("provinces/chiang-mai/index.html"), "empty province page is removed");
    let chon_buri =
        String::from_utf8(p.files.read().unwrap()["en/provinces/chon-buri/index.html"].bytes().unwrap().to_vec())
            .unwrap();
    assert_contains(&chon_buri, "/en/pilots/alpha/");
    assert_same_as_full_build(&site, &mut p);
}

#[test]
fn update_edit_refreshes_lists_that_show_it() {
    let site = SiteTest::new("bilingual");
    let mut p = preview(&site);
    site.replace(
        "content/pilots/alpha/updates/2024-09-25-workshop.en.md",
        "Workshop held",
        "Workshop with the governor",
    );
    let outcome = p.rebuild_pilot("alpha");
    assert!(!outcome.full);
    assert!(outcome.changed.contains(&"en/updates/index.html".to_string()), "{:?}", outcome.changed);
    assert_same_as_full_build(&site, &mut p);
}

/// One kind of edit: what to change, the files it touches, whether the whole site must be
/// rebuilt, and what the plan must hold.
struct Edit {
    name: &'static str,
    edit: fn(&SiteTest),
    touches: &'static [&'static str],
    full: bool,
    check: fn(&Outcome),
}

fn has(o: &Outcome, path: &str) -> bool {
    o.changed.iter().any(|c| c == path)
}

const EDITS: &[Edit] = &[
    Edit {
        name: "narrative",
        edit: |s| {
            s.replace("content/pilots/alpha/en.md", "every year", "every single year");
        },
        touches: &["content/pilots/alpha/en.md"],
        full: false,
        check: |o| {
            assert_eq!(o.changed, ["data/pilots/alpha.json", "en/pilots/alpha/index.html"]);
            assert!(!o.plan.stale.contains(&SiteWide::Sitemap), "no page appeared or vanished");
            assert!(o.plan.stale.contains(&SiteWide::Search));
            assert!(o.plan.remove.is_empty());
        },
    },
    Edit {
        name: "update title",
        edit: |s| {
            s.replace(
                "content/pilots/alpha/updates/2024-09-25-workshop.en.md",
                "Workshop held",
                "Workshop with the governor",
            );
        },
        touches: &["content/pilots/alpha/updates/2024-09-25-workshop.en.md"],
        full: false,
        check: |o| {
            assert!(has(o, "en/updates/index.html"), "{:?}", o.changed);
            assert!(has(o, "en/feed.xml"), "{:?}", o.changed);
            assert!(!has(o, "en/pilots/gamma/index.html"));
        },
    },
    Edit {
        name: "update body",
        edit: |s| {
            s.replace("content/pilots/alpha/updates/2024-09-25-workshop.en.md", "More than 70", "Over 70");
        },
        touches: &["content/pilots/alpha/updates/2024-09-25-workshop.en.md"],
        full: false,
        check: |o| {
            // Feeds carry update bodies in full; the updates list shows only titles.
            assert!(has(o, "en/feed.xml"), "{:?}", o.changed);
            assert!(has(o, "en/provinces/lampang/feed.xml"), "{:?}", o.changed);
            assert!(!has(o, "en/updates/index.html"), "{:?}", o.changed);
        },
    },
    Edit {
        name: "pilot.toml province change",
        edit: |s| {
            s.replace("content/pilots/alpha/pilot.toml", "\"TH-50\"", "\"TH-20\"");
        },
        touches: &["content/pilots/alpha/pilot.toml"],
        full: false,
        check: |o| {
            assert!(o.plan.remove.contains(&"provinces/chiang-mai/index.html".to_string()), "{:?}", o.plan.remove);
            assert!(o.plan.remove.contains(&"provinces/chiang-mai/feed.xml".to_string()), "{:?}", o.plan.remove);
            assert!(has(o, "en/provinces/chon-buri/index.html"), "{:?}", o.changed);
            assert!(o.plan.stale.contains(&SiteWide::Sitemap), "a page vanished");
        },
    },
    Edit {
        name: "indicator value",
        edit: |s| {
            s.replace("content/pilots/alpha/pilot.toml", "actual = 300", "actual = 310");
        },
        touches: &["content/pilots/alpha/pilot.toml"],
        full: false,
        check: |o| {
            // Shown on the pilot page and in the open data, not on its card.
            assert!(has(o, "en/pilots/alpha/index.html"), "{:?}", o.changed);
            assert!(!has(o, "en/pilots/index.html"), "{:?}", o.changed);
        },
    },
    Edit {
        name: "draft toggled",
        edit: |s| {
            s.replace(
                "content/pilots/alpha/pilot.toml",
                "status    = \"active\"",
                "status    = \"active\"\ndraft = true",
            );
        },
        touches: &["content/pilots/alpha/pilot.toml"],
        full: true,
        check: |o| assert!(has(o, "pilots/alpha/index.html"), "the draft's page is gone"),
    },
    Edit {
        name: "pilot added",
        edit: |s| {
            s.write(
                "content/pilots/epsilon/pilot.toml",
                "title = { th = \"ใหม่\", en = \"New\" }\nprovinces = [\"Yala\"]\nissues = [\"aging-society\"]\nstatus = \"active\"\nstart = 2025-01-01\n",
            );
        },
        touches: &["content/pilots/epsilon/pilot.toml", "content/pilots/epsilon"],
        full: true,
        check: |o| assert!(has(o, "en/pilots/epsilon/index.html"), "{:?}", o.changed),
    },
    Edit {
        name: "pilot removed",
        edit: |s| {
            s.remove("content/pilots/delta");
        },
        touches: &["content/pilots/delta"],
        full: true,
        check: |o| {
            assert!(has(o, "pilots/delta/index.html"));
            assert!(o.plan.remove.contains(&"pilots/delta/index.html".to_string()), "{:?}", o.plan.remove);
        },
    },
    Edit {
        name: "asset added",
        edit: |s| {
            s.write("content/pilots/alpha/report.pdf", b"%PDF-1.4\n% a report\n");
        },
        touches: &["content/pilots/alpha/report.pdf"],
        full: false,
        check: |o| assert!(has(o, "pilots/alpha/report.pdf"), "{:?}", o.changed),
    },
    Edit {
        name: "issues.toml",
        edit: |s| {
            s.replace("content/issues.toml", "Aging society", "Ageing society");
        },
        touches: &["content/issues.toml"],
        full: true,
        check: |o| assert!(has(o, "en/issues/index.html"), "{:?}", o.changed),
    },
    Edit {
        name: "template",
        edit: |s| {
            let builtin = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/404.html"),
            )
            .unwrap();
            s.write("themes/default/templates/404.html", builtin.replace("<h1>", "<h1 class=\"lost\">"));
        },
        touches: &["themes/default/templates/404.html"],
        full: true,
        check: |o| assert_eq!(o.changed, ["404.html", "en/404.html"]),
    },
    Edit {
        name: "theme stylesheet",
        edit: |s| {
            let builtin = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"),
            )
            .unwrap();
            s.write("themes/default/static/style.css", builtin + "\n.lost { color: #a00 }\n");
        },
        touches: &["themes/default/static/style.css"],
        full: true,
        // The old name goes, the new one comes, and every page refers to the new one.
        check: |o| {
            let sheets: Vec<_> = o.changed.iter().filter(|p| p.starts_with("static/style.")).collect();
            assert_eq!(sheets.len(), 2, "{sheets:?}");
            assert!(has(o, "index.html") && has(o, "en/pilots/alpha/index.html"), "{:?}", o.changed);
            assert!(!o.changed.iter().any(|p| p.contains("fonts/")), "the fonts did not change");
        },
    },
    Edit {
        name: "namrong.toml",
        edit: |s| {
            s.replace("namrong.toml", "updates_per_page = 2", "updates_per_page = 1");
        },
        touches: &["namrong.toml"],
        full: true,
        check: |o| assert!(has(o, "en/updates/page/3/index.html"), "{:?}", o.changed),
    },
];

#[test]
fn every_kind_of_edit_is_planned_and_matches_a_full_build() {
    for row in EDITS {
        let site = SiteTest::new("bilingual");
        let mut p = preview(&site);
        (row.edit)(&site);
        let root = site.root();
        let paths: Vec<_> = row.touches.iter().map(|t| root.join(t)).collect();
        let rebuild = classify(&root, &site.out(), &paths);
        assert_ne!(rebuild, Rebuild::Nothing, "{}", row.name);
        let outcome = p.rebuild(&rebuild);
        assert!(p.errors().is_empty(), "{}: {}", row.name, p.errors());
        assert_eq!(outcome.full, row.full, "{}: full rebuild", row.name);
        assert_eq!(outcome.plan.full, row.full, "{}: the plan", row.name);
        if !row.full {
            // An edit of one pilot renders a few files, not the site.
            assert!(outcome.plan.render.len() < 40, "{}: {} jobs", row.name, outcome.plan.render.len());
        }
        (row.check)(&outcome);
        assert_same_as_full_build(&site, &mut p);
    }
}

#[test]
fn source_edit_refreshes_the_pages_that_cite_it_and_the_catalogue() {
    let site = SiteTest::new("bilingual");
    let mut p = preview(&site);
    site.replace("content/pilots/alpha/pilot.toml", "รายงานผลรอบแรก", "รายงานผลรอบแรกฉบับปรับปรุงใหม่");
    let outcome = p.rebuild_pilot("alpha");
    assert!(!outcome.full);
    for path in ["pilots/alpha/index.html", "pilots/alpha/updates/2024-09-25-workshop/index.html"] {
        assert!(outcome.changed.contains(&path.to_string()), "{path} not in {:?}", outcome.changed);
    }
    assert_same_as_full_build(&site, &mut p);
    let catalog = String::from_utf8(p.files.read().unwrap()["data/catalog.jsonld"].bytes().unwrap().to_vec()).unwrap();
    let csv_size = p.files.read().unwrap()["data/indicators.csv"].bytes().unwrap().len();
    assert_contains(&catalog, &format!("\"@value\": \"{csv_size}\""));
}

#[test]
fn a_bad_edit_keeps_the_last_good_pages_and_fixing_it_clears_the_error() {
    let site = SiteTest::new("bilingual");
    let mut p = preview(&site);
    let before = snapshot(&p);
    site.replace("content/pilots/alpha/pilot.toml", "\"active\"", "\"actve\"");
    p.rebuild_pilot("alpha");
    let errors = p.errors();
    assert_eq!(errors.error_count(), 1, "{errors}");
    assert_contains(&errors.to_text(), "content/pilots/alpha/pilot.toml:6:13: error: unknown status");
    assert_eq!(before, snapshot(&p));
    site.replace("content/pilots/alpha/pilot.toml", "\"actve\"", "\"active\"");
    p.rebuild_pilot("alpha");
    assert!(p.errors().is_empty());
}

#[test]
fn new_files_and_deleted_pilots_rebuild_everything() {
    let site = SiteTest::new("bilingual");
    let mut p = preview(&site);
    site.write("content/pilots/alpha/updates/2024-10-01-more.en.md", "+++\ntitle = \"More\"\n+++\nx\n");
    assert!(p.rebuild_pilot("alpha").full);
    assert!(p.files.read().unwrap().contains_key("en/pilots/alpha/updates/2024-10-01-more/index.html"));
    site.remove("content/pilots/delta");
    assert!(p.rebuild_pilot("delta").full);
    assert!(!p.files.read().unwrap().contains_key("pilots/delta/index.html"));
    assert_same_as_full_build(&site, &mut p);
}

#[test]
fn preview_pages_carry_the_reload_script_and_production_pages_do_not() {
    let site = SiteTest::new("bilingual");
    let p = preview(&site);
    let html = String::from_utf8(p.files.read().unwrap()["index.html"].bytes().unwrap().to_vec()).unwrap();
    assert_contains(&html, "<script>reload</script></body>");
    site.build();
    assert_not_contains(&site.read("index.html"), "<script");
}

// ---- the real server ----

fn get(addr: std::net::SocketAddr, method: &str, path: &str) -> (u16, String, String) {
    raw(addr, &format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
}

/// Sends `request` as it is and reads the whole answer: status, head, body.
fn raw(addr: std::net::SocketAddr, request: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let code = head.split_whitespace().nth(1).unwrap_or("0").parse().unwrap();
    (code, head.to_string(), body.to_string())
}

#[track_caller]
fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < Duration::from_secs(10), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn start(site: &SiteTest) -> Server {
    let options = ServeOptions {
        root: site.root(),
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        drafts: false,
        today: Some(today()),
        allow_hosts: Vec::new(),
        messages: namrong::model::Lang::En,
    };
    Server::start(&options, std::sync::Arc::new(|_: &str| {})).unwrap()
}

#[test]
fn server_serves_edits_reloads_and_reports_errors() {
    let site = SiteTest::new("bilingual");
    let server = start(&site);
    let addr = server.addr;
    let (code, head, body) = get(addr, "GET", "/en/pilots/alpha/");
    assert_eq!(code, 200);
    assert_contains(&head.to_lowercase(), "content-type: text/html; charset=utf-8");
    assert_contains(&body, "EventSource");

    // The live-reload channel announces the edit.
    let mut events = TcpStream::connect(addr).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(events, "GET /__namrong/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut reader = BufReader::new(events);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert_contains(&line, "200");
    wait_for("the tab to be connected", || server.hub.clients() > 0);
    site.replace("content/pilots/alpha/en.md", "every year", "every spring");
    wait_for("the edited text", || get(addr, "GET", "/en/pilots/alpha/").2.contains("every spring"));
    let mut seen = String::new();
    while !seen.contains("event: reload\ndata:") {
        line.clear();
        assert!(reader.read_line(&mut line).unwrap() > 0, "stream closed: {seen}");
        seen.push_str(&line);
    }
    assert_contains(&seen, "en/pilots/alpha/index.html");

    // A bad edit: the error is reported and the last good page is still served.
    site.replace("content/pilots/alpha/pilot.toml", "\"active\"", "\"actve\"");
    wait_for("the error", || get(addr, "GET", "/__namrong/status").2.contains("unknown status"));
    assert_contains(&get(addr, "GET", "/en/pilots/alpha/").2, "every spring");
    site.replace("content/pilots/alpha/pilot.toml", "\"actve\"", "\"active\"");
    wait_for("the error to clear", || get(addr, "GET", "/__namrong/status").2.contains("\"ok\":true"));

    // Deleting a pilot removes its page and its province page's link.
    assert_contains(&get(addr, "GET", "/provinces/yala/").2, "/pilots/delta/");
    site.remove("content/pilots/delta");
    wait_for("the deleted pilot to go", || get(addr, "GET", "/pilots/delta/").0 == 404);
    assert_eq!(get(addr, "GET", "/provinces/yala/").0, 404, "Yala has no pilot left");
    assert_contains(&get(addr, "GET", "/pilots/delta/").2, "ไม่พบหน้าที่ต้องการ");
    server.stop();
}

#[test]
fn the_preview_keeps_pages_packed_and_serves_cards_and_assets_from_their_files() {
    use namrong::serve::preview::Stored;
    let site = SiteTest::new("bilingual");
    site.replace("namrong.toml", "social_cards = false", "social_cards = true");
    site.write("content/pilots/alpha/notes.txt", "first notes");
    let p = preview(&site);
    assert!(p.errors().is_empty(), "{}", p.errors());
    let files = p.files.read().unwrap();
    let Stored::Packed { packed, len } = &files["en/pilots/alpha/index.html"] else { panic!("pages are packed") };
    assert!(packed.len() * 2 < *len, "{} of {len}", packed.len());
    let card = &files["pilots/alpha/card-th.png"];
    let Stored::File { path, .. } = card else { panic!("the card is served from the card cache") };
    assert!(path.starts_with(site.root().join(".namrong-cache/cards")), "{}", path.display());
    assert!(card.bytes().unwrap().starts_with(b"\x89PNG"));
    let Stored::File { path, .. } = &files["pilots/alpha/notes.txt"] else { panic!("assets are served from content/") };
    assert_eq!(path, &site.root().join("content/pilots/alpha/notes.txt"));
    assert!(matches!(files["static/favicon.svg"], Stored::Builtin(_)), "built-in theme files are not copied");
    drop(files);

    // The server answers them with the files' bytes.
    drop(p);
    let server = start(&site);
    let addr = server.addr;
    let (code, head, body) = get(addr, "GET", "/pilots/alpha/notes.txt");
    assert_eq!((code, body.as_str()), (200, "first notes"), "{head}");
    assert_contains(&head.to_lowercase(), "content-length: 11");
    let (code, head, _) = get(addr, "HEAD", "/pilots/alpha/card-en.png");
    assert_eq!(code, 200);
    assert_contains(&head.to_lowercase(), "content-type: image/png");
    // Editing the asset is noticed (its size and time changed) and served.
    let mut events = open_events(addr, "");
    wait_for("the tab to be connected", || server.hub.clients() > 0);
    site.write("content/pilots/alpha/notes.txt", "second notes, longer");
    assert!(reloads(&mut events, "pilots/alpha/notes.txt"), "the edited file is announced");
    assert_eq!(get(addr, "GET", "/pilots/alpha/notes.txt").2, "second notes, longer");
    server.stop();
}

/// The address of a page's stylesheet.
fn stylesheet(page: &str) -> String {
    let after = page.split("<link rel=\"stylesheet\" href=\"").nth(1).expect("a stylesheet link");
    let href = &after[..after.find('"').unwrap()];
    href[href.find("/static/").expect("under /static/")..].to_string()
}

#[test]
fn a_stylesheet_edit_is_served_under_a_new_name_that_pages_refer_to() {
    let site = SiteTest::new("bilingual");
    let server = start(&site);
    let addr = server.addr;
    let old = stylesheet(&get(addr, "GET", "/en/").2);
    assert!(old.starts_with("/static/style.") && old != "/static/style.css", "{old}");
    let (code, head, _) = get(addr, "GET", &old);
    assert_eq!(code, 200);
    assert_contains(&head.to_lowercase(), "content-type: text/css; charset=utf-8");
    let mut events = open_events(addr, "");
    wait_for("the tab to be connected", || server.hub.clients() > 0);
    let builtin = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"),
    )
    .unwrap();
    site.write("themes/default/static/style.css", builtin + "\n.lost { color: #a00 }\n");
    wait_for("a new stylesheet name", || stylesheet(&get(addr, "GET", "/en/").2) != old);
    let new = stylesheet(&get(addr, "GET", "/en/").2);
    assert_eq!(new, stylesheet(&get(addr, "GET", "/en/pilots/alpha/").2));
    assert_contains(&get(addr, "GET", &new).2, ".lost { color: #a00 }");
    assert_eq!(get(addr, "GET", &old).0, 404, "the old name is gone");
    assert!(reloads(&mut events, "en/index.html"), "the open tab reloads to pick up the new name");
    server.stop();
}

#[test]
fn server_refuses_traversal_and_other_methods() {
    let site = SiteTest::new("bilingual");
    std::fs::write(site.root().join("secret.txt"), "secret").unwrap();
    let server = start(&site);
    let addr = server.addr;
    for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/static/..%2f..%2fsecret.txt", "/%2E%2E/%2E%2E/etc/passwd"] {
        let (code, _, body) = get(addr, "GET", path);
        assert!(code == 400 || code == 404, "{path}: {code}");
        assert_not_contains(&body, "secret");
    }
    assert_eq!(get(addr, "GET", "/secret.txt").0, 404);
    assert_eq!(get(addr, "POST", "/").0, 405);
    let sheet = stylesheet(&get(addr, "GET", "/").2);
    let (code, head, body) = get(addr, "HEAD", &sheet);
    assert_eq!(code, 200);
    assert_contains(&head.to_lowercase(), "content-type: text/css; charset=utf-8");
    assert!(body.is_empty());
    assert_eq!(get(addr, "GET", "/en/pilots/alpha").0, 301);
    assert!(!site.out().exists(), "the preview never writes public/");
    server.stop();
}

#[test]
fn a_taken_port_moves_to_the_next_free_one() {
    let site = SiteTest::new("bilingual");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let options = ServeOptions {
        root: site.root(),
        bind: "127.0.0.1".parse().unwrap(),
        port,
        drafts: false,
        today: Some(today()),
        allow_hosts: Vec::new(),
        messages: namrong::model::Lang::En,
    };
    let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let log_said = said.clone();
    let server =
        Server::start(&options, std::sync::Arc::new(move |l: &str| log_said.lock().unwrap().push_str(l))).unwrap();
    assert_ne!(server.addr.port(), port);
    assert_contains(&said.lock().unwrap(), &format!("port {port} is in use"));
    server.stop();
}

#[test]
fn requests_for_another_host_are_refused_on_pages_events_and_status() {
    let site = SiteTest::new("bilingual");
    let server = start(&site);
    let addr = server.addr;
    let port = addr.port();
    for path in ["/", "/en/pilots/alpha/", "/__namrong/events", "/__namrong/status", "/nope"] {
        // A page of evil.example whose name now points at 127.0.0.1 (DNS rebinding) sends these.
        for host in ["evil.example".to_string(), format!("evil.example:{port}"), format!("localhost:{}", port + 1)] {
            let (code, _, body) =
                raw(addr, &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
            assert_eq!(code, 421, "{path} for {host}");
            assert_contains(&body, "namrong serve answers only requests for its own address");
            assert_contains(&body, "--allow-host");
            assert_not_contains(&body, "<html");
        }
        let (code, _, body) = raw(addr, &format!("GET {path} HTTP/1.1\r\nConnection: close\r\n\r\n"));
        assert_eq!(code, 400, "{path} without Host");
        assert_contains(&body, "no Host header");
        let (code, _, _) = raw(
            addr,
            &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n"),
        );
        assert_eq!(code, 400, "{path} with two Host headers");
    }
    assert_eq!(server.hub.clients(), 0, "a refused event stream is not subscribed");
    for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}"), "LocalHost".into()]
    {
        let (code, _, body) =
            raw(addr, &format!("GET /__namrong/status HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert_eq!(code, 200, "{host}");
        assert_contains(&body, "\"ok\":true");
    }
    server.stop();
}

#[test]
fn allow_host_adds_a_name_and_a_network_bind_answers_its_own_address() {
    let site = SiteTest::new("bilingual");
    let options = ServeOptions {
        root: site.root(),
        bind: "0.0.0.0".parse().unwrap(),
        port: 0,
        drafts: false,
        today: Some(today()),
        allow_hosts: vec!["Preview.Example".into()],
        messages: namrong::model::Lang::En,
    };
    let server = Server::start(&options, std::sync::Arc::new(|_: &str| {})).unwrap();
    let addr = std::net::SocketAddr::new("127.0.0.1".parse().unwrap(), server.addr.port());
    let port = addr.port();
    let status = |host: &str| raw(addr, &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")).0;
    assert_eq!(status(&format!("preview.example:{port}")), 200);
    assert_eq!(status(&format!("127.0.0.1:{port}")), 200, "the address the client connected to");
    assert_eq!(status(&format!("other.example:{port}")), 421);
    // An address of this machine other than the one the client used is still just a name here.
    assert_eq!(status(&format!("10.255.255.1:{port}")), 421);
    server.stop();
}

#[test]
fn an_oversized_or_endless_request_head_is_refused() {
    let site = SiteTest::new("bilingual");
    let server = start(&site);
    let addr = server.addr;
    let big = "x".repeat(20 * 1024);
    let (code, _, body) = raw(addr, &format!("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: {big}\r\n\r\n"));
    assert_eq!(code, 431);
    assert_contains(&body, "too large");
    let many: String = (0..100).map(|i| format!("X-{i}: y\r\n")).collect();
    assert_eq!(raw(addr, &format!("GET / HTTP/1.1\r\nHost: localhost\r\n{many}\r\n")).0, 431);

    // A client that sends a byte now and then never finishes its head: it is cut off.
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_millis(900))).unwrap();
    let start = Instant::now();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n").unwrap();
    let mut answer = Vec::new();
    while start.elapsed() < Duration::from_secs(20) {
        if slow.write_all(b"X").is_err() {
            break;
        }
        let mut buf = [0u8; 256];
        match slow.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?} after {:?}", start.elapsed());
    assert!(start.elapsed() < Duration::from_secs(15), "{:?}", start.elapsed());
    // The server still answers others.
    assert_eq!(get(addr, "GET", "/").0, 200);
    server.stop();
}

/// The page's generation, as the reload script reads it.
fn generation_of(page: &str) -> String {
    let at = page.find("var since = \"").expect("the page carries its generation") + 13;
    let n = &page[at..at + page[at..].find('"').unwrap()];
    assert!(n.rsplit_once('-').is_some_and(|(_, n)| n.parse::<u64>().is_ok()), "{n:?}");
    n.to_string()
}

/// Opens a tab's event stream as the reload script does.
fn open_events(addr: std::net::SocketAddr, since: &str) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
    write!(s, "GET /__namrong/events?since={since} HTTP/1.1\r\nHost: localhost:{}\r\n\r\n", addr.port()).unwrap();
    BufReader::new(s)
}

/// Reads events until a reload naming `path` (true) or the stream ends or times out (false).
fn reloads(reader: &mut BufReader<TcpStream>, path: &str) -> bool {
    let mut event = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return false,
            Ok(_) if line == "\n" => {
                if event.contains("event: reload\n") && event.contains(path) {
                    return true;
                }
                event.clear();
            }
            Ok(_) => event.push_str(&line),
        }
    }
}

#[test]
fn a_hundred_tabs_opened_at_once_all_reload() {
    let site = SiteTest::new("bilingual");
    let server = start(&site);
    let addr = server.addr;
    // A hundred tabs load the page; half open their channel before the edit, half only after
    // the rebuild is done (a tab that is slow to start).
    let pages: Vec<String> = (0..100)
        .map(|_| std::thread::spawn(move || get(addr, "GET", "/en/pilots/alpha/").2))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert_not_contains(&pages[0], "every spring");
    let since: Vec<String> = pages.iter().map(|p| generation_of(p)).collect();
    let early: Vec<_> = since[..50].iter().map(|g| open_events(addr, g)).collect();
    wait_for("50 tabs to be connected", || server.hub.clients() == 50);
    let start = Instant::now();
    site.replace("content/pilots/alpha/en.md", "every year", "every spring");
    wait_for("the rebuild", || get(addr, "GET", "/en/pilots/alpha/").2.contains("every spring"));
    let late: Vec<_> = since[50..].iter().map(|g| open_events(addr, g)).collect();
    let tabs: Vec<_> = early
        .into_iter()
        .chain(late)
        .map(|mut r| std::thread::spawn(move || reloads(&mut r, "en/pilots/alpha/index.html")))
        .collect();
    let reloaded = tabs.into_iter().map(|t| t.join().unwrap()).filter(|&ok| ok).count();
    assert_eq!(reloaded, 100, "tabs told to reload within {:?}", start.elapsed());
    assert!(start.elapsed() < Duration::from_secs(8), "{:?}", start.elapsed());
    // A page served after the rebuild shows it, and its tab is not sent it again.
    let now = generation_of(&get(addr, "GET", "/en/pilots/alpha/").2);
    assert_ne!(now, since[0]);
    let mut fresh = open_events(addr, &now);
    fresh.get_ref().set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    assert!(!reloads(&mut fresh, "en/pilots/alpha/index.html"));
    server.stop();
}

#[test]
fn files_are_served_whole_and_head_gives_the_length() {
    let site = SiteTest::new("bilingual");
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    site.write("content/pilots/alpha/big.pdf", &data);
    let server = start(&site);
    let addr = server.addr;
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // Two requests on one connection: the first answered whole, then the second.
    write!(s, "HEAD /pilots/alpha/big.pdf HTTP/1.1\r\nHost: localhost\r\n\r\nGET /pilots/alpha/big.pdf HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut got = Vec::new();
    s.read_to_end(&mut got).unwrap();
    let text = String::from_utf8_lossy(&got[..400]).into_owned();
    let first = text.find("\r\n\r\n").unwrap() + 4;
    assert_contains(&text[..first].to_lowercase(), "content-length: 3000000");
    assert!(got[first..].starts_with(b"HTTP/1.1 200 OK\r\n"), "HEAD has no body");
    let second = first + text[first..].find("\r\n\r\n").unwrap() + 4;
    assert_contains(&text[first..second].to_lowercase(), "content-type: application/pdf");
    assert!(got[second..] == data[..], "the bytes of the file");
    server.stop();
}

/// Resident memory of a process, in bytes.
fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .unwrap()
        .trim()
        .trim_end_matches(" kB")
        .trim()
        .parse()
        .unwrap();
    kb * 1024
}

#[test]
fn slow_downloads_of_a_large_file_share_one_copy() {
    const SIZE: usize = 50 << 20;
    let pattern = |i: usize| (i % 253) as u8;
    let site = SiteTest::new("bilingual");
    let film: Vec<u8> = (0..SIZE).map(pattern).collect();
    site.write("content/pilots/alpha/film.mp4", &film);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("namrong"))
        .args(["serve", "--port", "0", "--allow-host", "films.example", "--root"])
        .arg(site.root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port: u16 = line.split("127.0.0.1:").nth(1).and_then(|r| r.split('/').next()).unwrap().parse().unwrap();
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let before = rss(child.id());
    // Six downloads start (under a name allowed with --allow-host), read a little, and stall
    // (a slow phone).
    let mut downloads: Vec<_> = (0..6)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            write!(s, "GET /pilots/alpha/film.mp4 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut r = BufReader::new(s);
            let mut head = String::new();
            while head != "\r\n" {
                head.clear();
                r.read_line(&mut head).unwrap();
            }
            let mut first = vec![0u8; 1 << 20];
            r.read_exact(&mut first).unwrap();
            assert!(first == film[..1 << 20]);
            r
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let during = rss(child.id());
    let grew = during.saturating_sub(before) >> 20;
    // Copying the file for each download would take 300 MB.
    assert!(grew < 40, "six downloads of a 50 MB file grew the server by {grew} MB");
    for r in &mut downloads {
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert_eq!(rest.len(), SIZE - (1 << 20));
        assert!(rest == film[1 << 20..], "the bytes of the file");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_preview_on_ipv6_loopback_answers_its_own_address() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("no IPv6 loopback here; skipped");
        return;
    }
    let site = SiteTest::new("bilingual");
    let options = ServeOptions {
        root: site.root(),
        bind: "::1".parse().unwrap(),
        port: 0,
        drafts: false,
        today: Some(today()),
        allow_hosts: Vec::new(),
        messages: namrong::model::Lang::En,
    };
    let server = Server::start(&options, std::sync::Arc::new(|_: &str| {})).unwrap();
    let addr = server.addr;
    let port = addr.port();
    let status = |host: &str| raw(addr, &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")).0;
    assert_eq!(status(&format!("[::1]:{port}")), 200);
    assert_eq!(status(&format!("localhost:{port}")), 200);
    assert_eq!(status(&format!("[0:0:0:0:0:0:0:1]:{port}")), 200, "the same address written out");
    assert_eq!(status(&format!("[::2]:{port}")), 421);
    assert_eq!(status(&format!("evil.example:{port}")), 421);
    server.stop();
}

#[test]
fn with_thai_messages_the_terminal_status_and_overlay_speak_thai() {
    let site = SiteTest::new("bilingual");
    site.replace("content/pilots/alpha/pilot.toml", "\"active\"", "\"actve\"");
    let options = ServeOptions {
        root: site.root(),
        bind: "127.0.0.1".parse().unwrap(),
        port: 0,
        drafts: false,
        today: Some(today()),
        allow_hosts: Vec::new(),
        messages: namrong::model::Lang::Th,
    };
    let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let log_said = said.clone();
    let server =
        Server::start(&options, std::sync::Arc::new(move |l: &str| log_said.lock().unwrap().push_str(l))).unwrap();
    let log = said.lock().unwrap().clone();
    assert_contains(&log, "content/pilots/alpha/pilot.toml:6:13: ข้อผิดพลาด: ไม่รู้จักสถานะ \"actve\"");
    assert_contains(&log, "ตอนนี้ยังแสดงหน้าฉบับล่าสุดที่ถูกต้องอยู่");
    assert_not_contains(&log, "unknown status");
    let (_, _, body) = get(server.addr, "GET", "/__namrong/status");
    let status: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_contains(status["text"].as_str().unwrap(), "ไม่รู้จักสถานะ \"actve\"");
    assert_eq!(status["errors"][0]["message"], "unknown status \"actve\"");
    assert_eq!(status["errors"][0]["message_th"], "ไม่รู้จักสถานะ \"actve\"");
    let mut events = open_events(server.addr, "");
    let mut problem = String::new();
    let mut line = String::new();
    while events.read_line(&mut line).unwrap_or(0) > 0 {
        if line.starts_with("data: ") && problem.ends_with("event: problem\n") {
            problem.push_str(&line);
            break;
        }
        problem.push_str(&line);
        line.clear();
    }
    let data: serde_json::Value =
        serde_json::from_str(problem.lines().last().unwrap().trim_start_matches("data: ")).unwrap();
    assert_contains(data["title"].as_str().unwrap(), "การแก้ไขล่าสุดมีข้อผิดพลาด");
    assert_contains(data["text"].as_str().unwrap(), "ไม่รู้จักสถานะ");
    server.stop();
}

/// In the preview, placeholder text is a warning (the editor is still writing), drafts are shown
/// under a banner, and nothing blocks the pages.
#[test]
fn preview_shows_drafts_with_a_banner_and_placeholders_do_not_block_it() {
    let site = SiteTest::new("bilingual");
    namrong::scaffold::create(
        &site.root(),
        "new-pilot",
        &namrong::scaffold::NewThing::Pilot { province: Some("Chonburi".into()), issue: Some("water".into()) },
    )
    .unwrap();
    site.replace("content/pilots/alpha/th.md", "\n", "\nเขียนว่าโครงการนำร่องนี้ทำอะไร ที่ไหน เพื่อใคร (แก้ไขก่อนเผยแพร่)\n");
    let p = Preview::new(&site.root(), true, BASE, today(), String::new()).unwrap();
    assert!(p.errors().is_empty(), "{}", p.errors());
    let files = p.files.read().unwrap();
    let page = String::from_utf8(
        files.get("pilots/new-pilot/index.html").expect("the draft is shown").bytes().unwrap().to_vec(),
    )
    .unwrap();
    assert_contains(&namrong::wordbreak::unmark(&page), "<strong>ฉบับร่าง / Draft</strong>");
    let page = String::from_utf8(files.get("pilots/alpha/index.html").unwrap().bytes().unwrap().to_vec()).unwrap();
    assert_not_contains(&page, "draft-banner");
    // The same placeholder stops a build.
    drop(files);
    let errors = site.build_errors();
    assert_eq!(errors.error_count(), 1, "{errors}");
    assert_contains(
        &errors.to_text(),
        "content/pilots/alpha/th.md:2:1: error: placeholder text from `namrong new` would be published",
    );
}

/// A missing quote in pilot.toml makes the pilot unreadable, which rebuilds the whole site; the
/// fix is a plain pilot edit and must clear the error all the same (it used to stay forever).
#[test]
fn fixing_a_missing_quote_in_pilot_toml_clears_the_error() {
    let site = SiteTest::new("bilingual");
    let mut p = preview(&site);
    let alpha = "content/pilots/alpha/pilot.toml";
    site.replace(alpha, "status    = \"active\"", "status    = \"active");
    p.rebuild_pilot("alpha");
    assert_contains(&p.errors().to_text(), "content/pilots/alpha/pilot.toml:6");
    site.replace(alpha, "status    = \"active", "status    = \"active\"");
    site.replace(alpha, "en = \"Lampang haze reduction\"", "en = \"Lampang haze cut\"");
    p.rebuild_pilot("alpha");
    assert!(p.errors().is_empty(), "the fixed error is still reported:\n{}", p.errors());
    let page =
        String::from_utf8(p.files.read().unwrap()["en/pilots/alpha/index.html"].bytes().unwrap().to_vec()).unwrap();
    assert_contains(&page, "Lampang haze cut");
    // Once clean, pilot edits are incremental again.
    site.replace(alpha, "Lampang haze cut", "Lampang haze reduction");
    assert!(!p.rebuild_pilot("alpha").full);
}
