//! The preview's HTTP side: maps a request path to a generated file held in memory, and only
//! to one (no file-system access, so no traversal or symbolic link can reach anything else);
//! answers GET and HEAD only, with UTF-8 content types for text, the site's 404 page for
//! unknown paths, and the live-reload event stream.

use std::io::Write;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::preview::Files;
use super::reload::{EVENTS_PATH, Hub, STATUS_PATH};

/// What a request resolves to.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// A generated file, by site path.
    File(String),
    /// A folder asked without its trailing slash: redirect there.
    Redirect(String),
    /// Nothing there: the 404 page of this language.
    NotFound(&'static str),
    /// A malformed or hostile path.
    BadRequest,
}

/// Resolves a URL path (with query) against the set of generated files.
pub fn route(url: &str, exists: impl Fn(&str) -> bool) -> Route {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(decoded) = percent_decode(path) else { return Route::BadRequest };
    if !decoded.starts_with('/') || decoded.contains('\0') || decoded.contains('\\') {
        return Route::BadRequest;
    }
    let rel = &decoded[1..];
    if rel.split('/').any(|seg| seg == ".." || seg == ".") || rel.starts_with('/') || rel.contains("//") {
        return Route::BadRequest;
    }
    let not_found = if rel.starts_with("en/") || rel == "en" { "en/404.html" } else { "404.html" };
    if rel.is_empty() || rel.ends_with('/') {
        let index = format!("{rel}index.html");
        return if exists(&index) { Route::File(index) } else { Route::NotFound(not_found) };
    }
    if exists(rel) {
        return Route::File(rel.to_string());
    }
    if exists(&format!("{rel}/index.html")) {
        return Route::Redirect(format!("{decoded}/"));
    }
    Route::NotFound(not_found)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a file name.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// Answers one request. Runs on its own thread (event streams stay open).
pub fn handle(request: Request, files: &Files, hub: &Arc<Hub>, status: &dyn Fn() -> String) {
    let head = match request.method() {
        Method::Get => false,
        Method::Head => true,
        _ => {
            let r = Response::from_string("only GET and HEAD are allowed\n")
                .with_status_code(405)
                .with_header(header("Allow", "GET, HEAD"));
            let _ = request.respond(r);
            return;
        }
    };
    let url = request.url().to_string();
    if url == EVENTS_PATH {
        stream_events(request, hub.subscribe());
        return;
    }
    if url == STATUS_PATH {
        let r = Response::from_string(status()).with_header(header("Content-Type", "application/json; charset=utf-8"));
        let _ = request.respond(r);
        return;
    }
    let (code, path, body) = {
        let map = files.read().expect("files lock");
        match route(&url, |p| map.contains_key(p)) {
            Route::File(p) => (200, p.clone(), map.get(&p).cloned()),
            Route::Redirect(to) => {
                drop(map);
                let r = Response::empty(301).with_header(header("Location", &to));
                let _ = request.respond(r);
                return;
            }
            Route::NotFound(page) => (404, page.to_string(), map.get(page).cloned()),
            Route::BadRequest => (400, "400.txt".into(), Some(Arc::new(b"bad request\n".to_vec()))),
        }
    };
    let body = body.unwrap_or_else(|| Arc::new(b"not found\n".to_vec()));
    let len = body.len();
    let data: Vec<u8> = if head { Vec::new() } else { body.to_vec() };
    let r = Response::new(
        StatusCode(code),
        vec![header("Content-Type", content_type(&path)), header("Cache-Control", "no-store")],
        std::io::Cursor::new(data),
        Some(len),
        None,
    );
    let _ = request.respond(r);
}

/// Holds an event stream open, writing each event as it comes (and flushing it: a buffered
/// response would sit in memory), with a comment every 15 seconds so closed tabs are noticed.
fn stream_events(request: Request, rx: Receiver<String>) {
    let mut w = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\nretry: 1000\n\n";
    if w.write_all(head.as_bytes()).and_then(|_| w.flush()).is_err() {
        return;
    }
    loop {
        let msg = match rx.recv_timeout(Duration::from_secs(15)) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if w.write_all(msg.as_bytes()).and_then(|_| w.flush()).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exists(p: &str) -> bool {
        ["index.html", "en/index.html", "pilots/a/index.html", "static/style.css", "pilots/a/ภาพ.png"].contains(&p)
    }

    #[test]
    fn serves_generated_files_only() {
        assert_eq!(route("/", exists), Route::File("index.html".into()));
        assert_eq!(route("/pilots/a/?x=1", exists), Route::File("pilots/a/index.html".into()));
        assert_eq!(route("/pilots/a", exists), Route::Redirect("/pilots/a/".into()));
        assert_eq!(route("/static/style.css", exists), Route::File("static/style.css".into()));
        assert_eq!(route("/pilots/a/%E0%B8%A0%E0%B8%B2%E0%B8%9E.png", exists), Route::File("pilots/a/ภาพ.png".into()));
        assert_eq!(route("/nope/", exists), Route::NotFound("404.html"));
        assert_eq!(route("/en/nope", exists), Route::NotFound("en/404.html"));
    }

    #[test]
    fn refuses_traversal_in_every_spelling() {
        for bad in [
            "/../etc/passwd",
            "/static/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc",
            "//etc/passwd",
            "/a\\..\\b",
            "/%00",
            "/%zz",
            "etc",
        ] {
            assert_eq!(route(bad, exists), Route::BadRequest, "{bad}");
        }
    }

    #[test]
    fn text_types_are_utf8() {
        for p in ["a.html", "a.css", "a.js", "a.json", "a.xml"] {
            assert!(content_type(p).ends_with("charset=utf-8"), "{p}");
        }
        assert_eq!(content_type("a.woff2"), "font/woff2");
    }
}
