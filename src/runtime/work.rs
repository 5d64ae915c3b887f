//! The unit of real computation of `Cpu` steps: test numbers for primality by trial division.
//! Pure, and the same algorithm as `static/worker.js`, so a piece of work costs about the same on
//! the main thread (wasm) and in a Web Worker (JS).

/// Where the numbers tested start: large enough that each test costs some hundred divisions.
pub const FIRST: u64 = 1_000_000;

/// Counts the primes among `n` consecutive numbers from `from`. Cost grows linearly with `n`.
pub fn count_primes(from: u64, n: u64) -> u64 {
    let mut count = 0;
    for k in from..from.saturating_add(n) {
        if is_prime(k) {
            count += 1;
        }
    }
    count
}

fn is_prime(k: u64) -> bool {
    if k < 2 {
        return false;
    }
    if k % 2 == 0 {
        return k == 2;
    }
    let mut d = 3;
    while d * d <= k {
        if k % d == 0 {
            return false;
        }
        d += 2;
    }
    true
}

/// How many numbers make a piece of `ms` real milliseconds at `rate` numbers per ms.
pub fn numbers_for(rate: f64, ms: f64) -> u64 {
    if !(rate.is_finite() && ms.is_finite()) || rate <= 0.0 || ms <= 0.0 {
        return 0;
    }
    (rate * ms).round().min(1e12) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_primes() {
        assert_eq!(count_primes(0, 10), 4);
        assert_eq!(count_primes(0, 100), 25);
        // 1,000,003 is the first prime after a million.
        assert_eq!(count_primes(FIRST, 4), 1);
    }

    #[test]
    fn sizes_pieces() {
        assert_eq!(numbers_for(100.0, 10.0), 1000);
        assert_eq!(numbers_for(f64::NAN, 10.0), 0);
        assert_eq!(numbers_for(100.0, -1.0), 0);
    }
}
