//! The shipped web-server configuration, `docs/deploy/nginx.conf`, tested for real: the sample
//! site is built, Debian's nginx serves it on a loopback port with exactly that server block
//! (only `listen`, `server_name` and `root` replaced), and the test checks every internal link
//! of every page, content types and character sets, gzip, cache headers, both 404 pages, the
//! security headers, and one headless-Chromium load of the home and search pages (with a
//! query) without a Content-Security-Policy violation.
//!
//! Needs `/usr/sbin/nginx` (`apt-get install -y nginx`), and for the browser part Debian's
//! Chromium and Node.js with the npm packages of `tests/browser/` (installed by `npm ci` when
//! missing). A missing requirement fails the test with the install command: it never skips.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NGINX: &str = "/usr/sbin/nginx";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind a local port").local_addr().unwrap().port()
}

/// nginx running in the foreground as this user; stopped when dropped.
struct Nginx {
    child: Child,
    prefix: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nginx {
    fn error_log(&self) -> String {
        std::fs::read_to_string(self.prefix.join("error.log")).unwrap_or_default()
    }
}

/// The shipped server block with the site's address and folder put in.
fn server_block(port: u16, root: &Path) -> String {
    let shipped = std::fs::read_to_string(repo().join("docs/deploy/nginx.conf")).expect("docs/deploy/nginx.conf");
    let mut replaced = BTreeMap::new();
    let out: Vec<String> = shipped
        .lines()
        .map(|line| {
            let directive = line.split_whitespace().next().unwrap_or("");
            let new = match directive {
                "listen" => format!("    listen 127.0.0.1:{port};"),
                "server_name" => "    server_name 127.0.0.1;".to_string(),
                "root" => format!("    root {};", root.display()),
                _ => return line.to_string(),
            };
            *replaced.entry(directive).or_insert(0) += 1;
            new
        })
        .collect();
    for d in ["listen", "server_name", "root"] {
        assert_eq!(replaced.get(d), Some(&1), "docs/deploy/nginx.conf should have exactly one `{d}` line");
    }
    out.join("\n") + "\n"
}

fn start_nginx(port: u16, root: &Path, prefix: &Path) -> Nginx {
    assert!(
        Path::new(NGINX).exists(),
        "the nginx test needs Debian's nginx at {NGINX}.\nInstall it with:  apt-get update && apt-get install -y nginx"
    );
    let p = prefix.display();
    std::fs::write(prefix.join("server.conf"), server_block(port, root)).unwrap();
    // One foreground process, no worker processes and no change of user: runs as whoever runs
    // the tests, with every file it writes inside `prefix`.
    let main = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log warn;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log {p}/access.log;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n\
         fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n  include {p}/server.conf;\n}}\n"
    );
    std::fs::write(prefix.join("nginx.conf"), main).unwrap();
    let args = |cmd: &mut Command| {
        cmd.arg("-p").arg(prefix).arg("-e").arg(prefix.join("error.log")).arg("-c").arg(prefix.join("nginx.conf"));
    };
    let mut test = Command::new(NGINX);
    args(&mut test);
    let checked = test.arg("-t").output().expect("run nginx -t");
    assert!(
        checked.status.success(),
        "nginx -t rejects docs/deploy/nginx.conf:\n{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let mut cmd = Command::new(NGINX);
    args(&mut cmd);
    let child = cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start nginx");
    let mut nginx = Nginx { child, prefix: prefix.to_path_buf() };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = nginx.child.try_wait() {
            panic!("nginx stopped ({status}):\n{}", nginx.error_log());
        }
        assert!(started.elapsed() < Duration::from_secs(15), "nginx did not listen:\n{}", nginx.error_log());
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

/// One HTTP/1.1 response.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// `path` with spaces and non-ASCII bytes percent-encoded, for a request line.
fn encode_path(path: &str) -> String {
    path.bytes().map(|b| if b.is_ascii_graphic() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

fn request(port: u16, method: &str, path: &str, extra: &[(&str, &str)]) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to nginx");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!("{method} {} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n", encode_path(path));
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("a status line");
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response { status, headers, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let end = data.windows(2).position(|w| w == b"\r\n").expect("a chunk size line");
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).split(';').next().unwrap().trim(), 16)
            .expect("a hexadecimal chunk size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

/// The site path a built file is served at (`a/index.html` → `/a/`).
fn url_path(rel: &str) -> String {
    match rel.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{rel}"),
    }
}

/// Every URL an HTML page refers to in href, src, srcset and content attributes.
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\"", " srcset=\"", " content=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let value = rest[..end].replace("&amp;", "&");
            if attr == " srcset=\"" {
                out.extend(value.split(',').filter_map(|c| c.split_whitespace().next()).map(str::to_string));
            } else if attr == " content=\"" {
                // Meta tags: only absolute URLs (og:image, og:url) are references.
                if value.starts_with("http") {
                    out.push(value);
                }
            } else {
                out.push(value);
            }
            rest = &rest[end..];
        }
    }
    out
}

/// The internal path `reference` points to from the page at `page` (a site path), if internal.
fn resolve(page: &str, reference: &str, base: &str) -> Option<String> {
    let r = reference.split('#').next().unwrap_or("").split('?').next().unwrap_or("");
    let absolute = if let Some(rest) = r.strip_prefix(base) {
        format!("/{rest}")
    } else if r.is_empty() || r.starts_with("//") || r.split('/').next().is_some_and(|first| first.contains(':')) {
        // Empty, another host, or another scheme (mailto:, tel:, data:, javascript:).
        return None;
    } else if r.starts_with('/') {
        r.to_string()
    } else {
        let dir = &page[..page.rfind('/').unwrap() + 1];
        format!("{dir}{r}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in absolute.split('/').skip(1) {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let trailing = absolute.ends_with('/') || absolute.ends_with("/.") || absolute.ends_with("/..");
    let mut path = format!("/{}", parts.join("/"));
    if trailing && !path.ends_with('/') {
        path.push('/');
    }
    Some(path)
}

/// The address of the one file of `all` named `start<hex digits>end` (a fingerprinted asset).
fn fingerprinted(all: &[String], start: &str, end: &str) -> String {
    let found: Vec<&String> = all
        .iter()
        .filter(|f| {
            let digits = f.strip_prefix(start).and_then(|r| r.strip_suffix(end)).unwrap_or("");
            digits.len() >= 8 && digits.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .collect();
    assert_eq!(found.len(), 1, "one fingerprinted {start}…{end} in the build, found {found:?}");
    format!("/{}", found[0])
}

fn files(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"))
        .collect();
    out.sort();
    out
}

#[test]
fn the_shipped_nginx_config_serves_the_built_site() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    let prefix = tmp.path().join("nginx");
    std::fs::create_dir_all(&prefix).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/");
    let built = Command::new(env!("CARGO_BIN_EXE_namrong"))
        .args(["build", "--root"])
        .arg(repo())
        .arg("--output")
        .arg(&public)
        .args(["--base-url", &base])
        .output()
        .expect("run namrong build");
    assert!(built.status.success(), "namrong build failed:\n{}", String::from_utf8_lossy(&built.stderr));
    // A page with an inline script: proves the browser check sees a CSP violation when there is one.
    std::fs::write(
        public.join("csp-probe.html"),
        "<!DOCTYPE html><html lang=\"en\"><title>probe</title><script>document.title = 'ran'</script></html>\n",
    )
    .unwrap();
    let nginx = start_nginx(port, &public, &prefix);
    let all = files(&public);
    // The theme's stylesheet, script and a font, under the content-hashed names the build gave them.
    let css = fingerprinted(&all, "static/style.", ".css");
    let js = fingerprinted(&all, "static/search.", ".js");
    let font = fingerprinted(&all, "static/fonts/sarabun-thai-400-normal.", ".woff2");

    // Every internal link, image, script and stylesheet of every page answers 200.
    let mut targets: BTreeMap<String, String> = BTreeMap::new();
    for rel in all.iter().filter(|f| f.ends_with(".html") && f.as_str() != "csp-probe.html") {
        let html = std::fs::read_to_string(public.join(rel)).unwrap();
        let page = url_path(rel);
        for r in references(&html) {
            if let Some(path) = resolve(&page, &r, &base) {
                targets.entry(path).or_insert_with(|| page.clone());
            }
        }
    }
    assert!(targets.len() > 100, "too few links found: {}", targets.len());
    let broken: Vec<String> = targets
        .iter()
        .filter_map(|(path, from)| {
            let status = request(port, "HEAD", path, &[]).status;
            (status != 200).then(|| format!("{path} ({status}, linked from {from})"))
        })
        .collect();
    assert!(broken.is_empty(), "{} internal links do not answer 200:\n{}", broken.len(), broken.join("\n"));

    // Content types, with the character set on text.
    let expected = [
        ("/", "text/html; charset=utf-8"),
        ("/en/", "text/html; charset=utf-8"),
        (css.as_str(), "text/css; charset=utf-8"),
        (js.as_str(), "text/javascript; charset=utf-8"),
        ("/static/favicon.svg", "image/svg+xml; charset=utf-8"),
        (font.as_str(), "font/woff2"),
        ("/data/pilots.json", "application/json; charset=utf-8"),
        ("/data/pilots.csv", "text/csv; charset=utf-8"),
        ("/feed.xml", "application/atom+xml; charset=utf-8"),
        ("/en/feed.xml", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ];
    for (path, want) in expected {
        let r = request(port, "GET", path, &[]);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(want), "Content-Type of {path}");
    }
    // Every kind of file the build wrote has a declared type; text types say utf-8.
    let mut by_ext: BTreeMap<String, &str> = BTreeMap::new();
    for f in &all {
        if f.rsplit('/').next().is_some_and(|name| name.starts_with('.')) {
            assert_eq!(request(port, "HEAD", &url_path(f), &[]).status, 404, "hidden file {f} is served");
            continue;
        }
        if let Some((_, ext)) = f.rsplit_once('.') {
            by_ext.entry(ext.to_string()).or_insert(f);
        }
    }
    for (ext, f) in &by_ext {
        let r = request(port, "HEAD", &url_path(f), &[]);
        let ct = r.header("content-type").unwrap_or("").to_string();
        assert!(!ct.is_empty() && ct != "application/octet-stream", ".{ext} files ({f}) are served as {ct:?}");
        let textual = ct.starts_with("text/") || ct.contains("json") || ct.contains("xml");
        assert_eq!(textual, ct.ends_with("; charset=utf-8"), "{f}: {ct}");
    }

    // gzip for every text type, only when asked for.
    for path in [
        "/",
        "/en/pilots/",
        css.as_str(),
        js.as_str(),
        "/static/favicon.svg",
        "/data/pilots.json",
        "/data/pilots.csv",
        "/feed.xml",
        "/sitemap.xml",
    ] {
        let r = request(port, "GET", path, &[("Accept-Encoding", "gzip")]);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-encoding"), Some("gzip"), "{path} is not compressed");
        assert!(r.body.starts_with(&[0x1f, 0x8b]), "{path}: the body is not gzip");
        assert!(r.header("vary").is_some_and(|v| v.contains("Accept-Encoding")), "{path}: no Vary");
        let plain = request(port, "GET", path, &[]);
        assert_eq!(plain.header("content-encoding"), None, "{path} compressed without Accept-Encoding");
        assert!(r.body.len() < plain.body.len(), "{path}: compressed is not smaller");
    }
    let png = request(port, "GET", &font, &[("Accept-Encoding", "gzip")]);
    assert_eq!(png.header("content-encoding"), None, "fonts are compressed already");

    // Caching: a year for fingerprinted assets, minutes for the rest.
    let short = "public, max-age=300";
    let immutable = "public, max-age=31536000, immutable";
    // Files that keep a fixed name (the favicon, the fonts' licence) are short-lived too.
    for path in ["/", "/en/pilots/", "/static/favicon.svg", "/static/fonts/OFL.txt", "/data/pilots.json", "/feed.xml"] {
        assert_eq!(request(port, "HEAD", path, &[]).header("cache-control"), Some(short), "{path}");
    }
    for path in [&css, &js, &font] {
        assert_eq!(request(port, "HEAD", path, &[]).header("cache-control"), Some(immutable), "{path}");
    }
    let missing = request(port, "GET", "/static/style.fedcba98.css", &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("cache-control"),
        Some(short),
        "a missing fingerprinted file must not be cached for a year"
    );

    // Not-found pages in the visitor's language, with status 404.
    for (path, page, lang) in [
        ("/no-such-page/", "404.html", "th"),
        ("/pilots/no-such-pilot/", "404.html", "th"),
        ("/en/no-such-page/", "en/404.html", "en"),
        ("/en/pilots/no-such-pilot/", "en/404.html", "en"),
    ] {
        let r = request(port, "GET", path, &[]);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.body, std::fs::read(public.join(page)).unwrap(), "{path} should show {page}");
        assert!(String::from_utf8_lossy(&r.body).contains(&format!("<html lang=\"{lang}\"")), "{path}");
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(r.header("content-security-policy").is_some(), "{path}: headers missing on the 404");
    }

    // Security headers.
    let home = request(port, "HEAD", "/", &[]);
    let csp = home.header("content-security-policy").expect("a Content-Security-Policy");
    for part in ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"] {
        assert!(csp.contains(part), "CSP lacks {part}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(home.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(home.header("referrer-policy"), Some("strict-origin-when-cross-origin"));
    assert!(home.header("permissions-policy").is_some_and(|p| p.contains("camera=()")));
    assert_eq!(home.header("access-control-allow-origin"), None, "pages are not shared cross-origin");
    assert_eq!(request(port, "HEAD", "/data/pilots.csv", &[]).header("access-control-allow-origin"), Some("*"));

    // The theme's pages work under the CSP in a real browser.
    let csp_run = browser_csp_check(&base);
    assert!(csp_run.0, "the pages break the Content-Security-Policy in Chromium:\n{}", csp_run.1);

    let log = nginx.error_log();
    assert!(!log.contains("[emerg]") && !log.contains("[crit]"), "nginx error log:\n{log}");
}

/// Runs tests/browser/csp.js against the server: (passed, its output).
fn browser_csp_check(base: &str) -> (bool, String) {
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "the nginx test loads pages in Debian's Chromium at /usr/bin/chromium.\n\
         Install it with:  apt-get update && apt-get install -y chromium fonts-thai-tlwg"
    );
    let dir = repo().join("tests/browser");
    if !dir.join("node_modules/playwright-core/package.json").exists() {
        let out = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .output()
            .expect("run npm ci in tests/browser (needs Node.js 20+ and npm: apt-get install -y nodejs npm)");
        assert!(out.status.success(), "`npm ci` in tests/browser failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    let out = Command::new("node")
        .args(["csp.js", "--base", base, "--query", "หมอกควัน"])
        .current_dir(&dir)
        .output()
        .expect("run node tests/browser/csp.js (needs Node.js 20+: apt-get install -y nodejs npm)");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{text}");
    (out.status.success(), text)
}

#[test]
fn links_resolve_like_a_browser() {
    let base = "http://127.0.0.1:1/";
    assert_eq!(resolve("/en/pilots/", "../issues/", base).as_deref(), Some("/en/issues/"));
    assert_eq!(resolve("/pilots/a/", "card-th.png", base).as_deref(), Some("/pilots/a/card-th.png"));
    assert_eq!(resolve("/", "http://127.0.0.1:1/static/x.css?v=1#a", base).as_deref(), Some("/static/x.css"));
    assert_eq!(resolve("/", "https://example.org/", base), None);
    assert_eq!(resolve("/", "#main", base), None);
    assert_eq!(resolve("/", "ftp:x", base), None);
    assert_eq!(url_path("en/index.html"), "/en/");
    let html = "<meta name=\"viewport\" content=\"width=device-width\"><meta property=\"og:image\" content=\"http://h/c.png\">\
                <a href=\"a&amp;b\"><img srcset=\"x.jpg 1x, y.jpg 2x\">";
    assert_eq!(references(html), ["a&b", "x.jpg", "y.jpg", "http://h/c.png"]);
}
