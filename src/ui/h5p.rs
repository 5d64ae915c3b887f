//! H5P's iframe resizer dialect (Moodle, WordPress and Drupal load `h5p-resizer.js` on any page
//! that shows H5P content), spoken from inside the frame as H5P content does:
//! we say `hello`; once the host answers `hello`, each height change is `prepareResize`
//! (`scrollHeight`, `clientHeight`), the host shrinks the frame and answers `resizePrepared`, and
//! we send `resize` with the height to take. The host's own `resize` (its window changed) asks for
//! the same again. Messages carry `context: "h5p"` and no envelope of ours.
use std::cell::Cell;

use serde_json::json;
use wasm_bindgen::JsValue;

use super::embed::post_raw;

thread_local! {
    /// The host has answered `hello`: it is an H5P resizer.
    static HOST: Cell<bool> = const { Cell::new(false) };
    /// The last content height measured (CSS pixels), negative before the first.
    static HEIGHT: Cell<f64> = const { Cell::new(-1.0) };
}

fn send(action: &str, extra: serde_json::Value) {
    let mut m = json!({ "context": "h5p", "action": action });
    if let (Some(m), serde_json::Value::Object(x)) = (m.as_object_mut(), extra) {
        m.extend(x);
    }
    post_raw(&m);
}

/// Once the page is mounted in embed mode: introduce ourselves to a possible H5P host.
pub fn start() {
    send("hello", json!({}));
}

fn prepare() {
    let h = HEIGHT.with(Cell::get);
    if h < 0.0 {
        return;
    }
    let client = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    send(
        "prepareResize",
        json!({ "scrollHeight": h, "clientHeight": client }),
    );
}

/// A new content height: tell an H5P host (if one said hello).
pub fn on_height(height: f64) {
    HEIGHT.with(|c| c.set(height));
    if HOST.with(Cell::get) {
        prepare();
    }
}

/// Handles a message from the parent if it is H5P's; true when it was (nothing else reads it).
pub fn handle(data: &JsValue) -> bool {
    if !data.is_object() {
        return false;
    }
    let get = |k: &str| {
        js_sys::Reflect::get(data, &k.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    if get("context").as_deref() != Some("h5p") {
        return false;
    }
    match get("action").as_deref() {
        Some("hello") => {
            HOST.with(|c| c.set(true));
            prepare();
        }
        Some("resize") if HOST.with(Cell::get) => prepare(),
        Some("resizePrepared") if HOST.with(Cell::get) => {
            let h = HEIGHT.with(Cell::get);
            send("resize", json!({ "scrollHeight": h }));
        }
        _ => {}
    }
    true
}
