//! The built-in scenarios as data (`docs/SCENARIOS.md`). OWNER: planner helper.
use super::scenario::{Params, Scenario, ScenarioError};
use super::trace::Mode;

/// Every catalog id, in the order the scenario menu lists them.
pub const IDS: [&str; 16] = [
    "hello",
    "gather-fetch",
    "background-task",
    "timeout",
    "breakfast",
    "weather",
    "weather-partial",
    "crawler",
    "unequal-gather",
    "threads-vs-async",
    "blocking-mistake",
    "cpu-bound",
    "never-awaited",
    "sync-vs-async-call",
    "event-loop-order",
    "promise-combinators",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    pub name: &'static str,
    pub min: u64,
    pub max: u64,
    pub default: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    pub id: &'static str,
    /// One program whatever the mode (`hello`, `timeout`, …): compare runs it once.
    pub one_program: bool,
    /// Holds the thread (`blocking-mistake`, `cpu-bound`, `threads-vs-async`): compare runs its
    /// two halves one after the other, each drawn from 0.
    pub holds_thread: bool,
    /// Has Web Worker lanes.
    pub uses_workers: bool,
    /// Sequential / concurrent are "the mistake" / "the fix" (labelled so in the UI).
    pub mistake_and_fix: bool,
}

pub fn info(id: &str) -> Option<Info> {
    IDS.iter().find(|i| **i == id).map(|id| Info {
        id,
        one_program: false,
        holds_thread: false,
        uses_workers: false,
        mistake_and_fix: false,
    })
}

/// Parameter ranges and defaults of a scenario (empty for most).
pub fn param_specs(_id: &str) -> &'static [ParamSpec] {
    &[]
}

/// The program of `id` in `mode`, with `params` (missing ones take their defaults; out of
/// range → `BadParam`; a name the scenario does not have is ignored).
pub fn build(id: &str, _mode: Mode, _params: &Params) -> Result<Scenario, ScenarioError> {
    Err(ScenarioError::UnknownScenario(id.to_string()))
}
