//! Lines of tokens → the script's tree ([`Module`]). One statement per line; a block is the
//! lines indented deeper than the line ending in `:` before them.
mod expression;
mod module;
mod statement;

pub(crate) use module::module;

use statement::{statement, Place};

use super::ast::Block;
use super::error::{visible, ErrorKind, Nesting, ScriptError};
use super::limits::MAX_DEPTH;
use super::token::{Line, Tok};

/// Where the parser stands in one line's tokens.
struct Cursor<'a> {
    toks: &'a [(Tok, usize)],
    i: usize,
    line: usize,
}

impl<'a> Cursor<'a> {
    fn new(l: &'a Line) -> Self {
        Cursor {
            toks: &l.toks,
            i: 0,
            line: l.no,
        }
    }
    fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.i).map(|t| &t.0)
    }
    fn peek_at(&self, k: usize) -> Option<&'a Tok> {
        self.toks.get(self.i + k).map(|t| &t.0)
    }
    fn col(&self) -> usize {
        self.toks
            .get(self.i)
            .map(|t| t.1)
            .or_else(|| self.toks.last().map(|t| t.1 + 1))
            .unwrap_or(1)
    }
    fn err(&self, wanted: &'static str) -> ScriptError {
        let found = self
            .peek()
            .map(shown)
            .unwrap_or_else(|| "the end of the line".into());
        ScriptError::at(
            self.line,
            self.col(),
            ErrorKind::Unexpected { found, wanted },
        )
    }
    fn op(&mut self, c: char) -> Result<(), ScriptError> {
        if self.peek() == Some(&Tok::Op(c)) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(match c {
                '(' => "“(”",
                ')' => "“)”",
                ':' => "“:”",
                '=' => "“=”",
                '.' => "“.”",
                ']' => "“]”",
                _ => "“,”",
            }))
        }
    }
    fn is_op(&self, c: char) -> bool {
        self.peek() == Some(&Tok::Op(c))
    }
    fn is_name(&self, n: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(x)) if x == n)
    }
    fn name(&mut self) -> Result<(String, usize), ScriptError> {
        match self.peek() {
            Some(Tok::Name(n)) => {
                let col = self.col();
                self.i += 1;
                Ok((n.clone(), col))
            }
            _ => Err(self.err("a name")),
        }
    }
    fn keyword(&mut self, k: &'static str) -> Result<(), ScriptError> {
        if self.is_name(k) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(k))
        }
    }
    fn end(&self) -> Result<(), ScriptError> {
        if self.peek().is_none() {
            Ok(())
        } else {
            Err(self.err("the end of the line"))
        }
    }
    /// `a.b.c` as one dotted name.
    fn dotted(&mut self) -> Result<(String, usize), ScriptError> {
        let (mut n, col) = self.name()?;
        while self.is_op('.') {
            self.i += 1;
            n.push('.');
            n.push_str(&self.name()?.0);
        }
        Ok((n, col))
    }
}

/// A token as an error names it.
fn shown(t: &Tok) -> String {
    match t {
        Tok::Name(n) => n.clone(),
        Tok::Num(n) => n.clone(),
        Tok::Str(_) | Tok::FStr(_) => "a string".into(),
        Tok::Op(c) => format!("“{}”", visible(&c.to_string())),
    }
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
fn child_block(
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
