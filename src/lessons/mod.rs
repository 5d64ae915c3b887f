//! Lessons compiled from `/lessons/{en,fr,es}/*.md` at build time by `build.rs` (no Markdown
//! parser in the wasm). OWNER: lessons helper. Pure: native tests use it.

/// Inline content of a lesson paragraph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(&'static str),
    Code(&'static str),
    Strong(&'static str),
    Em(&'static str),
    /// A link to another lesson id.
    Link {
        to: &'static str,
        text: &'static str,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    Para(&'static [Inline]),
    List(&'static [&'static [Inline]]),
    /// `> [!TIP]`: what to watch on the timeline now.
    Watch(&'static [Inline]),
    /// `> [!WARNING]`: a common mistake.
    Mistake(&'static [Inline]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lesson {
    pub id: &'static str,
    pub lang: &'static str,
    pub title: &'static str,
    pub scenario: Option<&'static str>,
    pub order: u32,
    pub see_also: &'static [&'static str],
    pub blocks: &'static [Block],
}

/// Every lesson of a language (empty until the build pipeline lands).
pub fn all(_lang: &str) -> &'static [Lesson] {
    &[]
}

pub fn get(lang: &str, id: &str) -> Option<&'static Lesson> {
    all(lang).iter().find(|l| l.id == id)
}

pub fn for_scenario(lang: &str, scenario: &str) -> Option<&'static Lesson> {
    all(lang).iter().find(|l| l.scenario == Some(scenario))
}
