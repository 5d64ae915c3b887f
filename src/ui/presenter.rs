//! Presenter mode (projector): a one-line caption of what is happening, the speed-up large, key
//! hints along the bottom.
use super::state::{use_app, AppState};
use crate::i18n::{instant, ui};
use crate::model::params::Lang;
use crate::model::trace::EventKind;
use leptos::prelude::*;

/// Esc closes the help, else leaves presenter mode; `?` opens the help. The player's keys live
/// in `player.rs`.
fn on_key(app: AppState, ev: &web_sys::KeyboardEvent) {
    if ev.default_prevented() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    match ev.key().as_str() {
        "Escape" if app.help.get_untracked() => app.help.set(false),
        "Escape" if app.presenter.get_untracked() => app.update_settings(|s| s.presenter = false),
        "?" => app.help.set(true),
        _ => return,
    }
    ev.prevent_default();
}

/// The shortcuts, in the page's language (on screen in presenter mode and in the help).
pub fn key_hints(lang: Lang) -> [(&'static str, &'static str); 7] {
    let t = ui(lang);
    [
        ("Space", t.key_pause),
        ("→", t.key_step),
        ("←", t.key_back),
        ("R", t.key_run),
        ("− / +", t.key_speed),
        ("?", t.key_help),
        ("Esc", t.key_exit),
    ]
}

#[component]
pub fn Presenter() -> impl IntoView {
    let app = use_app();
    let _keys = window_event_listener(leptos::ev::keydown, move |ev| on_key(app, &ev));
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
                    EventKind::Print { text, .. } => format!("{} · {text}", instant(lang, e.t)),
                    _ => String::new(),
                })
        })
    };
    let hints = move || key_hints(app.lang.get());
    view! {
        <Show when=move || app.presenter.get()>
            <div class="ap-presenter">
                <p class="ap-caption" aria-hidden="true">{move || caption().unwrap_or_default()}</p>
                <ul class="ap-key-hints" aria-label=move || t().keys>
                    {move || hints().into_iter().map(|(k, what)| view! { <li><kbd>{k}</kbd>" "{what}</li> }).collect_view()}
                </ul>
                <button type="button" class="ap-button" on:click=move |_| app.update_settings(|s| s.presenter = false)>
                    {move || t().exit_presenter}
                </button>
            </div>
        </Show>
    }
}
