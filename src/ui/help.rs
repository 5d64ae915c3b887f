//! The keyboard-shortcut help (WCAG: shortcuts listed on screen and in a help dialog). Opened by
//! `?` or the top bar's button; Esc or Close shuts it and focus returns to the page.
use leptos::html;
use leptos::prelude::*;

use super::presenter::key_hints;
use super::state::use_app;
use crate::i18n::ui;

#[component]
pub fn HelpButton() -> impl IntoView {
    let app = use_app();
    view! {
        <button type="button" class="ap-button ap-chrome" data-testid="help" aria-haspopup="dialog"
            aria-keyshortcuts="?" on:click=move |_| app.help.set(true)>
            <span aria-hidden="true">"?"</span>
            <span class="ap-sr-only">{move || ui(app.lang.get()).shortcuts}</span>
        </button>
    }
}

#[component]
pub fn Help() -> impl IntoView {
    let app = use_app();
    let t = move || ui(app.lang.get());
    let close_ref = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if app.help.get() {
            if let Some(b) = close_ref.get() {
                let _ = b.focus();
            }
        }
    });
    view! {
        <Show when=move || app.help.get()>
            <div class="ap-help-backdrop" on:click=move |_| app.help.set(false)></div>
            <div class="ap-help" role="dialog" aria-modal="true" aria-labelledby="ap-help-title" data-testid="help-dialog">
                <h2 id="ap-help-title">{move || t().shortcuts}</h2>
                <dl class="ap-help-keys">
                    {move || key_hints(app.lang.get()).into_iter().map(|(k, what)| view! {
                        <dt><kbd>{k}</kbd></dt><dd>{what}</dd>
                    }).collect_view()}
                </dl>
                <button type="button" class="ap-button" node_ref=close_ref on:click=move |_| app.help.set(false)>
                    {move || t().close}
                </button>
            </div>
        </Show>
    }
}
