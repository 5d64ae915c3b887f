//! The parsed script: functions of statements, statements of arguments, each with the line and
//! column it was written at (for errors found later, when it is expanded).
use std::collections::BTreeMap;

use super::token::FPart;

#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Num(String, usize),
    Str(String, usize),
    FStr(Vec<FPart>, usize),
    Name(String, usize),
    Neg(Box<Arg>),
    /// `await <call or name>` as an argument (`print(await f())`).
    Await(Box<Arg>, usize),
    Call(Call),
    /// `*(f(i) for i in range(a, b))` or `*[…]`.
    Spread {
        call: Call,
        var: String,
        range: (Box<Arg>, Option<Box<Arg>>),
    },
}

#[derive(Clone, Debug)]
pub(crate) struct Call {
    /// `asyncio.sleep` / `download`
    pub(crate) name: String,
    pub(crate) args: Vec<Arg>,
    pub(crate) line: usize,
    pub(crate) col: usize,
}

#[derive(Clone, Debug)]
pub(crate) enum Stmt {
    Print(Vec<Arg>),
    /// `[target =] await <call or name>`
    Await {
        target: Option<String>,
        what: Arg,
    },
    CreateTask {
        target: String,
        call: Call,
    },
    Block(Arg),
    NoAwait(Call),
    With {
        sem: String,
        body: Block,
    },
    /// `async with asyncio.timeout(s):` (only inside `try … except TimeoutError`).
    TimeoutWith {
        secs: Arg,
        body: Block,
    },
    Timeout {
        secs: Arg,
        body: Block,
        on_timeout: Block,
    },
    For {
        var: String,
        from: Arg,
        to: Option<Arg>,
        body: Block,
    },
    Return(Arg),
    Pass,
}

#[derive(Clone, Debug)]
pub(crate) struct Func {
    pub(crate) params: Vec<String>,
    pub(crate) body: Block,
    pub(crate) line: usize,
}

/// The whole script: its functions, its semaphores, and where `asyncio.run(name())` is.
pub(crate) struct Module {
    pub(crate) funcs: BTreeMap<String, Func>,
    pub(crate) sems: Vec<(String, u32)>,
    pub(crate) run: Option<(String, usize, usize)>,
}

/// Statements with the line and column each starts at.
pub(crate) type Block = Vec<(usize, usize, Stmt)>;
