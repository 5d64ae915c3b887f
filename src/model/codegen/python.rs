//! The Python asyncio view (3.11+): `asyncio.run`, `gather`, `create_task`, `asyncio.timeout`,
//! `Semaphore`, `asyncio.wait`, `time.sleep` for a blocking call, `asyncio.to_thread` for a
//! worker thread, a real loop for CPU work.
use super::super::scenario::{Combinator, Step, TaskId};
use super::super::trace::Queue;
use super::super::value::Value;
use super::group::{Arg, Dur, ParamKind, TVal};
use super::lower::{Body, Ret, Stmt, Target, Var, TP};
use super::out::Out;
use super::{any_in, decimal, digits, param_printed, scaled, snake, Ctx};

/// Names a generated Python program never gives a variable, besides the keywords and literals
/// the highlighter knows (`highlight::PY_KEYWORDS`): builtins and the program's own names.
const KEYWORDS: &[&str] = &[
    "print",
    "range",
    "main",
    "asyncio",
    "time",
    "sem",
    "results",
    "result",
    "count_primes",
    "loop",
    "outcome",
    "i",
    "name",
    "all",
    "any",
    "next",
    "str",
    "settle",
    "settled",
    "count",
    "pool",
    "finished",
    "coro",
    "ms",
    "delay",
    "list",
    "dict",
    "id",
    "type",
    "input",
    "open",
    "sum",
    "min",
    "max",
];

pub(crate) fn emit(cx: &Ctx) -> Out {
    // Names the waiting code uses, when it is there.
    let waits = cx.any_step(&|s| matches!(s, Step::WaitFor { .. } | Step::Combine { .. }));
    let taken = |n: &str| {
        super::highlight::PY_KEYWORDS.contains(&n)
            || super::highlight::PY_LITERALS.contains(&n)
            || KEYWORDS.contains(&n)
            || (waits && ["task", "tasks", "done", "pending"].contains(&n))
    };
    let names: Vec<String> =
        cx.g.fns
            .iter()
            .map(|f| {
                let n = snake(&f.name);
                if taken(&n) {
                    format!("{n}_job")
                } else {
                    n
                }
            })
            .collect();
    let params: Vec<Vec<String>> =
        cx.g.fns
            .iter()
            .map(|f| {
                let mut out: Vec<String> = Vec::new();
                for (p, k) in f.params.iter().enumerate() {
                    let base = match k {
                        ParamKind::IntLabel => "i",
                        ParamKind::StrLabel => "name",
                        ParamKind::Ms if param_printed(f, p) => "ms",
                        ParamKind::Ms => "delay",
                        ParamKind::Val => "result",
                    };
                    let mut n = base.to_string();
                    let mut c = 2;
                    while out.contains(&n) {
                        n = format!("{base}{c}");
                        c += 1;
                    }
                    out.push(n);
                }
                out
            })
            .collect();
    let process: Vec<bool> =
        cx.g.fns
            .iter()
            .map(|f| {
                f.worker
                    && cx
                        .s
                        .tasks
                        .get(f.rep)
                        .is_some_and(|t| any_in(&t.body, &|s| matches!(s, Step::Cpu { .. })))
            })
            .collect();
    let mut py = Py {
        cx,
        names,
        params,
        process,
        o: Out::new("    ", cx.g.fns.len()),
        cur: None,
    };
    py.program();
    py.o
}

struct Py<'a> {
    cx: &'a Ctx<'a>,
    names: Vec<String>,
    params: Vec<Vec<String>>,
    /// Worker functions doing CPU work run in processes (threads would share the GIL).
    process: Vec<bool>,
    o: Out,
    /// The function being written (`None` for main).
    cur: Option<usize>,
}

impl Py<'_> {
    fn gap(&mut self) {
        self.o.blank();
        self.o.line("");
    }

    fn program(&mut self) {
        let cx = self.cx;
        // A sleep on a worker thread is `time.sleep` too.
        let blocks =
            cx.any_step(&|s| matches!(s, Step::Block(_)))
                || cx.s.tasks.iter().any(|t| {
                    t.thread.is_some() && any_in(&t.body, &|s| matches!(s, Step::Sleep(_)))
                });
        let cpu = cx.any_step(&|s| matches!(s, Step::Cpu { .. }));
        let combine = cx.any_step(&|s| matches!(s, Step::Combine { .. }));
        let uses_processes = self.process.iter().any(|p| *p);
        let uses_loop = uses_processes
            || any_in(
                cx.s.tasks.first().map_or(&[][..], |t| &t.body),
                &|s| matches!(s, Step::Schedule { queue, .. } if *queue != Queue::Sync),
            );
        self.o.line("import asyncio");
        if blocks {
            self.o.line("import time");
        }
        if uses_processes {
            self.o
                .line("from concurrent.futures import ProcessPoolExecutor");
        }
        if !cx.s.semaphores.is_empty() {
            self.o.blank();
            for (i, n) in cx.s.semaphores.iter().enumerate() {
                let name = sem_name(i, cx.s.semaphores.len());
                self.o.line(format!(
                    "{name} = asyncio.Semaphore({n})  # at most {n} at a time"
                ));
            }
        }
        if cpu {
            self.gap();
            self.o.line("def count_primes(limit):");
            self.o.push();
            self.o
                .line("\"\"\"Real work for the processor: count the primes below limit.\"\"\"");
            self.o.line("is_prime = [True] * limit");
            self.o.line("count = 0");
            self.o.line("for n in range(2, limit):");
            self.o.push();
            self.o.line("if is_prime[n]:");
            self.o.push();
            self.o.line("count += 1");
            self.o.line("for multiple in range(n * n, limit, n):");
            self.o.push();
            self.o.line("is_prime[multiple] = False");
            self.o.pop();
            self.o.pop();
            self.o.pop();
            self.o.line("return count");
            self.o.pop();
        }
        if combine {
            self.gap();
            self.o.line("async def settle(aw):");
            self.o.push();
            self.o.line(
                "\"\"\"How aw settles, in the shape of JavaScript's Promise.allSettled.\"\"\"",
            );
            self.o.line("try:");
            self.o.push();
            self.o
                .line("return {\"status\": \"fulfilled\", \"value\": await aw}");
            self.o.pop();
            self.o.line("except Exception as err:");
            self.o.push();
            self.o
                .line("return {\"status\": \"rejected\", \"reason\": str(err)}");
            self.o.pop();
            self.o.pop();
        }
        for f in 0..cx.g.fns.len() {
            self.gap();
            self.function(f);
        }
        self.gap();
        self.o.begin(0);
        self.cur = None;
        let def = self.o.line("async def main():");
        self.o.slot("start", def);
        self.o.push();
        if uses_loop {
            self.o.line("loop = asyncio.get_running_loop()");
        }
        if uses_processes {
            self.o.line(
                "with ProcessPoolExecutor() as pool:  # processes: CPU work really in parallel",
            );
            self.o.push();
        }
        let main = &cx.main;
        self.stmts(&main.stmts, false);
        if main.stmts.is_empty() {
            self.o.line("pass");
        }
        let last = self.o.last_line();
        self.o.slot("end", last);
        if uses_processes {
            self.o.pop();
        }
        self.o.pop();
        self.gap();
        if uses_processes {
            // Worker processes import this file again on some systems: only run it once.
            self.o.line("if __name__ == \"__main__\":");
            self.o.push();
            self.o.line("asyncio.run(main())");
            self.o.pop();
        } else {
            self.o.line("asyncio.run(main())");
        }
    }

    fn worker_kind(&self) -> Worker {
        match self.cur {
            Some(f) if self.process.get(f).copied().unwrap_or(false) => Worker::Process,
            Some(f) if self.cx.g.fns.get(f).is_some_and(|d| d.worker) => Worker::Thread,
            _ => Worker::No,
        }
    }

    fn function(&mut self, f: usize) {
        let cx = self.cx;
        let def = &cx.g.fns[f];
        let body: &Body = &cx.bodies[f];
        self.o.begin(f + 1);
        self.cur = Some(f);
        let plain = cx.plain.get(f).copied().unwrap_or(false);
        if self.process[f] {
            self.o.line(
                "# Runs in a process of its own: real parallel work. Each line is one write.",
            );
        } else if def.worker {
            self.o
                .line("# Runs on a thread of its own: a blocking sleep holds only that thread.");
        }
        let head = format!(
            "{}def {}({}):",
            if def.worker || plain { "" } else { "async " },
            self.names[f],
            self.params[f].join(", ")
        );
        let line = self.o.line(head);
        self.o.slot("start", line);
        self.o.push();
        let worker = def.worker;
        self.stmts(&body.stmts, worker);
        match &body.ret {
            Some(Ret::Val(v)) => {
                let l = self.o.line(format!("return {}", self.tval(v)));
                self.o.slot("end", l);
            }
            Some(Ret::Var(v)) => {
                let l = self.o.line(format!("return {}", var(v)));
                self.o.slot("end", l);
            }
            None => {
                if body.stmts.is_empty() {
                    self.o.line("pass");
                }
                let l = self.o.last_line();
                self.o.slot("end", l);
            }
        }
        self.o.pop();
    }

    fn param(&self, p: usize) -> String {
        self.cur
            .and_then(|f| self.params.get(f))
            .and_then(|ps| ps.get(p))
            .cloned()
            .unwrap_or_else(|| "None".into())
    }

    /// Seconds for `asyncio.sleep` / `time.sleep` / timeouts.
    fn secs(&self, d: Dur) -> String {
        match d {
            Dur::Ms(ms) => decimal(self.cx.ms(ms) / 1000.0),
            Dur::Param(p) => {
                let name = self.param(p);
                let secs = if name.starts_with("ms") {
                    format!("{name} / 1000")
                } else {
                    name
                };
                scaled(&secs, self.cx.scale)
            }
        }
    }

    fn stmts(&mut self, stmts: &[Stmt], in_timeout: bool) {
        for s in stmts {
            self.stmt(s, in_timeout);
        }
    }

    fn stmt(&mut self, s: &Stmt, in_timeout: bool) {
        let cx = self.cx;
        let worker = self.worker_kind();
        match s {
            Stmt::Print { text, key } => {
                let l = if worker == Worker::Process {
                    // One write per line: lines of parallel processes never mix.
                    let mut with_newline = text.clone();
                    with_newline.push(TP::Lit("\n".into()));
                    self.o.line(format!(
                        "print({}, end=\"\", flush=True)",
                        self.text(&with_newline)
                    ))
                } else {
                    self.o.line(format!("print({})", self.text(text)))
                };
                self.o.slot_print(l, *key);
            }
            Stmt::Sleep(d) => {
                let l = if worker != Worker::No {
                    self.o.line(format!(
                        "time.sleep({})  # holds this thread only",
                        self.secs(*d)
                    ))
                } else {
                    self.o
                        .line(format!("await asyncio.sleep({})", self.secs(*d)))
                };
                self.o.slot("sleep", l);
                self.o.slot("wake", l);
            }
            Stmt::Block(d) => {
                let comment = if worker != Worker::No {
                    "holds this thread only"
                } else {
                    "blocks: nothing else runs meanwhile"
                };
                let l = self
                    .o
                    .line(format!("time.sleep({})  # {comment}", self.secs(*d)));
                self.o.slot("block", l);
                self.o.slot("unblock", l);
            }
            Stmt::Cpu { work, assign } => {
                let l = self.o.line(format!(
                    "{}count_primes({})",
                    assign_prefix(assign),
                    digits(*work)
                ));
                self.o.slot("block", l);
                self.o.slot("unblock", l);
            }
            Stmt::Spawn { var: v, task } => {
                let l = self.o.line(format!(
                    "{} = asyncio.create_task({})",
                    var(v),
                    self.call(*task)
                ));
                self.o.slot("spawn", l);
            }
            Stmt::Await { what, assign, .. } => {
                let target = match what {
                    Target::Spawned(v) => format!("await {}", var(v)),
                    Target::InPlace(t) => self.run_in_place(*t),
                };
                let l = self.o.line(format!("{}{target}", assign_prefix(assign)));
                self.o.slot("fail", l);
            }
            Stmt::Gather { tasks, assign } => {
                let args = self.gather_args(tasks, &|py, t| py.call(t), &|py, f| py.call_i(f));
                let l = self.call_lines(
                    &format!("{}await asyncio.gather(", assign_prefix(assign)),
                    &args,
                    ")",
                );
                self.o.slot_repeat("spawn", l);
                self.o.slot("fail", l);
            }
            Stmt::SeqGather { tasks, assign } => {
                let target = var(assign);
                match cx.g.range(tasks) {
                    Some((f, lo, hi)) if tasks.len() >= 3 => {
                        let l = self.o.line(format!(
                            "{target} = [{} for i in {}]",
                            self.run_in_place_i(f),
                            py_range(lo, hi)
                        ));
                        self.o.slot("fail", l);
                    }
                    _ => {
                        let items: Vec<String> =
                            tasks.iter().map(|t| self.run_in_place(*t)).collect();
                        let l = self.call_lines(&format!("{target} = ["), &items, "]");
                        self.o.slot("fail", l);
                    }
                }
            }
            Stmt::Combine { how, tasks, assign } => self.combine(*how, tasks, assign),
            Stmt::WaitFor { tasks, ms, assign } => {
                let l = match cx.g.range(tasks) {
                    Some((f, lo, hi)) if tasks.len() >= 3 => self.o.line(format!(
                        "tasks = [asyncio.create_task({}) for i in {}]",
                        self.call_i(f),
                        py_range(lo, hi)
                    )),
                    _ => {
                        let calls: Vec<String> = tasks
                            .iter()
                            .map(|t| format!("asyncio.create_task({})", self.call(*t)))
                            .collect();
                        self.call_lines("tasks = [", &calls, "]")
                    }
                };
                self.o.slot_repeat("spawn", l);
                self.o.line(format!(
                    "done, pending = await asyncio.wait(tasks, timeout={})",
                    self.secs(*ms)
                ));
                self.o.line("for task in pending:");
                self.o.push();
                self.o
                    .line("task.cancel()  # too late: cancel what is still running");
                self.o.pop();
                self.o.line(
                    "await asyncio.gather(*pending, return_exceptions=True)  # let them stop",
                );
                let target = assign.as_ref().map_or("results".to_string(), var);
                // Keep what ended normally (a child that raised has no result to keep).
                let may_fail = tasks.iter().any(|t| {
                    cx.s.tasks
                        .get(*t)
                        .is_some_and(|d| any_in(&d.body, &|s| matches!(s, Step::Fail(_))))
                });
                let keep = if may_fail {
                    "task in done and not task.exception()"
                } else {
                    "task in done"
                };
                self.o.line(format!(
                    "{target} = [task.result() for task in tasks if {keep}]"
                ));
            }
            Stmt::Timeout {
                ms,
                body,
                on_timeout,
            } => {
                self.o.line("try:");
                self.o.push();
                self.o
                    .line(format!("async with asyncio.timeout({}):", self.secs(*ms)));
                self.o.push();
                self.stmts(body, true);
                if body.is_empty() {
                    self.o.line("pass");
                }
                self.o.pop();
                self.o.pop();
                let l = self.o.line("except TimeoutError:");
                let g = self.o.slot("timeout", l);
                let old = self.o.set_guard(g);
                self.o.push();
                self.stmts(on_timeout, in_timeout);
                if on_timeout.is_empty() {
                    self.o.line("pass");
                }
                self.o.pop();
                self.o.restore_guard(old);
            }
            Stmt::Sem { sem, body } => {
                let name = sem_name(*sem, cx.s.semaphores.len());
                let l = self.o.line(format!("async with {name}:"));
                self.o.slot("acquire_wait", l);
                self.o.slot("acquire", l);
                self.o.slot("release", l);
                self.o.push();
                self.stmts(body, in_timeout);
                if body.is_empty() {
                    self.o.line("pass");
                }
                self.o.pop();
            }
            Stmt::Acquire(sem) => {
                let name = sem_name(*sem, cx.s.semaphores.len());
                let l = self.o.line(format!("await {name}.acquire()"));
                self.o.slot("acquire_wait", l);
                self.o.slot("acquire", l);
            }
            Stmt::Release(sem) => {
                let name = sem_name(*sem, cx.s.semaphores.len());
                let l = self.o.line(format!("{name}.release()"));
                self.o.slot("release", l);
            }
            Stmt::Fail(text) => {
                let l = self
                    .o
                    .line(format!("raise RuntimeError({})", self.text(text)));
                self.o.slot("fail", l);
            }
            Stmt::SetResult { var: v, val } => {
                self.o.line(format!("{} = {}", var(v), self.tval(val)));
            }
            Stmt::CallNoAwait(t) => {
                let l = self.o.line(format!(
                    "{}  # no await: the coroutine is created but never runs",
                    self.call(*t)
                ));
                self.o.slot("warn", l);
                self.o.slot("spawn", l);
            }
            Stmt::Schedule { queue, text, key } => {
                let lit = py_str(text);
                // `loop` is main's; elsewhere ask for the running loop.
                let lp = if self.cur.is_none() {
                    "loop"
                } else {
                    "asyncio.get_running_loop()"
                };
                let l = match queue {
                    Queue::Sync => self.o.line(format!("print({lit})")),
                    Queue::Micro => self.o.line(format!(
                        "{lp}.call_soon(print, {lit})  # runs once main awaits"
                    )),
                    Queue::Macro => self.o.line(format!(
                        "{lp}.call_later(0, print, {lit})  # a timer: after the ready callbacks"
                    )),
                };
                self.o.slot_print(l, *key);
            }
            Stmt::AwaitLoop { tasks, assign } => {
                if let Some((f, lo, hi)) = cx.g.range(tasks) {
                    self.o.line(format!("for i in {}:", py_range(lo, hi)));
                    self.o.push();
                    let l = self.o.line(format!(
                        "{}{}",
                        assign_prefix(assign),
                        self.run_in_place_i(f)
                    ));
                    self.o.slot("fail", l);
                    self.o.pop();
                }
            }
            Stmt::Guard { body, on_cancel } => {
                self.o.line("try:");
                self.o.push();
                self.stmts(body, in_timeout);
                if body.is_empty() {
                    self.o.line("pass");
                }
                self.o.pop();
                let l = self.o.line("except asyncio.CancelledError:");
                let g = self.o.slot("cancel", l);
                let old = self.o.set_guard(g);
                self.o.push();
                self.stmts(on_cancel, in_timeout);
                self.o.line("raise  # a cancelled task must stay cancelled");
                self.o.pop();
                self.o.restore_guard(old);
            }
        }
    }

    /// Writes `open args close` on one line, or one argument per line when too long.
    fn call_lines(&mut self, open: &str, args: &[String], close: &str) -> u32 {
        let one = format!("{open}{}{close}", args.join(", "));
        if one.len() + 8 <= 80 || args.len() <= 1 {
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

    fn combine(&mut self, how: Combinator, tasks: &[TaskId], assign: &Option<Var>) {
        let target = assign.as_ref().map_or("outcome".to_string(), var);
        let calls: Vec<String> = tasks.iter().map(|t| self.call(*t)).collect();
        let l = match how {
            Combinator::All => self.call_lines(
                &format!("{target} = await settle(asyncio.gather("),
                &calls,
                "))",
            ),
            Combinator::AllSettled => {
                let settled: Vec<String> = calls.iter().map(|c| format!("settle({c})")).collect();
                self.call_lines(&format!("{target} = await asyncio.gather("), &settled, ")")
            }
            Combinator::Race => {
                let created: Vec<String> = calls
                    .iter()
                    .map(|c| format!("asyncio.create_task({c})"))
                    .collect();
                let l = self.call_lines("tasks = [", &created, "]");
                self.o.line(
                    "done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)",
                );
                self.o.line(format!(
                    "{target} = await settle(next(task for task in tasks if task in done))"
                ));
                l
            }
            Combinator::Any => {
                let created: Vec<String> = calls
                    .iter()
                    .map(|c| format!("asyncio.create_task({c})"))
                    .collect();
                let l = self.call_lines("tasks = [", &created, "]");
                self.o.line(format!(
                    "{target} = {{\"status\": \"rejected\", \"reason\": \"All promises were rejected\"}}"
                ));
                self.o
                    .line("for finished in asyncio.as_completed(tasks):  # first done first");
                self.o.push();
                self.o.line("settled = await settle(finished)");
                self.o.line("if settled[\"status\"] == \"fulfilled\":");
                self.o.push();
                self.o.line(format!("{target} = settled"));
                self.o.line("break");
                self.o.pop();
                self.o.pop();
                l
            }
        };
        self.o.slot_repeat("spawn", l);
    }

    /// The arguments of a gather: single calls, and `*(f(i) for i in range(..))` for runs.
    fn gather_args(
        &self,
        tasks: &[TaskId],
        one: &dyn Fn(&Self, TaskId) -> String,
        each: &dyn Fn(&Self, usize) -> String,
    ) -> Vec<String> {
        let mut out = Vec::new();
        let mut k = 0;
        while k < tasks.len() {
            let best = self
                .cx
                .g
                .run_from(tasks, k)
                .map(|(f, lo, hi, end)| ((f, lo, hi), end));
            match best {
                Some(((f, lo, hi), end)) => {
                    out.push(format!(
                        "*({} for i in {})",
                        each(self, f),
                        py_range(lo, hi)
                    ));
                    k = end;
                }
                None => {
                    out.push(one(self, tasks[k]));
                    k += 1;
                }
            }
        }
        out
    }

    fn args(&self, t: TaskId) -> Vec<String> {
        let cx = self.cx;
        let Some(f) = cx.fn_of(t) else {
            return Vec::new();
        };
        let names = self.params.get(f).cloned().unwrap_or_default();
        cx.g.args_of(t)
            .iter()
            .enumerate()
            .map(|(k, a)| match a {
                Arg::Int(i) => i.to_string(),
                Arg::Str(s) => py_str(s),
                Arg::Ms(ms) => {
                    if names.get(k).is_some_and(|n| n.starts_with("ms")) {
                        digits(*ms)
                    } else {
                        decimal(*ms as f64 / 1000.0)
                    }
                }
                Arg::Val(v) => py_lit(v),
            })
            .collect()
    }

    /// An awaitable that runs task `t`: a coroutine, or a thread or process doing its work.
    fn call(&self, t: TaskId) -> String {
        let Some(f) = self.cx.fn_of(t) else {
            return "main()".into();
        };
        self.wrap(f, self.args(t))
    }

    fn call_i(&self, f: usize) -> String {
        self.wrap(f, vec!["i".into()])
    }

    fn wrap(&self, f: usize, args: Vec<String>) -> String {
        let name = self.names[f].clone();
        if self.process.get(f).copied().unwrap_or(false) {
            let mut all = vec!["pool".to_string(), name];
            all.extend(args);
            format!("loop.run_in_executor({})", all.join(", "))
        } else if self.cx.g.fns[f].worker {
            let mut all = vec![name];
            all.extend(args);
            format!("asyncio.to_thread({})", all.join(", "))
        } else {
            format!("{name}({})", args.join(", "))
        }
    }

    /// Runs task `t` right here: `await f(...)`, or a plain call of a plain function.
    fn run_in_place(&self, t: TaskId) -> String {
        if self.cx.is_plain(t) {
            self.call(t)
        } else {
            format!("await {}", self.call(t))
        }
    }

    fn run_in_place_i(&self, f: usize) -> String {
        if self.cx.plain.get(f).copied().unwrap_or(false) {
            self.call_i(f)
        } else {
            format!("await {}", self.call_i(f))
        }
    }

    fn label(&self) -> String {
        self.param(0)
    }

    /// A print argument: a plain string, or an f-string with the label and result variables.
    fn text(&self, text: &[TP]) -> String {
        if let Some(s) = super::lower::literal_text(text) {
            return py_str(&s);
        }
        // A lone variable prints as itself.
        if let [TP::Var(v)] = text {
            return var(v);
        }
        let mut inner = String::new();
        for p in text {
            match p {
                TP::Lit(s) => inner.push_str(&escape(s).replace('{', "{{").replace('}', "}}")),
                TP::Label => inner.push_str(&format!("{{{}}}", self.label())),
                TP::Param(p) => inner.push_str(&format!("{{{}}}", self.param(*p))),
                TP::Var(v) => inner.push_str(&format!("{{{}}}", var(v))),
                TP::Null => inner.push_str("{None}"),
            }
        }
        format!("f\"{inner}\"")
    }

    fn tval(&self, t: &TVal) -> String {
        match t {
            TVal::Const(v) => py_lit(v),
            TVal::Label => self.label(),
            TVal::Linear(mul, add) => super::linear(&self.label(), *mul, *add),
            TVal::Param(p) => self.param(*p),
            TVal::Text(pieces) => {
                let tp = super::lower::value_text(pieces);
                self.text(&tp)
            }
            TVal::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|x| self.tval(x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            TVal::Record(fields) => format!(
                "{{{}}}",
                fields
                    .iter()
                    .map(|(k, x)| format!("{}: {}", py_str(k), self.tval(x)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Worker {
    No,
    Thread,
    Process,
}

/// `range(10)` or `range(1, 4)` for labels lo..=hi.
fn py_range(lo: i64, hi: i64) -> String {
    if lo == 0 {
        format!("range({})", hi + 1)
    } else {
        format!("range({lo}, {})", hi + 1)
    }
}

fn var(v: &Var) -> String {
    snake(&v.words)
}

fn assign_prefix(assign: &Option<Var>) -> String {
    match assign {
        Some(v) => format!("{} = ", var(v)),
        None => String::new(),
    }
}

fn sem_name(i: usize, count: usize) -> String {
    if count <= 1 {
        "sem".into()
    } else {
        format!("sem{}", i + 1)
    }
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
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// A Python string literal (double quotes).
pub(crate) fn py_str(s: &str) -> String {
    format!("\"{}\"", escape(s))
}

/// A Python literal of a value.
pub(crate) fn py_lit(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::model::value::py_float(*f),
        Value::Str(s) => py_str(s),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(py_lit).collect::<Vec<_>>().join(", ")
        ),
        Value::Record(fields) => format!(
            "{{{}}}",
            fields
                .iter()
                .map(|(k, x)| format!("{}: {}", py_str(k), py_lit(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
