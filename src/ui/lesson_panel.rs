//! (being written)
use leptos::prelude::*;

#[component]
pub fn LessonPanel() -> impl IntoView {
    view! { <div></div> }
}
