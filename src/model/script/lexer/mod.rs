//! Text → lines of tokens. Python's layout rules as far as the editor needs them: blank and
//! comment-only lines are nothing, indentation is spaces, one statement per line.
mod string;

use std::iter::{Enumerate, Peekable};

use super::error::{visible, ErrorKind, ScriptError};
use super::token::{Line, Tok};

/// A line's characters, each with its 0-based index.
type Chars<'a> = Peekable<Enumerate<std::str::Chars<'a>>>;

pub(crate) fn lex(src: &str) -> Result<Vec<Line>, ScriptError> {
    let mut lines = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let no = i + 1;
        let rest = raw.trim_start_matches([' ', '\t', '\u{c}']);
        if rest.is_empty() || rest.starts_with('#') {
            // Blank and comment-only lines carry no indentation in Python (tabs included).
            continue;
        }
        let mut chars = raw.chars().enumerate().peekable();
        let indent = indentation(&mut chars, no)?;
        let toks = tokens(&mut chars, no)?;
        if !toks.is_empty() {
            lines.push(Line { no, indent, toks });
        }
    }
    Ok(lines)
}

/// The leading spaces (a tab among them is refused, at the tab).
fn indentation(chars: &mut Chars, no: usize) -> Result<usize, ScriptError> {
    let mut indent = 0;
    while let Some((_, c)) = chars.peek().copied() {
        match c {
            ' ' => indent += 1,
            '\t' => return Err(ScriptError::at(no, indent + 1, ErrorKind::Tab)),
            _ => break,
        }
        chars.next();
    }
    Ok(indent)
}

/// The rest of the line's tokens, each with its 1-based column.
fn tokens(chars: &mut Chars, no: usize) -> Result<Vec<(Tok, usize)>, ScriptError> {
    let mut toks = Vec::new();
    while let Some((at, c)) = chars.next() {
        let col = at + 1;
        match c {
            ' ' | '\t' | '\r' | '\u{c}' => {}
            '#' => break,
            '"' | '\'' => {
                let tok = literal(chars, &mut toks, c, no, col)?;
                toks.push(tok);
            }
            c if c.is_ascii_digit() => {
                let n = word(chars, c, |d| d.is_ascii_digit() || d == '.' || d == '_');
                toks.push((Tok::Num(n), col));
            }
            c if c.is_alphabetic() || c == '_' => {
                let n = word(chars, c, |d| d.is_alphanumeric() || d == '_');
                toks.push((Tok::Name(n), col));
            }
            '(' | ')' | ',' | ':' | '=' | '.' | '*' | '[' | ']' | '-' => {
                toks.push((Tok::Op(c), col))
            }
            other => {
                return Err(ScriptError::at(
                    no,
                    col,
                    ErrorKind::Unexpected {
                        found: format!("“{}”", visible(&other.to_string())),
                        wanted: "a statement",
                    },
                ))
            }
        }
    }
    Ok(toks)
}

/// `first` and the characters after it that are `more`.
fn word(chars: &mut Chars, first: char, more: impl Fn(char) -> bool) -> String {
    let mut n = String::from(first);
    while let Some((_, d)) = chars.peek().copied() {
        if !more(d) {
            break;
        }
        n.push(d);
        chars.next();
    }
    n
}

/// A string literal whose opening quote `q` is at `col`, with its prefix (taken off `toks`).
fn literal(
    chars: &mut Chars,
    toks: &mut Vec<(Tok, usize)>,
    q: char,
    no: usize,
    col: usize,
) -> Result<(Tok, usize), ScriptError> {
    let (raw, f, start) = prefix(toks, no, col)?;
    let mut ahead = chars.clone();
    if ahead.next().map(|x| x.1) == Some(q) && ahead.next().map(|x| x.1) == Some(q) {
        return Err(ScriptError::at(no, col, ErrorKind::TripleQuoted));
    }
    let body =
        quoted(chars, q).ok_or_else(|| ScriptError::at(no, col, ErrorKind::UnclosedString))?;
    let tok = if f {
        Tok::FStr(string::fstring(&body, raw, no)?)
    } else {
        Tok::Str(string::unescape(&body, raw, no)?)
    };
    Ok((tok, start))
}

/// (raw, f-string, column where the literal starts): a prefix is the name just lexed, touching
/// the quote at `col`; it is popped off `toks`.
fn prefix(
    toks: &mut Vec<(Tok, usize)>,
    no: usize,
    col: usize,
) -> Result<(bool, bool, usize), ScriptError> {
    let (p, c0) = match toks.last() {
        Some((Tok::Name(n), c0)) if *c0 + n.chars().count() == col => (n.to_ascii_lowercase(), *c0),
        _ => return Ok((false, false, col)),
    };
    let (raw, f) = match p.as_str() {
        "r" => (true, false),
        "f" => (false, true),
        "rf" | "fr" => (true, true),
        "u" => (false, false),
        "b" | "br" | "rb" => return Err(ScriptError::at(no, c0, ErrorKind::Bytes)),
        _ => {
            return Err(ScriptError::at(
                no,
                col,
                ErrorKind::Unexpected {
                    found: "a string".into(),
                    wanted: "an operator",
                },
            ))
        }
    };
    toks.pop();
    Ok((raw, f, c0))
}

/// The body up to the closing quote `q`, each character with its 1-based column (a backslash
/// keeps the character after it); `None` when the line ends first.
fn quoted(chars: &mut Chars, q: char) -> Option<Vec<(char, usize)>> {
    let mut body: Vec<(char, usize)> = Vec::new();
    while let Some((k, d)) = chars.next() {
        if d == q {
            return Some(body);
        }
        body.push((d, k + 1));
        if d == '\\' {
            let (k2, e) = chars.next()?;
            body.push((e, k2 + 1));
        }
    }
    None
}
