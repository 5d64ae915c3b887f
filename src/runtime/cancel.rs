//! Run generations and stopping. One run is active at a time; starting another supersedes it.
//! Every run gets exactly one `Finished` (a superseded or stopped one with `cancelled: true`),
//! unless it reported `Unsupported`. Ending a run shuts its executor down (every future dropped,
//! every timer cleared, every promise settled, workers terminated) *before* `Finished` goes out,
//! so nothing of it can reach the sink of the next run.
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::exec::Executor;
use super::prog::Prog;
use super::RunUpdate;

pub struct Run {
    pub id: u64,
    pub exec: Rc<Executor>,
    pub progs: Vec<Rc<Prog>>,
    pub sink: Rc<dyn Fn(RunUpdate)>,
    pub hidden: Rc<Cell<bool>>,
    ended: Cell<bool>,
    visibility: RefCell<Option<Closure<dyn FnMut()>>>,
}

thread_local! {
    static ACTIVE: RefCell<Option<Rc<Run>>> = const { RefCell::new(None) };
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
}

pub fn next_id() -> u64 {
    NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

impl Run {
    pub fn new(
        id: u64,
        exec: Rc<Executor>,
        progs: Vec<Rc<Prog>>,
        sink: Rc<dyn Fn(RunUpdate)>,
    ) -> Rc<Run> {
        let hidden = Rc::new(Cell::new(document().map(|d| d.hidden()).unwrap_or(false)));
        let run = Rc::new(Run {
            id,
            exec,
            progs,
            sink,
            hidden: hidden.clone(),
            ended: Cell::new(false),
            visibility: RefCell::new(None),
        });
        // A hidden tab throttles timers: the trace says so (`hidden: true`).
        if let Some(doc) = document() {
            let d2 = doc.clone();
            let cb = Closure::<dyn FnMut()>::new(move || {
                if d2.hidden() {
                    hidden.set(true);
                }
            });
            let _ = doc
                .add_event_listener_with_callback("visibilitychange", cb.as_ref().unchecked_ref());
            *run.visibility.borrow_mut() = Some(cb);
        }
        run
    }

    /// Makes this the active run (call [`supersede`] first).
    pub fn activate(self: &Rc<Self>) {
        ACTIVE.with(|a| *a.borrow_mut() = Some(self.clone()));
    }

    /// Ends the run once: shut everything down, then one `Finished`.
    pub fn end(&self, cancelled: bool) {
        if let Some(traces) = self.teardown() {
            (self.sink)(RunUpdate::Finished { traces, cancelled });
        }
    }

    /// Ends the run with `Unsupported` instead of `Finished`.
    pub fn unsupported(&self, why: String) {
        if self.teardown().is_some() {
            (self.sink)(RunUpdate::Unsupported(why));
        }
    }

    fn teardown(&self) -> Option<Vec<crate::model::trace::Trace>> {
        if self.ended.replace(true) {
            return None;
        }
        let hidden = self.hidden.get() || document().map(|d| d.hidden()).unwrap_or(false);
        let traces = self.progs.iter().map(|p| p.trace(hidden)).collect();
        self.exec.shutdown();
        for p in &self.progs {
            p.shutdown();
        }
        if let (Some(doc), Some(cb)) = (document(), self.visibility.borrow_mut().take()) {
            let _ = doc.remove_event_listener_with_callback(
                "visibilitychange",
                cb.as_ref().unchecked_ref(),
            );
        }
        ACTIVE.with(|a| {
            let mut a = a.borrow_mut();
            if a.as_ref().map(|r| r.id == self.id).unwrap_or(false) {
                *a = None;
            }
        });
        Some(traces)
    }
}

/// Stops the active run, if any, before another starts: it gets `Finished { cancelled: true }`.
pub fn supersede() {
    let prev = ACTIVE.with(|a| a.borrow_mut().take());
    if let Some(prev) = prev {
        prev.end(true);
    }
}

/// Stops run `id` if it is still going (`Finished { cancelled: true }`); otherwise nothing.
pub fn stop(id: u64) {
    let run = ACTIVE.with(|a| a.borrow().clone());
    if let Some(run) = run {
        if run.id == id {
            run.end(true);
        }
    }
}

/// The id of the run going on, if any.
pub fn active_id() -> Option<u64> {
    ACTIVE.with(|a| a.borrow().as_ref().map(|r| r.id))
}
