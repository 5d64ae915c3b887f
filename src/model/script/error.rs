//! What can be wrong with a script: a kind and a 1-based line and column. The kinds are data;
//! `crate::i18n::script_error` words them for the page, in its language.

/// A problem in the script, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub col: usize,
    pub kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    TooLong {
        bytes: usize,
    },
    Tab,
    Indent,
    UnclosedString,
    Unexpected {
        found: String,
        wanted: &'static str,
    },
    UnknownStatement,
    UnknownName(String),
    UnknownFunction(String),
    NotAsync(String),
    Arity {
        name: String,
        wanted: usize,
        got: usize,
    },
    Duplicate(String),
    NoRun,
    BadNumber {
        min: String,
        max: String,
    },
    TooDeep(Nesting),
    TooMany {
        what: &'static str,
        max: usize,
    },
    NotATask(String),
    NotASemaphore(String),
    Outside(&'static str),
    /// A timeout in any other shape than `try:` / `async with asyncio.timeout(s):` / `except
    /// TimeoutError:`.
    TryShape,
    /// The link's `src` is base64url but not UTF-8 text.
    BadLink,
    /// `asyncio.slep(1)`, `os.system(…)`: a dotted call the editor does not know.
    UnknownCall(String),
    /// `return` inside `for` or `async with` (only a function's last statement may return).
    NestedReturn,
    /// The program is refused by the model's checks (e.g. a task awaited from two places).
    Invalid(String),
    /// `"\d"`: an escape CPython does not know (it keeps the backslash and warns), an octal
    /// escape above `\377`, a `\x` without two hex digits, a lone surrogate.
    BadEscape(String),
    /// `\N{…}`: Unicode names are not in the editor (CPython takes such a program).
    NamedEscape,
    /// `b"…"`.
    Bytes,
    /// Triple-quoted strings.
    TripleQuoted,
    /// `f"{x"`: CPython's "f-string: expecting '}'".
    FStringUnclosed,
    /// `f"a}b"`: CPython's "f-string: single '}' is not allowed".
    FStringBrace,
    /// An f-string field beyond `name`, `name + n`, `!r`, `:spec` (or on an awaited result).
    FStringExpr(String),
    /// A format spec outside fill/align/sign/0/width/grouping/precision and `s d f F %`.
    FormatSpec(String),
    /// `async def print(…)`, a parameter or variable named like a built-in the editor uses.
    Shadow(String),
    /// A second `asyncio.run(…)`.
    RunTwice,
    /// `await` where only a value fits (`f(await g())`).
    AwaitHere,
    /// A task still running when `main` returns (CPython cancels it then).
    StillRunning(String),
    /// More than [`MAX_PRINTS`](super::limits::MAX_PRINTS) printed lines.
    TooManyLines,
    /// The whole program would take more than [`MAX_TOTAL_MS`](super::limits::MAX_TOTAL_MS) of scenario time (`blocking`:
    /// of `time.sleep`, [`MAX_BLOCK_TOTAL_MS`](super::limits::MAX_BLOCK_TOTAL_MS)), planned before it runs.
    TooLongInAll {
        blocking: bool,
        ms: u64,
    },
}

/// What is nested past [`MAX_DEPTH`](super::limits::MAX_DEPTH).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// Indented blocks (`for`, `async with`, `try`) inside one another.
    Blocks,
    /// Calls and signs inside one expression (`f(g(h(…)))`).
    Calls,
    /// Functions awaiting functions (`main` → `a` → `b` …), recursion included.
    Awaits,
}

impl ScriptError {
    pub(crate) fn at(line: usize, col: usize, kind: ErrorKind) -> Self {
        ScriptError { line, col, kind }
    }
}

impl ErrorKind {
    /// `name` called with `got` arguments where it takes `wanted`.
    pub(crate) fn arity(name: &str, wanted: usize, got: usize) -> Self {
        ErrorKind::Arity {
            name: name.into(),
            wanted,
            got,
        }
    }
}

/// `s` with every character a reader cannot see (controls, format characters such as a BOM or
/// a zero-width space, unusual spaces) written as `U+XXXX`.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_invisible(c) {
            out.push_str(&format!("U+{:04X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    let u = c as u32;
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(
            u,
            0xad | 0x34f | 0x61c | 0x115f | 0x1160 | 0x17b4 | 0x17b5 | 0x180b..=0x180f
                | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x206f | 0x3164 | 0xfe00..=0xfe0f
                | 0xfeff | 0xffa0 | 0xfff0..=0xfffb | 0x1d173..=0x1d17a | 0xe0000..=0xe0fff
        )
        || (0xe000..=0xf8ff).contains(&u)
        || u >= 0xf0000
}
