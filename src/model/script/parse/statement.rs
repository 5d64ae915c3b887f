//! The statements inside an `async def`, one per line; a line ending in `:` opens a block.
use super::cursor::Cursor;
use crate::model::script::ast::{Arg, Block, Stmt};
use crate::model::script::error::{ErrorKind, Nesting, ScriptError};
use crate::model::script::limits::MAX_DEPTH;
use crate::model::script::token::{Line, Tok};

/// Names of Python's built-ins that the editor relies on: a script may not rebind them.
const BUILTINS: [&str; 7] = ["print", "range", "asyncio", "time", "None", "True", "False"];

/// Where a statement stands: the lines, the next to read, its block's indentation and depth.
struct Place<'l, 'i> {
    lines: &'l [Line],
    i: &'i mut usize,
    indent: usize,
    depth: usize,
    /// Line and column of the statement.
    at: (usize, usize),
}

impl Place<'_, '_> {
    /// The block after this statement's `:`.
    fn child(&mut self) -> Result<Block, ScriptError> {
        child_block(self.lines, self.i, self.indent, self.depth, self.at)
    }
}

fn statement(c: &mut Cursor, p: &mut Place) -> Result<Stmt, ScriptError> {
    if c.is_name("pass") {
        c.i += 1;
        c.end()?;
        return Ok(Stmt::Pass);
    }
    if c.is_name("return") {
        c.i += 1;
        let v = if c.peek().is_none() {
            Arg::Name("None".into(), c.col())
        } else {
            c.arg(0)?
        };
        c.end()?;
        return Ok(Stmt::Return(v));
    }
    if c.is_name("await") {
        c.i += 1;
        let what = c.arg(0)?;
        c.end()?;
        return Ok(Stmt::Await { target: None, what });
    }
    if c.is_name("async") && matches!(c.peek_at(1), Some(Tok::Name(n)) if n == "with") {
        c.i += 2;
        return async_with(c, p);
    }
    if c.is_name("try") {
        c.i += 1;
        return try_timeout(c, p);
    }
    if c.is_name("for") {
        c.i += 1;
        return for_range(c, p);
    }
    if matches!(c.peek(), Some(Tok::Name(_))) && c.peek_at(1) == Some(&Tok::Op('=')) {
        return assignment(c);
    }
    if matches!(c.peek(), Some(Tok::Name(_))) {
        let (name, col) = c.dotted()?;
        if c.is_op('(') {
            return call(c, name, col, p.at);
        }
    }
    Err(ScriptError::at(p.at.0, p.at.1, ErrorKind::UnknownStatement))
}

/// After `async with`: `sem:` or `asyncio.timeout(s):`.
fn async_with(c: &mut Cursor, p: &mut Place) -> Result<Stmt, ScriptError> {
    let (name, col) = c.dotted()?;
    if name == "asyncio.timeout" {
        let call = c.call_rest(name, col, 0)?;
        c.op(':')?;
        c.end()?;
        let secs = match <[Arg; 1]>::try_from(call.args) {
            Ok([a]) => a,
            Err(v) => {
                return Err(ScriptError::at(
                    p.at.0,
                    col,
                    ErrorKind::arity("asyncio.timeout", 1, v.len()),
                ))
            }
        };
        let body = p.child()?;
        return Ok(Stmt::TimeoutWith { secs, body });
    }
    c.op(':')?;
    c.end()?;
    let body = p.child()?;
    Ok(Stmt::With { sem: name, body })
}

/// After `try`: `:` / `async with asyncio.timeout(s):` / … / `except TimeoutError:` / ….
fn try_timeout(c: &mut Cursor, p: &mut Place) -> Result<Stmt, ScriptError> {
    let at = p.at;
    c.op(':')?;
    c.end()?;
    let inner = p.child()?;
    let Ok([(_, _, Stmt::TimeoutWith { secs, body })]) = <[_; 1]>::try_from(inner) else {
        return Err(ScriptError::at(at.0, at.1, ErrorKind::TryShape));
    };
    let Some(next) = p.lines.get(*p.i).filter(|l| l.indent == p.indent) else {
        return Err(ScriptError::at(at.0, at.1, ErrorKind::TryShape));
    };
    let mut e = Cursor::new(next);
    e.keyword("except")?;
    let (name, ncol) = e.dotted()?;
    if name != "TimeoutError" && name != "asyncio.TimeoutError" {
        return Err(ScriptError::at(next.no, ncol, ErrorKind::TryShape));
    }
    e.op(':')?;
    e.end()?;
    *p.i += 1;
    let on_timeout = child_block(p.lines, p.i, p.indent, p.depth, (next.no, 1))?;
    Ok(Stmt::Timeout {
        secs,
        body,
        on_timeout,
    })
}

/// After `for`: `name in range(…):`.
fn for_range(c: &mut Cursor, p: &mut Place) -> Result<Stmt, ScriptError> {
    let (var, vcol) = c.name()?;
    own_name(&var, c.line, vcol)?;
    c.keyword("in")?;
    let (from, to) = c.range(0)?;
    c.op(':')?;
    c.end()?;
    let body = p.child()?;
    Ok(Stmt::For {
        var,
        from,
        to,
        body,
    })
}

/// `name = await …` / `name = asyncio.create_task(…)`.
fn assignment(c: &mut Cursor) -> Result<Stmt, ScriptError> {
    let (target, tcol) = c.name()?;
    own_name(&target, c.line, tcol)?;
    c.op('=')?;
    if c.is_name("await") {
        c.i += 1;
        let what = c.arg(0)?;
        c.end()?;
        return Ok(Stmt::Await {
            target: Some(target),
            what,
        });
    }
    let (name, col) = c.dotted()?;
    if name == "asyncio.create_task" || name == "asyncio.ensure_future" {
        c.op('(')?;
        let (f, fcol) = c.dotted()?;
        let call = c.call_rest(f, fcol, 0)?;
        c.op(')')?;
        c.end()?;
        return Ok(Stmt::CreateTask { target, call });
    }
    Err(ScriptError::at(c.line, col, ErrorKind::UnknownStatement))
}

/// A call standing alone: `print(…)`, `time.sleep(s)` or a coroutine never awaited.
fn call(c: &mut Cursor, name: String, col: usize, at: (usize, usize)) -> Result<Stmt, ScriptError> {
    let call = c.call_rest(name, col, 0)?;
    c.end()?;
    Ok(match call.name.as_str() {
        "print" => Stmt::Print(call.args),
        "time.sleep" => {
            let got = call.args.len();
            let mut args = call.args.into_iter();
            match (args.next(), args.next()) {
                (Some(a), None) => Stmt::Block(a),
                _ => {
                    let kind = ErrorKind::arity("time.sleep", 1, got);
                    return Err(ScriptError::at(at.0, col, kind));
                }
            }
        }
        _ => Stmt::NoAwait(call),
    })
}

/// Refuses a binding of `name` when it is one of the built-ins the editor relies on.
pub(super) fn own_name(name: &str, line: usize, col: usize) -> Result<(), ScriptError> {
    if BUILTINS.contains(&name) {
        return Err(ScriptError::at(
            line,
            col,
            ErrorKind::Shadow(name.to_string()),
        ));
    }
    Ok(())
}

/// Parses the statements of a block starting at `lines[*i]`, all at indentation `indent`.
fn block(lines: &[Line], i: &mut usize, indent: usize, depth: usize) -> Result<Block, ScriptError> {
    if depth > MAX_DEPTH {
        let (no, col) = lines.get(*i).map_or((1, 1), |l| (l.no, l.indent + 1));
        return Err(ScriptError::at(
            no,
            col,
            ErrorKind::TooDeep(Nesting::Blocks),
        ));
    }
    let mut out = Vec::new();
    while let Some(l) = lines.get(*i) {
        if l.indent < indent {
            break;
        }
        if l.indent > indent {
            return Err(ScriptError::at(l.no, l.indent + 1, ErrorKind::Indent));
        }
        *i += 1;
        let mut c = Cursor::new(l);
        let col = c.col();
        let mut place = Place {
            lines,
            i: &mut *i,
            indent,
            depth,
            at: (l.no, col),
        };
        let stmt = statement(&mut c, &mut place)?;
        out.push((l.no, col, stmt));
    }
    Ok(out)
}

/// The block after a line ending in `:` (more indented than `indent`).
pub(super) fn child_block(
    lines: &[Line],
    i: &mut usize,
    indent: usize,
    depth: usize,
    at: (usize, usize),
) -> Result<Block, ScriptError> {
    match lines.get(*i) {
        Some(next) if next.indent > indent => block(lines, i, next.indent, depth + 1),
        Some(next) => Err(ScriptError::at(next.no, next.indent + 1, ErrorKind::Indent)),
        None => Err(ScriptError::at(
            at.0,
            at.1,
            ErrorKind::Unexpected {
                found: "the end of the script".into(),
                wanted: "an indented block",
            },
        )),
    }
}
