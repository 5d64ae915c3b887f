//! F17, the scenario editor's language: a small Python-asyncio-like script, compiled to the same
//! scenario model as the built-in programs (so it is planned, run, drawn and shown in three
//! languages like them). Pure and total: any text, however hostile, gives a program or errors
//! with line and column, never a panic; sizes are bounded (bytes, depth, tasks, steps).
//!
//! What it understands (one statement per line, 4-space or any consistent indentation):
//! ```text
//! import asyncio / import time               (ignored)
//! sem = asyncio.Semaphore(3)                 (module level)
//! async def name(a, b):                      (functions; `main` is where the run starts)
//!     print("text", a, f"x={a}", result)     (strings, f-strings, parameters, results)
//!     await asyncio.sleep(1.5)               (seconds)
//!     time.sleep(0.5)                        (blocks the thread)
//!     t = asyncio.create_task(name(1, "x"))
//!     await t / result = await t
//!     result = await name(2)                 (awaited where it stands)
//!     results = await asyncio.gather(name(1), t, *(name(i) for i in range(3)))
//!     async with sem:
//!     try:
//!         async with asyncio.timeout(2):     (a deadline for the block)
//!             …
//!     except TimeoutError:
//!         …
//!     for i in range(1, 4):
//!     name(3)                                (a coroutine never awaited)
//!     return 42 / return "ok" / return a / return results
//! asyncio.run(main())
//! ```
use std::collections::BTreeMap;

use super::params::Lang;
use super::scenario::{Params, Piece, Scenario, Step, TaskDef, TaskId, Text};
use super::trace::Mode;
use super::value::Value;

/// Bytes a script may have (it must fit a shareable URL: `src` in EMBEDDING.md).
pub const MAX_SCRIPT_BYTES: usize = 4096;
/// Tasks a script may create (main included), loops unrolled.
pub const MAX_TASKS: usize = 10_001;
/// Indentation levels and nested calls (a function awaiting a function awaiting …).
pub const MAX_DEPTH: usize = 12;
/// Steps in all the tasks together.
pub const MAX_STEPS: usize = 100_000;
/// Longest single wait, in ms (the parameters' limit: far below `setTimeout`'s 2^31−1).
pub const MAX_WAIT_MS: u64 = 60_000;

/// A problem in the script, at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScriptError {
    pub line: usize,
    pub col: usize,
    pub kind: ErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    TooLong {
        bytes: usize,
    },
    Tab,
    Indent,
    UnclosedString,
    Unexpected {
        found: String,
        wanted: &'static str,
    },
    UnknownStatement,
    UnknownName(String),
    UnknownFunction(String),
    NotAsync(String),
    Arity {
        name: String,
        wanted: usize,
        got: usize,
    },
    Duplicate(String),
    NoRun,
    BadNumber {
        min: String,
        max: String,
    },
    TooDeep,
    TooMany {
        what: &'static str,
        max: usize,
    },
    NotATask(String),
    NotASemaphore(String),
    Outside(&'static str),
    /// A timeout in any other shape than `try:` / `async with asyncio.timeout(s):` / `except
    /// TimeoutError:`.
    TryShape,
    /// The link's `src` is base64url but not UTF-8 text.
    BadLink,
    /// `asyncio.slep(1)`, `os.system(…)`: a dotted call the editor does not know.
    UnknownCall(String),
    /// `return` inside `for` or `async with` (only a function's last statement may return).
    NestedReturn,
    /// The program is refused by the model's checks (e.g. a task awaited from two places).
    Invalid(String),
}

impl ScriptError {
    fn at(line: usize, col: usize, kind: ErrorKind) -> Self {
        ScriptError { line, col, kind }
    }

    /// "line 3, column 5: …" in the page's language.
    pub fn text(&self, lang: Lang) -> String {
        let head = match lang {
            Lang::En => format!("line {}, column {}", self.line, self.col),
            Lang::Fr => format!("ligne {}, colonne {}", self.line, self.col),
            Lang::Es => format!("línea {}, columna {}", self.line, self.col),
        };
        let sep = if lang == Lang::Fr { "\u{a0}: " } else { ": " };
        format!("{head}{sep}{}", self.kind.text(lang))
    }
}

impl ErrorKind {
    pub fn text(&self, lang: Lang) -> String {
        let l = |en: &str, fr: &str, es: &str| -> String {
            match lang {
                Lang::En => en.to_string(),
                Lang::Fr => fr.to_string(),
                Lang::Es => es.to_string(),
            }
        };
        match self {
            ErrorKind::TooLong { bytes } => l(
                &format!("the script has {bytes} bytes; at most {MAX_SCRIPT_BYTES} fit in a link"),
                &format!("le script fait {bytes} octets\u{202f}; un lien en contient au plus {MAX_SCRIPT_BYTES}"),
                &format!("el script tiene {bytes} bytes; un enlace admite como máximo {MAX_SCRIPT_BYTES}"),
            ),
            ErrorKind::Tab => l(
                "indent with spaces, not tabs",
                "indentez avec des espaces, pas des tabulations",
                "sangra con espacios, no con tabulaciones",
            ),
            ErrorKind::Indent => l(
                "this indentation does not match any enclosing block",
                "cette indentation ne correspond à aucun bloc englobant",
                "esta sangría no corresponde a ningún bloque",
            ),
            ErrorKind::UnclosedString => l(
                "this string is never closed",
                "cette chaîne n’est jamais fermée",
                "esta cadena nunca se cierra",
            ),
            ErrorKind::Unexpected { found, wanted } => l(
                &format!("expected {wanted}, found {found}"),
                &format!("{wanted} attendu, trouvé {found}"),
                &format!("se esperaba {wanted}, se encontró {found}"),
            ),
            ErrorKind::UnknownStatement => l(
                "the editor does not understand this line (see “What the editor understands”)",
                "l’éditeur ne comprend pas cette ligne (voir «\u{a0}Ce que comprend l’éditeur\u{a0}»)",
                "el editor no entiende esta línea (mira «Lo que entiende el editor»)",
            ),
            ErrorKind::UnknownName(n) => l(
                &format!("{n} is not defined here"),
                &format!("{n} n’est pas défini ici"),
                &format!("{n} no está definido aquí"),
            ),
            ErrorKind::UnknownFunction(n) => l(
                &format!("there is no async def {n}"),
                &format!("il n’y a pas de async def {n}"),
                &format!("no hay ningún async def {n}"),
            ),
            ErrorKind::NotAsync(n) => l(
                &format!("{n} must be defined with async def"),
                &format!("{n} doit être défini avec async def"),
                &format!("{n} debe definirse con async def"),
            ),
            ErrorKind::Arity { name, wanted, got } => l(
                &format!("{name} takes {wanted} argument(s), {got} given"),
                &format!("{name} prend {wanted} argument(s), {got} donné(s)"),
                &format!("{name} recibe {wanted} argumento(s), se dieron {got}"),
            ),
            ErrorKind::Duplicate(n) => l(
                &format!("{n} is defined twice"),
                &format!("{n} est défini deux fois"),
                &format!("{n} está definido dos veces"),
            ),
            ErrorKind::NoRun => l(
                "the script never starts: end it with asyncio.run(main())",
                "le script ne démarre jamais\u{a0}: terminez-le par asyncio.run(main())",
                "el script nunca arranca: termínalo con asyncio.run(main())",
            ),
            ErrorKind::BadNumber { min, max } => l(
                &format!("expected a number from {min} to {max}"),
                &format!("un nombre de {min} à {max} est attendu"),
                &format!("se esperaba un número de {min} a {max}"),
            ),
            ErrorKind::TooDeep => l(
                &format!("nested more than {MAX_DEPTH} levels deep"),
                &format!("imbriqué sur plus de {MAX_DEPTH} niveaux"),
                &format!("anidado más de {MAX_DEPTH} niveles"),
            ),
            ErrorKind::TooMany { what, max } => l(
                &format!("more than {max} {what}"),
                &format!("plus de {max} {}", french(what)),
                &format!("más de {max} {}", spanish(what)),
            ),
            ErrorKind::NotATask(n) => l(
                &format!("{n} is not a task or a result"),
                &format!("{n} n’est ni une tâche ni un résultat"),
                &format!("{n} no es una tarea ni un resultado"),
            ),
            ErrorKind::NotASemaphore(n) => l(
                &format!("{n} is not a semaphore (name = asyncio.Semaphore(3) at the top)"),
                &format!("{n} n’est pas un sémaphore (nom = asyncio.Semaphore(3) en haut du script)"),
                &format!("{n} no es un semáforo (nombre = asyncio.Semaphore(3) arriba del todo)"),
            ),
            ErrorKind::TryShape => l(
                "write a timeout as try: / async with asyncio.timeout(seconds): … / except TimeoutError: …",
                "écrivez un délai ainsi\u{a0}: try: / async with asyncio.timeout(secondes): … / except TimeoutError: …",
                "escribe un tiempo límite así: try: / async with asyncio.timeout(segundos): … / except TimeoutError: …",
            ),
            ErrorKind::BadLink => l(
                "the script in this link is damaged (not text): start again from the example",
                "le script de ce lien est abîmé (ce n’est pas du texte)\u{a0}: repartez de l’exemple",
                "el script de este enlace está dañado (no es texto): vuelve a empezar desde el ejemplo",
            ),
            ErrorKind::UnknownCall(n) => l(
                &format!("the editor does not know {n}: it knows asyncio.sleep, asyncio.gather, asyncio.create_task and time.sleep"),
                &format!("l’éditeur ne connaît pas {n}\u{a0}: il connaît asyncio.sleep, asyncio.gather, asyncio.create_task et time.sleep"),
                &format!("el editor no conoce {n}: conoce asyncio.sleep, asyncio.gather, asyncio.create_task y time.sleep"),
            ),
            ErrorKind::NestedReturn => l(
                "return may only be the last statement of a function here",
                "ici, return ne peut être que la dernière instruction d’une fonction",
                "aquí return solo puede ser la última instrucción de una función",
            ),
            ErrorKind::Invalid(why) => l(
                &format!("this program cannot run: {why}"),
                &format!("ce programme ne peut pas s’exécuter\u{a0}: {why}"),
                &format!("este programa no puede ejecutarse: {why}"),
            ),
            ErrorKind::Outside(what) => l(
                &format!("{what} is only allowed inside async def"),
                &format!("{what} n’est permis que dans un async def"),
                &format!("{what} solo se permite dentro de un async def"),
            ),
        }
    }
}

fn french(what: &str) -> &str {
    match what {
        "tasks" => "tâches",
        "steps" => "étapes",
        _ => what,
    }
}

fn spanish(what: &str) -> &str {
    match what {
        "tasks" => "tareas",
        "steps" => "pasos",
        _ => what,
    }
}

// ---------- base64url (the `src` URL parameter) ----------

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The script as `src` carries it: base64url of its UTF-8 bytes, without padding.
pub fn encode_src(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            let idx = ((n >> (18 - 6 * i)) & 63) as usize;
            out.push(char::from(B64[idx]));
        }
    }
    out
}

/// The script in `src` (padding optional); `None` when it is not base64url or not UTF-8.
pub fn decode_src(src: &str) -> Option<String> {
    let body = src.trim_end_matches('=');
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for c in body.bytes() {
        let v = B64.iter().position(|x| *x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    String::from_utf8(out).ok()
}

/// What the editor shows for a new script.
pub const STARTER: &str = "import asyncio

sem = asyncio.Semaphore(2)

async def download(name, seconds):
    async with sem:
        print(f\"{name}: start\")
        await asyncio.sleep(seconds)
        print(f\"{name}: done\")
    return name

async def main():
    late = asyncio.create_task(download(\"page\", 1.5))
    results = await asyncio.gather(download(\"a\", 1), download(\"b\", 2), download(\"c\", 1))
    print(\"got\", results)
    await late

asyncio.run(main())
";

// ---------- lexer ----------

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Name(String),
    Num(String),
    Str { text: String, f: bool },
    Op(char),
}

impl Tok {
    fn show(&self) -> String {
        match self {
            Tok::Name(n) => n.clone(),
            Tok::Num(n) => n.clone(),
            Tok::Str { .. } => "a string".into(),
            Tok::Op(c) => format!("“{c}”"),
        }
    }
}

#[derive(Clone, Debug)]
struct Line {
    no: usize,
    indent: usize,
    toks: Vec<(Tok, usize)>,
}

fn lex(src: &str) -> Result<Vec<Line>, ScriptError> {
    let mut lines = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let no = i + 1;
        let mut chars = raw.char_indices().peekable();
        let mut indent = 0;
        while let Some((_, c)) = chars.peek().copied() {
            match c {
                ' ' => indent += 1,
                '\t' => return Err(ScriptError::at(no, indent + 1, ErrorKind::Tab)),
                _ => break,
            }
            chars.next();
        }
        let mut toks = Vec::new();
        let col_of = |byte: usize| raw.get(..byte).map_or(1, |s| s.chars().count() + 1);
        while let Some((at, c)) = chars.next() {
            let col = col_of(at);
            match c {
                ' ' | '\t' | '\r' => {}
                '#' => break,
                '"' | '\'' => {
                    let mut text = String::new();
                    let mut closed = false;
                    while let Some((_, d)) = chars.next() {
                        if d == c {
                            closed = true;
                            break;
                        }
                        if d == '\\' {
                            match chars.next().map(|x| x.1) {
                                Some('n') => text.push(' '),
                                Some(e) => text.push(e),
                                None => break,
                            }
                        } else {
                            text.push(d);
                        }
                    }
                    if !closed {
                        return Err(ScriptError::at(no, col, ErrorKind::UnclosedString));
                    }
                    // An f-string: the `f` just lexed as a name becomes a flag.
                    let f = matches!(toks.last(), Some((Tok::Name(n), c0)) if n == "f" && *c0 + 1 == col);
                    if f {
                        toks.pop();
                    }
                    toks.push((Tok::Str { text, f }, if f { col - 1 } else { col }));
                }
                c if c.is_ascii_digit() => {
                    let mut n = String::from(c);
                    while let Some((_, d)) = chars.peek().copied() {
                        if d.is_ascii_digit() || d == '.' || d == '_' {
                            n.push(d);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    toks.push((Tok::Num(n), col));
                }
                c if c.is_alphabetic() || c == '_' => {
                    let mut n = String::from(c);
                    while let Some((_, d)) = chars.peek().copied() {
                        if d.is_alphanumeric() || d == '_' {
                            n.push(d);
                            chars.next();
                        } else {
                            break;
                        }
                    }
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
                            found: format!("“{other}”"),
                            wanted: "a statement",
                        },
                    ))
                }
            }
        }
        if !toks.is_empty() {
            lines.push(Line { no, indent, toks });
        }
    }
    Ok(lines)
}

// ---------- parser: lines → a tree of statements ----------

#[derive(Clone, Debug)]
enum Arg {
    Num(String, usize),
    Str(String, bool, usize),
    Name(String, usize),
    Neg(Box<Arg>),
    Call(Call),
    /// `*(f(i) for i in range(a, b))` or `*[…]`.
    Spread {
        call: Call,
        var: String,
        range: (Box<Arg>, Option<Box<Arg>>),
    },
}

#[derive(Clone, Debug)]
struct Call {
    /// `asyncio.sleep` / `download`
    name: String,
    args: Vec<Arg>,
    line: usize,
    col: usize,
}

#[derive(Clone, Debug)]
enum Stmt {
    Print(Vec<Arg>),
    /// `[target =] await <call or name>`
    Await {
        target: Option<String>,
        what: Arg,
    },
    CreateTask {
        target: String,
        call: Call,
    },
    Block(Arg),
    NoAwait(Call),
    With {
        sem: String,
        body: Vec<(usize, usize, Stmt)>,
    },
    /// `async with asyncio.timeout(s):` (only inside `try … except TimeoutError`).
    TimeoutWith {
        secs: Arg,
        body: Vec<(usize, usize, Stmt)>,
    },
    Timeout {
        secs: Arg,
        body: Vec<(usize, usize, Stmt)>,
        on_timeout: Vec<(usize, usize, Stmt)>,
    },
    For {
        var: String,
        from: Arg,
        to: Option<Arg>,
        body: Vec<(usize, usize, Stmt)>,
    },
    Return(Arg),
    Pass,
}

#[derive(Clone, Debug)]
struct Func {
    params: Vec<String>,
    body: Vec<(usize, usize, Stmt)>,
    line: usize,
}

struct Module {
    funcs: BTreeMap<String, Func>,
    sems: Vec<(String, u32)>,
    run: Option<(String, usize, usize)>,
}

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
            .map(Tok::show)
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
    fn call_rest(&mut self, name: String, col: usize, depth: usize) -> Result<Call, ScriptError> {
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
    fn arg(&mut self, depth: usize) -> Result<Arg, ScriptError> {
        if depth > MAX_DEPTH {
            return Err(ScriptError::at(self.line, self.col(), ErrorKind::TooDeep));
        }
        let col = self.col();
        match self.peek() {
            Some(Tok::Num(n)) => {
                self.i += 1;
                Ok(Arg::Num(n.clone(), col))
            }
            Some(Tok::Str { text, f }) => {
                self.i += 1;
                Ok(Arg::Str(text.clone(), *f, col))
            }
            Some(Tok::Op('-')) => {
                self.i += 1;
                Ok(Arg::Neg(Box::new(self.arg(depth + 1)?)))
            }
            Some(Tok::Op('*')) => {
                self.i += 1;
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
    /// `range(a)` or `range(a, b)`.
    fn range(&mut self, depth: usize) -> Result<(Arg, Option<Arg>), ScriptError> {
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

type Block = Vec<(usize, usize, Stmt)>;

/// Parses the statements of a block starting at `lines[*i]`, all at indentation `indent`.
fn block(lines: &[Line], i: &mut usize, indent: usize, depth: usize) -> Result<Block, ScriptError> {
    if depth > MAX_DEPTH {
        let (no, col) = lines.get(*i).map_or((1, 1), |l| (l.no, l.indent + 1));
        return Err(ScriptError::at(no, col, ErrorKind::TooDeep));
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
        let stmt = statement(&mut c, lines, i, indent, depth)?;
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

fn statement(
    c: &mut Cursor,
    lines: &[Line],
    i: &mut usize,
    indent: usize,
    depth: usize,
) -> Result<Stmt, ScriptError> {
    let at = (c.line, c.col());
    if c.is_name("pass") {
        c.i += 1;
        c.end()?;
        return Ok(Stmt::Pass);
    }
    if c.is_name("return") {
        c.i += 1;
        let v = if c.peek().is_none() {
            Arg::Name("None".into(), c.col())
        } else {
            c.arg(depth)?
        };
        c.end()?;
        return Ok(Stmt::Return(v));
    }
    if c.is_name("await") {
        c.i += 1;
        let what = c.arg(depth)?;
        c.end()?;
        return Ok(Stmt::Await { target: None, what });
    }
    if c.is_name("async") && matches!(c.peek_at(1), Some(Tok::Name(n)) if n == "with") {
        c.i += 2;
        let (name, col) = c.dotted()?;
        if name == "asyncio.timeout" {
            let call = c.call_rest(name, col, depth)?;
            c.op(':')?;
            c.end()?;
            let secs = match <[Arg; 1]>::try_from(call.args) {
                Ok([a]) => a,
                Err(v) => {
                    return Err(ScriptError::at(
                        at.0,
                        col,
                        arity("asyncio.timeout", 1, v.len()),
                    ))
                }
            };
            let body = child_block(lines, i, indent, depth, at)?;
            return Ok(Stmt::TimeoutWith { secs, body });
        }
        c.op(':')?;
        c.end()?;
        let body = child_block(lines, i, indent, depth, at)?;
        return Ok(Stmt::With { sem: name, body });
    }
    // try: / async with asyncio.timeout(s): / … / except TimeoutError: / …
    if c.is_name("try") {
        c.i += 1;
        c.op(':')?;
        c.end()?;
        let inner = child_block(lines, i, indent, depth, at)?;
        let Ok([(_, _, Stmt::TimeoutWith { secs, body })]) = <[_; 1]>::try_from(inner) else {
            return Err(ScriptError::at(at.0, at.1, ErrorKind::TryShape));
        };
        let Some(next) = lines.get(*i).filter(|l| l.indent == indent) else {
            return Err(ScriptError::at(at.0, at.1, ErrorKind::TryShape));
        };
        let mut e = Cursor::new(next);
        e.keyword("except")?;
        let (name, ncol) = e.dotted()?;
        if name != "TimeoutError" && name != "asyncio.TimeoutError" {
            return Err(ScriptError::at(next.no, ncol, ErrorKind::TryShape));
        }
        e.op(':')?;
        e.end()?;
        *i += 1;
        let on_timeout = child_block(lines, i, indent, depth, (next.no, 1))?;
        return Ok(Stmt::Timeout {
            secs,
            body,
            on_timeout,
        });
    }
    if c.is_name("for") {
        c.i += 1;
        let (var, _) = c.name()?;
        c.keyword("in")?;
        let (from, to) = c.range(depth)?;
        c.op(':')?;
        c.end()?;
        let body = child_block(lines, i, indent, depth, at)?;
        return Ok(Stmt::For {
            var,
            from,
            to,
            body,
        });
    }
    // name = await … / name = asyncio.create_task(…)
    if matches!(c.peek(), Some(Tok::Name(_))) && c.peek_at(1) == Some(&Tok::Op('=')) {
        let (target, _) = c.name()?;
        c.op('=')?;
        if c.is_name("await") {
            c.i += 1;
            let what = c.arg(depth)?;
            c.end()?;
            return Ok(Stmt::Await {
                target: Some(target),
                what,
            });
        }
        let (name, col) = c.dotted()?;
        if name == "asyncio.create_task" || name == "asyncio.ensure_future" {
            c.op('(')?;
            let (f, fcol) = c.dotted()?;
            let call = c.call_rest(f, fcol, depth)?;
            c.op(')')?;
            c.end()?;
            return Ok(Stmt::CreateTask { target, call });
        }
        return Err(ScriptError::at(c.line, col, ErrorKind::UnknownStatement));
    }
    if matches!(c.peek(), Some(Tok::Name(_))) {
        let (name, col) = c.dotted()?;
        if c.is_op('(') {
            let call = c.call_rest(name, col, depth)?;
            c.end()?;
            return Ok(match call.name.as_str() {
                "print" => Stmt::Print(call.args),
                "time.sleep" => {
                    let got = call.args.len();
                    let mut args = call.args.into_iter();
                    match (args.next(), args.next()) {
                        (Some(a), None) => Stmt::Block(a),
                        _ => return Err(ScriptError::at(at.0, col, arity("time.sleep", 1, got))),
                    }
                }
                _ => Stmt::NoAwait(call),
            });
        }
    }
    Err(ScriptError::at(at.0, at.1, ErrorKind::UnknownStatement))
}

fn arity(name: &str, wanted: usize, got: usize) -> ErrorKind {
    ErrorKind::Arity {
        name: name.into(),
        wanted,
        got,
    }
}

fn module(lines: &[Line]) -> Result<Module, ScriptError> {
    let mut m = Module {
        funcs: BTreeMap::new(),
        sems: Vec::new(),
        run: None,
    };
    let mut i = 0;
    while let Some(l) = lines.get(i) {
        if l.indent != 0 {
            return Err(ScriptError::at(l.no, l.indent + 1, ErrorKind::Indent));
        }
        i += 1;
        let mut c = Cursor::new(l);
        if c.is_name("import") || c.is_name("from") {
            continue;
        }
        if c.is_name("async") && matches!(c.peek_at(1), Some(Tok::Name(n)) if n == "def") {
            c.i += 2;
            let (name, col) = c.name()?;
            c.op('(')?;
            let mut params = Vec::new();
            while !c.is_op(')') {
                params.push(c.name()?.0);
                if !c.is_op(')') {
                    c.op(',')?;
                }
            }
            c.op(')')?;
            c.op(':')?;
            c.end()?;
            let body = child_block(lines, &mut i, 0, 0, (l.no, col))?;
            if m.funcs.contains_key(&name) {
                return Err(ScriptError::at(l.no, col, ErrorKind::Duplicate(name)));
            }
            m.funcs.insert(
                name,
                Func {
                    params,
                    body,
                    line: l.no,
                },
            );
            continue;
        }
        if c.is_name("def") {
            c.i += 1;
            let (name, _) = c.name()?;
            return Err(ScriptError::at(l.no, 1, ErrorKind::NotAsync(name)));
        }
        if matches!(c.peek(), Some(Tok::Name(_))) && c.peek_at(1) == Some(&Tok::Op('=')) {
            let (name, col) = c.name()?;
            c.op('=')?;
            c.keyword("asyncio")?;
            c.op('.')?;
            c.keyword("Semaphore")?;
            c.op('(')?;
            let ncol = c.col();
            let n = match c.peek() {
                Some(Tok::Num(n)) => whole(n, 1, 1000),
                _ => None,
            }
            .ok_or_else(|| {
                ScriptError::at(
                    l.no,
                    ncol,
                    ErrorKind::BadNumber {
                        min: "1".into(),
                        max: "1000".into(),
                    },
                )
            })?;
            c.i += 1;
            c.op(')')?;
            c.end()?;
            if m.sems.iter().any(|(s, _)| *s == name) {
                return Err(ScriptError::at(l.no, col, ErrorKind::Duplicate(name)));
            }
            m.sems.push((name, n as u32));
            continue;
        }
        if c.is_name("asyncio") && matches!(c.peek_at(2), Some(Tok::Name(n)) if n == "run") {
            c.i += 3;
            c.op('(')?;
            let (name, col) = c.name()?;
            c.op('(')?;
            c.op(')')?;
            c.op(')')?;
            c.end()?;
            m.run = Some((name, l.no, col));
            continue;
        }
        let kind = if c.is_name("await") {
            ErrorKind::Outside("await")
        } else if c.is_name("print") {
            ErrorKind::Outside("print")
        } else {
            ErrorKind::UnknownStatement
        };
        return Err(ScriptError::at(l.no, 1, kind));
    }
    Ok(m)
}

fn whole(n: &str, min: u64, max: u64) -> Option<u64> {
    let v: u64 = n.replace('_', "").parse().ok()?;
    (min..=max).contains(&v).then_some(v)
}

// ---------- expansion: functions → task instances ----------

#[derive(Clone, Debug)]
enum Bound {
    Val(Value),
    Task(TaskId),
    /// A name given to an awaited result (`r = await …`); only the latest one can be printed
    /// or returned (`Scope::result`): it is the task's result register.
    Result,
}

struct Expand<'m> {
    m: &'m Module,
    tasks: Vec<TaskDef>,
    steps: usize,
}

struct Scope {
    vars: BTreeMap<String, Bound>,
    /// The name holding the latest awaited result, if any.
    result: Option<String>,
}

impl<'m> Expand<'m> {
    fn count(&mut self, n: usize, line: usize, col: usize) -> Result<(), ScriptError> {
        self.steps += n;
        if self.steps > MAX_STEPS {
            return Err(ScriptError::at(
                line,
                col,
                ErrorKind::TooMany {
                    what: "steps",
                    max: MAX_STEPS,
                },
            ));
        }
        Ok(())
    }

    fn value(&self, a: &Arg, scope: &Scope) -> Result<Value, ScriptError> {
        match a {
            Arg::Num(n, col) => number_value(n).ok_or_else(|| bad_num(0, *col)),
            Arg::Str(s, false, _) => Ok(Value::Str(s.clone())),
            Arg::Str(s, true, _) => Ok(Value::Str(self.fstring_lit(s, scope, 0, 0)?)),
            Arg::Neg(inner) => match self.value(inner, scope)? {
                Value::Int(i) => Ok(Value::Int(-i)),
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

    /// An f-string whose fields are all known values.
    fn fstring_lit(
        &self,
        s: &str,
        scope: &Scope,
        line: usize,
        col: usize,
    ) -> Result<String, ScriptError> {
        let mut out = String::new();
        for piece in fstring_pieces(s) {
            match piece {
                FPiece::Lit(t) => out.push_str(&t),
                FPiece::Field(n) => match scope.vars.get(&n) {
                    Some(Bound::Val(v)) => out.push_str(&py_str(v)),
                    _ => return Err(ScriptError::at(line, col, ErrorKind::UnknownName(n))),
                },
            }
        }
        Ok(out)
    }

    /// A print's text: literals, values, and the task's latest result.
    fn print_text(&self, args: &[Arg], scope: &Scope, line: usize) -> Result<Text, ScriptError> {
        let mut pieces: Vec<Piece> = Vec::new();
        let push_lit = |pieces: &mut Vec<Piece>, s: &str| match pieces.last_mut() {
            Some(Piece::Lit(t)) => t.push_str(s),
            _ => pieces.push(Piece::Lit(s.to_string())),
        };
        for (k, a) in args.iter().enumerate() {
            if k > 0 {
                push_lit(&mut pieces, " ");
            }
            match a {
                Arg::Name(n, col) if matches!(scope.vars.get(n), Some(Bound::Result)) => {
                    if scope.result.as_deref() != Some(n.as_str()) {
                        return Err(ScriptError::at(line, *col, ErrorKind::NotATask(n.clone())));
                    }
                    pieces.push(Piece::Result);
                }
                Arg::Str(s, true, col) => {
                    for piece in fstring_pieces(s) {
                        match piece {
                            FPiece::Lit(t) => push_lit(&mut pieces, &t),
                            FPiece::Field(n) => match scope.vars.get(&n) {
                                Some(Bound::Val(v)) => push_lit(&mut pieces, &py_str(v)),
                                Some(Bound::Result)
                                    if scope.result.as_deref() == Some(n.as_str()) =>
                                {
                                    pieces.push(Piece::Result)
                                }
                                _ => {
                                    return Err(ScriptError::at(
                                        line,
                                        *col,
                                        ErrorKind::UnknownName(n),
                                    ))
                                }
                            },
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

    /// A new task running `call`, child of `parent`; returns its id.
    fn instance(
        &mut self,
        call: &Call,
        scope: &Scope,
        parent: TaskId,
        depth: usize,
    ) -> Result<TaskId, ScriptError> {
        let (line, col) = (call.line, call.col);
        if depth > MAX_DEPTH {
            return Err(ScriptError::at(line, col, ErrorKind::TooDeep));
        }
        let Some(f) = self.m.funcs.get(&call.name) else {
            let kind = if call.name.contains('.') {
                ErrorKind::UnknownCall(call.name.clone())
            } else {
                ErrorKind::UnknownFunction(call.name.clone())
            };
            return Err(ScriptError::at(line, col, kind));
        };
        if f.params.len() != call.args.len() {
            return Err(ScriptError::at(
                line,
                col,
                arity(&call.name, f.params.len(), call.args.len()),
            ));
        }
        let mut vars = BTreeMap::new();
        let mut shown = Vec::new();
        for (p, a) in f.params.iter().zip(&call.args) {
            let v = self.value(a, scope).map_err(|e| relocate(e, line))?;
            shown.push(py_str(&v));
            vars.insert(p.clone(), Bound::Val(v));
        }
        if self.tasks.len() >= MAX_TASKS {
            return Err(ScriptError::at(
                line,
                col,
                ErrorKind::TooMany {
                    what: "tasks",
                    max: MAX_TASKS - 1,
                },
            ));
        }
        let id = self.tasks.len();
        // Named by the function and its first argument (`download a`): the code views then
        // recognise the tasks of one function as one `async def`.
        let name = match shown.first() {
            Some(first) => format!("{} {first}", call.name),
            None => call.name.clone(),
        };
        self.tasks
            .push(TaskDef::new(name, Some(parent), Vec::new()));
        let mut inner = Scope { vars, result: None };
        let body = self.function_body(&f.body, &mut inner, id, depth + 1)?;
        if let Some(t) = self.tasks.get_mut(id) {
            t.body = body;
        }
        Ok(id)
    }

    fn sem(&self, name: &str, line: usize, col: usize) -> Result<usize, ScriptError> {
        self.m
            .sems
            .iter()
            .position(|(n, _)| n == name)
            .ok_or_else(|| ScriptError::at(line, col, ErrorKind::NotASemaphore(name.to_string())))
    }

    fn seconds(&self, a: &Arg, scope: &Scope, line: usize, col: usize) -> Result<u64, ScriptError> {
        let v = match a {
            Arg::Num(n, _) => n.replace('_', "").parse::<f64>().ok(),
            Arg::Name(n, _) => match scope.vars.get(n) {
                Some(Bound::Val(Value::Int(i))) => Some(*i as f64),
                Some(Bound::Val(Value::Str(s))) => s.parse::<f64>().ok(),
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

    /// The tasks an `await`, `gather` argument or `create_task` names: a new instance for a
    /// call, the bound task for a name, one per index for a spread.
    fn targets(
        &mut self,
        a: &Arg,
        scope: &Scope,
        me: TaskId,
        depth: usize,
        line: usize,
    ) -> Result<Vec<TaskId>, ScriptError> {
        match a {
            Arg::Call(c) => Ok(vec![self.instance(c, scope, me, depth)?]),
            Arg::Name(n, col) => match scope.vars.get(n) {
                Some(Bound::Task(t)) => Ok(vec![*t]),
                _ => Err(ScriptError::at(line, *col, ErrorKind::NotATask(n.clone()))),
            },
            Arg::Spread { call, var, range } => {
                let (from, to) = self.bounds(&range.0, range.1.as_deref(), scope, line)?;
                let mut out = Vec::new();
                let mut inner = Scope {
                    vars: scope.vars.clone(),
                    result: scope.result.clone(),
                };
                for i in from..to {
                    inner.vars.insert(var.clone(), Bound::Val(Value::Int(i)));
                    out.push(self.instance(call, &inner, me, depth)?);
                }
                Ok(out)
            }
            other => {
                let col = match other {
                    Arg::Num(_, c) | Arg::Str(_, _, c) => *c,
                    _ => 1,
                };
                Err(ScriptError::at(
                    line,
                    col,
                    ErrorKind::Unexpected {
                        found: "a value".into(),
                        wanted: "a task or a call",
                    },
                ))
            }
        }
    }

    fn bounds(
        &self,
        a: &Arg,
        b: Option<&Arg>,
        scope: &Scope,
        line: usize,
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
        if to.saturating_sub(from) > MAX_TASKS as i64 {
            return Err(ScriptError::at(
                line,
                1,
                ErrorKind::TooMany {
                    what: "tasks",
                    max: MAX_TASKS - 1,
                },
            ));
        }
        Ok((from, to.max(from)))
    }

    /// A function's body: like Python, a function that ends without `return` returns `None`.
    fn function_body(
        &mut self,
        stmts: &Block,
        scope: &mut Scope,
        me: TaskId,
        depth: usize,
    ) -> Result<Vec<Step>, ScriptError> {
        let mut out = self.body(stmts, scope, me, depth, true)?;
        if !matches!(stmts.last(), Some((_, _, Stmt::Return(_)))) {
            out.push(Step::Return(Value::Null));
        }
        Ok(out)
    }

    fn body(
        &mut self,
        stmts: &Block,
        scope: &mut Scope,
        me: TaskId,
        depth: usize,
        top: bool,
    ) -> Result<Vec<Step>, ScriptError> {
        if depth > MAX_DEPTH {
            let (line, col) = stmts.first().map_or((1, 1), |s| (s.0, s.1));
            return Err(ScriptError::at(line, col, ErrorKind::TooDeep));
        }
        let mut out = Vec::new();
        for (line, col, st) in stmts {
            let (line, col) = (*line, *col);
            self.count(1, line, col)?;
            match st {
                Stmt::Pass => {}
                Stmt::Print(args) => out.push(Step::Print(self.print_text(args, scope, line)?)),
                Stmt::Block(a) => out.push(Step::Block(self.seconds(a, scope, line, col)?)),
                Stmt::NoAwait(call) => {
                    if call.name.starts_with("asyncio.") {
                        return Err(ScriptError::at(line, col, ErrorKind::UnknownStatement));
                    }
                    let t = self.instance(call, scope, me, depth)?;
                    out.push(Step::CallNoAwait(t));
                }
                Stmt::CreateTask { target, call } => {
                    let t = self.instance(call, scope, me, depth)?;
                    out.push(Step::Spawn(t));
                    scope.vars.insert(target.clone(), Bound::Task(t));
                }
                Stmt::Await { target, what } => {
                    match what {
                        Arg::Call(c) if c.name == "asyncio.sleep" => {
                            let a = match c.args.as_slice() {
                                [a] | [a, _] => a,
                                _ => {
                                    return Err(ScriptError::at(
                                        line,
                                        c.col,
                                        arity("asyncio.sleep", 1, c.args.len()),
                                    ))
                                }
                            };
                            out.push(Step::Sleep(self.seconds(a, scope, line, c.col)?));
                        }
                        Arg::Call(c) if c.name == "asyncio.gather" => {
                            let mut ids = Vec::new();
                            for a in &c.args {
                                ids.extend(self.targets(a, scope, me, depth, line)?);
                            }
                            self.count(ids.len(), line, col)?;
                            out.push(Step::Gather(ids));
                        }
                        other => {
                            let ids = self.targets(other, scope, me, depth, line)?;
                            for t in ids {
                                out.push(Step::Await(t));
                            }
                        }
                    }
                    if let Some(t) = target {
                        scope.vars.insert(t.clone(), Bound::Result);
                        scope.result = Some(t.clone());
                    }
                }
                Stmt::TimeoutWith { .. } => {
                    return Err(ScriptError::at(line, col, ErrorKind::TryShape));
                }
                Stmt::Timeout {
                    secs,
                    body,
                    on_timeout,
                } => {
                    let ms = self.seconds(secs, scope, line, col)?;
                    let body = self.body(body, scope, me, depth + 1, false)?;
                    let on_timeout = self.body(on_timeout, scope, me, depth + 1, false)?;
                    out.push(Step::Timeout {
                        ms,
                        body,
                        on_timeout,
                    });
                }
                Stmt::With { sem, body } => {
                    let s = self.sem(sem, line, col)?;
                    out.push(Step::Acquire(s));
                    out.extend(self.body(body, scope, me, depth + 1, false)?);
                    out.push(Step::Release(s));
                }
                Stmt::For {
                    var,
                    from,
                    to,
                    body,
                } => {
                    let (a, b) = self.bounds(from, to.as_ref(), scope, line)?;
                    for i in a..b {
                        scope.vars.insert(var.clone(), Bound::Val(Value::Int(i)));
                        out.extend(self.body(body, scope, me, depth + 1, false)?);
                    }
                }
                Stmt::Return(_) if !top => {
                    return Err(ScriptError::at(line, col, ErrorKind::NestedReturn));
                }
                Stmt::Return(a) => {
                    let v = match a {
                        Arg::Name(n, c) if matches!(scope.vars.get(n), Some(Bound::Result)) => {
                            if scope.result.as_deref() != Some(n.as_str()) {
                                return Err(ScriptError::at(
                                    line,
                                    *c,
                                    ErrorKind::NotATask(n.clone()),
                                ));
                            }
                            None
                        }
                        other => Some(self.value(other, scope).map_err(|e| relocate(e, line))?),
                    };
                    // Returning the latest result keeps it (the task's result register).
                    if let Some(v) = v {
                        out.push(Step::Return(v));
                    }
                    break;
                }
            }
        }
        Ok(out)
    }
}

fn relocate(mut e: ScriptError, line: usize) -> ScriptError {
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
    let clean = n.replace('_', "");
    if let Ok(i) = clean.parse::<i64>() {
        return (i.abs() <= 1_000_000_000).then_some(Value::Int(i));
    }
    // A decimal number in a value position keeps its text (it is printed, not computed with).
    clean
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(|_| Value::Str(clean))
}

/// How Python's `str()` shows a value in a print or an f-string.
fn py_str(v: &Value) -> String {
    v.format(super::scenario::CodeLang::Python)
}

enum FPiece {
    Lit(String),
    Field(String),
}

fn fstring_pieces(s: &str) -> Vec<FPiece> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let mut field = String::new();
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                    field.push(d);
                }
                if !lit.is_empty() {
                    out.push(FPiece::Lit(std::mem::take(&mut lit)));
                }
                out.push(FPiece::Field(field.trim().to_string()));
            }
            c => lit.push(c),
        }
    }
    if !lit.is_empty() {
        out.push(FPiece::Lit(lit));
    }
    out
}

/// Compiles a script to the program of `mode`: concurrent as written; sequential with every
/// task awaited where it is started (as the built-in scenarios derive theirs). The first error
/// stops the compile (a list, so that more can be reported later without changing callers).
pub fn compile(src: &str, mode: Mode) -> Result<Scenario, Vec<ScriptError>> {
    if src.len() > MAX_SCRIPT_BYTES {
        return Err(vec![ScriptError::at(
            1,
            1,
            ErrorKind::TooLong { bytes: src.len() },
        )]);
    }
    let lines = lex(src).map_err(|e| vec![e])?;
    let m = module(&lines).map_err(|e| vec![e])?;
    let Some((main, line, col)) = m.run.clone() else {
        let last = lines.last().map_or(1, |l| l.no);
        return Err(vec![ScriptError::at(last, 1, ErrorKind::NoRun)]);
    };
    let Some(f) = m.funcs.get(&main) else {
        return Err(vec![ScriptError::at(
            line,
            col,
            ErrorKind::UnknownFunction(main),
        )]);
    };
    if !f.params.is_empty() {
        return Err(vec![ScriptError::at(
            f.line,
            1,
            arity(&main, 0, f.params.len()),
        )]);
    }
    let mut x = Expand {
        m: &m,
        tasks: vec![TaskDef::new("main", None, Vec::new())],
        steps: 0,
    };
    let mut scope = Scope {
        vars: BTreeMap::new(),
        result: None,
    };
    let body = x
        .function_body(&f.body, &mut scope, 0, 1)
        .map_err(|e| vec![e])?;
    if let Some(t) = x.tasks.first_mut() {
        t.body = body;
    }
    let mut tasks = x.tasks;
    if mode == Mode::Sequential {
        for t in &mut tasks {
            t.body = super::catalog::sequentialize(&t.body, &mut Default::default());
        }
    }
    let s = Scenario {
        id: "custom".into(),
        mode,
        params: Params::new(),
        tasks,
        semaphores: m.sems.iter().map(|(_, n)| *n).collect(),
    };
    super::catalog::validate(&s).map_err(|e| {
        vec![ScriptError::at(
            line,
            col,
            ErrorKind::Invalid(e.to_string()),
        )]
    })?;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(src: &str) -> Scenario {
        compile(src, Mode::Concurrent).unwrap_or_else(|e| panic!("{:?}", e))
    }
    fn err(src: &str) -> ScriptError {
        compile(src, Mode::Concurrent)
            .expect_err("should fail")
            .remove(0)
    }

    #[test]
    fn base64url_round_trips_utf8() {
        for s in ["", "a", "ab", "abc", "print(\"café ñ ü\")\n", STARTER] {
            let e = encode_src(s);
            assert!(!e.contains('=') && !e.contains('+') && !e.contains('/'));
            assert_eq!(decode_src(&e).as_deref(), Some(s));
            assert!(s.is_empty() || super::super::params::is_base64url(&e));
        }
        assert_eq!(decode_src("!!!notbase64"), None);
        assert_eq!(decode_src("a"), None);
        assert_eq!(decode_src("_w"), None, "0xff is not UTF-8");
    }

    #[test]
    fn the_starter_compiles_and_gathers_in_argument_order() {
        let s = ok(STARTER);
        let names: Vec<&str> = s.tasks.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "main",
                "download page",
                "download a",
                "download b",
                "download c"
            ]
        );
        assert_eq!(s.semaphores, vec![2]);
        assert_eq!(
            s.tasks[0].body,
            vec![
                Step::Spawn(1),
                Step::Gather(vec![2, 3, 4]),
                Step::Print(Text(vec![Piece::Lit("got ".into()), Piece::Result])),
                Step::Await(1),
                // No `return`: main returns None, as in Python.
                Step::Return(Value::Null),
            ]
        );
        assert_eq!(
            s.tasks[2].body,
            vec![
                Step::Acquire(0),
                Step::Print(Text::lit("a: start")),
                Step::Sleep(1000),
                Step::Print(Text::lit("a: done")),
                Step::Release(0),
                Step::Return(Value::str("a")),
            ]
        );
        let seq = compile(STARTER, Mode::Sequential).unwrap();
        assert_eq!(seq.tasks[0].body[0], Step::Await(1));
    }

    #[test]
    fn loops_spreads_blocking_and_never_awaited() {
        let s = ok("import asyncio, time
async def job(i):
    await asyncio.sleep(0.25)
    return i

async def main():
    for k in range(2):
        time.sleep(0.1)
    r = await asyncio.gather(*(job(i) for i in range(1, 4)))
    print(f\"all {r}\")
    job(9)

asyncio.run(main())
");
        assert_eq!(s.tasks.len(), 5);
        assert_eq!(
            s.tasks[0].body,
            vec![
                Step::Block(100),
                Step::Block(100),
                Step::Gather(vec![1, 2, 3]),
                Step::Print(Text(vec![Piece::Lit("all ".into()), Piece::Result])),
                Step::CallNoAwait(4),
                Step::Return(Value::Null),
            ]
        );
        assert_eq!(
            s.tasks[1].body,
            vec![Step::Sleep(250), Step::Return(Value::Int(1))]
        );
    }

    #[test]
    fn timeouts_in_try_except() {
        let s = ok("import asyncio
async def slow():
    await asyncio.sleep(5)
async def main():
    try:
        async with asyncio.timeout(1.5):
            await slow()
            print(\"in time\")
    except TimeoutError:
        print(\"too slow\")
    print(\"after\")
asyncio.run(main())
");
        assert_eq!(
            s.tasks[0].body,
            vec![
                Step::Timeout {
                    ms: 1500,
                    body: vec![Step::Await(1), Step::Print(Text::lit("in time"))],
                    on_timeout: vec![Step::Print(Text::lit("too slow"))],
                },
                Step::Print(Text::lit("after")),
                Step::Return(Value::Null),
            ]
        );
        let bare = err("async def main():\n    async with asyncio.timeout(1):\n        pass\nasyncio.run(main())\n");
        assert_eq!((bare.line, bare.kind), (2, ErrorKind::TryShape));
        let other = err("async def main():\n    try:\n        async with asyncio.timeout(1):\n            pass\n    except ValueError:\n        pass\nasyncio.run(main())\n");
        assert_eq!((other.line, other.kind), (5, ErrorKind::TryShape));
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = err("async def main():\n    await asyncio.slep(1)\nasyncio.run(main())\n");
        assert_eq!((e.line, e.col), (2, 11));
        let e = err("async def main():\n    print(x)\nasyncio.run(main())\n");
        assert_eq!(
            (e.line, e.kind.clone()),
            (2, ErrorKind::UnknownName("x".into()))
        );
        let e = err("async def main():\n    print(\"hi)\nasyncio.run(main())\n");
        assert_eq!(
            (e.line, e.col, e.kind.clone()),
            (2, 11, ErrorKind::UnclosedString)
        );
        let e = err("async def main():\n    await asyncio.sleep(1)\n");
        assert_eq!(e.kind, ErrorKind::NoRun);
        let e = err("async def main():\n    await asyncio.sleep(100000)\nasyncio.run(main())\n");
        assert!(matches!(e.kind, ErrorKind::BadNumber { .. }));
        let e = err("async def main():\n\tawait asyncio.sleep(1)\nasyncio.run(main())\n");
        assert_eq!(e.kind, ErrorKind::Tab);
        let e = err("async def main():\n    await f(1)\nasyncio.run(main())\n");
        assert_eq!(e.kind, ErrorKind::UnknownFunction("f".into()));
        let e = err("def main():\n    pass\n");
        assert_eq!(e.kind, ErrorKind::NotAsync("main".into()));
        assert!(e
            .text(Lang::Fr)
            .starts_with("ligne 1, colonne 1\u{a0}: main doit"));
        assert!(err("s = asyncio.Semaphore(0)\n")
            .text(Lang::Es)
            .contains("de 1 a 1000"));
    }

    #[test]
    fn hostile_scripts_are_refused_not_fatal() {
        // 100,000 tasks.
        let e = err("async def j():\n    pass\nasync def main():\n    await asyncio.gather(*(j() for i in range(100000)))\nasyncio.run(main())\n");
        assert!(matches!(e.kind, ErrorKind::TooMany { .. }));
        // Unbounded recursion.
        let e = err("async def f():\n    await f()\nasync def main():\n    await f()\nasyncio.run(main())\n");
        assert_eq!(e.kind, ErrorKind::TooDeep);
        // Deep nesting.
        let mut deep = String::from("async def main():\n");
        for d in 1..40 {
            deep.push_str(&" ".repeat(4 * d));
            deep.push_str("for i in range(1):\n");
        }
        deep.push_str(&" ".repeat(160));
        deep.push_str("pass\nasyncio.run(main())\n");
        assert!(compile(&deep, Mode::Concurrent).is_err());
        // 1 MB.
        let big = "#".repeat(1 << 20);
        assert!(matches!(err(&big).kind, ErrorKind::TooLong { .. }));
        // Loops multiplying tasks.
        let e = err("async def j():\n    pass\nasync def main():\n    for a in range(200):\n        for b in range(200):\n            j()\nasyncio.run(main())\n");
        assert!(matches!(e.kind, ErrorKind::TooMany { .. }));
    }
}
