//! Browser checks of built sites in headless Chromium: the node suite in `tests/browser/`
//! (playwright-core drives Debian's `/usr/bin/chromium`, axe-core checks accessibility, the Nu Html
//! Checker checks every page's HTML). The sample site must pass; the `broken-page` fixture must
//! fail with exactly its deliberate problems, which proves the suite can fail.
//!
//! Needs `/usr/bin/chromium` (`apt-get install -y chromium`), Java 17+ for the Nu Html Checker
//! (`apt-get install -y default-jre-headless`), Node.js 20+ with npm; the npm packages are
//! installed by `npm ci` in `tests/browser/` when they are missing. Without a requirement the
//! test fails and says how to install it: it never skips.

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One browser run at a time: the two tests would otherwise share two cores between two Chromiums.
static SERIAL: Mutex<()> = Mutex::new(());

/// The whole suite's limit; the sample site takes about a minute on two cores.
const SUITE_TIMEOUT: Duration = Duration::from_secs(8 * 60);

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn suite_dir() -> PathBuf {
    repo().join("tests").join("browser")
}

/// `target/browser-artifacts/<name>`: screenshots (PNG) and report.json of the last run.
fn artifacts(name: &str) -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(&tmp).join("browser-artifacts").join(name)
}

fn command_works(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Fails (never skips) with the exact install command when a tool is missing.
fn require_tools() {
    assert!(
        Path::new("/usr/bin/chromium").exists(),
        "the browser tests need Debian's Chromium at /usr/bin/chromium.\n\
         Install it with:  apt-get update && apt-get install -y chromium fonts-thai-tlwg"
    );
    assert!(
        command_works("java", "-version"),
        "the browser tests need Java 17 or newer for the Nu Html Checker (vnu.jar).\n\
         Install it with:  apt-get update && apt-get install -y default-jre-headless"
    );
    assert!(
        node_major().is_some_and(|v| v >= 20) && command_works("npm", "--version"),
        "the browser tests need Node.js 20 or newer with npm (playwright-core needs 20; found {}).\n\
         Debian 13 ships it:  apt-get update && apt-get install -y nodejs npm\n\
         Debian 12 ships Node 18: install Node 20 from NodeSource or another Node 20 package instead",
        node_major().map_or("no node".to_string(), |v| format!("Node {v}"))
    );
}

/// The major version of `node` on the PATH (`v20.20.2` -> 20).
fn node_major() -> Option<u32> {
    let out = Command::new("node").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim().trim_start_matches('v').split('.').next()?.parse().ok()
}

/// Runs `npm ci` in tests/browser when its node_modules is missing or older than the lockfile.
fn ensure_node_modules() {
    let dir = suite_dir();
    let installed = dir.join("node_modules").join(".package-lock.json");
    let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
    let fresh = match (modified(&installed), modified(&dir.join("package-lock.json"))) {
        (Some(i), Some(l)) => i >= l,
        _ => false,
    };
    let complete = ["playwright-core", "axe-core", "vnu-jar"]
        .iter()
        .all(|p| dir.join("node_modules").join(p).join("package.json").exists());
    if fresh && complete {
        return;
    }
    // --ignore-scripts: vnu-jar's install script would try to download a Java runtime.
    let out = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .output()
        .expect("run npm ci in tests/browser");
    assert!(
        out.status.success(),
        "`npm ci` in tests/browser failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind a local port").local_addr().unwrap().port()
}

/// Builds the site at `root` with the real binary, for serving at http://127.0.0.1:port/.
fn build(root: &Path, out: &Path, port: u16) {
    let base = format!("http://127.0.0.1:{port}/");
    let result = Command::new(env!("CARGO_BIN_EXE_namrong"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output")
        .arg(out)
        .args(["--base-url", &base])
        .output()
        .expect("run namrong build");
    assert!(
        result.status.success(),
        "namrong build of {} failed:\n{}{}",
        root.display(),
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
}

struct Run {
    code: Option<i32>,
    output: String,
}

/// Runs the node suite against a built site; stdout and stderr together, with a time limit.
fn run_suite(site: &Path, port: u16, artifacts: &Path) -> Run {
    let started = Instant::now();
    let mut child = Command::new("node")
        .arg("run.js")
        .arg("--site")
        .arg(site)
        .args(["--port", &port.to_string()])
        .arg("--artifacts")
        .arg(artifacts)
        .current_dir(suite_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node tests/browser/run.js");
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the browser suite") {
            break Some(status);
        }
        if started.elapsed() > SUITE_TIMEOUT {
            // SIGTERM first: the suite then closes Chromium and its server; SIGKILL if it hangs.
            let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
            let term = Instant::now();
            while term.elapsed() < Duration::from_secs(15) && matches!(child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(200));
            }
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let output = format!("{}{}", out_reader.join().unwrap_or_default(), err_reader.join().unwrap_or_default());
    // Shown by `cargo test` when the test fails, or always with `-- --nocapture`.
    println!("{output}");
    println!("browser suite took {:.1} s", started.elapsed().as_secs_f64());
    assert!(status.is_some(), "the browser suite did not finish within {SUITE_TIMEOUT:?}:\n{output}");
    Run { code: status.and_then(|s| s.code()), output }
}

fn prepare() -> MutexGuard<'static, ()> {
    let guard = serial();
    require_tools();
    ensure_node_modules();
    guard
}

#[test]
fn the_sample_site_passes_every_browser_check() {
    let _serial = prepare();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("public");
    let port = free_port();
    build(&repo(), &site, port);
    let art = artifacts("sample");
    let run = run_suite(&site, port, &art);
    assert_eq!(run.code, Some(0), "the browser suite failed on the sample site:\n{}", run.output);
    let closing = run.output.lines().rev().find(|l| l.starts_with("browser: ")).unwrap_or("");
    assert!(closing.ends_with(" passed, 0 failed"), "no clean closing line:\n{}", run.output);
    // Screenshots of every page type in both languages at both widths.
    for ty in [
        "home",
        "pilots",
        "pilot",
        "update",
        "provinces",
        "province",
        "issues",
        "issue",
        "updates",
        "data",
        "page",
        "404",
    ] {
        for lang in ["th", "en"] {
            for width in [360, 1280] {
                let shot = art.join("screenshots").join(format!("{ty}-{lang}-{width}.png"));
                let size = shot.metadata().map(|m| m.len()).unwrap_or(0);
                assert!(size > 1000, "missing screenshot {}", shot.display());
            }
        }
    }
}

#[test]
fn the_suite_fails_on_a_deliberately_broken_page() {
    let _serial = prepare();
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("public");
    let port = free_port();
    build(&repo().join("tests/sites/broken-page"), &site, port);
    let run = run_suite(&site, port, &artifacts("broken-page"));
    assert_eq!(run.code, Some(1), "the browser suite should fail on the broken page:\n{}", run.output);

    // Each failure: "FAIL <check> <where>: <message>", continued on lines indented by six spaces.
    let mut blocks: Vec<String> = Vec::new();
    for line in run.output.lines() {
        if line.starts_with("FAIL ") {
            blocks.push(line.to_string());
        } else if let (true, Some(last)) = (line.starts_with("      "), blocks.last_mut()) {
            last.push('\n');
            last.push_str(line);
        }
    }
    let has = |check: &str, path: &str, needle: &str| {
        let head = format!("FAIL {check} {path}");
        blocks.iter().any(|b| {
            b.strip_prefix(&head).is_some_and(|rest| rest.starts_with(' ') || rest.starts_with(':'))
                && b.contains(needle)
        })
    };
    for path in ["/about/", "/en/about/"] {
        assert!(
            has("images", path, "broken image(s): /static/missing-picture.png"),
            "no broken image reported on {path}:\n{}",
            run.output
        );
        assert!(
            has("overflow", path, "wider than the screen: div.too-wide"),
            "no horizontal overflow reported on {path}:\n{}",
            run.output
        );
        assert!(
            has("requests", path, "missing-picture.png (HTTP 404)"),
            "no failed request reported on {path}:\n{}",
            run.output
        );
        assert!(
            has("thai-words", path, "line broken inside Thai word(s)"),
            "no Thai word broken inside reported on {path}:\n{}",
            run.output
        );
        assert!(has("console", path, "404"), "no console error reported on {path}:\n{}", run.output);
        assert!(has("axe", path, "critical image-alt"), "no axe image-alt violation on {path}:\n{}", run.output);
        assert!(
            has("html", path, "not allowed as child of element “ul”"),
            "no Nu Html Checker error on {path}:\n{}",
            run.output
        );
    }
    // Both widths are checked.
    assert!(has("overflow", "/about/ (th, 360px)", "scrollWidth"), "{}", run.output);
    assert!(has("overflow", "/about/ (th, 1280px)", "scrollWidth"), "{}", run.output);
    // And nothing else: every other page of the fixture is fine.
    assert!(!blocks.is_empty());
    for line in &blocks {
        let line = line.lines().next().unwrap_or("");
        let path = line.split_whitespace().nth(2).unwrap_or("");
        assert!(
            path == "/about/" || path == "/about/:" || path == "/en/about/" || path == "/en/about/:",
            "a problem was reported outside the broken page: {line}\n{}",
            run.output
        );
    }
}

/// Starts `namrong serve` on a copy of the bilingual fixture, then drives a real browser tab
/// through an edit (the page reloads by itself), a broken record (an overlay shows the error)
/// and the fix (the overlay goes away).
#[test]
fn the_preview_reloads_and_shows_errors_in_the_browser() {
    let _guard = prepare();
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("site");
    copy_tree(&repo().join("tests/sites/bilingual"), &site);
    let port = free_port();
    let mut serve = Command::new(env!("CARGO_BIN_EXE_namrong"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(&site)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start namrong serve");
    let url = format!("http://127.0.0.1:{port}/en/pilots/alpha/");
    let started = Instant::now();
    // Ready when the preview answers with its status (the port opens before the first build ends).
    let ready = || {
        use std::io::Write;
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else { return false };
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = write!(s, "GET /__namrong/status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        let mut reply = String::new();
        let _ = s.read_to_string(&mut reply);
        reply.starts_with("HTTP/1.1 200")
    };
    while !ready() {
        assert!(started.elapsed() < Duration::from_secs(60), "namrong serve did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = Command::new("node")
        .arg("live.js")
        .args(["--url", &url, "--site"])
        .arg(&site)
        .current_dir(suite_dir())
        .output()
        .expect("run node tests/browser/live.js");
    let _ = serve.kill();
    let _ = serve.wait();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the live preview check failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("passed: 0 of 5 checks failed"), "{stdout}");
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let target = to.join(entry.path().strip_prefix(from).expect("below fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Types Thai and English queries on the sample site's search pages in a real browser.
#[test]
fn searching_in_thai_finds_the_right_pilots_in_the_browser() {
    let _guard = prepare();
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("site");
    let port = free_port();
    build(&repo(), &out, port);
    let result = Command::new("node")
        .arg("search.js")
        .arg("--site")
        .arg(&out)
        .current_dir(suite_dir())
        .output()
        .expect("run node tests/browser/search.js");
    let stdout = String::from_utf8_lossy(&result.stdout);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "the search check failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("passed: 0 checks failed"), "{stdout}");
}
