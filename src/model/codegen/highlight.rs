//! A tiny tokenizer for colouring the code views: keywords, strings, numbers, comments, literals
//! (`None`, `true`, …) and function names (a name followed by `(`, or a Rust macro's `name!`).
//! Pure and small: the wasm carries no highlighting library. Ranges are byte ranges of `text`;
//! what is not listed is plain text.
use std::ops::Range;

use super::super::scenario::CodeLang;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Keyword,
    String,
    Number,
    Comment,
    /// `None`, `True`, `null`, `true`, `undefined`…
    Literal,
    Function,
}

pub(super) const PY_KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];
pub(super) const PY_LITERALS: &[&str] = &["None", "True", "False"];
pub(super) const JS_KEYWORDS: &[&str] = &[
    "async",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "default",
    "delete",
    "do",
    "else",
    "export",
    "extends",
    "finally",
    "for",
    "from",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "let",
    "new",
    "of",
    "return",
    "static",
    "switch",
    "this",
    "throw",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "yield",
];
pub(super) const JS_LITERALS: &[&str] = &["null", "true", "false", "undefined"];
pub(super) const RS_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "fn",
    "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "type", "unsafe", "use",
    "where", "while",
];
const RS_LITERALS: &[&str] = &["None", "Some", "Ok", "Err", "true", "false"];

/// The coloured tokens of `text`, in order, without overlaps.
pub fn highlight(text: &str, lang: CodeLang) -> Vec<(TokenKind, Range<usize>)> {
    let (keywords, literals) = match lang {
        CodeLang::Python => (PY_KEYWORDS, PY_LITERALS),
        CodeLang::Js => (JS_KEYWORDS, JS_LITERALS),
        CodeLang::Rust => (RS_KEYWORDS, RS_LITERALS),
    };
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let rest = &b[i..];
        // Comments.
        let line_comment = match lang {
            CodeLang::Python => c == b'#',
            CodeLang::Js | CodeLang::Rust => rest.starts_with(b"//"),
        };
        if line_comment {
            let end = find_from(b, i, b'\n');
            out.push((TokenKind::Comment, i..end));
            i = end;
            continue;
        }
        if lang != CodeLang::Python && rest.starts_with(b"/*") {
            let end = text[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
            out.push((TokenKind::Comment, i..end));
            i = end;
            continue;
        }
        // Strings (with a Python prefix such as f"…").
        let prefixed = lang == CodeLang::Python
            && matches!(c, b'f' | b'r' | b'b' | b'F' | b'R' | b'B')
            && matches!(b.get(i + 1), Some(b'"') | Some(b'\''))
            && (i == 0 || !is_ident(b[i - 1]));
        let quote_at = if prefixed { i + 1 } else { i };
        let q = b[quote_at];
        let is_quote = match lang {
            CodeLang::Python => q == b'"' || q == b'\'',
            CodeLang::Js => q == b'"' || q == b'\'' || q == b'`',
            CodeLang::Rust => q == b'"' || (q == b'\'' && is_char_literal(b, quote_at)),
        };
        if is_quote && (prefixed || quote_at == i) {
            let end = string_end(b, quote_at, lang);
            out.push((TokenKind::String, i..end));
            i = end;
            continue;
        }
        // Numbers.
        if c.is_ascii_digit() && (i == 0 || !is_ident(b[i - 1])) {
            let mut j = i;
            while j < b.len()
                && (b[j].is_ascii_alphanumeric()
                    || b[j] == b'_'
                    || (b[j] == b'.' && b.get(j + 1).is_some_and(|d| d.is_ascii_digit())))
            {
                j += 1;
            }
            out.push((TokenKind::Number, i..j));
            i = j;
            continue;
        }
        // Words.
        if is_ident_start(c) {
            let mut j = i;
            while j < b.len() && is_ident(b[j]) {
                j += 1;
            }
            let word = &text[i..j];
            let mut k = j;
            if lang == CodeLang::Rust && b.get(k) == Some(&b'!') {
                k += 1;
            }
            while k < b.len() && b[k] == b' ' {
                k += 1;
            }
            let kind = if keywords.contains(&word) {
                Some(TokenKind::Keyword)
            } else if literals.contains(&word) {
                Some(TokenKind::Literal)
            } else if b.get(k) == Some(&b'(') || (lang == CodeLang::Rust && b.get(j) == Some(&b'!'))
            {
                Some(TokenKind::Function)
            } else {
                None
            };
            if let Some(kind) = kind {
                let end = if kind == TokenKind::Function
                    && lang == CodeLang::Rust
                    && b.get(j) == Some(&b'!')
                {
                    j + 1
                } else {
                    j
                };
                out.push((kind, i..end));
                i = end;
            } else {
                i = j;
            }
            continue;
        }
        // Any other character (multi-byte ones whole).
        i += text[i..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'$'
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

fn find_from(b: &[u8], from: usize, what: u8) -> usize {
    b[from..]
        .iter()
        .position(|c| *c == what)
        .map_or(b.len(), |p| from + p)
}

/// A Rust `'x'` or `'\n'` (not a lifetime such as `'static`).
fn is_char_literal(b: &[u8], at: usize) -> bool {
    match b.get(at + 1) {
        Some(b'\\') => true,
        Some(_) => b.get(at + 2) == Some(&b'\''),
        None => false,
    }
}

/// The end (exclusive) of the string starting with the quote at `at`.
fn string_end(b: &[u8], at: usize, lang: CodeLang) -> usize {
    let q = b[at];
    // Python triple-quoted strings.
    if lang == CodeLang::Python && b.get(at + 1) == Some(&q) && b.get(at + 2) == Some(&q) {
        let mut j = at + 3;
        while j + 2 < b.len() {
            if b[j] == q && b[j + 1] == q && b[j + 2] == q {
                return j + 3;
            }
            j += 1;
        }
        return b.len();
    }
    let mut j = at + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            c if c == q => return j + 1,
            // Only template literals and Rust strings span lines.
            b'\n' if q != b'`' && lang != CodeLang::Rust => return j,
            _ => j += 1,
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, lang: CodeLang) -> Vec<(TokenKind, &str)> {
        highlight(text, lang)
            .into_iter()
            .map(|(k, r)| (k, &text[r]))
            .collect()
    }

    #[test]
    fn python_line() {
        let got = kinds(
            "async def toast():\n    await asyncio.sleep(2)  # wait\n    print(f\"{i} done\")\n",
            CodeLang::Python,
        );
        assert_eq!(
            got,
            vec![
                (TokenKind::Keyword, "async"),
                (TokenKind::Keyword, "def"),
                (TokenKind::Function, "toast"),
                (TokenKind::Keyword, "await"),
                (TokenKind::Function, "sleep"),
                (TokenKind::Number, "2"),
                (TokenKind::Comment, "# wait"),
                (TokenKind::Function, "print"),
                (TokenKind::String, "f\"{i} done\""),
            ]
        );
    }

    #[test]
    fn js_template_and_comment() {
        let got = kinds("const x = `a ${b}`; // note\nreturn null;", CodeLang::Js);
        assert_eq!(
            got,
            vec![
                (TokenKind::Keyword, "const"),
                (TokenKind::String, "`a ${b}`"),
                (TokenKind::Comment, "// note"),
                (TokenKind::Keyword, "return"),
                (TokenKind::Literal, "null"),
            ]
        );
    }

    #[test]
    fn rust_macro_lifetime_and_numbers() {
        let got = kinds(
            "fn f() -> &'static str { println!(\"x\"); Duration::from_millis(10_000) }",
            CodeLang::Rust,
        );
        assert_eq!(
            got,
            vec![
                (TokenKind::Keyword, "fn"),
                (TokenKind::Function, "f"),
                (TokenKind::Keyword, "static"),
                (TokenKind::Function, "println!"),
                (TokenKind::String, "\"x\""),
                (TokenKind::Function, "from_millis"),
                (TokenKind::Number, "10_000"),
            ]
        );
    }

    #[test]
    fn unterminated_and_unicode_are_safe() {
        for lang in CodeLang::ALL {
            for text in ["\"abc", "'", "é \"ü", "/* x", "f\"", "0.", "r'"] {
                for (_, r) in highlight(text, lang) {
                    assert!(r.start <= r.end && r.end <= text.len());
                    assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                }
            }
        }
    }
}
