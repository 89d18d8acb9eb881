//! The preview's HTTP/1.1 connections: accepts them (at most [`MAX_CONNECTIONS`] at once, one
//! thread each), reads each request head within [`MAX_HEAD`] bytes and [`HEAD_TIMEOUT`] (so a
//! client that sends an endless or very slow head is cut off), parses it with `httparse`, and
//! writes the reply that `http::answer` gives, straight from the shared file (no copy), or holds
//! an event stream open. Keeps connections alive between requests for a while.

use std::io::{self, BufWriter, ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::http::{Body, Reply, Request};

/// The largest request head (request line and headers) read; a longer one gets 431.
pub const MAX_HEAD: usize = 16 * 1024;
/// The most headers in one request; more get 431.
pub const MAX_HEADERS: usize = 64;
/// The most connections served at once (each holds a thread; an open tab holds one); more are
/// answered 503 and closed.
pub const MAX_CONNECTIONS: usize = 512;
/// How long a client has to send a whole request head, and how long an idle connection is kept.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one write may wait for a client that does not read.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// How often an idle event stream is written to, so closed tabs are noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Answers a request (runs on the connection's thread).
pub type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A listening socket and the thread that accepts its connections.
pub struct Listener {
    /// The address listened on.
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
    open: Arc<AtomicUsize>,
}

/// Binds to `port` of `ip`, or to the next free port when it is taken (`tries` ports in all).
pub fn bind(ip: IpAddr, port: u16, tries: u16) -> Result<TcpListener, String> {
    let mut last = String::new();
    for p in (0..tries.max(1)).map(|i| port.saturating_add(i)) {
        match TcpListener::bind(SocketAddr::new(ip, p)) {
            Ok(l) => return Ok(l),
            Err(e) => last = e.to_string(),
        }
    }
    Err(last)
}

impl Listener {
    /// Starts accepting connections on `listener`, answering each request with `handler`.
    pub fn start(listener: TcpListener, handler: Handler) -> io::Result<Listener> {
        Listener::with_limit(listener, handler, MAX_CONNECTIONS)
    }

    /// [`Listener::start`], serving at most `limit` connections at once.
    pub fn with_limit(listener: TcpListener, handler: Handler, limit: usize) -> io::Result<Listener> {
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let open = Arc::new(AtomicUsize::new(0));
        let (s, o) = (stop.clone(), open.clone());
        let accept = std::thread::Builder::new()
            .name("namrong-accept".into())
            .spawn(move || accept_loop(listener, handler, s, o, limit))?;
        Ok(Listener { addr, stop, accept: Some(accept), open })
    }

    /// Connections open now.
    pub fn connections(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    /// Stops accepting (open connections end by themselves: idle ones time out, event
    /// streams end when the hub is closed).
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop with a connection of our own.
        let ip = match self.addr.ip() {
            IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let _ = TcpStream::connect_timeout(&SocketAddr::new(ip, self.addr.port()), Duration::from_secs(1));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn accept_loop(listener: TcpListener, handler: Handler, stop: Arc<AtomicBool>, open: Arc<AtomicUsize>, limit: usize) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(mut stream) = stream else {
            // Out of file descriptors and the like: wait a little instead of spinning.
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        if open.fetch_add(1, Ordering::SeqCst) >= limit {
            open.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = stream.write_all(
                b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 42\r\nConnection: close\r\n\r\ntoo many open connections; try again soon\n",
            );
            continue;
        }
        let guard = Open(open.clone());
        let handler = handler.clone();
        let spawned = std::thread::Builder::new().name("namrong-http".into()).spawn(move || {
            let _guard = guard;
            let _ = connection(stream, &handler);
        });
        // When no thread can be made the closure (and so the stream and the count) is dropped.
        drop(spawned);
    }
}

/// Counts an open connection until dropped.
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Why no request head could be read.
#[derive(Debug, PartialEq, Eq)]
enum HeadError {
    /// Closed, or idle too long before a request began: close quietly.
    Gone,
    /// Longer than [`MAX_HEAD`], or too many headers.
    TooLarge,
    /// Began but not finished within [`HEAD_TIMEOUT`].
    TooSlow,
    /// Not HTTP.
    Malformed,
}

/// A parsed request head and how the connection goes on.
struct Head {
    request: Request,
    /// Bytes of `buf` the head took.
    len: usize,
    /// The client wants the connection kept open (and sent no body we would have to skip).
    keep_alive: bool,
}

/// Serves one connection: requests one after another until it closes, times out or asks to.
fn connection(mut stream: TcpStream, handler: &Handler) -> io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let local_ip = stream.local_addr().ok().map(|a| a.ip());
    let mut buf = Vec::new();
    loop {
        let head = match read_head(&mut stream, &mut buf, local_ip) {
            Ok(head) => head,
            Err(HeadError::Gone) => return Ok(()),
            Err(e) => {
                let (code, text) = match e {
                    HeadError::TooLarge => (431, "the request headers are too large\n"),
                    HeadError::TooSlow => (408, "the request took too long to arrive\n"),
                    _ => (400, "bad request\n"),
                };
                let reply = Reply {
                    status: code,
                    headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
                    body: Body::Text(text.into()),
                };
                write_reply(&mut stream, reply, false, false)?;
                linger(&mut stream);
                return Ok(());
            }
        };
        buf.drain(..head.len);
        let reply = handler(&head.request);
        let is_head = head.request.method == "HEAD";
        if matches!(reply.body, Body::Events(_)) && !is_head {
            return stream_events(stream, reply);
        }
        write_reply(&mut stream, reply, is_head, head.keep_alive)?;
        if !head.keep_alive {
            return Ok(());
        }
    }
}

/// Closes after an error reply without losing it: a socket closed with unread input is reset,
/// and the reset can reach the client before the reply. So the input is read and thrown away
/// for a little while (at most a second, at most 1 MiB) before closing.
fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(250)));
    let until = Instant::now() + Duration::from_secs(1);
    let mut sink = [0u8; 8192];
    let mut left = 1 << 20;
    while left > 0 && Instant::now() < until {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => left -= n.min(left),
        }
    }
}

/// Reads until `buf` holds a whole request head, within the size and time bounds.
fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>, local_ip: Option<IpAddr>) -> Result<Head, HeadError> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut chunk = [0u8; 4096];
    loop {
        if !buf.is_empty() {
            if let Some(head) = parse_head(buf, local_ip)? {
                return Ok(head);
            }
            if buf.len() >= MAX_HEAD {
                return Err(HeadError::TooLarge);
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(if buf.is_empty() { HeadError::Gone } else { HeadError::TooSlow });
        }
        stream.set_read_timeout(Some(left)).map_err(|_| HeadError::Gone)?;
        let room = (MAX_HEAD + 1 - buf.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(if buf.is_empty() { HeadError::Gone } else { HeadError::TooSlow });
            }
            Err(_) => return Err(HeadError::Gone),
        }
    }
}

/// Parses a request head from the start of `buf`; `None` while it is incomplete.
fn parse_head(buf: &[u8], local_ip: Option<IpAddr>) -> Result<Option<Head>, HeadError> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(HeadError::TooLarge),
        Err(_) => return Err(HeadError::Malformed),
    };
    let text = |name: &str| -> Option<String> {
        req.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
    };
    let hosts = req.headers.iter().filter(|h| h.name.eq_ignore_ascii_case("host")).count();
    let connection = text("connection").unwrap_or_default().to_ascii_lowercase();
    let has_body = text("transfer-encoding").is_some() || text("content-length").is_some_and(|l| l != "0");
    let keep_alive = req.version == Some(1) && !connection.contains("close") && !has_body;
    let request = Request {
        method: req.method.unwrap_or("").to_string(),
        url: req.path.unwrap_or("").to_string(),
        // Two Host headers are as good as none.
        host: if hosts == 1 { text("host") } else { None },
        last_event_id: text("last-event-id"),
        local_ip,
    };
    Ok(Some(Head { request, len, keep_alive }))
}

fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Writes a reply: the head, then (unless `head_only`) the body's parts straight from where
/// they are held. Large parts go past the buffer without being copied.
fn write_reply(stream: &mut TcpStream, reply: Reply, head_only: bool, keep_alive: bool) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(16 * 1024, stream);
    write!(w, "HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status))?;
    for (name, value) in &reply.headers {
        write!(w, "{name}: {value}\r\n")?;
    }
    let len = reply.body.length().unwrap_or(0);
    let connection = if keep_alive { "keep-alive" } else { "close" };
    write!(w, "X-Content-Type-Options: nosniff\r\nContent-Length: {len}\r\nConnection: {connection}\r\n\r\n")?;
    if !head_only {
        for part in reply.body.parts() {
            w.write_all(part)?;
        }
        if let Body::Disk { file, len } = reply.body {
            // The length was announced: a file that shrank since is cut off, not padded.
            let sent = io::copy(&mut file.take(len), &mut w)?;
            if sent < len {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file shrank while it was sent"));
            }
        }
    }
    w.flush()
}

/// Holds an event stream open, writing each event as it comes (and flushing it), with a
/// comment every [`KEEP_ALIVE`] so closed tabs are noticed.
fn stream_events(mut stream: TcpStream, reply: Reply) -> io::Result<()> {
    let Body::Events(rx) = reply.body else { return Ok(()) };
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\nretry: 1000\n\n");
    stream.write_all(head.as_bytes())?;
    loop {
        let msg = match rx.recv_timeout(KEEP_ALIVE) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        stream.write_all(msg.as_bytes())?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(raw: &str) -> Result<Option<Head>, HeadError> {
        parse_head(raw.as_bytes(), None)
    }

    #[test]
    fn parses_a_request_head() {
        let h = head("GET /a?b HTTP/1.1\r\nHost: localhost:1111\r\nLast-Event-ID: 4\r\n\r\nrest").unwrap().unwrap();
        assert_eq!(h.request.method, "GET");
        assert_eq!(h.request.url, "/a?b");
        assert_eq!(h.request.host.as_deref(), Some("localhost:1111"));
        assert_eq!(h.request.last_event_id.as_deref(), Some("4"));
        assert!(h.keep_alive);
        assert_eq!(h.len, "GET /a?b HTTP/1.1\r\nHost: localhost:1111\r\nLast-Event-ID: 4\r\n\r\n".len());
        assert!(head("GET / HTTP/1.1\r\nHost: x\r\n").unwrap().is_none(), "incomplete");
        assert!(!head("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap().unwrap().keep_alive);
        assert!(!head("GET / HTTP/1.0\r\n\r\n").unwrap().unwrap().keep_alive);
        assert!(!head("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc").unwrap().unwrap().keep_alive);
        assert_eq!(head("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").unwrap().unwrap().request.host, None);
        assert_eq!(head("\x16\x03\x01 hello\r\n\r\n").err(), Some(HeadError::Malformed));
    }

    fn answer(addr: SocketAddr, request: &str) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    #[test]
    fn connections_are_bounded_and_freed() {
        let handler: Handler = Arc::new(|r: &Request| Reply {
            status: 200,
            headers: Vec::new(),
            body: Body::Text(format!("you asked for {}", r.url)),
        });
        let listener = Listener::with_limit(TcpListener::bind("127.0.0.1:0").unwrap(), handler, 2).unwrap();
        let addr = listener.addr;
        let idle: Vec<_> = (0..2).map(|_| TcpStream::connect(addr).unwrap()).collect();
        let start = Instant::now();
        while listener.connections() < 2 {
            assert!(start.elapsed() < Duration::from_secs(5));
            std::thread::sleep(Duration::from_millis(10));
        }
        let refused = answer(addr, "GET /a HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(refused.starts_with("HTTP/1.1 503 "), "{refused}");
        assert!(refused.ends_with("too many open connections; try again soon\n"), "{refused}");
        drop(idle);
        while listener.connections() > 0 {
            assert!(start.elapsed() < Duration::from_secs(5));
            std::thread::sleep(Duration::from_millis(10));
        }
        let served = answer(addr, "GET /b HTTP/1.1\r\nConnection: close\r\n\r\n");
        assert!(served.starts_with("HTTP/1.1 200 OK\r\n") && served.ends_with("\r\n\r\nyou asked for /b"), "{served}");
        assert!(served.contains("Content-Length: 16\r\n") && served.contains("Connection: close\r\n"), "{served}");
        listener.stop();
        assert!(TcpStream::connect(addr).is_err(), "stopped listening");
    }

    #[test]
    fn too_many_headers_are_refused() {
        let many: String = (0..MAX_HEADERS + 1).map(|i| format!("X-{i}: y\r\n")).collect();
        assert_eq!(head(&format!("GET / HTTP/1.1\r\n{many}\r\n")).err(), Some(HeadError::TooLarge));
    }
}
