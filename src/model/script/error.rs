//! What can be wrong with a script: a kind and a 1-based line and column. The kinds are data;
//! `text` words them for the page.
use super::limits::{MAX_BLOCK_TOTAL_MS, MAX_DEPTH, MAX_PRINTS, MAX_SCRIPT_BYTES, MAX_TOTAL_MS};
use crate::model::params::Lang;

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
    pub(crate) fn at(line: usize, col: usize, kind: ErrorKind) -> Self {
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
    /// `name` called with `got` arguments where it takes `wanted`.
    pub(crate) fn arity(name: &str, wanted: usize, got: usize) -> Self {
        ErrorKind::Arity {
            name: name.into(),
            wanted,
            got,
        }
    }

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
