//! Where the parser stands in one line's tokens, and the steps every rule takes.
use crate::model::script::error::{visible, ErrorKind, ScriptError};
use crate::model::script::token::{Line, Tok};

/// Where the parser stands in one line's tokens.
pub(super) struct Cursor<'a> {
    toks: &'a [(Tok, usize)],
    pub(super) i: usize,
    pub(super) line: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(l: &'a Line) -> Self {
        Cursor {
            toks: &l.toks,
            i: 0,
            line: l.no,
        }
    }
    pub(super) fn peek(&self) -> Option<&'a Tok> {
        self.toks.get(self.i).map(|t| &t.0)
    }
    pub(super) fn peek_at(&self, k: usize) -> Option<&'a Tok> {
        self.toks.get(self.i + k).map(|t| &t.0)
    }
    pub(super) fn col(&self) -> usize {
        self.toks
            .get(self.i)
            .map(|t| t.1)
            .or_else(|| self.toks.last().map(|t| t.1 + 1))
            .unwrap_or(1)
    }
    pub(super) fn err(&self, wanted: &'static str) -> ScriptError {
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
    pub(super) fn op(&mut self, c: char) -> Result<(), ScriptError> {
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
    pub(super) fn is_op(&self, c: char) -> bool {
        self.peek() == Some(&Tok::Op(c))
    }
    pub(super) fn is_name(&self, n: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(x)) if x == n)
    }
    pub(super) fn name(&mut self) -> Result<(String, usize), ScriptError> {
        match self.peek() {
            Some(Tok::Name(n)) => {
                let col = self.col();
                self.i += 1;
                Ok((n.clone(), col))
            }
            _ => Err(self.err("a name")),
        }
    }
    pub(super) fn keyword(&mut self, k: &'static str) -> Result<(), ScriptError> {
        if self.is_name(k) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err(k))
        }
    }
    pub(super) fn end(&self) -> Result<(), ScriptError> {
        if self.peek().is_none() {
            Ok(())
        } else {
            Err(self.err("the end of the line"))
        }
    }
    /// `a.b.c` as one dotted name.
    pub(super) fn dotted(&mut self) -> Result<(String, usize), ScriptError> {
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
