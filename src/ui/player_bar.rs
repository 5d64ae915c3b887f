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
                <span aria-hidden="true" class="ap-icon">"▶"</span>{move || t().run}
            </button>
            <button type="button" class="ap-button" data-testid="pause" aria-keyshortcuts="Space"
                aria-pressed=move || paused().to_string()
                on:click=move |_| player::toggle_pause(app)>
                <span aria-hidden="true" class="ap-icon">"⏸"</span>
                {move || if paused() { t().resume } else { t().pause }}
            </button>
            <button type="button" class="ap-button" data-testid="stop" on:click=move |_| app.stop_run()>
                <span aria-hidden="true" class="ap-icon">"■"</span>{move || t().stop}
            </button>
            <button type="button" class="ap-button" data-testid="step-back" aria-keyshortcuts="ArrowLeft"
                on:click=move |_| player::step_back(app)>
                <span aria-hidden="true" class="ap-icon">"⏮"</span>{move || t().step_back}
            </button>
            <button type="button" class="ap-button" data-testid="step" aria-keyshortcuts="ArrowRight"
                on:click=move |_| player::step(app)>
                <span aria-hidden="true" class="ap-icon">"⏭"</span>{move || t().step}
            </button>
            <button type="button" class="ap-button" data-testid="reset" on:click=move |_| app.reset()>
                <span aria-hidden="true" class="ap-icon">"↺"</span>{move || t().reset}
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
