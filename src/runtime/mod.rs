//! The browser side: runs scenarios on real promises and timers and records measured traces.
//! OWNER: runtime helper. The API below is what the UI uses; keep it (add, don't rename).
use std::rc::Rc;

use crate::model::scenario::{CodeLang, Scenario};
use crate::model::trace::{Event, Trace};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunConfig {
    /// 0.25–4: every wait takes `ms / speed` real milliseconds; traces report scenario time.
    pub speed: f64,
    /// Picks the event loop whose order the run follows (asyncio or browser).
    pub lang: CodeLang,
    /// Run the programs one after the other (each drawn from 0) instead of at once on one clock.
    pub one_after_another: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RunUpdate {
    /// An event of program `program` (index into the `programs` given to `start`), as it happens.
    Event { program: usize, event: Event },
    /// Once per run: one trace per program (in order), whether it finished or was cancelled.
    Finished { traces: Vec<Trace>, cancelled: bool },
    /// The run cannot happen here (e.g. Web Workers blocked); `Finished` does not follow.
    Unsupported(String),
}

/// Dropping the handle does not stop the run; call `stop`.
#[derive(Clone, Debug)]
pub struct RunHandle {
    pub id: u64,
}

impl RunHandle {
    /// Cancels the run: futures dropped, timers cleared, `Finished { cancelled: true }` sent.
    pub fn stop(&self) {}
}

/// Starts `programs` (e.g. [sequential, concurrent] in compare mode) and reports to `sink`.
pub fn start(_programs: Vec<Scenario>, _cfg: RunConfig, _sink: Rc<dyn Fn(RunUpdate)>) -> RunHandle {
    RunHandle { id: 0 }
}
