//! The planner: a discrete-event simulation in integer milliseconds giving the ideal trace of a
//! program for a code language's event loop. OWNER: planner helper.
//!
//! It implements the semantics table of `scenario.rs`, with these refinements (the runtime
//! follows them too):
//! - One ready queue. Asyncio: every timer due at an instant pushes its task in timer-start
//!   order, then the queue drains (what they made ready runs after all of them). Browser: each due
//!   timer pushes its task and the queue drains (microtasks) before the next timer.
//! - What a step makes ready goes to the back of the queue, except the continuation of an
//!   in-place `Await` (same coroutine: it resumes at once, front of the queue), an eager JS
//!   `CallNoAwait` (the callee runs at once, then the caller) and the children a JS `gather` /
//!   combinator starts (`Promise.all([f(), g()])` calls them at once, in argument order).
//! - `Sleep(0)` in the browser loop is a zero-delay timer (`setTimeout(0)`): it resumes after the
//!   timers already due at that instant, like `Schedule{Macro}`. In the asyncio loop it only
//!   yields (`asyncio.sleep(0)`: back of the ready queue), and `Timeout{ms: 0}` queues its
//!   deadline at once (`call_soon`), before what the body spawns.
//! - `Block`/`Cpu` on a thread move that thread's clock: the task goes on at `t + ms`; timers of
//!   that thread that fell due meanwhile fire after it, in order. Worker threads have their own
//!   clocks (they run in parallel).
//! - `Spawn`/`Gather`/`Combine`/`WaitFor` of a task that already started do not start it again:
//!   they only wait for it. So a sequential `gather` is `Await` of each child in place, then a
//!   `Gather` that only collects their results (no event).
//! - Awaiting a cancelled task cancels the awaiter (asyncio's `CancelledError`); cancelling a
//!   task that never started emits `cancel` without running `on_cancel` (its code never ran).
//! - A failed or cancelled task gives back the permits it holds (`release` before `fail`; after
//!   `cancel` and its cleanup prints).
//! - Promise combinators settle to a record `{status: 'fulfilled', value}` or
//!   `{status: 'rejected', reason}` (reason = the error text); `allSettled` to a list of them.
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};

use super::catalog::validate;
use super::scenario::{CodeLang, Combinator, Piece, Scenario, ScenarioError, Step, TaskId, Text};
use super::trace::{Clock, Event, EventKind, Loop, Queue, TaskInfo, Trace};
use super::value::Value;

/// The ideal trace (`clock: "ideal"`, whole milliseconds) of `s` as `lang`'s event loop runs it.
pub fn plan(s: &Scenario, lang: CodeLang) -> Result<Trace, ScenarioError> {
    validate(s)?;
    let mut sim = Sim::new(s, lang);
    sim.run();
    Ok(sim.into_trace())
}

/// How a task's life stands.
#[derive(Clone, Debug, PartialEq)]
enum Life {
    Idle,
    /// Spawned (or about to run in place), not yet started.
    Scheduled,
    Live,
    Ended,
    Failed(String),
    Cancelled,
}

impl Life {
    fn done(&self) -> bool {
        matches!(self, Life::Ended | Life::Failed(_) | Life::Cancelled)
    }
}

struct Frame<'a> {
    steps: &'a [Step],
    idx: usize,
    /// `Some(timer id)` for the body of a `Timeout`.
    deadline: Option<u64>,
    on_timeout: &'a [Step],
}

#[allow(clippy::enum_variant_names)] // named after the steps they wait in
enum Wait<'a> {
    None,
    Sleep,
    Child {
        c: TaskId,
    },
    Gather {
        cs: &'a [TaskId],
        pending: usize,
    },
    Combine {
        how: Combinator,
        cs: &'a [TaskId],
    },
    WaitFor {
        cs: &'a [TaskId],
        pending: usize,
        timer: u64,
    },
    Sem(usize),
}

/// What a task must do first when it resumes.
enum Pending {
    Fail(String),
    Cancel,
    Acquired(usize),
}

struct Rt<'a> {
    life: Life,
    frames: Vec<Frame<'a>>,
    result: Option<Value>,
    wait: Wait<'a>,
    pending: Option<Pending>,
    /// Bumped whenever the task's wait changes: stale queue entries and timers are dropped.
    gen: u64,
    /// `(task, its gen when it started waiting, in place)`.
    waiters: Vec<(TaskId, u64, bool)>,
    held: Vec<usize>,
    thread: usize,
}

#[derive(Clone, Copy, Debug)]
enum Kind<'a> {
    Start,
    Resume,
    Wake,
    Unblock,
    Deadline { depth: usize, id: u64 },
    WaitDeadline { id: u64 },
    Micro(&'a str),
    Macro(&'a str),
}

#[derive(Clone, Copy, Debug)]
struct Item<'a> {
    task: TaskId,
    gen: u64,
    kind: Kind<'a>,
}

struct Sem {
    permits: u64,
    waiters: VecDeque<TaskId>,
}

struct Sim<'a> {
    s: &'a Scenario,
    lang: CodeLang,
    tasks: Vec<Rt<'a>>,
    sems: Vec<Sem>,
    ready: VecDeque<Item<'a>>,
    heap: BinaryHeap<Reverse<(u64, u64)>>,
    timers: BTreeMap<u64, Item<'a>>,
    seq: u64,
    now: u64,
    /// When each thread is next free (moved by `Block`/`Cpu`); 0 = the main thread.
    free: Vec<u64>,
    events: Vec<Event>,
}

impl<'a> Sim<'a> {
    fn new(s: &'a Scenario, lang: CodeLang) -> Self {
        let mut thread_names: Vec<&str> = Vec::new();
        let tasks = s
            .tasks
            .iter()
            .map(|t| {
                let thread = match t.thread.as_deref() {
                    None | Some("main") => 0,
                    Some(name) => match thread_names.iter().position(|n| *n == name) {
                        Some(i) => i + 1,
                        None => {
                            thread_names.push(name);
                            thread_names.len()
                        }
                    },
                };
                Rt {
                    life: Life::Idle,
                    frames: Vec::new(),
                    result: None,
                    wait: Wait::None,
                    pending: None,
                    gen: 0,
                    waiters: Vec::new(),
                    held: Vec::new(),
                    thread,
                }
            })
            .collect();
        Sim {
            s,
            lang,
            tasks,
            sems: s
                .semaphores
                .iter()
                .map(|n| Sem {
                    permits: u64::from(*n),
                    waiters: VecDeque::new(),
                })
                .collect(),
            ready: VecDeque::new(),
            heap: BinaryHeap::new(),
            timers: BTreeMap::new(),
            seq: 0,
            now: 0,
            free: vec![0; thread_names.len() + 1],
            events: Vec::new(),
        }
    }

    fn into_trace(self) -> Trace {
        let mut tr = Trace::new(&self.s.id, self.s.mode, self.lang.loop_kind(), Clock::Ideal);
        tr.params = self
            .s
            .params
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::from(*v)))
            .collect();
        tr.tasks = self
            .s
            .tasks
            .iter()
            .enumerate()
            .map(|(id, t)| TaskInfo {
                id,
                name: t.name.clone(),
                parent: t.parent,
                thread: t.thread.clone(),
            })
            .collect();
        let mut events = self.events;
        // Stable: ties keep the order they happened in.
        events.sort_by(|a, b| a.t.total_cmp(&b.t));
        tr.total_ms = events
            .iter()
            .filter(|e| e.task == 0)
            .map(|e| e.t)
            .fold(0.0, f64::max);
        tr.events = events;
        tr
    }

    // ---------- the loop ----------

    fn run(&mut self) {
        if self.tasks.is_empty() {
            return;
        }
        self.tasks[0].life = Life::Scheduled;
        self.ready.push_back(Item {
            task: 0,
            gen: 0,
            kind: Kind::Start,
        });
        self.drain();
        while let Some(Reverse((due, id))) = self.heap.pop() {
            let Some(first) = self.timers.remove(&id) else {
                continue;
            };
            if self.stale(&first) {
                continue;
            }
            let at = self.effective(due, first.task);
            let mut batch = vec![first];
            while let Some(Reverse((d, next))) = self.heap.peek().copied() {
                let Some(item) = self.timers.get(&next).copied() else {
                    self.heap.pop();
                    continue;
                };
                if self.stale(&item) {
                    self.heap.pop();
                    self.timers.remove(&next);
                    continue;
                }
                if d > at || self.effective(d, item.task) != at {
                    break;
                }
                self.heap.pop();
                self.timers.remove(&next);
                batch.push(item);
            }
            self.now = at;
            match self.lang.loop_kind() {
                Loop::Asyncio => {
                    self.ready.extend(batch);
                    self.drain();
                }
                Loop::Browser => {
                    for item in batch {
                        self.ready.push_back(item);
                        self.drain();
                    }
                }
            }
        }
    }

    /// A timer of a task on a held thread fires when the thread is free again.
    fn effective(&self, due: u64, task: TaskId) -> u64 {
        due.max(self.free[self.tasks[task].thread])
    }

    fn drain(&mut self) {
        while let Some(item) = self.ready.pop_front() {
            if !self.stale(&item) {
                self.dispatch(item);
            }
        }
    }

    fn stale(&self, item: &Item<'a>) -> bool {
        let t = &self.tasks[item.task];
        match item.kind {
            Kind::Start => t.life != Life::Scheduled,
            Kind::Resume | Kind::Wake | Kind::Unblock => t.life != Life::Live || t.gen != item.gen,
            Kind::Deadline { depth, id } => {
                t.life != Life::Live || t.frames.get(depth).and_then(|f| f.deadline) != Some(id)
            }
            Kind::WaitDeadline { id } => {
                t.life != Life::Live
                    || !matches!(t.wait, Wait::WaitFor { timer, .. } if timer == id)
            }
            Kind::Micro(_) | Kind::Macro(_) => false,
        }
    }

    fn at(&self, task: TaskId) -> u64 {
        self.now.max(self.free[self.tasks[task].thread])
    }

    fn emit(&mut self, task: TaskId, kind: EventKind) {
        let t = self.at(task);
        self.events.push(Event {
            t: t as f64,
            task,
            kind,
        });
    }

    fn add_timer(&mut self, due: u64, item: Item<'a>) -> u64 {
        let id = self.seq;
        self.seq += 1;
        self.heap.push(Reverse((due, id)));
        self.timers.insert(id, item);
        id
    }

    fn bump(&mut self, task: TaskId) -> u64 {
        let t = &mut self.tasks[task];
        t.gen = t.gen.wrapping_add(1);
        t.gen
    }

    /// Make a waiting task ready to resume (front: it continues at once).
    fn make_ready(&mut self, task: TaskId, front: bool) {
        self.tasks[task].wait = Wait::None;
        let gen = self.bump(task);
        let item = Item {
            task,
            gen,
            kind: Kind::Resume,
        };
        if front {
            self.ready.push_front(item);
        } else {
            self.ready.push_back(item);
        }
    }

    fn schedule(&mut self, c: TaskId, front: bool) {
        self.tasks[c].life = Life::Scheduled;
        let item = Item {
            task: c,
            gen: 0,
            kind: Kind::Start,
        };
        if front {
            self.ready.push_front(item);
        } else {
            self.ready.push_back(item);
        }
    }

    fn dispatch(&mut self, item: Item<'a>) {
        let tid = item.task;
        match item.kind {
            Kind::Start => {
                self.tasks[tid].life = Life::Live;
                self.emit(tid, EventKind::Start);
                let s: &'a Scenario = self.s;
                let body = &s.tasks[tid].body;
                self.tasks[tid].frames.push(Frame {
                    steps: body,
                    idx: 0,
                    deadline: None,
                    on_timeout: &[],
                });
            }
            Kind::Wake => {
                self.tasks[tid].wait = Wait::None;
                self.emit(tid, EventKind::Wake);
            }
            Kind::Unblock => {
                self.tasks[tid].wait = Wait::None;
                self.emit(tid, EventKind::Unblock);
            }
            Kind::Resume => match self.tasks[tid].pending.take() {
                Some(Pending::Fail(e)) => return self.fail(tid, e),
                Some(Pending::Cancel) => return self.cancel_tree(vec![tid]),
                Some(Pending::Acquired(s)) => {
                    self.tasks[tid].held.push(s);
                    self.emit(tid, EventKind::Acquire);
                }
                None => {}
            },
            Kind::Deadline { depth, .. } => {
                let roots = self.stop_waiting(tid);
                self.cancel_tree(roots);
                self.emit(tid, EventKind::Timeout);
                let t = &mut self.tasks[tid];
                let on_timeout = t.frames.get(depth).map(|f| f.on_timeout).unwrap_or(&[]);
                t.frames.truncate(depth);
                t.frames.push(Frame {
                    steps: on_timeout,
                    idx: 0,
                    deadline: None,
                    on_timeout: &[],
                });
            }
            Kind::WaitDeadline { .. } => {
                let cs: &'a [TaskId] = match self.tasks[tid].wait {
                    Wait::WaitFor { cs, .. } => cs,
                    _ => &[],
                };
                self.stop_waiting(tid);
                let unfinished: Vec<TaskId> = cs
                    .iter()
                    .copied()
                    .filter(|c| !self.tasks[*c].life.done())
                    .collect();
                self.cancel_tree(unfinished);
                self.tasks[tid].result = Some(self.finished_results(cs));
            }
            Kind::Micro(text) => {
                return self.emit(
                    tid,
                    EventKind::Print {
                        text: text.to_string(),
                        queue: Some(Queue::Micro),
                        stream: None,
                    },
                )
            }
            Kind::Macro(text) => {
                return self.emit(
                    tid,
                    EventKind::Print {
                        text: text.to_string(),
                        queue: Some(Queue::Macro),
                        stream: None,
                    },
                )
            }
        }
        self.exec(tid);
    }

    /// Leaves whatever the task waits for; returns the tasks it was awaiting (unfinished).
    fn stop_waiting(&mut self, tid: TaskId) -> Vec<TaskId> {
        let wait = std::mem::replace(&mut self.tasks[tid].wait, Wait::None);
        self.bump(tid);
        // Whatever the task was about to see on resuming is superseded.
        if let Some(Pending::Acquired(s)) = self.tasks[tid].pending.take() {
            self.give_back(s);
        }
        let cs: Vec<TaskId> = match wait {
            Wait::Child { c } => vec![c],
            Wait::Gather { cs, .. } | Wait::Combine { cs, .. } | Wait::WaitFor { cs, .. } => {
                cs.to_vec()
            }
            Wait::Sem(s) => {
                if let Some(sem) = self.sems.get_mut(s) {
                    sem.waiters.retain(|w| *w != tid);
                }
                Vec::new()
            }
            Wait::None | Wait::Sleep => Vec::new(),
        };
        cs.into_iter()
            .filter(|c| !self.tasks[*c].life.done())
            .collect()
    }

    // ---------- running steps ----------

    fn exec(&mut self, tid: TaskId) {
        loop {
            if self.tasks[tid].life != Life::Live {
                return;
            }
            let Some(frame) = self.tasks[tid].frames.last_mut() else {
                return self.end(tid);
            };
            let steps = frame.steps;
            let Some(step) = steps.get(frame.idx) else {
                self.tasks[tid].frames.pop();
                continue;
            };
            frame.idx += 1;
            if !self.step(tid, step) {
                return;
            }
        }
    }

    /// Runs one step; false when the task yields (or is over).
    fn step(&mut self, tid: TaskId, step: &'a Step) -> bool {
        match step {
            Step::Print(text) => {
                let text = self.render(tid, text);
                self.emit(
                    tid,
                    EventKind::Print {
                        text,
                        queue: None,
                        stream: None,
                    },
                );
                true
            }
            Step::Sleep(ms) => {
                self.emit(tid, EventKind::Sleep { ms: *ms });
                let due = self.at(tid).saturating_add(*ms);
                self.tasks[tid].wait = Wait::Sleep;
                let gen = self.bump(tid);
                let item = Item {
                    task: tid,
                    gen,
                    kind: Kind::Wake,
                };
                if *ms == 0 && self.lang.loop_kind() == Loop::Asyncio {
                    // `asyncio.sleep(0)` only yields: back of the ready queue, no timer.
                    self.ready.push_back(item);
                } else {
                    self.add_timer(due, item);
                }
                false
            }
            Step::Block(ms)
            | Step::Cpu {
                estimate_ms: ms, ..
            } => {
                self.emit(tid, EventKind::Block { ms: *ms });
                let th = self.tasks[tid].thread;
                let until = self.at(tid).saturating_add(*ms);
                self.free[th] = until;
                if th == 0 {
                    // The main thread: nothing else runs meanwhile, the task simply goes on.
                    self.emit(tid, EventKind::Unblock);
                    return true;
                }
                // A worker: the main thread and other workers go on in parallel.
                self.tasks[tid].wait = Wait::Sleep;
                let gen = self.bump(tid);
                self.add_timer(
                    until,
                    Item {
                        task: tid,
                        gen,
                        kind: Kind::Unblock,
                    },
                );
                false
            }
            Step::Spawn(c) => {
                let c = *c;
                if self.tasks[c].life == Life::Idle {
                    self.emit(tid, EventKind::Spawn { child: c });
                    self.schedule(c, false);
                }
                true
            }
            Step::Await(c) => self.await_task(tid, *c),
            Step::Gather(cs) => {
                self.spawn_all(tid, cs);
                if let Some(c) = cs
                    .iter()
                    .find(|c| self.tasks[**c].life.done() && self.tasks[**c].life != Life::Ended)
                {
                    return self.child_failed(tid, *c);
                }
                let pending = cs.iter().filter(|c| !self.tasks[**c].life.done()).count();
                if pending == 0 {
                    self.tasks[tid].result = Some(self.all_results(cs));
                    return true;
                }
                self.wait_on(tid, cs, Wait::Gather { cs, pending });
                false
            }
            Step::Combine { how, tasks } => {
                self.spawn_all(tid, tasks);
                if let Some(v) = self.settle(*how, tasks, None) {
                    self.tasks[tid].result = Some(v);
                    return true;
                }
                self.wait_on(
                    tid,
                    tasks,
                    Wait::Combine {
                        how: *how,
                        cs: tasks,
                    },
                );
                false
            }
            Step::Timeout {
                ms,
                body,
                on_timeout,
            } => {
                let depth = self.tasks[tid].frames.len();
                let due = self.at(tid).saturating_add(*ms);
                // The timer id is only known once added; the item carries it for checking.
                let id = self.seq;
                let item = Item {
                    task: tid,
                    gen: 0,
                    kind: Kind::Deadline { depth, id },
                };
                if *ms == 0 && self.lang.loop_kind() == Loop::Asyncio {
                    // `asyncio.timeout(0)`: a deadline already reached is `call_soon`, so it
                    // comes before the tasks the body spawns.
                    self.seq += 1;
                    self.ready.push_back(item);
                } else {
                    self.add_timer(due, item);
                }
                self.tasks[tid].frames.push(Frame {
                    steps: body,
                    idx: 0,
                    deadline: Some(id),
                    on_timeout,
                });
                true
            }
            Step::WaitFor { tasks, ms } => {
                self.spawn_all(tid, tasks);
                let pending = tasks
                    .iter()
                    .filter(|c| !self.tasks[**c].life.done())
                    .count();
                if pending == 0 {
                    self.tasks[tid].result = Some(self.finished_results(tasks));
                    return true;
                }
                let due = self.at(tid).saturating_add(*ms);
                let id = self.seq;
                self.add_timer(
                    due,
                    Item {
                        task: tid,
                        gen: 0,
                        kind: Kind::WaitDeadline { id },
                    },
                );
                self.wait_on(
                    tid,
                    tasks,
                    Wait::WaitFor {
                        cs: tasks,
                        pending,
                        timer: id,
                    },
                );
                false
            }
            Step::Acquire(s) => {
                let s = *s;
                let Some(sem) = self.sems.get_mut(s) else {
                    return true;
                };
                if sem.permits > 0 && sem.waiters.is_empty() {
                    sem.permits -= 1;
                    self.tasks[tid].held.push(s);
                    self.emit(tid, EventKind::Acquire);
                    true
                } else {
                    sem.waiters.push_back(tid);
                    self.emit(tid, EventKind::AcquireWait);
                    self.tasks[tid].wait = Wait::Sem(s);
                    self.bump(tid);
                    false
                }
            }
            Step::Release(s) => {
                let held = &mut self.tasks[tid].held;
                if let Some(i) = held.iter().position(|h| h == s) {
                    held.remove(i);
                }
                self.emit(tid, EventKind::Release);
                self.give_back(*s);
                true
            }
            Step::Fail(e) => {
                self.fail(tid, e.clone());
                false
            }
            Step::Return(v) => {
                self.tasks[tid].result = Some(v.clone());
                true
            }
            Step::CallNoAwait(c) => {
                let c = *c;
                if self.lang.is_lazy() {
                    let text = self.never_awaited(c);
                    self.emit(tid, EventKind::Warn { text });
                    return true;
                }
                if self.tasks[c].life != Life::Idle {
                    return true;
                }
                self.emit(tid, EventKind::Spawn { child: c });
                // The executor runs at once: the callee first, then this task goes on.
                let gen = self.bump(tid);
                self.ready.push_front(Item {
                    task: tid,
                    gen,
                    kind: Kind::Resume,
                });
                self.schedule(c, true);
                false
            }
            Step::Schedule { queue, text } => {
                match queue {
                    Queue::Sync => self.emit(
                        tid,
                        EventKind::Print {
                            text: text.clone(),
                            queue: Some(Queue::Sync),
                            stream: None,
                        },
                    ),
                    Queue::Micro => self.ready.push_back(Item {
                        task: tid,
                        gen: 0,
                        kind: Kind::Micro(text),
                    }),
                    Queue::Macro => {
                        let due = self.at(tid);
                        self.add_timer(
                            due,
                            Item {
                                task: tid,
                                gen: 0,
                                kind: Kind::Macro(text),
                            },
                        );
                    }
                }
                true
            }
        }
    }

    fn await_task(&mut self, tid: TaskId, c: TaskId) -> bool {
        match self.tasks[c].life.clone() {
            Life::Idle => {
                // Never started: it runs in place, at once.
                self.tasks[tid].wait = Wait::Child { c };
                let gen = self.bump(tid);
                self.tasks[c].waiters.push((tid, gen, true));
                self.schedule(c, true);
                false
            }
            Life::Ended => {
                if let Some(v) = self.tasks[c].result.clone() {
                    self.tasks[tid].result = Some(v);
                }
                true
            }
            Life::Failed(_) | Life::Cancelled => self.child_failed(tid, c),
            Life::Scheduled | Life::Live => {
                self.tasks[tid].wait = Wait::Child { c };
                let gen = self.bump(tid);
                self.tasks[c].waiters.push((tid, gen, false));
                false
            }
        }
    }

    /// `tid` sees the failure or cancellation of `c` now. Returns false (the task is over).
    fn child_failed(&mut self, tid: TaskId, c: TaskId) -> bool {
        match self.tasks[c].life.clone() {
            Life::Failed(e) => self.fail(tid, e),
            _ => self.cancel_tree(vec![tid]),
        }
        false
    }

    /// Starts the children of a `gather` / combinator that did not start yet. Asyncio wraps
    /// each in a task at the back of the ready queue. JS calls each async function at once, in
    /// argument order, up to its first `await` (`Promise.all([f(), g()])`): they go to the
    /// front, first child first, ahead of what was already queued.
    fn spawn_all(&mut self, tid: TaskId, cs: &[TaskId]) {
        let eager = !self.lang.is_lazy();
        let mut fresh = Vec::new();
        for c in cs {
            if self.tasks[*c].life == Life::Idle && !fresh.contains(c) {
                self.emit(tid, EventKind::Spawn { child: *c });
                fresh.push(*c);
                if !eager {
                    self.schedule(*c, false);
                }
            }
        }
        if eager {
            for c in fresh.into_iter().rev() {
                self.schedule(c, true);
            }
        }
    }

    fn wait_on(&mut self, tid: TaskId, cs: &[TaskId], wait: Wait<'a>) {
        self.tasks[tid].wait = wait;
        let gen = self.bump(tid);
        for c in cs {
            if !self.tasks[*c].life.done() {
                self.tasks[*c].waiters.push((tid, gen, false));
            }
        }
    }

    fn all_results(&self, cs: &[TaskId]) -> Value {
        Value::List(
            cs.iter()
                .map(|c| self.tasks[*c].result.clone().unwrap_or(Value::Null))
                .collect(),
        )
    }

    fn finished_results(&self, cs: &[TaskId]) -> Value {
        Value::List(
            cs.iter()
                .filter(|c| self.tasks[**c].life == Life::Ended)
                .map(|c| self.tasks[*c].result.clone().unwrap_or(Value::Null))
                .collect(),
        )
    }

    fn outcome(&self, c: TaskId) -> Option<Value> {
        let t = &self.tasks[c];
        match &t.life {
            Life::Ended => Some(fulfilled(t.result.clone().unwrap_or(Value::Null))),
            Life::Failed(e) => Some(rejected(e)),
            Life::Cancelled => Some(rejected("cancelled")),
            _ => None,
        }
    }

    /// The settled value of a combinator, if it has settled. `just` = the child that settled now
    /// (first-settled order matters for race / all / any).
    fn settle(&self, how: Combinator, cs: &[TaskId], just: Option<TaskId>) -> Option<Value> {
        let ok = |c: &TaskId| self.tasks[*c].life == Life::Ended;
        let bad = |c: &TaskId| self.tasks[*c].life.done() && !ok(c);
        let all_done = cs.iter().all(|c| self.tasks[*c].life.done());
        match how {
            Combinator::All => {
                let first_bad = match just {
                    Some(c) if bad(&c) => Some(c),
                    Some(_) => None,
                    None => cs.iter().copied().find(bad),
                };
                if let Some(c) = first_bad {
                    return self.outcome(c);
                }
                cs.iter().all(ok).then(|| fulfilled(self.all_results(cs)))
            }
            Combinator::Race => match just {
                Some(c) => self.outcome(c),
                None => cs.iter().find_map(|c| self.outcome(*c)),
            },
            Combinator::AllSettled => all_done.then(|| {
                Value::List(
                    cs.iter()
                        .map(|c| self.outcome(*c).unwrap_or(Value::Null))
                        .collect(),
                )
            }),
            Combinator::Any => {
                let first_ok = match just {
                    Some(c) if ok(&c) => Some(c),
                    Some(_) => None,
                    None => cs.iter().copied().find(ok),
                };
                if let Some(c) = first_ok {
                    return self.outcome(c);
                }
                all_done.then(|| rejected("All promises were rejected"))
            }
        }
    }

    // ---------- endings ----------

    fn end(&mut self, tid: TaskId) {
        let value = self.tasks[tid].result.as_ref().map(Value::to_json);
        self.emit(tid, EventKind::End { value });
        self.finish(tid, Life::Ended);
    }

    fn fail(&mut self, tid: TaskId, error: String) {
        self.stop_waiting(tid);
        self.release_held(tid);
        self.emit(
            tid,
            EventKind::Fail {
                error: error.clone(),
            },
        );
        self.finish(tid, Life::Failed(error));
    }

    fn release_held(&mut self, tid: TaskId) {
        let held = std::mem::take(&mut self.tasks[tid].held);
        for s in held {
            self.emit(tid, EventKind::Release);
            self.give_back(s);
        }
    }

    fn give_back(&mut self, s: usize) {
        let Some(sem) = self.sems.get_mut(s) else {
            return;
        };
        match sem.waiters.pop_front() {
            Some(w) => {
                self.tasks[w].pending = Some(Pending::Acquired(s));
                self.make_ready(w, false);
            }
            None => sem.permits = sem.permits.saturating_add(1),
        }
    }

    /// Cancels `roots` and everything they await, innermost first, in argument order.
    fn cancel_tree(&mut self, roots: Vec<TaskId>) {
        // Iterative post-order: deep await chains must not overflow the stack.
        let mut stack: Vec<(TaskId, bool)> = roots.into_iter().rev().map(|r| (r, false)).collect();
        while let Some((t, expanded)) = stack.pop() {
            if self.tasks[t].life.done() {
                continue;
            }
            if expanded {
                self.cancel_one(t);
                continue;
            }
            stack.push((t, true));
            let kids = self.awaited(t);
            for k in kids.into_iter().rev() {
                stack.push((k, false));
            }
        }
    }

    fn awaited(&self, t: TaskId) -> Vec<TaskId> {
        let cs: Vec<TaskId> = match &self.tasks[t].wait {
            Wait::Child { c } => vec![*c],
            Wait::Gather { cs, .. } | Wait::Combine { cs, .. } | Wait::WaitFor { cs, .. } => {
                cs.to_vec()
            }
            _ => Vec::new(),
        };
        cs.into_iter()
            .filter(|c| !self.tasks[*c].life.done())
            .collect()
    }

    fn cancel_one(&mut self, t: TaskId) {
        let started = self.tasks[t].life == Life::Live;
        self.stop_waiting(t);
        self.emit(t, EventKind::Cancel);
        if started {
            let s: &'a Scenario = self.s;
            let cleanup = &s.tasks[t].on_cancel;
            for step in cleanup {
                if let Step::Print(text) = step {
                    let text = self.render(t, text);
                    self.emit(
                        t,
                        EventKind::Print {
                            text,
                            queue: None,
                            stream: None,
                        },
                    );
                }
            }
            self.release_held(t);
        }
        self.finish(t, Life::Cancelled);
    }

    /// Marks `t` over and tells whoever waits for it.
    fn finish(&mut self, t: TaskId, life: Life) {
        let rt = &mut self.tasks[t];
        rt.life = life;
        rt.frames.clear();
        rt.wait = Wait::None;
        rt.gen = rt.gen.wrapping_add(1);
        let waiters = std::mem::take(&mut rt.waiters);
        for (w, gen, inline) in waiters {
            self.notify(w, gen, t, inline);
        }
    }

    fn notify(&mut self, w: TaskId, gen: u64, c: TaskId, inline: bool) {
        // Only the wait the registration was made for (no search through long child lists).
        if self.tasks[w].life != Life::Live || self.tasks[w].gen != gen {
            return;
        }
        let life = self.tasks[c].life.clone();
        let problem = match &life {
            Life::Failed(e) => Some(Pending::Fail(e.clone())),
            Life::Cancelled => Some(Pending::Cancel),
            _ => None,
        };
        match self.tasks[w].wait {
            Wait::Child { c: waited } if waited == c => {
                if life == Life::Ended {
                    if let Some(v) = self.tasks[c].result.clone() {
                        self.tasks[w].result = Some(v);
                    }
                }
                self.tasks[w].pending = problem;
                self.make_ready(w, inline);
            }
            Wait::Gather { cs, pending } => {
                if problem.is_some() {
                    self.tasks[w].pending = problem;
                    return self.make_ready(w, false);
                }
                let pending = pending.saturating_sub(1);
                if pending == 0 {
                    self.tasks[w].result = Some(self.all_results(cs));
                    self.make_ready(w, false);
                } else {
                    self.tasks[w].wait = Wait::Gather { cs, pending };
                }
            }
            Wait::Combine { how, cs } => {
                if let Some(v) = self.settle(how, cs, Some(c)) {
                    self.tasks[w].result = Some(v);
                    self.make_ready(w, false);
                }
            }
            Wait::WaitFor { cs, pending, timer } => {
                let pending = pending.saturating_sub(1);
                if pending == 0 {
                    self.tasks[w].result = Some(self.finished_results(cs));
                    self.make_ready(w, false);
                } else {
                    self.tasks[w].wait = Wait::WaitFor { cs, pending, timer };
                }
            }
            _ => {}
        }
    }

    // ---------- texts ----------

    fn render(&self, tid: TaskId, text: &Text) -> String {
        let mut out = String::new();
        for piece in &text.0 {
            match piece {
                Piece::Lit(s) => out.push_str(s),
                Piece::Result => {
                    let v = self.tasks[tid].result.clone().unwrap_or(Value::Null);
                    out.push_str(&v.format(self.lang));
                }
            }
        }
        out
    }

    fn never_awaited(&self, c: TaskId) -> String {
        let name = self.s.tasks.get(c).map(|t| t.name.as_str()).unwrap_or("");
        never_awaited_warning(name, self.lang)
    }
}

/// The warning of a lazy call never awaited: CPython's `RuntimeWarning` text, rustc's
/// `unused_must_use` note. `name` is the task name; the function is its identifier form.
pub fn never_awaited_warning(name: &str, lang: CodeLang) -> String {
    let ident = ident(name);
    match lang {
        CodeLang::Rust => {
            // What rustc says when it compiles the call (`unused_must_use`), not at run time.
            format!(
                "unused implementer of `Future` that must be used: {ident}() does nothing unless \
                 you `.await` or poll it (rustc, at compile time)"
            )
        }
        _ => format!("coroutine '{ident}' was never awaited"),
    }
}

/// A task name as a function name: lower case, other characters become `_`.
pub fn ident(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{s}")
    } else {
        s
    }
}

/// `{status: 'fulfilled', value}` — a settled promise, as `Promise.allSettled` reports it.
pub fn fulfilled(v: Value) -> Value {
    Value::Record(vec![
        ("status".into(), Value::str("fulfilled")),
        ("value".into(), v),
    ])
}

/// `{status: 'rejected', reason}` with the error text as reason.
pub fn rejected(e: &str) -> Value {
    Value::Record(vec![
        ("status".into(), Value::str("rejected")),
        ("reason".into(), Value::str(e)),
    ])
}
