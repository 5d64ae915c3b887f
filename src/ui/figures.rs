//! (being written)
use leptos::prelude::*;

#[component]
pub fn Figures() -> impl IntoView {
    view! { <div></div> }
}
