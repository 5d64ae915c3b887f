//! Code views generated from the model: Python asyncio, JavaScript, Rust, with line maps.
//! OWNER: codegen helper.
use std::collections::BTreeMap;

use super::scenario::{CodeLang, Scenario, TaskId};

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

pub fn generate(s: &Scenario, lang: CodeLang) -> CodeView {
    CodeView {
        lang,
        file_name: format!("{}.{}", s.id, ext(lang)),
        text: String::new(),
        lines: LineMap::default(),
        notes: Vec::new(),
    }
}

fn ext(lang: CodeLang) -> &'static str {
    match lang {
        CodeLang::Python => "py",
        CodeLang::Js => "mjs",
        CodeLang::Rust => "rs",
    }
}
