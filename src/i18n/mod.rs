//! UI strings per language: one typed table per language, so a missing string is a compile
//! error. French puts a no-break space (U+00A0 / U+202F) before : ; ? ! and inside « ».
//! Builders below word the typed notices and figures in each language.
mod en;
mod es;
mod fr;
mod script;

pub use script::{script_error, script_error_kind, script_words, ScriptWords};

use crate::model::params::{Lang, Notice, Theme, ViewMode, Why};
use crate::model::scenario::CodeLang;

pub struct Ui {
    pub tagline: &'static str,
    pub scenario: &'static str,
    pub mode: &'static str,
    pub language: &'static str,
    pub speed: &'static str,
    pub theme: &'static str,
    pub presenter: &'static str,
    pub share: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    /// `autoplay=1` on a program that holds the thread: it waits for Run.
    pub autoplay_held: &'static str,
    pub run: &'static str,
    pub pause: &'static str,
    pub resume: &'static str,
    pub stop: &'static str,
    pub step: &'static str,
    pub step_back: &'static str,
    pub reset: &'static str,
    pub player: &'static str,
    pub sequential: &'static str,
    pub concurrent: &'static str,
    pub compare: &'static str,
    pub the_mistake: &'static str,
    pub the_fix: &'static str,
    pub total_sequential: &'static str,
    pub total_concurrent: &'static str,
    /// The one figure of a one-program scenario.
    pub total: &'static str,
    pub speedup: &'static str,
    pub ideal: &'static str,
    pub measured: &'static str,
    pub not_run: &'static str,
    pub figures: &'static str,
    pub dismiss: &'static str,
    pub notices: &'static str,
    pub lesson: &'static str,
    pub code: &'static str,
    pub console: &'static str,
    pub lesson_missing: &'static str,
    /// While the lesson file of the language downloads.
    pub lesson_loading: &'static str,
    /// The download failed; the reason follows after a colon.
    pub lesson_failed: &'static str,
    pub retry: &'static str,
    pub see_also: &'static str,
    pub watch: &'static str,
    pub mistake: &'static str,
    pub one_after_another: &'static str,
    pub one_program: &'static str,
    pub hidden_run: &'static str,
    pub predict: &'static str,
    pub predict_first: &'static str,
    pub predict_total: &'static str,
    pub predict_answer: &'static str,
    pub predict_right: &'static str,
    pub predict_wrong: &'static str,
    pub predict_wait: &'static str,
    /// The run's parameters differ from the question's, so no option fits it.
    pub predict_other_values: &'static str,
    pub keys: &'static str,
    pub shortcuts: &'static str,
    pub close: &'static str,
    pub key_help: &'static str,
    pub key_run: &'static str,
    pub key_pause: &'static str,
    pub key_step: &'static str,
    pub key_back: &'static str,
    pub key_speed: &'static str,
    pub key_exit: &'static str,
    pub exit_presenter: &'static str,
    pub cannot_build: &'static str,
    pub state_idle: &'static str,
    pub state_running: &'static str,
    pub state_paused: &'static str,
    pub state_finished: &'static str,
    pub state_cancelled: &'static str,
    pub theme_auto: &'static str,
    pub theme_light: &'static str,
    pub theme_dark: &'static str,
    pub theme_contrast: &'static str,
    pub seconds: &'static str,
    pub times: &'static str,
    /// "Parameter {name} = {value} was ignored: "
    pub ignored: &'static str,
    pub repeated: &'static str,
    pub expected_one_of: &'static str,
    pub expected_range: &'static str,
    pub unknown_scenario: &'static str,
    pub not_for_scenario: &'static str,
    pub bad_script: &'static str,
    pub unsupported: &'static str,
    pub run_done: &'static str,
    pub run_cancelled: &'static str,
    /// The catalog's titles, then `custom` (the editor).
    pub scenarios: [(&'static str, &'static str); 17],
}

pub fn ui(lang: Lang) -> &'static Ui {
    match lang {
        Lang::En => &en::UI,
        Lang::Fr => &fr::UI,
        Lang::Es => &es::UI,
    }
}

impl Ui {
    pub fn scenario_title(&self, id: &str) -> String {
        self.scenarios
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, t)| t.to_string())
            .unwrap_or_else(|| id.to_string())
    }
    pub fn mode_label(&self, m: ViewMode) -> &'static str {
        match m {
            ViewMode::Sequential => self.sequential,
            ViewMode::Concurrent => self.concurrent,
            ViewMode::Compare => self.compare,
        }
    }
    pub fn theme_label(&self, t: Theme) -> &'static str {
        match t {
            Theme::Auto => self.theme_auto,
            Theme::Light => self.theme_light,
            Theme::Dark => self.theme_dark,
            Theme::Contrast => self.theme_contrast,
        }
    }
    pub fn code_label(&self, c: CodeLang) -> &'static str {
        match c {
            CodeLang::Python => "Python",
            CodeLang::Js => "JavaScript",
            CodeLang::Rust => "Rust",
        }
    }
}

/// Fills `{name}`-style holes in order.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut s = template.to_string();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

// Figures for people, one function per kind, used everywhere a figure is shown (cards, lane
// headers, axis, console, table, tooltips, the presenter's line, the status line): English
// writes "2.00 s", French and Spanish "2,00 s" (no-break space before the unit). Traces and
// JSON exports keep plain numbers.

/// A number with `decimals` decimals and the language's decimal mark ("—" when not finite).
pub fn decimal(lang: Lang, x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".to_string();
    }
    let s = format!("{x:.decimals$}");
    if lang == Lang::En {
        s
    } else {
        s.replace('.', ",")
    }
}

/// A duration in seconds, written the language's way ("2.00 s", "2,00 s").
pub fn seconds(lang: Lang, ms: f64) -> String {
    format!(
        "{}\u{00A0}{}",
        decimal(lang, ms / 1000.0, 2),
        ui(lang).seconds
    )
}

/// An instant of a run to the millisecond, as the console stamps its lines ("1.002 s").
pub fn instant(lang: Lang, ms: f64) -> String {
    format!(
        "{}\u{00A0}{}",
        decimal(lang, ms / 1000.0, 3),
        ui(lang).seconds
    )
}

/// An axis tick: "0 s" at the origin, then bare seconds ("0.5", "1,0").
pub fn tick(lang: Lang, ms: f64, decimals: usize) -> String {
    if ms == 0.0 {
        format!("0\u{00A0}{}", ui(lang).seconds)
    } else {
        decimal(lang, ms / 1000.0, decimals)
    }
}

/// A ratio such as "2.00×" / "2,00×".
pub fn ratio(lang: Lang, r: f64) -> String {
    format!("{}{}", decimal(lang, r, 2), ui(lang).times)
}

/// A parameter notice in words (always rendered as text).
pub fn notice(lang: Lang, n: &Notice) -> String {
    let t = ui(lang);
    match n {
        Notice::Repeated { name } => fill(t.repeated, &[("name", name)]),
        Notice::Ignored { name, value, why } => {
            let reason = match why {
                Why::NotOneOf(list) => fill(t.expected_one_of, &[("list", &list.join(", "))]),
                Why::OutOfRange { min, max } => fill(
                    t.expected_range,
                    &[("min", &min.to_string()), ("max", &max.to_string())],
                ),
                Why::UnknownScenario => t.unknown_scenario.to_string(),
                Why::NotForScenario => t.not_for_scenario.to_string(),
                Why::BadScript => t.bad_script.to_string(),
            };
            format!(
                "{}{reason}",
                fill(t.ignored, &[("name", name), ("value", value)])
            )
        }
    }
}

/// A label followed by a colon, spaced the language's way.
pub fn colon(lang: Lang, label: &str) -> String {
    match lang {
        Lang::Fr => format!("{label}\u{a0}: "),
        _ => format!("{label}: "),
    }
}
