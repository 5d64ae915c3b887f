//! Code views generated from the model: Python asyncio, JavaScript, Rust, with line maps.
//!
//! Every view is generated from the scenario IR, never written per scenario: tasks whose bodies
//! differ only by their label share one function (`group.rs`), each body is lowered to a small
//! statement tree (`lower.rs`), and each language prints that tree (`python.rs`, `js.rs`,
//! `rust.rs`). The Python and JavaScript views are complete programs that CPython and Node run
//! to the model's printed lines (`tests/codegen_real.rs`).
use std::collections::BTreeMap;

use super::plan;
use super::scenario::{CodeLang, Scenario, Step, TaskId};
use super::trace::Trace;

mod group;
pub mod highlight;
mod js;
mod lines;
mod lower;
mod out;
mod python;
mod rust;

pub use highlight::{highlight, TokenKind};

/// Where the languages differ for a scenario; the UI words each note in the page's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Note {
    /// JS: a promise's executor runs at once.
    EagerPromise,
    /// Python/Rust: a coroutine / future does nothing until awaited.
    LazyCoroutine,
    /// Python warns "coroutine … was never awaited".
    NeverAwaitedWarning,
    /// `Promise.all` rejects at once; `gather` propagates the first error too, but the others go on.
    AllVsGatherErrors,
    /// The JS view orders same-instant work as the browser does (`loop: browser`).
    BrowserLoopOrder,
    /// Worker threads: Python threads / JS Web Workers / Rust std threads.
    Threads,
    /// A blocking call (`time.sleep`, a busy loop, `std::thread::sleep`) holds the one thread.
    BlockingCall,
    /// Python: threads do not run Python computation in parallel (the GIL); the view uses
    /// processes for CPU work.
    CpuNeedsProcesses,
}

/// 1-based line numbers of each task's events, per event kind, in the order they happen.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineMap {
    pub by_task: BTreeMap<TaskId, BTreeMap<&'static str, Vec<u32>>>,
}

impl LineMap {
    /// The line of the `nth` (0-based) event of `kind` on `task`; the last known line for that
    /// kind when the task repeats it more often than the map lists.
    pub fn line_for(&self, task: TaskId, kind: &str, nth: usize) -> Option<u32> {
        let lines = self.by_task.get(&task)?.get(kind)?;
        lines.get(nth).or(lines.last()).copied()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeView {
    pub lang: CodeLang,
    pub file_name: String,
    /// The complete runnable program.
    pub text: String,
    pub lines: LineMap,
    pub notes: Vec<Note>,
}

/// The view of `s` in `lang`, at the scenario's real durations.
pub fn generate(s: &Scenario, lang: CodeLang) -> CodeView {
    generate_scaled(s, lang, 1.0)
}

/// The same program with every duration multiplied by `scale` (tests run the views fast). The
/// text differs only in the duration literals; line maps and notes are the same.
pub fn generate_scaled(s: &Scenario, lang: CodeLang, scale: f64) -> CodeView {
    let scale = if scale.is_finite() && scale > 0.0 {
        scale
    } else {
        1.0
    };
    let cx = Ctx::new(s, lang, scale);
    let out = match lang {
        CodeLang::Python => python::emit(&cx),
        CodeLang::Js => js::emit(&cx),
        CodeLang::Rust => rust::emit(&cx),
    };
    let ideal = plan::plan(s, lang).ok();
    let lines = lines::build(s, &cx.g, &out.slots, ideal.as_ref());
    CodeView {
        lang,
        file_name: format!("{}.{}", file_stem(&s.id), ext(lang)),
        text: out.text(),
        lines,
        notes: notes(s, lang, ideal.as_ref()),
    }
}

fn file_stem(id: &str) -> String {
    let w = group::words(id);
    if w.is_empty() {
        "program".into()
    } else {
        w.join("_")
    }
}

fn ext(lang: CodeLang) -> &'static str {
    match lang {
        CodeLang::Python => "py",
        CodeLang::Js => "mjs",
        CodeLang::Rust => "rs",
    }
}

/// Everything an emitter needs: the functions, their lowered bodies, main's body.
pub(crate) struct Ctx<'a> {
    pub s: &'a Scenario,
    pub g: group::Groups,
    pub facts: lower::Facts,
    pub bodies: Vec<lower::Body>,
    pub main: lower::Body,
    /// Per function: it never waits and is only awaited in place, so it is a plain function.
    pub plain: Vec<bool>,
    pub scale: f64,
}

impl<'a> Ctx<'a> {
    fn new(s: &'a Scenario, _lang: CodeLang, scale: f64) -> Self {
        let g = group::analyse(s);
        let facts = lower::facts(s);
        let bodies: Vec<lower::Body> = g
            .fns
            .iter()
            .map(|f| {
                let cancellable = f
                    .members
                    .iter()
                    .any(|t| facts.cancellable.get(*t).copied().unwrap_or(false));
                lower::lower(s, &g, &facts, f.rep, Some(&f.slots), cancellable)
            })
            .collect();
        let main = lower::lower(s, &g, &facts, 0, None, false);
        // A function that never waits and is only ever awaited in place is a plain function.
        let mut started = std::collections::HashSet::new();
        lower::started_as_tasks(&main.stmts, &mut started);
        for b in &bodies {
            lower::started_as_tasks(&b.stmts, &mut started);
        }
        let plain = g
            .fns
            .iter()
            .map(|f| {
                let task = s.tasks.get(f.rep);
                !f.worker
                    && f.members.iter().all(|t| {
                        !started.contains(t) && !facts.cancellable.get(*t).copied().unwrap_or(false)
                    })
                    && task.is_some_and(|t| !any_in(&t.body, &suspends))
            })
            .collect();
        Ctx {
            s,
            g,
            facts,
            bodies,
            main,
            plain,
            scale,
        }
    }

    /// Scaled milliseconds.
    pub fn ms(&self, ms: u64) -> f64 {
        ms as f64 * self.scale
    }

    pub fn any_step(&self, f: &dyn Fn(&Step) -> bool) -> bool {
        self.s
            .tasks
            .iter()
            .any(|t| any_in(&t.body, f) || any_in(&t.on_cancel, f))
    }

    pub fn cancellable(&self, t: TaskId) -> bool {
        self.facts.cancellable.get(t).copied().unwrap_or(false)
    }

    /// The function of task `t`.
    pub fn fn_of(&self, t: TaskId) -> Option<usize> {
        self.g.fn_of.get(t).copied().flatten()
    }

    /// Task `t` runs as a plain (not async) function.
    pub fn is_plain(&self, t: TaskId) -> bool {
        self.fn_of(t)
            .and_then(|f| self.plain.get(f).copied())
            .unwrap_or(false)
    }
}

/// Steps where a task can wait (a plain function has none).
fn suspends(s: &Step) -> bool {
    match s {
        Step::Schedule { queue, .. } => *queue != super::trace::Queue::Sync,
        Step::Print(_) | Step::Block(_) | Step::Cpu { .. } | Step::Return(_) | Step::Fail(_) => {
            false
        }
        _ => true,
    }
}

pub(crate) fn any_in(steps: &[Step], f: &dyn Fn(&Step) -> bool) -> bool {
    steps.iter().any(|s| {
        f(s) || match s {
            Step::Timeout {
                body, on_timeout, ..
            } => any_in(body, f) || any_in(on_timeout, f),
            _ => false,
        }
    })
}

fn notes(s: &Scenario, lang: CodeLang, ideal: Option<&Trace>) -> Vec<Note> {
    let mut notes = Vec::new();
    let has = |f: &dyn Fn(&Step) -> bool| {
        s.tasks
            .iter()
            .any(|t| any_in(&t.body, f) || any_in(&t.on_cancel, f))
    };
    let never_awaited = has(&|st| matches!(st, Step::CallNoAwait(_)));
    let spawns = has(&|st| matches!(st, Step::Spawn(_)));
    match lang {
        CodeLang::Js if never_awaited || spawns => notes.push(Note::EagerPromise),
        CodeLang::Python | CodeLang::Rust if never_awaited => notes.push(Note::LazyCoroutine),
        _ => {}
    }
    if lang == CodeLang::Python && never_awaited {
        notes.push(Note::NeverAwaitedWarning);
    }
    // A child that fails inside a gather / Promise.all.
    let fails = |t: &TaskId| {
        s.tasks
            .get(*t)
            .is_some_and(|c| any_in(&c.body, &|st| matches!(st, Step::Fail(_))))
    };
    if has(&|st| match st {
        Step::Gather(cs) => cs.iter().any(fails),
        Step::Combine { how, tasks } => {
            *how == super::scenario::Combinator::All && tasks.iter().any(fails)
        }
        _ => false,
    }) {
        notes.push(Note::AllVsGatherErrors);
    }
    if lang == CodeLang::Js {
        if let (Some(js), Ok(py)) = (ideal, plan::plan(s, CodeLang::Python)) {
            if js.order() != py.order() {
                notes.push(Note::BrowserLoopOrder);
            }
        }
    }
    if s.tasks.iter().any(|t| t.thread.is_some()) {
        notes.push(Note::Threads);
    }
    if has(&|st| matches!(st, Step::Block(_))) {
        notes.push(Note::BlockingCall);
    }
    if lang == CodeLang::Python
        && s.tasks
            .iter()
            .any(|t| t.thread.is_some() && any_in(&t.body, &|st| matches!(st, Step::Cpu { .. })))
    {
        notes.push(Note::CpuNeedsProcesses);
    }
    notes
}

// ---------- shared helpers for the emitters ----------

/// `["fetch", "weather"]` → `fetch_weather`.
pub(crate) fn snake(words: &[String]) -> String {
    words.join("_")
}

/// `["fetch", "weather"]` → `fetchWeather`.
pub(crate) fn camel(words: &[String]) -> String {
    let mut out = String::new();
    for (i, w) in words.iter().enumerate() {
        if i == 0 {
            out.push_str(w);
        } else {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                out.push(f.to_ascii_uppercase());
                out.push_str(c.as_str());
            }
        }
    }
    out
}

/// Milliseconds as a short decimal (`2000`, `0.5`, `12.25`).
pub(crate) fn decimal(x: f64) -> String {
    let r = (x * 1_000_000.0).round() / 1_000_000.0;
    if r.fract() == 0.0 && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        let s = format!("{r:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// `expr`, multiplied by the time scale when the view runs faster than shown.
pub(crate) fn scaled(expr: &str, scale: f64) -> String {
    if scale == 1.0 {
        expr.to_string()
    } else {
        format!("{expr} * {}", decimal(scale))
    }
}

/// Whether a function's texts print parameter `p` (then a duration stays in milliseconds).
pub(crate) fn param_printed(f: &group::FnDef, p: usize) -> bool {
    f.slots.iter().any(|s| match s {
        group::SlotExpr::Text(t) => t.contains(&group::TPiece::Param(p)),
        _ => false,
    })
}

/// `1000000` → `1_000_000`: digit separators (Python, JavaScript and Rust all read them).
pub(crate) fn digits(v: u64) -> String {
    let s = v.to_string();
    if s.len() <= 4 {
        return s;
    }
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// `512 * i`, `i + 1`, `2 * i - 1`: a value that grows with the label.
pub(crate) fn linear(label: &str, mul: i64, add: i64) -> String {
    let base = match mul {
        0 => return add.to_string(),
        1 => label.to_string(),
        _ => format!("{mul} * {label}"),
    };
    match add.cmp(&0) {
        std::cmp::Ordering::Equal => base,
        std::cmp::Ordering::Greater => format!("{base} + {add}"),
        std::cmp::Ordering::Less => format!("{base} - {}", add.unsigned_abs()),
    }
}
