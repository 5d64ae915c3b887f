//! Leptos components, one per file, reading the shared [`state::AppState`] context.
pub mod app;
pub mod code_view;
pub mod console;
pub mod controls;
pub mod editor;
pub mod embed;
pub mod embed_api;
pub mod embed_view;
pub mod error_panel;
pub mod event_lab;
pub mod export;
pub mod figures;
pub mod freeze;
pub mod h5p;
pub mod heap;
pub mod help;
pub mod inbound;
pub mod lanes;
pub mod legend;
pub mod lesson_panel;
pub mod lesson_store;
pub mod mode_group;
pub mod notices;
pub mod player;
pub mod player_bar;
pub mod predict;
pub mod presenter;
pub mod queue_lanes;
pub mod share;
pub mod state;
pub mod status;
pub mod storage;
pub mod table_view;
pub mod timeline;
pub mod timeline_canvas;
pub mod url;
pub mod words;

/// Entry point (called by `main`): panic hook, mount, readiness mark.
pub fn start() {
    let perf = web_sys::window().and_then(|w| w.performance());
    if let Some(p) = &perf {
        // Splits module start → interactive into download + compile (before) and mount (after).
        let _ = p.mark("ap-main");
    }
    error_panel::install_panic_hook();
    heap::install_hook();
    let parsed = url::parse_location();
    let panic = parsed.panic;
    leptos::mount::mount_to_body(
        move || leptos::prelude::view! { <app::App parsed=parsed.clone() /> },
    );
    if let Some(p) = &perf {
        // The bench measures module start → interactive between boot.js's mark and this one.
        let _ = p.mark("ap-interactive");
    }
    if panic {
        // `?panic=1`: the test hook proving the crash path (error panel + `error` message).
        panic!("forced panic (?panic=1)");
    }
}
