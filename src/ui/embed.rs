//! The postMessage API v1 (docs EMBEDDING.md): outbound messages to the host page.
use serde_json::{json, Map, Value};
use wasm_bindgen::JsValue;

use crate::model::params::ViewMode;
use crate::model::trace::Trace;

/// True inside a frame: there is a host page to talk to.
pub fn embedded() -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    match w.parent() {
        Ok(Some(p)) => !js_sys::Object::is(&p, &w),
        _ => false,
    }
}

fn to_js(v: &Value) -> JsValue {
    // JSON text → JS object: the host receives plain data, never anything executable.
    js_sys::JSON::parse(&v.to_string()).unwrap_or(JsValue::NULL)
}

/// Posts `{source, version, type, ...fields}` to the parent (`*`: nothing we send is private).
pub fn post(kind: &str, fields: Map<String, Value>) {
    post_to(kind, fields, "*");
}

pub fn post_to(kind: &str, fields: Map<String, Value>, origin: &str) {
    post_reply(kind, fields, origin, &JsValue::UNDEFINED);
}

/// Posts to the asking origin; `id` (unless undefined) is the asker's own value, echoed as it
/// came — a lone surrogate or a number survives where JSON text would not.
pub fn post_reply(kind: &str, mut fields: Map<String, Value>, origin: &str, id: &JsValue) {
    if !embedded() {
        return;
    }
    fields.insert("source".into(), json!("async-playground"));
    fields.insert("version".into(), json!(1));
    fields.insert("type".into(), json!(kind));
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    // An opaque-origin host ("null") can only be answered with "*".
    let target = if origin.is_empty() || origin == "null" {
        "*"
    } else {
        origin
    };
    let msg = to_js(&Value::Object(fields));
    if !id.is_undefined() {
        let _ = js_sys::Reflect::set(&msg, &"id".into(), id);
    }
    let _ = parent.post_message(&msg, target);
}

/// Height-change broadcasts, in every dialect a host may speak: ours (`resize`), Canvas LMS's
/// (`lti.frameResize`), and H5P's resizer once its host has said hello (`ui/h5p.rs`).
pub fn post_height(height: f64) {
    post(
        "resize",
        Map::from_iter([("height".to_string(), json!(height))]),
    );
    if !embedded() {
        return;
    }
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    let canvas = json!({ "subject": "lti.frameResize", "height": height });
    let _ = parent.post_message(&to_js(&canvas), "*");
    super::h5p::on_height(height);
}

/// Posts a plain JSON object to the parent as is (the H5P dialect has no envelope of ours).
pub fn post_raw(v: &Value) {
    if !embedded() {
        return;
    }
    if let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) {
        let _ = parent.post_message(&to_js(v), "*");
    }
}

pub fn post_run_started(run_id: u64, scenario: &str, mode: ViewMode) {
    let mut m = Map::new();
    m.insert("runId".into(), json!(run_id));
    m.insert("scenario".into(), json!(scenario));
    m.insert("mode".into(), json!(mode.as_str()));
    post("runStarted", m);
}

/// `trace` for one program, `traces: {sequential, concurrent}` for a compare run of two.
pub fn traces_fields(traces: &[Trace]) -> Map<String, Value> {
    let mut m = Map::new();
    if traces.len() >= 2 {
        let mut both = Map::new();
        for t in traces {
            both.insert(
                t.mode.as_str().into(),
                serde_json::to_value(t).unwrap_or(Value::Null),
            );
        }
        m.insert("traces".into(), Value::Object(both));
    } else {
        let one = traces.first().and_then(|t| serde_json::to_value(t).ok());
        m.insert("trace".into(), one.unwrap_or(Value::Null));
    }
    m
}

pub fn post_run_finished(run_id: u64, _mode: ViewMode, traces: &[Trace], cancelled: bool) {
    // Serialising a 10,000-task trace is costly: only do it when a host can hear it.
    if !embedded() {
        return;
    }
    let mut m = traces_fields(traces);
    m.insert("runId".into(), json!(run_id));
    m.insert("cancelled".into(), json!(cancelled));
    post("runFinished", m);
}

pub fn post_error(code: &str, message: &str, id: Option<(&Value, &str)>) {
    let mut m = Map::new();
    m.insert("code".into(), json!(code));
    m.insert("message".into(), json!(message));
    match id {
        Some((id, origin)) => {
            m.insert("id".into(), id.clone());
            post_to("error", m, origin);
        }
        None => post("error", m),
    }
}
