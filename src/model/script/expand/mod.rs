//! The script's tree → the scenario's tasks: every call of an `async def` becomes a task
//! instance with its own steps, loops unrolled, values computed, counted against the limits.
mod body;
mod value;

use std::collections::BTreeMap;

use super::ast::{Arg, Block, Call, Func, Module, Stmt};
use super::error::{ErrorKind, Nesting, ScriptError};
use super::format::py_str;
use super::limits::{MAX_DEPTH, MAX_STEPS, MAX_TASKS};
use crate::model::scenario::{Step, TaskDef, TaskId};
use crate::model::value::Value;
use value::relocate;

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

#[derive(Clone, Debug)]
enum Bound {
    Val(Value),
    Task(TaskId),
    /// A name given to an awaited result (`r = await …`); only the latest one can be printed
    /// or returned (`Scope::result`): it is the task's result register.
    Result,
}

struct Expand<'m> {
    m: &'m Module,
    tasks: Vec<TaskDef>,
    /// Where each task was created (line, column of its call).
    origins: Vec<(usize, usize)>,
    steps: usize,
    /// Printed lines so far (loops unrolled).
    lines: usize,
}

struct Scope {
    vars: BTreeMap<String, Bound>,
    /// The name holding the latest awaited result, if any.
    result: Option<String>,
}

impl Expand<'_> {
    fn count(&mut self, n: usize, line: usize, col: usize) -> Result<(), ScriptError> {
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

    /// A new task running `call`, child of `parent`; returns its id.
    fn instance(
        &mut self,
        call: &Call,
        scope: &Scope,
        parent: TaskId,
        depth: usize,
    ) -> Result<TaskId, ScriptError> {
        let (line, col) = (call.line, call.col);
        if depth > MAX_DEPTH {
            return Err(ScriptError::at(
                line,
                col,
                ErrorKind::TooDeep(Nesting::Awaits),
            ));
        }
        let Some(f) = self.m.funcs.get(&call.name) else {
            let kind = if call.name.contains('.') {
                ErrorKind::UnknownCall(call.name.clone())
            } else {
                ErrorKind::UnknownFunction(call.name.clone())
            };
            return Err(ScriptError::at(line, col, kind));
        };
        if f.params.len() != call.args.len() {
            return Err(ScriptError::at(
                line,
                col,
                ErrorKind::arity(&call.name, f.params.len(), call.args.len()),
            ));
        }
        let mut vars = BTreeMap::new();
        let mut shown = Vec::new();
        for (p, a) in f.params.iter().zip(&call.args) {
            let v = self.value(a, scope).map_err(|e| relocate(e, line))?;
            shown.push(py_str(&v));
            vars.insert(p.clone(), Bound::Val(v));
        }
        if self.tasks.len() >= MAX_TASKS {
            return Err(ScriptError::at(
                line,
                col,
                ErrorKind::TooMany {
                    what: "tasks",
                    max: MAX_TASKS - 1,
                },
            ));
        }
        let id = self.tasks.len();
        // Named by the function and its first argument (`download a`): the code views then
        // recognise the tasks of one function as one `async def`.
        let name = match shown.first() {
            Some(first) => format!("{} {first}", call.name),
            None => call.name.clone(),
        };
        self.tasks
            .push(TaskDef::new(name, Some(parent), Vec::new()));
        self.origins.push((line, col));
        let mut inner = Scope { vars, result: None };
        let body = self.function_body(&f.body, &mut inner, id, depth + 1)?;
        if let Some(t) = self.tasks.get_mut(id) {
            t.body = body;
        }
        Ok(id)
    }

    fn sem(&self, name: &str, line: usize, col: usize) -> Result<usize, ScriptError> {
        self.m
            .sems
            .iter()
            .position(|(n, _)| n == name)
            .ok_or_else(|| ScriptError::at(line, col, ErrorKind::NotASemaphore(name.to_string())))
    }

    /// The tasks an `await`, `gather` argument or `create_task` names: a new instance for a
    /// call, the bound task for a name, one per index for a spread.
    fn targets(
        &mut self,
        a: &Arg,
        scope: &Scope,
        me: TaskId,
        depth: usize,
        line: usize,
    ) -> Result<Vec<TaskId>, ScriptError> {
        match a {
            Arg::Call(c) => Ok(vec![self.instance(c, scope, me, depth)?]),
            Arg::Name(n, col) => match scope.vars.get(n) {
                Some(Bound::Task(t)) => Ok(vec![*t]),
                _ => Err(ScriptError::at(line, *col, ErrorKind::NotATask(n.clone()))),
            },
            Arg::Spread { call, var, range } => {
                let (from, to) = self.bounds(
                    &range.0,
                    range.1.as_deref(),
                    scope,
                    line,
                    MAX_TASKS - 1,
                    "tasks",
                )?;
                let mut out = Vec::new();
                let mut inner = Scope {
                    vars: scope.vars.clone(),
                    result: scope.result.clone(),
                };
                for i in from..to {
                    inner.vars.insert(var.clone(), Bound::Val(Value::Int(i)));
                    out.push(self.instance(call, &inner, me, depth)?);
                }
                Ok(out)
            }
            other => {
                let col = match other {
                    Arg::Num(_, c) | Arg::Str(_, c) | Arg::FStr(_, c) | Arg::Await(_, c) => *c,
                    _ => 1,
                };
                Err(ScriptError::at(
                    line,
                    col,
                    ErrorKind::Unexpected {
                        found: "a value".into(),
                        wanted: "a task or a call",
                    },
                ))
            }
        }
    }

    /// A function's body: like Python, a function that ends without `return` returns `None`.
    fn function_body(
        &mut self,
        stmts: &Block,
        scope: &mut Scope,
        me: TaskId,
        depth: usize,
    ) -> Result<Vec<Step>, ScriptError> {
        let mut out = self.body(stmts, scope, me, depth, true)?;
        if !matches!(stmts.last(), Some((_, _, Stmt::Return(_)))) {
            out.push(Step::Return(Value::Null));
        }
        Ok(out)
    }

    /// The steps of `await <what>`: a sleep, a gather, or each task it names in turn.
    fn await_steps(
        &mut self,
        what: &Arg,
        scope: &Scope,
        me: TaskId,
        depth: usize,
        line: usize,
        col: usize,
    ) -> Result<Vec<Step>, ScriptError> {
        Ok(match what {
            Arg::Call(c) if c.name == "asyncio.sleep" => {
                let a = match c.args.as_slice() {
                    [a] | [a, _] => a,
                    _ => {
                        return Err(ScriptError::at(
                            line,
                            c.col,
                            ErrorKind::arity("asyncio.sleep", 1, c.args.len()),
                        ))
                    }
                };
                vec![Step::Sleep(self.seconds(a, scope, line, c.col)?)]
            }
            Arg::Call(c) if c.name == "asyncio.gather" => {
                let mut ids = Vec::new();
                for a in &c.args {
                    ids.extend(self.targets(a, scope, me, depth, line)?);
                }
                self.count(ids.len(), line, col)?;
                vec![Step::Gather(ids)]
            }
            other => self
                .targets(other, scope, me, depth, line)?
                .into_iter()
                .map(Step::Await)
                .collect(),
        })
    }
}
