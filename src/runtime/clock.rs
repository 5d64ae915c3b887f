//! Real time: `performance.now()` (cached `Performance` object: it is read for every event) and
//! the mapping between scenario milliseconds and real ones.
use std::cell::RefCell;

thread_local! {
    static PERF: RefCell<Option<web_sys::Performance>> = const { RefCell::new(None) };
}

fn with_perf<R>(f: impl FnOnce(&web_sys::Performance) -> R) -> Option<R> {
    PERF.with(|p| {
        let mut p = p.borrow_mut();
        if p.is_none() {
            *p = web_sys::window().and_then(|w| w.performance());
        }
        p.as_ref().map(f)
    })
}

/// Milliseconds since the page's time origin.
pub fn now() -> f64 {
    with_perf(|p| p.now()).unwrap_or_else(js_sys::Date::now)
}

/// The page's time origin (Unix ms): workers report `timeOrigin + now()` and we subtract it.
pub fn time_origin() -> f64 {
    with_perf(|p| p.time_origin()).unwrap_or(0.0)
}

/// One program's clock: scenario time = (real − t0) × speed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunClock {
    pub t0: f64,
    pub speed: f64,
}

impl RunClock {
    pub fn scenario_ms(&self, real: f64) -> f64 {
        (real - self.t0) * self.speed
    }
    pub fn t(&self) -> f64 {
        self.scenario_ms(now())
    }
    /// The real instant (page clock) of ideal scenario time `ideal_ms`.
    pub fn real_of(&self, ideal_ms: u64) -> f64 {
        self.t0 + ideal_ms as f64 / self.speed
    }
}
