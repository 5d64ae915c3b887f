//! The player buttons and the progress bar. The player's logic lives in `player.rs`.
use leptos::prelude::*;

use super::player;
use super::state::{use_app, RunState};
use crate::i18n::ui;

#[component]
pub fn PlayerBar() -> impl IntoView {
    let app = use_app();
    let t = move || ui(app.lang.get());
    let state = move || app.run_state.get();
    let paused = move || state() == RunState::Paused;
    // How far the cursor is through the longest ideal run (the run's own end once measured).
    let progress = move || {
        let end = match app.result.get() {
            Some(r) if !r.cancelled => r.traces.iter().map(|t| t.total_ms).fold(0.0, f64::max),
            _ => app
                .plans
                .with(|p| p.iter().map(|t| t.total_ms).fold(0.0, f64::max)),
        };
        if end > 0.0 {
            (app.view_t.get() / end * 100.0).clamp(0.0, 100.0)
        } else {
            0.0
        }
    };
    view! {
        <div class="ap-top-row ap-player" role="group" aria-label=move || t().player>
            <button type="button" class="ap-button ap-primary" data-testid="run" aria-keyshortcuts="r"
                on:click=move |_| { app.start_run(); }>
                {icon("play")}<span class="ap-label">{move || t().run}</span>
            </button>
            <button type="button" class="ap-button" data-testid="pause" aria-keyshortcuts="Space"
                aria-pressed=move || paused().to_string()
                on:click=move |_| player::toggle_pause(app)>
                {icon("pause")}
                <span class="ap-label">{move || if paused() { t().resume } else { t().pause }}</span>
            </button>
            <button type="button" class="ap-button" data-testid="stop" on:click=move |_| app.stop_run()>
                {icon("stop")}<span class="ap-label">{move || t().stop}</span>
            </button>
            <button type="button" class="ap-button" data-testid="step-back" aria-keyshortcuts="ArrowLeft"
                on:click=move |_| player::step_back(app)>
                {icon("back")}<span class="ap-label">{move || t().step_back}</span>
            </button>
            <button type="button" class="ap-button" data-testid="step" aria-keyshortcuts="ArrowRight"
                on:click=move |_| player::step(app)>
                {icon("step")}<span class="ap-label">{move || t().step}</span>
            </button>
            <button type="button" class="ap-button" data-testid="reset" on:click=move |_| app.reset()>
                {icon("reset")}<span class="ap-label">{move || t().reset}</span>
            </button>
            <div class="ap-progress" aria-hidden="true">
                <div class="ap-progress-fill" style:width=move || format!("{:.2}%", progress())></div>
            </div>
            <span class="ap-run-state">{move || run_state_label(app.lang.get(), state())}</span>
        </div>
    }
}

pub fn run_state_label(lang: crate::model::params::Lang, s: RunState) -> &'static str {
    let t = ui(lang);
    match s {
        RunState::Idle => t.state_idle,
        RunState::Running => t.state_running,
        RunState::Paused => t.state_paused,
        RunState::Finished => t.state_finished,
        RunState::Cancelled => t.state_cancelled,
    }
}

/// Player icons as inline SVG (system fonts often lack the media-control glyphs).
fn icon(name: &'static str) -> impl IntoView {
    let d = match name {
        "play" => "M4 2l10 6-10 6z",
        "pause" => "M3 2h4v12H3zM9 2h4v12H9z",
        "stop" => "M3 3h10v10H3z",
        "back" => "M2 2h2v12H2zM14 2v12L5 8z",
        "step" => "M12 2h2v12h-2zM2 2v12l9-6z",
        _ => "M8 3V0L4 4l4 4V5a4 4 0 1 1-4 4H2a6 6 0 1 0 6-6z",
    };
    view! {
        <svg class="ap-icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            <path d=d fill="currentColor" />
        </svg>
    }
}
