//! A FIFO semaphore for the interpreter: pure (std wakers only), unit-tested natively.
//! Waiters hold no timer and no JS closure: 10,000 queued downloads cost a `VecDeque` entry each.
use std::collections::{HashSet, VecDeque};
use std::task::Waker;

pub struct Semaphore {
    permits: u32,
    queue: VecDeque<(u64, Waker)>,
    /// Tickets handed a permit by `release` that have not resumed yet.
    granted: HashSet<u64>,
    /// Queued tickets whose task went away: skipped lazily (a stop drops 10,000 waiters at once).
    gone: HashSet<u64>,
    next_ticket: u64,
}

impl Semaphore {
    pub fn new(permits: u32) -> Self {
        Semaphore {
            permits,
            queue: VecDeque::new(),
            granted: HashSet::new(),
            gone: HashSet::new(),
            next_ticket: 0,
        }
    }

    /// Takes a permit at once if one is free and nobody waits (FIFO fairness).
    pub fn try_acquire(&mut self) -> bool {
        if self.permits > 0 && self.waiting() == 0 && self.granted.is_empty() {
            self.permits -= 1;
            true
        } else {
            false
        }
    }

    /// Joins the queue; the ticket is then polled with [`Semaphore::poll_ticket`].
    pub fn enqueue(&mut self, waker: Waker) -> u64 {
        let t = self.next_ticket;
        self.next_ticket += 1;
        self.queue.push_back((t, waker));
        t
    }

    /// True once the ticket holds a permit (it then owns it).
    pub fn poll_ticket(&mut self, ticket: u64, waker: &Waker) -> bool {
        if self.granted.remove(&ticket) {
            return true;
        }
        if let Some(entry) = self.queue.iter_mut().find(|(t, _)| *t == ticket) {
            if !entry.1.will_wake(waker) {
                entry.1 = waker.clone();
            }
        }
        false
    }

    /// Gives the permit to the first waiter (woken: it becomes ready) or back to the pool.
    pub fn release(&mut self) {
        while let Some((t, w)) = self.queue.pop_front() {
            if self.gone.remove(&t) {
                continue;
            }
            self.granted.insert(t);
            w.wake();
            return;
        }
        self.permits = self.permits.saturating_add(1);
    }

    /// A waiter went away (its task was cancelled): leave the queue, or pass on a permit it was
    /// granted but never used.
    pub fn abandon(&mut self, ticket: u64) {
        if self.granted.remove(&ticket) {
            self.release();
        } else {
            self.gone.insert(ticket);
        }
    }

    pub fn waiting(&self) -> usize {
        self.queue.len().saturating_sub(self.gone.len())
    }

    pub fn free(&self) -> u32 {
        self.permits
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn waker() -> (Arc<Count>, Waker) {
        let c = Arc::new(Count(AtomicUsize::new(0)));
        (c.clone(), Waker::from(c))
    }

    #[test]
    fn fifo_grants_on_release() {
        let mut s = Semaphore::new(1);
        assert!(s.try_acquire());
        let (ca, wa) = waker();
        let (cb, wb) = waker();
        let a = s.enqueue(wa.clone());
        let b = s.enqueue(wb.clone());
        assert!(!s.poll_ticket(a, &wa));
        s.release();
        assert_eq!(ca.0.load(Ordering::SeqCst), 1);
        assert_eq!(cb.0.load(Ordering::SeqCst), 0);
        // A newcomer cannot jump the queue while a granted waiter has not resumed.
        assert!(!s.try_acquire());
        assert!(s.poll_ticket(a, &wa));
        assert!(!s.poll_ticket(b, &wb));
        s.release();
        assert!(s.poll_ticket(b, &wb));
        s.release();
        assert_eq!(s.free(), 1);
    }

    #[test]
    fn abandoned_grant_passes_the_permit_on() {
        let mut s = Semaphore::new(1);
        assert!(s.try_acquire());
        let (_, wa) = waker();
        let (cb, wb) = waker();
        let a = s.enqueue(wa);
        let b = s.enqueue(wb.clone());
        s.release();
        s.abandon(a);
        assert_eq!(cb.0.load(Ordering::SeqCst), 1);
        assert!(s.poll_ticket(b, &wb));
        assert_eq!(s.waiting(), 0);
    }

    #[test]
    fn abandoned_waiter_leaves_the_queue() {
        let mut s = Semaphore::new(0);
        let (_, w) = waker();
        let a = s.enqueue(w);
        s.abandon(a);
        assert_eq!(s.waiting(), 0);
        s.release();
        assert_eq!(s.free(), 1);
    }
}
