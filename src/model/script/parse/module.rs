//! The top level: imports, `async def`, semaphores and the one `asyncio.run(main())`.
use std::collections::BTreeMap;

use super::cursor::Cursor;
use super::statement::{child_block, own_name};
use crate::model::script::ast::{Func, Module};
use crate::model::script::error::{ErrorKind, ScriptError};
use crate::model::script::token::{Line, Tok};

pub(crate) fn module(lines: &[Line]) -> Result<Module, ScriptError> {
    let mut m = Module {
        funcs: BTreeMap::new(),
        sems: Vec::new(),
        run: None,
    };
    let mut i = 0;
    while let Some(l) = lines.get(i) {
        if l.indent != 0 {
            return Err(ScriptError::at(l.no, l.indent + 1, ErrorKind::Indent));
        }
        i += 1;
        let mut c = Cursor::new(l);
        if c.is_name("import") || c.is_name("from") {
            continue;
        }
        if c.is_name("async") && matches!(c.peek_at(1), Some(Tok::Name(n)) if n == "def") {
            c.i += 2;
            async_def(&mut c, &mut m, lines, &mut i)?;
            continue;
        }
        if c.is_name("def") {
            c.i += 1;
            let (name, _) = c.name()?;
            return Err(ScriptError::at(l.no, 1, ErrorKind::NotAsync(name)));
        }
        if matches!(c.peek(), Some(Tok::Name(_))) && c.peek_at(1) == Some(&Tok::Op('=')) {
            semaphore(&mut c, &mut m)?;
            continue;
        }
        if c.is_name("asyncio") && matches!(c.peek_at(2), Some(Tok::Name(n)) if n == "run") {
            if m.run.is_some() {
                return Err(ScriptError::at(l.no, 1, ErrorKind::RunTwice));
            }
            c.i += 3;
            run(&mut c, &mut m)?;
            continue;
        }
        let kind = if c.is_name("await") {
            ErrorKind::Outside("await")
        } else if c.is_name("print") {
            ErrorKind::Outside("print")
        } else {
            ErrorKind::UnknownStatement
        };
        return Err(ScriptError::at(l.no, 1, kind));
    }
    Ok(m)
}

/// After `async def`: `name(params):` and its body (the lines after `lines[*i - 1]`).
fn async_def(
    c: &mut Cursor,
    m: &mut Module,
    lines: &[Line],
    i: &mut usize,
) -> Result<(), ScriptError> {
    let no = c.line;
    let (name, col) = c.name()?;
    own_name(&name, no, col)?;
    c.op('(')?;
    let mut params = Vec::new();
    while !c.is_op(')') {
        let (p, pcol) = c.name()?;
        own_name(&p, no, pcol)?;
        params.push(p);
        if !c.is_op(')') {
            c.op(',')?;
        }
    }
    c.op(')')?;
    c.op(':')?;
    c.end()?;
    let body = child_block(lines, i, 0, 0, (no, col))?;
    if m.funcs.contains_key(&name) {
        return Err(ScriptError::at(no, col, ErrorKind::Duplicate(name)));
    }
    let f = Func {
        params,
        body,
        line: no,
    };
    m.funcs.insert(name, f);
    Ok(())
}

/// `name = asyncio.Semaphore(n)`, n from 1 to 1000.
fn semaphore(c: &mut Cursor, m: &mut Module) -> Result<(), ScriptError> {
    let no = c.line;
    let (name, col) = c.name()?;
    own_name(&name, no, col)?;
    c.op('=')?;
    c.keyword("asyncio")?;
    c.op('.')?;
    c.keyword("Semaphore")?;
    c.op('(')?;
    let ncol = c.col();
    let n = match c.peek() {
        Some(Tok::Num(n)) => whole(n, 1, 1000),
        _ => None,
    }
    .ok_or_else(|| {
        ScriptError::at(
            no,
            ncol,
            ErrorKind::BadNumber {
                min: "1".into(),
                max: "1000".into(),
            },
        )
    })?;
    c.i += 1;
    c.op(')')?;
    c.end()?;
    if m.sems.iter().any(|(s, _)| *s == name) {
        return Err(ScriptError::at(no, col, ErrorKind::Duplicate(name)));
    }
    m.sems.push((name, n as u32));
    Ok(())
}

/// After `asyncio.run`: `(name())`.
fn run(c: &mut Cursor, m: &mut Module) -> Result<(), ScriptError> {
    c.op('(')?;
    let (name, col) = c.name()?;
    c.op('(')?;
    c.op(')')?;
    c.op(')')?;
    c.end()?;
    m.run = Some((name, c.line, col));
    Ok(())
}

/// A whole number from `min` to `max` (`_` between digits allowed).
fn whole(n: &str, min: u64, max: u64) -> Option<u64> {
    let v: u64 = n.replace('_', "").parse().ok()?;
    (min..=max).contains(&v).then_some(v)
}
