//! Timeline geometry, pure: trace events → lanes (one per task, grouped under their parent) →
//! bars with a state; the time axis (ticks in seconds) and x/width from start/end.
//! The SVG and canvas renderers only draw what this module computes.
//!
//! A task's state between two of its events is told by the event that opened the stretch:
//! `sleep` → sleeping (timer) until `wake`; `acquire_wait` → waiting (semaphore) until `acquire`;
//! `block` → blocked until `unblock` (on a worker thread the same events mean computing, drawn as
//! running); `start`/`wake`/`acquire`/`unblock` → running while the task keeps emitting events at
//! that instant, then *awaiting* (a child, a gather, a timeout's body) once time passes with no
//! event of its own — an async task only uses time by waiting. `cancel` and `fail` end the task
//! with a zero-length bar of that state (drawn as a "×" / "!" badge).
use std::collections::HashMap;

use super::scenario::TaskId;
use super::trace::{Event, EventKind, TaskInfo};

/// Silence longer than this (scenario ms) after a task's last event means it is awaiting.
/// Measured events of one synchronous run are microseconds apart; a real wait is ≥ 1 timer tick.
pub const GAP_EPS_MS: f64 = 1.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BarState {
    Running,
    Sleeping,
    Awaiting,
    Waiting,
    Blocked,
    Cancelled,
    Failed,
}

impl BarState {
    pub const ALL: [BarState; 7] = [
        BarState::Running,
        BarState::Sleeping,
        BarState::Awaiting,
        BarState::Waiting,
        BarState::Blocked,
        BarState::Cancelled,
        BarState::Failed,
    ];
    /// The `data-state` value (public test hook).
    pub fn as_str(self) -> &'static str {
        match self {
            BarState::Running => "running",
            BarState::Sleeping => "sleeping",
            BarState::Awaiting => "awaiting",
            BarState::Waiting => "waiting",
            BarState::Blocked => "blocked",
            BarState::Cancelled => "cancelled",
            BarState::Failed => "failed",
        }
    }
    /// Badges are drawn at one instant, whatever the bar's length.
    pub fn is_badge(self) -> bool {
        matches!(self, BarState::Cancelled | BarState::Failed)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MarkerKind {
    Print,
    Timeout,
    Cancel,
    Fail,
    Warn,
}

impl MarkerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkerKind::Print => "print",
            MarkerKind::Timeout => "timeout",
            MarkerKind::Cancel => "cancel",
            MarkerKind::Fail => "fail",
            MarkerKind::Warn => "warn",
        }
    }
}

/// Which event opened a bar, so a view can find its code line (`LineMap::line_for`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Index of the event in the trace's events.
    pub event: usize,
    pub kind: &'static str,
    /// How many events of `kind` this task had before this one.
    pub nth: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub state: BarState,
    pub start: f64,
    /// `None` while the stretch is still open: it reaches "now".
    pub end: Option<f64>,
    pub origin: Origin,
}

impl Bar {
    /// The bar's end as drawn at `now`.
    pub fn end_at(&self, now: f64) -> f64 {
        self.end.unwrap_or(now).max(self.start)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub kind: MarkerKind,
    pub t: f64,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub task: TaskId,
    pub name: String,
    pub parent: Option<TaskId>,
    /// Nesting under the parent (main = 0).
    pub depth: u32,
    /// Worker threads compute in parallel: their `block` is drawn as running.
    pub worker: bool,
    pub bars: Vec<Bar>,
    pub markers: Vec<Marker>,
    /// Time of the first and the last event seen (the lane's life so far).
    pub first_t: Option<f64>,
    pub last_t: Option<f64>,
    /// The task has ended (end, fail or cancel).
    pub done: bool,
    /// The latest event applied to this lane (where its code is now).
    pub last: Option<Origin>,
    open: Option<Open>,
    counts: HashMap<&'static str, usize>,
}

/// The stretch a task is in now.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Open {
    /// Resumed at `since`; its latest event was at `last` (awaiting once time passes).
    Active {
        since: f64,
        last: f64,
        origin: Origin,
    },
    /// A wait opened by an event (sleep, acquire_wait, block).
    Wait {
        state: BarState,
        since: f64,
        origin: Origin,
    },
}

impl Lane {
    fn new(info: &TaskInfo, depth: u32) -> Self {
        Lane {
            task: info.id,
            name: info.name.clone(),
            parent: info.parent,
            depth,
            worker: info.thread.as_deref().is_some_and(|t| t != "main"),
            bars: Vec::new(),
            markers: Vec::new(),
            first_t: None,
            last_t: None,
            done: false,
            last: None,
            open: None,
            counts: HashMap::new(),
        }
    }

    /// Closed bars, then the open stretch as it looks at `now` (open bars have `end: None`).
    pub fn bars_at(&self, now: f64) -> Vec<Bar> {
        let mut out = self.bars.clone();
        out.extend(self.open_bars(now));
        out
    }

    /// The open stretch as bars at `now`: an active task that has been silent longer than
    /// `GAP_EPS_MS` shows its running moment, then an open awaiting bar.
    pub fn open_bars(&self, now: f64) -> Vec<Bar> {
        match self.open {
            None => Vec::new(),
            Some(Open::Wait {
                state,
                since,
                origin,
            }) => vec![Bar {
                state,
                start: since,
                end: None,
                origin,
            }],
            Some(Open::Active {
                since,
                last,
                origin,
            }) => {
                if now - last > GAP_EPS_MS {
                    vec![
                        Bar {
                            state: BarState::Running,
                            start: since,
                            end: Some(last),
                            origin,
                        },
                        Bar {
                            state: BarState::Awaiting,
                            start: last,
                            end: None,
                            origin,
                        },
                    ]
                } else {
                    vec![Bar {
                        state: BarState::Running,
                        start: since,
                        end: None,
                        origin,
                    }]
                }
            }
        }
    }

    /// How many events of `kind` this lane has had.
    pub fn count(&self, kind: &str) -> usize {
        self.counts.get(kind).copied().unwrap_or(0)
    }

    /// How many bars `bars_at(now)` returns, without building them.
    pub fn bar_count_at(&self, now: f64) -> usize {
        self.bars.len()
            + match self.open {
                None => 0,
                Some(Open::Wait { .. }) => 1,
                Some(Open::Active { last, .. }) => 1 + usize::from(now - last > GAP_EPS_MS),
            }
    }

    fn origin(&mut self, index: usize, kind: &'static str) -> Origin {
        let n = self.counts.entry(kind).or_insert(0);
        let origin = Origin {
            event: index,
            kind,
            nth: *n,
        };
        *n += 1;
        origin
    }

    /// Ends the open stretch at `t`: an active stretch silent for longer than the gap was
    /// running until its last event, then awaiting until `t`.
    fn close(&mut self, t: f64) {
        match self.open.take() {
            None => {}
            Some(Open::Wait {
                state,
                since,
                origin,
            }) => self.bars.push(Bar {
                state,
                start: since,
                end: Some(t),
                origin,
            }),
            Some(Open::Active {
                since,
                last,
                origin,
            }) => {
                if t - last > GAP_EPS_MS {
                    self.bars.push(Bar {
                        state: BarState::Running,
                        start: since,
                        end: Some(last),
                        origin,
                    });
                    self.bars.push(Bar {
                        state: BarState::Awaiting,
                        start: last,
                        end: Some(t),
                        origin,
                    });
                } else {
                    self.bars.push(Bar {
                        state: BarState::Running,
                        start: since,
                        end: Some(t),
                        origin,
                    });
                }
            }
        }
    }

    /// An event that runs code without changing the state (print, spawn, release, …): an
    /// active task that was silent for a while was awaiting meanwhile and runs again now.
    fn touch(&mut self, t: f64, origin: Origin) {
        match self.open {
            Some(Open::Active { last, .. }) if t - last > GAP_EPS_MS => {
                self.close(t);
                self.open = Some(Open::Active {
                    since: t,
                    last: t,
                    origin,
                });
            }
            Some(Open::Active {
                since, origin: o, ..
            }) => {
                self.open = Some(Open::Active {
                    since,
                    last: t,
                    origin: o,
                })
            }
            // A finished task's cleanup prints, or an event before `start`: no state change.
            _ => {}
        }
    }

    fn resume(&mut self, t: f64, origin: Origin) {
        self.close(t);
        self.open = Some(Open::Active {
            since: t,
            last: t,
            origin,
        });
    }

    fn wait(&mut self, t: f64, state: BarState, origin: Origin) {
        self.close(t);
        self.open = Some(Open::Wait {
            state,
            since: t,
            origin,
        });
    }

    fn finish(&mut self, t: f64, badge: Option<BarState>, origin: Origin) {
        self.close(t);
        if let Some(state) = badge {
            self.bars.push(Bar {
                state,
                start: t,
                end: Some(t),
                origin,
            });
        }
        self.done = true;
    }

    fn apply(&mut self, index: usize, ev: &Event) {
        let t = ev.t;
        self.first_t.get_or_insert(t);
        self.last_t = Some(t);
        let kind = ev.kind.name();
        let origin = self.origin(index, kind);
        self.last = Some(origin);
        match &ev.kind {
            EventKind::Start | EventKind::Wake | EventKind::Acquire | EventKind::Unblock => {
                if !self.done {
                    self.resume(t, origin)
                }
            }
            EventKind::Sleep { .. } => self.wait(t, BarState::Sleeping, origin),
            EventKind::AcquireWait => self.wait(t, BarState::Waiting, origin),
            EventKind::Block { .. } => {
                let state = if self.worker {
                    BarState::Running
                } else {
                    BarState::Blocked
                };
                self.wait(t, state, origin)
            }
            EventKind::End { .. } => self.finish(t, None, origin),
            EventKind::Cancel => {
                self.markers.push(Marker {
                    kind: MarkerKind::Cancel,
                    t,
                    origin,
                });
                self.finish(t, Some(BarState::Cancelled), origin)
            }
            EventKind::Fail { .. } => {
                self.markers.push(Marker {
                    kind: MarkerKind::Fail,
                    t,
                    origin,
                });
                self.finish(t, Some(BarState::Failed), origin)
            }
            EventKind::Print { .. } | EventKind::Timeout | EventKind::Warn { .. } => {
                let kind = match ev.kind {
                    EventKind::Print { .. } => MarkerKind::Print,
                    EventKind::Timeout => MarkerKind::Timeout,
                    _ => MarkerKind::Warn,
                };
                self.markers.push(Marker { kind, t, origin });
                self.touch(t, origin)
            }
            EventKind::Spawn { .. } | EventKind::Release => self.touch(t, origin),
        }
    }
}

/// The lanes of one program, fed event by event (live) or from a whole trace.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LaneSet {
    /// Display order: each task followed by its children (depth-first, by task id).
    pub lanes: Vec<Lane>,
    slot: HashMap<TaskId, usize>,
    /// Events applied so far.
    pub applied: usize,
    /// Time of the latest applied event.
    pub last_t: f64,
    /// The task of the latest applied event.
    pub last_task: Option<TaskId>,
    /// Lane indexes touched since the last `take_dirty` (for incremental drawing).
    dirty: Vec<usize>,
}

impl LaneSet {
    pub fn new(tasks: &[TaskInfo]) -> Self {
        let mut set = LaneSet::default();
        let ids: Vec<TaskId> = tasks.iter().map(|t| t.id).collect();
        // Roots: no parent, or a parent that is not in the list (never lose a lane).
        let mut roots: Vec<&TaskInfo> = tasks
            .iter()
            .filter(|t| t.parent.is_none_or(|p| !ids.contains(&p) || p == t.id))
            .collect();
        roots.sort_by_key(|t| t.id);
        let mut children: HashMap<TaskId, Vec<&TaskInfo>> = HashMap::new();
        for t in tasks {
            if let Some(p) = t.parent {
                if p != t.id && ids.contains(&p) {
                    children.entry(p).or_default().push(t);
                }
            }
        }
        for list in children.values_mut() {
            list.sort_by_key(|t| t.id);
        }
        // Iterative depth-first walk: 10,000 children must not recurse.
        let mut stack: Vec<(&TaskInfo, u32)> = roots.into_iter().rev().map(|t| (t, 0)).collect();
        while let Some((info, depth)) = stack.pop() {
            if set.slot.contains_key(&info.id) {
                continue; // a cycle in parents: show each task once
            }
            set.slot.insert(info.id, set.lanes.len());
            set.lanes.push(Lane::new(info, depth));
            if let Some(kids) = children.get(&info.id) {
                stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
            }
        }
        // Tasks caught in a parent cycle were never reached from a root.
        for t in tasks {
            if !set.slot.contains_key(&t.id) {
                set.slot.insert(t.id, set.lanes.len());
                set.lanes.push(Lane::new(t, 0));
            }
        }
        set
    }

    /// Lanes of a whole trace's events.
    pub fn from_events(tasks: &[TaskInfo], events: &[Event]) -> Self {
        let mut set = LaneSet::new(tasks);
        for e in events {
            set.push(e);
        }
        set
    }

    /// Applies the next event. An event of an unknown task is counted and otherwise ignored.
    pub fn push(&mut self, ev: &Event) {
        let index = self.applied;
        self.applied += 1;
        self.last_t = self.last_t.max(ev.t);
        self.last_task = Some(ev.task);
        if let Some(&i) = self.slot.get(&ev.task) {
            if let Some(lane) = self.lanes.get_mut(i) {
                lane.apply(index, ev);
                if self.dirty.last() != Some(&i) {
                    self.dirty.push(i);
                }
            }
        }
    }

    pub fn lane_of(&self, task: TaskId) -> Option<usize> {
        self.slot.get(&task).copied()
    }

    /// Lane indexes changed since the previous call (deduplicated, ascending).
    pub fn take_dirty(&mut self) -> Vec<usize> {
        let mut d = std::mem::take(&mut self.dirty);
        d.sort_unstable();
        d.dedup();
        d
    }

    /// Total bars drawn at `now` (the `data-bars` count).
    pub fn bar_count_at(&self, now: f64) -> usize {
        self.lanes.iter().map(|l| l.bar_count_at(now)).sum()
    }

    /// The child tasks of `task` that are alive somewhere in `[a, b]`: what an awaiting bar waits
    /// for (at most `max` of them, and how many in all).
    pub fn awaited(&self, task: TaskId, a: f64, b: f64, max: usize) -> (Vec<&str>, usize) {
        let mut names = Vec::new();
        let mut n = 0;
        for l in &self.lanes {
            if l.parent != Some(task) || l.task == task {
                continue;
            }
            let alive = match (l.first_t, l.last_t) {
                (Some(f), Some(e)) => f <= b && (!l.done || e >= a),
                _ => false,
            };
            if alive {
                n += 1;
                if names.len() < max {
                    names.push(l.name.as_str());
                }
            }
        }
        (names, n)
    }
}

/// A tick of the time axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Tick {
    pub ms: f64,
    pub label: String,
    /// Decimals of the label's seconds (the page writes them in its language).
    pub decimals: usize,
}

/// The tick step (ms) giving at most `max_ticks` intervals over `span_ms`: 1, 2 or 5 × 10^k.
pub fn tick_step(span_ms: f64, max_ticks: usize) -> f64 {
    let span = if span_ms.is_finite() && span_ms > 0.0 {
        span_ms
    } else {
        1000.0
    };
    let max = max_ticks.max(1) as f64;
    let mut step = 1.0;
    // Bounded: spans are at most hours of scenario time.
    for _ in 0..40 {
        for m in [1.0, 2.0, 5.0] {
            if span / (step * m) <= max {
                return step * m;
            }
        }
        step *= 10.0;
    }
    step
}

/// The axis end: `ms` rounded up to a whole tick step (at least one second).
pub fn axis_end(ms: f64, max_ticks: usize) -> f64 {
    let ms = if ms.is_finite() { ms.max(1.0) } else { 1000.0 };
    let step = tick_step(ms, max_ticks);
    ((ms / step).ceil() * step).max(step)
}

/// Ticks from 0 to `end_ms` inclusive, labelled in seconds ("0 s", "0.5", "1.0", …).
pub fn ticks(end_ms: f64, max_ticks: usize) -> Vec<Tick> {
    let step = tick_step(end_ms, max_ticks);
    let decimals = if step >= 1000.0 {
        0
    } else if step >= 100.0 {
        1
    } else if step >= 10.0 {
        2
    } else {
        3
    };
    let n = (end_ms / step + 1e-9).floor().max(0.0) as usize;
    (0..=n.min(1000))
        .map(|i| {
            let ms = i as f64 * step;
            let label = if i == 0 {
                "0 s".to_string()
            } else {
                format!("{:.*}", decimals, ms / 1000.0)
            };
            Tick {
                ms,
                label,
                decimals,
            }
        })
        .collect()
}

/// Maps scenario time to x in a drawing of `width` pixels starting at `x0`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub end_ms: f64,
    pub x0: f64,
    pub width: f64,
    /// How far (px) past the axis end an instant may still be drawn where it belongs: a run a
    /// few ms late ends in the margin instead of being squashed onto the last tick.
    pub overhang: f64,
}

impl Scale {
    pub fn new(end_ms: f64, x0: f64, width: f64) -> Self {
        let end_ms = if end_ms.is_finite() && end_ms > 0.0 {
            end_ms
        } else {
            1000.0
        };
        Scale {
            end_ms,
            x0,
            width: width.max(1.0),
            overhang: 0.0,
        }
    }
    /// The same scale, letting instants up to `px` past the axis end be drawn in place.
    pub fn with_overhang(self, px: f64) -> Self {
        Scale {
            overhang: px.max(0.0),
            ..self
        }
    }
    /// x of an instant, clamped to the drawing (and its overhang).
    pub fn x(&self, t: f64) -> f64 {
        let f = (t / self.end_ms).clamp(0.0, 1.0 + self.overhang / self.width);
        self.x0 + f * self.width
    }
    /// Width of a stretch, at least `min` so an instant stays visible.
    pub fn w(&self, start: f64, end: f64, min: f64) -> f64 {
        (self.x(end) - self.x(start)).max(min)
    }
}

/// The lanes `[first, last)` that intersect a viewport scrolled to `scroll_top` (px), with lanes
/// of `lane_h` px: what a virtualised renderer draws.
pub fn visible_lanes(scroll_top: f64, view_h: f64, lane_h: f64, n: usize) -> (usize, usize) {
    if n == 0 || lane_h <= 0.0 || !scroll_top.is_finite() || !view_h.is_finite() {
        return (0, 0);
    }
    let first = (scroll_top.max(0.0) / lane_h).floor() as usize;
    let last = ((scroll_top.max(0.0) + view_h.max(0.0)) / lane_h).ceil() as usize;
    (first.min(n), last.min(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: TaskId, name: &str, parent: Option<TaskId>) -> TaskInfo {
        TaskInfo {
            id,
            name: name.to_string(),
            parent,
            thread: None,
        }
    }
    fn ev(t: f64, task: TaskId, kind: EventKind) -> Event {
        Event { t, task, kind }
    }
    fn print(s: &str) -> EventKind {
        EventKind::Print {
            text: s.to_string(),
            queue: None,
            stream: None,
        }
    }
    fn states(l: &Lane) -> Vec<(&'static str, f64, Option<f64>)> {
        l.bars
            .iter()
            .map(|b| (b.state.as_str(), b.start, b.end))
            .collect()
    }

    /// Breakfast, concurrent, ideal (SCENARIOS.md worked example).
    fn breakfast() -> (Vec<TaskInfo>, Vec<Event>) {
        let tasks = vec![
            task(0, "main", None),
            task(1, "toast", Some(0)),
            task(2, "coffee", Some(0)),
        ];
        let events = vec![
            ev(0.0, 0, EventKind::Start),
            ev(0.0, 0, EventKind::Spawn { child: 1 }),
            ev(0.0, 0, EventKind::Spawn { child: 2 }),
            ev(0.0, 1, EventKind::Start),
            ev(0.0, 1, print("toast: in the toaster")),
            ev(0.0, 1, EventKind::Sleep { ms: 2000 }),
            ev(0.0, 2, EventKind::Start),
            ev(0.0, 2, print("coffee: brewing")),
            ev(0.0, 2, EventKind::Sleep { ms: 2000 }),
            ev(2000.0, 1, EventKind::Wake),
            ev(2000.0, 1, print("toast: golden")),
            ev(2000.0, 1, EventKind::End { value: None }),
            ev(2000.0, 2, EventKind::Wake),
            ev(2000.0, 2, print("coffee: ready")),
            ev(2000.0, 2, EventKind::End { value: None }),
            ev(2000.0, 0, print("breakfast is served")),
            ev(2000.0, 0, EventKind::End { value: None }),
        ];
        (tasks, events)
    }

    #[test]
    fn sleep_then_wake_is_sleeping() {
        let (tasks, events) = breakfast();
        let set = LaneSet::from_events(&tasks, &events);
        let toast = &set.lanes[1];
        assert_eq!(toast.name, "toast");
        assert_eq!(
            states(toast),
            vec![
                ("running", 0.0, Some(0.0)),
                ("sleeping", 0.0, Some(2000.0)),
                ("running", 2000.0, Some(2000.0)),
            ]
        );
        assert!(toast.done);
        assert_eq!(toast.markers.len(), 2);
        assert!(toast.markers.iter().all(|m| m.kind == MarkerKind::Print));
    }

    #[test]
    fn main_awaiting_its_children() {
        let (tasks, events) = breakfast();
        let set = LaneSet::from_events(&tasks, &events);
        let main = &set.lanes[0];
        assert_eq!(
            states(main),
            vec![
                ("running", 0.0, Some(0.0)),
                ("awaiting", 0.0, Some(2000.0)),
                ("running", 2000.0, Some(2000.0)),
            ]
        );
        let (names, n) = set.awaited(0, 0.0, 2000.0, 5);
        assert_eq!((names, n), (vec!["toast", "coffee"], 2));
        assert_eq!(set.bar_count_at(2000.0), 9);
    }

    #[test]
    fn live_open_bars_reach_now() {
        let (tasks, events) = breakfast();
        // Everything up to t = 0 only: the run is at 1400 ms.
        let set = LaneSet::from_events(&tasks, &events[..9]);
        let main = set.lanes[0].bars_at(1400.0);
        let s: Vec<_> = main.iter().map(|b| (b.state, b.end)).collect();
        assert_eq!(
            s,
            vec![(BarState::Running, Some(0.0)), (BarState::Awaiting, None)]
        );
        assert_eq!(main[1].end_at(1400.0), 1400.0);
        let toast = set.lanes[1].bars_at(1400.0);
        assert_eq!(toast.last().map(|b| b.state), Some(BarState::Sleeping));
        assert_eq!(set.lanes[1].bar_count_at(1400.0), toast.len());
        // An active task is running until time passes without its events.
        let just = LaneSet::from_events(&tasks, &events[..1]);
        assert_eq!(just.lanes[0].bars_at(0.5)[0].state, BarState::Running);
        assert_eq!(just.lanes[0].bar_count_at(0.5), 1);
    }

    #[test]
    fn semaphore_wait_then_acquire_is_waiting() {
        let tasks = vec![task(0, "main", None), task(1, "download 4", Some(0))];
        let events = vec![
            ev(0.0, 1, EventKind::Start),
            ev(0.0, 1, EventKind::AcquireWait),
            ev(1000.0, 1, EventKind::Acquire),
            ev(1000.0, 1, EventKind::Sleep { ms: 1000 }),
            ev(2000.0, 1, EventKind::Wake),
            ev(2000.0, 1, EventKind::Release),
            ev(2000.0, 1, EventKind::End { value: None }),
        ];
        let set = LaneSet::from_events(&tasks, &events);
        let got: Vec<_> = set.lanes[1].bars.iter().map(|b| b.state).collect();
        assert_eq!(
            got,
            vec![
                BarState::Running,
                BarState::Waiting,
                BarState::Running,
                BarState::Sleeping,
                BarState::Running
            ]
        );
        assert_eq!(set.lanes[1].bars[1].start, 0.0);
        assert_eq!(set.lanes[1].bars[1].end, Some(1000.0));
        // Code-line lookup: the second `start`-less resume is the first `acquire`.
        assert_eq!(set.lanes[1].bars[2].origin.kind, "acquire");
        assert_eq!(set.lanes[1].bars[2].origin.nth, 0);
        assert_eq!(set.lanes[1].bars[2].origin.event, 2);
        assert_eq!(set.lanes[1].count("acquire"), 1);
        assert_eq!(set.lanes[1].count("print"), 0);
        assert_eq!(
            set.lanes[1].last.map(|o| (o.kind, o.event)),
            Some(("end", 6))
        );
    }

    #[test]
    fn block_is_blocked_on_main_thread_running_on_a_worker() {
        let mut worker = task(2, "worker 1", Some(0));
        worker.thread = Some("worker-1".into());
        let tasks = vec![task(0, "main", None), task(1, "job", Some(0)), worker];
        let events = vec![
            ev(0.0, 1, EventKind::Start),
            ev(0.0, 1, EventKind::Block { ms: 1000 }),
            ev(1000.0, 1, EventKind::Unblock),
            ev(1000.0, 1, EventKind::End { value: None }),
            ev(1000.0, 2, EventKind::Start),
            ev(1000.0, 2, EventKind::Block { ms: 500 }),
            ev(1500.0, 2, EventKind::Unblock),
        ];
        let set = LaneSet::from_events(&tasks, &events);
        assert_eq!(set.lanes[1].bars[1].state, BarState::Blocked);
        assert_eq!(set.lanes[1].bars[1].end, Some(1000.0));
        assert_eq!(set.lanes[2].bars[1].state, BarState::Running);
    }

    #[test]
    fn cancel_ends_the_wait_with_a_cancelled_badge() {
        // weather: server B sleeps 5000, cancelled at 3000, prints on cancellation.
        let tasks = vec![task(0, "main", None), task(1, "B", Some(0))];
        let events = vec![
            ev(0.0, 0, EventKind::Start),
            ev(0.0, 1, EventKind::Start),
            ev(0.0, 1, EventKind::Sleep { ms: 5000 }),
            ev(3000.0, 1, EventKind::Cancel),
            ev(3000.0, 1, print("B: cancelled")),
            ev(3000.0, 0, EventKind::Timeout),
            ev(3000.0, 0, print("timed out")),
            ev(3000.0, 0, EventKind::End { value: None }),
        ];
        let set = LaneSet::from_events(&tasks, &events);
        assert_eq!(
            states(&set.lanes[1]),
            vec![
                ("running", 0.0, Some(0.0)),
                ("sleeping", 0.0, Some(3000.0)),
                ("cancelled", 3000.0, Some(3000.0)),
            ]
        );
        // Cleanup prints after the cancel change nothing but add a marker.
        let kinds: Vec<_> = set.lanes[1].markers.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, vec![MarkerKind::Cancel, MarkerKind::Print]);
        assert!(set.lanes[1].open_bars(4000.0).is_empty());
        let main_kinds: Vec<_> = set.lanes[0].markers.iter().map(|m| m.kind).collect();
        assert_eq!(main_kinds, vec![MarkerKind::Timeout, MarkerKind::Print]);
        assert_eq!(
            set.lanes[0]
                .bars
                .iter()
                .map(|b| b.state)
                .collect::<Vec<_>>(),
            vec![BarState::Running, BarState::Awaiting, BarState::Running]
        );
    }

    #[test]
    fn fail_gives_a_failed_badge() {
        let tasks = vec![task(0, "B", None)];
        let events = vec![
            ev(0.0, 0, EventKind::Start),
            ev(0.0, 0, EventKind::Sleep { ms: 500 }),
            ev(500.0, 0, EventKind::Fail { error: "no".into() }),
        ];
        let set = LaneSet::from_events(&tasks, &events);
        let last = set.lanes[0].bars.last().map(|b| (b.state, b.start));
        assert_eq!(last, Some((BarState::Failed, 500.0)));
        assert!(BarState::Failed.is_badge());
        assert_eq!(set.lanes[0].markers[0].kind, MarkerKind::Fail);
    }

    #[test]
    fn measured_microsecond_gaps_stay_running() {
        let tasks = vec![task(0, "main", None)];
        let events = vec![
            ev(0.0, 0, EventKind::Start),
            ev(0.2, 0, print("a")),
            ev(0.4, 0, EventKind::Sleep { ms: 100 }),
            ev(100.9, 0, EventKind::Wake),
            ev(350.0, 0, print("late")), // silent 249 ms: awaiting meanwhile
            ev(350.1, 0, EventKind::End { value: None }),
        ];
        let set = LaneSet::from_events(&tasks, &events);
        assert_eq!(
            states(&set.lanes[0]),
            vec![
                ("running", 0.0, Some(0.4)),
                ("sleeping", 0.4, Some(100.9)),
                ("running", 100.9, Some(100.9)),
                ("awaiting", 100.9, Some(350.0)),
                ("running", 350.0, Some(350.1)),
            ]
        );
    }

    #[test]
    fn lanes_grouped_under_parent_depth_first() {
        let tasks = vec![
            task(0, "main", None),
            task(1, "a", Some(0)),
            task(2, "b", Some(0)),
            task(3, "a.1", Some(1)),
            task(4, "orphan", Some(99)),
            task(5, "loop", Some(5)),
        ];
        let set = LaneSet::new(&tasks);
        let order: Vec<_> = set
            .lanes
            .iter()
            .map(|l| (l.name.as_str(), l.depth))
            .collect();
        assert_eq!(
            order,
            vec![
                ("main", 0),
                ("a", 1),
                ("a.1", 2),
                ("b", 1),
                ("orphan", 0),
                ("loop", 0)
            ]
        );
        assert_eq!(set.lane_of(3), Some(2));
    }

    #[test]
    fn ten_thousand_children_do_not_recurse_and_unknown_tasks_are_ignored() {
        let mut tasks = vec![task(0, "main", None)];
        tasks.extend((1..=10_000).map(|i| task(i, &format!("download {i}"), Some(0))));
        let mut set = LaneSet::new(&tasks);
        assert_eq!(set.lanes.len(), 10_001);
        set.push(&ev(0.0, 77_777, EventKind::Start));
        set.push(&ev(0.0, 42, EventKind::Start));
        assert_eq!(set.applied, 2);
        assert_eq!(set.last_task, Some(42));
        assert_eq!(set.take_dirty(), vec![42]);
        assert!(set.take_dirty().is_empty());
    }

    #[test]
    fn bar_x_and_width_follow_start_and_end() {
        let s = Scale::new(4000.0, 100.0, 800.0);
        assert_eq!(s.x(0.0), 100.0);
        assert_eq!(s.x(2000.0), 500.0);
        assert_eq!(s.x(4000.0), 900.0);
        assert_eq!(s.x(9999.0), 900.0); // clamped
        assert_eq!(s.x(-5.0), 100.0);
        assert_eq!(s.w(1000.0, 3000.0, 2.0), 400.0);
        assert_eq!(s.w(1000.0, 1000.0, 3.0), 3.0); // an instant keeps a visible width
        let bar = Bar {
            state: BarState::Sleeping,
            start: 500.0,
            end: None,
            origin: Origin {
                event: 0,
                kind: "sleep",
                nth: 0,
            },
        };
        // An open bar grows with "now".
        assert_eq!(s.w(bar.start, bar.end_at(1500.0), 0.0), 200.0);
        assert_eq!(s.w(bar.start, bar.end_at(2500.0), 0.0), 400.0);
        let bad = Scale::new(f64::NAN, 0.0, 0.0);
        assert!(bad.x(500.0).is_finite());
        // With an overhang, a slightly late instant is drawn where it belongs, up to the margin.
        let o = Scale::new(4000.0, 100.0, 800.0).with_overhang(10.0);
        assert!((o.x(4020.0) - 904.0).abs() < 1e-9);
        assert!((o.x(9999.0) - 910.0).abs() < 1e-9);
        assert!((o.w(3980.0, 4020.0, 0.0) - 8.0).abs() < 1e-9);
    }

    #[test]
    fn ticks_in_seconds() {
        let t = ticks(4000.0, 8);
        let labels: Vec<_> = t.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(
            labels,
            vec!["0 s", "0.5", "1.0", "1.5", "2.0", "2.5", "3.0", "3.5", "4.0"]
        );
        let t = ticks(4000.0, 4);
        let labels: Vec<_> = t.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, vec!["0 s", "1", "2", "3", "4"]);
        assert_eq!(tick_step(5050.0, 8), 1000.0);
        assert_eq!(axis_end(5050.0, 8), 6000.0);
        assert_eq!(axis_end(2000.0, 8), 2000.0);
        assert_eq!(axis_end(0.0, 8), 1.0);
        assert_eq!(ticks(120.0, 6).len(), 7); // 0, 20, … 120 ms
        assert!(ticks(f64::INFINITY, 8).len() <= 1001);
    }

    #[test]
    fn visible_window() {
        assert_eq!(visible_lanes(0.0, 100.0, 20.0, 10_001), (0, 5));
        assert_eq!(visible_lanes(30.0, 100.0, 20.0, 10_001), (1, 7));
        assert_eq!(visible_lanes(1e9, 100.0, 20.0, 10), (10, 10));
        assert_eq!(visible_lanes(0.0, 100.0, 0.0, 10), (0, 0));
    }
}
