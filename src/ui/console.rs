//! The printed output. OWNER: seeing helper (placeholder created by the UI shell; keep `Console`).
use leptos::prelude::*;

#[component]
pub fn Console() -> impl IntoView {
    view! { <section class="ap-console" data-testid="console"></section> }
}
