//! Leptos components, one per file, reading the shared [`state::AppState`] context.
pub mod app;
pub mod code_view;
pub mod console;
pub mod controls;
pub mod embed;
pub mod error_panel;
pub mod figures;
pub mod legend;
pub mod lesson_panel;
pub mod notices;
pub mod player;
pub mod predict;
pub mod presenter;
pub mod state;
pub mod storage;
pub mod table_view;
pub mod timeline;
pub mod timeline_canvas;

/// Entry point (called by `main`): panic hook, mount, readiness mark.
pub fn start() {
    error_panel::install_panic_hook();
    let initial = crate::model::params::Settings::default();
    leptos::mount::mount_to_body(
        move || leptos::prelude::view! { <app::App initial=initial.clone() /> },
    );
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        // The bench measures module start → interactive between boot.js's mark and this one.
        let _ = p.mark("ap-interactive");
    }
}
