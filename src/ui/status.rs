//! The live region (`status`, aria-live polite) that announces run results, and the stage note:
//! why a compare run goes one half after the other, a hidden-tab warning, a program that cannot
//! be built.
use leptos::prelude::*;

use super::player_bar::run_state_label;
use super::state::{use_app, RunState};
use crate::i18n::{ratio, seconds, ui};
use crate::model::catalog;
use crate::model::params::{Lang, ViewMode};
use crate::model::trace::{Mode, Trace};

/// What a screen reader hears when a run ends.
pub fn announce(lang: Lang, scenario: &str, state: RunState, traces: &[Trace]) -> String {
    let t = ui(lang);
    let mut parts = vec![match state {
        RunState::Cancelled => t.run_cancelled.to_string(),
        RunState::Finished => t.run_done.to_string(),
        other => return run_state_label(lang, other).to_string(),
    }];
    if state == RunState::Finished {
        let total = |m: Mode| traces.iter().find(|tr| tr.mode == m).map(|tr| tr.total_ms);
        let (s, c) = (total(Mode::Sequential), total(Mode::Concurrent));
        if let Some(s) = s {
            let label = super::words::total_label(lang, scenario, Mode::Sequential);
            parts.push(format!("{label} {}.", seconds(lang, s)));
        }
        if let Some(c) = c {
            let label = super::words::total_label(lang, scenario, Mode::Concurrent);
            parts.push(format!("{label} {}.", seconds(lang, c)));
        }
        if let (Some(s), Some(c)) = (s, c) {
            if c > 0.0 {
                parts.push(format!("{} {}.", t.speedup, ratio(lang, s / c)));
            }
        }
    }
    parts.join(" ")
}

#[component]
pub fn Status() -> impl IntoView {
    let app = use_app();
    let text = move || {
        let lang = app.lang.get();
        let state = app.run_state.get();
        app.result.with(|r| match r {
            Some(r) => announce(lang, &app.scenario.get(), state, &r.traces),
            None => run_state_label(lang, state).to_string(),
        })
    };
    view! { <p class="ap-status" data-testid="status" role="status" aria-live="polite">{text}</p> }
}

#[component]
pub fn StageNote() -> impl IntoView {
    let app = use_app();
    let t = move || ui(app.lang.get());
    let note = move || {
        let info = catalog::info(&app.scenario.get());
        let compare = app.mode.get() == ViewMode::Compare;
        let mut lines: Vec<String> = Vec::new();
        // The editor lists a script's own errors, in the page's language, beside the script.
        if let Some(e) = app.built.with(|b| {
            b.script_errors
                .is_empty()
                .then(|| b.error.as_ref().map(|e| e.to_string()))
                .flatten()
        }) {
            lines.push(format!("{} {e}", t().cannot_build));
        }
        if compare && info.is_some_and(|i| i.holds_thread) {
            lines.push(t().one_after_another.to_string());
        }
        // A projector shows no mode control, and the panel's title says "One program" already.
        if compare && info.is_some_and(|i| i.one_program) && !app.presenter.get() {
            lines.push(t().one_program.to_string());
        }
        if app.result.with(|r| {
            r.as_ref()
                .is_some_and(|r| r.traces.iter().any(|tr| tr.hidden))
        }) {
            lines.push(t().hidden_run.to_string());
        }
        lines
    };
    view! {
        <Show when=move || !note().is_empty()>
            <div class="ap-stage-note">
                {move || note().into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
            </div>
        </Show>
    }
}
