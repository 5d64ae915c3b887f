//! The interpreter: runs a task's steps as one Rust future, following the semantics table of
//! `model/scenario.rs` (the planner follows the same table in integer ms).
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use futures::future::{select, Either, LocalBoxFuture};
use futures::FutureExt;

use crate::model::scenario::{Piece, Step, TaskId, Text};
use crate::model::trace::{EventKind, Loop};
use crate::model::value::Value;

use super::prog::{Outcome, Prog, Status};
use super::sleep::Sleep;

/// Why a task's steps stopped early (the events were already emitted).
#[derive(Clone, Debug, PartialEq)]
pub enum Stop {
    Failed(String),
    /// It awaited a cancelled task: asyncio's `CancelledError` reaches it too.
    Cancelled,
}

pub type Flow = Result<(), Stop>;

/// How many coroutines may run inside one another (`await` of a never-started task).
pub const MAX_IN_PLACE_DEPTH: usize = 200;

/// Spawns `child` from `parent` if it never started: `spawn` event, then it runs when the ready
/// queue reaches it.
pub fn spawn_task(p: &Rc<Prog>, child: TaskId, parent: TaskId) {
    if p.status(child) != Some(Status::Idle) {
        return;
    }
    p.set_status(child, Status::Running);
    p.emit(parent, EventKind::Spawn { child });
    let slot = p.exec.spawn(run_spawned(p.clone(), child).boxed_local());
    if let Some(r) = p.tasks.borrow_mut().get_mut(child) {
        r.slot = Some(slot);
    }
}

/// Starts the children of a `gather` / combinator that did not start yet, as the planner's
/// `spawn_all` does: asyncio queues each as a task; JS calls each async function at once, in
/// argument order, each up to its first `await` (all `spawn` events first, then the calls).
pub async fn start_all(p: &Rc<Prog>, cs: &[TaskId], parent: TaskId) {
    if p.lang.is_lazy() {
        for c in cs {
            spawn_task(p, *c, parent);
        }
        return;
    }
    let slots: Vec<usize> = cs.iter().filter_map(|c| add_eager(p, *c, parent)).collect();
    for slot in slots {
        call_eager(p, slot).await;
    }
}

/// A JS call of an async function: it runs at once, up to its first real `await`. The breath
/// the page takes after a blocking call (`cpu::breathe`) is not one: the caller waits until
/// the call goes on past it, so the next call still starts after this one's blocking work
/// and the lines that follow it.
async fn call_eager(p: &Rc<Prog>, slot: usize) {
    p.exec.poll_now(slot);
    p.exec.hold_ended().await;
}

/// A JS call of an async function that has not started: `spawn` event, and the task added to
/// the executor without queueing it (the caller polls it at once with `poll_now`).
fn add_eager(p: &Rc<Prog>, c: TaskId, parent: TaskId) -> Option<usize> {
    if p.status(c) != Some(Status::Idle) {
        return None;
    }
    p.set_status(c, Status::Running);
    p.emit(parent, EventKind::Spawn { child: c });
    let slot = p.exec.add(run_spawned(p.clone(), c).boxed_local());
    if let Some(r) = p.tasks.borrow_mut().get_mut(c) {
        r.slot = Some(slot);
    }
    Some(slot)
}

/// A task as its own executor future.
pub async fn run_spawned(p: Rc<Prog>, t: TaskId) {
    let outcome = run_task(&p, t).await;
    p.finish(t, outcome);
}

/// Runs task `t` from its `start` to its `end` / `fail` (not cancellation: that drops this).
pub fn run_task(p: &Rc<Prog>, t: TaskId) -> LocalBoxFuture<'_, Outcome> {
    async move {
        let sc = p.sc.clone();
        let Some(def) = sc.tasks.get(t) else {
            return Outcome::Failed(format!("unknown task {t}"));
        };
        if def.thread.is_some() {
            return super::worker::run_task(p, t).await;
        }
        p.emit(t, EventKind::Start);
        p.mark_started(t);
        match exec_steps(p, t, &def.body).await {
            Ok(()) => {
                let value = p.result(t);
                p.emit(
                    t,
                    EventKind::End {
                        value: value.as_ref().map(Value::to_json),
                    },
                );
                Outcome::Ok(value)
            }
            Err(Stop::Failed(e)) => Outcome::Failed(e),
            Err(Stop::Cancelled) => Outcome::Cancelled,
        }
    }
    .boxed_local()
}

/// Formats a printed line for the code language (the result register as that language prints).
pub fn format_text(p: &Prog, t: TaskId, text: &Text) -> String {
    let mut out = String::new();
    for piece in &text.0 {
        match piece {
            Piece::Lit(s) => out.push_str(s),
            Piece::Result => {
                out.push_str(&p.result(t).unwrap_or(Value::Null).format(p.lang));
            }
        }
    }
    out
}

pub fn exec_steps<'a>(p: &'a Rc<Prog>, t: TaskId, steps: &'a [Step]) -> LocalBoxFuture<'a, Flow> {
    async move {
        for step in steps {
            exec_step(p, t, step).await?;
        }
        Ok(())
    }
    .boxed_local()
}

async fn exec_step(p: &Rc<Prog>, t: TaskId, step: &Step) -> Flow {
    match step {
        Step::Print(text) => {
            let text = format_text(p, t, text);
            p.emit(
                t,
                EventKind::Print {
                    text,
                    queue: None,
                    stream: None,
                },
            );
        }
        Step::Sleep(ms) => {
            p.emit(t, EventKind::Sleep { ms: *ms });
            wait_for_ms(p, *ms).await;
            p.emit(t, EventKind::Wake);
        }
        Step::Block(ms) => {
            super::cpu::block(p, t, *ms);
            super::cpu::breathe(p).await;
        }
        Step::Cpu { work, estimate_ms } => {
            super::cpu::cpu(p, t, *work, *estimate_ms);
            super::cpu::breathe(p).await;
        }
        Step::Spawn(c) => {
            if p.status(*c).is_none() {
                return fail(p, t, format!("unknown task {c}"));
            }
            spawn_task(p, *c, t);
        }
        Step::Await(c) => return await_task(p, t, *c).await,
        Step::Gather(cs) => return gather(p, t, cs).await,
        Step::Combine { how, tasks } => return super::jsloop::combine(p, t, *how, tasks).await,
        Step::Timeout {
            ms,
            body,
            on_timeout,
        } => {
            // The budget's timer exists before the body's own waits: at an equal deadline it
            // fires first (asyncio and setTimeout both keep start order), and it is polled first.
            let timer = wait_for_ms(p, *ms);
            let body_fut = exec_steps(p, t, body);
            match select(timer, body_fut).await {
                Either::Right((res, timer)) => {
                    drop(timer);
                    res?;
                }
                Either::Left(((), body_fut)) => {
                    drop(body_fut);
                    cancel_awaited(p, t);
                    p.emit(t, EventKind::Timeout);
                    exec_steps(p, t, on_timeout).await?;
                }
            }
        }
        Step::WaitFor { tasks, ms } => wait_for(p, t, tasks, *ms).await,
        Step::Acquire(s) => {
            // Decided before any event: `fail` below borrows the semaphores again.
            let free = p.sems.borrow_mut().get_mut(*s).map(|sem| sem.try_acquire());
            let Some(free) = free else {
                return fail(p, t, format!("unknown semaphore {s}"));
            };
            if free {
                hold(p, t, *s);
                p.emit(t, EventKind::Acquire);
            } else {
                p.emit(t, EventKind::AcquireWait);
                Acquire {
                    p: p.clone(),
                    sem: *s,
                    ticket: None,
                    done: false,
                }
                .await;
                hold(p, t, *s);
                p.emit(t, EventKind::Acquire);
            }
        }
        Step::Release(s) => {
            if p.sems.borrow().get(*s).is_none() {
                return fail(p, t, format!("unknown semaphore {s}"));
            }
            if let Some(r) = p.tasks.borrow_mut().get_mut(t) {
                if let Some(i) = r.held.iter().position(|h| h == s) {
                    r.held.remove(i);
                }
            }
            p.emit(t, EventKind::Release);
            if let Some(sem) = p.sems.borrow_mut().get_mut(*s) {
                sem.release();
            }
        }
        Step::Fail(e) => return fail(p, t, e.clone()),
        Step::Return(v) => p.set_result(t, Some(v.clone())),
        Step::CallNoAwait(c) => call_no_await(p, t, *c).await,
        Step::Schedule { queue, text } => super::jsloop::schedule(p, t, *queue, text),
    }
    Ok(())
}

/// A wait of `ms` from now. Under asyncio a zero wait is no timer: `asyncio.sleep(0)` only
/// yields, and `asyncio.timeout(0)` is due at once (`call_soon`): both go to the back of the
/// ready queue. In the browser a zero wait is a real `setTimeout(0)`.
fn wait_for_ms(p: &Rc<Prog>, ms: u64) -> Either<Sleep, YieldNow> {
    if ms == 0 && p.lang.loop_kind() == Loop::Asyncio {
        Either::Right(YieldNow(false))
    } else {
        Either::Left(Sleep::new(p, p.ideal_now.get().saturating_add(ms)))
    }
}

/// Ready on its second poll: the task goes once to the back of the ready queue.
pub struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

fn hold(p: &Prog, t: TaskId, s: usize) {
    if let Some(r) = p.tasks.borrow_mut().get_mut(t) {
        r.held.push(s);
    }
}

/// A task that fails or is cancelled gives its permits back (`release` each).
fn release_held(p: &Prog, t: TaskId) {
    let held = match p.tasks.borrow_mut().get_mut(t) {
        Some(r) => std::mem::take(&mut r.held),
        None => return,
    };
    for s in held {
        p.emit(t, EventKind::Release);
        if let Some(sem) = p.sems.borrow_mut().get_mut(s) {
            sem.release();
        }
    }
}

fn fail(p: &Prog, t: TaskId, error: String) -> Flow {
    release_held(p, t);
    p.emit(
        t,
        EventKind::Fail {
            error: error.clone(),
        },
    );
    Err(Stop::Failed(error))
}

/// `cancel`, then the cleanup prints, then permits given back.
fn cancel_events(p: &Prog, c: TaskId) {
    p.emit(c, EventKind::Cancel);
    if p.started(c) {
        let sc = p.sc.clone();
        if let Some(def) = sc.tasks.get(c) {
            for step in &def.on_cancel {
                if let Step::Print(text) = step {
                    let text = format_text(p, c, text);
                    p.emit(
                        c,
                        EventKind::Print {
                            text,
                            queue: None,
                            stream: None,
                        },
                    );
                }
            }
        }
        release_held(p, c);
    }
}

/// The task itself is cancelled (it awaited a cancelled task).
fn cancelled(p: &Prog, t: TaskId) -> Flow {
    cancel_events(p, t);
    Err(Stop::Cancelled)
}

/// What an awaiter sees of an outcome: the result, or it fails with the same error.
fn take_outcome(p: &Prog, t: TaskId, o: Outcome) -> Flow {
    match o {
        // Like the plan: awaiting a task that returns nothing leaves the awaiter's last result
        // alone (the code binds `result = await answer()`, not the `await other_work()` after it).
        Outcome::Ok(v) => {
            if v.is_some() {
                p.set_result(t, v);
            }
            Ok(())
        }
        Outcome::Failed(e) => fail(p, t, e),
        Outcome::Cancelled => cancelled(p, t),
    }
}

async fn await_task(p: &Rc<Prog>, t: TaskId, c: TaskId) -> Flow {
    match p.status(c) {
        None => fail(p, t, format!("unknown task {c}")),
        Some(Status::Idle) => {
            // A coroutine awaited directly runs inside the awaiting task, at once: one more
            // nested future, so a chain of them is bounded (the wasm stack is not).
            let depth = p.depth(t) + 1;
            if depth > MAX_IN_PLACE_DEPTH {
                return fail(
                    p,
                    t,
                    format!("awaits nested more than {MAX_IN_PLACE_DEPTH} deep"),
                );
            }
            p.set_depth(c, depth);
            p.set_status(c, Status::Running);
            p.set_awaiting(t, vec![c]);
            let o = run_task(p, c).await;
            p.finish(c, o.clone());
            p.set_awaiting(t, Vec::new());
            take_outcome(p, t, o)
        }
        Some(_) => {
            p.set_awaiting(t, vec![c]);
            let res = Watch::new(p, &[c], true).await;
            p.set_awaiting(t, Vec::new());
            match res {
                Ok(()) => {
                    let o = match p.status(c) {
                        Some(Status::Done(o)) => o,
                        _ => Outcome::Cancelled,
                    };
                    take_outcome(p, t, o)
                }
                Err(stop) => stop_with(p, t, stop),
            }
        }
    }
}

fn stop_with(p: &Prog, t: TaskId, stop: Stop) -> Flow {
    match stop {
        Stop::Failed(e) => fail(p, t, e),
        Stop::Cancelled => cancelled(p, t),
    }
}

async fn gather(p: &Rc<Prog>, t: TaskId, cs: &[TaskId]) -> Flow {
    if let Some(bad) = cs.iter().find(|c| p.status(**c).is_none()) {
        return fail(p, t, format!("unknown task {bad}"));
    }
    start_all(p, cs, t).await;
    p.set_awaiting(t, cs.to_vec());
    let res = Watch::new(p, cs, true).await;
    p.set_awaiting(t, Vec::new());
    match res {
        Ok(()) => {
            let list = cs
                .iter()
                .map(|c| p.result(*c).unwrap_or(Value::Null))
                .collect();
            p.set_result(t, Some(Value::List(list)));
            Ok(())
        }
        Err(stop) => stop_with(p, t, stop),
    }
}

async fn wait_for(p: &Rc<Prog>, t: TaskId, cs: &[TaskId], ms: u64) {
    let known: Vec<TaskId> = cs
        .iter()
        .copied()
        .filter(|c| p.status(*c).is_some())
        .collect();
    for c in &known {
        spawn_task(p, *c, t);
    }
    let deadline = p.ideal_now.get().saturating_add(ms);
    let timer = Sleep::new(p, deadline);
    p.set_awaiting(t, known.clone());
    let watch = Watch::new(p, &known, false);
    if let Either::Left(((), watch)) = select(timer, watch).await {
        drop(watch);
        for c in &known {
            cancel_tree(p, *c);
        }
    }
    p.set_awaiting(t, Vec::new());
    let kept = known
        .iter()
        .filter_map(|c| match p.status(*c) {
            Some(Status::Done(Outcome::Ok(v))) => Some(v.unwrap_or(Value::Null)),
            _ => None,
        })
        .collect();
    p.set_result(t, Some(Value::List(kept)));
}

async fn call_no_await(p: &Rc<Prog>, t: TaskId, c: TaskId) {
    let name =
        p.sc.tasks
            .get(c)
            .map(|d| d.name.clone())
            .unwrap_or_default();
    if p.lang.is_lazy() {
        p.emit(
            t,
            EventKind::Warn {
                text: crate::model::plan::never_awaited_warning(&name, p.lang),
            },
        );
        return;
    }
    // A JS async function runs at once, up to its first await; then the caller goes on.
    if let Some(slot) = add_eager(p, c, t) {
        call_eager(p, slot).await;
    }
}

/// Cancels what task `t` awaits (a timeout ran out): innermost first, argument order.
pub fn cancel_awaited(p: &Rc<Prog>, t: TaskId) {
    let list = match p.tasks.borrow_mut().get_mut(t) {
        Some(r) => std::mem::take(&mut r.awaiting),
        None => return,
    };
    for c in list {
        cancel_tree(p, c);
    }
}

/// Cancels `c` unless it ended: first what it awaits, then its own future is dropped (its timers
/// cleared, its queue places left), then `cancel` and its cleanup prints.
pub fn cancel_tree(p: &Rc<Prog>, c: TaskId) {
    if !matches!(p.status(c), Some(Status::Running)) {
        return;
    }
    cancel_awaited(p, c);
    let slot = p.tasks.borrow_mut().get_mut(c).and_then(|r| r.slot.take());
    if let Some(s) = slot {
        p.exec.cancel(s);
    }
    if let Some(pool) = p.workers.borrow().as_ref() {
        pool.cancel(c);
    }
    cancel_events(p, c);
    p.finish(c, Outcome::Cancelled);
}

/// Waits for tasks to end. `fail_fast`: the first failure (or cancellation) ends the wait with
/// its error; otherwise it waits for all, whatever their outcome.
pub struct Watch {
    state: Rc<WatchState>,
}

struct WatchState {
    remaining: Cell<usize>,
    failed: RefCell<Option<Stop>>,
    waker: RefCell<Option<Waker>>,
    fail_fast: bool,
}

impl Watch {
    pub fn new(p: &Prog, tasks: &[TaskId], fail_fast: bool) -> Watch {
        let state = Rc::new(WatchState {
            remaining: Cell::new(tasks.len()),
            failed: RefCell::new(None),
            waker: RefCell::new(None),
            fail_fast,
        });
        for c in tasks {
            let s = state.clone();
            p.when_done(
                *c,
                Box::new(move |o: &Outcome| {
                    s.remaining.set(s.remaining.get().saturating_sub(1));
                    let err = match o {
                        Outcome::Ok(_) => None,
                        Outcome::Failed(e) => Some(Stop::Failed(e.clone())),
                        Outcome::Cancelled => Some(Stop::Cancelled),
                    };
                    if let Some(e) = err {
                        let mut f = s.failed.borrow_mut();
                        if f.is_none() {
                            *f = Some(e);
                        }
                    }
                    if let Some(w) = s.waker.borrow_mut().take() {
                        w.wake();
                    }
                }),
            );
        }
        Watch { state }
    }
}

impl Future for Watch {
    type Output = Flow;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let s = &self.state;
        if s.fail_fast {
            if let Some(e) = s.failed.borrow().clone() {
                return Poll::Ready(Err(e));
            }
        }
        if s.remaining.get() == 0 {
            return Poll::Ready(Ok(()));
        }
        *s.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

/// Waiting for a semaphore permit: a queue place, no timer.
struct Acquire {
    p: Rc<Prog>,
    sem: usize,
    ticket: Option<u64>,
    done: bool,
}

impl Future for Acquire {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let mut sems = this.p.sems.borrow_mut();
        let Some(sem) = sems.get_mut(this.sem) else {
            return Poll::Pending;
        };
        match this.ticket {
            None => {
                this.ticket = Some(sem.enqueue(cx.waker().clone()));
                Poll::Pending
            }
            Some(k) => {
                if sem.poll_ticket(k, cx.waker()) {
                    this.done = true;
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }
        }
    }
}

impl Drop for Acquire {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        if let (Some(k), Ok(mut sems)) = (self.ticket, self.p.sems.try_borrow_mut()) {
            if let Some(sem) = sems.get_mut(self.sem) {
                sem.abandon(k);
            }
        }
    }
}
