//! A small single-threaded executor: one slot per future (a task of the program, or the run's
//! driver), one FIFO ready queue, drained in a microtask.
//!
//! Why our own and not `spawn_local`: the order of equal-time work is part of what a run shows.
//! A wake pushes its slot at the back of the ready queue and the drain runs in a *later*
//! microtask, so every promise reaction of one settled timer group wakes its tasks first (in
//! start order) and what those tasks make ready runs after all of them (asyncio's ready queue);
//! a group of one (the browser loop) gives the browser's order. And stopping a run is dropping
//! its slots: nothing of it can be polled again.
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Wake, Waker};

use wasm_bindgen::prelude::*;

pub type BoxFut = Pin<Box<dyn Future<Output = ()>>>;

struct Slot {
    fut: Option<BoxFut>,
    waker: Waker,
    queued: bool,
    /// Being polled right now (its future is out of the slot).
    running: bool,
    /// Dropped while running: do not put it back.
    dropped: bool,
}

pub struct Executor {
    pub id: u64,
    slots: RefCell<Vec<Slot>>,
    alive: Cell<bool>,
    /// The slot being polled right now.
    current: Cell<Option<usize>>,
    /// A task that just held the thread and lets the browser breathe (`hold`): until it goes
    /// on, no other slot is polled and no timer or JS callback of the run acts, so the program
    /// means what it did (nothing else runs between two blocking calls) while the page can
    /// still handle Stop.
    held: Cell<Option<usize>>,
    /// Slots woken while held, in wake order.
    deferred: RefCell<Vec<usize>>,
    /// Timer and JS callbacks that fired while held, in firing order.
    deferred_calls: RefCell<Vec<Box<dyn FnOnce()>>>,
}

/// What a waker carries: plain numbers, so it is `Send + Sync` without unsafe code.
struct WakeKey {
    exec: u64,
    slot: usize,
}

impl Wake for WakeKey {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        push_ready(self.exec, self.slot);
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Executor>>> = const { RefCell::new(None) };
    static READY: RefCell<VecDeque<(u64, usize)>> = const { RefCell::new(VecDeque::new()) };
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
    static DRAIN: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

fn push_ready(exec: u64, slot: usize) {
    let live = CURRENT.with(|c| {
        c.borrow()
            .as_ref()
            .map(|e| e.id == exec && e.mark_queued(slot))
            .unwrap_or(false)
    });
    if !live {
        return;
    }
    READY.with(|r| r.borrow_mut().push_back((exec, slot)));
    schedule_drain();
}

fn schedule_drain() {
    if SCHEDULED.with(|s| s.replace(true)) {
        return;
    }
    let f = DRAIN.with(|d| {
        d.borrow_mut()
            .get_or_insert_with(|| {
                Closure::<dyn FnMut()>::new(drain)
                    .into_js_value()
                    .unchecked_into::<js_sys::Function>()
            })
            .clone()
    });
    queue_microtask(&f);
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(f: &js_sys::Function);
}

/// Runs every ready slot, including those made ready while draining (FIFO).
fn drain() {
    SCHEDULED.with(|s| s.set(false));
    loop {
        let next = READY.with(|r| r.borrow_mut().pop_front());
        let Some((exec, slot)) = next else { break };
        let cur = CURRENT.with(|c| c.borrow().clone());
        if let Some(e) = cur {
            if e.id == exec {
                if e.held.get().is_some_and(|h| h != slot) {
                    e.deferred.borrow_mut().push(slot);
                    continue;
                }
                e.poll_slot(slot);
            }
        }
    }
}

impl Executor {
    /// Makes a new executor the current one (the previous must have been shut down).
    pub fn install(id: u64) -> Rc<Executor> {
        let e = Rc::new(Executor {
            id,
            slots: RefCell::new(Vec::new()),
            alive: Cell::new(true),
            current: Cell::new(None),
            held: Cell::new(None),
            deferred: RefCell::new(Vec::new()),
            deferred_calls: RefCell::new(Vec::new()),
        });
        CURRENT.with(|c| *c.borrow_mut() = Some(e.clone()));
        e
    }

    pub fn is_alive(&self) -> bool {
        self.alive.get()
    }

    /// Holds the run for the slot being polled (see `held`). False when called outside a poll.
    pub fn hold_current(&self) -> bool {
        match self.current.get() {
            Some(slot) => {
                self.held.set(Some(slot));
                true
            }
            None => false,
        }
    }

    pub fn is_held(&self) -> bool {
        self.held.get().is_some()
    }

    /// Resolves once no task holds the run. The waiting slot is woken at once: while the run is
    /// held the drain defers it, and the release queues it again after the held task's own
    /// poll, so it never spins and never goes before the held task.
    pub async fn hold_ended(&self) {
        std::future::poll_fn(|cx| {
            if self.is_held() && self.alive.get() {
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await
    }

    /// Runs `f` now, or when the hold ends if the run is held.
    pub fn call_or_defer(&self, f: Box<dyn FnOnce()>) {
        if self.is_held() && self.alive.get() {
            self.deferred_calls.borrow_mut().push(f);
        } else {
            f();
        }
    }

    /// Ends a hold: the slots woken meanwhile go to the ready queue in wake order, and the
    /// callbacks that fired meanwhile run in a microtask, after the held task's own next
    /// steps (as they would after the blocking call returned).
    pub fn release(&self) {
        if self.held.take().is_none() {
            return;
        }
        let woken = std::mem::take(&mut *self.deferred.borrow_mut());
        if !woken.is_empty() {
            READY.with(|r| {
                r.borrow_mut()
                    .extend(woken.into_iter().map(|s| (self.id, s)))
            });
            schedule_drain();
        }
        let calls = std::mem::take(&mut *self.deferred_calls.borrow_mut());
        if !calls.is_empty() {
            let id = self.id;
            let cell = RefCell::new(Some(calls));
            let f = Closure::once_into_js(move || {
                let cur = CURRENT.with(|c| c.borrow().clone());
                if let (Some(e), Some(calls)) = (cur, cell.take()) {
                    if e.id == id {
                        // The task may hold the run again already: then they wait once more.
                        for f in calls {
                            e.call_or_defer(f);
                        }
                    }
                }
            });
            queue_microtask(f.unchecked_ref());
        }
    }

    fn mark_queued(&self, slot: usize) -> bool {
        let mut slots = self.slots.borrow_mut();
        match slots.get_mut(slot) {
            Some(s) if (s.fut.is_some() || s.running) && !s.queued => {
                s.queued = true;
                true
            }
            _ => false,
        }
    }

    /// Adds a future; it first runs when the ready queue reaches it.
    pub fn spawn(&self, fut: BoxFut) -> usize {
        let slot = self.add(fut);
        push_ready(self.id, slot);
        slot
    }

    /// Adds a future without queueing it (the caller polls it at once with `poll_now`).
    pub fn add(&self, fut: BoxFut) -> usize {
        let mut slots = self.slots.borrow_mut();
        let slot = slots.len();
        let waker = Waker::from(Arc::new(WakeKey {
            exec: self.id,
            slot,
        }));
        slots.push(Slot {
            fut: Some(fut),
            waker,
            queued: false,
            running: false,
            dropped: false,
        });
        slot
    }

    /// Polls a slot now (eager start of a JS async call).
    pub fn poll_now(&self, slot: usize) {
        self.poll_slot(slot);
    }

    fn poll_slot(&self, slot: usize) {
        let taken = {
            let mut slots = self.slots.borrow_mut();
            match slots.get_mut(slot) {
                Some(s) if !s.running => {
                    s.queued = false;
                    s.fut.take().map(|f| {
                        s.running = true;
                        (f, s.waker.clone())
                    })
                }
                _ => None,
            }
        };
        let Some((mut fut, waker)) = taken else {
            return;
        };
        let mut cx = Context::from_waker(&waker);
        let outer = self.current.replace(Some(slot));
        let done = fut.as_mut().poll(&mut cx).is_ready();
        self.current.set(outer);
        let keep = {
            let mut slots = self.slots.borrow_mut();
            match slots.get_mut(slot) {
                Some(s) => {
                    s.running = false;
                    !done && !s.dropped && self.alive.get()
                }
                None => false,
            }
        };
        if keep {
            if let Some(s) = self.slots.borrow_mut().get_mut(slot) {
                s.fut = Some(fut);
            }
        } else {
            drop(fut);
        }
    }

    /// True while some slot of this executor waits in the ready queue.
    pub fn has_ready(&self) -> bool {
        READY.with(|r| r.borrow().iter().any(|(e, _)| *e == self.id))
    }

    /// Drops a slot's future (cancellation). Its destructors (timers, semaphore tickets) run now.
    pub fn cancel(&self, slot: usize) {
        let fut = {
            let mut slots = self.slots.borrow_mut();
            match slots.get_mut(slot) {
                Some(s) => {
                    if s.running {
                        s.dropped = true;
                    }
                    s.fut.take()
                }
                None => None,
            }
        };
        drop(fut);
    }

    /// Stops everything: no slot is polled again; every future is dropped.
    pub fn shutdown(&self) {
        self.alive.set(false);
        CURRENT.with(|c| {
            let mut c = c.borrow_mut();
            if c.as_ref().map(|e| e.id == self.id).unwrap_or(false) {
                *c = None;
            }
        });
        READY.with(|r| r.borrow_mut().retain(|(e, _)| *e != self.id));
        self.held.set(None);
        self.deferred.borrow_mut().clear();
        // Callbacks of a stopped run never run (they would record events after the stop).
        let calls = std::mem::take(&mut *self.deferred_calls.borrow_mut());
        drop(calls);
        let futs: Vec<BoxFut> = {
            let mut slots = self.slots.borrow_mut();
            slots.iter_mut().filter_map(|s| s.fut.take()).collect()
        };
        // Dropped outside the borrow: their destructors reach back into the program state.
        drop(futs);
        self.slots.borrow_mut().clear();
    }
}
