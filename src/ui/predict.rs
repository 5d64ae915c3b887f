//! (being written)
use leptos::prelude::*;

#[component]
pub fn Predict() -> impl IntoView {
    view! { <div></div> }
}
