//! (being written)
use leptos::prelude::*;

#[component]
pub fn Notices() -> impl IntoView {
    view! { <div></div> }
}
