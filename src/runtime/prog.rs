//! One program of a run: its task table, semaphores, ideal clock, timers and recorded events.
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::task::Waker;

use crate::model::scenario::{CodeLang, Scenario, TaskId};
use crate::model::trace::{Clock, Event, EventKind, Loop, TaskInfo, Trace};
use crate::model::value::Value;

use super::clock::{self, RunClock};
use super::exec::Executor;
use super::sem::Semaphore;
use super::sleep::{JsHost, Timers};
use super::timer::TimerQueue;
use super::RunUpdate;

/// How a task ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Ok(Option<Value>),
    Failed(String),
    Cancelled,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Never started (a lazy coroutine not awaited yet).
    Idle,
    Running,
    Done(Outcome),
}

type OnDone = Box<dyn FnOnce(&Outcome)>;

pub struct TaskRt {
    pub status: Status,
    /// The result register (`Return`, `Await`, `Gather`, …).
    pub result: Option<Value>,
    /// Executor slot when spawned (not when run in place).
    pub slot: Option<usize>,
    /// What this task is waiting for right now (a timeout cancels these, transitively).
    pub awaiting: Vec<TaskId>,
    pub on_done: Vec<OnDone>,
    /// Its `start` happened (a task cancelled before it never runs its cleanup).
    pub started: bool,
    /// Semaphores it holds a permit of (given back if it fails or is cancelled).
    pub held: Vec<usize>,
    /// How many awaiting coroutines it runs inside (0 for a task of its own).
    pub depth: usize,
}

pub struct Prog {
    pub index: usize,
    pub sc: Rc<Scenario>,
    pub lang: CodeLang,
    pub clock: Cell<RunClock>,
    /// The program's ideal time at the current instant (integer scenario ms, as the planner's):
    /// deadlines are computed from it, so timer groups and real delays never drift.
    pub ideal_now: Cell<u64>,
    pub exec: Rc<Executor>,
    pub sink: Rc<dyn Fn(RunUpdate)>,
    pub tasks: RefCell<Vec<TaskRt>>,
    pub sems: RefCell<Vec<Semaphore>>,
    pub timers: Timers,
    pub host: RefCell<Option<JsHost>>,
    pub events: RefCell<Vec<Event>>,
    /// Scheduled JS callbacks (`Schedule` micro / macro) not run yet.
    pub pending_js: Cell<usize>,
    /// Woken when the program may have gone quiet (a timer fired or went, a callback ran, a
    /// worker finished): after main ends, the other tasks run on until nothing is pending.
    pub idle_waker: RefCell<Option<Waker>>,
    /// Settles what a stop would otherwise leave pending forever (combinator promises).
    pub on_stop: RefCell<Vec<Box<dyn FnOnce()>>>,
    pub workers: RefCell<Option<Rc<super::worker::Pool>>>,
}

impl Prog {
    pub fn new(
        index: usize,
        sc: Rc<Scenario>,
        lang: CodeLang,
        speed: f64,
        exec: Rc<Executor>,
        sink: Rc<dyn Fn(RunUpdate)>,
    ) -> Rc<Prog> {
        let tasks = sc
            .tasks
            .iter()
            .map(|_| TaskRt {
                status: Status::Idle,
                result: None,
                slot: None,
                awaiting: Vec::new(),
                on_done: Vec::new(),
                started: false,
                held: Vec::new(),
                depth: 0,
            })
            .collect();
        let sems = sc.semaphores.iter().map(|n| Semaphore::new(*n)).collect();
        let clock = RunClock {
            t0: clock::now(),
            speed,
        };
        let p = Rc::new(Prog {
            index,
            lang,
            clock: Cell::new(clock),
            ideal_now: Cell::new(0),
            exec,
            sink,
            tasks: RefCell::new(tasks),
            sems: RefCell::new(sems),
            timers: RefCell::new(TimerQueue::new(lang.loop_kind() == Loop::Asyncio)),
            host: RefCell::new(None),
            events: RefCell::new(Vec::new()),
            pending_js: Cell::new(0),
            idle_waker: RefCell::new(None),
            on_stop: RefCell::new(Vec::new()),
            workers: RefCell::new(None),
            sc,
        });
        *p.host.borrow_mut() = Some(JsHost::new(Rc::downgrade(&p), clock));
        p
    }

    /// Starts the program's clock now (t = 0).
    pub fn set_t0(&self, t0: f64) {
        let mut c = self.clock.get();
        c.t0 = t0;
        self.clock.set(c);
        if let Ok(mut h) = self.host.try_borrow_mut() {
            if let Some(h) = h.as_mut() {
                h.clock = c;
            }
        }
    }

    pub fn alive(&self) -> bool {
        self.exec.is_alive()
    }

    /// Records an event measured now and hands it to the sink.
    pub fn emit(&self, task: TaskId, kind: EventKind) {
        let t = self.clock.get().t();
        self.emit_at(t, task, kind);
    }

    pub fn emit_at(&self, t: f64, task: TaskId, kind: EventKind) {
        if !self.alive() {
            return;
        }
        let event = Event { t, task, kind };
        if let Ok(mut evs) = self.events.try_borrow_mut() {
            evs.push(event.clone());
        }
        (self.sink)(RunUpdate::Event {
            program: self.index,
            event,
        });
    }

    pub fn status(&self, t: TaskId) -> Option<Status> {
        self.tasks.borrow().get(t).map(|r| r.status.clone())
    }

    pub fn result(&self, t: TaskId) -> Option<Value> {
        self.tasks.borrow().get(t).and_then(|r| r.result.clone())
    }

    pub fn set_result(&self, t: TaskId, v: Option<Value>) {
        if let Some(r) = self.tasks.borrow_mut().get_mut(t) {
            r.result = v;
        }
    }

    pub fn set_status(&self, t: TaskId, s: Status) {
        if let Some(r) = self.tasks.borrow_mut().get_mut(t) {
            r.status = s;
        }
    }

    pub fn mark_started(&self, t: TaskId) {
        if let Some(r) = self.tasks.borrow_mut().get_mut(t) {
            r.started = true;
        }
    }

    pub fn started(&self, t: TaskId) -> bool {
        self.tasks
            .borrow()
            .get(t)
            .map(|r| r.started)
            .unwrap_or(false)
    }

    pub fn depth(&self, t: TaskId) -> usize {
        self.tasks.borrow().get(t).map(|r| r.depth).unwrap_or(0)
    }

    pub fn set_depth(&self, t: TaskId, d: usize) {
        if let Some(r) = self.tasks.borrow_mut().get_mut(t) {
            r.depth = d;
        }
    }

    pub fn set_awaiting(&self, t: TaskId, list: Vec<TaskId>) {
        if let Some(r) = self.tasks.borrow_mut().get_mut(t) {
            r.awaiting = list;
        }
    }

    /// Runs `f` when `t` ends (at once if it already has).
    pub fn when_done(&self, t: TaskId, f: OnDone) {
        let now = {
            let mut tasks = self.tasks.borrow_mut();
            match tasks.get_mut(t) {
                Some(r) => match &r.status {
                    Status::Done(o) => Some(o.clone()),
                    _ => {
                        r.on_done.push(f);
                        return;
                    }
                },
                None => Some(Outcome::Failed(format!("unknown task {t}"))),
            }
        };
        if let Some(o) = now {
            f(&o);
        }
    }

    /// Marks `t` ended and tells whoever waits for it.
    pub fn finish(&self, t: TaskId, outcome: Outcome) {
        let callbacks = {
            let mut tasks = self.tasks.borrow_mut();
            match tasks.get_mut(t) {
                Some(r) => {
                    if matches!(r.status, Status::Done(_)) {
                        return;
                    }
                    r.status = Status::Done(outcome.clone());
                    r.slot = None;
                    std::mem::take(&mut r.on_done)
                }
                None => return,
            }
        };
        for f in callbacks {
            f(&outcome);
        }
    }

    /// Something that can still make events is pending: a timer, a scheduled JS callback, a
    /// worker task.
    pub fn busy(&self) -> bool {
        let timers = self
            .timers
            .try_borrow()
            .map(|t| !t.is_empty())
            .unwrap_or(true);
        let workers = self
            .workers
            .try_borrow()
            .map(|w| w.as_ref().map(|p| p.in_flight() > 0).unwrap_or(false))
            .unwrap_or(true);
        timers || workers || self.pending_js.get() > 0
    }

    pub fn poke_idle(&self) {
        let w = self
            .idle_waker
            .try_borrow_mut()
            .ok()
            .and_then(|mut w| w.take());
        if let Some(w) = w {
            w.wake();
        }
    }

    /// The measured trace so far (events sorted by time, ties in happening order).
    pub fn trace(&self, hidden: bool) -> Trace {
        let sc = &self.sc;
        let mut tr = Trace::new(&sc.id, sc.mode, self.lang.loop_kind(), Clock::Browser);
        tr.params = sc
            .params
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::from(*v)))
            .collect();
        tr.speed = self.clock.get().speed;
        tr.hidden = hidden;
        tr.tasks = sc
            .tasks
            .iter()
            .enumerate()
            .map(|(id, d)| TaskInfo {
                id,
                name: d.name.clone(),
                parent: d.parent,
                thread: d.thread.clone(),
            })
            .collect();
        let mut events = self.events.borrow().clone();
        // Stable: equal times keep the order they happened in.
        events.sort_by(|a, b| a.t.total_cmp(&b.t));
        tr.total_ms = events
            .iter()
            .filter(|e| e.task == 0)
            .map(|e| e.t)
            .fold(0.0, f64::max);
        tr.events = events;
        tr
    }

    /// Stops everything of this program that outlives its futures.
    pub fn shutdown(&self) {
        super::sleep::clear_all(self);
        let stops: Vec<_> = std::mem::take(&mut *self.on_stop.borrow_mut());
        for f in stops {
            f();
        }
        if let Some(pool) = self.workers.borrow_mut().take() {
            pool.terminate();
        }
        // Pending `on_done` callbacks may hold JS promise resolvers: drop them (no cycles).
        if let Ok(mut tasks) = self.tasks.try_borrow_mut() {
            for r in tasks.iter_mut() {
                r.on_done.clear();
            }
        }
    }
}
