//! Live reload over Server-Sent Events: the script injected into preview pages, and the hub
//! that sends every open tab what changed (pages to reload, stylesheets to swap, errors to show
//! in an overlay). The production build never contains the script.
//!
//! No wake-up is lost to timing: every change event has a number (its SSE `id`, with a mark of
//! this run of the server), the hub keeps the last few, and each page is served with the number
//! of the last change before it (see [`GENERATION_MARKER`]). A tab that connects late (the page
//! was served before a rebuild, the event stream opened after it) or reconnects
//! (`Last-Event-ID`) is sent what it missed; a tab from an earlier run of the server reloads.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{SystemTime, UNIX_EPOCH};

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
    format!("<script>\n{js}\n</script>\n")
}

/// Sends events to every connected tab.
pub struct Hub {
    /// Marks this run's event numbers, so a tab left open from an earlier run is told to reload.
    run: String,
    state: Mutex<State>,
}

impl Default for Hub {
    fn default() -> Hub {
        static HUBS: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
        let run = format!("{:x}", nanos ^ HUBS.fetch_add(1, Ordering::Relaxed).rotate_right(17));
        Hub { run, state: Mutex::default() }
    }
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
    /// A new tab, whose page shows the site as of change `since` (a [`Hub::generation`], from
    /// the page or from the stream's `Last-Event-ID`): it gets at once the changes it missed and
    /// the current error (if any), then every later event.
    pub fn subscribe(&self, since: Option<&str>) -> Receiver<String> {
        let (tx, rx) = channel();
        let mut state = self.state.lock().expect("hub lock");
        if let Some(since) = since {
            let seen = since
                .trim()
                .split_once('-')
                .filter(|(run, _)| *run == self.run)
                .and_then(|(_, n)| n.parse::<u64>().ok());
            let oldest_kept = state.history.front().map_or(state.generation + 1, |(n, _)| *n);
            match seen {
                Some(n) if n <= state.generation && n + 1 >= oldest_kept => {
                    for (_, m) in state.history.iter().filter(|(k, _)| *k > n) {
                        let _ = tx.send(m.clone());
                    }
                }
                // A page from an earlier run of the server, older than the history kept, or not
                // from here at all.
                _ => {
                    let m = self.message("reload", state.generation, &serde_json::json!({ "all": true }));
                    let _ = tx.send(m);
                }
            }
        }
        if let Some(e) = state.last_error.as_ref() {
            let _ = tx.send(e.clone());
        }
        state.clients.push(tx);
        rx
    }

    /// The mark of the last change event: pages served now already show it.
    pub fn generation(&self) -> String {
        let n = self.state.lock().expect("hub lock").generation;
        format!("{}-{n}", self.run)
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
        let m = self.message(event, n, &serde_json::json!({ "paths": paths }));
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

    /// One SSE message with its mark as `id`, so a reconnecting tab says what it has seen.
    fn message(&self, event: &str, n: u64, data: &serde_json::Value) -> String {
        format!("id: {}-{n}\nevent: {event}\ndata: {data}\n\n", self.run)
    }

    /// Ends every event stream (the server is stopping).
    pub fn close(&self) {
        self.state.lock().expect("hub lock").clients.clear();
    }
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
        let late = drain(&hub.subscribe(Some(&g)));
        assert_eq!(late.len(), 2, "{late:?}");
        let run = &hub.run;
        assert!(
            late[0].starts_with(&format!("id: {run}-1\nevent: reload\n")) && late[0].contains("a/index.html"),
            "{late:?}"
        );
        assert!(late[1].starts_with(&format!("id: {run}-2\nevent: css\n")), "{late:?}");
        assert!(drain(&hub.subscribe(Some(&hub.generation()))).is_empty(), "an up-to-date tab gets nothing");
        assert!(drain(&hub.subscribe(None)).is_empty());
    }

    #[test]
    fn a_page_from_another_run_or_too_old_reloads_whole() {
        let hub = Hub::default();
        let earlier = Hub::default();
        earlier.changed(&["x.html".into()]);
        assert_ne!(hub.run, earlier.run);
        for from_elsewhere in
            [earlier.generation(), format!("{}-0", earlier.run), format!("{}-7", hub.run), "junk".into()]
        {
            let got = drain(&hub.subscribe(Some(&from_elsewhere)));
            assert_eq!(
                got,
                [format!("id: {}-0\nevent: reload\ndata: {{\"all\":true}}\n\n", hub.run)],
                "{from_elsewhere}"
            );
        }
        let start = hub.generation();
        for i in 0..HISTORY + 5 {
            hub.changed(&[format!("p{i}/index.html")]);
        }
        let old = drain(&hub.subscribe(Some(&start)));
        assert_eq!(old.len(), 1);
        assert!(old[0].contains("\"all\":true"), "{old:?}");
        let recent = format!("{}-{}", hub.run, HISTORY + 2);
        assert_eq!(drain(&hub.subscribe(Some(&recent))).len(), 3);
    }

    #[test]
    fn the_script_names_the_stream_and_has_one_place_for_the_generation() {
        let script = script();
        let marker = std::str::from_utf8(GENERATION_MARKER).unwrap();
        assert_eq!(script.matches(marker).count(), 1, "the server replaces the last one only");
        assert!(script.contains(&format!("var events = \"{EVENTS_PATH}\";")), "{script}");
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
