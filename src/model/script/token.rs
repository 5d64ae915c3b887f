//! What the lexer hands the parser: a line's indentation and its tokens, each at its column.

/// A piece of an f-string: literal text (escapes decoded) or a `{field}`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum FPart {
    Lit(String),
    Field(Field),
}

/// `{name}`, `{name + 1}`, `{name!r}`, `{name:>8.2f}`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Field {
    pub(crate) name: String,
    /// `{i+1}` / `{i - 1}` / `{i*2}`: an operator and a whole number.
    pub(crate) op: Option<(char, i64)>,
    /// `!r` / `!s`.
    pub(crate) conv: Option<char>,
    /// After `:` (empty when none).
    pub(crate) spec: String,
    pub(crate) col: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    Name(String),
    Num(String),
    /// A string literal, escapes decoded.
    Str(String),
    FStr(Vec<FPart>),
    Op(char),
}

/// One logical line that holds a statement (blank and comment-only lines give none).
#[derive(Clone, Debug)]
pub(crate) struct Line {
    /// 1-based line number.
    pub(crate) no: usize,
    /// Leading spaces.
    pub(crate) indent: usize,
    /// Each token with its 1-based column.
    pub(crate) toks: Vec<(Tok, usize)>,
}
