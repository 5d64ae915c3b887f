//! Reads the lessons of one language from their wire text (`lessons/<lang>.txt`, written at build
//! time by `examples/lessons_export.rs` with `lint::wire`). The wasm downloads only the language it
//! shows, so no lesson text sits in the wasm. Pure: the native tests read the real files back and
//! compare them with the statics `build.rs` compiles.
//!
//! The texts are leaked into `&'static` data once per language (at most three times per page), so
//! the rest of the app keeps the same borrowed types as the compiled statics.
use super::{Block, Expect, Inline, Lesson, QOption, Question, QuestionKind};
use crate::model::trace::Mode;
use std::fmt;

/// The first field of the first line, as `lint::WIRE_MAGIC` writes it.
pub const MAGIC: &str = "ap-lessons-1";

/// Why a wire text was refused (the 1-based line and what was wrong there).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError {
    pub line: usize,
    pub reason: &'static str,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn leak_slice<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

fn unescape(field: &str) -> Result<String, &'static str> {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            _ => return Err("bad escape"),
        }
    }
    Ok(out)
}

fn opt_num(s: &str) -> Result<Option<u32>, &'static str> {
    if s.is_empty() {
        Ok(None)
    } else {
        s.parse().map(Some).map_err(|_| "not a number")
    }
}

#[derive(Clone, Copy, PartialEq)]
enum BlockKind {
    Para,
    Watch,
    Mistake,
    List,
}

/// A lesson being read: its pieces are owned until the next `L` line (or the end) closes it.
struct Open {
    id: &'static str,
    title: &'static str,
    scenario: Option<&'static str>,
    order: u32,
    see_also: &'static [&'static str],
    expect: Expect,
    questions: Vec<Question>,
    options: Vec<QOption>,
    blocks: Vec<Block>,
    block: Option<BlockKind>,
    inlines: Vec<Inline>,
    items: Vec<&'static [Inline]>,
    /// An `I` line opened an item of the current list (an item may be empty).
    in_item: bool,
    lang: &'static str,
}

impl Open {
    fn close_options(&mut self) {
        if let Some(q) = self.questions.last_mut() {
            if !self.options.is_empty() {
                q.options = leak_slice(std::mem::take(&mut self.options));
            }
        }
    }

    fn close_block(&mut self) {
        let inl = std::mem::take(&mut self.inlines);
        match self.block.take() {
            Some(BlockKind::Para) => self.blocks.push(Block::Para(leak_slice(inl))),
            Some(BlockKind::Watch) => self.blocks.push(Block::Watch(leak_slice(inl))),
            Some(BlockKind::Mistake) => self.blocks.push(Block::Mistake(leak_slice(inl))),
            Some(BlockKind::List) => {
                let mut items = std::mem::take(&mut self.items);
                if std::mem::take(&mut self.in_item) {
                    items.push(leak_slice(inl));
                }
                self.blocks.push(Block::List(leak_slice(items)));
            }
            None => {}
        }
    }

    fn finish(mut self) -> Lesson {
        self.close_options();
        self.close_block();
        Lesson {
            id: self.id,
            lang: self.lang,
            title: self.title,
            scenario: self.scenario,
            order: self.order,
            see_also: self.see_also,
            expect_total_ms: self.expect,
            questions: leak_slice(self.questions),
            blocks: leak_slice(self.blocks),
        }
    }
}

/// Every lesson of `lang` in the wire text, in reading order, or why the text is refused.
/// Nothing is leaked when the text is refused early (bad magic, wrong language); a text refused
/// half way leaks what it had read, which only a corrupt download can cause.
pub fn parse(text: &str, lang: &'static str) -> Result<&'static [Lesson], WireError> {
    let mut lines = text.lines().enumerate();
    let head = lines.next().map(|(_, l)| l).unwrap_or("");
    let mut head = head.split('\t');
    if head.next() != Some(MAGIC) {
        return Err(WireError {
            line: 1,
            reason: "not a lesson file of this version",
        });
    }
    if head.next() != Some(lang) {
        return Err(WireError {
            line: 1,
            reason: "lessons of another language",
        });
    }
    let mut done: Vec<Lesson> = Vec::new();
    let mut open: Option<Open> = None;
    for (k, line) in lines {
        let at = |reason| WireError {
            line: k + 1,
            reason,
        };
        if line.is_empty() {
            continue;
        }
        let fields: Vec<String> = line
            .split('\t')
            .map(unescape)
            .collect::<Result<_, _>>()
            .map_err(at)?;
        let f = |i: usize| fields.get(i).map(String::as_str).unwrap_or("");
        let tag = f(0);
        if tag == "L" {
            if fields.len() != 8 {
                return Err(at("a lesson line has 8 fields"));
            }
            if let Some(o) = open.take() {
                done.push(o.finish());
            }
            let see_also: Vec<&'static str> = if f(5).is_empty() {
                Vec::new()
            } else {
                f(5).split(',').map(|s| leak(s.to_string())).collect()
            };
            open = Some(Open {
                id: leak(f(1).to_string()),
                title: leak(f(2).to_string()),
                scenario: (!f(3).is_empty()).then(|| leak(f(3).to_string())),
                order: f(4).parse().map_err(|_| at("the order is not a number"))?,
                see_also: leak_slice(see_also),
                expect: Expect {
                    concurrent: opt_num(f(6)).map_err(at)?,
                    sequential: opt_num(f(7)).map_err(at)?,
                },
                questions: Vec::new(),
                options: Vec::new(),
                blocks: Vec::new(),
                block: None,
                inlines: Vec::new(),
                items: Vec::new(),
                in_item: false,
                lang,
            });
            continue;
        }
        let Some(o) = open.as_mut() else {
            return Err(at("a record before the first lesson"));
        };
        match tag {
            "Q" => {
                if fields.len() != 7 {
                    return Err(at("a question line has 7 fields"));
                }
                o.close_options();
                let n = opt_num(f(3)).map_err(at)?;
                let kind = match f(2) {
                    "first_end" => QuestionKind::FirstEnd,
                    "total" => QuestionKind::Total,
                    "nth_print" => QuestionKind::NthPrint(n.unwrap_or(1)),
                    "order" => QuestionKind::Order,
                    _ => return Err(at("unknown question kind")),
                };
                let mode = match f(4) {
                    "concurrent" => Mode::Concurrent,
                    "sequential" => Mode::Sequential,
                    _ => return Err(at("unknown mode")),
                };
                o.questions.push(Question {
                    id: leak(f(1).to_string()),
                    kind,
                    mode,
                    prompt: leak(f(5).to_string()),
                    explain: leak(f(6).to_string()),
                    options: &[],
                });
            }
            "O" => {
                if fields.len() != 3 || o.questions.is_empty() {
                    return Err(at("an option belongs to a question and has 3 fields"));
                }
                o.options.push(QOption {
                    label: leak(f(1).to_string()),
                    value: leak(f(2).to_string()),
                });
            }
            "B" => {
                o.close_options();
                o.close_block();
                o.block = Some(match f(1) {
                    "p" => BlockKind::Para,
                    "w" => BlockKind::Watch,
                    "m" => BlockKind::Mistake,
                    "l" => BlockKind::List,
                    _ => return Err(at("unknown block kind")),
                });
            }
            "I" => {
                if o.block != Some(BlockKind::List) {
                    return Err(at("a list item outside a list"));
                }
                let inl = std::mem::take(&mut o.inlines);
                if std::mem::replace(&mut o.in_item, true) {
                    o.items.push(leak_slice(inl));
                }
            }
            "t" | "c" | "s" | "e" | "k" => {
                if o.block.is_none() || (o.block == Some(BlockKind::List) && !o.in_item) {
                    return Err(at("text outside a block"));
                }
                let want = if tag == "k" { 3 } else { 2 };
                if fields.len() != want {
                    return Err(at("wrong number of fields for text"));
                }
                let s = leak(f(1).to_string());
                o.inlines.push(match tag {
                    "t" => Inline::Text(s),
                    "c" => Inline::Code(s),
                    "s" => Inline::Strong(s),
                    "e" => Inline::Em(s),
                    _ => Inline::Link {
                        to: s,
                        text: leak(f(2).to_string()),
                    },
                });
            }
            _ => return Err(at("unknown record")),
        }
    }
    if let Some(o) = open.take() {
        done.push(o.finish());
    }
    if done.is_empty() {
        return Err(WireError {
            line: 1,
            reason: "no lesson in the file",
        });
    }
    Ok(leak_slice(done))
}
