//! The preview's answers: checks that a request is for this server (its `Host`), maps its path
//! to a generated file held in memory, and only to one (no file-system access, so no traversal
//! or symbolic link can reach anything else); answers GET and HEAD only, with UTF-8 content
//! types for text, the site's 404 page for unknown paths, the status and the live-reload event
//! stream. Files kept as they are are answered from the shared copy in memory, never copied per
//! request; compressed pages are unpacked for the request, and files kept on disk (content
//! assets, cards) are streamed from the path the build recorded. Reading and writing the
//! connection is `server`'s job.

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::mpsc::Receiver;

use super::preview::{Files, Stored};
use super::reload::{EVENTS_PATH, GENERATION_MARKER, Hub, STATUS_PATH};
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

/// A request, as far as the preview looks at it.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The request target (path and query).
    pub url: String,
    /// The `Host` header, if there was one.
    pub host: Option<String>,
    /// The `Last-Event-ID` header (an event stream reconnecting).
    pub last_event_id: Option<String>,
    /// The address of this machine the client connected to.
    pub local_ip: Option<IpAddr>,
}

/// What a request gets.
pub struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// Headers other than Content-Length and Connection.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Body,
}

/// A reply's body.
pub enum Body {
    /// A short text.
    Text(String),
    /// A generated file, the shared copy itself.
    Shared(Arc<Vec<u8>>),
    /// A file compiled into namrong.
    Builtin(&'static [u8]),
    /// A file streamed from disk: `len` bytes of `file`.
    Disk {
        /// The open file.
        file: std::fs::File,
        /// How many bytes to send (its size when opened).
        len: u64,
    },
    /// A preview page with its generation written in: `file[..at]`, `insert`, `file[at + cut..]`.
    Page {
        /// The shared page.
        file: Arc<Vec<u8>>,
        /// Where the marker starts.
        at: usize,
        /// The marker's length.
        cut: usize,
        /// What replaces it.
        insert: String,
    },
    /// The live-reload event stream: held open, each message written as it comes.
    Events(Receiver<String>),
}

impl Body {
    /// The length in bytes (none for an event stream, which has no end).
    pub fn length(&self) -> Option<usize> {
        match self {
            Body::Text(t) => Some(t.len()),
            Body::Shared(f) => Some(f.len()),
            Body::Builtin(f) => Some(f.len()),
            Body::Disk { len, .. } => Some(*len as usize),
            Body::Page { file, cut, insert, .. } => Some(file.len() - cut + insert.len()),
            Body::Events(_) => None,
        }
    }

    /// The body's parts, in order, borrowed (none for an event stream or a file on disk, which
    /// `server` copies from the file).
    pub fn parts(&self) -> Vec<&[u8]> {
        match self {
            Body::Text(t) => vec![t.as_bytes()],
            Body::Shared(f) => vec![&f[..]],
            Body::Builtin(f) => vec![f],
            Body::Disk { .. } => Vec::new(),
            Body::Page { file, at, cut, insert } => vec![&file[..*at], insert.as_bytes(), &file[at + cut..]],
            Body::Events(_) => Vec::new(),
        }
    }
}

impl Reply {
    fn ok(status: u16, kind: &str, body: Body) -> Reply {
        Reply { status, headers: vec![("Content-Type", kind.into()), ("Cache-Control", "no-store".into())], body }
    }

    fn text(status: u16, text: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", "text/plain; charset=utf-8".into()), ("Cache-Control", "no-store".into())],
            body: Body::Text(text.into()),
        }
    }

    fn with(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }

    fn with_type(mut self, kind: &str) -> Reply {
        self.headers.retain(|(n, _)| *n != "Content-Type");
        self.with("Content-Type", kind)
    }
}

/// Which `Host` headers the preview answers: its own address, never a name it does not know,
/// so a web page that makes its own domain name point at this machine (DNS rebinding) cannot
/// read the preview.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    /// The port the server listens on; a `Host` that names a port must name this one.
    pub port: u16,
    /// Extra names to answer (`--allow-host`), lower case, without port.
    pub names: Vec<String>,
}

impl HostPolicy {
    /// The policy for a server on `port` that also answers `names` (given with or without a
    /// port, in any case).
    pub fn new(port: u16, names: &[String]) -> HostPolicy {
        let names =
            names.iter().filter_map(|n| split_host(n.trim())).map(|(name, _)| name.to_ascii_lowercase()).collect();
        HostPolicy { port, names }
    }

    /// Whether a request for `host`, arriving on the local address `local_ip`, is for this
    /// server: `localhost`, a loopback address, the address the client connected to, or an
    /// allowed name; with this server's port or none.
    pub fn allows(&self, host: &str, local_ip: Option<IpAddr>) -> bool {
        let Some((name, port)) = split_host(host) else { return false };
        if port.is_some_and(|p| p != self.port) {
            return false;
        }
        let name = name.to_ascii_lowercase();
        if let Ok(ip) = name.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            let ip = ip.to_canonical();
            return ip.is_loopback() || local_ip.is_some_and(|l| l.to_canonical() == ip);
        }
        name == "localhost" || self.names.contains(&name)
    }
}

/// Splits `name:port`, `[v6]:port`, `name` or `[v6]`; `None` when malformed.
fn split_host(host: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')?;
        match &host[end + 1..] {
            "" => (&host[..=end], None),
            rest => (&host[..=end], Some(rest.strip_prefix(':')?)),
        }
    } else {
        match host.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (host, None),
        }
    };
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == '/' || c == '@') {
        return None;
    }
    let port = match port {
        Some(p) => Some(p.parse::<u16>().ok()?),
        None => None,
    };
    Some((name, port))
}

/// What the preview serves from: the site in memory, the tabs' channel, the status.
pub struct Site<'a> {
    /// The generated files.
    pub files: &'a Files,
    /// The live-reload channel.
    pub hub: &'a Hub,
    /// The status endpoint's JSON.
    pub status: &'a dyn Fn() -> String,
    /// Which hosts are answered.
    pub hosts: &'a HostPolicy,
}

/// Answers one request.
pub fn answer(request: &Request, site: &Site) -> Reply {
    match request.host.as_deref() {
        None => {
            return Reply::text(
                400,
                "this request has no Host header; namrong serve answers only requests that name its address\n\
                 คำขอนี้ไม่มีส่วนหัว Host: namrong serve ตอบเฉพาะคำขอที่ระบุที่อยู่ของตัวเอง\n",
            );
        }
        Some(host) if !site.hosts.allows(host, request.local_ip) => {
            let port = site.hosts.port;
            return Reply::text(
                421,
                format!(
                    "namrong serve answers only requests for its own address (localhost:{port}, 127.0.0.1:{port}, \
                     [::1]:{port} or the address it listens on), not for {host:?}. If you opened the preview \
                     under another name on purpose, start it with --allow-host NAME.\n\
                     namrong serve ตอบเฉพาะคำขอที่ส่งถึงที่อยู่ของตัวเอง (เช่น localhost:{port}) ไม่ใช่ {host:?} \
                     หากตั้งใจเปิดด้วยชื่ออื่น ให้เริ่มด้วย --allow-host ชื่อนั้น\n"
                ),
            );
        }
        Some(_) => {}
    }
    // HEAD gets the same reply; `server` leaves out the body.
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return Reply::text(405, "only GET and HEAD are allowed\n").with("Allow", "GET, HEAD");
    }
    let path = request.url.split('?').next().unwrap_or("");
    if path == EVENTS_PATH {
        // The last event a reconnecting stream saw is never older than its page.
        let since = request.last_event_id.as_deref().or_else(|| query_param(&request.url, "since"));
        let rx = site.hub.subscribe(since.map(percent_decode_lossy).as_deref());
        return Reply {
            status: 200,
            headers: vec![("Content-Type", "text/event-stream".into()), ("Cache-Control", "no-store".into())],
            body: Body::Events(rx),
        };
    }
    if path == STATUS_PATH {
        return Reply::text(200, (site.status)()).with_type("application/json; charset=utf-8");
    }
    // Read before the files: a page served now shows at least this generation.
    let generation = site.hub.generation();
    let (code, path, body) = {
        let map = site.files.read().expect("files lock");
        match route(&request.url, |p| map.contains_key(p)) {
            Route::File(p) => {
                let body = map.get(&p).cloned();
                (200, p, body)
            }
            Route::Redirect(to) => return Reply::text(301, format!("moved to {to}\n")).with("Location", to),
            Route::NotFound(page) => (404, page.to_string(), map.get(page).cloned()),
            Route::BadRequest => return Reply::text(400, "bad request\n"),
        }
    };
    let Some(stored) = body else { return Reply::text(code, "not found\n") };
    let kind = content_type(&path);
    let cannot_read = |e: std::io::Error| Reply::text(500, format!("cannot read /{path}: {e}\n"));
    let file = match &stored {
        Stored::Builtin(b) => return Reply::ok(code, kind, Body::Builtin(b)),
        Stored::File { .. } => match stored.open() {
            Some(Ok((file, len))) => return Reply::ok(code, kind, Body::Disk { file, len }),
            Some(Err(e)) => return cannot_read(e),
            None => unreachable!("a stored file opens"),
        },
        _ => match stored.bytes() {
            Ok(b) => b,
            Err(e) => return cannot_read(e),
        },
    };
    let body = match marker_at(&file, kind) {
        Some(at) => Body::Page { file, at, cut: GENERATION_MARKER.len(), insert: generation },
        None => Body::Shared(file),
    };
    Reply::ok(code, kind, body)
}

/// Where the reload script's generation marker is in a preview page (it is injected before the
/// closing `</body>`, so it is looked for near the end only).
fn marker_at(file: &[u8], kind: &str) -> Option<usize> {
    if !kind.starts_with("text/html") {
        return None;
    }
    let from = file.len().saturating_sub(256 * 1024);
    file[from..].windows(GENERATION_MARKER.len()).rposition(|w| w == GENERATION_MARKER).map(|i| from + i)
}

fn percent_decode_lossy(s: &str) -> String {
    percent_decode(s).unwrap_or_else(|| s.to_string())
}

/// The value of `name` in the URL's query, if any.
fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
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

    fn policy() -> HostPolicy {
        HostPolicy::new(1111, &["Laptop.Local:1111".into()])
    }

    #[test]
    fn answers_its_own_addresses_only() {
        let lan: IpAddr = "192.168.1.5".parse().unwrap();
        let p = policy();
        for host in [
            "localhost:1111",
            "localhost",
            "LOCALHOST:1111",
            "127.0.0.1:1111",
            "[::1]:1111",
            "[::1]",
            "laptop.local:1111",
            "Laptop.Local",
        ] {
            assert!(p.allows(host, Some(lan)), "{host}");
        }
        assert!(p.allows("192.168.1.5:1111", Some(lan)), "the address the client connected to");
        assert!(
            p.allows("192.168.1.5:1111", Some("::ffff:192.168.1.5".parse().unwrap())),
            "IPv4 on a dual-stack socket"
        );
        for host in [
            "evil.example",
            "evil.example:1111",
            "localhost:2222",
            "localhost.evil.example",
            "192.168.1.6:1111",
            "[::1]:2222",
            "laptop.local.evil:1111",
            "",
            ":1111",
            "localhost:",
            "localhost:99999",
            "[::1",
            "user@localhost",
            "localhost/x",
        ] {
            assert!(!p.allows(host, Some(lan)), "{host:?}");
        }
    }

    fn site_with(files: &Files, hub: &Hub, hosts: &HostPolicy, f: impl FnOnce(&Site)) {
        let status = || "{}".to_string();
        f(&Site { files, hub, status: &status, hosts });
    }

    fn request(url: &str, host: Option<&str>) -> Request {
        Request { method: "GET".into(), url: url.into(), host: host.map(str::to_string), ..Request::default() }
    }

    fn bytes(body: &Body) -> Vec<u8> {
        body.parts().concat()
    }

    #[test]
    fn files_are_answered_from_the_shared_copy() {
        let big = Arc::new(vec![7u8; 5_000_000]);
        let page = Arc::new(b"<p>x</p><script>var since = \"__NAMRONG_GENERATION__\";</script></body>".to_vec());
        let files: Files = Default::default();
        files.write().unwrap().insert("big.pdf".into(), Stored::Bytes(big.clone()));
        files.write().unwrap().insert("index.html".into(), Stored::Bytes(page.clone()));
        let hub = Hub::default();
        hub.changed(&["a.html".into()]);
        hub.changed(&["b.html".into()]);
        site_with(&files, &hub, &policy(), |site| {
            let reply = answer(&request("/big.pdf", Some("localhost:1111")), site);
            assert_eq!(reply.status, 200);
            let Body::Shared(shared) = &reply.body else { panic!("not the shared file") };
            assert!(Arc::ptr_eq(shared, &big), "the reply holds the file itself, not a copy");
            assert_eq!(reply.body.length(), Some(5_000_000));

            let reply = answer(&request("/", Some("localhost:1111")), site);
            let Body::Page { file, .. } = &reply.body else { panic!("a page gets its generation") };
            assert!(Arc::ptr_eq(file, &page));
            let expect = format!("<p>x</p><script>var since = \"{}\";</script></body>", hub.generation());
            assert!(hub.generation().ends_with("-2"));
            assert_eq!(bytes(&reply.body), expect.as_bytes());
            assert_eq!(reply.body.length(), Some(expect.len()));
        });
    }

    #[test]
    fn a_foreign_host_gets_nothing_and_subscribes_nothing() {
        let files: Files = Default::default();
        files.write().unwrap().insert("index.html".into(), Stored::Bytes(Arc::new(b"secret draft".to_vec())));
        let hub = Hub::default();
        site_with(&files, &hub, &policy(), |site| {
            for url in ["/", EVENTS_PATH, STATUS_PATH] {
                let reply = answer(&request(url, Some("evil.example:1111")), site);
                assert_eq!(reply.status, 421, "{url}");
                let text = String::from_utf8(bytes(&reply.body)).unwrap();
                assert!(text.contains("not for \"evil.example:1111\"") && !text.contains("secret"), "{text}");
                assert_eq!(answer(&request(url, None), site).status, 400, "{url}");
            }
            assert_eq!(hub.clients(), 0);
            let reply =
                answer(&request(&format!("{EVENTS_PATH}?since={}", hub.generation()), Some("127.0.0.1:1111")), site);
            assert!(matches!(reply.body, Body::Events(_)));
            assert_eq!(hub.clients(), 1);
        });
    }

    #[test]
    fn text_types_are_utf8() {
        for p in ["a.html", "a.css", "a.js", "a.json", "a.xml"] {
            assert!(content_type(p).ends_with("charset=utf-8"), "{p}");
        }
        assert_eq!(content_type("a.woff2"), "font/woff2");
    }
}
