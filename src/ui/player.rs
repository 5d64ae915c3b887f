//! Player logic: the view cursor, pause, step, step back. OWNER: seeing helper (placeholder
//! created by the UI shell; the controls call these functions — keep their signatures).
use leptos::prelude::*;

use super::state::{AppState, RunState};

/// Called once by `App`: installs whatever drives `view_t` while a run animates.
pub fn install(_app: AppState) {}

/// Pause button: pauses a running view, resumes a paused one.
pub fn toggle_pause(app: AppState) {
    app.run_state.update(|s| {
        *s = match *s {
            RunState::Running => RunState::Paused,
            RunState::Paused => RunState::Running,
            other => other,
        }
    });
}

/// Pauses and moves the cursor to the next recorded event.
pub fn step(app: AppState) {
    if app.run_state.get_untracked() == RunState::Running {
        app.run_state.set(RunState::Paused);
    }
}

/// Moves the cursor back to the previous recorded event.
pub fn step_back(_app: AppState) {}
