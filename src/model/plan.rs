//! The planner: a discrete-event simulation in integer milliseconds giving the ideal trace of a
//! program for a code language's event loop. OWNER: planner helper.
use super::scenario::{CodeLang, Scenario, ScenarioError};
use super::trace::{Clock, Trace};

/// The ideal trace (`clock: "ideal"`, whole milliseconds) of `s` as `lang`'s event loop runs it.
pub fn plan(s: &Scenario, lang: CodeLang) -> Result<Trace, ScenarioError> {
    Ok(Trace::new(&s.id, s.mode, lang.loop_kind(), Clock::Ideal))
}
