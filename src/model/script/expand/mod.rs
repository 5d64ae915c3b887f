//! The script's tree → the scenario's tasks: every call of an `async def` becomes a task
//! instance with its own steps, loops unrolled, values computed, counted against the limits.
mod body;
mod state;
mod value;

use std::collections::BTreeMap;

use super::ast::{Func, Module};
use super::error::ScriptError;
use crate::model::scenario::TaskDef;
use state::{Expand, Scope};

/// The tasks of the program that runs `main` (called at `line`, `col`), and where each task was
/// created (the line and column of its call; `main`'s is the `asyncio.run`).
pub(crate) fn expand(
    m: &Module,
    main: &Func,
    line: usize,
    col: usize,
) -> Result<Expanded, ScriptError> {
    let mut x = Expand {
        m,
        tasks: vec![TaskDef::new("main", None, Vec::new())],
        origins: vec![(line, col)],
        steps: 0,
        lines: 0,
    };
    let mut scope = Scope {
        vars: BTreeMap::new(),
        result: None,
    };
    let body = x.function_body(&main.body, &mut scope, 0, 1)?;
    if let Some(t) = x.tasks.first_mut() {
        t.body = body;
    }
    Ok(Expanded {
        tasks: x.tasks,
        origins: x.origins,
    })
}

/// The program's tasks (`main` first) and where each was created.
pub(crate) struct Expanded {
    pub(crate) tasks: Vec<TaskDef>,
    /// The line and column of each task's call (`main`'s: the `asyncio.run`).
    pub(crate) origins: Vec<(usize, usize)>,
}
