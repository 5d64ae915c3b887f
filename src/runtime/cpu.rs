//! Holding the main thread: `Block` is a real busy-wait (the page freezes: that is the lesson),
//! `Cpu` is real computation sized on this device (`work.rs`), run by the module worker lanes
//! run too (`sieve.rs`).
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::model::catalog::count_primes_below;
use crate::model::scenario::TaskId;
use crate::model::trace::EventKind;

use super::prog::Prog;
use super::work::reps_for;
use super::{clock, sieve};

thread_local! {
    /// Real ms of one `count_primes_below(work)` here, per `work` (measured once per page).
    static ONE_MS: RefCell<HashMap<u64, f64>> = RefCell::new(HashMap::new());
}

/// One computation of `work`: the shared sieve module (the Rust one only if it cannot load).
fn compute(work: u64) -> u64 {
    sieve::count_primes_below(work).unwrap_or_else(|| count_primes_below(work))
}

/// How long the sieve is warmed up before it is timed (main thread) or used (workers).
pub const WARM_MS: f64 = 300.0;

/// Times one computation of `work`: the best of many (at least eleven, for about `WARM_MS`), so
/// the engine's first, unoptimised tier does not count.
pub fn calibrate(work: u64) -> f64 {
    if let Some(ms) = ONE_MS.with(|m| m.borrow().get(&work).copied()) {
        return ms;
    }
    // The engine compiles the sieve in a fast tier only after some calls (in the background):
    // keep calling for a while (the worker warms up the same way), then take the best.
    let mut best = f64::INFINITY;
    let began = clock::now();
    for i in 0..200 {
        let start = clock::now();
        std::hint::black_box(compute(std::hint::black_box(work)));
        best = best.min(clock::now() - start);
        if i >= 10 && clock::now() - began > WARM_MS {
            break;
        }
    }
    ONE_MS.with(|m| m.borrow_mut().insert(work, best));
    best
}

/// Repetitions of `work` making one piece of `estimate_ms` scenario ms at this run's speed.
pub fn reps(p: &Prog, work: u64, estimate_ms: u64) -> u64 {
    let speed = p.clock.get().speed;
    reps_for(calibrate(work), estimate_ms as f64 / speed)
}

/// `Block(ms)`: busy-waits until the ideal end (anchored on the run's clock, so no drift).
pub fn block(p: &Rc<Prog>, t: TaskId, ms: u64) {
    p.emit(t, EventKind::Block { ms });
    let end = p.ideal_now.get().saturating_add(ms);
    let target = p.clock.get().real_of(end);
    while clock::now() < target {}
    p.ideal_now.set(end);
    p.emit(t, EventKind::Unblock);
}

/// After a blocking call: one macrotask in which the browser handles what queued up while the
/// thread was held (a Stop click or key, a `stop` message, a scenario switch), so Stop is
/// honoured within one blocking call. Each call stays one real freeze (the lesson); only the
/// gap between two of them lets the page breathe. Meanwhile the run is held: no other task,
/// timer or JS callback of it acts until this task goes on, so the program still means what it
/// did (nothing else runs between two blocking calls) and a stopped run records nothing more.
pub async fn breathe(p: &Rc<Prog>) {
    if !p.exec.hold_current() {
        return;
    }
    let _guard = Breath(p.clone());
    p.pending_js.set(p.pending_js.get() + 1);
    // 1 ms, not 0: Chromium runs a 0 ms timer before an earlier timer that fell due while the
    // thread was held (a delayed task); with a delay, timers keep their due order.
    let tick = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::new(&mut |res, _| {
        let _ = super::sleep::set_timeout_0(&res, 1);
    }));
    let _ = tick.await;
}

/// Ends the hold however the breath ends (done, or dropped by a timeout or a stop).
struct Breath(Rc<Prog>);

impl Drop for Breath {
    fn drop(&mut self) {
        let p = &self.0;
        p.pending_js.set(p.pending_js.get().saturating_sub(1));
        p.exec.release();
        p.poke_idle();
    }
}

/// `Cpu`: the real computation, repeated to last about `estimate_ms`. The program's ideal clock
/// then follows what it really took, so later waits keep their real length.
pub fn cpu(p: &Rc<Prog>, t: TaskId, work: u64, estimate_ms: u64) {
    p.emit(t, EventKind::Block { ms: estimate_ms });
    for _ in 0..reps(p, work, estimate_ms) {
        std::hint::black_box(compute(std::hint::black_box(work)));
    }
    let measured = p.clock.get().t().max(0.0) as u64;
    let ideal = p.ideal_now.get().saturating_add(estimate_ms);
    p.ideal_now.set(ideal.max(measured));
    p.emit(t, EventKind::Unblock);
}
