//! What the bar patterns mean. OWNER: seeing helper (placeholder created by the UI shell; keep
//! `Legend`).
use leptos::prelude::*;

#[component]
pub fn Legend() -> impl IntoView {
    view! { <div class="ap-legend"></div> }
}
