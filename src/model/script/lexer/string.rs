//! The body of a string literal: escapes decoded as CPython decodes them, f-strings split into
//! literal text and fields.
use crate::model::script::error::{visible, ErrorKind, ScriptError};
use crate::model::script::format::format_spec;
use crate::model::script::token::{FPart, Field};
use crate::model::value::Value;

/// Decodes the escapes of a string literal's body as CPython does (`raw`: an `r` prefix). Each
/// character comes with its column; what CPython only warns about or what the editor cannot
/// print is refused.
pub(super) fn unescape(
    body: &[(char, usize)],
    raw: bool,
    line: usize,
) -> Result<String, ScriptError> {
    let mut out = String::new();
    let mut k = 0;
    while let Some(&(c, col)) = body.get(k) {
        k += 1;
        if c != '\\' || raw {
            out.push(c);
            continue;
        }
        let Some(&(e, _)) = body.get(k) else {
            return Err(ScriptError::at(line, col, ErrorKind::UnclosedString));
        };
        k += 1;
        let ch = match simple_escape(e) {
            Some(s) => s,
            None => {
                coded_escape(body, &mut k, e).map_err(|kind| ScriptError::at(line, col, kind))?
            }
        };
        out.push(ch);
    }
    Ok(out)
}

/// `\n`, `\t`, `\\` … : the character a one-letter escape stands for.
fn simple_escape(e: char) -> Option<char> {
    Some(match e {
        '\\' => '\\',
        '\'' => '\'',
        '"' => '"',
        'a' => '\u{7}',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\u{b}',
        _ => return None,
    })
}

/// `\ooo`, `\xhh`, `\uhhhh`, `\Uhhhhhhhh`: `e` is the letter (or first digit) after the
/// backslash, `body[*k]` the character after it.
fn coded_escape(body: &[(char, usize)], k: &mut usize, e: char) -> Result<char, ErrorKind> {
    let code = match e {
        '0'..='7' => {
            *k -= 1;
            match digits(body, k, 3, 8) {
                Some(v) if v <= 0o377 => v,
                _ => return Err(ErrorKind::BadEscape(visible(&format!("\\{e}")))),
            }
        }
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            digits(body, k, n, 16).ok_or_else(|| ErrorKind::BadEscape(format!("\\{e}")))?
        }
        'N' => return Err(ErrorKind::NamedEscape),
        other => return Err(ErrorKind::BadEscape(visible(&format!("\\{other}")))),
    };
    // A lone surrogate: CPython cannot print it (UnicodeEncodeError).
    char::from_u32(code).ok_or_else(|| ErrorKind::BadEscape(format!("\\{e}{code:x}")))
}

/// `n` digits of `radix` at `body[*k..]` (octal: one to three).
fn digits(body: &[(char, usize)], k: &mut usize, n: usize, radix: u32) -> Option<u32> {
    let mut v = 0u32;
    let mut got = 0;
    while got < n {
        match body.get(*k).and_then(|(d, _)| d.to_digit(radix)) {
            Some(d) => {
                v = v * radix + d;
                *k += 1;
                got += 1;
            }
            None => break,
        }
    }
    (got == n || (radix == 8 && got > 0)).then_some(v)
}

/// An f-string's body split into literal text and fields, with CPython's errors for a `{`
/// never closed or a lone `}`.
pub(super) fn fstring(
    body: &[(char, usize)],
    raw: bool,
    line: usize,
) -> Result<Vec<FPart>, ScriptError> {
    let mut parts = Vec::new();
    let mut lit: Vec<(char, usize)> = Vec::new();
    let mut k = 0;
    let flush = |lit: &mut Vec<(char, usize)>, parts: &mut Vec<FPart>| -> Result<(), ScriptError> {
        if !lit.is_empty() {
            parts.push(FPart::Lit(unescape(lit, raw, line)?));
            lit.clear();
        }
        Ok(())
    };
    while let Some(&(c, col)) = body.get(k) {
        k += 1;
        let next = body.get(k).map(|x| x.0);
        match c {
            '{' if next == Some('{') => {
                k += 1;
                lit.push(('{', col));
            }
            '}' if next == Some('}') => {
                k += 1;
                lit.push(('}', col));
            }
            '}' => return Err(ScriptError::at(line, col, ErrorKind::FStringBrace)),
            '{' => {
                flush(&mut lit, &mut parts)?;
                let mut inner: Vec<(char, usize)> = Vec::new();
                let mut closed = false;
                for &(d, dcol) in body.get(k..).unwrap_or(&[]) {
                    k += 1;
                    if d == '}' {
                        closed = true;
                        break;
                    }
                    inner.push((d, dcol));
                }
                if !closed {
                    return Err(ScriptError::at(line, col, ErrorKind::FStringUnclosed));
                }
                parts.push(FPart::Field(field(&inner, line, col)?));
            }
            _ => lit.push((c, col)),
        }
    }
    flush(&mut lit, &mut parts)?;
    Ok(parts)
}

/// The inside of `{…}`: a name, optionally `+ - *` a whole number, `!r`/`!s`, `:spec`.
fn field(inner: &[(char, usize)], line: usize, col: usize) -> Result<Field, ScriptError> {
    let text: String = inner.iter().map(|x| x.0).collect();
    let unsupported = || ScriptError::at(line, col, ErrorKind::FStringExpr(visible(&text)));
    let (expr, spec) = match text.split_once(':') {
        Some((e, s)) => (e, s.to_string()),
        None => (text.as_str(), String::new()),
    };
    if spec.contains('{') || spec.contains('\\') {
        return Err(unsupported());
    }
    let (expr, conv) = match expr.split_once('!') {
        Some((e, "r")) => (e, Some('r')),
        Some((e, "s")) => (e, Some('s')),
        Some(_) => return Err(unsupported()),
        None => (expr, None),
    };
    let Some((name, op)) = operand(expr.trim()).filter(|(name, _)| ident(name)) else {
        return Err(unsupported());
    };
    // A spec that fits no value at all is refused where it is written.
    let samples = [Value::str(""), Value::Int(0), Value::Float(0.0)];
    if !spec.is_empty() && samples.iter().all(|v| format_spec(v, &spec).is_none()) {
        return Err(ScriptError::at(
            line,
            col,
            ErrorKind::FormatSpec(visible(&spec)),
        ));
    }
    Ok(Field {
        name: name.to_string(),
        op,
        conv,
        spec,
        col,
    })
}

/// `name` or `name ± n` / `name * n` (n a whole number up to a million); `None` otherwise.
fn operand(expr: &str) -> Option<(&str, Option<(char, i64)>)> {
    let Some(at) = expr.find(['+', '-', '*']) else {
        return Some((expr, None));
    };
    let (a, b) = expr.split_at(at);
    let mut b = b.chars();
    let o = b.next().unwrap_or('+');
    let n: String = b.collect();
    let n = n.trim();
    let v = (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .then(|| n.parse::<i64>().ok())
        .flatten()
        .filter(|v| *v <= 1_000_000)?;
    Some((a.trim(), Some((o, v))))
}

fn ident(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c.is_alphabetic() || c == '_')
        && cs.all(|c| c.is_alphanumeric() || c == '_')
}
