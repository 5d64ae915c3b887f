//! The player's state machine as a reducer (pure): idle → running → paused → finished/cancelled.
//!
//! The engine runs on real timers and cannot be paused; what the player pauses is the VIEW. Every
//! event the engine reports is recorded with `at`, the run's monotonic scenario time when it
//! arrived; the view shows the first `shown` recorded events with its cursor at `view_at`. While
//! the view keeps up with the engine it is *live*; after a pause, a step or a replay it plays the
//! recording and says so (`is_live`).

use super::params::is_speed;

/// `data-run-state` of the app (public test hook).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunState {
    Idle,
    Running,
    Paused,
    Finished,
    Cancelled,
}

impl RunState {
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Idle => "idle",
            RunState::Running => "running",
            RunState::Paused => "paused",
            RunState::Finished => "finished",
            RunState::Cancelled => "cancelled",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// A new engine run of `programs` programs starts (the old recording is dropped). With
    /// `one_after_another` each program's clock starts at 0 when the previous one has ended.
    Run {
        programs: usize,
        one_after_another: bool,
    },
    /// The engine reported an event of `program` at its scenario time `t` (ms).
    EngineEvent {
        program: usize,
        t: f64,
    },
    /// The engine's run ended at `at` (cancelled or not).
    EngineFinished {
        at: f64,
        cancelled: bool,
    },
    /// A frame: `dt` real ms passed; `engine_now` is the engine's scenario time if it still runs.
    Tick {
        dt: f64,
        engine_now: Option<f64>,
    },
    Pause,
    /// Play: resumes a paused view, or replays a finished one from the start.
    Play,
    /// Cancels the engine run (the caller stops the runtime) or ends a replay.
    Stop,
    /// Pauses and shows one more recorded event.
    StepForward,
    /// Pauses and hides the last shown event.
    StepBack,
    /// Plays the recording again from 0, without re-running the engine.
    Replay,
    /// View speed for replays (0.25–4); other values are ignored.
    SetSpeed(f64),
    /// Clears the timeline.
    Reset,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Player {
    pub state: RunState,
    /// View speed: how fast a replay moves (scenario ms per real ms).
    pub speed: f64,
    /// Run times of the recorded events, in order (monotonic).
    pub at: Vec<f64>,
    /// The program of each recorded event.
    pub program: Vec<usize>,
    /// Run time at which each program's clock started (0 on one shared clock).
    pub offsets: Vec<Option<f64>>,
    one_after_another: bool,
    /// Shown events per program (kept in step with `shown`).
    shown_by_program: Vec<usize>,
    counted: usize,
    /// How many recorded events the view shows.
    pub shown: usize,
    /// The view's cursor (scenario ms).
    pub view_at: f64,
    /// The engine is running (events may still arrive).
    pub engine_running: bool,
    /// The engine's last known time (its live edge).
    pub engine_at: f64,
    /// How the engine run ended, once it has.
    pub engine_cancelled: bool,
    /// The view follows the engine as events arrive.
    following: bool,
    /// Stop was pressed: the view shows what was recorded and ends as cancelled.
    stopped: bool,
}

impl Default for Player {
    fn default() -> Self {
        Player::new(1.0)
    }
}

impl Player {
    pub fn new(speed: f64) -> Self {
        Player {
            state: RunState::Idle,
            speed: if is_speed(speed) { speed } else { 1.0 },
            at: Vec::new(),
            program: Vec::new(),
            offsets: Vec::new(),
            one_after_another: false,
            shown_by_program: Vec::new(),
            counted: 0,
            shown: 0,
            view_at: 0.0,
            engine_running: false,
            engine_at: 0.0,
            engine_cancelled: false,
            following: false,
            stopped: false,
        }
    }

    /// The view is showing the engine's run as it happens (not a replay of the recording).
    pub fn is_live(&self) -> bool {
        self.engine_running && self.following && self.state == RunState::Running
    }

    /// How many events of `program` the view shows.
    pub fn shown_of(&self, program: usize) -> usize {
        self.shown_by_program.get(program).copied().unwrap_or(0)
    }

    /// The view's cursor on `program`'s own clock; `None` before that program's clock started.
    /// One after another, a program's cursor stops where the next program's clock started (its
    /// own run is over), so it neither runs on past its lanes nor stretches the shared axis.
    pub fn cursor(&self, program: usize) -> Option<f64> {
        let off = self.offsets.get(program).copied().flatten()?;
        let next = || self.offsets.get(program + 1).copied();
        let last = || {
            self.program
                .iter()
                .rposition(|&q| q == program)
                .and_then(|i| self.at.get(i))
                .copied()
        };
        let end = match (self.one_after_another, next()) {
            // The next half's clock may be placed a little before this half's last event (its
            // first event came some ms into its own run): this cursor still reaches that event.
            (true, Some(Some(next))) => Some(last().map_or(next, |l| l.max(next))),
            // The next half has not started yet: this one's cursor waits at its last event.
            (true, Some(None)) => last(),
            _ => None,
        };
        let at = end.map_or(self.view_at, |e| self.view_at.min(e));
        (self.view_at >= off || self.shown_of(program) > 0).then(|| (at - off).max(0.0))
    }

    /// The run time of the last shown event (where a cursor that must not sweep stands).
    pub fn shown_at(&self) -> f64 {
        self.shown
            .checked_sub(1)
            .and_then(|i| self.at.get(i))
            .copied()
            .unwrap_or(0.0)
    }

    /// Brings the per-program counts in step with `shown` (walks only the difference).
    fn recount(&mut self) {
        while self.counted < self.shown {
            if let Some(c) = self
                .program
                .get(self.counted)
                .and_then(|&p| self.shown_by_program.get_mut(p))
            {
                *c += 1;
            }
            self.counted += 1;
        }
        while self.counted > self.shown {
            self.counted -= 1;
            if let Some(c) = self
                .program
                .get(self.counted)
                .and_then(|&p| self.shown_by_program.get_mut(p))
            {
                *c = c.saturating_sub(1);
            }
        }
    }

    /// The end of what is recorded (or known to be coming) so far.
    fn edge(&self) -> f64 {
        let last = self.at.last().copied().unwrap_or(0.0);
        if self.engine_running {
            self.engine_at.max(last)
        } else {
            last
        }
    }

    /// Shows every recorded event at or before the cursor.
    fn sync_shown(&mut self) {
        // Recorded times are monotonic: find the first one after the cursor.
        self.shown = self.at.partition_point(|&a| a <= self.view_at);
    }

    /// A view that reached the end of a finished engine run ends too.
    fn settle(&mut self) {
        if self.engine_running || self.state != RunState::Running {
            return;
        }
        if self.shown >= self.at.len() && self.view_at >= self.edge() {
            self.state = if self.engine_cancelled || self.stopped {
                RunState::Cancelled
            } else {
                RunState::Finished
            };
            self.following = false;
        }
    }

    fn pause_here(&mut self) {
        if self.state != RunState::Idle {
            self.state = RunState::Paused;
        }
        self.following = false;
    }

    pub fn reduce(&mut self, action: Action) {
        match action {
            Action::Run {
                programs,
                one_after_another,
            } => {
                let speed = self.speed;
                *self = Player::new(speed);
                let programs = programs.clamp(1, 16);
                self.one_after_another = one_after_another;
                self.offsets = (0..programs)
                    .map(|i| (i == 0 || !one_after_another).then_some(0.0))
                    .collect();
                self.shown_by_program = vec![0; programs];
                self.state = RunState::Running;
                self.engine_running = true;
                self.following = true;
            }
            Action::EngineEvent { program, t } => {
                if !self.engine_running || program >= self.offsets.len() {
                    return; // an old run's straggler, or no such program: never shown
                }
                let last = self.at.last().copied().unwrap_or(0.0);
                let offset = match self.offsets[program] {
                    Some(o) => o,
                    None => {
                        // One after another: this program's clock starts where the run is now.
                        let o = if t.is_finite() {
                            (last - t).max(0.0)
                        } else {
                            last
                        };
                        self.offsets[program] = Some(o);
                        o
                    }
                };
                let at = if t.is_finite() { t + offset } else { last };
                // Keep run times monotonic whatever the engine reports.
                let at = at.max(last);
                self.at.push(at);
                self.program.push(program);
                self.engine_at = self.engine_at.max(at);
                if (self.following && self.state == RunState::Running) || self.stopped {
                    self.view_at = self.view_at.max(at);
                    self.shown = self.at.len();
                }
            }
            Action::EngineFinished { at, cancelled } => {
                if !self.engine_running {
                    return;
                }
                self.engine_running = false;
                self.engine_cancelled = cancelled;
                let last = self.at.last().copied().unwrap_or(0.0);
                self.engine_at = if at.is_finite() { at.max(last) } else { last };
                if (self.following && self.state == RunState::Running) || self.stopped {
                    self.view_at = self.engine_at;
                    self.shown = self.at.len();
                }
                self.settle();
            }
            Action::Tick { dt, engine_now } => {
                if let Some(now) = engine_now.filter(|n| n.is_finite()) {
                    if self.engine_running {
                        self.engine_at = self.engine_at.max(now);
                    }
                }
                if self.state != RunState::Running {
                    return;
                }
                if self.following && self.engine_running {
                    self.view_at = self.edge();
                } else {
                    let dt = if dt.is_finite() {
                        dt.clamp(0.0, 250.0)
                    } else {
                        0.0
                    };
                    self.view_at = (self.view_at + dt * self.speed).min(self.edge());
                    if self.engine_running && self.view_at >= self.edge() {
                        self.following = true; // caught up with the engine: live again
                    }
                }
                self.sync_shown();
                self.settle();
            }
            Action::Pause => {
                if self.state == RunState::Running {
                    self.pause_here();
                }
            }
            Action::Play => match self.state {
                RunState::Paused => {
                    self.state = RunState::Running;
                    self.settle();
                }
                RunState::Finished | RunState::Cancelled => self.reduce(Action::Replay),
                RunState::Idle | RunState::Running => {}
            },
            Action::Stop => match self.state {
                RunState::Running | RunState::Paused if self.engine_running => {
                    // The runtime reports `EngineFinished { cancelled: true }` next; until then
                    // the view shows everything recorded.
                    self.stopped = true;
                    self.state = RunState::Cancelled;
                    self.following = false;
                    self.shown = self.at.len();
                    self.view_at = self.edge();
                }
                RunState::Running | RunState::Paused => {
                    // Ending a replay: show the whole recording, as the run ended.
                    self.shown = self.at.len();
                    self.view_at = self.edge();
                    self.state = RunState::Running;
                    self.settle();
                }
                _ => {}
            },
            Action::StepForward => {
                if self.state == RunState::Idle {
                    return;
                }
                self.pause_here();
                if self.shown < self.at.len() {
                    self.shown += 1;
                    self.view_at = self.at[self.shown - 1];
                } else if !self.engine_running {
                    // Nothing more will come: stepping past the end finishes the view.
                    self.view_at = self.edge();
                    self.state = RunState::Running;
                    self.settle();
                }
            }
            Action::StepBack => {
                if self.state == RunState::Idle {
                    return;
                }
                self.pause_here();
                if self.shown > 0 {
                    self.shown -= 1;
                    self.view_at = if self.shown == 0 {
                        0.0
                    } else {
                        self.at[self.shown - 1]
                    };
                }
            }
            Action::Replay => {
                if self.state == RunState::Idle || self.at.is_empty() {
                    return;
                }
                self.state = RunState::Running;
                self.following = false;
                self.shown = 0;
                self.view_at = 0.0;
                self.sync_shown();
            }
            Action::SetSpeed(s) => {
                if is_speed(s) {
                    self.speed = s;
                }
            }
            Action::Reset => {
                let speed = self.speed;
                *self = Player::new(speed);
            }
        }
        self.recount();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_with(events: &[f64]) -> Player {
        let mut p = Player::new(1.0);
        p.reduce(Action::Run {
            programs: 1,
            one_after_another: false,
        });
        for &t in events {
            p.reduce(Action::EngineEvent { program: 0, t });
        }
        p
    }

    #[test]
    fn live_run_follows_the_engine_then_finishes() {
        let mut p = run_with(&[0.0, 0.0]);
        assert_eq!(p.state, RunState::Running);
        assert!(p.is_live());
        assert_eq!(p.shown, 2);
        p.reduce(Action::Tick {
            dt: 16.0,
            engine_now: Some(700.0),
        });
        assert_eq!(p.view_at, 700.0);
        p.reduce(Action::EngineEvent {
            program: 0,
            t: 1000.0,
        });
        p.reduce(Action::EngineFinished {
            at: 1000.0,
            cancelled: false,
        });
        assert_eq!(p.state, RunState::Finished);
        assert_eq!((p.shown, p.view_at), (3, 1000.0));
        assert!(!p.is_live());
    }

    #[test]
    fn pause_freezes_the_view_while_the_engine_records() {
        let mut p = run_with(&[0.0]);
        p.reduce(Action::Pause);
        assert_eq!(p.state, RunState::Paused);
        p.reduce(Action::EngineEvent {
            program: 0,
            t: 500.0,
        });
        p.reduce(Action::Tick {
            dt: 16.0,
            engine_now: Some(600.0),
        });
        assert_eq!((p.shown, p.view_at), (1, 0.0));
        p.reduce(Action::EngineEvent {
            program: 0,
            t: 1000.0,
        });
        p.reduce(Action::EngineFinished {
            at: 1000.0,
            cancelled: false,
        });
        // Still paused: the engine ended, the view did not.
        assert_eq!(p.state, RunState::Paused);
        p.reduce(Action::Play);
        assert_eq!(p.state, RunState::Running);
        assert!(!p.is_live()); // a replay of the recording now
        p.reduce(Action::Tick {
            dt: 600.0,
            engine_now: None,
        });
        // dt is capped at 250 ms per frame (a background tab must not jump to the end).
        assert_eq!(p.view_at, 250.0);
        assert_eq!(p.shown, 1);
        p.reduce(Action::Tick {
            dt: 250.0,
            engine_now: None,
        });
        assert_eq!(p.shown, 2);
        assert_eq!(p.state, RunState::Running);
        for _ in 0..2 {
            p.reduce(Action::Tick {
                dt: 250.0,
                engine_now: None,
            });
        }
        assert_eq!(p.state, RunState::Finished);
        assert_eq!(p.shown, 3);
    }

    #[test]
    fn resumed_view_catches_up_and_goes_live_again() {
        let mut p = run_with(&[0.0]);
        p.reduce(Action::Pause);
        p.reduce(Action::Tick {
            dt: 16.0,
            engine_now: Some(100.0),
        });
        p.reduce(Action::Play);
        p.reduce(Action::SetSpeed(4.0));
        p.reduce(Action::Tick {
            dt: 50.0,
            engine_now: Some(150.0),
        });
        assert!(p.is_live());
        assert_eq!(p.view_at, 150.0);
    }

    #[test]
    fn steps_move_one_event_and_pause() {
        let mut p = run_with(&[0.0, 0.0, 1000.0, 2000.0]);
        p.reduce(Action::EngineFinished {
            at: 2000.0,
            cancelled: false,
        });
        assert_eq!(p.state, RunState::Finished);
        p.reduce(Action::StepBack);
        assert_eq!((p.state, p.shown, p.view_at), (RunState::Paused, 3, 1000.0));
        p.reduce(Action::StepBack);
        p.reduce(Action::StepBack);
        assert_eq!((p.shown, p.view_at), (1, 0.0));
        p.reduce(Action::StepBack);
        p.reduce(Action::StepBack);
        assert_eq!((p.shown, p.view_at), (0, 0.0));
        p.reduce(Action::StepForward);
        p.reduce(Action::StepForward);
        p.reduce(Action::StepForward);
        assert_eq!((p.shown, p.view_at), (3, 1000.0));
        p.reduce(Action::StepForward);
        assert_eq!((p.state, p.shown), (RunState::Paused, 4));
        p.reduce(Action::StepForward);
        assert_eq!(p.state, RunState::Finished);
    }

    #[test]
    fn step_during_a_live_run_pauses_it() {
        let mut p = run_with(&[0.0, 0.0]);
        p.reduce(Action::StepBack);
        assert_eq!((p.state, p.shown), (RunState::Paused, 1));
        p.reduce(Action::EngineEvent {
            program: 0,
            t: 300.0,
        });
        p.reduce(Action::StepForward);
        p.reduce(Action::StepForward);
        assert_eq!((p.shown, p.view_at), (3, 300.0));
        // No more recorded events and the engine still runs: stay put.
        p.reduce(Action::StepForward);
        assert_eq!((p.state, p.shown), (RunState::Paused, 3));
    }

    #[test]
    fn stop_cancels_and_stragglers_are_ignored() {
        let mut p = run_with(&[0.0, 10.0]);
        p.reduce(Action::Pause);
        p.reduce(Action::StepBack);
        p.reduce(Action::Stop);
        assert_eq!(p.state, RunState::Cancelled);
        assert_eq!(p.shown, 2);
        p.reduce(Action::EngineFinished {
            at: 20.0,
            cancelled: true,
        });
        assert_eq!(p.state, RunState::Cancelled);
        p.reduce(Action::EngineEvent {
            program: 0,
            t: 30.0,
        });
        assert_eq!(p.at.len(), 2);
        // Ticks after the end change nothing.
        p.reduce(Action::Tick {
            dt: 16.0,
            engine_now: Some(40.0),
        });
        assert_eq!((p.state, p.view_at), (RunState::Cancelled, 20.0));
    }

    #[test]
    fn replay_plays_the_recording_from_zero() {
        let mut p = run_with(&[0.0, 500.0]);
        p.reduce(Action::EngineFinished {
            at: 500.0,
            cancelled: false,
        });
        p.reduce(Action::Replay);
        assert_eq!((p.state, p.shown, p.view_at), (RunState::Running, 1, 0.0));
        assert!(!p.is_live());
        p.reduce(Action::Stop);
        assert_eq!((p.state, p.shown), (RunState::Finished, 2));
        p.reduce(Action::Play); // from finished: replay
        assert_eq!((p.state, p.shown), (RunState::Running, 1));
    }

    #[test]
    fn run_resets_and_reset_clears() {
        let mut p = run_with(&[0.0]);
        p.reduce(Action::SetSpeed(0.25));
        p.reduce(Action::SetSpeed(3.0)); // not offered: ignored
        p.reduce(Action::Run {
            programs: 1,
            one_after_another: false,
        });
        assert_eq!((p.at.len(), p.speed), (0, 0.25));
        p.reduce(Action::Reset);
        assert_eq!(p.state, RunState::Idle);
        p.reduce(Action::StepForward);
        p.reduce(Action::Play);
        assert_eq!(p.state, RunState::Idle);
        assert_eq!(Player::new(f64::NAN).speed, 1.0);
    }

    #[test]
    fn two_programs_on_one_clock_and_one_after_another() {
        let mut p = Player::new(1.0);
        p.reduce(Action::Run {
            programs: 2,
            one_after_another: false,
        });
        for (program, t) in [(0, 0.0), (1, 0.0), (1, 2000.0), (0, 2000.0), (0, 4000.0)] {
            p.reduce(Action::EngineEvent { program, t });
        }
        assert_eq!((p.shown_of(0), p.shown_of(1)), (3, 2));
        p.reduce(Action::StepBack);
        p.reduce(Action::StepBack);
        assert_eq!((p.shown_of(0), p.shown_of(1)), (1, 2));
        assert_eq!(p.cursor(1), Some(2000.0));
        assert_eq!(p.shown_at(), 2000.0);
        assert_eq!(p.shown_of(7), 0);

        let mut p = Player::new(1.0);
        p.reduce(Action::Run {
            programs: 2,
            one_after_another: true,
        });
        p.reduce(Action::EngineEvent { program: 0, t: 0.0 });
        p.reduce(Action::EngineEvent {
            program: 0,
            t: 3000.0,
        });
        assert_eq!(p.cursor(1), None); // not started yet
                                       // Between the halves the mistake's cursor waits at its last event (no axis growth).
        p.reduce(Action::Tick {
            dt: 500.0,
            engine_now: Some(3500.0),
        });
        assert_eq!(p.cursor(0), Some(3000.0));
        p.reduce(Action::EngineEvent { program: 1, t: 0.0 });
        p.reduce(Action::EngineEvent {
            program: 1,
            t: 1000.0,
        });
        assert_eq!(p.at, vec![0.0, 3000.0, 3000.0, 4000.0]);
        assert_eq!(p.cursor(1), Some(1000.0));
        // The mistake's cursor stays at its own end (3 s) while the fix runs on from 0.
        assert_eq!(p.cursor(0), Some(3000.0));
        p.reduce(Action::EngineEvent { program: 9, t: 0.0 });
        assert_eq!(p.at.len(), 4);
    }

    /// One after another, the second half's first event comes some ms into its own run (a
    /// worker starting): its clock is placed before the first half's last event, and the first
    /// half's cursor must still reach that event (threads-vs-async's caption said "main and
    /// download 3 are awaiting other tasks" after the run).
    #[test]
    fn one_after_another_first_half_reaches_its_last_event() {
        let mut p = Player::new(1.0);
        p.reduce(Action::Run {
            programs: 2,
            one_after_another: true,
        });
        for t in [0.0, 1000.0, 3000.0] {
            p.reduce(Action::EngineEvent { program: 0, t });
        }
        for t in [4.0, 1004.0] {
            p.reduce(Action::EngineEvent { program: 1, t });
        }
        p.reduce(Action::EngineFinished {
            at: 4000.0,
            cancelled: false,
        });
        assert_eq!(p.state, RunState::Finished);
        assert_eq!(p.cursor(0), Some(3000.0));
        assert_eq!(p.cursor(1), Some(1004.0));
        // Stepping back into the first half: its cursor follows the view.
        while p.shown > 2 {
            p.reduce(Action::StepBack);
        }
        assert_eq!(p.cursor(0), Some(1000.0));
    }

    #[test]
    fn non_monotonic_or_nan_times_stay_ordered() {
        let mut p = run_with(&[100.0, 50.0, f64::NAN]);
        assert_eq!(p.at, vec![100.0, 100.0, 100.0]);
        p.reduce(Action::Tick {
            dt: f64::NAN,
            engine_now: Some(f64::INFINITY),
        });
        assert!(p.view_at.is_finite());
    }
}
