//! Which wait a browser timer wakes, and in which order: pure bookkeeping (no browser types), so
//! it is unit-tested natively. `sleep.rs` puts real `setTimeout`s and promises behind it.
//!
//! Waits are keyed by their *ideal* deadline (integer scenario ms, known exactly because the
//! program is data) and a start sequence number. A group is what one browser timer wakes:
//! - `Loop::Asyncio`: every wait with the same ideal deadline joins one group, so one timer wakes
//!   them in start order and what they make ready runs after all of them (asyncio's ready queue).
//! - `Loop::Browser`: one group (one timer, one macrotask) per wait.
//!
//! Browser timers are not trusted to fire in deadline order (`setTimeout` truncates its delay to
//! whole ms, so two waits with one ideal deadline started 0.3 ms apart can swap). So a firing timer
//! does not wake "its" group: it wakes the *head* (earliest key). Armed timers and groups stay
//! one-to-one in count, so every group is woken by exactly one firing.
use std::collections::BTreeMap;

/// Orders groups: ideal deadline first, then start order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub deadline: u64,
    pub seq: u64,
}

/// The browser side of the queue: arms and clears real timers.
pub trait TimerHost {
    /// Arms a timer for ideal `deadline`; returns the host's id (e.g. `setTimeout`'s handle).
    /// When it fires, the host calls [`TimerQueue::fire`] with `key`.
    fn arm(&mut self, key: Key) -> i32;
    fn clear(&mut self, id: i32);
}

struct Group<G> {
    payload: G,
    waiters: usize,
}

/// Pending waits of one program, grouped per its event loop.
pub struct TimerQueue<G> {
    group_equal_deadlines: bool,
    groups: BTreeMap<Key, Group<G>>,
    /// Armed host timers, each under the key it was armed for.
    armed: BTreeMap<Key, i32>,
    next_seq: u64,
}

/// What a firing timer does.
pub enum Fired<G> {
    /// Wake these groups, in this order (their payloads).
    Wake(Vec<(Key, G)>),
    /// Nothing is due yet (the timer fired early or was stale): it was re-armed.
    NotYet,
}

impl<G> TimerQueue<G> {
    pub fn new(group_equal_deadlines: bool) -> Self {
        TimerQueue {
            group_equal_deadlines,
            groups: BTreeMap::new(),
            armed: BTreeMap::new(),
            next_seq: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    pub fn armed_count(&self) -> usize {
        self.armed.len()
    }

    /// Adds a wait for ideal `deadline`. Joins an existing group (asyncio, same deadline) or
    /// creates one with `make()` and arms a timer for it. Returns the group's key; the payload is
    /// reachable with [`TimerQueue::payload`].
    pub fn add(
        &mut self,
        deadline: u64,
        host: &mut impl TimerHost,
        make: impl FnOnce() -> G,
    ) -> Key {
        if self.group_equal_deadlines {
            let from = Key { deadline, seq: 0 };
            let to = Key {
                deadline,
                seq: u64::MAX,
            };
            if let Some((key, group)) = self.groups.range_mut(from..=to).next() {
                group.waiters += 1;
                return *key;
            }
        }
        let key = Key {
            deadline,
            seq: self.next_seq,
        };
        self.next_seq += 1;
        self.groups.insert(
            key,
            Group {
                payload: make(),
                waiters: 1,
            },
        );
        let id = host.arm(key);
        self.armed.insert(key, id);
        key
    }

    pub fn payload(&self, key: Key) -> Option<&G> {
        self.groups.get(&key).map(|g| &g.payload)
    }

    /// A wait left before its timer fired (its task was cancelled). When its group empties, the
    /// group goes and one armed timer is cleared; the group's payload is returned so the caller
    /// can release it (settle its promise).
    pub fn remove(&mut self, key: Key, host: &mut impl TimerHost) -> Option<G> {
        let group = self.groups.get_mut(&key)?;
        group.waiters = group.waiters.saturating_sub(1);
        if group.waiters > 0 {
            return None;
        }
        let group = self.groups.remove(&key)?;
        self.disarm_one(Some(key), host);
        Some(group.payload)
    }

    /// Clears the timer armed for `prefer` if still armed, else the earliest armed one (it was
    /// left over when another timer woke its group early).
    fn disarm_one(&mut self, prefer: Option<Key>, host: &mut impl TimerHost) {
        let id = match prefer.and_then(|k| self.armed.remove(&k)) {
            Some(id) => Some(id),
            None => self.armed.pop_first().map(|(_, id)| id),
        };
        if let Some(id) = id {
            host.clear(id);
        }
    }

    /// The timer armed for `fired` ran. `ideal_now` is the program's ideal clock (it may be past
    /// deadlines when a blocking call held the thread); `due(deadline)` says whether the real
    /// time for an ideal deadline has come. Wakes the head group, and under asyncio every other
    /// group whose deadline is no later (asyncio runs all timers due at one loop turn first).
    pub fn fire(
        &mut self,
        fired: Key,
        ideal_now: u64,
        due: impl Fn(u64) -> bool,
        host: &mut impl TimerHost,
    ) -> Fired<G> {
        if self.armed.remove(&fired).is_none() {
            // Cleared or unknown: a stale callback must not wake anyone.
            return Fired::NotYet;
        }
        let head = match self.groups.keys().next() {
            Some(k) => *k,
            None => return Fired::NotYet,
        };
        if !due(head.deadline) {
            // Fired early (or out of order): keep the count one-to-one and wait for the head.
            let id = host.arm(head);
            self.armed.insert(head, id);
            return Fired::NotYet;
        }
        let mut woken = Vec::new();
        if let Some(g) = self.groups.remove(&head) {
            woken.push((head, g.payload));
        }
        if self.group_equal_deadlines {
            let limit = ideal_now.max(head.deadline);
            while let Some(k) = self.groups.keys().next().copied() {
                if k.deadline > limit {
                    break;
                }
                if let Some(g) = self.groups.remove(&k) {
                    woken.push((k, g.payload));
                }
                self.disarm_one(Some(k), host);
            }
        }
        Fired::Wake(woken)
    }

    /// Empties the queue (stop): clears every armed timer and hands back every payload.
    pub fn clear_all(&mut self, host: &mut impl TimerHost) -> Vec<G> {
        for (_, id) in std::mem::take(&mut self.armed) {
            host.clear(id);
        }
        std::mem::take(&mut self.groups)
            .into_values()
            .map(|g| g.payload)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct FakeHost {
        next: i32,
        armed: Vec<(i32, Key)>,
        cleared: Vec<i32>,
    }

    impl TimerHost for FakeHost {
        fn arm(&mut self, key: Key) -> i32 {
            self.next += 1;
            self.armed.push((self.next, key));
            self.next
        }
        fn clear(&mut self, id: i32) {
            self.cleared.push(id);
            self.armed.retain(|(i, _)| *i != id);
        }
    }

    fn woken(f: Fired<&'static str>) -> Vec<&'static str> {
        match f {
            Fired::Wake(v) => v.into_iter().map(|(_, g)| g).collect(),
            Fired::NotYet => vec![],
        }
    }

    #[test]
    fn asyncio_shares_one_timer_per_deadline() {
        let mut h = FakeHost::default();
        let mut q = TimerQueue::new(true);
        let a = q.add(1000, &mut h, || "g1000");
        let b = q.add(1000, &mut h, || "other");
        let c = q.add(500, &mut h, || "g500");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(h.armed.len(), 2);
        assert_eq!(woken(q.fire(c, 500, |_| true, &mut h)), vec!["g500"]);
        assert_eq!(woken(q.fire(a, 1000, |_| true, &mut h)), vec!["g1000"]);
        assert!(q.is_empty());
        assert_eq!(q.armed_count(), 0);
    }

    #[test]
    fn browser_has_one_timer_per_wait_in_start_order() {
        let mut h = FakeHost::default();
        let mut q = TimerQueue::new(false);
        let a = q.add(1000, &mut h, || "a");
        let b = q.add(1000, &mut h, || "b");
        assert_ne!(a, b);
        assert_eq!(h.armed.len(), 2);
        // The browser ran b's timer first (truncated delay): a is still woken first.
        assert_eq!(woken(q.fire(b, 1000, |_| true, &mut h)), vec!["a"]);
        assert_eq!(woken(q.fire(a, 1000, |_| true, &mut h)), vec!["b"]);
        assert_eq!(q.armed_count(), 0);
    }

    #[test]
    fn early_fire_rearms_instead_of_waking() {
        let mut h = FakeHost::default();
        let mut q = TimerQueue::new(false);
        let a = q.add(1000, &mut h, || "a");
        assert!(matches!(q.fire(a, 0, |_| false, &mut h), Fired::NotYet));
        assert_eq!(q.armed_count(), 1);
        assert_eq!(q.len(), 1);
        let (_, k) = h.armed[h.armed.len() - 1];
        assert_eq!(woken(q.fire(k, 1000, |_| true, &mut h)), vec!["a"]);
    }

    #[test]
    fn removing_the_last_waiter_clears_its_timer() {
        let mut h = FakeHost::default();
        let mut q = TimerQueue::new(true);
        let a = q.add(1000, &mut h, || "a");
        q.add(1000, &mut h, || "unused");
        assert_eq!(q.remove(a, &mut h), None);
        assert!(h.cleared.is_empty());
        assert_eq!(q.remove(a, &mut h), Some("a"));
        assert_eq!(h.cleared.len(), 1);
        assert_eq!(q.armed_count(), 0);
        // A cleared timer's late callback wakes nobody.
        assert!(matches!(q.fire(a, 1000, |_| true, &mut h), Fired::NotYet));
    }

    #[test]
    fn remove_after_an_out_of_order_fire_keeps_counts_equal() {
        let mut h = FakeHost::default();
        let mut q = TimerQueue::new(false);
        let a = q.add(1000, &mut h, || "a");
        let b = q.add(1000, &mut h, || "b");
        // b's timer woke a; b remains, a's timer still armed.
        assert_eq!(woken(q.fire(b, 1000, |_| true, &mut h)), vec!["a"]);
        assert_eq!(q.remove(b, &mut h), Some("b"));
        assert_eq!(q.armed_count(), 0);
        assert!(matches!(q.fire(a, 1000, |_| true, &mut h), Fired::NotYet));
    }

    #[test]
    fn asyncio_wakes_every_overdue_group_at_once_after_a_block() {
        let mut h = FakeHost::default();
        let mut q = TimerQueue::new(true);
        let a = q.add(500, &mut h, || "500");
        q.add(800, &mut h, || "800");
        q.add(2000, &mut h, || "2000");
        // A blocking call held the thread until ideal 1000.
        assert_eq!(woken(q.fire(a, 1000, |_| true, &mut h)), vec!["500", "800"]);
        assert_eq!(q.armed_count(), 1);
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn clear_all_clears_every_timer() {
        let mut h = FakeHost::default();
        let mut q = TimerQueue::new(false);
        q.add(1, &mut h, || "a");
        q.add(2, &mut h, || "b");
        assert_eq!(q.clear_all(&mut h), vec!["a", "b"]);
        assert!(h.armed.is_empty());
        assert_eq!(q.armed_count(), 0);
    }
}
