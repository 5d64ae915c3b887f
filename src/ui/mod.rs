//! Leptos components, one per file.
use leptos::prelude::*;

pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(
        || view! { <main data-testid="app" data-run-state="idle">"Async Playground"</main> },
    );
}
