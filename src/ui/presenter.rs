//! Presenter mode (projector): a one-line caption of what is happening, the speed-up large, key
//! hints along the bottom. The keyboard shortcuts work in every mode.
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::player;
use super::state::{use_app, AppState};
use crate::i18n::{seconds, ui};
use crate::model::params::SPEEDS;
use crate::model::trace::EventKind;

fn shortcut(app: AppState, ev: &web_sys::KeyboardEvent) {
    if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
        return;
    }
    let target = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    // Form fields, the mode radiogroup and focused buttons keep their own keys.
    let own_keys = target.as_ref().is_some_and(|el| {
        matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
            || el
                .closest("[role=radiogroup],[role=tablist]")
                .ok()
                .flatten()
                .is_some()
    });
    let on_button = target.as_ref().is_some_and(|el| el.tag_name() == "BUTTON");
    let key = ev.key();
    if own_keys || (on_button && (key == " " || key == "Enter")) {
        return;
    }
    let step_speed = |up: bool| {
        let now = app.speed.get_untracked();
        let at = SPEEDS.iter().position(|(v, _)| *v == now).unwrap_or(2);
        let next = if up {
            (at + 1).min(SPEEDS.len() - 1)
        } else {
            at.saturating_sub(1)
        };
        app.update_settings(|s| s.speed = SPEEDS[next].0);
    };
    match key.as_str() {
        "r" | "R" => {
            app.start_run();
        }
        " " | "k" => player::toggle_pause(app),
        "ArrowRight" | "." => player::step(app),
        "ArrowLeft" | "," => player::step_back(app),
        "+" | "=" => step_speed(true),
        "-" | "_" => step_speed(false),
        "Escape" if app.presenter.get_untracked() => app.update_settings(|s| s.presenter = false),
        _ => return,
    }
    ev.prevent_default();
}

#[component]
pub fn Presenter() -> impl IntoView {
    let app = use_app();
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| shortcut(app, &ev));
    let t = move || ui(app.lang.get());
    // The latest printed line and its time: what is happening now.
    let caption = move || {
        let lang = app.lang.get();
        app.live.with(|programs| {
            programs
                .iter()
                .flat_map(|p| p.iter())
                .filter(|e| matches!(e.kind, EventKind::Print { .. }))
                .max_by(|a, b| a.t.total_cmp(&b.t))
                .map(|e| match &e.kind {
                    EventKind::Print { text, .. } => format!("{} · {text}", seconds(lang, e.t)),
                    _ => String::new(),
                })
        })
    };
    let hints = move || {
        let t = t();
        [
            ("R", t.key_run),
            ("Space", t.key_pause),
            ("→", t.key_step),
            ("←", t.key_back),
            ("− / +", t.key_speed),
            ("Esc", t.key_exit),
        ]
    };
    view! {
        <Show when=move || app.presenter.get()>
            <div class="ap-presenter">
                <p class="ap-caption" aria-hidden="true">{move || caption().unwrap_or_default()}</p>
                <ul class="ap-keys" aria-label=move || t().keys>
                    {move || hints().into_iter().map(|(k, what)| view! { <li><kbd>{k}</kbd>" "{what}</li> }).collect_view()}
                </ul>
                <button type="button" class="ap-button" on:click=move |_| app.update_settings(|s| s.presenter = false)>
                    {move || t().exit_presenter}
                </button>
            </div>
        </Show>
    }
}
