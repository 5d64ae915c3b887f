//! The task-lane timeline. OWNER: seeing helper (placeholder created by the UI shell so the crate
//! compiles; replace freely, keep `Timeline`).
use leptos::prelude::*;

use super::state::use_app;

#[component]
pub fn Timeline() -> impl IntoView {
    let app = use_app();
    let lanes = move || {
        app.built
            .with(|b| b.programs.iter().map(|p| p.tasks.len()).sum::<usize>())
    };
    view! { <section class="ap-timeline" data-testid="timeline" data-lanes=lanes data-bars="0"></section> }
}
