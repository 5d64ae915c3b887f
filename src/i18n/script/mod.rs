//! The words of the script compiler's refusals: the model says what is wrong
//! (`model::script::ErrorKind`, with a line and column), this table says it in each language
//! (one typed table per language, so a missing message is a compile error; `{name}` holes are
//! filled by [`script_error`]).
mod en;
mod es;
mod fr;

use super::fill;
use crate::model::params::Lang;
use crate::model::script::{
    ErrorKind, Nesting, ScriptError, MAX_BLOCK_TOTAL_MS, MAX_DEPTH, MAX_PRINTS, MAX_SCRIPT_BYTES,
    MAX_TOTAL_MS,
};

#[cfg(test)]
mod tests;

pub struct ScriptWords {
    /// "line {line}, column {col}: " before every refusal.
    pub at: &'static str,
    /// `ErrorKind::TooLong { bytes }`.
    pub too_long: &'static str,
    /// `ErrorKind::Tab`.
    pub tab: &'static str,
    /// `ErrorKind::Indent`.
    pub indent: &'static str,
    /// `ErrorKind::UnclosedString`.
    pub unclosed_string: &'static str,
    /// `ErrorKind::Unexpected { found, wanted }`.
    pub unexpected: &'static str,
    /// `ErrorKind::UnknownStatement`.
    pub unknown_statement: &'static str,
    /// `ErrorKind::UnknownName(n)`.
    pub unknown_name: &'static str,
    /// `ErrorKind::UnknownFunction(n)`.
    pub unknown_function: &'static str,
    /// `ErrorKind::NotAsync(n)`.
    pub not_async: &'static str,
    /// `ErrorKind::Arity { name, wanted, got }`.
    pub arity: &'static str,
    /// `ErrorKind::Duplicate(n)`.
    pub duplicate: &'static str,
    /// `ErrorKind::NoRun`.
    pub no_run: &'static str,
    /// `ErrorKind::BadNumber { min, max }`.
    pub bad_number: &'static str,
    /// `ErrorKind::TooDeep(Nesting::Blocks)`.
    pub too_deep_blocks: &'static str,
    /// `ErrorKind::TooDeep(Nesting::Calls)`.
    pub too_deep_calls: &'static str,
    /// `ErrorKind::TooDeep(Nesting::Awaits)`.
    pub too_deep_awaits: &'static str,
    /// `ErrorKind::TooMany { what, max }`.
    pub too_many: &'static str,
    /// `ErrorKind::NotATask(n)`.
    pub not_a_task: &'static str,
    /// `ErrorKind::NotASemaphore(n)`.
    pub not_a_semaphore: &'static str,
    /// `ErrorKind::TryShape`.
    pub try_shape: &'static str,
    /// `ErrorKind::BadLink`.
    pub bad_link: &'static str,
    /// `ErrorKind::UnknownCall(n)`.
    pub unknown_call: &'static str,
    /// `ErrorKind::NestedReturn`.
    pub nested_return: &'static str,
    /// `ErrorKind::Invalid(why)`.
    pub invalid: &'static str,
    /// `ErrorKind::BadEscape(e)`.
    pub bad_escape: &'static str,
    /// `ErrorKind::NamedEscape`.
    pub named_escape: &'static str,
    /// `ErrorKind::Bytes`.
    pub bytes: &'static str,
    /// `ErrorKind::TripleQuoted`.
    pub triple_quoted: &'static str,
    /// `ErrorKind::FStringUnclosed`.
    pub f_string_unclosed: &'static str,
    /// `ErrorKind::FStringBrace`.
    pub f_string_brace: &'static str,
    /// `ErrorKind::FStringExpr(e)`.
    pub f_string_expr: &'static str,
    /// `ErrorKind::FormatSpec(spec)`.
    pub format_spec: &'static str,
    /// `ErrorKind::Shadow(n)`.
    pub shadow: &'static str,
    /// `ErrorKind::RunTwice`.
    pub run_twice: &'static str,
    /// `ErrorKind::AwaitHere`.
    pub await_here: &'static str,
    /// `ErrorKind::StillRunning(task)`.
    pub still_running: &'static str,
    /// `ErrorKind::TooManyLines`.
    pub too_many_lines: &'static str,
    /// `ErrorKind::TooLongInAll { blocking: false, ms }`.
    pub too_long_in_all: &'static str,
    /// `ErrorKind::TooLongInAll { blocking: true, ms }`.
    pub too_long_blocking: &'static str,
    /// `ErrorKind::Outside(what)`.
    pub outside: &'static str,
    /// What `TooMany` counts.
    pub tasks: &'static str,
    pub steps: &'static str,
}

pub fn script_words(lang: Lang) -> &'static ScriptWords {
    match lang {
        Lang::En => &en::WORDS,
        Lang::Fr => &fr::WORDS,
        Lang::Es => &es::WORDS,
    }
}

/// "line 3, column 5: …" in the page's language.
pub fn script_error(lang: Lang, e: &ScriptError) -> String {
    let (line, col) = (e.line.to_string(), e.col.to_string());
    let at = fill(script_words(lang).at, &[("line", &line), ("col", &col)]);
    format!("{at}{}", script_error_kind(lang, &e.kind))
}

/// What is wrong, in words (user text last among the holes, so none is read as a hole).
pub fn script_error_kind(lang: Lang, kind: &ErrorKind) -> String {
    let w = script_words(lang);
    let n = |t: &str, v: &str| fill(t, &[("n", v)]);
    let max = |t: &str, m: u64| fill(t, &[("max", &m.to_string())]);
    match kind {
        ErrorKind::TooLong { bytes } => fill(
            w.too_long,
            &[
                ("max", &MAX_SCRIPT_BYTES.to_string()),
                ("bytes", &bytes.to_string()),
            ],
        ),
        ErrorKind::Tab => w.tab.into(),
        ErrorKind::Indent => w.indent.into(),
        ErrorKind::UnclosedString => w.unclosed_string.into(),
        ErrorKind::Unexpected { found, wanted } => {
            fill(w.unexpected, &[("wanted", wanted), ("found", found)])
        }
        ErrorKind::UnknownStatement => w.unknown_statement.into(),
        ErrorKind::UnknownName(v) => n(w.unknown_name, v),
        ErrorKind::UnknownFunction(v) => n(w.unknown_function, v),
        ErrorKind::NotAsync(v) => n(w.not_async, v),
        ErrorKind::Arity { name, wanted, got } => fill(
            w.arity,
            &[
                ("wanted", &wanted.to_string()),
                ("got", &got.to_string()),
                ("name", name),
            ],
        ),
        ErrorKind::Duplicate(v) => n(w.duplicate, v),
        ErrorKind::NoRun => w.no_run.into(),
        ErrorKind::BadNumber { min, max } => fill(w.bad_number, &[("min", min), ("max", max)]),
        ErrorKind::TooDeep(nesting) => {
            let t = match nesting {
                Nesting::Blocks => w.too_deep_blocks,
                Nesting::Calls => w.too_deep_calls,
                Nesting::Awaits => w.too_deep_awaits,
            };
            max(t, MAX_DEPTH as u64)
        }
        ErrorKind::TooMany { what, max } => {
            let what = match *what {
                "tasks" => w.tasks,
                "steps" => w.steps,
                other => other,
            };
            fill(w.too_many, &[("max", &max.to_string()), ("what", what)])
        }
        ErrorKind::NotATask(v) => n(w.not_a_task, v),
        ErrorKind::NotASemaphore(v) => n(w.not_a_semaphore, v),
        ErrorKind::TryShape => w.try_shape.into(),
        ErrorKind::BadLink => w.bad_link.into(),
        ErrorKind::UnknownCall(v) => n(w.unknown_call, v),
        ErrorKind::NestedReturn => w.nested_return.into(),
        ErrorKind::Invalid(why) => fill(w.invalid, &[("why", why)]),
        ErrorKind::BadEscape(e) => fill(w.bad_escape, &[("e", e)]),
        ErrorKind::NamedEscape => w.named_escape.into(),
        ErrorKind::Bytes => w.bytes.into(),
        ErrorKind::TripleQuoted => w.triple_quoted.into(),
        ErrorKind::FStringUnclosed => w.f_string_unclosed.into(),
        ErrorKind::FStringBrace => w.f_string_brace.into(),
        ErrorKind::FStringExpr(e) => fill(w.f_string_expr, &[("e", e)]),
        ErrorKind::FormatSpec(spec) => fill(w.format_spec, &[("spec", spec)]),
        ErrorKind::Shadow(v) => n(w.shadow, v),
        ErrorKind::RunTwice => w.run_twice.into(),
        ErrorKind::AwaitHere => w.await_here.into(),
        ErrorKind::StillRunning(task) => fill(w.still_running, &[("task", task)]),
        ErrorKind::TooManyLines => max(w.too_many_lines, MAX_PRINTS as u64),
        ErrorKind::TooLongInAll { blocking, ms } => {
            let (t, most) = if *blocking {
                (w.too_long_blocking, MAX_BLOCK_TOTAL_MS)
            } else {
                (w.too_long_in_all, MAX_TOTAL_MS)
            };
            let s = ms.div_ceil(1000).to_string();
            fill(t, &[("s", &s), ("max", &(most / 1000).to_string())])
        }
        ErrorKind::Outside(what) => fill(w.outside, &[("what", what)]),
    }
}
