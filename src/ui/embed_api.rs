//! The postMessage API v1, inbound: a listener that accepts plain objects from the parent only,
//! validates them (`model::params::parse_message`) and acts, in arrival order. Also `ready`,
//! `state` after any change, and `resize` in embed mode.
use leptos::prelude::*;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::embed::{post, post_error, post_to, traces_fields};
use super::player;
use super::state::{AppState, RunState};
use crate::model::catalog;
use crate::model::params::{self, Inbound, Lang};

const MAX_BYTES: u32 = 64 * 1024;

pub fn install(app: AppState) {
    let _listener = window_event_listener_untyped("message", move |ev| {
        if let Ok(ev) = ev.dyn_into::<web_sys::MessageEvent>() {
            on_message(app, &ev);
        }
    });
    post_ready();
    // `state` after any change of what the host can see.
    Effect::new(move |_| {
        let s = app.settings.get();
        let running = matches!(app.run_state.get(), RunState::Running | RunState::Paused);
        let mut m = Map::new();
        m.insert("scenario".into(), json!(s.scenario));
        m.insert("mode".into(), json!(s.mode.as_str()));
        m.insert("lang".into(), json!(s.lang.as_str()));
        m.insert("speed".into(), json!(s.speed));
        m.insert("running".into(), json!(running));
        post("state", m);
    });
    if app.embed.get_untracked() {
        observe_height();
    }
}

fn post_ready() {
    let mut m = Map::new();
    m.insert("scenarios".into(), json!(catalog::IDS));
    m.insert(
        "langs".into(),
        json!(Lang::ALL.iter().map(|l| l.as_str()).collect::<Vec<_>>()),
    );
    post("ready", m);
}

/// The message as JSON, if it is a plain object (no class instance, array or cycle) under 64 KiB.
fn plain_json(data: &JsValue) -> Option<Map<String, Value>> {
    if !data.is_object() || js_sys::Array::is_array(data) {
        return None;
    }
    let proto = js_sys::Object::get_prototype_of(data);
    let plain = proto.is_null()
        || js_sys::Object::is(
            &proto,
            &js_sys::Object::get_prototype_of(&js_sys::Object::new()),
        );
    if !plain {
        return None;
    }
    let text = js_sys::JSON::stringify(data).ok()?;
    if text.length() > MAX_BYTES {
        return None;
    }
    serde_json::from_str(&String::from(text)).ok()
}

fn on_message(app: AppState, ev: &web_sys::MessageEvent) {
    let Some(w) = web_sys::window() else { return };
    let from_parent = match (ev.source(), w.parent().ok().flatten()) {
        (Some(src), Some(parent)) => js_sys::Object::is(&src, &parent),
        _ => false,
    };
    if !from_parent {
        return;
    }
    let Some(m) = plain_json(&ev.data()) else {
        return;
    };
    if m.get("source") != Some(&json!("async-playground")) || m.get("version") != Some(&json!(1)) {
        return;
    }
    let origin = ev.origin();
    let id = m.get("id").cloned();
    match params::parse_message(&m) {
        Err(e) => post_error(
            e.code,
            &e.message,
            id.as_ref().map(|i| (i, origin.as_str())),
        ),
        Ok(msg) => act(app, msg, &origin),
    }
}

fn act(app: AppState, msg: Inbound, origin: &str) {
    match msg {
        Inbound::Hello => post_ready(),
        Inbound::Load(c) => {
            app.stop_run();
            app.update_settings(|s| *s = c.apply(s));
        }
        Inbound::Set(c) => app.update_settings(|s| *s = c.apply(s)),
        Inbound::Run => {
            if app.start_run().is_none() {
                let why = app
                    .built
                    .with_untracked(|b| b.error.as_ref().map(|e| e.to_string()));
                post_error(
                    "bad-param",
                    &why.unwrap_or_else(|| "nothing to run".into()),
                    None,
                );
            }
        }
        Inbound::Stop => app.stop_run(),
        Inbound::Step => player::step(app),
        Inbound::Reset => app.reset(),
        Inbound::GetTrace(id) => {
            let traces = app
                .result
                .with_untracked(|r| r.as_ref().map(|r| r.traces.clone()));
            let mut m = match traces {
                Some(t) => traces_fields(&t),
                None => Map::from_iter([("trace".to_string(), Value::Null)]),
            };
            m.insert("id".into(), id);
            post_to("trace", m, origin);
        }
        Inbound::GetPlan(id) => {
            let mut m = app.plans.with_untracked(|p| traces_fields(p));
            m.insert("id".into(), id);
            post_to("plan", m, origin);
        }
    }
}

/// Reports the content height to the host whenever it changes (the iframe sizes itself).
fn observe_height() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(root) = doc.body() else { return };
    let last = std::cell::Cell::new(-1.0f64);
    let measure = root.clone();
    let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |_entries: js_sys::Array| {
        // The body's box is the content (the page sets no min-height in embed mode).
        let h = measure.get_bounding_client_rect().height().ceil();
        if h != last.get() {
            last.set(h);
            post("resize", Map::from_iter([("height".to_string(), json!(h))]));
        }
    });
    if let Ok(ro) = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()) {
        ro.observe(&root);
    }
    // Lives as long as the page.
    cb.forget();
}
