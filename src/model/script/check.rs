//! Checks of the expanded program, planned before it runs: the model's own validation, the
//! time it takes in all, and nothing left running when `main` returns.
use super::error::{visible, ErrorKind, ScriptError};
use super::limits::{MAX_BLOCK_TOTAL_MS, MAX_TOTAL_MS};
use crate::model::scenario::{CodeLang, Scenario, ScenarioError};
use crate::model::trace::{EventKind, Trace};
use crate::model::{catalog, plan};

/// Refuses `s` at the `asyncio.run` (`line`, `col`) when the model refuses it or it would run
/// too long, and at a task's call (`origins`) when that task outlives `main`.
pub(crate) fn check(
    s: &Scenario,
    origins: &[(usize, usize)],
    line: usize,
    col: usize,
) -> Result<(), ScriptError> {
    let invalid = |e: ScenarioError| ScriptError::at(line, col, ErrorKind::Invalid(e.to_string()));
    catalog::validate(s).map_err(invalid)?;
    for lang in [CodeLang::Python, CodeLang::Js] {
        let tr = plan::plan(s, lang).map_err(invalid)?;
        if let Some(kind) = too_long(&tr) {
            return Err(ScriptError::at(line, col, kind));
        }
        if lang == CodeLang::Python {
            still_running(&tr, s, origins)?;
        }
    }
    Ok(())
}

/// More than [`MAX_TOTAL_MS`] of scenario time, or more than [`MAX_BLOCK_TOTAL_MS`] of
/// `time.sleep`, in all.
fn too_long(tr: &Trace) -> Option<ErrorKind> {
    let total = tr.total_ms.max(0.0) as u64;
    if total > MAX_TOTAL_MS {
        return Some(ErrorKind::TooLongInAll {
            blocking: false,
            ms: total,
        });
    }
    let blocked: u64 = tr
        .events
        .iter()
        .map(|e| match e.kind {
            EventKind::Block { ms } => ms,
            _ => 0,
        })
        .sum();
    (blocked > MAX_BLOCK_TOTAL_MS).then_some(ErrorKind::TooLongInAll {
        blocking: true,
        ms: blocked,
    })
}

/// CPython's `asyncio.run` cancels what is still running when `main` returns; the model would
/// let it run on, so such a program is refused at the call that started the first such task.
fn still_running(tr: &Trace, s: &Scenario, origins: &[(usize, usize)]) -> Result<(), ScriptError> {
    let main_end = tr
        .events
        .iter()
        .position(|e| e.task == 0 && matches!(e.kind, EventKind::End { .. }));
    let Some(main_end) = main_end else {
        return Ok(());
    };
    let late = tr.events.get(main_end + 1..).unwrap_or(&[]);
    match late.iter().find(|e| e.task != 0) {
        Some(e) => {
            let (line, col) = origins.get(e.task).copied().unwrap_or((1, 1));
            let name = s.tasks.get(e.task).map_or("", |t| t.name.as_str());
            Err(ScriptError::at(
                line,
                col,
                ErrorKind::StillRunning(visible(name)),
            ))
        }
        None => Ok(()),
    }
}
