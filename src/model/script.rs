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
//!     print("a\tb", a, 0.5, f"{a:.2f} {i+1}", result)
//!                                            (strings as CPython decodes them, numbers,
//!                                             f-strings: name, name ± n, !r, format specs)
//!     print("got", await name(1))            (one await in a print; `return await …` too)
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
//! The rule: what it accepts prints exactly what CPython prints for the same text (tested by
//! running the fixtures and random literals with `python3`); anything else is refused at a line
//! and column with the real reason (the page then hands the program to CPython). Before it runs,
//! the program is planned: at most [`MAX_TOTAL_MS`] of scenario time and [`MAX_BLOCK_TOTAL_MS`]
//! of `time.sleep` in all, and no task may still be running when `main` returns (CPython's
//! `asyncio.run` would cancel it).
use std::collections::BTreeMap;

use super::params::Lang;
use super::scenario::{CodeLang, Params, Piece, Scenario, Step, TaskDef, TaskId, Text};
use super::trace::{EventKind, Mode};
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
/// Lines a program may print in all (loops unrolled).
pub const MAX_PRINTS: usize = 20_000;
/// Scenario time a whole program may take, in ms (planned before it runs).
pub const MAX_TOTAL_MS: u64 = 60_000;
/// `time.sleep` a whole program may do in all, in ms (it holds the page's thread).
pub const MAX_BLOCK_TOTAL_MS: u64 = 60_000;
/// Names of Python's built-ins that the editor relies on: a script may not rebind them.
const BUILTINS: [&str; 7] = ["print", "range", "asyncio", "time", "None", "True", "False"];

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
    TooDeep(Nesting),
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
    /// `"\d"`: an escape CPython does not know (it keeps the backslash and warns), an octal
    /// escape above `\377`, a `\x` without two hex digits, a lone surrogate.
    BadEscape(String),
    /// `\N{…}`: Unicode names are not in the editor (CPython takes such a program).
    NamedEscape,
    /// `b"…"`.
    Bytes,
    /// Triple-quoted strings.
    TripleQuoted,
    /// `f"{x"`: CPython's "f-string: expecting '}'".
    FStringUnclosed,
    /// `f"a}b"`: CPython's "f-string: single '}' is not allowed".
    FStringBrace,
    /// An f-string field beyond `name`, `name + n`, `!r`, `:spec` (or on an awaited result).
    FStringExpr(String),
    /// A format spec outside fill/align/sign/0/width/grouping/precision and `s d f F %`.
    FormatSpec(String),
    /// `async def print(…)`, a parameter or variable named like a built-in the editor uses.
    Shadow(String),
    /// A second `asyncio.run(…)`.
    RunTwice,
    /// `await` where only a value fits (`f(await g())`).
    AwaitHere,
    /// A task still running when `main` returns (CPython cancels it then).
    StillRunning(String),
    /// More than [`MAX_PRINTS`] printed lines.
    TooManyLines,
    /// The whole program would take more than [`MAX_TOTAL_MS`] of scenario time (`blocking`:
    /// of `time.sleep`, [`MAX_BLOCK_TOTAL_MS`]), planned before it runs.
    TooLongInAll {
        blocking: bool,
        ms: u64,
    },
}

/// What is nested past [`MAX_DEPTH`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// Indented blocks (`for`, `async with`, `try`) inside one another.
    Blocks,
    /// Calls and signs inside one expression (`f(g(h(…)))`).
    Calls,
    /// Functions awaiting functions (`main` → `a` → `b` …), recursion included.
    Awaits,
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
            ErrorKind::TooDeep(Nesting::Blocks) => l(
                &format!("more than {MAX_DEPTH} blocks inside one another (the editor’s limit)"),
                &format!("plus de {MAX_DEPTH} blocs imbriqués les uns dans les autres (limite de l’éditeur)"),
                &format!("más de {MAX_DEPTH} bloques anidados unos en otros (límite del editor)"),
            ),
            ErrorKind::TooDeep(Nesting::Calls) => l(
                &format!("more than {MAX_DEPTH} calls inside one another in this expression (the editor’s limit)"),
                &format!("plus de {MAX_DEPTH} appels imbriqués dans cette expression (limite de l’éditeur)"),
                &format!("más de {MAX_DEPTH} llamadas anidadas en esta expresión (límite del editor)"),
            ),
            ErrorKind::TooDeep(Nesting::Awaits) => l(
                &format!("more than {MAX_DEPTH} functions awaiting one another from main (the editor’s limit; recursion counts)"),
                &format!("plus de {MAX_DEPTH} fonctions qui s’attendent en chaîne depuis main (limite de l’éditeur\u{202f}; la récursion compte)"),
                &format!("más de {MAX_DEPTH} funciones que se esperan en cadena desde main (límite del editor; la recursión cuenta)"),
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
            ErrorKind::BadEscape(e) => l(
                &format!("the escape {e} is not one CPython accepts silently; the editor refuses it"),
                &format!("la séquence {e} n’est pas acceptée telle quelle par CPython\u{202f}; l’éditeur la refuse"),
                &format!("la secuencia {e} no la acepta CPython sin aviso; el editor la rechaza"),
            ),
            ErrorKind::NamedEscape => l(
                "\\N{…} (a character by its name) is beyond the editor: write the character or \\u…",
                "\\N{…} (un caractère par son nom) dépasse l’éditeur\u{a0}: écrivez le caractère ou \\u…",
                "\\N{…} (un carácter por su nombre) supera al editor: escribe el carácter o \\u…",
            ),
            ErrorKind::Bytes => l(
                "bytes (b\"…\") are beyond the editor",
                "les bytes (b\"…\") dépassent l’éditeur",
                "los bytes (b\"…\") superan al editor",
            ),
            ErrorKind::TripleQuoted => l(
                "triple-quoted strings are beyond the editor",
                "les chaînes entre triples guillemets dépassent l’éditeur",
                "las cadenas entre comillas triples superan al editor",
            ),
            ErrorKind::FStringUnclosed => l(
                "f-string: this { is never closed by }",
                "f-string\u{a0}: cette { n’est jamais fermée par }",
                "f-string: esta { nunca se cierra con }",
            ),
            ErrorKind::FStringBrace => l(
                "f-string: a single } is not allowed (write }} for the character)",
                "f-string\u{a0}: une } seule n’est pas permise (écrivez }} pour le caractère)",
                "f-string: no se permite una } sola (escribe }} para el carácter)",
            ),
            ErrorKind::FStringExpr(e) => l(
                &format!("the editor computes f-string fields of the form name, name + 1, name!r, name:spec, not {{{e}}}"),
                &format!("l’éditeur calcule les champs d’f-string de la forme nom, nom + 1, nom!r, nom:format, pas {{{e}}}"),
                &format!("el editor calcula los campos de f-string de la forma nombre, nombre + 1, nombre!r, nombre:formato, no {{{e}}}"),
            ),
            ErrorKind::FormatSpec(spec) => l(
                &format!("the format :{spec} is beyond the editor (it knows fill, align, sign, 0, width, “,”, precision and s d f F %)"),
                &format!("le format :{spec} dépasse l’éditeur (il connaît remplissage, alignement, signe, 0, largeur, «\u{a0},\u{a0}», précision et s d f F %)"),
                &format!("el formato :{spec} supera al editor (conoce relleno, alineación, signo, 0, ancho, «,», precisión y s d f F %)"),
            ),
            ErrorKind::Shadow(n) => l(
                &format!("{n} is a name Python already gives (a built-in the editor relies on): choose another name"),
                &format!("{n} est un nom que Python donne déjà (une fonction intégrée dont l’éditeur se sert)\u{a0}: choisissez-en un autre"),
                &format!("{n} es un nombre que Python ya da (una función integrada que usa el editor): elige otro"),
            ),
            ErrorKind::RunTwice => l(
                "a second asyncio.run: the editor runs one asyncio.run per program",
                "un second asyncio.run\u{a0}: l’éditeur exécute un seul asyncio.run par programme",
                "un segundo asyncio.run: el editor ejecuta un solo asyncio.run por programa",
            ),
            ErrorKind::AwaitHere => l(
                "await can stand here only as a whole argument of print, after = or after return",
                "await ne peut figurer ici que comme argument entier de print, après = ou après return",
                "await solo puede ir aquí como argumento entero de print, tras = o tras return",
            ),
            ErrorKind::StillRunning(task) => l(
                &format!("the task {task} started here is still running when main returns: CPython cancels it then, which the editor does not draw"),
                &format!("la tâche {task} lancée ici tourne encore quand main se termine\u{a0}: CPython l’annule alors, ce que l’éditeur ne dessine pas"),
                &format!("la tarea {task} lanzada aquí sigue en marcha cuando main termina: CPython la cancela entonces, y el editor no lo dibuja"),
            ),
            ErrorKind::TooManyLines => l(
                &format!("the program prints more than {MAX_PRINTS} lines (the editor’s limit)"),
                &format!("le programme affiche plus de {MAX_PRINTS} lignes (limite de l’éditeur)"),
                &format!("el programa imprime más de {MAX_PRINTS} líneas (límite del editor)"),
            ),
            ErrorKind::TooLongInAll { blocking: false, ms } => l(
                &format!("the program would run for {} s in all; the editor runs at most {} s per program", ms.div_ceil(1000), MAX_TOTAL_MS / 1000),
                &format!("le programme durerait {}\u{a0}s en tout\u{202f}; l’éditeur exécute au plus {}\u{a0}s par programme", ms.div_ceil(1000), MAX_TOTAL_MS / 1000),
                &format!("el programa duraría {} s en total; el editor ejecuta como máximo {} s por programa", ms.div_ceil(1000), MAX_TOTAL_MS / 1000),
            ),
            ErrorKind::TooLongInAll { blocking: true, ms } => l(
                &format!("time.sleep would block the page for {} s in all; the editor allows at most {} s of blocking per program", ms.div_ceil(1000), MAX_BLOCK_TOTAL_MS / 1000),
                &format!("time.sleep bloquerait la page {}\u{a0}s en tout\u{202f}; l’éditeur permet au plus {}\u{a0}s de blocage par programme", ms.div_ceil(1000), MAX_BLOCK_TOTAL_MS / 1000),
                &format!("time.sleep bloquearía la página {} s en total; el editor permite como máximo {} s de bloqueo por programa", ms.div_ceil(1000), MAX_BLOCK_TOTAL_MS / 1000),
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

/// A piece of an f-string: literal text (escapes decoded) or a `{field}`.
#[derive(Clone, Debug, PartialEq)]
enum FPart {
    Lit(String),
    Field(Field),
}

/// `{name}`, `{name + 1}`, `{name!r}`, `{name:>8.2f}`.
#[derive(Clone, Debug, PartialEq)]
struct Field {
    name: String,
    /// `{i+1}` / `{i - 1}` / `{i*2}`: an operator and a whole number.
    op: Option<(char, i64)>,
    /// `!r` / `!s`.
    conv: Option<char>,
    /// After `:` (empty when none).
    spec: String,
    col: usize,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Name(String),
    Num(String),
    Str(String),
    FStr(Vec<FPart>),
    Op(char),
}

impl Tok {
    fn show(&self) -> String {
        match self {
            Tok::Name(n) => n.clone(),
            Tok::Num(n) => n.clone(),
            Tok::Str(_) | Tok::FStr(_) => "a string".into(),
            Tok::Op(c) => format!("“{}”", visible(&c.to_string())),
        }
    }
}

/// `s` with every character a reader cannot see (controls, format characters such as a BOM or
/// a zero-width space, unusual spaces) written as `U+XXXX`.
pub fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_invisible(c) {
            out.push_str(&format!("U+{:04X}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    let u = c as u32;
    c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(
            u,
            0xad | 0x34f | 0x61c | 0x115f | 0x1160 | 0x17b4 | 0x17b5 | 0x180b..=0x180f
                | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x206f | 0x3164 | 0xfe00..=0xfe0f
                | 0xfeff | 0xffa0 | 0xfff0..=0xfffb | 0x1d173..=0x1d17a | 0xe0000..=0xe0fff
        )
        || (0xe000..=0xf8ff).contains(&u)
        || u >= 0xf0000
}

#[derive(Clone, Debug)]
struct Line {
    no: usize,
    indent: usize,
    toks: Vec<(Tok, usize)>,
}

/// Decodes the escapes of a string literal's body as CPython does (`raw`: an `r` prefix). Each
/// character comes with its column; what CPython only warns about or what the editor cannot
/// print is refused.
fn unescape(body: &[(char, usize)], raw: bool, line: usize) -> Result<String, ScriptError> {
    let mut out = String::new();
    let mut k = 0;
    let bad = |col: usize, kind: ErrorKind| Err(ScriptError::at(line, col, kind));
    while let Some(&(c, col)) = body.get(k) {
        k += 1;
        if c != '\\' || raw {
            out.push(c);
            continue;
        }
        let Some(&(e, _)) = body.get(k) else {
            return bad(col, ErrorKind::UnclosedString);
        };
        k += 1;
        let simple = match e {
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '"' => Some('"'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{b}'),
            _ => None,
        };
        if let Some(s) = simple {
            out.push(s);
            continue;
        }
        let digits = |k: &mut usize, n: usize, radix: u32| -> Option<u32> {
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
        };
        let code = match e {
            '0'..='7' => {
                k -= 1;
                let v = digits(&mut k, 3, 8);
                match v {
                    Some(v) if v <= 0o377 => v,
                    _ => return bad(col, ErrorKind::BadEscape(visible(&format!("\\{e}")))),
                }
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                match digits(&mut k, n, 16) {
                    Some(v) => v,
                    None => return bad(col, ErrorKind::BadEscape(format!("\\{e}"))),
                }
            }
            'N' => return bad(col, ErrorKind::NamedEscape),
            other => return bad(col, ErrorKind::BadEscape(visible(&format!("\\{other}")))),
        };
        match char::from_u32(code) {
            Some(ch) => out.push(ch),
            // A lone surrogate: CPython cannot print it (UnicodeEncodeError).
            None => return bad(col, ErrorKind::BadEscape(format!("\\{e}{code:x}"))),
        }
    }
    Ok(out)
}

/// An f-string's body split into literal text and fields, with CPython's errors for a `{`
/// never closed or a lone `}`.
fn fstring(body: &[(char, usize)], raw: bool, line: usize) -> Result<Vec<FPart>, ScriptError> {
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
    let expr = expr.trim();
    let ident = |s: &str| {
        let mut cs = s.chars();
        matches!(cs.next(), Some(c) if c.is_alphabetic() || c == '_')
            && cs.all(|c| c.is_alphanumeric() || c == '_')
    };
    let (name, op) = match expr.find(['+', '-', '*']) {
        Some(at) => {
            let (a, b) = expr.split_at(at);
            let mut b = b.chars();
            let o = b.next().unwrap_or('+');
            let n: String = b.collect();
            let n = n.trim();
            let num = (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                .then(|| n.parse::<i64>().ok())
                .flatten()
                .filter(|v| *v <= 1_000_000);
            match num {
                Some(v) => (a.trim(), Some((o, v))),
                None => return Err(unsupported()),
            }
        }
        None => (expr, None),
    };
    if !ident(name) {
        return Err(unsupported());
    }
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

fn lex(src: &str) -> Result<Vec<Line>, ScriptError> {
    let mut lines = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let no = i + 1;
        let rest = raw.trim_start_matches([' ', '\t', '\u{c}']);
        if rest.is_empty() || rest.starts_with('#') {
            // Blank and comment-only lines carry no indentation in Python (tabs included).
            continue;
        }
        let mut chars = raw.chars().enumerate().peekable();
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
        while let Some((at, c)) = chars.next() {
            let col = at + 1;
            match c {
                ' ' | '\t' | '\r' | '\u{c}' => {}
                '#' => break,
                '"' | '\'' => {
                    // A prefix is the name just lexed, touching the quote.
                    let prefix = match toks.last() {
                        Some((Tok::Name(n), c0)) if *c0 + n.chars().count() == col => {
                            Some((n.to_ascii_lowercase(), *c0))
                        }
                        _ => None,
                    };
                    let (raw_s, f, start) = match &prefix {
                        Some((p, c0)) => match p.as_str() {
                            "r" => (true, false, *c0),
                            "f" => (false, true, *c0),
                            "rf" | "fr" => (true, true, *c0),
                            "u" => (false, false, *c0),
                            "b" | "br" | "rb" => {
                                return Err(ScriptError::at(no, *c0, ErrorKind::Bytes))
                            }
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
                        },
                        None => (false, false, col),
                    };
                    if prefix.is_some() {
                        toks.pop();
                    }
                    let mut ahead = chars.clone();
                    if ahead.next().map(|x| x.1) == Some(c) && ahead.next().map(|x| x.1) == Some(c)
                    {
                        return Err(ScriptError::at(no, col, ErrorKind::TripleQuoted));
                    }
                    let mut body: Vec<(char, usize)> = Vec::new();
                    let mut closed = false;
                    while let Some((k, d)) = chars.next() {
                        if d == c {
                            closed = true;
                            break;
                        }
                        body.push((d, k + 1));
                        if d == '\\' {
                            match chars.next() {
                                Some((k2, e)) => body.push((e, k2 + 1)),
                                None => break,
                            }
                        }
                    }
                    if !closed {
                        return Err(ScriptError::at(no, col, ErrorKind::UnclosedString));
                    }
                    let tok = if f {
                        Tok::FStr(fstring(&body, raw_s, no)?)
                    } else {
                        Tok::Str(unescape(&body, raw_s, no)?)
                    };
                    toks.push((tok, start));
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
                            found: format!("“{}”", visible(&other.to_string())),
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
    Str(String, usize),
    FStr(Vec<FPart>, usize),
    Name(String, usize),
    Neg(Box<Arg>),
    /// `await <call or name>` as an argument (`print(await f())`).
    Await(Box<Arg>, usize),
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
            return Err(ScriptError::at(
                self.line,
                self.col(),
                ErrorKind::TooDeep(Nesting::Calls),
            ));
        }
        let col = self.col();
        match self.peek() {
            Some(Tok::Num(n)) => {
                self.i += 1;
                Ok(Arg::Num(n.clone(), col))
            }
            Some(Tok::Str(text)) => {
                self.i += 1;
                Ok(Arg::Str(text.clone(), col))
            }
            Some(Tok::FStr(parts)) => {
                self.i += 1;
                Ok(Arg::FStr(parts.clone(), col))
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
            Some(Tok::Name(n)) if n == "await" => {
                self.i += 1;
                Ok(Arg::Await(Box::new(self.arg(depth + 1)?), col))
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
            c.arg(0)?
        };
        c.end()?;
        return Ok(Stmt::Return(v));
    }
    if c.is_name("await") {
        c.i += 1;
        let what = c.arg(0)?;
        c.end()?;
        return Ok(Stmt::Await { target: None, what });
    }
    if c.is_name("async") && matches!(c.peek_at(1), Some(Tok::Name(n)) if n == "with") {
        c.i += 2;
        let (name, col) = c.dotted()?;
        if name == "asyncio.timeout" {
            let call = c.call_rest(name, col, 0)?;
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
        let (var, vcol) = c.name()?;
        own_name(&var, c.line, vcol)?;
        c.keyword("in")?;
        let (from, to) = c.range(0)?;
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
        let (target, tcol) = c.name()?;
        own_name(&target, c.line, tcol)?;
        c.op('=')?;
        if c.is_name("await") {
            c.i += 1;
            let what = c.arg(0)?;
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
            let call = c.call_rest(f, fcol, 0)?;
            c.op(')')?;
            c.end()?;
            return Ok(Stmt::CreateTask { target, call });
        }
        return Err(ScriptError::at(c.line, col, ErrorKind::UnknownStatement));
    }
    if matches!(c.peek(), Some(Tok::Name(_))) {
        let (name, col) = c.dotted()?;
        if c.is_op('(') {
            let call = c.call_rest(name, col, 0)?;
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

/// Refuses a binding of `name` when it is one of the built-ins the editor relies on.
fn own_name(name: &str, line: usize, col: usize) -> Result<(), ScriptError> {
    if BUILTINS.contains(&name) {
        return Err(ScriptError::at(
            line,
            col,
            ErrorKind::Shadow(name.to_string()),
        ));
    }
    Ok(())
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
            own_name(&name, l.no, col)?;
            c.op('(')?;
            let mut params = Vec::new();
            while !c.is_op(')') {
                let (p, pcol) = c.name()?;
                own_name(&p, l.no, pcol)?;
                params.push(p);
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
            own_name(&name, l.no, col)?;
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
            if m.run.is_some() {
                return Err(ScriptError::at(l.no, 1, ErrorKind::RunTwice));
            }
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
    /// Where each task was created (line, column of its call).
    origins: Vec<(usize, usize)>,
    steps: usize,
    /// Printed lines so far (loops unrolled).
    lines: usize,
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
    fn print_text(
        &self,
        args: &[Arg],
        scope: &Scope,
        line: usize,
        await_at: Option<usize>,
    ) -> Result<Text, ScriptError> {
        let mut pieces: Vec<Piece> = Vec::new();
        let push_lit = |pieces: &mut Vec<Piece>, s: &str| match pieces.last_mut() {
            Some(Piece::Lit(t)) => t.push_str(s),
            _ => pieces.push(Piece::Lit(s.to_string())),
        };
        let latest = |n: &str| scope.result.as_deref() == Some(n);
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
                    if !latest(n) || await_at.is_some() {
                        return Err(ScriptError::at(line, *col, ErrorKind::NotATask(n.clone())));
                    }
                    pieces.push(Piece::Result);
                }
                Arg::FStr(parts, col) => {
                    for p in parts {
                        match p {
                            FPart::Lit(t) => push_lit(&mut pieces, t),
                            FPart::Field(f) => match scope.vars.get(&f.name) {
                                Some(Bound::Val(v)) => push_lit(
                                    &mut pieces,
                                    &render_field(v, f).map_err(|e| relocate(e, line))?,
                                ),
                                // The result is only known when the program runs: shown as
                                // `str()` shows it, without an operator or a format.
                                Some(Bound::Result)
                                    if latest(&f.name)
                                        && await_at.is_none()
                                        && f.op.is_none()
                                        && f.conv.is_none()
                                        && f.spec.is_empty() =>
                                {
                                    pieces.push(Piece::Result)
                                }
                                Some(Bound::Result) if latest(&f.name) => {
                                    return Err(ScriptError::at(
                                        line,
                                        f.col,
                                        ErrorKind::FStringExpr(visible(&f.name)),
                                    ))
                                }
                                _ => {
                                    return Err(ScriptError::at(
                                        line,
                                        *col,
                                        ErrorKind::UnknownName(f.name.clone()),
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
            return Err(ScriptError::at(
                line,
                col,
                ErrorKind::TooDeep(Nesting::Awaits),
            ));
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
        self.origins.push((line, col));
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
                let (from, to) = self.bounds(
                    &range.0,
                    range.1.as_deref(),
                    scope,
                    line,
                    MAX_TASKS - 1,
                    "tasks",
                )?;
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
                    Arg::Num(_, c) | Arg::Str(_, c) | Arg::FStr(_, c) | Arg::Await(_, c) => *c,
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

    /// The steps of `await <what>`: a sleep, a gather, or each task it names in turn.
    fn await_steps(
        &mut self,
        what: &Arg,
        scope: &Scope,
        me: TaskId,
        depth: usize,
        line: usize,
        col: usize,
    ) -> Result<Vec<Step>, ScriptError> {
        Ok(match what {
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
                vec![Step::Sleep(self.seconds(a, scope, line, c.col)?)]
            }
            Arg::Call(c) if c.name == "asyncio.gather" => {
                let mut ids = Vec::new();
                for a in &c.args {
                    ids.extend(self.targets(a, scope, me, depth, line)?);
                }
                self.count(ids.len(), line, col)?;
                vec![Step::Gather(ids)]
            }
            other => self
                .targets(other, scope, me, depth, line)?
                .into_iter()
                .map(Step::Await)
                .collect(),
        })
    }

    fn body(
        &mut self,
        stmts: &Block,
        scope: &mut Scope,
        me: TaskId,
        depth: usize,
        top: bool,
    ) -> Result<Vec<Step>, ScriptError> {
        let mut out = Vec::new();
        for (line, col, st) in stmts {
            let (line, col) = (*line, *col);
            self.count(1, line, col)?;
            match st {
                Stmt::Pass => {}
                Stmt::Print(args) => {
                    let mut awaits = args.iter().enumerate().filter_map(|(k, a)| match a {
                        Arg::Await(what, c) => Some((k, what, *c)),
                        _ => None,
                    });
                    let first = awaits.next();
                    if let Some((_, _, c)) = awaits.next() {
                        return Err(ScriptError::at(line, c, ErrorKind::AwaitHere));
                    }
                    if let Some((_, what, _)) = first {
                        out.extend(self.await_steps(what, scope, me, depth, line, col)?);
                    }
                    let text = self.print_text(args, scope, line, first.map(|x| x.0))?;
                    self.lines += 1 + text
                        .0
                        .iter()
                        .map(|p| match p {
                            Piece::Lit(t) => t.matches('\n').count(),
                            Piece::Result => 0,
                        })
                        .sum::<usize>();
                    if self.lines > MAX_PRINTS {
                        return Err(ScriptError::at(line, col, ErrorKind::TooManyLines));
                    }
                    out.push(Step::Print(text));
                    if first.is_some() {
                        // The awaited value is the latest result no name can print again.
                        scope.result = None;
                    }
                }
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
                    out.extend(self.await_steps(what, scope, me, depth, line, col)?);
                    match target {
                        Some(t) if is_sleep(what) => {
                            scope.vars.insert(t.clone(), Bound::Val(Value::Null));
                        }
                        Some(t) => {
                            scope.vars.insert(t.clone(), Bound::Result);
                            scope.result = Some(t.clone());
                        }
                        None => {}
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
                    let body = self.body(body, scope, me, depth, false)?;
                    let on_timeout = self.body(on_timeout, scope, me, depth, false)?;
                    out.push(Step::Timeout {
                        ms,
                        body,
                        on_timeout,
                    });
                }
                Stmt::With { sem, body } => {
                    let s = self.sem(sem, line, col)?;
                    out.push(Step::Acquire(s));
                    out.extend(self.body(body, scope, me, depth, false)?);
                    out.push(Step::Release(s));
                }
                Stmt::For {
                    var,
                    from,
                    to,
                    body,
                } => {
                    let (a, b) = self.bounds(from, to.as_ref(), scope, line, MAX_STEPS, "steps")?;
                    for i in a..b {
                        scope.vars.insert(var.clone(), Bound::Val(Value::Int(i)));
                        out.extend(self.body(body, scope, me, depth, false)?);
                    }
                }
                Stmt::Return(_) if !top => {
                    return Err(ScriptError::at(line, col, ErrorKind::NestedReturn));
                }
                Stmt::Return(a) => {
                    let v = match a {
                        // `return await …`: the awaited result is the task's result (a sleep's
                        // is None).
                        Arg::Await(what, _) => {
                            out.extend(self.await_steps(what, scope, me, depth, line, col)?);
                            is_sleep(what).then_some(Value::Null)
                        }
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

fn is_sleep(what: &Arg) -> bool {
    matches!(what, Arg::Call(c) if c.name == "asyncio.sleep")
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

/// How Python's `str()` shows a value in a print or an f-string.
fn py_str(v: &Value) -> String {
    v.format(super::scenario::CodeLang::Python)
}

/// The text of an f-string field with a known value, as CPython's `format()` gives it.
fn render_field(v: &Value, f: &Field) -> Result<String, ScriptError> {
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
fn format_spec(v: &Value, spec: &str) -> Option<String> {
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
    let mut width = 0usize;
    while let Some(d) = cs.get(i).and_then(|c| c.to_digit(10)) {
        width = width.checked_mul(10)?.checked_add(d as usize)?;
        i += 1;
    }
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
        let mut p = 0usize;
        let mut any = false;
        while let Some(d) = cs.get(i).and_then(|c| c.to_digit(10)) {
            p = p.checked_mul(10)?.checked_add(d as usize)?;
            any = true;
            i += 1;
        }
        if !any || p > 50 {
            return None;
        }
        precision = Some(p);
    }
    let ty = cs.get(i).copied();
    if ty.is_some() {
        i += 1;
    }
    if i != cs.len() {
        return None;
    }
    if group.is_some() && fill == Some('0') && align == Some('=') {
        return None;
    }
    let fill = fill.unwrap_or(' ');
    // (sign, digits) for numbers; the whole text for strings.
    let (neg, body, numeric) = match (v, ty) {
        (Value::Str(s), None | Some('s')) => {
            if sign != '-' || group.is_some() || align == Some('=') {
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
        (Value::Int(_) | Value::Float(_), Some('f' | 'F' | '%')) => {
            let x = match v {
                Value::Int(n) => *n as f64,
                Value::Float(x) => *x,
                _ => return None,
            };
            let x = if ty == Some('%') { x * 100.0 } else { x };
            if !x.is_finite() {
                return None;
            }
            let p = precision.unwrap_or(6);
            let t = format!("{:.*}", p, x.abs());
            let (int, frac) = t
                .split_once('.')
                .map_or((t.as_str(), None), |(a, b)| (a, Some(b)));
            let mut body = grouped(int, group);
            if let Some(frac) = frac {
                body.push('.');
                body.push_str(frac);
            }
            if ty == Some('%') {
                body.push('%');
            }
            (x.is_sign_negative(), body, true)
        }
        (Value::Float(x), None) if precision.is_none() && x.is_finite() => {
            let t = super::value::py_float(x.abs());
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
    };
    let sign_text = match (numeric, neg, sign) {
        (true, true, _) => "-",
        (true, false, '+') => "+",
        (true, false, ' ') => " ",
        _ => "",
    };
    let len = sign_text.chars().count() + body.chars().count();
    let pad = width.saturating_sub(len);
    let pads = |n: usize| fill.to_string().repeat(n);
    let align = align.unwrap_or(if numeric { '>' } else { '<' });
    Some(match align {
        '<' => format!("{sign_text}{body}{}", pads(pad)),
        '^' => format!("{}{sign_text}{body}{}", pads(pad / 2), pads(pad - pad / 2)),
        '=' => format!("{sign_text}{}{body}", pads(pad)),
        _ => format!("{}{sign_text}{body}", pads(pad)),
    })
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

/// CPython's `asyncio.run` cancels what is still running when `main` returns; the model would
/// let it run on, so such a program is refused at the call that started the first such task.
fn still_running(
    tr: &super::trace::Trace,
    s: &Scenario,
    origins: &[(usize, usize)],
) -> Result<(), ScriptError> {
    let main_end = tr
        .events
        .iter()
        .position(|e| e.task == 0 && matches!(e.kind, EventKind::End { .. }));
    let Some(main_end) = main_end else {
        return Ok(());
    };
    let late = tr.events.get(main_end + 1..).unwrap_or(&[]);
    match late.iter().find(|e| e.task != 0) {
        Some(e) => {
            let (line, col) = origins.get(e.task).copied().unwrap_or((1, 1));
            let name = s.tasks.get(e.task).map_or("", |t| t.name.as_str());
            Err(ScriptError::at(
                line,
                col,
                ErrorKind::StillRunning(visible(name)),
            ))
        }
        None => Ok(()),
    }
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
    // CPython reads a leading UTF-8 byte order mark as nothing.
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
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
        origins: vec![(line, col)],
        steps: 0,
        lines: 0,
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
    let x_origins = x.origins;
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
    let invalid = |e: super::scenario::ScenarioError| {
        vec![ScriptError::at(
            line,
            col,
            ErrorKind::Invalid(e.to_string()),
        )]
    };
    super::catalog::validate(&s).map_err(invalid)?;
    // Planned before it runs: bounded in all, and nothing left running when main returns.
    for lang in [CodeLang::Python, CodeLang::Js] {
        let tr = super::plan::plan(&s, lang).map_err(invalid)?;
        let total = tr.total_ms.max(0.0) as u64;
        if total > MAX_TOTAL_MS {
            let kind = ErrorKind::TooLongInAll {
                blocking: false,
                ms: total,
            };
            return Err(vec![ScriptError::at(line, col, kind)]);
        }
        let blocked: u64 = tr
            .events
            .iter()
            .map(|e| match e.kind {
                EventKind::Block { ms } => ms,
                _ => 0,
            })
            .sum();
        if blocked > MAX_BLOCK_TOTAL_MS {
            let kind = ErrorKind::TooLongInAll {
                blocking: true,
                ms: blocked,
            };
            return Err(vec![ScriptError::at(line, col, kind)]);
        }
        if lang == CodeLang::Python {
            still_running(&tr, &s, &x_origins).map_err(|e| vec![e])?;
        }
    }
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
        assert_eq!(e.kind, ErrorKind::TooDeep(Nesting::Awaits));
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

    /// The lines the Python plan prints.
    fn printed(src: &str) -> Vec<String> {
        let s = ok(src);
        let tr = crate::model::plan::plan(&s, CodeLang::Python).unwrap();
        tr.prints().iter().map(|p| p.to_string()).collect()
    }

    fn main_of(body: &str) -> String {
        format!("import asyncio\nasync def main():\n{body}\nasyncio.run(main())\n")
    }

    #[test]
    fn a_tab_indented_comment_or_blank_line_is_nothing() {
        let p = printed("import asyncio\nasync def main():\n    print(1)\n\t# a note\n\t\n    print(2)\nasyncio.run(main())\n");
        assert_eq!(p, ["1", "2"]);
        // A statement indented with a tab is still refused, at the tab.
        let e = err("async def main():\n\tprint(1)\nasyncio.run(main())\n");
        assert_eq!((e.line, e.col, e.kind), (2, 1, ErrorKind::Tab));
    }

    #[test]
    fn string_escapes_as_cpython() {
        let p = printed(&main_of(
            r#"    print("a\tb", "\x41", "l1\nl2", r"\d\n", '\101', "\u00e9\U0001F600", 'it\'s', "\\")"#,
        ));
        assert_eq!(p, ["a\tb A l1\nl2 \\d\\n A é😀 it's \\"]);
        let p = printed(&main_of(r#"    print(f"{{\x41}}", rf"\t{{}}")"#));
        assert_eq!(p, ["{A} \\t{}"]);
        for (code, kind) in [
            (r#"    print("\d")"#, ErrorKind::BadEscape("\\d".into())),
            (r#"    print("\x4")"#, ErrorKind::BadEscape("\\x".into())),
            (r#"    print("\777")"#, ErrorKind::BadEscape("\\7".into())),
            (
                r#"    print("\ud800")"#,
                ErrorKind::BadEscape("\\ud800".into()),
            ),
            (r#"    print("\N{BULLET}")"#, ErrorKind::NamedEscape),
            (r#"    print(b"x")"#, ErrorKind::Bytes),
            (r#"    print("""x""")"#, ErrorKind::TripleQuoted),
        ] {
            let e = err(&main_of(code));
            assert_eq!((e.line, e.kind), (3, kind), "{code}");
            assert!(e.col >= 11, "{code}: col {}", e.col);
        }
    }

    #[test]
    fn a_float_prints_as_a_float_everywhere() {
        let src = "import asyncio\nasync def half():\n    return 0.5\nasync def one():\n    return 1\nasync def main():\n    r = await asyncio.gather(half(), one())\n    print(r)\n    x = await half()\n    print(x, f\"{x}\", -2.50, 1e0 if False else 3.0)\nasyncio.run(main())\n";
        // (`1e0 if …` is not in the subset.)
        assert!(compile(src, Mode::Concurrent).is_err());
        let src = src.replace(", 1e0 if False else 3.0", ", 3.0, 0.00001, 1_000.25");
        assert_eq!(
            printed(&src),
            ["[0.5, 1]", "0.5 0.5 -2.5 3.0 1e-05 1000.25"]
        );
        let s = ok(&src);
        let js = crate::model::plan::plan(&s, CodeLang::Js).unwrap();
        assert_eq!(js.prints()[0], "[ 0.5, 1 ]");
    }

    #[test]
    fn tasks_left_running_when_main_returns_are_refused_where_they_start() {
        let e = err("import asyncio\nasync def bg():\n    await asyncio.sleep(1)\n    print(\"late\")\nasync def main():\n    t = asyncio.create_task(bg())\n    await asyncio.sleep(0.1)\nasyncio.run(main())\n");
        assert_eq!((e.line, e.col), (6, 29));
        assert_eq!(e.kind, ErrorKind::StillRunning("bg".into()));
        assert!(e.text(Lang::En).contains("CPython cancels it"));
        // Created and never given a turn: CPython cancels it before it starts.
        let e = err(
            &main_of("    t = asyncio.create_task(asyncio_job())\n    print(1)").replace(
                "async def main",
                "async def asyncio_job():\n    print(\"ran\")\nasync def main",
            ),
        );
        assert!(matches!(e.kind, ErrorKind::StillRunning(_)), "{e:?}");
        // Awaited before main returns: fine.
        ok("import asyncio\nasync def bg():\n    await asyncio.sleep(1)\nasync def main():\n    t = asyncio.create_task(bg())\n    await t\nasyncio.run(main())\n");
    }

    #[test]
    fn print_and_return_of_an_await() {
        let src = "import asyncio\nasync def f(x):\n    await asyncio.sleep(0.1)\n    return x\nasync def g():\n    return await f(7)\nasync def main():\n    print(\"got\", await f(\"a\"), \"!\")\n    print(await g())\n    print(await asyncio.sleep(0))\nasyncio.run(main())\n";
        assert_eq!(printed(src), ["got a !", "7", "None"]);
        let e = err(&main_of("    print(await f(), await f())")
            .replace("async def main", "async def f():\n    pass\nasync def main"));
        assert_eq!(e.kind, ErrorKind::AwaitHere);
    }

    #[test]
    fn f_string_fields_and_formats_as_cpython() {
        let src = main_of(
            "    x = 0.5\n    for i in range(2):\n        print(f\"{i+1}/{i * 3}: {x:.2f} [{x:>8}] [{'ab':^6}] {i!r} {1234567:,} {7:+04d} {0.25:.1%}\")",
        );
        // `x = 0.5` is not a statement of the subset: a parameter carries it.
        assert!(compile(&src, Mode::Concurrent).is_err());
        let src = "import asyncio\nasync def show(x, s):\n    for i in range(2):\n        print(f\"{i+1}/{i * 3}: {x:.2f} [{x:>8}] [{s:^6}] {s!r} {x:08.3f} {i:+04d} {x:.1%} {i - 1}\")\nasync def main():\n    await show(0.5, \"ab\")\nasyncio.run(main())\n";
        assert_eq!(
            printed(src),
            [
                "1/0: 0.50 [     0.5] [  ab  ] 'ab' 0000.500 +000 50.0% -1",
                "2/3: 0.50 [     0.5] [  ab  ] 'ab' 0000.500 +001 50.0% 0"
            ]
        );
        // Refused cleanly, at the field.
        for (field, kind) in [
            ("{x", ErrorKind::FStringUnclosed),
            ("}b", ErrorKind::FStringBrace),
            ("{x:e}", ErrorKind::FormatSpec("e".into())),
            ("{x.y}", ErrorKind::FStringExpr("x.y".into())),
            ("{x=}", ErrorKind::FStringExpr("x=".into())),
        ] {
            let src =
                format!("async def main():\n    print(f\"..{field}\")\nasyncio.run(main())\n");
            let e = compile(
                &src.replace("main():", "main():\n    pass"),
                Mode::Concurrent,
            )
            .expect_err(field)
            .remove(0);
            assert_eq!(e.kind, kind, "{field}");
            assert_eq!((e.line, e.col), (3, 15), "{field}");
        }
    }

    #[test]
    fn one_asyncio_run_and_no_shadowed_builtins() {
        let e = err("import asyncio\nasync def main():\n    print(1)\nasyncio.run(main())\nasyncio.run(main())\n");
        assert_eq!((e.line, e.col, e.kind), (5, 1, ErrorKind::RunTwice));
        let e = err("import asyncio\nasync def print(x):\n    pass\nasync def main():\n    print(1)\nasyncio.run(main())\n");
        assert_eq!((e.line, e.col), (2, 11));
        assert_eq!(e.kind, ErrorKind::Shadow("print".into()));
        let e = err(
            "async def f(range):\n    pass\nasync def main():\n    pass\nasyncio.run(main())\n",
        );
        assert_eq!(e.kind, ErrorKind::Shadow("range".into()));
    }

    #[test]
    fn limits_name_what_they_limit() {
        // 20,000 printed lines and no task: accepted (the old build said "more than 10000 tasks").
        let s = ok(&main_of("    for i in range(20000):\n        print(i)"));
        assert_eq!(s.tasks.len(), 1);
        let e = err(&main_of("    for i in range(20001):\n        print(i)"));
        assert_eq!((e.line, e.kind.clone()), (4, ErrorKind::TooManyLines));
        assert!(e.text(Lang::En).contains("more than 20000 lines"));
        // Blocks nested too deep: said so, at the first statement past the limit.
        let mut deep = String::from("async def main():\n");
        for d in 1..=MAX_DEPTH + 1 {
            deep.push_str(&format!("{}for i{d} in range(1):\n", " ".repeat(4 * d)));
        }
        deep.push_str(&format!(
            "{}pass\nasyncio.run(main())\n",
            " ".repeat(4 * (MAX_DEPTH + 2))
        ));
        let e = err(&deep);
        assert_eq!(e.kind, ErrorKind::TooDeep(Nesting::Blocks));
        assert_eq!((e.line, e.col), (MAX_DEPTH + 2, 4 * (MAX_DEPTH + 1) + 1));
        assert!(e.text(Lang::En).contains("blocks inside one another"));
        // Eleven blocks deep, a call with a signed argument inside is no nesting problem.
        let mut ok_deep =
            String::from("import asyncio\nasync def f(x):\n    pass\nasync def main():\n");
        for d in 1..MAX_DEPTH {
            ok_deep.push_str(&format!("{}for i{d} in range(1):\n", " ".repeat(4 * d)));
        }
        ok_deep.push_str(&format!(
            "{}await f(-1)\nasyncio.run(main())\n",
            " ".repeat(4 * MAX_DEPTH)
        ));
        ok(&ok_deep);
        // Unbounded recursion: the awaits chain.
        let e = err("async def f():\n    await f()\nasync def main():\n    await f()\nasyncio.run(main())\n");
        assert!(e.text(Lang::Fr).contains("fonctions qui s’attendent"));
    }

    #[test]
    fn whole_program_time_is_bounded_before_it_runs() {
        let e = err(
            &main_of("    for i in range(10000):\n        time.sleep(60)")
                .replace("import asyncio", "import asyncio, time"),
        );
        assert_eq!(
            e.kind,
            ErrorKind::TooLongInAll {
                blocking: false,
                ms: 600_000_000
            }
        );
        let e = err(&main_of("    for i in range(2):\n        time.sleep(31)")
            .replace("import asyncio", "import asyncio, time"));
        assert_eq!(e.line, 5, "at asyncio.run");
        assert!(matches!(e.kind, ErrorKind::TooLongInAll { .. }), "{e:?}");
        let e = err(&main_of(
            "    for i in range(3):\n        await asyncio.sleep(25)",
        ));
        assert_eq!(
            e.kind,
            ErrorKind::TooLongInAll {
                blocking: false,
                ms: 75_000
            }
        );
        assert!(e.text(Lang::Es).contains("como máximo 60 s por programa"));
        // Blocking in all, beyond the time the program lasts for main: counted separately.
        let e = err("import asyncio, time\nasync def b():\n    time.sleep(40)\nasync def main():\n    await asyncio.gather(b(), b())\nasyncio.run(main())\n");
        assert!(matches!(e.kind, ErrorKind::TooLongInAll { .. }), "{e:?}");
        ok(&main_of(
            "    for i in range(2):\n        await asyncio.sleep(30)",
        ));
    }

    #[test]
    fn a_bom_is_nothing_and_no_message_hides_a_character() {
        let p = printed(&format!("\u{feff}{}", main_of("    print(1)")));
        assert_eq!(p, ["1"]);
        for bad in ["\u{200b}", "\u{feff}", "\u{1}", "\u{202e}", "\u{a0}"] {
            let e = err(&main_of(&format!("    print(1){bad}")));
            for lang in Lang::ALL {
                let t = e.kind.text(lang);
                assert!(!t.contains(bad), "{t:?}");
                assert!(
                    t.contains(&format!("U+{:04X}", bad.chars().next().unwrap() as u32)),
                    "{t}"
                );
            }
        }
    }
}
