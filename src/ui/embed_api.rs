//! The postMessage API v1, inbound: a listener that accepts plain objects from the parent only,
//! validates them (`model::params::parse_message`) and acts, in arrival order. Also `ready`,
//! `state` after any change, and `resize` in embed mode.
use leptos::prelude::*;
use serde_json::{json, Map, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use std::cell::{Cell, RefCell};

use super::embed::{embedded, post, post_height, post_reply, traces_fields};
use super::inbound;
use super::player;
use super::state::{AppState, RunState};
use crate::model::catalog;
use crate::model::params::{self, Change, Inbound, Lang};

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
        // The answer to each load applied since the last `state` (with its id, if it sent one).
        let answers = ANSWERS.with(|a| std::mem::take(&mut *a.borrow_mut()));
        if answers.is_empty() {
            post("state", m.clone());
        }
        for r in answers {
            post_reply("state", m.clone(), &r.origin, &r.id);
        }
    });
    if app.embed.get_untracked() {
        observe_height();
        super::h5p::start();
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

/// Where a reply goes: the asker's origin and its own `id` (raw, `undefined` when it sent none).
#[derive(Clone)]
struct Reply {
    origin: String,
    id: JsValue,
}

thread_local! {
    /// The `load` waiting to be applied (a storm of loads applies only the last one).
    static PENDING: RefCell<Option<(Change, Vec<Reply>)>> = const { RefCell::new(None) };
    /// Applied loads whose answer is the next `state` message.
    static ANSWERS: RefCell<Vec<Reply>> = const { RefCell::new(Vec::new()) };
}

fn on_message(app: AppState, ev: &web_sys::MessageEvent) {
    // A page that is not embedded has no host: it obeys nobody, not even itself.
    if !embedded() {
        return;
    }
    let Some(w) = web_sys::window() else { return };
    let from_parent = match (ev.source(), w.parent().ok().flatten()) {
        (Some(src), Some(parent)) => js_sys::Object::is(&src, &parent),
        _ => false,
    };
    if !from_parent {
        return;
    }
    let data = ev.data();
    if super::h5p::handle(&data) {
        return;
    }
    let Some(obj) = inbound::envelope(&data) else {
        return;
    };
    let reply = Reply {
        origin: ev.origin(),
        id: inbound::raw_id(&obj),
    };
    // From here on, exactly one reply: the answer, or an `error`.
    let m = match inbound::to_json(&obj) {
        Ok(m) => m,
        Err(inbound::Unreadable::TooBig) => return,
        Err(inbound::Unreadable::Bad(why)) => return error(&reply, "bad-message", &why),
    };
    match params::parse_message(&m) {
        Err(e) => error(&reply, e.code, &e.message),
        Ok(Inbound::Load(c)) => defer_load(app, c, reply),
        Ok(msg) => {
            // Messages take effect in arrival order: a waiting load first.
            apply_pending(app);
            act(app, msg, &reply);
        }
    }
}

fn error(reply: &Reply, code: &str, message: &str) {
    let mut m = Map::new();
    m.insert("code".into(), json!(code));
    m.insert("message".into(), json!(message));
    post_reply("error", m, &reply.origin, &reply.id);
}

/// Loads are coalesced: each waits for the next turn of the event loop, and a newer one arriving
/// before then replaces it. Each load's one reply is the `state` message that follows the load
/// applied last (carrying that load's `id`): a replaced load is answered with what the page now
/// shows, in arrival order.
fn defer_load(app: AppState, c: Change, reply: Reply) {
    let first = PENDING.with(|p| {
        let mut p = p.borrow_mut();
        let first = p.is_none();
        let replies = match p.take() {
            Some((_, mut replies)) => {
                replies.push(reply);
                replies
            }
            None => vec![reply],
        };
        *p = Some((c, replies));
        first
    });
    if first {
        after(0, move || apply_pending(app));
    }
}

/// Calls `f` once after `ms`. Its closure frees itself when called: gloo's
/// `Timeout::forget` keeps each one's allocation for ever (issue 16: memory per load).
fn after(ms: u32, f: impl FnOnce() + 'static) {
    if let Some(w) = web_sys::window() {
        let cb = Closure::once_into_js(f);
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms as i32);
    }
}

fn apply_pending(app: AppState) {
    let Some((c, replies)) = PENDING.with(|p| p.borrow_mut().take()) else {
        return;
    };
    app.stop_run();
    ANSWERS.with(|a| a.borrow_mut().extend(replies));
    app.update_settings(|s| *s = c.apply(s));
}

fn act(app: AppState, msg: Inbound, reply: &Reply) {
    let origin = reply.origin.as_str();
    match msg {
        Inbound::Hello => {
            post_ready();
            // A host that listens late has missed the height too: measured now, said again.
            if app.embed.get_untracked() {
                report_height(true);
            }
        }
        Inbound::Load(c) => defer_load(app, c, reply.clone()),
        Inbound::Set(c) => app.update_settings(|s| *s = c.apply(s)),
        Inbound::Run => {
            if app.start_run().is_none() {
                let why = app
                    .built
                    .with_untracked(|b| b.error.as_ref().map(|e| e.to_string()));
                error(
                    reply,
                    "bad-param",
                    &why.unwrap_or_else(|| "nothing to run".into()),
                );
            }
        }
        Inbound::Stop => app.stop_run(),
        Inbound::Step => player::step(app),
        Inbound::Reset => app.reset(),
        Inbound::GetTrace(_) => {
            let traces = app
                .result
                .with_untracked(|r| r.as_ref().map(|r| r.traces.clone()));
            let m = match traces {
                Some(t) => traces_fields(&t),
                None => Map::from_iter([("trace".to_string(), Value::Null)]),
            };
            post_reply("trace", m, origin, &id_or_null(&reply.id));
        }
        Inbound::GetPlan(_) => {
            let m = app.plans.with_untracked(|p| traces_fields(p));
            post_reply("plan", m, origin, &id_or_null(&reply.id));
        }
    }
}

/// `trace` and `plan` always carry `id` (null when the request had none).
fn id_or_null(id: &JsValue) -> JsValue {
    if id.is_undefined() {
        JsValue::NULL
    } else {
        id.clone()
    }
}

thread_local! {
    static LAST_HEIGHT: Cell<f64> = const { Cell::new(-1.0) };
    /// A measure is scheduled (DOM changes are measured at most once per `MEASURE_MS`).
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
}

const MEASURE_MS: u32 = 100;

/// Measures the content and posts its height if it changed (or always, when `force`).
fn report_height(force: bool) {
    let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    // The body's box is the content (the page sets no min-height in embed mode).
    let h = body.get_bounding_client_rect().height().ceil();
    if force || h != LAST_HEIGHT.with(Cell::get) {
        LAST_HEIGHT.with(|c| c.set(h));
        post_height(h);
    }
}

/// Reports the content height to the host whenever it changes (the iframe sizes itself).
/// A ResizeObserver alone is not enough: Chromium runs no rendering steps (so no observer
/// callbacks, no `resize` events) in a cross-origin frame scrolled out of view, and a second
/// frame on a course page, pushed down by the first one's growth, would stay at 150 px. DOM
/// changes are measured from a timer as well, which such a frame still runs.
fn observe_height() {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    else {
        return;
    };
    let _resize = window_event_listener_untyped("resize", move |_| report_height(false));
    let cb = Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| report_height(false));
    if let Ok(ro) = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()) {
        ro.observe(&root);
        // Held for the page's life: an observer nobody references may be collected, and the
        // host would never hear of a later change of height.
        std::mem::forget(ro);
    }
    // Lives as long as the page.
    cb.forget();
    let changed = Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| {
        if !SCHEDULED.with(|s| s.replace(true)) {
            after(MEASURE_MS, || {
                SCHEDULED.with(|s| s.set(false));
                report_height(false);
            });
        }
    });
    if let Ok(mo) = web_sys::MutationObserver::new(changed.as_ref().unchecked_ref()) {
        let opts = web_sys::MutationObserverInit::new();
        opts.set_child_list(true);
        opts.set_subtree(true);
        opts.set_attributes(true);
        opts.set_character_data(true);
        let _ = mo.observe_with_options(&root, &opts);
        std::mem::forget(mo);
    }
    changed.forget();
    report_height(false);
}
