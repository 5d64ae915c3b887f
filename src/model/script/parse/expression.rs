//! Arguments: literals, names, calls, `-x`, `await x` and the spread `*(f(i) for i in range(…))`.
use super::cursor::Cursor;
use crate::model::script::ast::{Arg, Call};
use crate::model::script::error::{ErrorKind, Nesting, ScriptError};
use crate::model::script::limits::MAX_DEPTH;
use crate::model::script::token::Tok;

impl Cursor<'_> {
    /// The arguments of the call of `name` (at `col`), from its `(`.
    pub(super) fn call_rest(
        &mut self,
        name: String,
        col: usize,
        depth: usize,
    ) -> Result<Call, ScriptError> {
        self.op('(')?;
        let mut args = Vec::new();
        while !self.is_op(')') {
            args.push(self.arg(depth + 1)?);
            if !self.is_op(')') {
                self.op(',')?;
            }
        }
        self.op(')')?;
        Ok(Call {
            name,
            args,
            line: self.line,
            col,
        })
    }

    /// One argument, `depth` calls and signs deep.
    pub(super) fn arg(&mut self, depth: usize) -> Result<Arg, ScriptError> {
        if depth > MAX_DEPTH {
            return Err(ScriptError::at(
                self.line,
                self.col(),
                ErrorKind::TooDeep(Nesting::Calls),
            ));
        }
        let col = self.col();
        let literal = match self.peek() {
            Some(Tok::Num(n)) => Some(Arg::Num(n.clone(), col)),
            Some(Tok::Str(text)) => Some(Arg::Str(text.clone(), col)),
            Some(Tok::FStr(parts)) => Some(Arg::FStr(parts.clone(), col)),
            _ => None,
        };
        if let Some(a) = literal {
            self.i += 1;
            return Ok(a);
        }
        match self.peek() {
            Some(Tok::Op('-')) => {
                self.i += 1;
                Ok(Arg::Neg(Box::new(self.arg(depth + 1)?)))
            }
            Some(Tok::Op('*')) => {
                self.i += 1;
                self.spread(depth)
            }
            Some(Tok::Name(n)) if n == "await" => {
                self.i += 1;
                Ok(Arg::Await(Box::new(self.arg(depth + 1)?), col))
            }
            Some(Tok::Name(_)) => {
                let (name, col) = self.dotted()?;
                if self.is_op('(') {
                    Ok(Arg::Call(self.call_rest(name, col, depth + 1)?))
                } else {
                    Ok(Arg::Name(name, col))
                }
            }
            _ => Err(self.err("a value")),
        }
    }

    /// After `*`: `(f(i) for i in range(…))` or `[…]`.
    fn spread(&mut self, depth: usize) -> Result<Arg, ScriptError> {
        let close = if self.is_op('[') { ']' } else { ')' };
        if close == ']' {
            self.op('[')?;
        } else {
            self.op('(')?;
        }
        let (name, ncol) = self.dotted()?;
        let call = self.call_rest(name, ncol, depth + 1)?;
        self.keyword("for")?;
        let (var, _) = self.name()?;
        self.keyword("in")?;
        let (from, to) = self.range(depth + 1)?;
        self.op(close)?;
        Ok(Arg::Spread {
            call,
            var,
            range: (Box::new(from), to.map(Box::new)),
        })
    }

    /// `range(a)` or `range(a, b)`.
    pub(super) fn range(&mut self, depth: usize) -> Result<(Arg, Option<Arg>), ScriptError> {
        self.keyword("range")?;
        self.op('(')?;
        let a = self.arg(depth)?;
        let b = if self.is_op(',') {
            self.i += 1;
            Some(self.arg(depth)?)
        } else {
            None
        };
        self.op(')')?;
        Ok((a, b))
    }
}
