//! Web Worker lanes: tasks whose `thread` is `worker-N` run in real workers, in parallel with
//! the main thread. One worker per lane, started (and waited for) before the program's t = 0, so
//! start-up is not counted. Each worker first instantiates the same sieve module as the main
//! thread (`sieve.rs`), so cpu pieces are the same code on both sides. Workers come from a `blob:` URL of `static/worker.js`'s text, which
//! also works in a sandboxed iframe; if none can start, the run reports `Unsupported`.
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::model::scenario::{Step, TaskId};
use crate::model::trace::EventKind;
use crate::model::value::Value;

use super::clock;
use super::prog::{Outcome, Prog};

const SCRIPT: &str = include_str!("../../static/worker.js");

pub struct Pool {
    workers: HashMap<String, web_sys::Worker>,
    /// Keeps the message handlers alive as long as the workers.
    _handlers: Vec<Closure<dyn FnMut(web_sys::MessageEvent)>>,
    _error_handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    ready: Rc<Cell<usize>>,
    broken: Rc<Cell<bool>>,
    ready_waker: Rc<RefCell<Option<Waker>>>,
    outcomes: Rc<RefCell<HashMap<TaskId, Outcome>>>,
    waiters: Rc<RefCell<HashMap<TaskId, Waker>>>,
    /// Tasks posted to a worker and not done (nor cancelled) yet.
    in_flight: Rc<Cell<usize>>,
}

fn make_worker() -> Result<web_sys::Worker, String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(SCRIPT));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/javascript");
    let from_blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
        .and_then(|b| web_sys::Url::create_object_url_with_blob(&b))
        .and_then(|url| {
            let w = web_sys::Worker::new(&url);
            // The worker has loaded its own copy: the URL is no longer needed.
            let _ = web_sys::Url::revoke_object_url(&url);
            w
        });
    match from_blob {
        Ok(w) => Ok(w),
        Err(_) => web_sys::Worker::new("./worker.js")
            .map_err(|_| "Web Workers cannot start on this page (blocked by the browser or the embedding page), so this scenario cannot run here.".to_string()),
    }
}

fn get_f64(o: &JsValue, k: &str) -> Option<f64> {
    js_sys::Reflect::get(o, &JsValue::from_str(k))
        .ok()
        .and_then(|v| v.as_f64())
}

fn get_str(o: &JsValue, k: &str) -> Option<String> {
    js_sys::Reflect::get(o, &JsValue::from_str(k))
        .ok()
        .and_then(|v| v.as_string())
}

impl Pool {
    /// Starts one worker per lane of `p`; `Err` with words for the user if workers are blocked.
    pub fn start(p: &Rc<Prog>) -> Result<Rc<Pool>, String> {
        let mut names: Vec<String> = p.sc.tasks.iter().filter_map(|d| d.thread.clone()).collect();
        names.sort();
        names.dedup();
        // The largest computation a lane will run: the worker warms its sieve up with it.
        let warm =
            p.sc.tasks
                .iter()
                .filter(|d| d.thread.is_some())
                .flat_map(|d| d.body.iter())
                .filter_map(|s| match s {
                    Step::Cpu { work, .. } => Some(*work),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
        let ready = Rc::new(Cell::new(0));
        let broken = Rc::new(Cell::new(false));
        let ready_waker: Rc<RefCell<Option<Waker>>> = Rc::new(RefCell::new(None));
        let outcomes: Rc<RefCell<HashMap<TaskId, Outcome>>> = Rc::new(RefCell::new(HashMap::new()));
        let waiters: Rc<RefCell<HashMap<TaskId, Waker>>> = Rc::new(RefCell::new(HashMap::new()));
        let in_flight = Rc::new(Cell::new(0usize));
        let mut workers = HashMap::new();
        let mut handlers = Vec::new();
        let mut error_handlers = Vec::new();
        for name in names {
            let w = match make_worker() {
                Ok(w) => w,
                Err(e) => {
                    for w in workers.values() {
                        web_sys::Worker::terminate(w);
                    }
                    return Err(e);
                }
            };
            let on_msg = {
                let weak: Weak<Prog> = Rc::downgrade(p);
                let ready = ready.clone();
                let ready_waker = ready_waker.clone();
                let outcomes = outcomes.clone();
                let waiters = waiters.clone();
                let in_flight = in_flight.clone();
                let broken = broken.clone();
                Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                    let m = e.data();
                    match get_str(&m, "type").as_deref() {
                        Some("ready") => {
                            ready.set(ready.get() + 1);
                            if let Some(w) = ready_waker.borrow_mut().take() {
                                w.wake();
                            }
                        }
                        Some("broken") => {
                            broken.set(true);
                            if let Some(w) = ready_waker.borrow_mut().take() {
                                w.wake();
                            }
                        }
                        Some("ev") => {
                            if let Some(p) = weak.upgrade() {
                                on_event(&p, &m);
                            }
                        }
                        Some("done") => {
                            let Some(p) = weak.upgrade() else { return };
                            let Some(task) = get_f64(&m, "task").map(|t| t as TaskId) else {
                                return;
                            };
                            if let Some(ideal) = get_f64(&m, "ideal") {
                                let ideal = ideal.max(0.0) as u64;
                                if ideal > p.ideal_now.get() {
                                    p.ideal_now.set(ideal);
                                }
                            }
                            let value = p.result(task);
                            let t = to_scenario(&p, get_f64(&m, "t"));
                            p.emit_at(
                                t,
                                task,
                                EventKind::End {
                                    value: value.as_ref().map(Value::to_json),
                                },
                            );
                            outcomes.borrow_mut().insert(task, Outcome::Ok(value));
                            in_flight.set(in_flight.get().saturating_sub(1));
                            if let Some(w) = waiters.borrow_mut().remove(&task) {
                                w.wake();
                            }
                            p.poke_idle();
                        }
                        _ => {}
                    }
                })
            };
            let on_err = {
                let broken = broken.clone();
                let ready_waker = ready_waker.clone();
                Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                    e.prevent_default();
                    broken.set(true);
                    if let Some(w) = ready_waker.borrow_mut().take() {
                        w.wake();
                    }
                })
            };
            w.set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
            w.set_onerror(Some(on_err.as_ref().unchecked_ref()));
            let init = js_sys::Object::new();
            set(&init, "type", &"init".into());
            set(
                &init,
                "sieve",
                &js_sys::Uint8Array::from(super::sieve::BYTES).into(),
            );
            set(&init, "warm", &(warm as f64).into());
            set(&init, "warmMs", &super::cpu::WARM_MS.into());
            if w.post_message(&init).is_err() {
                broken.set(true);
            }
            handlers.push(on_msg);
            error_handlers.push(on_err);
            workers.insert(name, w);
        }
        Ok(Rc::new(Pool {
            workers,
            _handlers: handlers,
            _error_handlers: error_handlers,
            ready,
            broken,
            ready_waker,
            outcomes,
            waiters,
            in_flight,
        }))
    }

    /// Resolves when every worker said it is ready (`Err` if one failed to load).
    pub fn ready(self: &Rc<Self>) -> ReadyFut {
        ReadyFut { pool: self.clone() }
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.get()
    }

    pub fn cancel(&self, task: TaskId) {
        let msg = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&msg, &"type".into(), &"cancel".into());
        let _ = js_sys::Reflect::set(&msg, &"task".into(), &JsValue::from(task as f64));
        for w in self.workers.values() {
            let _ = w.post_message(&msg);
        }
        if self.waiters.borrow_mut().remove(&task).is_some() {
            self.in_flight.set(self.in_flight.get().saturating_sub(1));
        }
    }

    pub fn terminate(&self) {
        for w in self.workers.values() {
            w.set_onmessage(None);
            w.set_onerror(None);
            w.terminate();
        }
    }
}

pub struct ReadyFut {
    pool: Rc<Pool>,
}

impl Future for ReadyFut {
    type Output = Result<(), String>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let p = &self.pool;
        if p.broken.get() {
            return Poll::Ready(Err(
                "A Web Worker failed to start on this page, so this scenario cannot run here."
                    .to_string(),
            ));
        }
        if p.ready.get() >= p.workers.len() {
            return Poll::Ready(Ok(()));
        }
        *p.ready_waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// A worker's absolute time as the program's scenario ms.
fn to_scenario(p: &Prog, abs: Option<f64>) -> f64 {
    match abs {
        Some(a) => p.clock.get().scenario_ms(a - clock::time_origin()),
        None => p.clock.get().t(),
    }
}

fn on_event(p: &Rc<Prog>, m: &JsValue) {
    let Some(task) = get_f64(m, "task").map(|t| t as TaskId) else {
        return;
    };
    if task >= p.sc.tasks.len() {
        return;
    }
    let t = to_scenario(p, get_f64(m, "t"));
    let ms = get_f64(m, "ms").unwrap_or(0.0).max(0.0) as u64;
    let kind = match get_str(m, "kind").as_deref() {
        Some("start") => {
            p.mark_started(task);
            EventKind::Start
        }
        Some("print") => EventKind::Print {
            text: get_str(m, "text").unwrap_or_default(),
            queue: None,
            stream: None,
        },
        Some("sleep") => EventKind::Sleep { ms },
        Some("wake") => EventKind::Wake,
        Some("block") => EventKind::Block { ms },
        Some("unblock") => EventKind::Unblock,
        _ => return,
    };
    p.emit_at(t, task, kind);
}

fn set(o: &js_sys::Object, k: &str, v: &JsValue) {
    let _ = js_sys::Reflect::set(o, &JsValue::from_str(k), v);
}

/// Runs worker-thread task `t`: its steps go to its lane's worker; this waits for `done`.
pub async fn run_task(p: &Rc<Prog>, t: TaskId) -> Outcome {
    let pool = p.workers.borrow().clone();
    let lane = p.sc.tasks.get(t).and_then(|d| d.thread.clone());
    let (Some(pool), Some(lane)) = (pool, lane) else {
        return unsupported_step(p, t, "worker lanes are not available");
    };
    let Some(worker) = pool.workers.get(&lane) else {
        return unsupported_step(p, t, "unknown worker lane");
    };
    let steps = js_sys::Array::new();
    let mut register: Option<Value> = None;
    let body =
        p.sc.tasks
            .get(t)
            .map(|d| d.body.clone())
            .unwrap_or_default();
    for step in &body {
        let s = js_sys::Object::new();
        match step {
            Step::Print(text) => {
                p.set_result(t, register.clone());
                set(&s, "op", &"print".into());
                set(&s, "text", &super::interp::format_text(p, t, text).into());
            }
            Step::Sleep(ms) => {
                set(&s, "op", &"sleep".into());
                set(&s, "ms", &(*ms as f64).into());
            }
            Step::Block(ms) => {
                set(&s, "op", &"block".into());
                set(&s, "ms", &(*ms as f64).into());
            }
            Step::Cpu { work, estimate_ms } => {
                set(&s, "op", &"cpu".into());
                set(&s, "ms", &(*estimate_ms as f64).into());
                set(&s, "work", &(*work as f64).into());
                let reps = super::cpu::reps(p, *work, *estimate_ms);
                set(&s, "reps", &(reps as f64).into());
            }
            Step::Return(v) => {
                register = Some(v.clone());
                continue;
            }
            _ => return unsupported_step(p, t, "only print, sleep, block and cpu run on a worker"),
        }
        steps.push(&s);
    }
    p.set_result(t, register);
    let msg = js_sys::Object::new();
    set(&msg, "type", &"run".into());
    set(&msg, "task", &(t as f64).into());
    let c = p.clock.get();
    set(&msg, "base", &(clock::time_origin() + c.t0).into());
    set(&msg, "speed", &c.speed.into());
    set(&msg, "ideal", &(p.ideal_now.get() as f64).into());
    set(&msg, "steps", &steps);
    if worker.post_message(&msg).is_err() {
        return unsupported_step(p, t, "the worker did not accept the task");
    }
    pool.in_flight.set(pool.in_flight.get() + 1);
    Done { pool, task: t }.await
}

fn unsupported_step(p: &Prog, t: TaskId, why: &str) -> Outcome {
    p.emit(
        t,
        EventKind::Fail {
            error: why.to_string(),
        },
    );
    Outcome::Failed(why.to_string())
}

struct Done {
    pool: Rc<Pool>,
    task: TaskId,
}

impl Future for Done {
    type Output = Outcome;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome> {
        if let Some(o) = self.pool.outcomes.borrow_mut().remove(&self.task) {
            return Poll::Ready(o);
        }
        self.pool
            .waiters
            .borrow_mut()
            .insert(self.task, cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for Done {
    fn drop(&mut self) {
        // Dropped before `done` (cancelled or stopped): the worker stops at its next step.
        if let Ok(w) = self.pool.waiters.try_borrow() {
            if w.contains_key(&self.task) {
                drop(w);
                self.pool.cancel(self.task);
            }
        }
    }
}
