//! What expansion carries: the tasks made so far, the counts against the limits, the names in
//! scope.
use crate::model::scenario::{TaskDef, TaskId};
use crate::model::script::ast::Module;
use crate::model::script::error::{ErrorKind, ScriptError};
use crate::model::script::limits::MAX_STEPS;
use crate::model::value::Value;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub(super) enum Bound {
    Val(Value),
    Task(TaskId),
    /// A name given to an awaited result (`r = await …`); only the latest one can be printed
    /// or returned (`Scope::result`): it is the task's result register.
    Result,
}

pub(super) struct Expand<'m> {
    pub(super) m: &'m Module,
    pub(super) tasks: Vec<TaskDef>,
    /// Where each task was created (line, column of its call).
    pub(super) origins: Vec<(usize, usize)>,
    pub(super) steps: usize,
    /// Printed lines so far (loops unrolled).
    pub(super) lines: usize,
}

pub(super) struct Scope {
    pub(super) vars: BTreeMap<String, Bound>,
    /// The name holding the latest awaited result, if any.
    pub(super) result: Option<String>,
}

impl Expand<'_> {
    pub(super) fn count(&mut self, n: usize, line: usize, col: usize) -> Result<(), ScriptError> {
        self.steps += n;
        if self.steps > MAX_STEPS {
            return Err(ScriptError::at(
                line,
                col,
                ErrorKind::TooMany {
                    what: "steps",
                    max: MAX_STEPS,
                },
            ));
        }
        Ok(())
    }

    pub(super) fn sem(&self, name: &str, line: usize, col: usize) -> Result<usize, ScriptError> {
        self.m
            .sems
            .iter()
            .position(|(n, _)| n == name)
            .ok_or_else(|| ScriptError::at(line, col, ErrorKind::NotASemaphore(name.to_string())))
    }
}
