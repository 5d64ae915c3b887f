//! Holding the main thread: `Block` is a real busy-wait (the page freezes: that is the lesson),
//! `Cpu` is real computation sized on this device.
use std::cell::Cell;
use std::rc::Rc;

use crate::model::scenario::TaskId;
use crate::model::trace::EventKind;

use super::clock;
use super::prog::Prog;
use super::work::{count_primes, numbers_for, FIRST};

thread_local! {
    static RATE: Cell<f64> = const { Cell::new(0.0) };
}

/// Numbers per real ms this device tests on the main thread; measured once (about 20 ms).
pub fn rate() -> f64 {
    let known = RATE.with(|r| r.get());
    if known > 0.0 {
        return known;
    }
    let start = clock::now();
    let mut n = 0u64;
    let chunk = 500;
    let mut sink = 0;
    while clock::now() - start < 20.0 {
        sink += count_primes(FIRST + n, chunk);
        n += chunk;
    }
    let elapsed = (clock::now() - start).max(1.0);
    // `sink` keeps the work from being optimised away.
    let rate = (n as f64 + (sink % 2) as f64 * 0.0) / elapsed;
    RATE.with(|r| r.set(rate));
    rate
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

/// `Cpu`: real computation sized to take about `estimate_ms` of scenario time here (`work`
/// numbers when no estimate is given). The run's ideal clock then follows what it really took.
pub fn cpu(p: &Rc<Prog>, t: TaskId, work: u64, estimate_ms: u64) {
    p.emit(t, EventKind::Block { ms: estimate_ms });
    let n = piece_size(p, work, estimate_ms);
    std::hint::black_box(count_primes(FIRST, n));
    let measured = p.clock.get().t().max(0.0) as u64;
    let ideal = p.ideal_now.get().saturating_add(estimate_ms);
    p.ideal_now.set(ideal.max(measured));
    p.emit(t, EventKind::Unblock);
}

/// Numbers for one piece: the same amount on the main thread and in workers.
pub fn piece_size(p: &Prog, work: u64, estimate_ms: u64) -> u64 {
    if estimate_ms == 0 {
        return work;
    }
    let speed = p.clock.get().speed;
    numbers_for(rate(), estimate_ms as f64 / speed)
}
