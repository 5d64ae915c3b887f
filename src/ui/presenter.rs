//! Presenter mode (projector): no toolbar; a sentence of what is happening at the cursor, the
//! figures, the timeline fitted to the screen, and one discreet line of keys. Keyboard only:
//! the player's keys (`player.rs`) plus N / P (next / previous scenario), L (language), C (the
//! code instead of the timeline), ? (help), Esc (help closed, else presenter left).
use super::lanes::use_seeing;
use super::state::{use_app, AppState};
use super::timeline::panel_title;
use super::words::say;
use crate::i18n::ui;
use crate::model::caption::{caption, ProgramNow};
use crate::model::catalog;
use crate::model::params::Lang;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The scenario `step` places after the current one in the catalog (wrapping).
fn next_scenario(current: &str, step: isize) -> &'static str {
    let ids = catalog::IDS;
    let n = ids.len() as isize;
    let at = ids.iter().position(|id| *id == current).unwrap_or(0) as isize;
    ids[((at + step).rem_euclid(n)) as usize]
}

fn on_key(app: AppState, ev: &web_sys::KeyboardEvent) {
    if ev.default_prevented() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    // Letters typed into a field belong to the field.
    let typing = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            el.closest("input, select, textarea, [contenteditable]")
                .ok()
                .flatten()
                .is_some()
        });
    let presenter = app.presenter.get_untracked();
    match ev.key().as_str() {
        "Escape" if app.help.get_untracked() => app.help.set(false),
        "Escape" if presenter => app.update_settings(|s| s.presenter = false),
        "?" if !typing => app.help.set(true),
        "n" | "N" | "p" | "P" if presenter && !typing => {
            let step = if ev.key().eq_ignore_ascii_case("n") {
                1
            } else {
                -1
            };
            let id = next_scenario(&app.scenario.get_untracked(), step);
            app.update_settings(|s| {
                s.scenario = id.to_string();
                s.params.clear();
                s.src = None;
            });
        }
        "l" | "L" if presenter && !typing => {
            let all = Lang::ALL;
            let at = all
                .iter()
                .position(|l| *l == app.lang.get_untracked())
                .unwrap_or(0);
            let next = all[(at + 1) % all.len()];
            app.update_settings(|s| s.lang = next);
        }
        "c" | "C" if presenter && !typing => app.presenter_code.update(|c| *c = !*c),
        _ => return,
    }
    ev.prevent_default();
}

/// The shortcuts, in the page's language (on screen in presenter mode and in the help).
pub fn key_hints(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let t = ui(lang);
    vec![
        ("Space", t.key_pause),
        ("→", t.key_step),
        ("←", t.key_back),
        ("R", t.key_run),
        ("− / +", t.key_speed),
        (
            "N / P",
            say(
                lang,
                [
                    "Next / previous scenario (presenter)",
                    "Scénario suivant / précédent (présentation)",
                    "Escenario siguiente / anterior (presentación)",
                ],
            ),
        ),
        (
            "L",
            say(
                lang,
                [
                    "Next language (presenter)",
                    "Langue suivante (présentation)",
                    "Idioma siguiente (presentación)",
                ],
            ),
        ),
        (
            "C",
            say(
                lang,
                [
                    "Code or timeline (presenter)",
                    "Code ou frise (présentation)",
                    "Código o línea de tiempo (presentación)",
                ],
            ),
        ),
        ("?", t.key_help),
        ("Esc", t.key_exit),
    ]
}

/// The caption: what the program at work does at the cursor, as the view shows it.
#[component]
fn Caption() -> impl IntoView {
    let app = use_app();
    let s = use_seeing();
    let text = move || {
        let lang = app.lang.get();
        let scenario = app.scenario.get();
        s.version.track();
        let modes = app
            .built
            .with(|b| b.programs.iter().map(|p| p.mode).collect::<Vec<_>>());
        let at = app.player.with(|p| {
            (0..modes.len())
                .map(|i| {
                    (p.state != crate::model::player::RunState::Idle)
                        .then(|| p.cursor(i))
                        .flatten()
                })
                .collect::<Vec<_>>()
        });
        let titles: Vec<String> = modes
            .iter()
            .map(|m| panel_title(lang, &scenario, *m, modes.len()))
            .collect();
        s.sets.with_value(|sets| {
            let empty = crate::model::bars::LaneSet::default();
            let programs: Vec<ProgramNow> = titles
                .iter()
                .enumerate()
                .map(|(i, title)| ProgramNow {
                    title,
                    set: sets.get(i).unwrap_or(&empty),
                    at: at.get(i).copied().flatten(),
                })
                .collect();
            caption(lang, &programs)
        })
    };
    view! { <p class="ap-caption" data-testid="caption">{text}</p> }
}

#[component]
pub fn Presenter() -> impl IntoView {
    let app = use_app();
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| on_key(app, &ev));
    let t = move || ui(app.lang.get());
    // One discreet hint: every key is listed in the help (`?`).
    let hint = move || {
        say(
            app.lang.get(),
            ["keys and help", "touches et aide", "teclas y ayuda"],
        )
    };
    view! {
        <Show when=move || app.presenter.get()>
            <div class="ap-presenter">
                <div class="ap-presenter-head">
                    <div class="ap-presenter-top">
                        <p class="ap-presenter-title">{move || t().scenario_title(&app.scenario.get())}</p>
                        <p class="ap-key-hints" data-testid="presenter-hints"><kbd>"?"</kbd>" "{hint}</p>
                    </div>
                    <Caption />
                </div>
            </div>
        </Show>
    }
}
