//! The mode radiogroup (WAI-ARIA radio pattern): one tab stop, arrow keys move and select.
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::use_app;
use crate::i18n::ui;
use crate::model::catalog;
use crate::model::params::ViewMode;

#[component]
pub fn ModeGroup() -> impl IntoView {
    let app = use_app();
    let t = move || ui(app.lang.get());
    let mistake_fix = move || catalog::info(&app.scenario.get()).is_some_and(|i| i.mistake_and_fix);
    let label = move |m: ViewMode| match m {
        ViewMode::Sequential if mistake_fix() => t().the_mistake,
        ViewMode::Concurrent if mistake_fix() => t().the_fix,
        m => t().mode_label(m),
    };
    let choose = move |m: ViewMode| app.update_settings(|s| s.mode = m);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let all = ViewMode::ALL;
        let at = all
            .iter()
            .position(|m| *m == app.mode.get_untracked())
            .unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => (at + 1) % all.len(),
            "ArrowLeft" | "ArrowUp" => (at + all.len() - 1) % all.len(),
            "Home" => 0,
            "End" => all.len() - 1,
            _ => return,
        };
        ev.prevent_default();
        choose(all[next]);
        // Focus follows the selection, as the radio pattern expects.
        let group = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let sel = format!("[data-value=\"{}\"]", all[next].as_str());
        if let Some(el) = group
            .and_then(|g| g.query_selector(&sel).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    };
    view! {
        <div class="ap-field ap-mode">
            <span id="ap-mode-label">{move || t().mode}</span>
            <div
                class="ap-segmented"
                role="radiogroup"
                aria-labelledby="ap-mode-label"
                data-testid="mode"
                on:keydown=on_key
            >
                {ViewMode::ALL
                    .iter()
                    .map(|m| {
                        let m = *m;
                        let checked = move || app.mode.get() == m;
                        view! {
                            <button
                                type="button"
                                role="radio"
                                class="ap-segment"
                                data-testid="mode-option"
                                data-value=m.as_str()
                                aria-checked=move || checked().to_string()
                                tabindex=move || if checked() { "0" } else { "-1" }
                                on:click=move |_| choose(m)
                            >
                                {move || label(m)}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
        </div>
    }
}
