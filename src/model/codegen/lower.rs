//! Lowers a task body (IR steps) to a small statement tree that every language prints its own
//! way: `Acquire … Release` becomes a block, a cancellable region a `try`, runs of in-place awaits
//! of `download(1..n)` a loop, and "the task's result" a named variable.
use std::collections::HashSet;

use super::super::scenario::{Combinator, Piece, Scenario, SemId, Step, TaskId};
use super::super::trace::Queue;
use super::super::value::Value;
use super::group::{Arg, Dur, Groups, ParamKind, SlotExpr, TPiece, TVal};

/// A variable: name words plus an example of its value (Rust needs the type).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Var {
    pub words: Vec<String>,
    pub example: Option<Value>,
}

/// A piece of printed text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TP {
    Lit(String),
    Label,
    Var(Var),
    /// A parameter of the function (a duration in ms, or a result).
    Param(usize),
    /// A result that was never set: the language's null (`None`, `null`).
    Null,
}

/// The text when it is literal pieces only (every language then writes a plain string).
pub(crate) fn literal_text(text: &[TP]) -> Option<String> {
    text.iter()
        .map(|p| match p {
            TP::Lit(s) => Some(s.as_str()),
            _ => None,
        })
        .collect()
}

/// A returned value's text pieces as print pieces (a result or a slot has no text of its own).
pub(crate) fn value_text(pieces: &[TPiece]) -> Vec<TP> {
    pieces
        .iter()
        .map(|p| match p {
            TPiece::Lit(s) => TP::Lit(s.clone()),
            TPiece::Label => TP::Label,
            TPiece::Param(p) => TP::Param(*p),
            TPiece::Result | TPiece::Slot(_) => TP::Lit(String::new()),
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Target {
    /// A task spawned earlier, held in a variable.
    Spawned(Var),
    /// Called and awaited in place.
    InPlace(TaskId),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Stmt {
    Print {
        text: Vec<TP>,
        key: usize,
    },
    Sleep(Dur),
    Block(Dur),
    Cpu {
        work: u64,
        /// Holds the count when the task returns it.
        assign: Option<Var>,
    },
    Spawn {
        var: Var,
        task: TaskId,
    },
    Await {
        what: Target,
        task: TaskId,
        assign: Option<Var>,
    },
    Gather {
        tasks: Vec<TaskId>,
        assign: Option<Var>,
    },
    Combine {
        how: Combinator,
        tasks: Vec<TaskId>,
        assign: Option<Var>,
    },
    WaitFor {
        tasks: Vec<TaskId>,
        ms: Dur,
        assign: Option<Var>,
    },
    Timeout {
        ms: Dur,
        body: Vec<Stmt>,
        on_timeout: Vec<Stmt>,
    },
    /// `Acquire(sem) … Release(sem)` at one level: `async with sem:`.
    Sem {
        sem: SemId,
        body: Vec<Stmt>,
    },
    Acquire(SemId),
    Release(SemId),
    Fail(Vec<TP>),
    /// A `Return` whose value is printed before the task ends.
    SetResult {
        var: Var,
        val: TVal,
    },
    CallNoAwait(TaskId),
    Schedule {
        queue: Queue,
        text: String,
        key: usize,
    },
    /// The results of tasks awaited one after another, in order (a sequential gather).
    SeqGather {
        tasks: Vec<TaskId>,
        assign: Var,
    },
    /// Awaits `tasks` (one function, labels lo..=hi) one after another.
    AwaitLoop {
        tasks: Vec<TaskId>,
        assign: Option<Var>,
    },
    /// The part of a task that can be cancelled, and what it prints when it is.
    Guard {
        body: Vec<Stmt>,
        on_cancel: Vec<Stmt>,
    },
}

/// What a function returns at its end.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ret {
    Val(TVal),
    Var(Var),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Body {
    pub stmts: Vec<Stmt>,
    pub ret: Option<Ret>,
}

/// Facts about the whole program the emitters need.
#[derive(Clone, Debug, Default)]
pub(crate) struct Facts {
    /// Tasks a timeout or a `WaitFor` may cancel (they take an abort signal in JS).
    pub cancellable: Vec<bool>,
    /// Static result of each task (an example value, for types and notes).
    pub results: Vec<Option<Value>>,
}

pub(crate) fn facts(s: &Scenario) -> Facts {
    let n = s.tasks.len();
    let mut cancellable = vec![false; n];
    let mut stack: Vec<TaskId> = Vec::new();
    for task in &s.tasks {
        collect_cancel_roots(&task.body, false, &mut stack);
    }
    while let Some(t) = stack.pop() {
        if t >= n || cancellable[t] {
            continue;
        }
        cancellable[t] = true;
        children(&s.tasks[t].body, &mut stack);
    }
    let mut results = vec![None; n];
    for (t, slot) in results.iter_mut().enumerate() {
        *slot = static_result(s, t, 0);
    }
    Facts {
        cancellable,
        results,
    }
}

fn collect_cancel_roots(steps: &[Step], inside: bool, out: &mut Vec<TaskId>) {
    for step in steps {
        match step {
            Step::Timeout { body, .. } => {
                collect_cancel_roots(body, true, out);
            }
            Step::WaitFor { tasks, .. } => out.extend(tasks),
            _ if inside => children(std::slice::from_ref(step), out),
            _ => {}
        }
    }
}

fn children(steps: &[Step], out: &mut Vec<TaskId>) {
    for step in steps {
        match step {
            Step::Spawn(c) | Step::Await(c) => out.push(*c),
            Step::Gather(cs)
            | Step::Combine { tasks: cs, .. }
            | Step::WaitFor { tasks: cs, .. } => out.extend(cs),
            Step::Timeout {
                body, on_timeout, ..
            } => {
                children(body, out);
                children(on_timeout, out);
            }
            _ => {}
        }
    }
}

/// The value a task ends with, as far as it is known without running it.
fn static_result(s: &Scenario, t: TaskId, depth: usize) -> Option<Value> {
    if depth > 8 {
        return None;
    }
    let task = s.tasks.get(t)?;
    let mut reg = None;
    fold_result(s, &task.body, depth, &mut reg);
    reg
}

fn fold_result(s: &Scenario, steps: &[Step], depth: usize, reg: &mut Option<Value>) {
    for step in steps {
        match step {
            Step::Return(v) => *reg = Some(v.clone()),
            Step::Await(c) => *reg = static_result(s, *c, depth + 1),
            Step::Gather(cs) | Step::WaitFor { tasks: cs, .. } => {
                *reg = Some(Value::List(
                    cs.iter()
                        .map(|c| static_result(s, *c, depth + 1).unwrap_or(Value::Null))
                        .collect(),
                ))
            }
            Step::Combine { .. } => *reg = Some(Value::Null),
            Step::Timeout { body, .. } => fold_result(s, body, depth, reg),
            _ => {}
        }
    }
}

/// Lowers task `t` (main or a function's representative) with the function's slot expressions.
pub(crate) fn lower(
    s: &Scenario,
    g: &Groups,
    facts: &Facts,
    t: TaskId,
    slots: Option<&[SlotExpr]>,
    cancellable: bool,
) -> Body {
    let Some(task) = s.tasks.get(t) else {
        return Body {
            stmts: Vec::new(),
            ret: None,
        };
    };
    let is_main = t == 0;
    let mut cx = Cx {
        s,
        g,
        facts,
        slots,
        slot: 0,
        key: 0,
        reg_counter: 0,
        used: HashSet::new(),
        printed: HashSet::new(),
        names: Vec::new(),
        reg: None,
        spawned: Vec::new(),
        inplace: HashSet::new(),
        cpu: None,
        ret: None,
    };
    // Pass 1: which register writes are read (by a print, or by the task's end).
    let mut probe = RegProbe {
        results: &facts.results,
        counter: 0,
        current: None,
        used: HashSet::new(),
    };
    probe.walk(&task.body);
    cx.printed = probe.used.clone();
    cx.used = probe.used;
    if !is_main {
        if let Some(last) = probe.current {
            cx.used.insert(last);
        }
    }
    let mut stmts = cx.steps(&task.body);
    let ret = if is_main { None } else { cx.ret.clone() };
    stmts = structure(stmts, g);
    // Cleanup code only where something can cancel the task.
    if !is_main && cancellable && !task.on_cancel.is_empty() {
        let on_cancel = cx.steps(&task.on_cancel);
        stmts = guard(stmts, on_cancel);
    }
    Body { stmts, ret }
}

/// Whether `Await(c)` sets the awaiter's result (only when `c` returns something).
fn await_writes(results: &[Option<Value>], c: TaskId) -> bool {
    results.get(c).is_some_and(Option::is_some)
}

struct RegProbe<'a> {
    results: &'a [Option<Value>],
    counter: usize,
    current: Option<usize>,
    used: HashSet<usize>,
}

impl RegProbe<'_> {
    fn walk(&mut self, steps: &[Step]) {
        for step in steps {
            match step {
                Step::Print(t) if t.0.contains(&Piece::Result) => {
                    if let Some(c) = self.current {
                        self.used.insert(c);
                    }
                }
                Step::Await(c) if !await_writes(self.results, *c) => {}
                Step::Return(_)
                | Step::Await(_)
                | Step::Gather(_)
                | Step::Combine { .. }
                | Step::WaitFor { .. } => {
                    self.current = Some(self.counter);
                    self.counter += 1;
                }
                Step::Timeout {
                    body, on_timeout, ..
                } => {
                    self.walk(body);
                    self.walk(on_timeout);
                }
                _ => {}
            }
        }
    }
}

struct Cx<'a> {
    s: &'a Scenario,
    g: &'a Groups,
    facts: &'a Facts,
    slots: Option<&'a [SlotExpr]>,
    slot: usize,
    key: usize,
    reg_counter: usize,
    /// Register writes read by a print or by the task's end.
    used: HashSet<usize>,
    /// Register writes read by a print.
    printed: HashSet<usize>,
    names: Vec<Vec<String>>,
    /// The variable holding the task's result register, if it has one.
    reg: Option<Var>,
    spawned: Vec<(TaskId, Var)>,
    /// Tasks this body awaited in place (a later `Gather` of them only collects results).
    inplace: HashSet<TaskId>,
    /// The variable holding a computed count, and the count, while it is the result to come.
    cpu: Option<(Var, i64)>,
    ret: Option<Ret>,
}

impl Cx<'_> {
    fn next_slot(&mut self) -> Option<&SlotExpr> {
        let i = self.slot;
        self.slot += 1;
        self.slots.and_then(|s| s.get(i))
    }

    fn text(&mut self, pieces: &[Piece]) -> Vec<TP> {
        let tpl: Vec<TPiece> = match self.next_slot() {
            Some(SlotExpr::Text(t)) => t.clone(),
            _ => pieces
                .iter()
                .map(|p| match p {
                    Piece::Lit(s) => TPiece::Lit(s.clone()),
                    Piece::Result => TPiece::Result,
                })
                .collect(),
        };
        tpl.into_iter()
            .map(|p| match p {
                TPiece::Lit(s) => TP::Lit(s),
                TPiece::Label => TP::Label,
                TPiece::Param(p) => TP::Param(p),
                TPiece::Slot(_) => TP::Lit(String::new()),
                TPiece::Result => match &self.reg {
                    Some(v) => TP::Var(v.clone()),
                    None => TP::Null,
                },
            })
            .collect()
    }

    fn dur(&mut self, ms: u64) -> Dur {
        match self.next_slot() {
            Some(SlotExpr::Ms(d)) => *d,
            _ => Dur::Ms(ms),
        }
    }

    fn fresh(&mut self, base: &str, example: Option<Value>) -> Var {
        let mut words = vec![base.to_string()];
        let mut n = 2;
        while self.names.contains(&words) {
            words = vec![format!("{base}{n}")];
            n += 1;
        }
        self.names.push(words.clone());
        Var { words, example }
    }

    /// A register write: a variable when something reads it, else nothing.
    fn reg_write(&mut self, base: &str, example: Option<Value>) -> Option<Var> {
        let i = self.reg_counter;
        self.reg_counter += 1;
        if self.used.contains(&i) {
            let v = self.fresh(base, example);
            self.reg = Some(v.clone());
            self.ret = Some(Ret::Var(v.clone()));
            Some(v)
        } else {
            self.reg = None;
            self.ret = None;
            None
        }
    }

    fn result_of(&self, t: TaskId) -> Option<Value> {
        self.facts.results.get(t).cloned().flatten()
    }

    fn list_of(&self, ts: &[TaskId]) -> Option<Value> {
        Some(Value::List(
            ts.iter()
                .map(|t| self.result_of(*t).unwrap_or(Value::Null))
                .collect(),
        ))
    }

    fn steps(&mut self, steps: &[Step]) -> Vec<Stmt> {
        let mut out = Vec::new();
        for step in steps {
            match step {
                Step::Print(t) => {
                    let text = self.text(&t.0);
                    out.push(Stmt::Print {
                        text,
                        key: self.key,
                    });
                    self.key += 1;
                }
                Step::Sleep(ms) => {
                    let d = self.dur(*ms);
                    out.push(Stmt::Sleep(d));
                }
                Step::Block(ms) => {
                    let d = self.dur(*ms);
                    out.push(Stmt::Block(d));
                }
                Step::Cpu { work, .. } => {
                    // A task returning what it computed returns the count, not a copy of it.
                    let expect = count_primes_if_small(*work);
                    let returned = steps
                        .iter()
                        .any(|st| matches!(st, Step::Return(Value::Int(n)) if Some(*n) == expect));
                    let assign = if returned {
                        let v = self.fresh("count", expect.map(Value::Int));
                        self.cpu = expect.map(|n| (v.clone(), n));
                        Some(v)
                    } else {
                        None
                    };
                    out.push(Stmt::Cpu {
                        work: *work,
                        assign,
                    });
                }
                Step::Spawn(c) => {
                    let mut w = self.task_words(*c);
                    w.push("task".into());
                    let var = Var {
                        words: w,
                        example: None,
                    };
                    self.names.push(var.words.clone());
                    self.spawned.push((*c, var.clone()));
                    out.push(Stmt::Spawn { var, task: *c });
                }
                Step::Await(c) => {
                    let what = match self.spawned.iter().find(|(t, _)| t == c) {
                        Some((_, v)) => Target::Spawned(v.clone()),
                        None => {
                            self.inplace.insert(*c);
                            Target::InPlace(*c)
                        }
                    };
                    let ex = self.result_of(*c);
                    let assign = if await_writes(&self.facts.results, *c) {
                        self.reg_write("result", ex)
                    } else {
                        None
                    };
                    out.push(Stmt::Await {
                        what,
                        task: *c,
                        assign,
                    });
                }
                Step::Gather(cs) => {
                    let ex = self.list_of(cs);
                    let assign = self.reg_write("results", ex);
                    let collect = !cs.is_empty() && cs.iter().all(|c| self.inplace.contains(c));
                    if collect {
                        // Sequential form: the children already ran in place just above.
                        if let Some(var) = assign {
                            let k = out.len().saturating_sub(cs.len());
                            let tail_matches = out.len() >= cs.len()
                                && out[k..].iter().zip(cs).all(|(st, c)| {
                                    matches!(st, Stmt::Await { what: Target::InPlace(t), .. } if t == c)
                                });
                            if tail_matches {
                                out.truncate(k);
                            }
                            out.push(Stmt::SeqGather {
                                tasks: cs.clone(),
                                assign: var,
                            });
                        }
                    } else {
                        out.push(Stmt::Gather {
                            tasks: cs.clone(),
                            assign,
                        });
                    }
                }
                Step::Combine { how, tasks } => {
                    let assign = self.reg_write("outcome", Some(Value::Null));
                    out.push(Stmt::Combine {
                        how: *how,
                        tasks: tasks.clone(),
                        assign,
                    });
                }
                Step::WaitFor { tasks, ms } => {
                    let d = self.dur(*ms);
                    let ex = self.list_of(tasks);
                    let assign = self.reg_write("results", ex);
                    out.push(Stmt::WaitFor {
                        tasks: tasks.clone(),
                        ms: d,
                        assign,
                    });
                }
                Step::Timeout {
                    ms,
                    body,
                    on_timeout,
                } => {
                    let d = self.dur(*ms);
                    let b = self.steps(body);
                    let b = structure(b, self.g);
                    let o = self.steps(on_timeout);
                    out.push(Stmt::Timeout {
                        ms: d,
                        body: b,
                        on_timeout: o,
                    });
                }
                Step::Acquire(s) => out.push(Stmt::Acquire(*s)),
                Step::Release(s) => out.push(Stmt::Release(*s)),
                Step::Fail(e) => {
                    let text = self.text(&[Piece::Lit(e.clone())]);
                    out.push(Stmt::Fail(text));
                }
                Step::Return(v) => {
                    let val = match self.next_slot() {
                        Some(SlotExpr::Val(t)) => t.clone(),
                        _ => TVal::Const(v.clone()),
                    };
                    let i = self.reg_counter;
                    self.reg_counter += 1;
                    if let (Some((var, n)), Value::Int(m)) = (&self.cpu, v) {
                        if n == m {
                            let var = var.clone();
                            self.reg = Some(var.clone());
                            self.ret = Some(Ret::Var(var));
                            continue;
                        }
                    }
                    // Printed later: hold it in a variable; otherwise `return` it at the end.
                    if self.printed.contains(&i) {
                        let var = self.fresh("result", Some(v.clone()));
                        self.reg = Some(var.clone());
                        self.ret = Some(Ret::Var(var.clone()));
                        out.push(Stmt::SetResult { var, val });
                    } else {
                        self.reg = None;
                        self.ret = Some(Ret::Val(val));
                    }
                }
                Step::CallNoAwait(c) => out.push(Stmt::CallNoAwait(*c)),
                Step::Schedule { queue, text } => {
                    out.push(Stmt::Schedule {
                        queue: *queue,
                        text: text.clone(),
                        key: self.key,
                    });
                    self.key += 1;
                }
            }
        }
        out
    }

    fn task_words(&self, t: TaskId) -> Vec<String> {
        let w = self
            .s
            .tasks
            .get(t)
            .map(|x| super::group::words(&x.name))
            .unwrap_or_default();
        if w.is_empty() || w[0].starts_with(|c: char| c.is_ascii_digit()) {
            let mut v = vec!["task".to_string()];
            v.extend(w);
            v
        } else {
            w
        }
    }
}

/// Blocks for semaphores and loops for runs of in-place awaits, at one level.
pub(crate) fn structure(stmts: Vec<Stmt>, g: &Groups) -> Vec<Stmt> {
    let stmts = sem_blocks(stmts);
    await_loops(stmts, g)
}

fn sem_blocks(mut items: Vec<Stmt>) -> Vec<Stmt> {
    // Folds `Acquire(s) … Release(s)` pairs at this level, innermost first.
    loop {
        let mut changed = false;
        let mut i = 0;
        while i < items.len() {
            if let Stmt::Acquire(sem) = items[i] {
                let next = (i + 1..items.len())
                    .find(|j| matches!(items[*j], Stmt::Release(r) | Stmt::Acquire(r) if r == sem));
                if let Some(j) = next.filter(|j| matches!(items[*j], Stmt::Release(_))) {
                    let body: Vec<Stmt> = items.drain(i + 1..j).collect();
                    items.remove(i + 1);
                    items[i] = Stmt::Sem { sem, body };
                    changed = true;
                }
            }
            i += 1;
        }
        if !changed {
            return items;
        }
    }
}

fn await_loops(stmts: Vec<Stmt>, g: &Groups) -> Vec<Stmt> {
    // The task and label of an in-place await of a function whose only parameter is the label.
    let key = |s: &Stmt| match s {
        Stmt::Await {
            what: Target::InPlace(t),
            assign,
            ..
        } => {
            let f = g.fn_of.get(*t).copied().flatten()?;
            if g.fns.get(f)?.params != [ParamKind::IntLabel] {
                return None;
            }
            match g.args_of(*t).first() {
                Some(Arg::Int(i)) => Some((*t, f, *i, assign.is_some())),
                _ => None,
            }
        }
        _ => None,
    };
    let mut out = Vec::with_capacity(stmts.len());
    let n = stmts.len();
    let mut i = 0;
    while i < n {
        // The longest run from i: one function, consecutive labels; only its last await may
        // keep the result.
        let mut j = i;
        let mut tasks = Vec::new();
        if let Some((t, f, first, assigned)) = key(&stmts[i]) {
            tasks.push(t);
            j = i + 1;
            let mut last = first;
            let mut closed = assigned;
            while j < n && !closed {
                match key(&stmts[j]) {
                    Some((t2, f2, label, assigned2)) if f2 == f && label == last + 1 => {
                        tasks.push(t2);
                        last = label;
                        closed = assigned2;
                        j += 1;
                    }
                    _ => break,
                }
            }
        }
        if tasks.len() >= 3 {
            let assign = match &stmts[j - 1] {
                Stmt::Await { assign, .. } => assign.clone(),
                _ => None,
            };
            out.push(Stmt::AwaitLoop { tasks, assign });
            i = j;
        } else {
            out.push(stmts[i].clone());
            i += 1;
        }
    }
    out
}

/// Whether a statement can suspend the task (where a cancellation can land).
fn suspends(s: &Stmt) -> bool {
    matches!(
        s,
        Stmt::Sleep(_)
            | Stmt::Await { .. }
            | Stmt::Gather { .. }
            | Stmt::Combine { .. }
            | Stmt::WaitFor { .. }
            | Stmt::Timeout { .. }
            | Stmt::Sem { .. }
            | Stmt::Acquire(_)
            | Stmt::AwaitLoop { .. }
    )
}

/// Wraps the statements from the first to the last suspension point in a cancellation guard.
fn guard(stmts: Vec<Stmt>, on_cancel: Vec<Stmt>) -> Vec<Stmt> {
    let first = stmts.iter().position(suspends);
    let last = stmts.iter().rposition(suspends);
    let (a, b) = match (first, last) {
        (Some(a), Some(b)) => (a, b),
        _ => (0, stmts.len().saturating_sub(1)),
    };
    if stmts.is_empty() {
        return vec![Stmt::Guard {
            body: Vec::new(),
            on_cancel,
        }];
    }
    let mut out = Vec::new();
    let mut rest = stmts;
    let tail = rest.split_off(b + 1);
    let mid = rest.split_off(a);
    out.extend(rest);
    out.push(Stmt::Guard {
        body: mid,
        on_cancel,
    });
    out.extend(tail);
    out
}

/// The statements that do something visible, in order (for tests and line maps).
#[allow(dead_code)]
pub(crate) fn flatten(stmts: &[Stmt], out: &mut Vec<Stmt>) {
    for s in stmts {
        match s {
            Stmt::Timeout {
                body, on_timeout, ..
            } => {
                flatten(body, out);
                flatten(on_timeout, out);
            }
            Stmt::Sem { body, .. } => flatten(body, out),
            Stmt::Guard { body, on_cancel } => {
                flatten(body, out);
                flatten(on_cancel, out);
            }
            other => out.push(other.clone()),
        }
    }
}

/// The prime count a `Cpu` step computes, when it is cheap to check here (the view then
/// returns the computed count rather than a literal).
fn count_primes_if_small(work: u64) -> Option<i64> {
    if work > 10_000_000 {
        return None;
    }
    i64::try_from(super::super::catalog::count_primes_below(work)).ok()
}

/// Tasks that some statement starts as a task of its own (spawn, gather, combinator, wait,
/// call without await): their functions must be `async`.
pub(crate) fn started_as_tasks(stmts: &[Stmt], out: &mut HashSet<TaskId>) {
    for s in stmts {
        match s {
            Stmt::Spawn { task, .. } => {
                out.insert(*task);
            }
            Stmt::CallNoAwait(t) => {
                out.insert(*t);
            }
            Stmt::Gather { tasks, .. }
            | Stmt::Combine { tasks, .. }
            | Stmt::WaitFor { tasks, .. } => out.extend(tasks.iter().copied()),
            Stmt::Timeout {
                body, on_timeout, ..
            } => {
                started_as_tasks(body, out);
                started_as_tasks(on_timeout, out);
            }
            Stmt::Sem { body, .. } => started_as_tasks(body, out),
            Stmt::Guard { body, on_cancel } => {
                started_as_tasks(body, out);
                started_as_tasks(on_cancel, out);
            }
            _ => {}
        }
    }
}
