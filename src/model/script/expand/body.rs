//! The statements of a block → the steps of the task that runs them; a call of an `async def`
//! → a new task (the two recurse into each other).
use std::collections::BTreeMap;

use super::state::{Bound, Expand, Scope};
use super::value::{is_sleep, relocate};
use crate::model::scenario::TaskDef;
use crate::model::scenario::{Piece, Step, TaskId};
use crate::model::script::ast::Call;
use crate::model::script::ast::{Arg, Block, Stmt};
use crate::model::script::error::Nesting;
use crate::model::script::error::{ErrorKind, ScriptError};
use crate::model::script::format::py_str;
use crate::model::script::limits::{MAX_DEPTH, MAX_TASKS};
use crate::model::script::limits::{MAX_PRINTS, MAX_STEPS};
use crate::model::value::Value;

/// Where a statement is expanded: in task `me`, `depth` awaits from `main`, at `line`, `col`.
#[derive(Clone, Copy)]
struct Here {
    me: TaskId,
    depth: usize,
    line: usize,
    col: usize,
}

impl Expand<'_> {
    /// The steps of `stmts` (`top`: a function's own block, where `return` may stand).
    pub(super) fn body(
        &mut self,
        stmts: &Block,
        scope: &mut Scope,
        me: TaskId,
        depth: usize,
        top: bool,
    ) -> Result<Vec<Step>, ScriptError> {
        let mut out = Vec::new();
        for (line, col, st) in stmts {
            let (line, col) = (*line, *col);
            let h = Here {
                me,
                depth,
                line,
                col,
            };
            self.count(1, line, col)?;
            match st {
                Stmt::Pass => {}
                Stmt::Print(args) => self.print(args, scope, h, &mut out)?,
                Stmt::Block(a) => out.push(Step::Block(self.seconds(a, scope, line, col)?)),
                Stmt::NoAwait(call) => {
                    if call.name.starts_with("asyncio.") {
                        return Err(ScriptError::at(line, col, ErrorKind::UnknownStatement));
                    }
                    let t = self.instance(call, scope, me, depth)?;
                    out.push(Step::CallNoAwait(t));
                }
                Stmt::CreateTask { target, call } => {
                    let t = self.instance(call, scope, me, depth)?;
                    out.push(Step::Spawn(t));
                    scope.vars.insert(target.clone(), Bound::Task(t));
                }
                Stmt::Await { target, what } => {
                    out.extend(self.await_steps(what, scope, me, depth, line, col)?);
                    match target {
                        Some(t) if is_sleep(what) => {
                            scope.vars.insert(t.clone(), Bound::Val(Value::Null));
                        }
                        Some(t) => {
                            scope.vars.insert(t.clone(), Bound::Result);
                            scope.result = Some(t.clone());
                        }
                        None => {}
                    }
                }
                Stmt::TimeoutWith { .. } => {
                    return Err(ScriptError::at(line, col, ErrorKind::TryShape));
                }
                Stmt::Timeout { .. } | Stmt::With { .. } | Stmt::For { .. } => {
                    self.nested(st, scope, h, &mut out)?
                }
                Stmt::Return(_) if !top => {
                    return Err(ScriptError::at(line, col, ErrorKind::NestedReturn));
                }
                Stmt::Return(a) => {
                    self.return_steps(a, scope, h, &mut out)?;
                    break;
                }
            }
        }
        Ok(out)
    }

    /// `print(…)`, with at most one `await` among its arguments (awaited first).
    fn print(
        &mut self,
        args: &[Arg],
        scope: &mut Scope,
        h: Here,
        out: &mut Vec<Step>,
    ) -> Result<(), ScriptError> {
        let mut awaits = args.iter().enumerate().filter_map(|(k, a)| match a {
            Arg::Await(what, c) => Some((k, what, *c)),
            _ => None,
        });
        let first = awaits.next();
        if let Some((_, _, c)) = awaits.next() {
            return Err(ScriptError::at(h.line, c, ErrorKind::AwaitHere));
        }
        if let Some((_, what, _)) = first {
            out.extend(self.await_steps(what, scope, h.me, h.depth, h.line, h.col)?);
        }
        let text = self.print_text(args, scope, h.line, first.map(|x| x.0))?;
        self.lines += 1 + text
            .0
            .iter()
            .map(|p| match p {
                Piece::Lit(t) => t.matches('\n').count(),
                Piece::Result => 0,
            })
            .sum::<usize>();
        if self.lines > MAX_PRINTS {
            return Err(ScriptError::at(h.line, h.col, ErrorKind::TooManyLines));
        }
        out.push(Step::Print(text));
        if first.is_some() {
            // The awaited value is the latest result no name can print again.
            scope.result = None;
        }
        Ok(())
    }

    /// The statements with a block: a deadline, a semaphore held, a loop unrolled.
    fn nested(
        &mut self,
        st: &Stmt,
        scope: &mut Scope,
        h: Here,
        out: &mut Vec<Step>,
    ) -> Result<(), ScriptError> {
        let Here {
            me,
            depth,
            line,
            col,
        } = h;
        match st {
            Stmt::Timeout {
                secs,
                body,
                on_timeout,
            } => {
                let ms = self.seconds(secs, scope, line, col)?;
                let body = self.body(body, scope, me, depth, false)?;
                let on_timeout = self.body(on_timeout, scope, me, depth, false)?;
                out.push(Step::Timeout {
                    ms,
                    body,
                    on_timeout,
                });
            }
            Stmt::With { sem, body } => {
                let s = self.sem(sem, line, col)?;
                out.push(Step::Acquire(s));
                out.extend(self.body(body, scope, me, depth, false)?);
                out.push(Step::Release(s));
            }
            Stmt::For {
                var,
                from,
                to,
                body,
            } => {
                let (a, b) = self.bounds(from, to.as_ref(), scope, line, MAX_STEPS, "steps")?;
                for i in a..b {
                    scope.vars.insert(var.clone(), Bound::Val(Value::Int(i)));
                    out.extend(self.body(body, scope, me, depth, false)?);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A function's last statement, `return …`.
    fn return_steps(
        &mut self,
        a: &Arg,
        scope: &Scope,
        h: Here,
        out: &mut Vec<Step>,
    ) -> Result<(), ScriptError> {
        let v = match a {
            // `return await …`: the awaited result is the task's result (a sleep's is None).
            Arg::Await(what, _) => {
                out.extend(self.await_steps(what, scope, h.me, h.depth, h.line, h.col)?);
                is_sleep(what).then_some(Value::Null)
            }
            Arg::Name(n, c) if matches!(scope.vars.get(n), Some(Bound::Result)) => {
                if scope.result.as_deref() != Some(n.as_str()) {
                    return Err(ScriptError::at(h.line, *c, ErrorKind::NotATask(n.clone())));
                }
                None
            }
            other => Some(self.value(other, scope).map_err(|e| relocate(e, h.line))?),
        };
        // Returning the latest result keeps it (the task's result register).
        if let Some(v) = v {
            out.push(Step::Return(v));
        }
        Ok(())
    }
}

impl Expand<'_> {
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
    pub(super) fn function_body(
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
