//! Values where the program is expanded: literals, names, f-strings, seconds and ranges.
use super::state::{Bound, Expand, Scope};
use crate::model::scenario::{Piece, Text};
use crate::model::script::ast::Arg;
use crate::model::script::error::{visible, ErrorKind, ScriptError};
use crate::model::script::format::{py_str, render_field};
use crate::model::script::limits::MAX_WAIT_MS;
use crate::model::script::token::{FPart, Field};
use crate::model::value::Value;

impl Expand<'_> {
    pub(super) fn value(&self, a: &Arg, scope: &Scope) -> Result<Value, ScriptError> {
        match a {
            Arg::Num(n, col) => number_value(n).ok_or_else(|| bad_num(0, *col)),
            Arg::Str(s, _) => Ok(Value::Str(s.clone())),
            Arg::FStr(parts, col) => {
                let mut out = String::new();
                for p in parts {
                    match p {
                        FPart::Lit(t) => out.push_str(t),
                        FPart::Field(f) => match scope.vars.get(&f.name) {
                            Some(Bound::Val(v)) => out.push_str(&render_field(v, f)?),
                            _ => {
                                return Err(ScriptError::at(
                                    0,
                                    *col,
                                    ErrorKind::UnknownName(f.name.clone()),
                                ))
                            }
                        },
                    }
                }
                Ok(Value::Str(out))
            }
            Arg::Neg(inner) => match self.value(inner, scope)? {
                Value::Int(i) => Ok(Value::Int(-i)),
                Value::Float(f) => Ok(Value::Float(-f)),
                _ => Err(bad_num(0, 0)),
            },
            Arg::Name(n, col) => match n.as_str() {
                "None" => Ok(Value::Null),
                "True" => Ok(Value::Bool(true)),
                "False" => Ok(Value::Bool(false)),
                _ => match scope.vars.get(n) {
                    Some(Bound::Val(v)) => Ok(v.clone()),
                    _ => Err(ScriptError::at(0, *col, ErrorKind::UnknownName(n.clone()))),
                },
            },
            Arg::Await(_, col) => Err(ScriptError::at(0, *col, ErrorKind::AwaitHere)),
            Arg::Call(c) | Arg::Spread { call: c, .. } => Err(ScriptError::at(
                c.line,
                c.col,
                ErrorKind::Unexpected {
                    found: c.name.clone(),
                    wanted: "a value",
                },
            )),
        }
    }

    /// A print's text: literals, values, and the task's latest result (`await_at`: the index
    /// of an `await …` argument, whose result the print shows).
    pub(super) fn print_text(
        &self,
        args: &[Arg],
        scope: &Scope,
        line: usize,
        await_at: Option<usize>,
    ) -> Result<Text, ScriptError> {
        let mut pieces: Vec<Piece> = Vec::new();
        for (k, a) in args.iter().enumerate() {
            if k > 0 {
                push_lit(&mut pieces, " ");
            }
            match a {
                // `await asyncio.sleep(…)` gives None.
                Arg::Await(what, _) if Some(k) == await_at && is_sleep(what) => {
                    push_lit(&mut pieces, "None")
                }
                _ if Some(k) == await_at => pieces.push(Piece::Result),
                Arg::Name(n, col) if matches!(scope.vars.get(n), Some(Bound::Result)) => {
                    if !scope.is_latest(n) || await_at.is_some() {
                        return Err(ScriptError::at(line, *col, ErrorKind::NotATask(n.clone())));
                    }
                    pieces.push(Piece::Result);
                }
                Arg::FStr(parts, col) => {
                    for p in parts {
                        match p {
                            FPart::Lit(t) => push_lit(&mut pieces, t),
                            FPart::Field(f) => {
                                let piece = field_piece(f, scope, line, *col, await_at)?;
                                match piece {
                                    Piece::Lit(t) => push_lit(&mut pieces, &t),
                                    Piece::Result => pieces.push(Piece::Result),
                                }
                            }
                        }
                    }
                }
                other => {
                    let v = self.value(other, scope).map_err(|e| relocate(e, line))?;
                    push_lit(&mut pieces, &py_str(&v));
                }
            }
        }
        Ok(Text(pieces))
    }

    pub(super) fn seconds(
        &self,
        a: &Arg,
        scope: &Scope,
        line: usize,
        col: usize,
    ) -> Result<u64, ScriptError> {
        let v = match a {
            Arg::Num(n, _) => n.replace('_', "").parse::<f64>().ok(),
            Arg::Name(n, _) => match scope.vars.get(n) {
                Some(Bound::Val(Value::Int(i))) => Some(*i as f64),
                Some(Bound::Val(Value::Float(f))) => Some(*f),
                _ => {
                    return Err(ScriptError::at(
                        line,
                        col,
                        ErrorKind::UnknownName(n.clone()),
                    ))
                }
            },
            _ => None,
        };
        let ms = v
            .map(|s| s * 1000.0)
            .filter(|ms| ms.is_finite() && *ms >= 0.0 && *ms <= MAX_WAIT_MS as f64);
        ms.map(|ms| ms.round() as u64).ok_or_else(|| {
            ScriptError::at(
                line,
                col,
                ErrorKind::BadNumber {
                    min: "0".into(),
                    max: (MAX_WAIT_MS / 1000).to_string(),
                },
            )
        })
    }

    pub(super) fn bounds(
        &self,
        a: &Arg,
        b: Option<&Arg>,
        scope: &Scope,
        line: usize,
        max: usize,
        what: &'static str,
    ) -> Result<(i64, i64), ScriptError> {
        let int = |x: &Arg| -> Result<i64, ScriptError> {
            match self.value(x, scope).map_err(|e| relocate(e, line))? {
                Value::Int(i) if (-1_000_000..=1_000_000).contains(&i) => Ok(i),
                _ => Err(ScriptError::at(
                    line,
                    1,
                    ErrorKind::BadNumber {
                        min: "-1000000".into(),
                        max: "1000000".into(),
                    },
                )),
            }
        };
        let (from, to) = match b {
            Some(b) => (int(a)?, int(b)?),
            None => (0, int(a)?),
        };
        if to.saturating_sub(from) > max as i64 {
            return Err(ScriptError::at(line, 1, ErrorKind::TooMany { what, max }));
        }
        Ok((from, to.max(from)))
    }
}

impl Scope {
    /// Whether `name` holds the latest awaited result.
    fn is_latest(&self, name: &str) -> bool {
        self.result.as_deref() == Some(name)
    }
}

/// Appends literal text, joined to the literal before it.
fn push_lit(pieces: &mut Vec<Piece>, s: &str) {
    match pieces.last_mut() {
        Some(Piece::Lit(t)) => t.push_str(s),
        _ => pieces.push(Piece::Lit(s.to_string())),
    }
}

/// A field of an f-string printed at `line` (the string at `col`): its text when its value is
/// known, the task's result when it names the latest one, bare.
fn field_piece(
    f: &Field,
    scope: &Scope,
    line: usize,
    col: usize,
    await_at: Option<usize>,
) -> Result<Piece, ScriptError> {
    match scope.vars.get(&f.name) {
        Some(Bound::Val(v)) => Ok(Piece::Lit(
            render_field(v, f).map_err(|e| relocate(e, line))?,
        )),
        // The result is only known when the program runs: shown as `str()` shows it, without
        // an operator or a format.
        Some(Bound::Result)
            if scope.is_latest(&f.name)
                && await_at.is_none()
                && f.op.is_none()
                && f.conv.is_none()
                && f.spec.is_empty() =>
        {
            Ok(Piece::Result)
        }
        Some(Bound::Result) if scope.is_latest(&f.name) => Err(ScriptError::at(
            line,
            f.col,
            ErrorKind::FStringExpr(visible(&f.name)),
        )),
        _ => Err(ScriptError::at(
            line,
            col,
            ErrorKind::UnknownName(f.name.clone()),
        )),
    }
}

pub(super) fn is_sleep(what: &Arg) -> bool {
    matches!(what, Arg::Call(c) if c.name == "asyncio.sleep")
}

pub(super) fn relocate(mut e: ScriptError, line: usize) -> ScriptError {
    if e.line == 0 {
        e.line = line;
    }
    if e.col == 0 {
        e.col = 1;
    }
    e
}

fn bad_num(line: usize, col: usize) -> ScriptError {
    ScriptError::at(
        line,
        col,
        ErrorKind::BadNumber {
            min: "-1000000".into(),
            max: "1000000".into(),
        },
    )
}

fn number_value(n: &str) -> Option<Value> {
    // Python's rules: `_` only between digits; no leading zero in a whole number (`007`).
    let b = n.as_bytes();
    let bad_underscore = b.iter().enumerate().any(|(k, c)| {
        *c == b'_'
            && !(k > 0 && b[k - 1].is_ascii_digit() && b.get(k + 1).is_some_and(u8::is_ascii_digit))
    });
    let whole = !n.contains('.');
    if bad_underscore
        || (whole && n.starts_with('0') && n.bytes().any(|c| (b'1'..=b'9').contains(&c)))
    {
        return None;
    }
    let clean = n.replace('_', "");
    if let Ok(i) = clean.parse::<i64>() {
        return (i.abs() <= 1_000_000_000).then_some(Value::Int(i));
    }
    // A decimal number: a float (`1e400` is infinite in Python too, but the editor refuses it).
    clean
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite() && !clean.starts_with('.'))
        .map(Value::Float)
}
