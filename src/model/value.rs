//! Values a task returns, and how each code language prints them.
//!
//! `format` reproduces what the generated program itself prints, so the console of the page and
//! the program run by CPython / Node / rustc show the same line:
//! - Python: `print(v)` = `str(v)`: a top-level string raw, everything inside containers `repr`
//!   (`[1, 2, 3]`, `{'id': 1, 'bytes': 512}`, `None`, `True`).
//! - JS: `console.log(v)` = Node's `util.inspect` with its defaults (`[ 1, 2, 3 ]`,
//!   `{ id: 1, bytes: 512 }`, lines broken past 80 columns, arrays of more than 6 entries grouped
//!   in columns, more than 100 entries cut to `... N more items`, depth 2).
//! - Rust: `println!("{}", s)` for a top-level string, `println!("{:?}", v)` otherwise; a record
//!   is a `#[derive(Debug)] struct` named [`RUST_RECORD`]; `Null` is `None`.
use serde::{Deserialize, Serialize};

use super::scenario::CodeLang;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// A decimal number (a script's `0.5`), printed as each language prints a float.
    Float(f64),
    Str(String),
    List(Vec<Value>),
    /// Field order is kept (a Python dict / JS object literal / Rust struct).
    Record(Vec<(String, Value)>),
}

/// The struct name a Rust view gives to records (`Record { id: 1, bytes: 512 }`).
pub const RUST_RECORD: &str = "Record";

impl Value {
    pub fn str(s: impl Into<String>) -> Self {
        Value::Str(s.into())
    }

    /// How `lang`'s own print shows this value (see the module doc).
    pub fn format(&self, lang: CodeLang) -> String {
        if let Value::Str(s) = self {
            return s.clone();
        }
        match lang {
            CodeLang::Python => py_repr(self),
            CodeLang::Rust => rust_debug(self),
            CodeLang::Js => node_inspect(self, 0, 0),
        }
    }

    /// Python's `repr()` of the value (a string quoted, as in a container).
    pub fn python_repr(&self) -> String {
        py_repr(self)
    }

    /// The value as JSON (trace `end.value`, exports): strings stay strings, records objects.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => J::from(*f),
            Value::Str(s) => J::String(s.clone()),
            Value::List(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Record(fields) => J::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// The inverse of [`Value::to_json`] (a trace's `end.value` back to a value to print);
    /// a non-integral number is a float.
    pub fn from_json(j: &serde_json::Value) -> Self {
        use serde_json::Value as J;
        match j {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => n
                .as_i64()
                .map(Value::Int)
                .or_else(|| n.as_f64().map(Value::Float))
                .unwrap_or_else(|| Value::Str(n.to_string())),
            J::String(s) => Value::Str(s.clone()),
            J::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            J::Object(fields) => Value::Record(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect(),
            ),
        }
    }
}

// ---------- Python ----------

fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => py_float(*f),
        Value::Str(s) => py_str_repr(s),
        Value::List(items) => {
            let inner: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Record(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}: {}", py_str_repr(k), py_repr(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

/// CPython's `repr(str)`: single quotes unless the text has `'` and no `"`.
fn py_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// The shortest digits that read back as `f` and its decimal exponent: `0.5` → ("5", -1),
/// `1234.5` → ("12345", 3) (the exponent of the first digit).
fn shortest(f: f64) -> (String, i32) {
    let e = format!("{:e}", f.abs());
    let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
    (mant.replace('.', ""), exp.parse().unwrap_or(0))
}

/// `digits` × 10^(exp − len + 1) written out without an exponent.
fn plain(digits: &str, exp: i32) -> String {
    let n = digits.len() as i32;
    if exp < 0 {
        format!("0.{}{digits}", "0".repeat((-exp - 1) as usize))
    } else if exp + 1 >= n {
        format!("{digits}{}", "0".repeat((exp + 1 - n) as usize))
    } else {
        let (a, b) = digits.split_at((exp + 1) as usize);
        format!("{a}.{b}")
    }
}

/// The digits in exponent form: `1.5e-07` (`min_exp`: at least that many exponent digits).
fn scientific(digits: &str, exp: i32, min_exp: usize) -> String {
    let (a, b) = digits.split_at(1);
    let dot = if b.is_empty() { "" } else { "." };
    let es = if exp < 0 { '-' } else { '+' };
    format!("{a}{dot}{b}e{es}{:0min_exp$}", exp.abs())
}

/// How a language writes a finite float: shortest digits, in exponent form outside
/// `plain_exps`, and `.0` after a whole number when `point`.
fn float_text(f: f64, plain_exps: std::ops::Range<i32>, min_exp: usize, point: bool) -> String {
    let sign = if f.is_sign_negative() && f != 0.0 {
        "-"
    } else {
        ""
    };
    let (digits, exp) = shortest(f);
    if f == 0.0 {
        return if point { "0.0" } else { "0" }.into();
    }
    if !plain_exps.contains(&exp) {
        return format!("{sign}{}", scientific(&digits, exp, min_exp));
    }
    let p = plain(&digits, exp);
    if point && !p.contains('.') {
        format!("{sign}{p}.0")
    } else {
        format!("{sign}{p}")
    }
}

/// CPython's `repr(float)`: shortest digits; exponent form below 1e-4 or from 1e16.
pub fn py_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    if f == 0.0 && f.is_sign_negative() {
        return "-0.0".into();
    }
    float_text(f, -4..16, 2, true)
}

/// JavaScript's `Number.prototype.toString()`: shortest digits; exponent form below 1e-6 or
/// from 1e21; a whole number without a point.
pub fn js_number(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    float_text(f, -6..21, 1, false)
}

// ---------- Rust ----------

fn rust_debug(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Str(s) => format!("{s:?}"),
        Value::List(items) => {
            let inner: Vec<String> = items.iter().map(rust_debug).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Record(fields) if fields.is_empty() => RUST_RECORD.to_string(),
        Value::Record(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{k}: {}", rust_debug(v)))
                .collect();
            format!("{RUST_RECORD} {{ {} }}", inner.join(", "))
        }
    }
}

// ---------- Node (util.inspect defaults) ----------

const NODE_BREAK: usize = 80;
const NODE_DEPTH: usize = 2;
const NODE_MAX_ARRAY: usize = 100;

/// `depth` = nesting level of `v` (0 at top); `indent` = Node's `indentationLvl`.
fn node_inspect(v: &Value, depth: usize, indent: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => js_number(*f),
        Value::Str(s) => node_str(s),
        Value::List(items) => {
            if items.is_empty() {
                return "[]".into();
            }
            if depth > NODE_DEPTH {
                return "[Array]".into();
            }
            let shown = items.len().min(NODE_MAX_ARRAY);
            let mut out: Vec<String> = items[..shown]
                .iter()
                .map(|x| node_inspect(x, depth + 1, indent + 2))
                .collect();
            let extra = items.len() - shown;
            if extra > 0 {
                out.push(format!(
                    "... {extra} more item{}",
                    if extra > 1 { "s" } else { "" }
                ));
            }
            let numeric = items
                .iter()
                .all(|x| matches!(x, Value::Int(_) | Value::Float(_)));
            node_join(out, "[", "]", true, numeric, indent)
        }
        Value::Record(fields) => {
            if fields.is_empty() {
                return "{}".into();
            }
            if depth > NODE_DEPTH {
                return "[Object]".into();
            }
            let out: Vec<String> = fields
                .iter()
                .map(|(k, x)| {
                    format!(
                        "{}: {}",
                        node_key(k),
                        node_inspect(x, depth + 1, indent + 2)
                    )
                })
                .collect();
            node_join(out, "{", "}", false, false, indent)
        }
    }
}

/// Node's `reduceToSingleString` (compact = 3).
fn node_join(
    output: Vec<String>,
    open: &str,
    close: &str,
    is_array: bool,
    numeric: bool,
    indent: usize,
) -> String {
    let entries = output.len();
    let output = if is_array && entries > 6 {
        node_group(output, numeric, indent)
    } else {
        output
    };
    if entries == output.len() {
        let start = output.len() + indent + open.len() + 10;
        if below_break(&output, start) {
            let joined = output.join(", ");
            if !joined.contains('\n') {
                return format!("{open} {joined} {close}");
            }
        }
    }
    let ind = format!("\n{}", " ".repeat(indent));
    format!(
        "{open}{ind}  {}{ind}{close}",
        output.join(&format!(",{ind}  "))
    )
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn below_break(output: &[String], start: usize) -> bool {
    let mut total = output.len() + start;
    if total + output.len() > NODE_BREAK {
        return false;
    }
    for o in output {
        // Node counts UTF-16 code units here (`String.length`).
        total += o.encode_utf16().count();
        if total > NODE_BREAK {
            return false;
        }
    }
    true
}

/// Node's `groupArrayElements`: arrays of more than 6 short entries are laid out in columns.
fn node_group(output: Vec<String>, numeric: bool, indent: usize) -> Vec<String> {
    let has_more = output.len() > NODE_MAX_ARRAY;
    let output_len = if has_more {
        output.len() - 1
    } else {
        output.len()
    };
    let sep = 2usize;
    let data_len: Vec<usize> = output[..output_len].iter().map(|s| width(s)).collect();
    let total: usize = data_len.iter().map(|l| l + sep).sum();
    let max_len = data_len.iter().copied().max().unwrap_or(0);
    let actual_max = max_len + sep;
    if !(actual_max * 3 + indent < NODE_BREAK
        && ((total as f64) / (actual_max as f64) > 5.0 || max_len <= 6))
    {
        return output;
    }
    let average_bias = ((actual_max as f64) - (total as f64) / (output.len() as f64)).sqrt();
    let biased_max = ((actual_max as f64) - 3.0 - average_bias).max(1.0);
    let by_area = ((2.5 * biased_max * output_len as f64).sqrt() / biased_max).round();
    let columns = (by_area as usize)
        .min((NODE_BREAK - indent) / actual_max)
        .min(3 * 4)
        .min(15);
    if columns <= 1 {
        return output;
    }
    let mut max_line = Vec::with_capacity(columns);
    for i in 0..columns {
        let mut line = 0;
        let mut j = i;
        while j < output_len {
            line = line.max(data_len[j]);
            j += columns;
        }
        max_line.push(line + sep);
    }
    let mut tmp = Vec::new();
    let mut i = 0;
    while i < output_len {
        let max = (i + columns).min(output_len);
        let mut s = String::new();
        for j in i..max - 1 {
            let cell = format!("{}, ", output[j]);
            s.push_str(&pad(&cell, max_line[j - i], numeric));
        }
        let j = max - 1;
        if numeric {
            s.push_str(&pad(&output[j], max_line[j - i] - sep, true));
        } else {
            s.push_str(&output[j]);
        }
        tmp.push(s);
        i += columns;
    }
    if has_more {
        if let Some(last) = output.last() {
            tmp.push(last.clone());
        }
    }
    tmp
}

fn pad(s: &str, to: usize, start: bool) -> String {
    let fill = " ".repeat(to.saturating_sub(width(s)));
    if start {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

fn node_key(k: &str) -> String {
    let mut chars = k.chars();
    let ident = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    };
    if ident {
        k.to_string()
    } else {
        node_str(k)
    }
}

/// Node's `strEscape`: single quotes, else double, else backticks, else escaped single quotes.
fn node_str(s: &str) -> String {
    let quote = if !s.contains('\'') {
        '\''
    } else if !s.contains('"') {
        '"'
    } else if !s.contains('`') && !s.contains("${") {
        '`'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\x0B"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(xs: &[i64]) -> Value {
        Value::List(xs.iter().map(|x| Value::Int(*x)).collect())
    }
    fn rec() -> Value {
        Value::Record(vec![
            ("id".into(), Value::Int(1)),
            ("bytes".into(), Value::Int(512)),
        ])
    }

    #[test]
    fn json_round_trip_keeps_order_and_kinds() {
        let v = Value::List(vec![
            rec(),
            Value::Null,
            Value::Bool(true),
            Value::str("toast"),
            ints(&[3, 1, 2]),
        ]);
        assert_eq!(Value::from_json(&v.to_json()), v);
        // What the console shows for a trace's end value, per code language.
        let end = serde_json::json!(["toast", null, {"id": 1, "bytes": 512}]);
        let back = Value::from_json(&end);
        assert_eq!(
            back.format(CodeLang::Python),
            "['toast', None, {'id': 1, 'bytes': 512}]"
        );
        assert_eq!(
            back.format(CodeLang::Js),
            "[ 'toast', null, { id: 1, bytes: 512 } ]"
        );
        assert_eq!(
            back.format(CodeLang::Rust),
            "[\"toast\", None, Record { id: 1, bytes: 512 }]"
        );
        assert_eq!(Value::from_json(&serde_json::json!(1.5)), Value::Float(1.5));
    }

    #[test]
    fn floats_as_each_language_prints_them() {
        for (f, py, js, rs) in [
            (0.5, "0.5", "0.5", "0.5"),
            (1.0, "1.0", "1", "1.0"),
            (-2.5, "-2.5", "-2.5", "-2.5"),
            (0.00001, "1e-05", "0.00001", "1e-5"),
            (1e16, "1e+16", "10000000000000000", "1e16"),
            (123456.789, "123456.789", "123456.789", "123456.789"),
            (1e-7, "1e-07", "1e-7", "1e-7"),
            (
                0.1 + 0.2,
                "0.30000000000000004",
                "0.30000000000000004",
                "0.30000000000000004",
            ),
        ] {
            let v = Value::Float(f);
            assert_eq!(v.format(CodeLang::Python), py, "{f}");
            assert_eq!(v.format(CodeLang::Js), js, "{f}");
            assert_eq!(v.format(CodeLang::Rust), rs, "{f}");
        }
        let l = Value::List(vec![Value::Float(0.5), Value::Int(1)]);
        assert_eq!(l.format(CodeLang::Python), "[0.5, 1]");
        assert_eq!(l.format(CodeLang::Js), "[ 0.5, 1 ]");
    }

    #[test]
    fn python() {
        let p = CodeLang::Python;
        assert_eq!(ints(&[1, 2, 3]).format(p), "[1, 2, 3]");
        assert_eq!(Value::str("OK").format(p), "OK");
        assert_eq!(Value::List(vec![Value::str("OK")]).format(p), "['OK']");
        assert_eq!(rec().format(p), "{'id': 1, 'bytes': 512}");
        assert_eq!(
            Value::List(vec![Value::str("it's")]).format(p),
            "[\"it's\"]"
        );
        assert_eq!(
            Value::List(vec![Value::Null, Value::Bool(true)]).format(p),
            "[None, True]"
        );
        assert_eq!(Value::List(vec![]).format(p), "[]");
    }

    #[test]
    fn node() {
        let j = CodeLang::Js;
        assert_eq!(ints(&[1, 2, 3]).format(j), "[ 1, 2, 3 ]");
        assert_eq!(
            Value::List(vec![Value::str("toast"), Value::str("coffee")]).format(j),
            "[ 'toast', 'coffee' ]"
        );
        assert_eq!(rec().format(j), "{ id: 1, bytes: 512 }");
        assert_eq!(Value::str("OK").format(j), "OK");
        assert_eq!(Value::Null.format(j), "null");
        assert_eq!(
            ints(&[1, 2, 3, 4, 5, 6, 7]).format(j),
            "[\n  1, 2, 3, 4,\n  5, 6, 7\n]"
        );
        assert_eq!(
            Value::Record(vec![("my-key".into(), Value::Int(1))]).format(j),
            "{ 'my-key': 1 }"
        );
    }

    #[test]
    fn rust() {
        let r = CodeLang::Rust;
        assert_eq!(ints(&[1, 2, 3]).format(r), "[1, 2, 3]");
        assert_eq!(
            Value::List(vec![Value::str("toast"), Value::str("coffee")]).format(r),
            "[\"toast\", \"coffee\"]"
        );
        assert_eq!(rec().format(r), "Record { id: 1, bytes: 512 }");
        assert_eq!(Value::str("OK").format(r), "OK");
    }

    #[test]
    fn json() {
        assert_eq!(
            Value::List(vec![rec(), Value::str("a")]).to_json(),
            serde_json::json!([{"id": 1, "bytes": 512}, "a"])
        );
    }
}
