//! `namrong serve`: builds the site into memory, serves it on localhost, watches the sources
//! and rebuilds what changed, telling open tabs to reload or to show the error of a bad edit.
//! Parts: `preview` (the site in memory and incremental rebuilds), `stored` (how each file is
//! kept: compressed, compiled in, or as a path on disk), `plan` (which files an edit touches), `watch` (which rebuild a change needs), `http` (what a request gets), `server`
//! (connections), `reload` (the live-reload channel).

pub mod http;
pub mod plan;
pub mod preview;
pub mod reload;
pub mod server;
pub mod stored;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::BuildError;
use crate::messages::localize;
use crate::model::{Date, Lang};
use preview::Preview;
use reload::Hub;
use watch::Rebuild;

/// What `serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Address to listen on; 127.0.0.1 by default.
    pub bind: IpAddr,
    /// Port; the next free one is used if it is taken.
    pub port: u16,
    /// Include drafts.
    pub drafts: bool,
    /// The date to treat as today.
    pub today: Option<Date>,
    /// Host names answered besides localhost and this machine's addresses (`--allow-host`).
    pub allow_hosts: Vec<String>,
    /// The language of the terminal lines and of the error overlay.
    pub messages: Lang,
}

/// A running preview server.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    /// The tabs' channel.
    pub hub: Arc<Hub>,
    listener: server::Listener,
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

/// Something for the terminal: a line to print.
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

impl Server {
    /// Builds the site, starts serving and watching. `log` receives progress and errors.
    pub fn start(options: &ServeOptions, log: Log) -> Result<Server, BuildError> {
        crate::check_root(&options.root)?;
        let lang = options.messages;
        let (listener, addr) = bind(options.bind, options.port)?;
        if addr.port() != options.port && options.port != 0 {
            log(&localize(&format!("port {} is in use; serving on {} instead", options.port, addr.port()), lang));
        }
        let host = if addr.ip().is_unspecified() { "127.0.0.1".to_string() } else { addr.ip().to_string() };
        let base_url = format!("http://{host}:{}/", addr.port());
        let today = options.today.unwrap_or_else(crate::validate::today);
        let mut preview = Preview::new(&options.root, options.drafts, &base_url, today, reload::script())?;
        let hub = Arc::new(Hub::default());
        report(&preview, &hub, &log, None, lang);
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        let (tx, rx) = std::sync::mpsc::channel();
        let mut watcher =
            notify::recommended_watcher(tx).map_err(|e| BuildError::Usage(format!("cannot watch files: {e}")))?;
        for (path, mode) in [
            ("content", RecursiveMode::Recursive),
            ("themes", RecursiveMode::Recursive),
            ("", RecursiveMode::NonRecursive),
        ] {
            let p = options.root.join(path);
            if p.exists() {
                watcher.watch(&p, mode).map_err(|e| BuildError::Usage(format!("cannot watch {}: {e}", p.display())))?;
            }
        }
        let files = preview.files.clone();
        let status_errors = Arc::new(std::sync::Mutex::new(preview.errors()));
        {
            let (hub, log, stop, status_errors) = (hub.clone(), log.clone(), stop.clone(), status_errors.clone());
            let root = crate::output::absolute(&options.root);
            threads.push(std::thread::spawn(move || {
                let _watcher = watcher;
                while let Some(paths) = watch::next_batch(&rx, Duration::from_millis(40)) {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    if std::env::var_os("NAMRONG_DEBUG_WATCH").is_some() {
                        log(&format!("changed: {paths:?}"));
                    }
                    let outcome = match watch::classify(&root, &root.join("public"), &paths) {
                        Rebuild::Nothing => continue,
                        rebuild => preview.rebuild(&rebuild),
                    };
                    *status_errors.lock().expect("status lock") = preview.errors();
                    report(&preview, &hub, &log, Some(&outcome), lang);
                    let search = preview.refresh_deferred();
                    hub.changed(&search.changed);
                }
            }));
        }
        let hosts = http::HostPolicy::new(addr.port(), &options.allow_hosts);
        let handler: server::Handler = {
            let hub = hub.clone();
            Arc::new(move |request: &http::Request| {
                let status = || {
                    let tabs = hub.clients();
                    let errors = status_errors.lock().expect("status lock");
                    serde_json::json!({
                        "tabs": tabs,
                        "ok": !errors.has_errors(),
                        "errors": errors.to_json_value_in(lang),
                        "text": errors.to_text_in(lang),
                    })
                    .to_string()
                };
                http::answer(request, &http::Site { files: &files, hub: &hub, status: &status, hosts: &hosts })
            })
        };
        let listener = server::Listener::start(listener, handler)
            .map_err(|e| BuildError::Usage(format!("cannot serve on {addr}: {e}")))?;
        Ok(Server { addr, hub, listener, stop, threads })
    }

    /// Stops serving and watching.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        self.listener.stop();
        self.hub.close();
        drop(self.threads);
    }
}

/// The heading of the error overlay in the browser.
const OVERLAY_TITLE: &str =
    "namrong: the last edit has errors; this page shows the last good version. Fix the file and save.";

fn report(preview: &Preview, hub: &Hub, log: &Log, outcome: Option<&preview::Outcome>, lang: Lang) {
    let errors = preview.errors();
    if errors.has_errors() {
        let text = errors.to_text_in(lang);
        log(&text);
        log(&localize("the last good pages are still served; fix the file and save", lang));
        hub.error(&text, &localize(OVERLAY_TITLE, lang), lang.code());
        return;
    }
    hub.ok();
    if let Some(o) = outcome {
        if !o.changed.is_empty() {
            let how = if o.full { "rebuilt the site" } else { "re-rendered" };
            let line =
                format!("{how}: {} files changed in {:.0} ms", o.changed.len(), o.elapsed.as_secs_f64() * 1000.0);
            log(&localize(&line, lang));
        }
        hub.changed(&o.changed);
    }
}

/// Binds to `port`, or to the next free port when it is taken.
fn bind(ip: IpAddr, port: u16) -> Result<(std::net::TcpListener, SocketAddr), BuildError> {
    let tries = if port == 0 { 1 } else { 20 };
    let listener = server::bind(ip, port, tries).map_err(|last| {
        BuildError::Usage(format!(
            "cannot listen on {ip} ports {port}-{}: {last}; try another with --port, e.g. --port 8111",
            port.saturating_add(tries - 1)
        ))
    })?;
    let addr = listener.local_addr().map_err(|e| BuildError::Usage(format!("cannot listen on {ip}: {e}")))?;
    Ok((listener, addr))
}

/// Installs a Ctrl-C handler that sets the returned flag.
pub fn ctrl_c_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    let _ = ctrlc::set_handler(move || f.store(true, Ordering::Relaxed));
    flag
}
