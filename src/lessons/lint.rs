//! The lesson pipeline's checks: text hygiene, front matter, Markdown subset, the set of lessons.
//!
//! This file is NOT a module of the crate. `build.rs` includes it (`#[path]`) to compile the
//! lessons, and the native tests include it the same way to feed it bad fixtures without breaking
//! the build. Keeping it out of the crate keeps `pulldown-cmark` and `toml` out of the wasm.
//! It therefore uses nothing from `crate::`.
//!
//! A lesson is `lessons/<lang>/<id>.md`: TOML front matter between `+++` lines (`id` = file
//! name; `scenario = "<id>"` or `glossary = true`; `title`; `order`; `see_also`;
//! `expect_total_ms = { concurrent = …, sequential = … }` for every total the text states, bold
//! figures included; 1–3 `[[questions]]` on scenario lessons with `id`, `kind` (`first_end`,
//! `total`, `nth_print` + `n`, `order`), `mode`, `prompt`, `explain` and 2–5
//! `[[questions.options]]` of `label` and `value`), then a Markdown body: paragraphs, lists,
//! `> [!TIP]` and `> [!WARNING]`, `code`, **strong**, *em*, `[text](lesson:<id>)`. Nothing
//! else (no HTML, images, headings, other links). Translations mirror English question ids,
//! kinds, modes and option values.
#![allow(dead_code)] // each includer uses a different part

use pulldown_cmark::{BlockQuoteKind, Event, LinkType, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use std::fmt;
use std::fmt::Write as _;
use std::path::Path;
use toml::Spanned;

pub const LANGS: [&str; 3] = ["en", "fr", "es"];

/// Scenario lessons: one per catalog id (the list `crate::model::catalog::IDS` reads too).
pub const SCENARIO_IDS: [&str; 16] = include!("../model/scenario_ids.in");

/// Glossary entries (PRODUCT.md F8).
pub const GLOSSARY_IDS: [&str; 11] = [
    "asynchronous",
    "synchronous",
    "promise",
    "coroutine",
    "event-loop",
    "task",
    "concurrency-parallelism",
    "blocking",
    "timeout-cancellation",
    "semaphore",
    "microtask-macrotask",
];

/// A lesson body longer than this is not "under a minute" any more, even in French or Spanish.
pub const MAX_WORDS: usize = 260;
pub const MIN_WORDS: usize = 40;
pub const MAX_QUESTIONS: usize = 3;
pub const MAX_OPTIONS: usize = 5;

pub fn is_known_id(id: &str) -> bool {
    SCENARIO_IDS.contains(&id) || GLOSSARY_IDS.contains(&id)
}

/// A refusal, always naming the file and the 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LessonError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for LessonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.reason)
    }
}

impl std::error::Error for LessonError {}

fn err(file: &str, line: usize, reason: impl Into<String>) -> LessonError {
    LessonError {
        file: file.to_string(),
        line,
        reason: reason.into(),
    }
}

// ---------------------------------------------------------------- parsed lesson (owned)

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Strong(String),
    Em(String),
    Link { to: String, text: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Para(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    Watch(Vec<Inline>),
    Mistake(Vec<Inline>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    FirstEnd,
    Total,
    NthPrint,
    Order,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QMode {
    Concurrent,
    Sequential,
}

impl QMode {
    pub fn as_str(self) -> &'static str {
        match self {
            QMode::Concurrent => "concurrent",
            QMode::Sequential => "sequential",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub concurrent: Option<u32>,
    pub sequential: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QOption {
    pub label: String,
    pub value: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub kind: Kind,
    /// `nth_print` only: the 1-based index of the printed line.
    pub n: Option<u32>,
    pub mode: QMode,
    pub prompt: String,
    pub explain: String,
    pub options: Vec<QOption>,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lesson {
    pub file: String,
    pub lang: String,
    pub id: String,
    pub scenario: Option<String>,
    pub title: String,
    pub order: u32,
    pub order_line: usize,
    pub see_also: Vec<String>,
    pub expect: Expect,
    pub questions: Vec<Question>,
    pub blocks: Vec<Block>,
    pub words: usize,
}

// ---------------------------------------------------------------- text hygiene

/// What a UTF-8 byte in U+0080..U+00BF looks like once misread as Windows-1252: the second
/// character of every mojibake pair.
fn is_cp1252_continuation(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{BF}') || "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".contains(c)
}

/// First characters of mojibake pairs: UTF-8 lead bytes misread as Windows-1252 (`Ã©` for é,
/// `â€™` for ’, `ðŸ` for emoji, `Å“` for œ, `Â` before a no-break space). Letters like `é` are
/// lead bytes too but are left out: `é»` or `é…` occur in clean French.
const MOJIBAKE_LEADS: &str = "ÂÃÄÅÆËâïð";

/// UTF-8, no mojibake, no U+FFFD, no control characters except line ends (`\n`, `\r\n`), no
/// bidirectional overrides or byte-order marks (they hide what a line really says).
pub fn check_text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, LessonError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            return Err(err(
                file,
                line,
                "invalid UTF-8 (the file must be saved as UTF-8)",
            ));
        }
    };
    for (i, line) in text.split('\n').enumerate() {
        let n = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut prev: Option<char> = None;
        for c in line.chars() {
            if c == '\u{FFFD}' {
                return Err(err(
                    file,
                    n,
                    "replacement character U+FFFD (text was decoded badly)",
                ));
            }
            if c.is_control() {
                return Err(err(
                    file,
                    n,
                    format!(
                        "control character U+{:04X} (only line breaks are allowed)",
                        c as u32
                    ),
                ));
            }
            if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}') {
                return Err(err(
                    file,
                    n,
                    format!("invisible formatting character U+{:04X}", c as u32),
                ));
            }
            if let Some(p) = prev {
                // `Ã ` is à (C3 A0) after its no-break space was turned into a space.
                if MOJIBAKE_LEADS.contains(p) && is_cp1252_continuation(c) || (p == 'Ã' && c == ' ')
                {
                    return Err(err(
                        file,
                        n,
                        format!("mojibake {p}{c} (UTF-8 read as Windows-1252): re-save the text as UTF-8"),
                    ));
                }
            }
            prev = Some(c);
        }
    }
    Ok(text)
}

// ---------------------------------------------------------------- front matter

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontSrc {
    id: Spanned<String>,
    scenario: Option<Spanned<String>>,
    glossary: Option<Spanned<bool>>,
    title: Spanned<String>,
    order: Spanned<u32>,
    #[serde(default)]
    see_also: Vec<Spanned<String>>,
    expect_total_ms: Option<Expect>,
    #[serde(default)]
    questions: Vec<QuestionSrc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionSrc {
    id: Spanned<String>,
    kind: Kind,
    mode: QMode,
    n: Option<Spanned<u32>>,
    prompt: Spanned<String>,
    explain: Spanned<String>,
    #[serde(default)]
    options: Vec<OptionSrc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionSrc {
    label: Spanned<String>,
    value: Spanned<String>,
}

/// Maps byte offsets of the whole file to 1-based lines.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { starts }
    }
    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset)
    }
}

/// Parses and checks one lesson file. `lang` is its folder, `stem` its file name without `.md`.
pub fn parse_lesson(
    file: &str,
    lang: &str,
    stem: &str,
    bytes: &[u8],
) -> Result<Lesson, LessonError> {
    let text = check_text(file, bytes)?;
    let lines = Lines::new(text);

    // Front matter: `+++` on line 1, up to the next line that is exactly `+++`.
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "+++" {
        return Err(err(
            file,
            1,
            "missing front matter: the file must start with a `+++` line",
        ));
    }
    let mut close = None;
    let mut pos = first_end;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..end].trim_end() == "+++" {
            close = Some((pos, end));
            break;
        }
        pos = end;
    }
    let Some((close_start, body_start)) = close else {
        return Err(err(file, 1, "front matter is not closed by a `+++` line"));
    };
    let fm = &text[first_end..close_start];
    let at = |span: std::ops::Range<usize>| lines.line(first_end + span.start);

    let front: FrontSrc = toml::from_str(fm).map_err(|e| {
        let line = e.span().map_or(1, &at);
        err(file, line, format!("front matter: {}", e.message().trim()))
    })?;

    let id = front.id.get_ref().clone();
    if id != stem {
        return Err(err(
            file,
            at(front.id.span()),
            format!("id {id:?} differs from the file name {stem:?}"),
        ));
    }
    if !is_known_id(&id) {
        return Err(err(
            file,
            at(front.id.span()),
            format!("id {id:?} is neither a scenario id nor a glossary entry"),
        ));
    }
    let scenario = match (&front.scenario, &front.glossary) {
        (Some(s), None) => {
            if s.get_ref() != &id {
                return Err(err(
                    file,
                    at(s.span()),
                    format!("scenario {:?} must equal the lesson id {id:?}", s.get_ref()),
                ));
            }
            if !SCENARIO_IDS.contains(&s.get_ref().as_str()) {
                return Err(err(
                    file,
                    at(s.span()),
                    format!("unknown scenario {:?}", s.get_ref()),
                ));
            }
            Some(s.get_ref().clone())
        }
        (None, Some(g)) => {
            if !*g.get_ref() {
                return Err(err(
                    file,
                    at(g.span()),
                    "`glossary` must be true (or give `scenario` instead)",
                ));
            }
            if !GLOSSARY_IDS.contains(&id.as_str()) {
                return Err(err(
                    file,
                    at(g.span()),
                    format!("{id:?} is not a glossary entry"),
                ));
            }
            None
        }
        (Some(s), Some(_)) => {
            return Err(err(
                file,
                at(s.span()),
                "give either `scenario` or `glossary = true`, not both",
            ))
        }
        (None, None) => {
            return Err(err(
                file,
                at(front.id.span()),
                "missing field `scenario` (or `glossary = true`)",
            ))
        }
    };
    let title = front.title.get_ref().trim().to_string();
    if title.is_empty() || title.chars().count() > 80 {
        return Err(err(
            file,
            at(front.title.span()),
            "title must have 1 to 80 characters",
        ));
    }

    let mut see_also = Vec::new();
    for s in &front.see_also {
        let to = s.get_ref();
        if !is_known_id(to) {
            return Err(err(
                file,
                at(s.span()),
                format!("see_also: unknown lesson id {to:?}"),
            ));
        }
        if to == &id || see_also.contains(to) {
            return Err(err(
                file,
                at(s.span()),
                format!("see_also: {to:?} is the lesson itself or listed twice"),
            ));
        }
        see_also.push(to.clone());
    }

    let mut questions: Vec<Question> = Vec::new();
    for q in &front.questions {
        let line = at(q.id.span());
        let qid = q.id.get_ref().trim().to_string();
        if qid.is_empty() || questions.iter().any(|o| o.id == qid) {
            return Err(err(
                file,
                line,
                format!("question id {qid:?} is empty or used twice"),
            ));
        }
        if q.prompt.get_ref().trim().is_empty() || q.explain.get_ref().trim().is_empty() {
            return Err(err(
                file,
                line,
                "question needs a `prompt` and an `explain`",
            ));
        }
        let n = match (q.kind, &q.n) {
            (Kind::NthPrint, Some(n)) if *n.get_ref() >= 1 => Some(*n.get_ref()),
            (Kind::NthPrint, Some(n)) => return Err(err(file, at(n.span()), "`n` counts from 1")),
            (Kind::NthPrint, None) => {
                return Err(err(file, line, "kind nth_print needs `n` (1-based)"))
            }
            (_, Some(n)) => return Err(err(file, at(n.span()), "`n` is only for kind nth_print")),
            (_, None) => None,
        };
        if q.options.len() < 2 || q.options.len() > MAX_OPTIONS {
            return Err(err(
                file,
                line,
                format!("a question needs 2 to {MAX_OPTIONS} options"),
            ));
        }
        let mut options: Vec<QOption> = Vec::new();
        for o in &q.options {
            let oline = at(o.value.span());
            let label = o.label.get_ref().trim().to_string();
            let value = o.value.get_ref().trim().to_string();
            if label.is_empty() || options.iter().any(|p| p.label == label) {
                return Err(err(
                    file,
                    at(o.label.span()),
                    format!("option label {label:?} is empty or used twice"),
                ));
            }
            if options.iter().any(|p| p.value == value) {
                return Err(err(
                    file,
                    oline,
                    format!("option value {value:?} is used twice"),
                ));
            }
            if let Some(why) = bad_value(q.kind, &value) {
                return Err(err(file, oline, format!("option value {value:?}: {why}")));
            }
            options.push(QOption { label, value });
        }
        questions.push(Question {
            id: qid,
            kind: q.kind,
            n,
            mode: q.mode,
            prompt: q.prompt.get_ref().trim().to_string(),
            explain: q.explain.get_ref().trim().to_string(),
            options,
            line,
        });
    }
    match scenario {
        // No question at all is checked with the whole set (`check_set`): translations grow.
        Some(_) if questions.len() > MAX_QUESTIONS => {
            return Err(err(
                file,
                at(front.id.span()),
                format!("a scenario lesson has at most {MAX_QUESTIONS} questions"),
            ));
        }
        None if !questions.is_empty() => {
            return Err(err(
                file,
                questions[0].line,
                "a glossary entry has no scenario to grade questions against",
            ));
        }
        _ => {}
    }

    let body_line = lines.line(body_start);
    let blocks = parse_body(file, &text[body_start..], |off| {
        lines.line(body_start + off)
    })?;
    let words: usize = blocks.iter().map(block_words).sum();
    if blocks.is_empty() {
        return Err(err(file, body_line, "empty lesson body"));
    }
    if !matches!(blocks[0], Block::Para(_)) {
        return Err(err(
            file,
            body_line,
            "the body must open with a paragraph (the one-sentence definition)",
        ));
    }
    if !(MIN_WORDS..=MAX_WORDS).contains(&words) {
        return Err(err(
            file,
            body_line,
            format!("body has {words} words; keep it between {MIN_WORDS} and {MAX_WORDS}"),
        ));
    }
    let expect = front.expect_total_ms.unwrap_or_default();
    for bold in strong_texts(&blocks) {
        if let Some(ms) = figure_ms(bold) {
            if expect.concurrent != Some(ms) && expect.sequential != Some(ms) {
                // Blocks carry no offsets: find the figure's line by its text.
                let line = text[body_start..]
                    .find(bold)
                    .map_or(body_line, |i| lines.line(body_start + i));
                return Err(err(
                    file,
                    line,
                    format!("**{bold}** states {ms} ms, which expect_total_ms does not claim"),
                ));
            }
        }
    }
    if scenario.is_some() && !blocks.iter().any(|b| matches!(b, Block::Watch(_))) {
        return Err(err(
            file,
            body_line,
            "a scenario lesson needs a `> [!TIP]` saying what to watch on the timeline",
        ));
    }

    Ok(Lesson {
        file: file.to_string(),
        lang: lang.to_string(),
        id,
        scenario,
        title,
        order: *front.order.get_ref(),
        order_line: at(front.order.span()),
        see_also,
        expect,
        questions,
        blocks,
        words,
    })
}

/// Bold texts of the body: by convention a bold figure ("**4 seconds**") is a total the lesson
/// claims, so it must be listed in `expect_total_ms`, which the claims test checks against the
/// planner.
fn strong_texts(blocks: &[Block]) -> Vec<&str> {
    let mut out = Vec::new();
    for b in blocks {
        let lines: Vec<&Vec<Inline>> = match b {
            Block::Para(v) | Block::Watch(v) | Block::Mistake(v) => vec![v],
            Block::List(items) => items.iter().collect(),
        };
        for i in lines.into_iter().flatten() {
            if let Inline::Strong(t) = i {
                out.push(t.as_str());
            }
        }
    }
    out
}

/// The duration a text such as "about 2 seconds", "1,5 secondes", "3-second" or "500 ms"
/// states, in milliseconds; `None` if it states none.
pub fn figure_ms(text: &str) -> Option<u32> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let rest = &text[start..];
    let num_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(rest.len());
    let number: f64 = rest[..num_len]
        .trim_end_matches(['.', ','])
        .replace(',', ".")
        .parse()
        .ok()?;
    let unit = rest[num_len..]
        .trim_start_matches([' ', '-', '\u{a0}', '\u{202f}'])
        .to_lowercase();
    let scale = if unit.starts_with("ms") || unit.starts_with("milli") {
        1.0
    } else if unit.starts_with("second")
        || unit.starts_with("segundo")
        || unit == "s"
        || unit.starts_with("s ")
    {
        1000.0
    } else {
        return None;
    };
    Some((number * scale).round() as u32)
}

/// Why an option value cannot be an answer of its kind (None = fine).
fn bad_value(kind: Kind, value: &str) -> Option<&'static str> {
    let name_ok = |s: &str| !s.trim().is_empty() && !s.contains(',');
    match kind {
        _ if value.is_empty() => Some("empty"),
        Kind::Total => value
            .parse::<u32>()
            .is_err()
            .then_some("a total is whole milliseconds, e.g. \"2000\""),
        Kind::FirstEnd => {
            (!name_ok(value)).then_some("a first_end value is one task name or \"tie\"")
        }
        Kind::NthPrint => None,
        Kind::Order => {
            let names: Vec<&str> = value.split(',').map(str::trim).collect();
            if names.len() < 2 || names.iter().any(|n| n.is_empty()) {
                Some("an order value lists at least two task names separated by commas")
            } else if names
                .iter()
                .enumerate()
                .any(|(i, n)| names[..i].contains(n))
            {
                Some("an order value names a task twice")
            } else {
                None
            }
        }
    }
}

// ---------------------------------------------------------------- body (Markdown subset)

fn inline_words(i: &Inline) -> usize {
    match i {
        Inline::Text(s) | Inline::Code(s) | Inline::Strong(s) | Inline::Em(s) => {
            s.split_whitespace().count()
        }
        Inline::Link { text, .. } => text.split_whitespace().count(),
    }
}

fn block_words(b: &Block) -> usize {
    let sum = |v: &Vec<Inline>| v.iter().map(inline_words).sum::<usize>();
    match b {
        Block::Para(v) | Block::Watch(v) | Block::Mistake(v) => sum(v),
        Block::List(items) => items.iter().map(sum).sum(),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Fmt {
    Strong,
    Em,
}

/// What is being read: top level, a list, or a TIP/WARNING quote.
enum Container {
    Top,
    List(Vec<Vec<Inline>>),
    Quote(bool, usize), // (is a tip, paragraphs seen)
}

fn push_text(out: &mut Vec<Inline>, s: &str) {
    if let Some(Inline::Text(t)) = out.last_mut() {
        t.push_str(s);
    } else {
        out.push(Inline::Text(s.to_string()));
    }
}

/// A link target must be `lesson:<id>`; the reason names the danger when there is one.
fn check_link(dest: &str, link_type: LinkType) -> Result<String, String> {
    let squashed: String = dest
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    for scheme in ["javascript:", "data:", "vbscript:"] {
        if squashed.starts_with(scheme) {
            return Err(format!("{scheme} link refused"));
        }
    }
    if matches!(link_type, LinkType::Autolink | LinkType::Email) {
        return Err("external link refused (only [text](lesson:<id>) links)".to_string());
    }
    match dest.strip_prefix("lesson:") {
        Some(id) if is_known_id(id) => Ok(id.to_string()),
        Some(id) => Err(format!("link to unknown lesson id {id:?}")),
        None => Err(format!(
            "external link {dest:?} refused (only [text](lesson:<id>) links)"
        )),
    }
}

fn parse_body(
    file: &str,
    body: &str,
    line_of: impl Fn(usize) -> usize,
) -> Result<Vec<Block>, LessonError> {
    let mut blocks = Vec::new();
    let mut container = Container::Top;
    let mut cur: Vec<Inline> = Vec::new();
    // Open inline formatting: Strong/Em text, or a link (target, text).
    let mut fmt: Option<(Fmt, String)> = None;
    let mut link: Option<(String, String)> = None;

    for (ev, range) in Parser::new_ext(body, Options::ENABLE_GFM).into_offset_iter() {
        let line = line_of(range.start);
        let bad = |reason: String| Err(err(file, line, reason));
        match ev {
            Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::HtmlBlock) => {
                return bad("raw HTML is refused in lessons".into());
            }
            Event::Start(Tag::Paragraph) => {
                if let Container::Quote(_, paras) = &mut container {
                    *paras += 1;
                    if *paras > 1 {
                        return bad("a TIP or WARNING holds one paragraph".into());
                    }
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if matches!(container, Container::Top) {
                    blocks.push(Block::Para(std::mem::take(&mut cur)));
                }
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                if !matches!(container, Container::Top) {
                    return bad("nested quotes or lists are not supported".into());
                }
                container = match kind {
                    Some(BlockQuoteKind::Tip) => Container::Quote(true, 0),
                    Some(BlockQuoteKind::Warning) => Container::Quote(false, 0),
                    _ => {
                        return bad("only `> [!TIP]` and `> [!WARNING]` quotes are supported".into())
                    }
                };
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                let inl = std::mem::take(&mut cur);
                if inl.is_empty() {
                    return bad("empty TIP or WARNING".into());
                }
                if let Container::Quote(tip, _) = container {
                    blocks.push(if tip {
                        Block::Watch(inl)
                    } else {
                        Block::Mistake(inl)
                    });
                }
                container = Container::Top;
            }
            Event::Start(Tag::List(_)) => {
                if !matches!(container, Container::Top) {
                    return bad("nested lists or lists in quotes are not supported".into());
                }
                container = Container::List(Vec::new());
            }
            Event::End(TagEnd::List(_)) => {
                if let Container::List(items) = std::mem::replace(&mut container, Container::Top) {
                    blocks.push(Block::List(items));
                }
            }
            Event::Start(Tag::Item) => {}
            Event::End(TagEnd::Item) => {
                let inl = std::mem::take(&mut cur);
                if inl.is_empty() {
                    return bad("empty list item".into());
                }
                if let Container::List(items) = &mut container {
                    items.push(inl);
                }
            }
            Event::Start(Tag::Strong) | Event::Start(Tag::Emphasis) => {
                if fmt.is_some() || link.is_some() {
                    return bad("formatting inside formatting or links is not supported".into());
                }
                let f = if matches!(ev, Event::Start(Tag::Strong)) {
                    Fmt::Strong
                } else {
                    Fmt::Em
                };
                fmt = Some((f, String::new()));
            }
            Event::End(TagEnd::Strong) | Event::End(TagEnd::Emphasis) => {
                if let Some((f, s)) = fmt.take() {
                    cur.push(if f == Fmt::Strong {
                        Inline::Strong(s)
                    } else {
                        Inline::Em(s)
                    });
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                if fmt.is_some() || link.is_some() {
                    return bad("a link inside formatting is not supported".into());
                }
                match check_link(&dest_url, link_type) {
                    Ok(to) => link = Some((to, String::new())),
                    Err(reason) => return bad(reason),
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some((to, text)) = link.take() {
                    if text.trim().is_empty() {
                        return bad("a link needs visible text".into());
                    }
                    cur.push(Inline::Link { to, text });
                }
            }
            Event::Text(t) => {
                if let Some((_, s)) = fmt.as_mut() {
                    s.push_str(&t);
                } else if let Some((_, s)) = link.as_mut() {
                    s.push_str(&t);
                } else {
                    push_text(&mut cur, &t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, s)) = fmt.as_mut() {
                    s.push(' ');
                } else if let Some((_, s)) = link.as_mut() {
                    s.push(' ');
                } else {
                    push_text(&mut cur, " ");
                }
            }
            Event::Code(c) => {
                if fmt.is_some() || link.is_some() {
                    return bad("code inside formatting or links is not supported".into());
                }
                cur.push(Inline::Code(c.to_string()));
            }
            Event::Start(Tag::Image { .. }) => return bad("images are refused in lessons".into()),
            Event::Start(Tag::Heading { .. }) => {
                return bad("headings are not supported (the panel has its title)".into())
            }
            Event::Start(Tag::CodeBlock(_)) => {
                return bad("code blocks are not supported (use `inline code`)".into())
            }
            Event::Start(other) => {
                return bad(format!("unsupported Markdown: {:?}", other.to_end()))
            }
            Event::End(other) => return bad(format!("unsupported Markdown: {other:?}")),
            other => return bad(format!("unsupported Markdown: {other:?}")),
        }
    }
    Ok(blocks)
}

// ---------------------------------------------------------------- the whole set

/// Reads `root/<lang>/*.md` for every language, in file-name order. Errors are per file.
pub fn load_dir(root: &Path) -> (Vec<Lesson>, Vec<LessonError>) {
    let mut lessons = Vec::new();
    let mut errors = Vec::new();
    for lang in LANGS {
        let dir = root.join(lang);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let name = format!(
                "lessons/{lang}/{}",
                path.file_name()
                    .map(|f| f.to_string_lossy())
                    .unwrap_or_default()
            );
            if path.extension().is_none_or(|e| e != "md") {
                errors.push(err(&name, 1, "only .md lesson files belong here"));
                continue;
            }
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            match std::fs::read(&path) {
                Ok(bytes) => match parse_lesson(&name, lang, &stem, &bytes) {
                    Ok(l) => lessons.push(l),
                    Err(e) => errors.push(e),
                },
                Err(e) => errors.push(err(&name, 1, format!("unreadable: {e}"))),
            }
        }
    }
    (lessons, errors)
}

/// Checks across files: unique menu order per language, every lesson in every language, and
/// translations mirroring the English questions (ids, kinds, modes, `n`, option values) so that
/// a question is graded the same way whatever the language. With `strict = false` the last two
/// are warnings (translations being written); the build turns strict on once all exist.
pub fn check_set(lessons: &[Lesson], strict: bool) -> (Vec<LessonError>, Vec<LessonError>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for lang in LANGS {
        let of_lang: Vec<&Lesson> = lessons.iter().filter(|l| l.lang == lang).collect();
        for (i, l) in of_lang.iter().enumerate() {
            if let Some(o) = of_lang[..i].iter().find(|o| o.order == l.order) {
                errors.push(err(
                    &l.file,
                    l.order_line,
                    format!("order {} is also used by {}", l.order, o.file),
                ));
            }
        }
        for id in SCENARIO_IDS.iter().chain(GLOSSARY_IDS.iter()) {
            if !of_lang.iter().any(|l| l.id == *id) {
                let e = err(
                    &format!("lessons/{lang}/{id}.md"),
                    1,
                    format!("missing lesson {id:?} in {lang}"),
                );
                if strict {
                    errors.push(e)
                } else {
                    warnings.push(e)
                }
            }
        }
    }
    for l in lessons
        .iter()
        .filter(|l| l.scenario.is_some() && l.questions.is_empty())
    {
        let e = err(&l.file, 1, "a scenario lesson needs at least one question");
        if strict {
            errors.push(e)
        } else {
            warnings.push(e)
        }
    }
    for l in lessons.iter().filter(|l| l.lang != "en") {
        let Some(en) = lessons.iter().find(|e| e.lang == "en" && e.id == l.id) else {
            continue;
        };
        if let Some(why) = mirror_mismatch(en, l) {
            let line = l.questions.first().map_or(1, |q| q.line);
            let e = err(
                &l.file,
                line,
                format!("questions do not mirror {}: {why}", en.file),
            );
            if strict {
                errors.push(e)
            } else {
                warnings.push(e)
            }
        }
    }
    (errors, warnings)
}

fn mirror_mismatch(en: &Lesson, l: &Lesson) -> Option<String> {
    if en.questions.len() != l.questions.len() {
        return Some(format!(
            "{} questions instead of {}",
            l.questions.len(),
            en.questions.len()
        ));
    }
    for (a, b) in en.questions.iter().zip(&l.questions) {
        if a.id != b.id || a.kind != b.kind || a.mode != b.mode || a.n != b.n {
            return Some(format!(
                "question {:?} differs in id, kind, mode or n from {:?}",
                b.id, a.id
            ));
        }
        let va: Vec<&str> = a.options.iter().map(|o| o.value.as_str()).collect();
        let vb: Vec<&str> = b.options.iter().map(|o| o.value.as_str()).collect();
        if va != vb {
            return Some(format!(
                "question {:?} has option values {vb:?} instead of {va:?}",
                a.id
            ));
        }
    }
    None
}

// ---------------------------------------------------------------- the build

/// What `build.rs` does: load `root/<lang>/*.md`, check each file and the set, and return the
/// Rust source of the static data (plus warnings), or every refusal. Tests call it on bad trees.
pub fn build(root: &Path, strict: bool) -> Result<(String, Vec<LessonError>), Vec<LessonError>> {
    let (lessons, mut errors) = load_dir(root);
    let (set_errors, warnings) = check_set(&lessons, strict);
    errors.extend(set_errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut out = String::from("// @generated by build.rs from lessons/*/*.md. Do not edit.\n");
    let _ = writeln!(
        out,
        "pub const LANGS: [&str; {}] = {:?};",
        LANGS.len(),
        LANGS
    );
    for lang in LANGS {
        let mut of_lang: Vec<&Lesson> = lessons.iter().filter(|l| l.lang == lang).collect();
        of_lang.sort_by_key(|l| l.order);
        let _ = writeln!(
            out,
            "static {}: [Lesson; {}] = [",
            lang.to_uppercase(),
            of_lang.len()
        );
        for l in of_lang {
            lesson(&mut out, l);
        }
        out.push_str("];\n");
    }
    Ok((out, warnings))
}

fn lesson(out: &mut String, l: &Lesson) {
    let _ = write!(
        out,
        "Lesson {{ id: {:?}, lang: {:?}, title: {:?}, scenario: {:?}, order: {}, see_also: &{:?}, \
         expect_total_ms: Expect {{ concurrent: {:?}, sequential: {:?} }}, questions: &[",
        l.id,
        l.lang,
        l.title,
        l.scenario,
        l.order,
        l.see_also,
        l.expect.concurrent,
        l.expect.sequential
    );
    for q in &l.questions {
        let kind = match q.kind {
            Kind::FirstEnd => "QuestionKind::FirstEnd".to_string(),
            Kind::Total => "QuestionKind::Total".to_string(),
            Kind::NthPrint => format!("QuestionKind::NthPrint({})", q.n.unwrap_or(1)),
            Kind::Order => "QuestionKind::Order".to_string(),
        };
        let mode = match q.mode {
            QMode::Concurrent => "Mode::Concurrent",
            QMode::Sequential => "Mode::Sequential",
        };
        let _ = write!(
            out,
            "Question {{ id: {:?}, kind: {kind}, mode: {mode}, prompt: {:?}, explain: {:?}, options: &[",
            q.id, q.prompt, q.explain
        );
        for o in &q.options {
            let _ = write!(
                out,
                "QOption {{ label: {:?}, value: {:?} }},",
                o.label, o.value
            );
        }
        out.push_str("] },");
    }
    out.push_str("], blocks: &[");
    for b in &l.blocks {
        match b {
            Block::Para(v) => {
                out.push_str("Block::Para(");
                inlines(out, v);
            }
            Block::Watch(v) => {
                out.push_str("Block::Watch(");
                inlines(out, v);
            }
            Block::Mistake(v) => {
                out.push_str("Block::Mistake(");
                inlines(out, v);
            }
            Block::List(items) => {
                out.push_str("Block::List(&[");
                for item in items {
                    inlines(out, item);
                    out.push(',');
                }
                out.push(']');
            }
        }
        out.push_str("),");
    }
    out.push_str("] },\n");
}

fn inlines(out: &mut String, v: &[Inline]) {
    out.push_str("&[");
    for i in v {
        let _ = match i {
            Inline::Text(s) => write!(out, "Inline::Text({s:?}),"),
            Inline::Code(s) => write!(out, "Inline::Code({s:?}),"),
            Inline::Strong(s) => write!(out, "Inline::Strong({s:?}),"),
            Inline::Em(s) => write!(out, "Inline::Em({s:?}),"),
            Inline::Link { to, text } => {
                write!(out, "Inline::Link {{ to: {to:?}, text: {text:?} }},")
            }
        };
    }
    out.push(']');
}

// ---------------------------------------------------------------- the wire format

/// The lessons of one language as the app downloads them (`dist/lessons/<lang>.txt`, written by
/// `examples/lessons_export.rs`): the wasm carries none of the texts, only the small reader in
/// `src/lessons/wire.rs`. One record per line, fields separated by tabs, `\\`, `\t`, `\n`, `\r`
/// escaped; `L` lesson, `Q` question, `O` option, `B` block (`p`, `w`, `m`, `l`), `I` list item,
/// then inlines `t` text, `c` code, `s` strong, `e` em, `k` link (to, text).
pub fn wire(lessons: &[Lesson], lang: &str) -> String {
    let mut of_lang: Vec<&Lesson> = lessons.iter().filter(|l| l.lang == lang).collect();
    of_lang.sort_by_key(|l| l.order);
    let mut out = format!("{WIRE_MAGIC}\t{lang}\n");
    for l in of_lang {
        let see_also = l.see_also.join(",");
        let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
        record(
            &mut out,
            &[
                "L",
                &l.id,
                &l.title,
                l.scenario.as_deref().unwrap_or(""),
                &l.order.to_string(),
                &see_also,
                &num(l.expect.concurrent),
                &num(l.expect.sequential),
            ],
        );
        for q in &l.questions {
            let kind = match q.kind {
                Kind::FirstEnd => "first_end",
                Kind::Total => "total",
                Kind::NthPrint => "nth_print",
                Kind::Order => "order",
            };
            let n = num(q.n);
            record(
                &mut out,
                &["Q", &q.id, kind, &n, q.mode.as_str(), &q.prompt, &q.explain],
            );
            for o in &q.options {
                record(&mut out, &["O", &o.label, &o.value]);
            }
        }
        for b in &l.blocks {
            match b {
                Block::Para(v) => wire_inlines(&mut out, "p", v),
                Block::Watch(v) => wire_inlines(&mut out, "w", v),
                Block::Mistake(v) => wire_inlines(&mut out, "m", v),
                Block::List(items) => {
                    record(&mut out, &["B", "l"]);
                    for item in items {
                        record(&mut out, &["I"]);
                        for i in item {
                            wire_inline(&mut out, i);
                        }
                    }
                }
            }
        }
    }
    out
}

/// First field of a wire file's first line; the version follows the magic's last character.
pub const WIRE_MAGIC: &str = "ap-lessons-1";

fn wire_inlines(out: &mut String, kind: &str, v: &[Inline]) {
    record(out, &["B", kind]);
    for i in v {
        wire_inline(out, i);
    }
}

fn wire_inline(out: &mut String, i: &Inline) {
    match i {
        Inline::Text(s) => record(out, &["t", s]),
        Inline::Code(s) => record(out, &["c", s]),
        Inline::Strong(s) => record(out, &["s", s]),
        Inline::Em(s) => record(out, &["e", s]),
        Inline::Link { to, text } => record(out, &["k", to, text]),
    }
}

fn record(out: &mut String, fields: &[&str]) {
    for (k, f) in fields.iter().enumerate() {
        if k > 0 {
            out.push('\t');
        }
        for c in f.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
    }
    out.push('\n');
}

/// What `examples/lessons_export.rs` does: check the tree like `build.rs`, then one wire text per
/// language.
pub fn export(root: &Path, strict: bool) -> Result<Vec<(&'static str, String)>, Vec<LessonError>> {
    let (lessons, mut errors) = load_dir(root);
    let (set_errors, _) = check_set(&lessons, strict);
    errors.extend(set_errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(LANGS
        .iter()
        .map(|lang| (*lang, wire(&lessons, lang)))
        .collect())
}
