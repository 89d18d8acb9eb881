//! Live reload over Server-Sent Events: the script injected into preview pages, and the hub
//! that sends every open tab what changed (pages to reload, stylesheets to swap, errors to show
//! in an overlay). The production build never contains the script.
//!
//! No wake-up is lost to timing: every change event has a number (its SSE `id`), the hub keeps
//! the last few, and each page is served with the number of the last change before it (see
//! [`GENERATION_MARKER`]). A tab that connects late (the page was served before a rebuild, the
//! event stream opened after it) or reconnects (`Last-Event-ID`) is sent what it missed.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

/// The URL path of the event stream.
pub const EVENTS_PATH: &str = "/__namrong/events";
/// The URL path of the status endpoint (current errors as JSON).
pub const STATUS_PATH: &str = "/__namrong/status";
/// Written in the reload script where the page's generation goes: the server replaces it, as
/// it serves a page, with the number of the last change the page already shows.
pub const GENERATION_MARKER: &[u8] = b"__NAMRONG_GENERATION__";
/// How many change events the hub keeps for tabs that connect late.
const HISTORY: usize = 64;

/// The script injected before `</body>` of every preview page.
pub fn script() -> String {
    let js = include_str!("reload.js").replace("__EVENTS__", EVENTS_PATH);
    debug_assert!(js.contains(std::str::from_utf8(GENERATION_MARKER).unwrap_or("")));
    format!("<script>\n{js}\n</script>\n")
}

/// Sends events to every connected tab.
#[derive(Default)]
pub struct Hub {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    clients: Vec<Sender<String>>,
    last_error: Option<String>,
    /// Number of the last change event.
    generation: u64,
    /// The last change events, oldest first, each with its number.
    history: VecDeque<(u64, String)>,
}

impl Hub {
    /// A new tab, whose page shows the site as of change `since`: it gets at once the changes
    /// it missed and the current error (if any), then every later event.
    pub fn subscribe(&self, since: Option<u64>) -> Receiver<String> {
        let (tx, rx) = channel();
        let mut state = self.state.lock().expect("hub lock");
        if let Some(since) = since {
            let oldest_kept = state.history.front().map_or(state.generation + 1, |(n, _)| *n);
            if since > state.generation || since + 1 < oldest_kept {
                // A page from an earlier run of the server, or older than the history kept.
                let n = state.generation;
                let _ = tx.send(message("reload", n, &serde_json::json!({ "all": true })));
            } else {
                for (_, m) in state.history.iter().filter(|(n, _)| *n > since) {
                    let _ = tx.send(m.clone());
                }
            }
        }
        if let Some(e) = state.last_error.as_ref() {
            let _ = tx.send(e.clone());
        }
        state.clients.push(tx);
        rx
    }

    /// The number of the last change event: pages served now already show it.
    pub fn generation(&self) -> u64 {
        self.state.lock().expect("hub lock").generation
    }

    fn send(state: &mut State, message: String) {
        state.clients.retain(|c| c.send(message.clone()).is_ok());
    }

    /// Tells tabs which site paths changed: pages reload when they are among them, and a
    /// change of stylesheets only swaps them.
    pub fn changed(&self, paths: &[String]) {
        if paths.is_empty() {
            return;
        }
        let event = if paths.iter().all(|p| p.ends_with(".css")) { "css" } else { "reload" };
        let mut state = self.state.lock().expect("hub lock");
        state.generation += 1;
        let n = state.generation;
        let m = message(event, n, &serde_json::json!({ "paths": paths }));
        if state.history.len() == HISTORY {
            state.history.pop_front();
        }
        state.history.push_back((n, m.clone()));
        Self::send(&mut state, m);
    }

    /// Shows an error overlay in every tab (and in tabs opened later).
    pub fn error(&self, text: &str) {
        let data = serde_json::json!({ "text": text });
        let m = format!("event: problem\ndata: {data}\n\n");
        let mut state = self.state.lock().expect("hub lock");
        state.last_error = Some(m.clone());
        Self::send(&mut state, m);
    }

    /// Removes the overlay.
    pub fn ok(&self) {
        let mut state = self.state.lock().expect("hub lock");
        if state.last_error.take().is_some() {
            Self::send(&mut state, "event: ok\ndata: {}\n\n".to_string());
        }
    }

    /// Number of connected tabs (for tests and logs).
    pub fn clients(&self) -> usize {
        self.state.lock().expect("hub lock").clients.len()
    }

    /// Ends every event stream (the server is stopping).
    pub fn close(&self) {
        self.state.lock().expect("hub lock").clients.clear();
    }
}

/// One SSE message with its number as `id`, so a reconnecting tab says what it has seen.
fn message(event: &str, id: u64, data: &serde_json::Value) -> String {
    format!("id: {id}\nevent: {event}\ndata: {data}\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(rx: &Receiver<String>) -> Vec<String> {
        rx.try_iter().collect()
    }

    #[test]
    fn a_late_tab_gets_the_changes_its_page_missed() {
        let hub = Hub::default();
        let g = hub.generation();
        hub.changed(&["a/index.html".into()]);
        hub.changed(&["static/style.css".into()]);
        let late = drain(&hub.subscribe(Some(g)));
        assert_eq!(late.len(), 2, "{late:?}");
        assert!(late[0].starts_with("id: 1\nevent: reload\n") && late[0].contains("a/index.html"), "{late:?}");
        assert!(late[1].starts_with("id: 2\nevent: css\n"), "{late:?}");
        assert!(drain(&hub.subscribe(Some(hub.generation()))).is_empty(), "an up-to-date tab gets nothing");
        assert!(drain(&hub.subscribe(None)).is_empty());
    }

    #[test]
    fn a_page_from_another_run_or_too_old_reloads_whole() {
        let hub = Hub::default();
        let from_before = drain(&hub.subscribe(Some(7)));
        assert_eq!(from_before, ["id: 0\nevent: reload\ndata: {\"all\":true}\n\n"]);
        for i in 0..HISTORY + 5 {
            hub.changed(&[format!("p{i}/index.html")]);
        }
        let old = drain(&hub.subscribe(Some(2)));
        assert_eq!(old.len(), 1);
        assert_contains_all(&old[0]);
        let recent = drain(&hub.subscribe(Some(hub.generation() - 3)));
        assert_eq!(recent.len(), 3);
    }

    fn assert_contains_all(m: &str) {
        assert!(m.contains("\"all\":true"), "{m}");
    }

    #[test]
    fn errors_reach_late_tabs_until_fixed() {
        let hub = Hub::default();
        let tab = hub.subscribe(None);
        hub.error("bad");
        assert!(drain(&tab)[0].starts_with("event: problem"));
        assert!(drain(&hub.subscribe(None))[0].contains("bad"));
        hub.ok();
        assert_eq!(drain(&tab), ["event: ok\ndata: {}\n\n"]);
        assert!(drain(&hub.subscribe(None)).is_empty());
        hub.close();
        assert_eq!(hub.clients(), 0);
    }
}
