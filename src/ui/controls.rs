//! (being written)
use leptos::prelude::*;

#[component]
pub fn Controls() -> impl IntoView {
    view! { <div></div> }
}
