//! Sizing real computation. A `Cpu { work, estimate_ms }` piece computes what the scenario says
//! (the primes below `work`, `catalog::count_primes_below`), repeated so that one piece takes
//! about `estimate_ms` of scenario time on this device. The repeat count is measured once on the
//! main thread and the same count is used in workers (`static/worker.js` has the same sieve), so
//! every piece is the same fixed amount of work wherever it runs.

/// Repetitions of a computation taking `one_ms` so that a piece lasts about `target_ms`.
pub fn reps_for(one_ms: f64, target_ms: f64) -> u64 {
    if !(one_ms.is_finite() && target_ms.is_finite()) || target_ms <= 0.0 {
        return 1;
    }
    let one = one_ms.max(0.01);
    (target_ms / one).round().clamp(1.0, 1e6) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_pieces() {
        assert_eq!(reps_for(5.0, 1000.0), 200);
        assert_eq!(reps_for(5.0, 1.0), 1);
        assert_eq!(reps_for(f64::NAN, 10.0), 1);
        assert_eq!(reps_for(0.0, 10.0), 1000);
        assert_eq!(reps_for(2.0, -1.0), 1);
    }
}
