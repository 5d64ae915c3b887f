//! (being written)
use leptos::prelude::*;

#[component]
pub fn Presenter() -> impl IntoView {
    view! { <div></div> }
}
