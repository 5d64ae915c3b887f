//! The player: drives the pure reducer (`model::player`) from the engine's events and from
//! animation frames, mirrors its view state into `run_state` / `view_t`, and owns the keyboard
//! shortcuts. The engine cannot be paused (real timers); Pause pauses what the page shows.
use std::cell::Cell;
use std::rc::Rc;

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::{now_ms, AppState, RunState};
use crate::model::params::{is_speed, SPEEDS};
use crate::model::player::{Action, RunState as ViewState};

/// Applies `action` and mirrors the view into `run_state` and `view_t`.
pub fn dispatch(app: AppState, action: Action) {
    app.player.update(|p| p.reduce(action));
    dispatch_mirror(app);
}

/// What the engine feed has passed to the reducer so far.
#[derive(Default)]
struct Feed {
    run_id: u64,
    fed: Vec<usize>,
    /// The engine's clock speed for this run (scenario ms per real ms).
    speed: f64,
}

/// Called once by `App`: the seeing context, the engine → reducer feed, the view speed and the
/// keyboard shortcuts.
pub fn install(app: AppState) {
    super::lanes::provide(app);
    let feed = StoredValue::new_local(Feed::default());
    Effect::new(move |_| {
        let run_id = app.run_id.get();
        app.live_version.track();
        let result = app
            .result
            .with(|r| r.as_ref().map(|r| (r.run_id, r.cancelled)));
        let theirs = app.run_state.get();
        untrack(|| on_engine(app, feed, run_id, result, theirs));
    });
    // One animation-frame loop while the view plays (a paused or ended view costs nothing).
    let playing = Memo::new(move |_| app.player.with(|p| p.state == ViewState::Running));
    let looping = Rc::new(Cell::new(false));
    Effect::new(move |_| {
        if playing.get() && !looping.replace(true) {
            frame(app, feed, looping.clone(), now_ms());
        }
    });
    Effect::new(move |_| {
        let speed = app.speed.get();
        untrack(|| dispatch(app, Action::SetSpeed(speed)));
    });
    let handle = window_event_listener(ev::keydown, move |e| on_key(app, e));
    on_cleanup(move || handle.remove());
}

fn on_engine(
    app: AppState,
    feed: StoredValue<Feed, LocalStorage>,
    run_id: u64,
    result: Option<(u64, bool)>,
    theirs: RunState,
) {
    let (engine_running, ours) = app.player.with_untracked(|p| (p.engine_running, p.state));
    let new_run = feed.with_value(|f| f.run_id != run_id);
    if new_run && run_id != 0 && theirs != RunState::Idle {
        let (programs, one_after_another) = app
            .built
            .with_untracked(|b| (b.programs.len(), b.one_after_another));
        feed.set_value(Feed {
            run_id,
            fed: vec![0; programs],
            speed: app.speed.get_untracked(),
        });
        dispatch(
            app,
            Action::Run {
                programs,
                one_after_another,
            },
        );
    }
    feed_events(app, feed);
    let engine_running = engine_running || new_run;
    match result {
        Some((rid, cancelled)) if rid == run_id && engine_running => {
            if cancelled {
                dispatch(app, Action::Stop);
            }
            dispatch(
                app,
                Action::EngineFinished {
                    at: f64::NAN,
                    cancelled,
                },
            );
        }
        _ if theirs == RunState::Cancelled && ours != ViewState::Cancelled => {
            // Stop pressed: the engine's own report follows; a replay simply ends.
            dispatch(app, Action::Stop);
        }
        _ if theirs == RunState::Idle && ours != ViewState::Idle => {
            feed.set_value(Feed {
                run_id,
                ..Feed::default()
            });
            dispatch(app, Action::Reset);
        }
        // Anyone else's write of `run_state` is answered with the view's own state.
        _ => dispatch_mirror(app),
    }
}

/// Passes the events flushed into `live` since the last call to the reducer, in time order.
fn feed_events(app: AppState, feed: StoredValue<Feed, LocalStorage>) {
    let one_after_another = app.built.with_untracked(|b| b.one_after_another);
    let mut batch: Vec<(usize, f64)> = Vec::new();
    app.live.with_untracked(|live| {
        feed.update_value(|f| {
            for (p, events) in live.iter().enumerate() {
                let Some(done) = f.fed.get_mut(p) else {
                    continue;
                };
                batch.extend(events.iter().skip(*done).map(|e| (p, e.t)));
                *done = events.len().max(*done);
            }
        })
    });
    if batch.is_empty() {
        return;
    }
    // One clock: by time (stable: ties keep program order). One after another: by program.
    if one_after_another {
        batch.sort_by_key(|&(p, _)| p);
    } else {
        batch.sort_by(|a, b| a.1.total_cmp(&b.1));
    }
    app.player.update(|pl| {
        for (program, t) in batch {
            pl.reduce(Action::EngineEvent { program, t });
        }
    });
    dispatch_mirror(app);
}

fn frame(app: AppState, feed: StoredValue<Feed, LocalStorage>, looping: Rc<Cell<bool>>, last: f64) {
    request_animation_frame(move || {
        let now = now_ms();
        let speed = feed.with_value(|f| f.speed);
        let engine_now = app.player.with_untracked(|p| p.engine_running).then(|| {
            app.run_t0
                .get_untracked()
                .map(|t0| (now - t0) * run_speed(speed))
        });
        let running = app.player.with_untracked(|p| p.state == ViewState::Running);
        if running {
            app.player.update(|p| {
                p.reduce(Action::Tick {
                    dt: now - last,
                    engine_now: engine_now.flatten(),
                })
            });
            dispatch_mirror(app);
        }
        if app.player.with_untracked(|p| p.state == ViewState::Running) {
            frame(app, feed, looping, now);
        } else {
            looping.set(false);
        }
    });
}

// The engine's clock speed is fixed when a run starts; the view assumes the setting then.
fn run_speed(speed: f64) -> f64 {
    if is_speed(speed) {
        speed
    } else {
        1.0
    }
}

/// Mirrors the view state into `run_state` and `view_t` (written only when they differ).
fn dispatch_mirror(app: AppState) {
    let (state, at) = app.player.with_untracked(|p| (p.state, p.view_at));
    if app.run_state.get_untracked() != state {
        app.run_state.set(state);
    }
    if app.view_t.get_untracked() != at {
        app.view_t.set(at);
    }
}

/// Pause button: pauses a running view, resumes a paused one (or replays a finished one).
pub fn toggle_pause(app: AppState) {
    let s = app.player.with_untracked(|p| p.state);
    match s {
        ViewState::Running => dispatch(app, Action::Pause),
        ViewState::Paused | ViewState::Finished | ViewState::Cancelled => {
            dispatch(app, Action::Play)
        }
        ViewState::Idle => {
            app.start_run();
        }
    }
}

/// Pauses and moves the cursor to the next recorded event.
pub fn step(app: AppState) {
    dispatch(app, Action::StepForward);
}

/// Moves the cursor back to the previous recorded event.
pub fn step_back(app: AppState) {
    dispatch(app, Action::StepBack);
}

/// Plays the recorded run again from 0 (the engine does not run again).
pub fn replay(app: AppState) {
    dispatch(app, Action::Replay);
}

/// The next offered speed up (`+1`) or down (`-1`).
pub fn nudge_speed(app: AppState, dir: i32) {
    let cur = app.speed.get_untracked();
    let i = SPEEDS.iter().position(|(s, _)| *s == cur).unwrap_or(2) as i32;
    let j = (i + dir).clamp(0, SPEEDS.len() as i32 - 1) as usize;
    if let Some(&(s, _)) = SPEEDS.get(j) {
        if s != cur {
            app.settings.update(|st| st.speed = s);
        }
    }
}

fn on_key(app: AppState, e: web_sys::KeyboardEvent) {
    if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
        return;
    }
    // Keys typed into a control belong to that control (a focused button takes Space itself).
    let interactive = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            el.closest("input, select, textarea, button, a, [role=tab], [role=radio], [role=slider], [contenteditable]")
                .ok()
                .flatten()
                .is_some()
        });
    if interactive {
        return;
    }
    let handled = match e.key().as_str() {
        " " | "Spacebar" => {
            toggle_pause(app);
            true
        }
        "ArrowRight" => {
            step(app);
            true
        }
        "ArrowLeft" => {
            step_back(app);
            true
        }
        // Run advertises R: from idle (nothing recorded yet) it starts a run; after one it
        // plays the recorded run again.
        "r" | "R" => {
            if app
                .player
                .with_untracked(|p| p.state == ViewState::Idle || p.at.is_empty())
            {
                app.start_run();
            } else {
                replay(app);
            }
            true
        }
        "+" | "=" => {
            nudge_speed(app, 1);
            true
        }
        "-" | "_" => {
            nudge_speed(app, -1);
            true
        }
        _ => false,
    };
    if handled {
        e.prevent_default();
    }
}

/// Shortcut keys, listed on screen (WCAG: shortcuts must be discoverable).
pub const KEYS: [(&str, &str); 6] = [
    ("Space", "play"),
    ("→", "step"),
    ("←", "back"),
    ("R", "run / replay"),
    ("+", "faster"),
    ("−", "slower"),
];
