//! The keyboard-shortcut help (WCAG: shortcuts listed on screen and in a help dialog). Opened by
//! `?` or the top bar's button; Esc or Close shuts it and focus returns to the page.
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

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
    view! {
        <Show when=move || app.help.get()>
            <HelpDialog />
        </Show>
    }
}

/// A native modal `<dialog>`: the browser makes the page behind it inert (Tab stays inside),
/// Esc closes it, and focus goes back to where it was.
#[component]
fn HelpDialog() -> impl IntoView {
    let app = use_app();
    let t = move || ui(app.lang.get());
    let dialog = NodeRef::<html::Dialog>::new();
    let close_ref = NodeRef::<html::Button>::new();
    let before = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            if !d.open() {
                let _ = d.show_modal();
            }
            if let Some(b) = close_ref.get() {
                let _ = b.focus();
            }
        }
    });
    on_cleanup(move || {
        // Closed by a shortcut elsewhere (the dialog is removed while open): give focus back.
        if let Some(el) = before
            .as_ref()
            .and_then(|e| e.dyn_ref::<web_sys::HtmlElement>())
        {
            let _ = el.focus();
        }
    });
    let close = move || match dialog.get_untracked() {
        Some(d) => d.close(),
        None => app.help.set(false),
    };
    view! {
        <dialog class="ap-help" node_ref=dialog aria-labelledby="ap-help-title" data-testid="help-dialog"
            on:close=move |_| app.help.set(false)
            // A click on the backdrop lands on the <dialog> itself, not on its content.
            on:click=move |ev| {
                let on_self = ev.target().zip(dialog.get_untracked()).is_some_and(|(t, d)| {
                    let d: &web_sys::EventTarget = d.unchecked_ref();
                    &t == d
                });
                if on_self {
                    close();
                }
            }>
            <div class="ap-help-inner">
                <h2 id="ap-help-title">{move || t().shortcuts}</h2>
                <dl class="ap-help-keys">
                    {move || key_hints(app.lang.get()).into_iter().map(|(k, what)| view! {
                        <dt><kbd>{k}</kbd></dt><dd>{what}</dd>
                    }).collect_view()}
                </dl>
                <button type="button" class="ap-button" node_ref=close_ref on:click=move |_| close()>
                    {move || t().close}
                </button>
            </div>
        </dialog>
    }
}
