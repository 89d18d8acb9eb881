//! Live reload over Server-Sent Events: the script injected into preview pages, and the hub
//! that sends every open tab what changed (pages to reload, stylesheets to swap, errors to show
//! in an overlay). The production build never contains the script.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

/// The URL path of the event stream.
pub const EVENTS_PATH: &str = "/__namrong/events";
/// The URL path of the status endpoint (current errors as JSON).
pub const STATUS_PATH: &str = "/__namrong/status";

/// The script injected before `</body>` of every preview page.
pub fn script() -> String {
    format!("<script>\n{}\n</script>\n", include_str!("reload.js").replace("__EVENTS__", EVENTS_PATH))
}

/// Sends events to every connected tab.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<String>>>,
    last_error: Mutex<Option<String>>,
}

impl Hub {
    /// A new tab: it gets the current error (if any) at once, then every later event.
    pub fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        if let Some(e) = self.last_error.lock().expect("hub lock").as_ref() {
            let _ = tx.send(e.clone());
        }
        self.clients.lock().expect("hub lock").push(tx);
        rx
    }

    fn send(&self, event: &str, data: &serde_json::Value) {
        let message = format!("event: {event}\ndata: {data}\n\n");
        self.clients.lock().expect("hub lock").retain(|c| c.send(message.clone()).is_ok());
    }

    /// Tells tabs which site paths changed: pages reload when they are among them, and a
    /// change of stylesheets only swaps them.
    pub fn changed(&self, paths: &[String]) {
        if paths.is_empty() {
            return;
        }
        if paths.iter().all(|p| p.ends_with(".css")) {
            self.send("css", &serde_json::json!({ "paths": paths }));
        } else {
            self.send("reload", &serde_json::json!({ "paths": paths }));
        }
    }

    /// Shows an error overlay in every tab (and in tabs opened later).
    pub fn error(&self, text: &str) {
        let data = serde_json::json!({ "text": text });
        *self.last_error.lock().expect("hub lock") = Some(format!("event: problem\ndata: {data}\n\n"));
        self.send("problem", &data);
    }

    /// Removes the overlay.
    pub fn ok(&self) {
        if self.last_error.lock().expect("hub lock").take().is_some() {
            self.send("ok", &serde_json::json!({}));
        }
    }

    /// Number of connected tabs (for tests and logs).
    pub fn clients(&self) -> usize {
        self.clients.lock().expect("hub lock").len()
    }
}
