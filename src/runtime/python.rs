//! The bridge to the Pyodide worker (`static/py/worker.js`, protocol in `static/py/PROTOCOL.md`):
//! real CPython runs the programs the editor's subset does not accept. The worker is a module
//! worker started from a `blob:` URL that imports the same-origin `py/worker.js` (so it also starts
//! in a sandboxed iframe whose files are CORS-served); it is kept warm between runs and
//! terminated on Stop, a new run, a scenario switch, or when a run outlives its time limit (so
//! `while True: pass` never holds the page: the page only ever waits on messages).
//!
//! Everything the worker sends is untrusted: each message is checked by `model::pyproto` (shape,
//! types, bounds); a bad one stops the run with words, never a panic.
use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::RunUpdate;
use crate::model::pyproto::{self, Msg, Stream};
use crate::model::trace::{Clock, Loop, Mode, TaskInfo, Trace, FORMAT, VERSION};

/// Scenario-time limit of one run (PYPROTO.md).
pub const LIMIT_MS: f64 = 60_000.0;
/// Real time a run may take beyond `LIMIT_MS / speed` (its virtual run, busy code) before the
/// page terminates the worker.
const SLACK_MS: f64 = 20_000.0;

/// What the page shows of the download and start of Python.
#[derive(Clone, Debug, PartialEq)]
pub enum Load {
    Idle,
    Loading {
        what: String,
        loaded: f64,
        total: f64,
    },
    Ready,
    Failed(String),
}

/// Why a run of a program stopped before its end, in words (or CPython's own words).
#[derive(Clone, Debug, PartialEq)]
pub struct PyError {
    /// `syntax`, `unsupported`, `limit`, `internal`, `invalid` (a bad message), `worker`.
    pub kind: String,
    pub message: String,
    pub line: Option<usize>,
    pub col: Option<usize>,
    /// Which refusal or limit (`threading`, `time`, `watchdog`, …), so the page words it in its
    /// language; `None`: `message` is shown as it is (CPython's own words, a bad message).
    pub what: Option<String>,
}

/// What a run tells the page besides the `RunUpdate`s of the usual sink.
pub struct Hooks {
    pub load: Rc<dyn Fn(Load)>,
    /// Program `p`'s tasks so far (called when new ones appear) and its ideal trace.
    pub tasks: Rc<dyn Fn(usize, Vec<TaskInfo>)>,
    pub ideal: Rc<dyn Fn(usize, Trace)>,
    /// Compare mode: the program's analysis said whether it has concurrency (the modes run).
    pub modes: Rc<dyn Fn(Vec<Mode>)>,
    pub error: Rc<dyn Fn(PyError)>,
    pub sink: Rc<dyn Fn(RunUpdate)>,
}

struct Active {
    rid: u64,
    src: String,
    speed: f64,
    /// The modes to run, one after the other; `None` until the analysis decided (compare).
    modes: Option<Vec<Mode>>,
    current: usize,
    stream: Stream,
    traces: Vec<Trace>,
    hooks: Rc<Hooks>,
    watchdog: Option<i32>,
    _timer: Option<Closure<dyn FnMut()>>,
}

/// Hears the answer of `check`.
type Checked = Rc<dyn Fn(Option<PyError>)>;

struct Bridge {
    worker: web_sys::Worker,
    booted: bool,
    load: Option<Rc<dyn Fn(Load)>>,
    run: Option<Active>,
    /// An analysis asked for by Apply: its id, the program, and who hears the answer.
    check: Option<(u64, String, Checked)>,
    _on_msg: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_err: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static BRIDGE: RefCell<Option<Bridge>> = const { RefCell::new(None) };
    static NEXT: std::cell::Cell<u64> = const { std::cell::Cell::new(1) };
    static GRAVE: RefCell<Vec<Box<dyn std::any::Any>>> = const { RefCell::new(Vec::new()) };
}

/// Drops `x` (a callback's `Closure`) after the current callback returns: a handler may end the
/// worker it is running for.
fn bury(x: impl std::any::Any) {
    GRAVE.with(|g| g.borrow_mut().push(Box::new(x)));
    wasm_bindgen_futures::spawn_local(async {
        GRAVE.with(|g| g.borrow_mut().clear());
    });
}

fn base_url(path: &str) -> Result<String, String> {
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let base = doc.base_uri().ok().flatten().ok_or("no base URL")?;
    web_sys::Url::new_with_base(path, &base)
        .map(|u| u.href())
        .map_err(|_| "bad base URL".to_string())
}

fn make_worker() -> Result<web_sys::Worker, String> {
    let url = base_url("py/worker.js")?;
    let src = format!("import {};", serde_json::Value::String(url));
    let parts = js_sys::Array::of1(&JsValue::from_str(&src));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/javascript");
    let wopts = web_sys::WorkerOptions::new();
    wopts.set_type(web_sys::WorkerType::Module);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
        .and_then(|b| web_sys::Url::create_object_url_with_blob(&b))
        .and_then(|u| {
            let w = web_sys::Worker::new_with_options(&u, &wopts);
            let _ = web_sys::Url::revoke_object_url(&u);
            w
        })
        .map_err(|_| "Python cannot start on this page: Web Workers are blocked here.".to_string())
}

fn post(w: &web_sys::Worker, msg: &serde_json::Value) {
    if let Ok(v) = serde_wasm_bindgen_like(msg) {
        let _ = w.post_message(&v);
    }
}

/// A plain object from JSON (structured clone of plain data).
fn serde_wasm_bindgen_like(v: &serde_json::Value) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&v.to_string())
}

fn ensure() -> Result<(), String> {
    if BRIDGE.with(|b| b.borrow().is_some()) {
        return Ok(());
    }
    let worker = make_worker()?;
    let on_msg = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|e: web_sys::MessageEvent| {
        let data = e.data();
        let text = match data.as_string() {
            Some(s) => s,
            None => js_sys::JSON::stringify(&data)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_default(),
        };
        on_message(&text);
    });
    let on_err = Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| {
        e.prevent_default();
        fail(PyError {
            kind: "worker".into(),
            message: "Python could not start (its files did not load).".into(),
            line: None,
            col: None,
            what: Some("boot".into()),
        });
    });
    worker.set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_err.as_ref().unchecked_ref()));
    let base = base_url("pyodide/")?;
    post(&worker, &serde_json::json!({"type": "boot", "base": base}));
    BRIDGE.with(|b| {
        *b.borrow_mut() = Some(Bridge {
            worker,
            booted: false,
            load: None,
            run: None,
            check: None,
            _on_msg: on_msg,
            _on_err: on_err,
        })
    });
    Ok(())
}

/// Starts loading Python (idempotent; a user gesture or a run calls it, never page load).
pub fn boot(load: Rc<dyn Fn(Load)>) {
    if let Err(why) = ensure() {
        load(Load::Failed(why));
        return;
    }
    let ready = BRIDGE.with(|b| {
        let mut b = b.borrow_mut();
        let Some(br) = b.as_mut() else { return false };
        br.load = Some(load.clone());
        br.booted
    });
    load(if ready {
        Load::Ready
    } else {
        Load::Loading {
            what: String::new(),
            loaded: 0.0,
            total: 0.0,
        }
    });
}

/// Asks CPython whether `src` parses and runs here (boots Python first); `done` hears `None`, or
/// CPython's syntax error / what a browser cannot run.
pub fn check(src: String, load: Rc<dyn Fn(Load)>, done: Checked) {
    boot(load);
    let id = NEXT.with(|n| {
        let v = n.get();
        n.set(v + 1);
        v
    });
    BRIDGE.with(|b| {
        let mut b = b.borrow_mut();
        let Some(br) = b.as_mut() else { return };
        br.check = Some((id, src, done));
        if br.booted {
            send_check(br);
        }
    });
}

fn send_check(br: &Bridge) {
    if let Some((id, src, _)) = &br.check {
        post(
            &br.worker,
            &serde_json::json!({"type": "analyze", "id": id, "src": src}),
        );
    }
}

/// Terminates the worker (a run in progress ends cancelled). The next run starts a new one.
pub fn terminate() {
    let gone = BRIDGE.with(|b| b.borrow_mut().take());
    if let Some(br) = gone {
        br.worker.terminate();
        let Bridge {
            booted,
            load,
            run,
            _on_msg,
            _on_err,
            ..
        } = br;
        bury((_on_msg, _on_err));
        if let Some(r) = run {
            finish(r, true);
        }
        if let Some(l) = load {
            if !booted {
                l(Load::Idle);
            }
        }
    }
}

/// Whether run `rid` is still going.
pub fn is_running(rid: u64) -> bool {
    BRIDGE.with(|b| {
        b.borrow()
            .as_ref()
            .and_then(|br| br.run.as_ref())
            .is_some_and(|r| r.rid == rid)
    })
}

/// Runs `src` on CPython: `modes` in order (one after the other), or, with `None`, the modes
/// compare mode asks for (sequential then as written when the program has concurrency).
pub fn start(src: String, modes: Option<Vec<Mode>>, speed: f64, hooks: Hooks) -> u64 {
    terminate_run_only();
    let rid = NEXT.with(|n| {
        let v = n.get();
        n.set(v + 1);
        v
    });
    let hooks = Rc::new(hooks);
    if let Err(why) = ensure() {
        (hooks.sink)(RunUpdate::Unsupported(why));
        return rid;
    }
    (hooks.load)(Load::Loading {
        what: String::new(),
        loaded: 0.0,
        total: 0.0,
    });
    BRIDGE.with(|b| {
        let mut b = b.borrow_mut();
        let Some(br) = b.as_mut() else { return };
        br.load = Some(hooks.load.clone());
        br.run = Some(Active {
            rid,
            src,
            speed,
            modes,
            current: 0,
            stream: Stream::default(),
            traces: Vec::new(),
            hooks,
            watchdog: None,
            _timer: None,
        });
        if br.booted {
            (br.run
                .as_ref()
                .map(|r| r.hooks.load.clone())
                .unwrap_or_else(|| Rc::new(|_| {})))(Load::Ready);
            kick(br);
        }
    });
    rid
}

/// A run still going in a warm worker: its worker is terminated (CPython cannot be interrupted
/// from outside), so the next run starts from a fresh one.
fn terminate_run_only() {
    let busy = BRIDGE.with(|b| b.borrow().as_ref().is_some_and(|br| br.run.is_some()));
    if busy {
        terminate();
    }
}

/// Sends what the active run needs next: its analysis (compare), or the run of its current mode.
fn kick(br: &mut Bridge) {
    let Some(r) = br.run.as_mut() else { return };
    match &r.modes {
        None => post(
            &br.worker,
            &serde_json::json!({"type": "analyze", "id": r.rid, "src": r.src}),
        ),
        Some(modes) => {
            let Some(m) = modes.get(r.current) else {
                return;
            };
            let variant = match m {
                Mode::Sequential => "sequential",
                Mode::Concurrent => "as-written",
            };
            r.stream = Stream::default();
            arm(r);
            post(
                &br.worker,
                &serde_json::json!({"type": "run", "id": r.rid, "src": r.src, "variant": variant,
                    "speed": r.speed, "limit_ms": LIMIT_MS}),
            );
        }
    }
}

/// (Re)starts the page's own limit on the run now posted: its 60 s of scenario time, plus slack,
/// in real time (Python's start-up is not counted: it happens before the run is posted).
fn arm(r: &mut Active) {
    let Some(w) = web_sys::window() else { return };
    if let Some(id) = r.watchdog.take() {
        w.clear_timeout_with_handle(id);
    }
    if let Some(old) = r._timer.take() {
        bury(old);
    }
    let rid = r.rid;
    let timer = Closure::<dyn FnMut()>::new(move || {
        if is_running(rid) {
            fail(PyError {
                kind: "limit".into(),
                message: "the program ran past the 60 s limit".into(),
                line: None,
                col: None,
                what: Some("watchdog".into()),
            });
        }
    });
    let real_limit = LIMIT_MS / r.speed.max(0.01) + SLACK_MS;
    r.watchdog = w
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            timer.as_ref().unchecked_ref(),
            real_limit.min(2_000_000_000.0) as i32,
        )
        .ok();
    r._timer = Some(timer);
}

fn partial(r: &Active, mode: Mode) -> Trace {
    let total = r.stream.events.last().map_or(0.0, |e| e.t);
    Trace {
        format: FORMAT.into(),
        version: VERSION,
        scenario: "custom".into(),
        mode,
        params: serde_json::Map::new(),
        event_loop: Loop::Asyncio,
        clock: Clock::Browser,
        speed: r.speed,
        hidden: false,
        total_ms: total,
        tasks: r.stream.tasks.clone(),
        events: r.stream.events.clone(),
    }
}

fn finish(mut r: Active, cancelled: bool) {
    if let (Some(id), Some(w)) = (r.watchdog.take(), web_sys::window()) {
        w.clear_timeout_with_handle(id);
    }
    bury(r._timer.take());
    if cancelled {
        if let Some(m) = r.modes.as_ref().and_then(|m| m.get(r.current)).copied() {
            if r.traces.len() == r.current {
                let t = partial(&r, m);
                r.traces.push(t);
            }
        }
    }
    (r.hooks.sink)(RunUpdate::Finished {
        traces: r.traces,
        cancelled,
    });
}

/// Stops the active run with `err` and terminates the worker.
fn fail(err: PyError) {
    let run = BRIDGE.with(|b| b.borrow_mut().as_mut().and_then(|br| br.run.take()));
    let load = BRIDGE.with(|b| b.borrow().as_ref().and_then(|br| br.load.clone()));
    let booted = BRIDGE.with(|b| b.borrow().as_ref().is_some_and(|br| br.booted));
    let not_started = (err.kind == "worker" && !booted).then(|| err.message.clone());
    if let Some(r) = run {
        (r.hooks.error)(err);
        finish(r, true);
    }
    terminate();
    // After `terminate`, which clears an unfinished load (a Stop while loading shows no bar).
    if let (Some(why), Some(l)) = (not_started, &load) {
        l(Load::Failed(why));
    }
}

fn on_message(text: &str) {
    let msg = match pyproto::parse(text) {
        Ok(m) => m,
        Err(e) => {
            return fail(PyError {
                kind: "invalid".into(),
                message: e.to_string(),
                line: None,
                col: None,
                what: Some("invalid".into()),
            })
        }
    };
    // What to do once the bridge is no longer borrowed (hooks may start or stop runs).
    let mut later: Vec<Box<dyn FnOnce()>> = Vec::new();
    let mut failure: Option<PyError> = None;
    let mut ended: Option<Active> = None;
    BRIDGE.with(|b| {
        let mut b = b.borrow_mut();
        let Some(br) = b.as_mut() else { return };
        let rid = br.run.as_ref().map(|r| r.rid);
        let mine = |id: u64| Some(id) == rid;
        let check_id = br.check.as_ref().map(|c| c.0);
        let answer = match &msg {
            Msg::Analysis {
                id, unsupported, ..
            } if Some(*id) == check_id => Some(
                unsupported
                    .iter()
                    .find(|u| u.what != "files" && u.what != "input")
                    .map(|u| PyError {
                        kind: "unsupported".into(),
                        message: u.message.clone(),
                        line: Some(u.line),
                        col: Some(u.col),
                        what: Some(u.what.clone()),
                    }),
            ),
            Msg::SyntaxError {
                id,
                message,
                line,
                col,
            } if Some(*id) == check_id => Some(Some(PyError {
                kind: "syntax".into(),
                message: message.clone(),
                line: Some(*line),
                col: Some(*col),
                what: None,
            })),
            _ => None,
        };
        if let Some(a) = answer {
            if let Some((_, _, done)) = br.check.take() {
                later.push(Box::new(move || done(a)));
            }
            return;
        }
        match msg {
            Msg::Progress {
                what,
                loaded,
                total,
            } => {
                if let Some(l) = br.load.clone() {
                    later.push(Box::new(move || {
                        l(Load::Loading {
                            what,
                            loaded,
                            total,
                        })
                    }));
                }
            }
            Msg::Booted { .. } => {
                br.booted = true;
                if let Some(l) = br.load.clone() {
                    later.push(Box::new(move || l(Load::Ready)));
                }
                send_check(br);
                kick(br);
            }
            Msg::Analysis {
                id,
                has_concurrency,
                unsupported,
            } if mine(id) => {
                let Some(r) = br.run.as_mut() else { return };
                if let Some(u) = unsupported
                    .iter()
                    .find(|u| u.what != "files" && u.what != "input")
                {
                    failure = Some(PyError {
                        kind: "unsupported".into(),
                        message: u.message.clone(),
                        line: Some(u.line),
                        col: Some(u.col),
                        what: Some(u.what.clone()),
                    });
                    return;
                }
                let modes = if has_concurrency {
                    vec![Mode::Sequential, Mode::Concurrent]
                } else {
                    vec![Mode::Concurrent]
                };
                r.modes = Some(modes.clone());
                let h = r.hooks.modes.clone();
                later.push(Box::new(move || h(modes)));
                kick(br);
            }
            Msg::SyntaxError {
                id,
                message,
                line,
                col,
            } if mine(id) => {
                failure = Some(PyError {
                    kind: "syntax".into(),
                    message,
                    line: Some(line),
                    col: Some(col),
                    what: None,
                });
            }
            Msg::Ideal { id, trace } if mine(id) => {
                let Some(r) = br.run.as_ref() else { return };
                let (h, t, p) = (r.hooks.clone(), trace, r.current);
                later.push(Box::new(move || {
                    (h.tasks)(p, t.tasks.clone());
                    (h.ideal)(p, t)
                }));
            }
            Msg::Events { id, tasks, events } if mine(id) => {
                let Some(r) = br.run.as_mut() else { return };
                let grew = !tasks.is_empty();
                let evs = events.clone();
                if let Err(e) = r.stream.push(tasks, events) {
                    failure = Some(PyError {
                        kind: "invalid".into(),
                        message: e.to_string(),
                        line: None,
                        col: None,
                        what: Some("invalid".into()),
                    });
                    return;
                }
                let (h, p) = (r.hooks.clone(), r.current);
                let all = grew.then(|| r.stream.tasks.clone());
                later.push(Box::new(move || {
                    if let Some(all) = all {
                        (h.tasks)(p, all);
                    }
                    for event in evs {
                        (h.sink)(RunUpdate::Event { program: p, event });
                    }
                }));
            }
            Msg::Done { id, trace } if mine(id) => {
                let Some(r) = br.run.as_mut() else { return };
                let (h, p) = (r.hooks.clone(), r.current);
                // Events the stream did not carry (a run shorter than one batch) reach the live
                // view from the trace.
                let have = r.stream.events.len();
                let rest: Vec<_> = trace.events.iter().skip(have).cloned().collect();
                let tasks = trace.tasks.clone();
                later.push(Box::new(move || {
                    (h.tasks)(p, tasks);
                    for event in rest {
                        (h.sink)(RunUpdate::Event { program: p, event });
                    }
                }));
                r.traces.push(trace);
                r.current += 1;
                let more = r.modes.as_ref().is_some_and(|m| r.current < m.len());
                if more {
                    kick(br);
                } else {
                    ended = br.run.take();
                }
            }
            // Pyodide did not load: whichever request asked for it, Python cannot start.
            Msg::Error {
                what: Some(ref w),
                ref message,
                ..
            } if w == "boot" && !br.booted => {
                failure = Some(PyError {
                    kind: "worker".into(),
                    message: message.clone(),
                    line: None,
                    col: None,
                    what: Some("boot".into()),
                });
            }
            Msg::Error {
                id,
                kind,
                message,
                line,
                col,
                what,
                trace,
            } if mine(id) => {
                // Past the time limit in the ideal run: found before any real waiting, so
                // nothing ran for real (as the subset refuses a program planned past it).
                let ideal = trace.is_some_and(|t| t.clock == Clock::Ideal);
                let what = match what.as_deref() {
                    Some("time") if ideal => Some("time-ideal".to_string()),
                    _ => what,
                };
                failure = Some(PyError {
                    kind,
                    message,
                    line,
                    col,
                    what,
                });
            }
            // Replies to a run that is no longer the page's: ignored.
            _ => {}
        }
    });
    for f in later {
        f();
    }
    if let Some(r) = ended {
        finish(r, false);
    }
    if let Some(err) = failure {
        // Syntax and unsupported errors leave Python healthy: keep the worker warm.
        if err.kind == "syntax" || err.kind == "unsupported" {
            let run = BRIDGE.with(|b| b.borrow_mut().as_mut().and_then(|br| br.run.take()));
            if let Some(r) = run {
                (r.hooks.error)(err);
                finish(r, true);
            }
        } else {
            fail(err);
        }
    }
}
