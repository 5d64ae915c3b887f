//! The JavaScript view (an ES module for Node 18+ or the browser console): `async`/`await`,
//! `Promise.all/race/allSettled/any`, a `setTimeout` sleep that an `AbortSignal` really cancels,
//! a busy loop for a blocking call, `worker_threads` for a worker lane.
use std::collections::HashSet;

use super::super::scenario::{Combinator, Step, TaskId};
use super::super::trace::Queue;
use super::super::value::Value;
use super::group::{param_names, Arg, Dur, TVal};
use super::lower::{Body, Ret, Stmt, Target, Var, TP};
use super::out::Out;
use super::{camel, decimal, digits, scaled, Ctx};

fn reserved_js(n: &str) -> bool {
    use super::highlight::{JS_KEYWORDS, JS_LITERALS};
    RESERVED.contains(&n) || JS_KEYWORDS.contains(&n) || JS_LITERALS.contains(&n)
}

/// Names a generated JS program never gives a variable, besides the keywords and literals
/// the highlighter knows (`highlight::JS_KEYWORDS`): other reserved words and its own names.
const RESERVED: &[&str] = &[
    "debugger",
    "super",
    "with",
    "enum",
    "main",
    "sleep",
    "blockFor",
    "countPrimes",
    "Semaphore",
    "sem",
    "runOnThread",
    "console",
    "Promise",
    "signal",
    "outcomes",
    "results",
    "result",
    "fetch",
    "i",
    "name",
    "ms",
    "value",
    "setTimeout",
    "spawn",
    "fulfilled",
    "rejected",
    "inspect",
    "Worker",
    "Atomics",
    "count",
    "outcome",
];

pub(crate) fn emit(cx: &Ctx) -> Out {
    let names: Vec<String> =
        cx.g.fns
            .iter()
            .map(|f| {
                let mut n = camel(&f.name);
                if f.worker && !n.to_ascii_lowercase().contains("thread") {
                    n.push_str("OnThread");
                }
                if reserved_js(n.as_str()) {
                    n.push_str("Job");
                }
                n
            })
            .collect();
    let params: Vec<Vec<String>> =
        cx.g.fns
            .iter()
            .map(|f| {
                let mut p = param_names(&f.params);
                if f.members.iter().any(|t| cx.cancellable(*t)) && !f.worker {
                    p.push("signal".into());
                }
                p
            })
            .collect();
    let mut js = Js {
        cx,
        names,
        params,
        o: Out::new("  ", cx.g.fns.len()),
        cur: None,
        hoisted: HashSet::new(),
        cancellable_fn: false,
    };
    js.program();
    js.o
}

struct Js<'a> {
    cx: &'a Ctx<'a>,
    names: Vec<String>,
    params: Vec<Vec<String>>,
    o: Out,
    /// The function being written (`None` for main).
    cur: Option<usize>,
    /// Variables declared with `let` at the top of the current function.
    hoisted: HashSet<String>,
    /// The function being written takes an abort signal.
    cancellable_fn: bool,
}

impl Js<'_> {
    fn program(&mut self) {
        let cx = self.cx;
        let abortable = cx.facts.cancellable.iter().any(|c| *c);
        // Busy loops on the main thread (a worker's wait is a real thread sleep).
        let blocks = cx.s.tasks.iter().any(|t| {
            t.thread.is_none() && super::any_in(&t.body, &|s| matches!(s, Step::Block(_)))
        });
        let cpu = cx.any_step(&|s| matches!(s, Step::Cpu { .. }));
        let spawns = cx.any_step(&|s| matches!(s, Step::Spawn(_)));
        let combine = cx.any_step(&|s| matches!(s, Step::Combine { .. }));
        let workers = cx.g.fns.iter().any(|f| f.worker);
        let needs_inspect = self.scan_inspect();
        self.o.line(format!(
            "// Run it with: node {}.mjs",
            super::file_stem(&cx.s.id)
        ));
        if needs_inspect {
            self.o.line("import { inspect } from \"node:util\";");
        }
        if workers {
            self.o
                .line("import { Worker } from \"node:worker_threads\";");
        }
        self.o.blank();
        // Timers of the main thread (a worker sleeps its own thread instead).
        let sleeps = cx.s.tasks.iter().any(|t| {
            t.thread.is_none() && super::any_in(&t.body, &|s| matches!(s, Step::Sleep(_)))
        });
        if !sleeps {
            // No timer to wait for.
        } else if abortable {
            self.o.line(
                "// Waits ms milliseconds, unless the signal aborts first (then it rejects).",
            );
            self.o.line("function sleep(ms, signal) {");
            self.o.push();
            self.o.line("return new Promise((resolve, reject) => {");
            self.o.push();
            self.o.line("const timer = setTimeout(resolve, ms);");
            self.o.line("signal?.addEventListener(\"abort\", () => {");
            self.o.push();
            self.o.line("clearTimeout(timer);");
            self.o.line("reject(signal.reason);");
            self.o.pop();
            self.o.line("});");
            self.o.pop();
            self.o.line("});");
            self.o.pop();
            self.o.line("}");
        } else {
            self.o
                .line("const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));");
        }
        if spawns {
            self.o.blank();
            self.o
                .line("// Starts fn(...args) once the caller awaits, as asyncio.create_task does");
            self.o
                .line("// (calling fn() directly would run it at once, up to its first await).");
            self.o
                .line("const spawn = (fn, ...args) => Promise.resolve().then(() => fn(...args));");
        }
        if combine {
            self.o.blank();
            self.o.line(
                "// A settled promise as Promise.allSettled describes it (errors by their message).",
            );
            self.o
                .line("const fulfilled = (value) => ({ status: \"fulfilled\", value });");
            self.o
                .line("const rejected = (err) => ({ status: \"rejected\", reason: err.message });");
        }
        if blocks {
            self.o.blank();
            self.o
                .line("// Busy-waits: holds the one thread, so nothing else runs meanwhile.");
            self.o.line("function blockFor(ms) {");
            self.o.push();
            self.o.line("const end = Date.now() + ms;");
            self.o.line("while (Date.now() < end) {}");
            self.o.pop();
            self.o.line("}");
        }
        if cpu {
            self.o.blank();
            self.o
                .line("// Real work for the processor: count the primes below limit.");
            self.o.line("function countPrimes(limit) {");
            self.o.push();
            self.o.line("const composite = new Uint8Array(limit);");
            self.o.line("let count = 0;");
            self.o.line("for (let n = 2; n < limit; n++) {");
            self.o.push();
            self.o.line("if (composite[n]) continue;");
            self.o.line("count++;");
            self.o
                .line("for (let multiple = n * n; multiple < limit; multiple += n) composite[multiple] = 1;");
            self.o.pop();
            self.o.line("}");
            self.o.line("return count;");
            self.o.pop();
            self.o.line("}");
        }
        if workers {
            self.o.blank();
            self.o
                .line("// Runs job(...args) on a thread of its own (a Web Worker in the browser).");
            self.o.line("function runOnThread(job, ...args) {");
            self.o.push();
            let helpers = if cpu {
                "const countPrimes = ${countPrimes};\\n"
            } else {
                ""
            };
            self.o.line(format!(
                "const code = `{helpers}const {{ parentPort, workerData }} = require(\"node:worker_threads\");\\nparentPort.postMessage((${{job}})(...workerData));`;"
            ));
            self.o.line("return new Promise((resolve, reject) => {");
            self.o.push();
            self.o
                .line("const worker = new Worker(code, { eval: true, workerData: args });");
            self.o.line("worker.once(\"message\", resolve);");
            self.o.line("worker.once(\"error\", reject);");
            self.o.pop();
            self.o.line("});");
            self.o.pop();
            self.o.line("}");
        }
        if !cx.s.semaphores.is_empty() {
            self.o.blank();
            self.o.line(
                "// At most `permits` holders; the others wait in line (first come, first served).",
            );
            self.o.line("class Semaphore {");
            self.o.push();
            self.o.line("constructor(permits) {");
            self.o.push();
            self.o.line("this.permits = permits;");
            self.o.line("this.waiting = [];");
            self.o.pop();
            self.o.line("}");
            self.o.line("async acquire() {");
            self.o.push();
            self.o
                .line("if (this.permits > 0 && this.waiting.length === 0) {");
            self.o.push();
            self.o.line("this.permits--;");
            self.o.line("return;");
            self.o.pop();
            self.o.line("}");
            self.o
                .line("await new Promise((resolve) => this.waiting.push(resolve));");
            self.o.pop();
            self.o.line("}");
            self.o.line("release() {");
            self.o.push();
            self.o.line("const next = this.waiting.shift();");
            self.o
                .line("if (next) next(); // the permit passes straight to the next in line");
            self.o.line("else this.permits++;");
            self.o.pop();
            self.o.line("}");
            self.o.pop();
            self.o.line("}");
            self.o.blank();
            for (i, n) in cx.s.semaphores.iter().enumerate() {
                let name = sem_name(i, cx.s.semaphores.len());
                self.o.line(format!("const {name} = new Semaphore({n});"));
            }
        }
        for f in 0..cx.g.fns.len() {
            self.o.blank();
            self.function(f);
        }
        self.o.blank();
        self.o.begin(0);
        self.cur = None;
        self.cancellable_fn = false;
        let def = self.o.line("async function main() {");
        self.o.slot("start", def);
        self.o.push();
        let main = &cx.main;
        self.hoist(&main.stmts);
        self.stmts(&main.stmts, false);
        let last = self.o.last_line();
        self.o.slot("end", last);
        self.o.pop();
        self.o.line("}");
        self.o.blank();
        self.o.line("await main();");
    }

    fn scan_inspect(&self) -> bool {
        let mut all = Vec::new();
        super::lower::flatten(&self.cx.main.stmts, &mut all);
        for b in &self.cx.bodies {
            super::lower::flatten(&b.stmts, &mut all);
        }
        all.iter().any(|s| match s {
            Stmt::Print { text, .. } => split_args(text).is_none(),
            _ => false,
        })
    }

    /// Declares with `let` the variables that a nested block assigns.
    fn hoist(&mut self, stmts: &[Stmt]) {
        self.hoisted.clear();
        let mut names = Vec::new();
        nested_assigns(stmts, false, &mut names);
        if !names.is_empty() {
            self.o.line(format!("let {};", names.join(", ")));
        }
        self.hoisted = names.into_iter().collect();
    }

    fn is_worker_fn(&self) -> bool {
        self.cur
            .and_then(|f| self.cx.g.fns.get(f))
            .is_some_and(|d| d.worker)
    }

    fn function(&mut self, f: usize) {
        let cx = self.cx;
        let def = &cx.g.fns[f];
        let body: &Body = &cx.bodies[f];
        self.o.begin(f + 1);
        self.cur = Some(f);
        self.cancellable_fn = self.params[f].iter().any(|p| p == "signal");
        let plain = def.worker || cx.plain.get(f).copied().unwrap_or(false);
        if def.worker {
            let computes =
                cx.s.tasks
                    .get(def.rep)
                    .is_some_and(|t| super::any_in(&t.body, &|s| matches!(s, Step::Cpu { .. })));
            self.o.line(if computes {
                "// Runs on a thread of its own: its computation runs in parallel with the others."
            } else {
                "// Runs on a thread of its own: a blocking wait holds only that thread."
            });
        }
        let head = format!(
            "{}function {}({}) {{",
            if plain { "" } else { "async " },
            self.names[f],
            self.params[f].join(", ")
        );
        let line = self.o.line(head);
        self.o.slot("start", line);
        self.o.push();
        self.hoist(&body.stmts);
        self.stmts(&body.stmts, false);
        match &body.ret {
            Some(Ret::Val(v)) => {
                let l = self.o.line(format!("return {};", self.tval(v)));
                self.o.slot("end", l);
            }
            Some(Ret::Var(v)) => {
                let l = self.o.line(format!("return {};", var(v)));
                self.o.slot("end", l);
            }
            None => {
                let l = self.o.last_line();
                self.o.slot("end", l);
            }
        }
        self.o.pop();
        self.o.line("}");
    }

    fn param(&self, p: usize) -> String {
        self.cur
            .and_then(|f| self.params.get(f))
            .and_then(|ps| ps.get(p))
            .cloned()
            .unwrap_or_else(|| "null".into())
    }

    fn ms(&self, d: Dur) -> String {
        match d {
            Dur::Ms(ms) => decimal(self.cx.ms(ms)),
            Dur::Param(p) => scaled(&self.param(p), self.cx.scale),
        }
    }

    /// Whole milliseconds (`AbortSignal.timeout` takes no fractions).
    fn whole_ms(&self, d: Dur) -> String {
        match d {
            Dur::Ms(ms) => decimal(self.cx.ms(ms).round()),
            Dur::Param(p) if self.cx.scale == 1.0 => self.param(p),
            Dur::Param(p) => format!("Math.round({})", scaled(&self.param(p), self.cx.scale)),
        }
    }

    fn decl(&self, v: &Var) -> String {
        let n = var(v);
        if self.hoisted.contains(&n) {
            format!("{n} = ")
        } else {
            format!("const {n} = ")
        }
    }

    fn assign_prefix(&self, assign: &Option<Var>) -> String {
        assign.as_ref().map(|v| self.decl(v)).unwrap_or_default()
    }

    fn stmts(&mut self, stmts: &[Stmt], in_timeout: bool) {
        for s in stmts {
            self.stmt(s, in_timeout);
        }
    }

    /// Whether calls here hand an abort signal down.
    fn has_signal(&self, in_timeout: bool) -> bool {
        in_timeout || self.cancellable_fn
    }

    fn stmt(&mut self, s: &Stmt, in_timeout: bool) {
        let cx = self.cx;
        let worker = self.is_worker_fn();
        match s {
            Stmt::Print { text, key } => {
                let l = self
                    .o
                    .line(format!("console.log({});", self.print_args(text)));
                self.o.slot_print(l, *key);
            }
            Stmt::Sleep(d) => {
                let l = if worker {
                    self.o.line(format!(
                        "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, {}); // holds this thread only",
                        self.ms(*d)
                    ))
                } else if self.has_signal(in_timeout) {
                    self.o
                        .line(format!("await sleep({}, signal);", self.ms(*d)))
                } else {
                    self.o.line(format!("await sleep({});", self.ms(*d)))
                };
                self.o.slot("sleep", l);
                self.o.slot("wake", l);
            }
            Stmt::Block(d) => {
                let l = if worker {
                    self.o.line(format!(
                        "Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, {}); // holds this thread only",
                        self.ms(*d)
                    ))
                } else {
                    self.o.line(format!(
                        "blockFor({}); // nothing else runs meanwhile",
                        self.ms(*d)
                    ))
                };
                self.o.slot("block", l);
                self.o.slot("unblock", l);
            }
            Stmt::Cpu { work, assign } => {
                let l = self.o.line(format!(
                    "{}countPrimes({});",
                    self.assign_prefix(assign),
                    digits(*work)
                ));
                self.o.slot("block", l);
                self.o.slot("unblock", l);
            }
            Stmt::Spawn { var: v, task } => {
                let (f, args) = self.fn_and_args(*task, in_timeout);
                let mut all = vec![f];
                all.extend(args);
                let l = self
                    .o
                    .line(format!("{}spawn({});", self.decl(v), all.join(", ")));
                self.o.slot("spawn", l);
            }
            Stmt::Await { what, assign, .. } => {
                let target = match what {
                    Target::Spawned(v) => format!("await {}", var(v)),
                    Target::InPlace(t) => self.run_in_place(*t, in_timeout),
                };
                let l = self
                    .o
                    .line(format!("{}{target};", self.assign_prefix(assign)));
                self.o.slot("fail", l);
            }
            Stmt::Gather { tasks, assign } => {
                let args = self.list_args(tasks, in_timeout);
                let l = match (args.len(), args.first()) {
                    (1, Some(a)) if a.starts_with("...") => self.o.line(format!(
                        "{}await Promise.all({});",
                        self.assign_prefix(assign),
                        &a[3..]
                    )),
                    _ => self.call_lines(
                        &format!("{}await Promise.all([", self.assign_prefix(assign)),
                        &args,
                        "]);",
                    ),
                };
                self.o.slot_repeat("spawn", l);
                self.o.slot("fail", l);
            }
            Stmt::SeqGather { tasks, assign } => {
                let target = var(assign);
                match cx.g.range(tasks) {
                    Some((f, lo, hi)) if tasks.len() >= 3 => {
                        let l = self.o.line(format!("{}[];", self.decl(assign)));
                        self.o.line(format!(
                            "{} {target}.push({});",
                            js_for(lo, hi),
                            self.run_in_place_i(f, in_timeout)
                        ));
                        self.o.slot("fail", l);
                    }
                    _ => {
                        let items: Vec<String> = tasks
                            .iter()
                            .map(|t| self.run_in_place(*t, in_timeout))
                            .collect();
                        let l = self.call_lines(&format!("{}[", self.decl(assign)), &items, "];");
                        self.o.slot("fail", l);
                    }
                }
            }
            Stmt::Combine { how, tasks, assign } => {
                let args = self.list_args(tasks, in_timeout);
                let target = assign.as_ref().map(|v| self.decl(v)).unwrap_or_default();
                let l = match how {
                    Combinator::AllSettled => {
                        let l = self.call_lines(
                            &format!("{target}(await Promise.allSettled(["),
                            &args,
                            "])).map(",
                        );
                        self.o.push();
                        self.o
                            .line("(o) => (o.status === \"fulfilled\" ? o : rejected(o.reason)),");
                        self.o.pop();
                        self.o.line(");");
                        l
                    }
                    _ => {
                        let name = match how {
                            Combinator::All => "all",
                            Combinator::Race => "race",
                            _ => "any",
                        };
                        self.call_lines(
                            &format!("{target}await Promise.{name}(["),
                            &args,
                            "]).then(fulfilled, rejected);",
                        )
                    }
                };
                self.o.slot_repeat("spawn", l);
            }
            Stmt::WaitFor { tasks, ms, assign } => {
                self.o.line(format!(
                    "const signal = AbortSignal.timeout({}); // aborts what still runs then",
                    self.whole_ms(*ms)
                ));
                let args = self.list_args(tasks, true);
                let l =
                    self.call_lines("const outcomes = await Promise.allSettled([", &args, "]);");
                self.o.slot_repeat("spawn", l);
                let target = match assign {
                    Some(v) => self.decl(v),
                    None => "const results = ".into(),
                };
                self.o.line(format!(
                    "{target}outcomes.filter((o) => o.status === \"fulfilled\").map((o) => o.value);"
                ));
            }
            Stmt::Timeout {
                ms,
                body,
                on_timeout,
            } => {
                self.o.line("try {");
                self.o.push();
                self.o.line(format!(
                    "const signal = AbortSignal.timeout({}); // aborts the work below then",
                    self.whole_ms(*ms)
                ));
                self.stmts(body, true);
                self.o.pop();
                let l = self.o.line("} catch (err) {");
                let g = self.o.slot("timeout", l);
                let old = self.o.set_guard(g);
                self.o.push();
                self.o.line("if (err.name !== \"TimeoutError\") throw err;");
                self.stmts(on_timeout, in_timeout);
                self.o.pop();
                self.o.restore_guard(old);
                self.o.line("}");
            }
            Stmt::Sem { sem, body } => {
                let name = sem_name(*sem, cx.s.semaphores.len());
                let l = self.o.line(format!("await {name}.acquire();"));
                self.o.slot("acquire_wait", l);
                self.o.slot("acquire", l);
                self.o.line("try {");
                self.o.push();
                self.stmts(body, in_timeout);
                self.o.pop();
                self.o.line("} finally {");
                self.o.push();
                let r = self.o.line(format!("{name}.release();"));
                self.o.slot("release", r);
                self.o.pop();
                self.o.line("}");
            }
            Stmt::Acquire(sem) => {
                let name = sem_name(*sem, cx.s.semaphores.len());
                let l = self.o.line(format!("await {name}.acquire();"));
                self.o.slot("acquire_wait", l);
                self.o.slot("acquire", l);
            }
            Stmt::Release(sem) => {
                let name = sem_name(*sem, cx.s.semaphores.len());
                let l = self.o.line(format!("{name}.release();"));
                self.o.slot("release", l);
            }
            Stmt::Fail(text) => {
                let l = self
                    .o
                    .line(format!("throw new Error({});", self.template(text)));
                self.o.slot("fail", l);
            }
            Stmt::SetResult { var: v, val } => {
                self.o.line(format!("{}{};", self.decl(v), self.tval(val)));
            }
            Stmt::CallNoAwait(t) => {
                let l = self.o.line(format!(
                    "{}; // no await: it runs anyway, at once, up to its first await",
                    self.call(*t, in_timeout)
                ));
                self.o.slot("spawn", l);
                self.o.slot("warn", l);
            }
            Stmt::Schedule { queue, text, key } => {
                let lit = js_str(text);
                let l = match queue {
                    Queue::Sync => self.o.line(format!("console.log({lit});")),
                    Queue::Micro => {
                        if text.to_ascii_lowercase().contains("queuemicrotask") {
                            self.o.line(format!(
                                "queueMicrotask(() => console.log({lit})); // a microtask"
                            ))
                        } else {
                            self.o.line(format!(
                                "Promise.resolve().then(() => console.log({lit})); // a microtask"
                            ))
                        }
                    }
                    Queue::Macro => self.o.line(format!(
                        "setTimeout(() => console.log({lit}), 0); // a macrotask"
                    )),
                };
                self.o.slot_print(l, *key);
            }
            Stmt::AwaitLoop { tasks, assign } => {
                if let Some((f, lo, hi)) = cx.g.range(tasks) {
                    if let Some(v) = assign {
                        if !self.hoisted.contains(&var(v)) {
                            self.o.line(format!("let {};", var(v)));
                            self.hoisted.insert(var(v));
                        }
                    }
                    self.o.line(format!("{} {{", js_for(lo, hi)));
                    self.o.push();
                    let prefix = assign
                        .as_ref()
                        .map(|v| format!("{} = ", var(v)))
                        .unwrap_or_default();
                    let l = self
                        .o
                        .line(format!("{prefix}{};", self.run_in_place_i(f, in_timeout)));
                    self.o.slot("fail", l);
                    self.o.pop();
                    self.o.line("}");
                }
            }
            Stmt::Guard { body, on_cancel } => {
                self.o.line("try {");
                self.o.push();
                self.stmts(body, in_timeout);
                self.o.pop();
                let l = self.o.line("} catch (err) {");
                let g = self.o.slot("cancel", l);
                let old = self.o.set_guard(g);
                self.o.push();
                // Only a cancellation is cleaned up; another error just passes through.
                let other_errors = body.iter().any(|s| {
                    matches!(
                        s,
                        Stmt::Fail(_)
                            | Stmt::Await { .. }
                            | Stmt::Gather { .. }
                            | Stmt::SeqGather { .. }
                            | Stmt::AwaitLoop { .. }
                            | Stmt::Combine { .. }
                    )
                });
                if other_errors {
                    self.o.line("if (!signal?.aborted) throw err;");
                }
                self.stmts(on_cancel, in_timeout);
                self.o
                    .line("throw err; // still cancelled: the caller sees it too");
                self.o.pop();
                self.o.restore_guard(old);
                self.o.line("}");
            }
        }
    }

    fn call_lines(&mut self, open: &str, args: &[String], close: &str) -> u32 {
        let one = format!("{open}{}{close}", args.join(", "));
        if one.len() + 4 <= 80 || args.len() <= 1 {
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

    /// Promise-list items: calls, and `...Array.from(...)` for label ranges.
    fn list_args(&self, tasks: &[TaskId], in_timeout: bool) -> Vec<String> {
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
                    let idx = if lo == 0 {
                        "i".to_string()
                    } else {
                        format!("i + {lo}")
                    };
                    out.push(format!(
                        "...Array.from({{ length: {} }}, (_, i) => {})",
                        hi - lo + 1,
                        self.call_with(f, vec![idx], in_timeout)
                    ));
                    k = end;
                }
                None => {
                    out.push(self.call(tasks[k], in_timeout));
                    k += 1;
                }
            }
        }
        out
    }

    fn sig_arg(&self, f: usize, in_timeout: bool) -> Option<&'static str> {
        let takes = self
            .params
            .get(f)
            .is_some_and(|p| p.iter().any(|x| x == "signal"));
        (takes && self.has_signal(in_timeout)).then_some("signal")
    }

    fn args(&self, t: TaskId) -> Vec<String> {
        self.cx
            .g
            .args_of(t)
            .iter()
            .map(|a| match a {
                Arg::Int(i) => i.to_string(),
                Arg::Str(s) => js_str(s),
                Arg::Ms(ms) => digits(*ms),
                Arg::Val(v) => js_lit(v),
            })
            .collect()
    }

    /// The function and the arguments (signal included) of a call of task `t`.
    fn fn_and_args(&self, t: TaskId, in_timeout: bool) -> (String, Vec<String>) {
        let Some(f) = self.cx.fn_of(t) else {
            return ("main".into(), Vec::new());
        };
        let mut args = self.args(t);
        if let Some(s) = self.sig_arg(f, in_timeout) {
            args.push(s.into());
        }
        (self.names[f].clone(), args)
    }

    fn call(&self, t: TaskId, in_timeout: bool) -> String {
        let Some(f) = self.cx.fn_of(t) else {
            return "main()".into();
        };
        self.call_with(f, self.args(t), in_timeout)
    }

    fn call_with(&self, f: usize, mut args: Vec<String>, in_timeout: bool) -> String {
        if let Some(s) = self.sig_arg(f, in_timeout) {
            args.push(s.into());
        }
        if self.cx.g.fns[f].worker {
            let mut all = vec![self.names[f].clone()];
            all.extend(args);
            format!("runOnThread({})", all.join(", "))
        } else {
            format!("{}({})", self.names[f], args.join(", "))
        }
    }

    fn run_in_place(&self, t: TaskId, in_timeout: bool) -> String {
        if self.cx.is_plain(t) {
            self.call(t, in_timeout)
        } else {
            format!("await {}", self.call(t, in_timeout))
        }
    }

    fn run_in_place_i(&self, f: usize, in_timeout: bool) -> String {
        let call = self.call_with(f, vec!["i".into()], in_timeout);
        if self.cx.plain.get(f).copied().unwrap_or(false) {
            call
        } else {
            format!("await {call}")
        }
    }

    fn label(&self) -> String {
        self.param(0)
    }

    /// `console.log` arguments printing exactly the text: values as separate arguments (Node
    /// formats them as the model does), or inside a template through `inspect`.
    fn print_args(&self, text: &[TP]) -> String {
        match split_args(text) {
            Some(parts) => {
                let many = parts.len() > 1;
                parts
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| match p {
                        Part::Text(t) => {
                            let s = self.template(&t);
                            // With more arguments, `%` in the first one is a format directive.
                            if many && i == 0 && s.contains('%') {
                                s.replace('%', "%%")
                            } else {
                                s
                            }
                        }
                        Part::Var(v) => var(&v),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }
            None => {
                let mut inner = String::new();
                for p in text {
                    match p {
                        TP::Lit(s) => inner.push_str(&tpl_escape(s)),
                        TP::Label => inner.push_str(&format!("${{{}}}", self.label())),
                        TP::Param(p) => inner.push_str(&format!("${{{}}}", self.param(*p))),
                        TP::Null => inner.push_str("${null}"),
                        TP::Var(v) => {
                            if matches!(v.example, Some(Value::Str(_))) {
                                inner.push_str(&format!("${{{}}}", var(v)));
                            } else {
                                inner.push_str(&format!("${{inspect({})}}", var(v)));
                            }
                        }
                    }
                }
                format!("`{inner}`")
            }
        }
    }

    /// A string expression: a plain literal, or a template with the label.
    fn template(&self, text: &[TP]) -> String {
        if let Some(s) = super::lower::literal_text(text) {
            return js_str(&s);
        }
        let mut inner = String::new();
        for p in text {
            match p {
                TP::Lit(s) => inner.push_str(&tpl_escape(s)),
                TP::Label => inner.push_str(&format!("${{{}}}", self.label())),
                TP::Param(p) => inner.push_str(&format!("${{{}}}", self.param(*p))),
                TP::Var(v) => inner.push_str(&format!("${{{}}}", var(v))),
                TP::Null => inner.push_str("${null}"),
            }
        }
        format!("`{inner}`")
    }

    fn tval(&self, t: &TVal) -> String {
        match t {
            TVal::Const(v) => js_lit(v),
            TVal::Label => self.label(),
            TVal::Linear(mul, add) => super::linear(&self.label(), *mul, *add),
            TVal::Param(p) => self.param(*p),
            TVal::Text(pieces) => {
                let tp = super::lower::value_text(pieces);
                self.template(&tp)
            }
            TVal::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(|x| self.tval(x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            TVal::Record(fields) if fields.is_empty() => "{}".into(),
            TVal::Record(fields) => format!(
                "{{ {} }}",
                fields
                    .iter()
                    .map(|(k, x)| format!("{}: {}", js_key(k), self.tval(x)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// `for (let i = 0; i < 10; i++)` over labels lo..=hi.
fn js_for(lo: i64, hi: i64) -> String {
    if lo == 0 {
        format!("for (let i = 0; i < {}; i++)", hi + 1)
    } else {
        format!("for (let i = {lo}; i <= {hi}; i++)")
    }
}

enum Part {
    Text(Vec<TP>),
    Var(Var),
}

/// Splits a printed text into `console.log` arguments when every value stands between spaces
/// (console.log joins its arguments with one space); `None` otherwise.
fn split_args(text: &[TP]) -> Option<Vec<Part>> {
    let mut parts: Vec<Part> = Vec::new();
    let mut cur: Vec<TP> = Vec::new();
    for (i, p) in text.iter().enumerate() {
        match p {
            TP::Var(v) => {
                if !cur.is_empty() {
                    // The text before must end with the separating space.
                    match cur.last_mut() {
                        Some(TP::Lit(s)) if s.ends_with(' ') => {
                            s.pop();
                            if s.is_empty() {
                                cur.pop();
                            }
                        }
                        _ => return None,
                    }
                    if !cur.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut cur)));
                    } else {
                        // Only a space before: console.log would not print it.
                        return None;
                    }
                }
                parts.push(Part::Var(v.clone()));
                // The text after must start with the separating space.
                match text.get(i + 1) {
                    None => {}
                    Some(TP::Lit(s)) if s.starts_with(' ') && s.len() > 1 => {}
                    _ => return None,
                }
            }
            TP::Lit(s) => {
                let s = if matches!(parts.last(), Some(Part::Var(_))) && cur.is_empty() {
                    s.strip_prefix(' ').unwrap_or(s).to_string()
                } else {
                    s.clone()
                };
                cur.push(TP::Lit(s));
            }
            TP::Label => cur.push(TP::Label),
            TP::Param(p) => cur.push(TP::Param(*p)),
            TP::Null => cur.push(TP::Null),
        }
    }
    if !cur.is_empty() {
        parts.push(Part::Text(cur));
    }
    Some(parts)
}

/// Variables assigned inside nested blocks (they are declared at the function's top).
fn nested_assigns(stmts: &[Stmt], nested: bool, out: &mut Vec<String>) {
    for s in stmts {
        let assigned = match s {
            Stmt::Await { assign, .. }
            | Stmt::Gather { assign, .. }
            | Stmt::Combine { assign, .. }
            | Stmt::WaitFor { assign, .. } => assign.clone(),
            Stmt::SetResult { var, .. } => Some(var.clone()),
            Stmt::SeqGather { assign, .. } => Some(assign.clone()),
            Stmt::Cpu { assign, .. } => assign.clone(),
            _ => None,
        };
        if let (true, Some(v)) = (nested, assigned) {
            if !out.contains(&var(&v)) {
                out.push(var(&v));
            }
        }
        match s {
            Stmt::Timeout {
                body, on_timeout, ..
            } => {
                nested_assigns(body, true, out);
                nested_assigns(on_timeout, true, out);
            }
            Stmt::Sem { body, .. } => nested_assigns(body, true, out),
            Stmt::Guard { body, on_cancel } => {
                nested_assigns(body, true, out);
                nested_assigns(on_cancel, true, out);
            }
            _ => {}
        }
    }
}

fn var(v: &Var) -> String {
    camel(&v.words)
}

fn sem_name(i: usize, count: usize) -> String {
    if count <= 1 {
        "sem".into()
    } else {
        format!("sem{}", i + 1)
    }
}

fn escape(s: &str, quote: char) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

fn tpl_escape(s: &str) -> String {
    escape(s, '`').replace("${", "\\${")
}

pub(crate) fn js_str(s: &str) -> String {
    format!("\"{}\"", escape(s, '"'))
}

fn js_key(k: &str) -> String {
    let mut chars = k.chars();
    let ident = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        }
        _ => false,
    };
    if ident {
        k.to_string()
    } else {
        js_str(k)
    }
}

pub(crate) fn js_lit(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => crate::model::value::js_number(*f),
        Value::Str(s) => js_str(s),
        Value::List(items) => format!(
            "[{}]",
            items.iter().map(js_lit).collect::<Vec<_>>().join(", ")
        ),
        Value::Record(fields) if fields.is_empty() => "{}".into(),
        Value::Record(fields) => format!(
            "{{ {} }}",
            fields
                .iter()
                .map(|(k, x)| format!("{}: {}", js_key(k), js_lit(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
