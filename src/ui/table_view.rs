//! The timeline as a table for screen readers. OWNER: seeing helper (placeholder created by the
//! UI shell; keep `TableView`).
use leptos::prelude::*;

#[component]
pub fn TableView() -> impl IntoView {
    view! { <div class="ap-table-view"></div> }
}
