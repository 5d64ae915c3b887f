//! F17, the scenario editor's language: a small Python-asyncio-like script, compiled to the same
//! scenario model as the built-in programs (so it is planned, run, drawn and shown in three
//! languages like them). Pure and total: any text, however hostile, gives a program or errors
//! with line and column, never a panic; sizes are bounded (bytes, depth, tasks, steps).
//!
//! What it understands (one statement per line, 4-space or any consistent indentation):
//! ```text
//! import asyncio / import time               (ignored)
//! sem = asyncio.Semaphore(3)                 (module level)
//! async def name(a, b):                      (functions; `main` is where the run starts)
//!     print("a\tb", a, 0.5, f"{a:.2f} {i+1}", result)
//!                                            (strings as CPython decodes them, numbers,
//!                                             f-strings: name, name ± n, !r, format specs)
//!     print("got", await name(1))            (one await in a print; `return await …` too)
//!     await asyncio.sleep(1.5)               (seconds)
//!     time.sleep(0.5)                        (blocks the thread)
//!     t = asyncio.create_task(name(1, "x"))
//!     await t / result = await t
//!     result = await name(2)                 (awaited where it stands)
//!     results = await asyncio.gather(name(1), t, *(name(i) for i in range(3)))
//!     async with sem:
//!     try:
//!         async with asyncio.timeout(2):     (a deadline for the block)
//!             …
//!     except TimeoutError:
//!         …
//!     for i in range(1, 4):
//!     name(3)                                (a coroutine never awaited)
//!     return 42 / return "ok" / return a / return results
//! asyncio.run(main())
//! ```
//! The rule: what it accepts prints exactly what CPython prints for the same text (tested by
//! running the fixtures and random literals with `python3`); anything else is refused at a line
//! and column with the real reason (the page then hands the program to CPython). Before it runs,
//! the program is planned: at most [`MAX_TOTAL_MS`] of scenario time and [`MAX_BLOCK_TOTAL_MS`]
//! of `time.sleep` in all, and no task may still be running when `main` returns (CPython's
//!
//! The package follows the pipeline: [`lexer`] (text → [`token`]s per line), [`parse`] (lines →
//! the [`ast`]), [`expand`] (the tree → the scenario's tasks), [`check`] (planned before it
//! runs); [`error`] holds the kinds of refusal, [`limits`] the bounds, [`format`] how CPython
//! shows a value, [`link`] the script in a URL.
mod ast;
mod check;
mod error;
mod expand;
mod format;
mod lexer;
mod limits;
mod link;
mod parse;
mod token;

#[cfg(test)]
mod tests;

pub use error::{visible, ErrorKind, Nesting, ScriptError};
pub use limits::*;
pub use link::{decode_src, encode_src};

use crate::model::scenario::{Params, Scenario};
use crate::model::trace::Mode;

/// What the editor shows for a new script.
pub const STARTER: &str = "import asyncio

sem = asyncio.Semaphore(2)

async def download(name, seconds):
    async with sem:
        print(f\"{name}: start\")
        await asyncio.sleep(seconds)
        print(f\"{name}: done\")
    return name

async def main():
    late = asyncio.create_task(download(\"page\", 1.5))
    results = await asyncio.gather(download(\"a\", 1), download(\"b\", 2), download(\"c\", 1))
    print(\"got\", results)
    await late

asyncio.run(main())
";

// ---------- lexer ----------

/// Compiles a script to the program of `mode`: concurrent as written; sequential with every
/// task awaited where it is started (as the built-in scenarios derive theirs). The first error
/// stops the compile (a list, so that more can be reported later without changing callers).
pub fn compile(src: &str, mode: Mode) -> Result<Scenario, Vec<ScriptError>> {
    compile_one(src, mode).map_err(|e| vec![e])
}

fn compile_one(src: &str, mode: Mode) -> Result<Scenario, ScriptError> {
    if src.len() > MAX_SCRIPT_BYTES {
        return Err(ScriptError::at(
            1,
            1,
            ErrorKind::TooLong { bytes: src.len() },
        ));
    }
    // CPython reads a leading UTF-8 byte order mark as nothing.
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let lines = lexer::lex(src)?;
    let m = parse::module(&lines)?;
    let Some((main, line, col)) = m.run.clone() else {
        let last = lines.last().map_or(1, |l| l.no);
        return Err(ScriptError::at(last, 1, ErrorKind::NoRun));
    };
    let Some(f) = m.funcs.get(&main) else {
        return Err(ScriptError::at(line, col, ErrorKind::UnknownFunction(main)));
    };
    if !f.params.is_empty() {
        let kind = ErrorKind::arity(&main, 0, f.params.len());
        return Err(ScriptError::at(f.line, 1, kind));
    }
    let expand::Expanded { mut tasks, origins } = expand::expand(&m, f, line, col)?;
    if mode == Mode::Sequential {
        for t in &mut tasks {
            t.body = crate::model::catalog::sequentialize(&t.body, &mut Default::default());
        }
    }
    let s = Scenario {
        id: "custom".into(),
        mode,
        params: Params::new(),
        tasks,
        semaphores: m.sems.iter().map(|(_, n)| *n).collect(),
    };
    check::check(&s, &origins, line, col)?;
    Ok(s)
}
