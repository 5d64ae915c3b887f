//! The Rust view: tokio on one thread (`current_thread`, like an event loop), `tokio::spawn`,
//! `tokio::join!` / `join_all`, `tokio::time::{sleep, timeout}`, `Semaphore`, and
//! `std::thread::sleep` for a blocking call. A cancelled future is dropped: its cleanup line
//! lives in a guard's `Drop`.
use super::super::scenario::{Combinator, Step, TaskId};
use super::super::trace::Queue;
use super::super::value::{Value, RUST_RECORD};
use super::group::{param_names, Arg, Dur, ParamKind, TVal};
use super::lower::{Body, Ret, Stmt, Target, Var, TP};
use super::out::Out;
use super::{any_in, digits, snake, Ctx};

/// Names a generated Rust program never gives a variable, besides the keywords the highlighter
/// knows (`highlight::RS_KEYWORDS`): other reserved words and the program's own names.
const KEYWORDS: &[&str] = &[
    "extern",
    "false",
    "true",
    "yield",
    "main",
    "sleep",
    "timeout",
    "count_primes",
    "join_all",
    "result",
    "results",
    "i",
    "name",
    "ms",
    "value",
    "permit",
    "handles",
    "outcome",
];

pub(crate) fn emit(cx: &Ctx) -> Out {
    let names: Vec<String> = cx
        .g
        .fns
        .iter()
        .map(|f| {
            let n = snake(&f.name);
            if KEYWORDS.contains(&n.as_str()) || super::highlight::RS_KEYWORDS.contains(&n.as_str())
            {
                format!("{n}_job")
            } else {
                n
            }
        })
        .collect();
    let mut rs = Rs {
        cx,
        names,
        o: Out::new("    ", cx.g.fns.len()),
        fn_params: Vec::new(),
        fails: Vec::new(),
    };
    rs.fails =
        cx.g.fns
            .iter()
            .map(|f| {
                cx.s.tasks
                    .get(f.rep)
                    .is_some_and(|t| any_in(&t.body, &|s| matches!(s, Step::Fail(_))))
            })
            .collect();
    rs.program();
    rs.o
}

struct Rs<'a> {
    cx: &'a Ctx<'a>,
    names: Vec<String>,
    o: Out,
    fn_params: Vec<String>,
    /// Functions that can fail (they return a `Result`).
    fails: Vec<bool>,
}

/// The Rust type of a value.
fn rust_type(v: &Value) -> String {
    match v {
        Value::Null => "Option<i64>".into(),
        Value::Bool(_) => "bool".into(),
        Value::Int(_) => "i64".into(),
        Value::Float(_) => "f64".into(),
        Value::Str(_) => "&'static str".into(),
        Value::List(items) => format!(
            "Vec<{}>",
            items.first().map_or("i64".to_string(), rust_type)
        ),
        Value::Record(_) => RUST_RECORD.into(),
    }
}

fn tval_type(t: &TVal, example: Option<&Value>, label: Option<ParamKind>) -> String {
    match t {
        TVal::Text(_) => "String".into(),
        TVal::Label if label == Some(ParamKind::StrLabel) => "&'static str".into(),
        TVal::Label | TVal::Linear(..) => "i64".into(),
        TVal::Const(v) => rust_type(v),
        _ => example.map_or("()".into(), rust_type),
    }
}

fn find_record(v: &Value) -> Option<&Vec<(String, Value)>> {
    match v {
        Value::Record(f) => Some(f),
        Value::List(items) => items.iter().find_map(find_record),
        _ => None,
    }
}

impl Rs<'_> {
    fn program(&mut self) {
        let cx = self.cx;
        let uses = |f: &dyn Fn(&Step) -> bool| cx.any_step(f);
        let blocks = uses(&|s| matches!(s, Step::Block(_)));
        let cpu = uses(&|s| matches!(s, Step::Cpu { .. }));
        let timeouts = uses(&|s| matches!(s, Step::Timeout { .. }));
        let waits = uses(&|s| matches!(s, Step::WaitFor { .. }));
        let guards = cx
            .bodies
            .iter()
            .any(|b| b.stmts.iter().any(|s| matches!(s, Stmt::Guard { .. })));
        let join_all = self.uses_join_all();
        self.o
            .line("// Cargo.toml: tokio = { version = \"1\", features = [\"full\"] }");
        if join_all {
            self.o.line("//             futures = \"0.3\"");
        }
        self.o.line("use std::time::Duration;");
        if join_all {
            self.o.line("use futures::future::join_all;");
        }
        if !cx.s.semaphores.is_empty() {
            self.o.line("use tokio::sync::Semaphore;");
        }
        let mut time = vec!["sleep"];
        if timeouts {
            time.push("timeout");
        }
        if waits {
            time.push("timeout_at");
            time.push("Instant");
        }
        if time.len() == 1 {
            self.o.line("use tokio::time::sleep;");
        } else {
            self.o
                .line(format!("use tokio::time::{{{}}};", time.join(", ")));
        }
        // A record type, if any task returns records.
        let record = cx.facts.results.iter().flatten().find_map(find_record);
        if let Some(fields) = record {
            self.o.blank();
            self.o.line("#[derive(Debug)]");
            self.o.line(format!("struct {RUST_RECORD} {{"));
            self.o.push();
            for (k, v) in fields {
                self.o.line(format!("{}: {},", ident(k), rust_type(v)));
            }
            self.o.pop();
            self.o.line("}");
        }
        if !cx.s.semaphores.is_empty() {
            self.o.blank();
            for (i, n) in cx.s.semaphores.iter().enumerate() {
                let name = sem_name(i, cx.s.semaphores.len()).to_ascii_uppercase();
                self.o.line(format!(
                    "static {name}: Semaphore = Semaphore::const_new({n}); // at most {n} at a time"
                ));
            }
        }
        if guards {
            self.o.blank();
            self.o.line(
                "/// Runs its closure when dropped. A cancelled future is dropped, not resumed,",
            );
            self.o.line("/// so this is where it can say so.");
            self.o.line("struct OnCancel<F: FnMut()>(F);");
            self.o.blank();
            self.o.line("impl<F: FnMut()> Drop for OnCancel<F> {");
            self.o.push();
            self.o.line("fn drop(&mut self) {");
            self.o.push();
            self.o.line("(self.0)();");
            self.o.pop();
            self.o.line("}");
            self.o.pop();
            self.o.line("}");
        }
        if cx.s.tasks.iter().any(|t| t.thread.is_some()) || blocks {
            // std::thread::sleep is written in full where used.
        }
        if cpu {
            self.o.blank();
            self.o
                .line("/// Real work for the processor: count the primes below limit.");
            self.o.line("fn count_primes(limit: usize) -> i64 {");
            self.o.push();
            self.o.line("let mut composite = vec![false; limit];");
            self.o.line("let mut count = 0;");
            self.o.line("for n in 2..limit {");
            self.o.push();
            self.o.line("if composite[n] {");
            self.o.push();
            self.o.line("continue;");
            self.o.pop();
            self.o.line("}");
            self.o.line("count += 1;");
            self.o.line("for multiple in (n * n..limit).step_by(n) {");
            self.o.push();
            self.o.line("composite[multiple] = true;");
            self.o.pop();
            self.o.line("}");
            self.o.pop();
            self.o.line("}");
            self.o.line("count");
            self.o.pop();
            self.o.line("}");
        }
        for f in 0..cx.g.fns.len() {
            self.o.blank();
            self.function(f);
        }
        self.o.blank();
        self.o.begin(0);
        self.fn_params = Vec::new();
        self.o
            .line("#[tokio::main(flavor = \"current_thread\")] // one thread, one event loop");
        let def = self.o.line("async fn main() {");
        self.o.slot("start", def);
        self.o.push();
        let main = &cx.main;
        self.stmts(&main.stmts, false);
        let last = self.o.last_line();
        self.o.slot("end", last);
        self.o.pop();
        self.o.line("}");
    }

    fn uses_join_all(&self) -> bool {
        let mut all = Vec::new();
        super::lower::flatten(&self.cx.main.stmts, &mut all);
        for b in &self.cx.bodies {
            super::lower::flatten(&b.stmts, &mut all);
        }
        all.iter().any(|s| match s {
            Stmt::Gather { tasks, .. } | Stmt::Combine { tasks, .. } => {
                tasks.len() >= 3 && self.cx.g.range(tasks).is_some()
            }
            _ => false,
        })
    }

    fn function(&mut self, f: usize) {
        let cx = self.cx;
        let def = &cx.g.fns[f];
        let body: &Body = &cx.bodies[f];
        self.o.begin(f + 1);
        let names = param_names(&def.params);
        let typed: Vec<String> = names
            .iter()
            .zip(&def.params)
            .enumerate()
            .map(|(k, (n, kind))| {
                let ty = match kind {
                    ParamKind::IntLabel => "i64".to_string(),
                    ParamKind::StrLabel => "&'static str".to_string(),
                    ParamKind::Ms => "u64".to_string(),
                    ParamKind::Val => {
                        cx.g.args_of(def.rep)
                            .iter()
                            .filter(|a| matches!(a, Arg::Val(_)))
                            .nth(
                                def.params[..k]
                                    .iter()
                                    .filter(|p| **p == ParamKind::Val)
                                    .count(),
                            )
                            .map_or("i64".to_string(), |a| match a {
                                Arg::Val(v) => rust_type(v),
                                _ => "i64".into(),
                            })
                    }
                };
                format!("{n}: {ty}")
            })
            .collect();
        self.fn_params = names;
        let example = cx.facts.results.get(def.rep).cloned().flatten();
        let ret_ty = match &body.ret {
            Some(Ret::Val(v)) => Some(tval_type(v, example.as_ref(), def.params.first().copied())),
            Some(Ret::Var(v)) => v.example.as_ref().map(rust_type),
            None => None,
        };
        let fails = self.fails.get(f).copied().unwrap_or(false);
        let ret_ty = match (ret_ty, fails) {
            (Some(t), true) => Some(format!("Result<{t}, String>")),
            (None, true) => Some("Result<(), String>".into()),
            (t, false) => t,
        };
        let arrow = ret_ty.map(|t| format!(" -> {t}")).unwrap_or_default();
        if def.worker {
            self.o.line(
                "/// Runs on a thread of its own (`spawn_blocking`): blocking holds only that thread.",
            );
        }
        let plain = def.worker || cx.plain.get(f).copied().unwrap_or(false);
        let head = format!(
            "{}fn {}({}){arrow} {{",
            if plain { "" } else { "async " },
            self.names[f],
            typed.join(", ")
        );
        let line = self.o.line(head);
        self.o.slot("start", line);
        self.o.push();
        self.stmts(&body.stmts, def.worker);
        let ret = match &body.ret {
            Some(Ret::Val(v)) => Some(self.tval(v)),
            Some(Ret::Var(v)) => Some(var(v)),
            None => None,
        };
        match (ret, fails) {
            (Some(r), true) => {
                let l = self.o.line(format!("Ok({r})"));
                self.o.slot("end", l);
            }
            (None, true) => {
                // A body that ends by failing has no `Ok` to give.
                let ends_failing = matches!(body.stmts.last(), Some(Stmt::Fail(_)));
                let l = if ends_failing {
                    self.o.last_line()
                } else {
                    self.o.line("Ok(())")
                };
                self.o.slot("end", l);
            }
            (Some(r), false) => {
                let l = self.o.line(r);
                self.o.slot("end", l);
            }
            (None, false) => {
                let l = self.o.last_line();
                self.o.slot("end", l);
            }
        }
        self.o.pop();
        self.o.line("}");
    }

    fn dur(&self, d: Dur) -> String {
        match d {
            Dur::Ms(ms) => {
                let v = self.cx.ms(ms).round() as u64;
                format!("Duration::from_millis({})", digits(v))
            }
            Dur::Param(p) => {
                let name = self.fn_params.get(p).cloned().unwrap_or_else(|| "0".into());
                if self.cx.scale == 1.0 {
                    format!("Duration::from_millis({name})")
                } else {
                    format!(
                        "Duration::from_secs_f64({name} as f64 / 1000.0 * {})",
                        super::decimal(self.cx.scale)
                    )
                }
            }
        }
    }

    fn stmts(&mut self, stmts: &[Stmt], worker: bool) {
        for s in stmts {
            self.stmt(s, worker);
        }
    }

    fn stmt(&mut self, s: &Stmt, worker: bool) {
        let cx = self.cx;
        match s {
            Stmt::Print { text, key } => {
                let l = self.o.line(format!("println!({});", self.fmt(text)));
                self.o.slot_print(l, *key);
            }
            Stmt::Sleep(d) => {
                let l = if worker {
                    self.o.line(format!(
                        "std::thread::sleep({}); // this thread only",
                        self.dur(*d)
                    ))
                } else {
                    self.o.line(format!("sleep({}).await;", self.dur(*d)))
                };
                self.o.slot("sleep", l);
                self.o.slot("wake", l);
            }
            Stmt::Block(d) => {
                let l = self.o.line(format!(
                    "std::thread::sleep({}); // blocks the thread: nothing else runs",
                    self.dur(*d)
                ));
                self.o.slot("block", l);
                self.o.slot("unblock", l);
            }
            Stmt::Cpu { work, assign } => {
                let l = match assign {
                    Some(v) => {
                        self.o
                            .line(format!("let {} = count_primes({});", var(v), digits(*work)))
                    }
                    None => self.o.line(format!("count_primes({});", digits(*work))),
                };
                self.o.slot("block", l);
                self.o.slot("unblock", l);
            }
            Stmt::Spawn { var: v, task } => {
                let l = self.o.line(format!(
                    "let {} = tokio::spawn({});",
                    var(v),
                    self.future(*task)
                ));
                self.o.slot("spawn", l);
            }
            Stmt::Await { what, task, assign } => {
                let q = if self.fails_task(*task) { "?" } else { "" };
                let expr = match what {
                    Target::Spawned(v) => format!("{}.await.unwrap(){q}", var(v)),
                    Target::InPlace(t) => format!("{}{q}", self.run_in_place(*t)),
                };
                let l = match assign {
                    Some(v) => self.o.line(format!("let {} = {expr};", var(v))),
                    None => self.o.line(format!("{expr};")),
                };
                self.o.slot("fail", l);
            }
            Stmt::Gather { tasks, assign } => {
                let l = self.join(tasks, assign);
                self.o.slot_repeat("spawn", l);
                self.o.slot("fail", l);
            }
            Stmt::SeqGather { tasks, assign } => {
                let l = match cx.g.range(tasks) {
                    Some((f, lo, hi)) if tasks.len() >= 3 => {
                        let l = self
                            .o
                            .line(format!("let mut {} = Vec::new();", var(assign)));
                        self.o.line(format!(
                            "for i in {} {{ {}.push({}); }}",
                            rs_range(lo, hi),
                            var(assign),
                            self.run_in_place_i(f)
                        ));
                        l
                    }
                    _ => {
                        let items: Vec<String> =
                            tasks.iter().map(|t| self.run_in_place(*t)).collect();
                        self.call_lines(&format!("let {} = [", var(assign)), &items, "];")
                    }
                };
                self.o.slot("fail", l);
            }
            Stmt::Combine { how, tasks, assign } => {
                let futs: Vec<String> = tasks.iter().map(|t| self.future(*t)).collect();
                let target = assign.as_ref().map_or("outcome".into(), var);
                let l = match how {
                    Combinator::All => self.o.line(format!(
                        "let {target} = futures::future::try_join_all([{}]).await;",
                        futs.join(", ")
                    )),
                    Combinator::AllSettled => self
                        .o
                        .line(format!("let {target} = tokio::join!({});", futs.join(", "))),
                    Combinator::Race => {
                        let l = self.o.line(format!("let {target} = tokio::select! {{"));
                        self.o.push();
                        for (k, f) in futs.iter().enumerate() {
                            self.o.line(format!("r{k} = {f} => r{k},"));
                        }
                        self.o.pop();
                        self.o.line("};");
                        l
                    }
                    Combinator::Any => self.o.line(format!(
                        "let {target} = futures::future::select_ok([{}]).await;",
                        futs.join(", ")
                    )),
                };
                self.o.slot_repeat("spawn", l);
            }
            Stmt::WaitFor { tasks, ms, assign } => {
                let futs: Vec<String> = tasks.iter().map(|t| self.future(*t)).collect();
                self.o.line(format!(
                    "let deadline = Instant::now() + {};",
                    self.dur(*ms)
                ));
                let l = self.call_lines("let handles = [", &futs, "].map(tokio::spawn);");
                self.o.slot_repeat("spawn", l);
                let target = assign.as_ref().map_or("results".into(), var);
                self.o.line(format!("let mut {target} = Vec::new();"));
                self.o.line("for mut handle in handles {");
                self.o.push();
                self.o
                    .line("match timeout_at(deadline, &mut handle).await {");
                self.o.push();
                self.o
                    .line(format!("Ok(done) => {target}.push(done.unwrap()),"));
                self.o.line("Err(_) => {");
                self.o.push();
                self.o.line("handle.abort(); // too late: cancel it");
                self.o.line("let _ = handle.await; // and let it stop");
                self.o.pop();
                self.o.line("}");
                self.o.pop();
                self.o.line("}");
                self.o.pop();
                self.o.line("}");
            }
            Stmt::Timeout {
                ms,
                body,
                on_timeout,
            } => {
                self.o
                    .line(format!("let outcome = timeout({}, async {{", self.dur(*ms)));
                self.o.push();
                self.stmts(body, worker);
                self.o.pop();
                self.o.line("})");
                self.o.line(".await;");
                let l = self.o.line("if outcome.is_err() {");
                let g = self.o.slot("timeout", l);
                let old = self.o.set_guard(g);
                self.o.push();
                self.stmts(on_timeout, worker);
                self.o.pop();
                self.o.restore_guard(old);
                self.o.line("}");
            }
            Stmt::Sem { sem, body } => {
                let name = sem_name(*sem, cx.s.semaphores.len()).to_ascii_uppercase();
                let l = self
                    .o
                    .line(format!("let permit = {name}.acquire().await.unwrap();"));
                self.o.slot("acquire_wait", l);
                self.o.slot("acquire", l);
                self.stmts(body, worker);
                let r = self.o.line("drop(permit); // the next in line gets it");
                self.o.slot("release", r);
            }
            Stmt::Acquire(sem) => {
                let name = sem_name(*sem, cx.s.semaphores.len()).to_ascii_uppercase();
                let l = self
                    .o
                    .line(format!("{name}.acquire().await.unwrap().forget();"));
                self.o.slot("acquire_wait", l);
                self.o.slot("acquire", l);
            }
            Stmt::Release(sem) => {
                let name = sem_name(*sem, cx.s.semaphores.len()).to_ascii_uppercase();
                let l = self.o.line(format!("{name}.add_permits(1);"));
                self.o.slot("release", l);
            }
            Stmt::Fail(text) => {
                let l = self
                    .o
                    .line(format!("return Err({}.to_string());", self.string(text)));
                self.o.slot("fail", l);
            }
            Stmt::SetResult { var: v, val } => {
                self.o.line(format!("let {} = {};", var(v), self.tval(val)));
            }
            Stmt::CallNoAwait(t) => {
                let l = self.o.line(format!(
                    "{}; // never awaited: a future does nothing until polled",
                    self.future(*t)
                ));
                self.o.slot("warn", l);
                self.o.slot("spawn", l);
            }
            Stmt::Schedule { queue, text, key } => {
                let lit = rust_str(text);
                let l = match queue {
                    Queue::Sync => self.o.line(format!("println!({lit});")),
                    Queue::Micro => self.o.line(format!(
                        "tokio::spawn(async {{ println!({lit}) }}); // runs when main yields"
                    )),
                    Queue::Macro => self.o.line(format!(
                        "tokio::spawn(async {{ sleep(Duration::ZERO).await; println!({lit}) }});"
                    )),
                };
                self.o.slot_print(l, *key);
            }
            Stmt::AwaitLoop { tasks, assign } => {
                if let Some((f, lo, hi)) = cx.g.range(tasks) {
                    let q = if self.fails.get(f).copied().unwrap_or(false) {
                        "?"
                    } else {
                        ""
                    };
                    if let Some(v) = assign {
                        self.o
                            .line(format!("let mut {} = Default::default();", var(v)));
                    }
                    self.o.line(format!("for i in {} {{", rs_range(lo, hi)));
                    self.o.push();
                    let call = format!("{}{q}", self.run_in_place_i(f));
                    match assign {
                        Some(v) => self.o.line(format!("{} = {call};", var(v))),
                        None => self.o.line(format!("{call};")),
                    };
                    self.o.pop();
                    self.o.line("}");
                }
            }
            Stmt::Guard { body, on_cancel } => {
                let l = if on_cancel.len() == 1 {
                    match &on_cancel[0] {
                        Stmt::Print { text, .. } => self.o.line(format!(
                            "let guard = OnCancel(|| println!({}));",
                            self.fmt(text)
                        )),
                        _ => self.o.line("let guard = OnCancel(|| ());"),
                    }
                } else {
                    let l = self.o.line("let guard = OnCancel(|| {");
                    self.o.push();
                    for s in on_cancel {
                        if let Stmt::Print { text, .. } = s {
                            self.o.line(format!("println!({});", self.fmt(text)));
                        }
                    }
                    self.o.pop();
                    self.o.line("});");
                    l
                };
                let g = self.o.slot("cancel", l);
                // Prints of the cleanup run from the guard's line.
                let old = self.o.set_guard(g);
                for s in on_cancel {
                    if let Stmt::Print { key, .. } = s {
                        self.o.slot_print(l, *key);
                    }
                }
                self.o.restore_guard(old);
                self.stmts(body, worker);
                self.o
                    .line("std::mem::forget(guard); // finished: nothing to clean up");
            }
        }
    }

    fn fails_task(&self, t: TaskId) -> bool {
        self.cx
            .g
            .fn_of
            .get(t)
            .copied()
            .flatten()
            .and_then(|f| self.fails.get(f).copied())
            .unwrap_or(false)
    }

    /// `join_all(range)` for one function over a label range, else `tokio::join!`.
    fn join(&mut self, tasks: &[TaskId], assign: &Option<Var>) -> u32 {
        if tasks.len() >= 3 {
            if let Some((f, lo, hi)) = self.cx.g.range(tasks) {
                let expr = if self.cx.g.fns[f].worker {
                    format!(
                        "join_all(({}).map(|i| async move {{ tokio::task::spawn_blocking(move || {}(i)).await.unwrap() }})).await",
                        rs_range(lo, hi),
                        self.names[f]
                    )
                } else {
                    format!(
                        "join_all(({}).map({})).await",
                        rs_range(lo, hi),
                        self.names[f]
                    )
                };
                return match assign {
                    Some(v) => self.o.line(format!("let {} = {expr};", var(v))),
                    None => self.o.line(format!("{expr};")),
                };
            }
        }
        let futs: Vec<String> = tasks.iter().map(|t| self.future(*t)).collect();
        match assign {
            Some(v) => {
                let names: Vec<String> = (1..=tasks.len()).map(|k| format!("r{k}")).collect();
                let l = self.call_lines(
                    &format!("let ({}) = tokio::join!(biased; ", names.join(", ")),
                    &futs,
                    ");",
                );
                self.o
                    .line(format!("let {} = [{}];", var(v), names.join(", ")));
                l
            }
            None => self.call_lines("tokio::join!(biased; ", &futs, ");"),
        }
    }

    /// Writes `open args close` on one line, or one argument per line when too long.
    fn call_lines(&mut self, open: &str, args: &[String], close: &str) -> u32 {
        let one = format!("{open}{}{close}", args.join(", "));
        if one.len() + 8 <= 100 || args.len() <= 1 {
            return self.o.line(one);
        }
        let l = self.o.line(open);
        self.o.push();
        for a in args {
            self.o.line(format!("{a},"));
        }
        self.o.pop();
        self.o.line(close);
        l
    }

    fn future(&self, t: TaskId) -> String {
        let cx = self.cx;
        let Some(f) = cx.g.fn_of.get(t).copied().flatten() else {
            return "main()".into();
        };
        let args: Vec<String> = cx.g.args_of(t).iter().map(|a| self.arg(a)).collect();
        if cx.g.fns[f].worker {
            format!(
                "async {{ tokio::task::spawn_blocking(move || {}({})).await.unwrap() }}",
                self.names[f],
                args.join(", ")
            )
        } else {
            format!("{}({})", self.names[f], args.join(", "))
        }
    }

    /// Runs task `t` right here: `f(..).await`, or a plain call of a plain function.
    fn run_in_place(&self, t: TaskId) -> String {
        if self.cx.is_plain(t) {
            self.future(t)
        } else {
            format!("{}.await", self.future(t))
        }
    }

    fn run_in_place_i(&self, f: usize) -> String {
        if self.cx.plain.get(f).copied().unwrap_or(false) {
            format!("{}(i)", self.names[f])
        } else {
            format!("{}(i).await", self.names[f])
        }
    }

    fn arg(&self, a: &Arg) -> String {
        match a {
            Arg::Int(i) => i.to_string(),
            Arg::Str(s) => rust_str(s),
            Arg::Ms(ms) => digits(*ms),
            Arg::Val(v) => rust_lit(v),
        }
    }

    fn label(&self) -> String {
        self.fn_params
            .first()
            .cloned()
            .unwrap_or_else(|| "i".into())
    }

    /// `println!` arguments: a format string with inline names.
    fn fmt(&self, text: &[TP]) -> String {
        let mut inner = String::new();
        for p in text {
            match p {
                TP::Lit(s) => inner.push_str(&escape(s).replace('{', "{{").replace('}', "}}")),
                TP::Label => inner.push_str(&format!("{{{}}}", self.label())),
                TP::Param(p) => inner.push_str(&format!(
                    "{{{}}}",
                    self.fn_params.get(*p).cloned().unwrap_or_default()
                )),
                TP::Null => inner.push_str("None"),
                TP::Var(v) => {
                    if matches!(v.example, Some(Value::Str(_))) {
                        inner.push_str(&format!("{{{}}}", var(v)))
                    } else {
                        inner.push_str(&format!("{{{}:?}}", var(v)))
                    }
                }
            }
        }
        format!("\"{inner}\"")
    }

    /// A string expression: a literal or a `format!`.
    fn string(&self, text: &[TP]) -> String {
        if let Some(s) = super::lower::literal_text(text) {
            rust_str(&s)
        } else {
            format!("format!({})", self.fmt(text))
        }
    }

    fn tval(&self, t: &TVal) -> String {
        match t {
            TVal::Const(v) => rust_lit(v),
            TVal::Label => self.label(),
            TVal::Linear(mul, add) => super::linear(&self.label(), *mul, *add),
            TVal::Param(p) => self
                .fn_params
                .get(*p)
                .cloned()
                .unwrap_or_else(|| "None".into()),
            TVal::Text(pieces) => {
                let tp = super::lower::value_text(pieces);
                format!("format!({})", self.fmt(&tp))
            }
            TVal::List(items) => format!(
                "vec![{}]",
                items
                    .iter()
                    .map(|x| self.tval(x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            TVal::Record(fields) => format!(
                "{RUST_RECORD} {{ {} }}",
                fields
                    .iter()
                    .map(|(k, x)| format!("{}: {}", ident(k), self.tval(x)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

fn var(v: &Var) -> String {
    snake(&v.words)
}

fn ident(k: &str) -> String {
    let w = super::group::words(k);
    if w.is_empty() {
        "field".into()
    } else {
        snake(&w)
    }
}

fn sem_name(i: usize, count: usize) -> String {
    if count <= 1 {
        "sem".into()
    } else {
        format!("sem{}", i + 1)
    }
}

/// `0..10` or `1..4` for labels lo..=hi.
fn rs_range(lo: i64, hi: i64) -> String {
    format!("{lo}..{}", hi + 1)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

fn rust_str(s: &str) -> String {
    format!("\"{}\"", escape(s))
}

fn rust_lit(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Str(s) => rust_str(s),
        Value::List(items) => format!(
            "vec![{}]",
            items.iter().map(rust_lit).collect::<Vec<_>>().join(", ")
        ),
        Value::Record(fields) => format!(
            "{RUST_RECORD} {{ {} }}",
            fields
                .iter()
                .map(|(k, x)| format!("{}: {}", ident(k), rust_lit(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
