//! The preview: incremental rebuilds equal full builds, errors keep the last good pages, and
//! the real server serves, reloads and refuses what it must.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use namrong::serve::preview::Preview;
use namrong::serve::{ServeOptions, Server};

use crate::support::*;

const BASE: &str = "http://127.0.0.1:1111/";

fn preview(site: &SiteTest) -> Preview {
    Preview::new(&site.root(), false, BASE, today(), "<script>reload</script>".into()).unwrap()
}

fn snapshot(p: &Preview) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = p.files.read().unwrap().iter().map(|(k, v)| (k.clone(), v.to_vec())).collect();
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
        assert!(x == y, "{path} differs from a full build");
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
    let chon_buri = String::from_utf8(p.files.read().unwrap()["en/provinces/chon-buri/index.html"].to_vec()).unwrap();
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
    let html = String::from_utf8(p.files.read().unwrap()["index.html"].to_vec()).unwrap();
    assert_contains(&html, "<script>reload</script></body>");
    site.build();
    assert_not_contains(&site.read("index.html"), "<script");
}

// ---- the real server ----

fn get(addr: std::net::SocketAddr, method: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
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
    let (code, head, body) = get(addr, "HEAD", "/static/style.css");
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
    };
    let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let log_said = said.clone();
    let server =
        Server::start(&options, std::sync::Arc::new(move |l: &str| log_said.lock().unwrap().push_str(l))).unwrap();
    assert_ne!(server.addr.port(), port);
    assert_contains(&said.lock().unwrap(), &format!("port {port} is in use"));
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
    let page =
        String::from_utf8(files.get("pilots/new-pilot/index.html").expect("the draft is shown").to_vec()).unwrap();
    assert_contains(&page, "<strong>ฉบับร่าง / Draft</strong>");
    let page = String::from_utf8(files.get("pilots/alpha/index.html").unwrap().to_vec()).unwrap();
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
