//! Code views. OWNER: seeing helper (placeholder created by the UI shell; keep `CodeView`).
use leptos::prelude::*;

#[component]
pub fn CodeView() -> impl IntoView {
    view! { <section class="ap-code"><pre data-testid="code"></pre></section> }
}
