//! The seeing views' own few words, in the page's three languages (en, fr, es), kept beside the
//! components that say them.
use crate::i18n::ui;
use crate::model::catalog;
use crate::model::params::Lang;
use crate::model::trace::Mode;

/// Picks the word for `lang` from `[en, fr, es]`.
pub fn say(lang: Lang, words: [&'static str; 3]) -> &'static str {
    match lang {
        Lang::En => words[0],
        Lang::Fr => words[1],
        Lang::Es => words[2],
    }
}

/// "The mistake" / "The fix" for a scenario whose two programs are those (`blocking-mistake`,
/// `cpu-bound`): the mode control, the panel titles, the figure cards and the code pills all
/// name them so. `None` for other scenarios.
/// What a mode's total is called on the figure cards and in the run's announcement: the
/// mistake / the fix, "Total" for a one-program scenario, else "Sequential / Concurrent total".
pub fn total_label(lang: Lang, scenario: &str, mode: Mode) -> &'static str {
    if let Some(name) = mistake_or_fix(lang, scenario, mode) {
        return name;
    }
    if catalog::info(scenario).is_some_and(|i| i.one_program) {
        return ui(lang).total;
    }
    match mode {
        Mode::Sequential => ui(lang).total_sequential,
        Mode::Concurrent => ui(lang).total_concurrent,
    }
}

pub fn mistake_or_fix(lang: Lang, scenario: &str, mode: Mode) -> Option<&'static str> {
    catalog::info(scenario)
        .is_some_and(|i| i.mistake_and_fix)
        .then(|| match mode {
            Mode::Sequential => ui(lang).the_mistake,
            Mode::Concurrent => ui(lang).the_fix,
        })
}
