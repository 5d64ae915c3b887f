//! The scenario IR: a small async program as data. One IR serves every scenario of the catalog
//! (`docs/SCENARIOS.md`), the planner (ideal, integer ms), the browser runtime (real timers), the
//! code views (Python / JS / Rust) and, later, the editor.
//!
//! # Semantics (the contract shared by `plan.rs` and `runtime/exec.rs`)
//! A program is a list of tasks; task 0 is `main` and ends the program (`total_ms` = the time of
//! its last event). Every task runs its `body` step by step. Events each step emits:
//!
//! | step | events (on this task unless said) |
//! | --- | --- |
//! | first run of a task | `start` |
//! | `Print` | `print {text}` (text formatted for the code language: see `value.rs`) |
//! | `Sleep(ms)` | `sleep {ms}`; the task yields; `wake` at start + ms |
//! | `Block(ms)` | `block {ms}`; the *thread* is held: nothing else on it runs; `unblock` at + ms |
//! | `Cpu` | like `Block`, but the duration is real computation (measured, `estimate_ms` in plans) |
//! | `Spawn(c)` | `spawn {child: c}`; `c` becomes ready and first runs when this task yields |
//! | `Await(c)` | spawned `c`: wait for its end (no event if already ended). Never-started `c`: runs *in place* (its `start` follows at once, no `spawn`) |
//! | `Gather(cs)` | `spawn` for each child in argument order, then wait for all; result = list of results in argument order. A child's `fail` makes this task `fail` at that instant with the same error (the others keep running: asyncio / `Promise.all`) |
//! | `Combine` | JS combinator over spawned children (`spawn` each); never fails; result = outcome value (see `Combinator`) |
//! | `Timeout {ms, body, on_timeout}` | runs `body`; if it is still running at the deadline: every task the body is awaiting (transitively, argument order, only unfinished ones) gets `cancel` then runs its `on_cancel`; then this task emits `timeout` and runs `on_timeout`; then continues after the step. A timer of the body's own (`Sleep`) is simply dropped |
//! | `WaitFor {tasks, ms}` | `spawn` each; wait until all end or the deadline; at the deadline the unfinished get `cancel` (+ `on_cancel`); result = list of the results of the finished ones, argument order; no `timeout` event |
//! | `Acquire(s)` | a free permit and no waiter: `acquire`. Otherwise `acquire_wait`, then `acquire` when granted (FIFO) |
//! | `Release(s)` | `release`; the first waiter is granted the permit and becomes ready |
//! | `Fail(e)` | `fail {error}`; the task ends; a plain `Await` of it fails the awaiter too |
//! | `Return(v)` | sets the task's result (no event) |
//! | `CallNoAwait(c)` | Python/Rust (lazy): `warn {text}` on this task, `c` never runs. JS (eager): `spawn {child}` and `c` runs at once until its first wait, then this task goes on |
//! | `Schedule {queue, text}` | `sync`: `print {text, queue}` now; `micro`: printed when the microtask queue drains (after the current synchronous run); `macro`: `setTimeout(0)`, printed after the microtasks, in order |
//! | end of body | `end {value}`; value = the task's result register (set by `Return`, `Await`, `Gather`, `Combine`, `WaitFor`, `Timeout`), omitted if never set |
//! | cancellation | `cancel`, then `on_cancel` steps (prints); never an `end` after it |
//!
//! Tasks whose `thread` is `Some("worker-N")` run on a Web Worker: their sleeps and computation
//! run in parallel with the main thread and with each other.
//!
//! Ties: waits ending at the same ideal instant resume in the order their timers started. What
//! they make ready (a released permit, an ended task someone awaits) runs after all of them
//! (`Loop::Asyncio`) or right after each one (`Loop::Browser`). `CodeLang::loop_kind` picks it.
//!
//! Refinements where the table is silent (the planner implements them; see `plan.rs`):
//! - What a step makes ready joins the back of the ready queue; the continuation of an in-place
//!   `Await` and an eager `CallNoAwait` callee run at once (front). A `spawn`ed task first runs
//!   after the tasks already ready.
//! - `Spawn`/`Gather`/`Combine`/`WaitFor` of a task that already started (or ended) emit no
//!   `spawn` and only wait for it. A sequential `gather` is therefore `Await(c)` of each child
//!   in place, then `Gather(cs)`, which only collects the results in argument order.
//! - `Sleep(0)`: browser loop, a zero-delay timer (`setTimeout(0)`), resuming after timers already
//!   due; asyncio loop, a plain yield (back of the ready queue). `Timeout{ms: 0}` under asyncio
//!   queues its deadline at once (`call_soon`), before the tasks its body spawns.
//! - `Block`/`Cpu` on the main thread: the task goes on at `t + ms`, timers due meanwhile fire
//!   after it in start order. On a worker thread they run in parallel with everything else.
//! - `micro`/`macro` callbacks print on the scheduling task when their queue runs, even after
//!   that task has ended.
//! - A task cancelled before it started gets `cancel` only (its `on_cancel` never runs); a task
//!   awaiting a cancelled task is cancelled too; a failed or cancelled task gives back the
//!   permits it holds (`release` before `fail`, after `cancel` and its cleanup prints).
//! - `Combine` results: `{status: 'fulfilled', value}` or `{status: 'rejected', reason}` (the
//!   error text) as a `Value::Record`; `allSettled` gives the list of them.
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::trace::{Loop, Mode, Queue};
use super::value::Value;

pub type TaskId = usize;
pub type SemId = usize;

/// The language a code view shows; it picks the event loop whose order a run follows and the
/// formatting of printed values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeLang {
    Python,
    Js,
    Rust,
}

impl CodeLang {
    pub const ALL: [CodeLang; 3] = [CodeLang::Python, CodeLang::Js, CodeLang::Rust];
    pub fn as_str(self) -> &'static str {
        match self {
            CodeLang::Python => "python",
            CodeLang::Js => "js",
            CodeLang::Rust => "rust",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        CodeLang::ALL.into_iter().find(|l| l.as_str() == s)
    }
    pub fn loop_kind(self) -> Loop {
        match self {
            CodeLang::Js => Loop::Browser,
            CodeLang::Python | CodeLang::Rust => Loop::Asyncio,
        }
    }
    /// Python coroutines and Rust futures do nothing until awaited; a JS promise starts at once.
    pub fn is_lazy(self) -> bool {
        !matches!(self, CodeLang::Js)
    }
}

/// Numeric scenario parameters (`count`, `limit`, `ms`, `budget`), already range-checked.
pub type Params = BTreeMap<String, u64>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// Catalog id (or `custom`).
    pub id: String,
    /// Which variant of the scenario this program is.
    pub mode: Mode,
    pub params: Params,
    /// `tasks[0]` is `main`.
    pub tasks: Vec<TaskDef>,
    /// Permit counts, indexed by `SemId`.
    pub semaphores: Vec<u32>,
}

impl Scenario {
    /// Some step holds the page's one thread (a blocking call or CPU work outside a worker):
    /// such a program never starts without the reader's click (`autoplay`).
    pub fn holds_main_thread(&self) -> bool {
        fn holds(steps: &[Step]) -> bool {
            steps.iter().any(|s| match s {
                Step::Block(_) | Step::Cpu { .. } => true,
                Step::Timeout {
                    body, on_timeout, ..
                } => holds(body) || holds(on_timeout),
                _ => false,
            })
        }
        self.tasks
            .iter()
            .any(|t| t.thread.is_none() && (holds(&t.body) || holds(&t.on_cancel)))
    }

    /// Whether a task computes (`Cpu`): such a program's length is measured, not planned.
    pub fn has_cpu_work(&self) -> bool {
        self.tasks
            .iter()
            .any(|t| t.body.iter().any(|s| matches!(s, Step::Cpu { .. })))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskDef {
    pub name: String,
    pub parent: Option<TaskId>,
    /// `None` = the main thread; `Some("worker-1")` = a Web Worker lane.
    pub thread: Option<String>,
    pub body: Vec<Step>,
    /// Run after the `cancel` event when the task is cancelled (prints only).
    pub on_cancel: Vec<Step>,
}

impl TaskDef {
    pub fn new(name: impl Into<String>, parent: Option<TaskId>, body: Vec<Step>) -> Self {
        TaskDef {
            name: name.into(),
            parent,
            thread: None,
            body,
            on_cancel: Vec::new(),
        }
    }
}

/// A printed line: literal pieces and the task's current result, formatted per code language.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Piece {
    Lit(String),
    /// The task's result register, formatted as the code language prints it.
    Result,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Text(pub Vec<Piece>);

impl Text {
    pub fn lit(s: impl Into<String>) -> Self {
        Text(vec![Piece::Lit(s.into())])
    }
}

/// JavaScript's promise combinators (`promise-combinators`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Combinator {
    /// Fulfils with all values (argument order) or rejects with the first rejection.
    All,
    /// Settles like the first child to settle.
    Race,
    /// Fulfils when all settled, with `{status, value | reason}` per child.
    AllSettled,
    /// Fulfils with the first fulfilment; rejects (AggregateError) if all reject.
    Any,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Step {
    Print(Text),
    Sleep(u64),
    Block(u64),
    Cpu {
        work: u64,
        estimate_ms: u64,
    },
    Spawn(TaskId),
    Await(TaskId),
    Gather(Vec<TaskId>),
    Combine {
        how: Combinator,
        tasks: Vec<TaskId>,
    },
    Timeout {
        ms: u64,
        body: Vec<Step>,
        on_timeout: Vec<Step>,
    },
    WaitFor {
        tasks: Vec<TaskId>,
        ms: u64,
    },
    Acquire(SemId),
    Release(SemId),
    Fail(String),
    Return(Value),
    CallNoAwait(TaskId),
    Schedule {
        queue: Queue,
        text: String,
    },
}

/// Why a scenario or its parameters were refused. Shown to the user in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    UnknownScenario(String),
    /// `name` is outside `min..=max` (or not a whole number).
    BadParam {
        name: String,
        value: String,
        min: u64,
        max: u64,
    },
    /// A structural problem of the program (an unknown task, a task awaited twice in place, …).
    Invalid(String),
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScenarioError::UnknownScenario(id) => write!(f, "unknown scenario {id:?}"),
            ScenarioError::BadParam {
                name,
                value,
                min,
                max,
            } => write!(
                f,
                "parameter {name}={value:?} is not a whole number between {min} and {max}"
            ),
            ScenarioError::Invalid(why) => write!(f, "invalid program: {why}"),
        }
    }
}

impl std::error::Error for ScenarioError {}
