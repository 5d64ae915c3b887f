//! How CPython shows a value: `str()` and the format-spec mini-language of f-string fields.
use super::error::{visible, ErrorKind, ScriptError};
use super::token::Field;
use crate::model::scenario::CodeLang;
use crate::model::value::{py_float, Value};

/// How Python's `str()` shows a value in a print or an f-string.
pub(crate) fn py_str(v: &Value) -> String {
    v.format(CodeLang::Python)
}

/// The text of an f-string field with a known value, as CPython's `format()` gives it.
pub(crate) fn render_field(v: &Value, f: &Field) -> Result<String, ScriptError> {
    let refuse = |what: String| ScriptError::at(0, f.col, ErrorKind::FStringExpr(what));
    let v = match (f.op, v) {
        (None, v) => v.clone(),
        (Some((op, n)), Value::Int(i)) => {
            let r = match op {
                '+' => i.checked_add(n),
                '-' => i.checked_sub(n),
                _ => i.checked_mul(n),
            };
            Value::Int(r.ok_or_else(|| refuse(format!("{}{op}{n}", f.name)))?)
        }
        (Some((op, n)), _) => return Err(refuse(format!("{}{op}{n}", f.name))),
    };
    let v = match f.conv {
        Some('r') => Value::Str(v.python_repr()),
        Some(_) => Value::Str(py_str(&v)),
        None => v,
    };
    if f.spec.is_empty() {
        return Ok(py_str(&v));
    }
    format_spec(&v, &f.spec)
        .ok_or_else(|| ScriptError::at(0, f.col, ErrorKind::FormatSpec(visible(&f.spec))))
}

/// Python's format-spec mini-language for strings, whole numbers and floats: fill and align,
/// sign, `0`, width, `,`/`_` grouping, precision, and the types `s d f F %`. `None` for
/// anything else (CPython then takes the program).
pub(crate) fn format_spec(v: &Value, spec: &str) -> Option<String> {
    let spec = Spec::parse(spec)?;
    let (neg, body, numeric) = spec.body(v)?;
    Some(spec.pad(neg, &body, numeric))
}

/// `[[fill]align][sign][0][width][grouping][.precision][type]`, as written.
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: char,
    width: usize,
    group: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

impl Spec {
    fn parse(spec: &str) -> Option<Spec> {
        let cs: Vec<char> = spec.chars().collect();
        let mut i = 0;
        let is_align = |c: Option<&char>| matches!(c, Some('<' | '>' | '^' | '='));
        let (mut fill, mut align) = (None, None);
        if is_align(cs.get(1)) {
            fill = cs.first().copied();
            align = cs.get(1).copied();
            i = 2;
        } else if is_align(cs.first()) {
            align = cs.first().copied();
            i = 1;
        }
        let mut sign = '-';
        if let Some(&c @ ('+' | '-' | ' ')) = cs.get(i) {
            sign = c;
            i += 1;
        }
        if cs.get(i) == Some(&'0') {
            fill = fill.or(Some('0'));
            align = align.or(Some('='));
            i += 1;
        }
        let width = digits(&cs, &mut i)?.unwrap_or(0);
        if width > 200 {
            return None;
        }
        let group = match cs.get(i) {
            Some(&c @ (',' | '_')) => {
                i += 1;
                Some(c)
            }
            _ => None,
        };
        let mut precision = None;
        if cs.get(i) == Some(&'.') {
            i += 1;
            match digits(&cs, &mut i)? {
                Some(p) if p <= 50 => precision = Some(p),
                _ => return None,
            }
        }
        let ty = cs.get(i).copied();
        if ty.is_some() {
            i += 1;
        }
        if i != cs.len() || (group.is_some() && fill == Some('0') && align == Some('=')) {
            return None;
        }
        Some(Spec {
            fill,
            align,
            sign,
            width,
            group,
            precision,
            ty,
        })
    }

    /// (negative, digits or text, numeric) of `v` under this spec's type and precision.
    fn body(&self, v: &Value) -> Option<(bool, String, bool)> {
        let (group, precision, ty) = (self.group, self.precision, self.ty);
        Some(match (v, ty) {
            (Value::Str(s), None | Some('s')) => {
                if self.sign != '-' || group.is_some() || self.align == Some('=') {
                    return None;
                }
                let s: String = match precision {
                    Some(p) => s.chars().take(p).collect(),
                    None => s.clone(),
                };
                (false, s, false)
            }
            (Value::Int(n), None | Some('d')) if precision.is_none() => {
                (*n < 0, grouped(&n.unsigned_abs().to_string(), group), true)
            }
            (Value::Int(n), Some('f' | 'F' | '%')) => self.fixed(*n as f64)?,
            (Value::Float(x), Some('f' | 'F' | '%')) => self.fixed(*x)?,
            (Value::Float(x), None) if precision.is_none() && x.is_finite() => {
                let t = py_float(x.abs());
                let (int, rest) = match t.find(['.', 'e']) {
                    Some(k) => t.split_at(k),
                    None => (t.as_str(), ""),
                };
                (
                    x.is_sign_negative(),
                    format!("{}{rest}", grouped(int, group)),
                    true,
                )
            }
            _ => return None,
        })
    }

    /// `x` with the types `f F %`: fixed-point, six decimals unless told.
    fn fixed(&self, x: f64) -> Option<(bool, String, bool)> {
        let x = if self.ty == Some('%') { x * 100.0 } else { x };
        if !x.is_finite() {
            return None;
        }
        let p = self.precision.unwrap_or(6);
        let t = format!("{:.*}", p, x.abs());
        let (int, frac) = t
            .split_once('.')
            .map_or((t.as_str(), None), |(a, b)| (a, Some(b)));
        let mut body = grouped(int, self.group);
        if let Some(frac) = frac {
            body.push('.');
            body.push_str(frac);
        }
        if self.ty == Some('%') {
            body.push('%');
        }
        Some((x.is_sign_negative(), body, true))
    }

    /// The sign and `body`, filled and aligned to the width.
    fn pad(&self, neg: bool, body: &str, numeric: bool) -> String {
        let sign_text = match (numeric, neg, self.sign) {
            (true, true, _) => "-",
            (true, false, '+') => "+",
            (true, false, ' ') => " ",
            _ => "",
        };
        let len = sign_text.chars().count() + body.chars().count();
        let pad = self.width.saturating_sub(len);
        let fill = self.fill.unwrap_or(' ');
        let pads = |n: usize| fill.to_string().repeat(n);
        let align = self.align.unwrap_or(if numeric { '>' } else { '<' });
        match align {
            '<' => format!("{sign_text}{body}{}", pads(pad)),
            '^' => format!("{}{sign_text}{body}{}", pads(pad / 2), pads(pad - pad / 2)),
            '=' => format!("{sign_text}{}{body}", pads(pad)),
            _ => format!("{}{sign_text}{body}", pads(pad)),
        }
    }
}

/// The decimal digits at `cs[*i..]`: `Some(None)` when there are none, `None` on overflow.
fn digits(cs: &[char], i: &mut usize) -> Option<Option<usize>> {
    let mut v: Option<usize> = None;
    while let Some(d) = cs.get(*i).and_then(|c| c.to_digit(10)) {
        v = Some(v.unwrap_or(0).checked_mul(10)?.checked_add(d as usize)?);
        *i += 1;
    }
    Some(v)
}

/// `1234567` → `1,234,567` (or with `_`).
fn grouped(digits: &str, sep: Option<char>) -> String {
    let Some(sep) = sep else {
        return digits.to_string();
    };
    let n = digits.chars().count();
    let mut out = String::with_capacity(n + n / 3);
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (n - k).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}
