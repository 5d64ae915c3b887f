//! The seeing views' own few words, in the page's three languages (en, fr, es), kept beside the
//! components that say them.
use crate::model::params::Lang;

/// Picks the word for `lang` from `[en, fr, es]`.
pub fn say(lang: Lang, words: [&'static str; 3]) -> &'static str {
    match lang {
        Lang::En => words[0],
        Lang::Fr => words[1],
        Lang::Es => words[2],
    }
}
