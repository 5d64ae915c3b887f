//! Async Playground: the pure model (tested natively) and, in the browser, the runtime and UI.
pub mod lessons;
pub mod model;

// UI words: pure, so the tables are tested natively too.
pub mod i18n;
// The runtime's pure pieces (timer grouping, semaphore) are unit-tested natively.
pub mod runtime;
#[cfg(target_arch = "wasm32")]
pub mod ui;
