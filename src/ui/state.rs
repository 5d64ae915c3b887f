//! The shared app state: one `Copy` context struct of signals and memos that every component
//! reads (`use_app()`), plus the run lifecycle (`start_run` / `stop_run`) that feeds it.
//!
//! Data flows one way: settings → programs → plans (ideal) → run (measured events) → traces.
use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::model::catalog;
use crate::model::params::{Lang, Notice, Settings, Theme, ViewMode};
use crate::model::plan;
use crate::model::scenario::TaskDef;
use crate::model::scenario::{CodeLang, Scenario, ScenarioError};
use crate::model::script::{self, ErrorKind, ScriptError};
use crate::model::trace::{Event, Mode, TaskInfo, Trace};
use crate::runtime::python::{self, Load, PyError};
use crate::runtime::{self, RunConfig, RunHandle, RunUpdate};

/// `data-run-state`: the player's state machine lives in `model::player` (seeing helper).
pub use crate::model::player::RunState;

/// The programs of what is loaded: `[sequential, concurrent]` in compare mode, else one.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Built {
    pub programs: Vec<Scenario>,
    pub error: Option<ScenarioError>,
    /// Why the editor's script (`scenario=custom`) does not compile, with lines and columns.
    pub script_errors: Vec<ScriptError>,
    /// Compare mode of a scenario that holds the thread: halves run one after the other.
    pub one_after_another: bool,
    /// The editor's script is beyond the compiled subset: it runs on CPython (this text).
    pub python: Option<String>,
}

/// A program beyond the editor's subset, run on CPython (`runtime::python`): what its current
/// run has told so far. Its programs (lanes) and plans (ideal) come from here.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct PyRun {
    pub modes: Vec<Mode>,
    /// The tasks of each program, as the worker reported them.
    pub tasks: Vec<Vec<TaskInfo>>,
    /// The virtual-clock run of each program (the ideal), once it came.
    pub ideal: Vec<Option<Trace>>,
    pub error: Option<PyError>,
    /// Compare mode: the program has no concurrency to compare (it ran once).
    pub no_concurrency: bool,
}

impl PyRun {
    fn new(modes: Vec<Mode>) -> Self {
        PyRun {
            tasks: vec![Vec::new(); modes.len()],
            ideal: vec![None; modes.len()],
            modes,
            ..PyRun::default()
        }
    }
}

/// The modes a CPython run of these settings runs (`None`: compare, decided by the analysis).
fn py_modes(mode: ViewMode) -> Option<Vec<Mode>> {
    match mode {
        ViewMode::Sequential => Some(vec![Mode::Sequential]),
        ViewMode::Concurrent => Some(vec![Mode::Concurrent]),
        ViewMode::Compare => None,
    }
}

/// The programs drawn for a CPython run: one per mode, with the tasks reported so far.
fn py_programs(r: &PyRun, mode: ViewMode) -> Vec<Scenario> {
    let modes = if r.modes.is_empty() {
        py_modes(mode).unwrap_or_else(|| vec![Mode::Sequential, Mode::Concurrent])
    } else {
        r.modes.clone()
    };
    modes
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut tasks: Vec<TaskDef> = r
                .tasks
                .get(i)
                .map(|ts| {
                    ts.iter()
                        .map(|t| TaskDef::new(t.name.clone(), t.parent, Vec::new()))
                        .collect()
                })
                .unwrap_or_default();
            if tasks.is_empty() {
                tasks.push(TaskDef::new("main", None, Vec::new()));
            }
            Scenario {
                id: catalog::CUSTOM.to_string(),
                mode: *m,
                params: Default::default(),
                tasks,
                semaphores: Vec::new(),
            }
        })
        .collect()
}

/// The current run's handle: the interpreter's, or a CPython run's id.
#[derive(Clone, Debug)]
enum Handle {
    Model(RunHandle),
    Python,
}

/// The outcome of the last run (finished or cancelled); one trace per program.
#[derive(Clone, Debug, PartialEq)]
pub struct RunResult {
    pub run_id: u64,
    pub traces: Vec<Trace>,
    pub cancelled: bool,
}

/// A notice on the page: typed so it re-renders in the new language on a switch.
#[derive(Clone, Debug, PartialEq)]
pub enum NoticeKind {
    Param(Notice),
    /// The runtime refused (e.g. workers blocked); the text comes from the runtime.
    Unsupported(String),
    /// Storage or clipboard were unavailable: settings live in memory only.
    ClipboardFailed,
    Copied,
    /// `autoplay=1` was not obeyed: the program holds the thread (a Run button goes with it).
    AutoplayHeld,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PageNotice {
    pub id: u64,
    pub kind: NoticeKind,
}

/// A task of one program, for cross-highlighting (console line ↔ lane ↔ code line).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskRef {
    pub program: usize,
    pub task: usize,
}

#[derive(Clone, Copy)]
pub struct AppState {
    pub settings: RwSignal<Settings>,
    pub lang: Memo<Lang>,
    pub mode: Memo<ViewMode>,
    pub code: Memo<CodeLang>,
    pub speed: Memo<f64>,
    pub theme: Memo<Theme>,
    pub presenter: Memo<bool>,
    pub embed: Memo<bool>,
    pub scenario: Memo<String>,
    pub built: Memo<Built>,
    /// Ideal traces, one per program of `built` (same order).
    pub plans: Memo<Vec<Trace>>,
    /// Measured events per program of the current run, append-only; flushed once per frame.
    pub live: RwSignal<Vec<Vec<Event>>>,
    /// Bumped on every flush of `live` (cheap to watch; compare with what you drew).
    pub live_version: RwSignal<u64>,
    pub result: RwSignal<Option<RunResult>>,
    /// The code language the current run prints in (its lines and its result).
    pub run_code: RwSignal<CodeLang>,
    pub run_state: RwSignal<RunState>,
    /// Our run generation: the `runId` of the embed API; 0 = never ran.
    pub run_id: RwSignal<u64>,
    /// `performance.now()` when the current run started (for a live "now" cursor).
    pub run_t0: RwSignal<Option<f64>>,
    /// The player's cursor in scenario milliseconds.
    pub view_t: RwSignal<f64>,
    pub hovered: RwSignal<Option<TaskRef>>,
    pub notices: RwSignal<Vec<PageNotice>>,
    /// Announced by the `status` live region.
    pub status: RwSignal<String>,
    /// The keyboard-shortcut help dialog is open.
    pub help: RwSignal<bool>,
    /// Panel shown on the phone layout (lesson / code / console).
    pub phone_tab: RwSignal<&'static str>,
    /// Presenter mode shows the code (key C) instead of the timeline.
    pub presenter_code: RwSignal<bool>,
    /// The player's view state machine (seeing helper: `ui/player.rs` drives it).
    pub player: RwSignal<crate::model::player::Player>,
    /// The CPython run of a program beyond the editor's subset.
    pub py: RwSignal<PyRun>,
    /// Loading Python (first use only).
    pub py_load: RwSignal<Load>,
    handle: StoredValue<Option<Handle>, LocalStorage>,
    pending: StoredValue<Vec<(usize, Event)>, LocalStorage>,
    flush_scheduled: StoredValue<bool, LocalStorage>,
    next_notice: StoredValue<u64, LocalStorage>,
}

pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// The editor's script of these settings: the link's `src`, or the starter when there is none;
/// `None` when `src` does not decode to text.
pub fn script_text(s: &Settings) -> Option<String> {
    match &s.src {
        Some(src) => script::decode_src(src),
        None => Some(script::STARTER.to_string()),
    }
}

/// Builds the programs the current settings ask for.
pub fn build_programs(s: &Settings) -> Built {
    let info = catalog::info(&s.scenario);
    let modes: Vec<Mode> = match s.mode {
        ViewMode::Sequential => vec![Mode::Sequential],
        ViewMode::Concurrent => vec![Mode::Concurrent],
        ViewMode::Compare if info.is_some_and(|i| i.one_program) => vec![Mode::Concurrent],
        ViewMode::Compare => vec![Mode::Sequential, Mode::Concurrent],
    };
    let mut built = Built {
        one_after_another: s.mode == ViewMode::Compare && info.is_some_and(|i| i.holds_thread),
        ..Built::default()
    };
    if s.scenario == catalog::CUSTOM {
        let bad_link = || {
            vec![ScriptError {
                line: 1,
                col: 1,
                kind: ErrorKind::BadLink,
            }]
        };
        let text = script_text(s);
        if let Some(t) = text.as_deref() {
            if let Err(errs) = script::compile(t, Mode::Concurrent) {
                if !errs.iter().any(|e| refuses_python(&e.kind)) {
                    built.python = Some(t.to_string());
                    built.one_after_another = s.mode == ViewMode::Compare;
                    return built;
                }
            }
        }
        for m in modes {
            match text
                .as_deref()
                .map_or_else(|| Err(bad_link()), |t| script::compile(t, m))
            {
                Ok(p) => built.programs.push(p),
                Err(errs) => {
                    let first = errs
                        .first()
                        .map(|e| crate::i18n::script_error(Lang::En, e))
                        .unwrap_or_default();
                    built.error = Some(ScenarioError::Invalid(first));
                    built.script_errors = errs;
                    built.programs.clear();
                    break;
                }
            }
        }
        return built;
    }
    for m in modes {
        match catalog::build(&s.scenario, m, &s.params) {
            Ok(p) => built.programs.push(p),
            Err(e) => {
                built.error = Some(e);
                built.programs.clear();
                break;
            }
        }
    }
    built
}

/// Subset errors that CPython would not fix: too big, a broken link, more tasks than a run may
/// have. Any other refusal runs the program on CPython instead.
pub fn refuses_python(kind: &ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::TooLong { .. } | ErrorKind::BadLink | ErrorKind::TooMany { .. }
    )
}

impl AppState {
    pub fn new(initial: Settings) -> Self {
        let initial_code = initial.code;
        let settings = RwSignal::new(initial);
        let py = RwSignal::new(PyRun::default());
        let built = Memo::new(move |_| {
            let mut b = settings.with(build_programs);
            if b.python.is_some() {
                let mode = settings.with(|s| s.mode);
                b.programs = py.with(|r| py_programs(r, mode));
            }
            b
        });
        let code = Memo::new(move |_| settings.with(|s| s.code));
        let plans = Memo::new(move |_| {
            let lang = code.get();
            if built.with(|b| b.python.is_some()) {
                return py.with(|r| r.ideal.iter().map_while(|t| t.clone()).collect());
            }
            built.with(|b| {
                b.programs
                    .iter()
                    .filter_map(|p| plan::plan(p, lang).ok())
                    .collect::<Vec<_>>()
            })
        });
        AppState {
            settings,
            lang: Memo::new(move |_| settings.with(|s| s.lang)),
            mode: Memo::new(move |_| settings.with(|s| s.mode)),
            code,
            speed: Memo::new(move |_| settings.with(|s| s.speed)),
            theme: Memo::new(move |_| settings.with(|s| s.theme)),
            presenter: Memo::new(move |_| settings.with(|s| s.presenter)),
            embed: Memo::new(move |_| settings.with(|s| s.embed)),
            scenario: Memo::new(move |_| settings.with(|s| s.scenario.clone())),
            built,
            plans,
            live: RwSignal::new(Vec::new()),
            live_version: RwSignal::new(0),
            result: RwSignal::new(None),
            run_code: RwSignal::new(initial_code),
            run_state: RwSignal::new(RunState::Idle),
            run_id: RwSignal::new(0),
            run_t0: RwSignal::new(None),
            view_t: RwSignal::new(0.0),
            hovered: RwSignal::new(None),
            notices: RwSignal::new(Vec::new()),
            status: RwSignal::new(String::new()),
            help: RwSignal::new(false),
            phone_tab: RwSignal::new("lesson"),
            presenter_code: RwSignal::new(false),
            player: RwSignal::new(crate::model::player::Player::default()),
            py,
            py_load: RwSignal::new(Load::Idle),
            handle: StoredValue::new_local(None),
            pending: StoredValue::new_local(Vec::new()),
            flush_scheduled: StoredValue::new_local(false),
            next_notice: StoredValue::new_local(1),
        }
    }

    /// Changes the settings; a change of what is loaded (scenario, mode, parameters) stops a
    /// run and clears the timeline, synchronously, so a `run` message right after a `load` runs
    /// what was loaded.
    pub fn update_settings(&self, f: impl FnOnce(&mut Settings)) {
        let key = |s: &Settings| (s.scenario.clone(), s.mode, s.params.clone(), s.src.clone());
        let before = self.settings.with_untracked(key);
        self.settings.update(f);
        if self.settings.with_untracked(key) != before {
            self.reset();
            if self.py.with_untracked(|r| *r != PyRun::default()) {
                self.py.set(PyRun::default());
            }
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(
            self.run_state.get_untracked(),
            RunState::Running | RunState::Paused
        )
    }

    pub fn push_notice(&self, kind: NoticeKind) {
        let id = self.next_notice.get_value();
        self.next_notice.set_value(id + 1);
        self.notices.update(|n| {
            // The same words twice say nothing new.
            if !n.iter().any(|x| x.kind == kind) {
                n.push(PageNotice { id, kind });
            }
        });
    }

    pub fn dismiss_notice(&self, id: u64) {
        self.notices.update(|n| n.retain(|x| x.id != id));
    }

    /// Starts the loaded programs (stopping a running run first). Returns the new run id, or
    /// `None` when nothing can run (the build failed).
    pub fn start_run(&self) -> Option<u64> {
        self.stop_run();
        let built = self.built.get_untracked();
        if let Some(src) = built.python {
            return Some(self.start_python(src));
        }
        if built.programs.is_empty() {
            return None;
        }
        let settings = self.settings.get_untracked();
        let run_id = self.begin_run(built.programs.len(), &settings);
        let cfg = RunConfig {
            speed: settings.speed,
            lang: settings.code,
            one_after_another: built.one_after_another,
        };
        let done = Rc::new(Cell::new(false));
        let me = *self;
        let sink: Rc<dyn Fn(RunUpdate)> = Rc::new(move |u| me.on_update(run_id, &done, u));
        let handle = runtime::start(built.programs, cfg, sink);
        // A runtime that finished synchronously already cleared the slot's purpose.
        if self.run_id.get_untracked() == run_id && self.is_running() {
            self.handle.set_value(Some(Handle::Model(handle)));
        }
        Some(run_id)
    }

    /// What every run starts with: a new run id, `n` empty live traces, the clock at 0, the
    /// state `running`, and `runStarted` for a host.
    fn begin_run(&self, n: usize, settings: &Settings) -> u64 {
        let run_id = self.run_id.get_untracked() + 1;
        self.pending.set_value(Vec::new());
        self.live.set(vec![Vec::new(); n]);
        self.live_version.update(|v| *v += 1);
        self.result.set(None);
        self.view_t.set(0.0);
        self.run_id.set(run_id);
        self.run_t0.set(Some(now_ms()));
        self.run_state.set(RunState::Running);
        self.run_code.set(settings.code);
        super::embed::post_run_started(run_id, &settings.scenario, settings.mode);
        run_id
    }

    /// Apply of a program beyond the subset: loads Python and lists CPython's syntax error or
    /// what a browser cannot run, before any Run.
    pub fn check_python(&self, src: String) {
        let me = *self;
        let want = src.clone();
        python::check(
            src,
            Rc::new(move |l| me.set_load(l)),
            Rc::new(move |err| {
                let same = me
                    .built
                    .with_untracked(|b| b.python.as_deref() == Some(want.as_str()));
                if same && !me.is_running() {
                    me.py.update(|r| r.error = err);
                }
            }),
        );
    }

    fn set_load(&self, l: Load) {
        if self.py_load.with_untracked(|x| *x != l) {
            self.py_load.set(l);
        }
    }

    /// Runs a program beyond the subset on CPython (`runtime::python`).
    fn start_python(&self, src: String) -> u64 {
        let settings = self.settings.get_untracked();
        let modes = py_modes(settings.mode);
        let shown = modes
            .clone()
            .unwrap_or_else(|| vec![Mode::Sequential, Mode::Concurrent]);
        let n = shown.len();
        self.py.set(PyRun::new(shown));
        let run_id = self.begin_run(n, &settings);
        let done = Rc::new(Cell::new(false));
        let me = *self;
        let current = move || me.run_id.get_untracked() == run_id;
        let hooks = python::Hooks {
            load: Rc::new(move |l| me.set_load(l)),
            tasks: Rc::new(move |p, tasks| {
                if current() {
                    me.py.update(|r| {
                        if let Some(t) = r.tasks.get_mut(p) {
                            if *t != tasks {
                                *t = tasks;
                            }
                        }
                    });
                }
            }),
            ideal: Rc::new(move |p, trace| {
                if current() {
                    me.py.update(|r| {
                        if let Some(t) = r.ideal.get_mut(p) {
                            *t = Some(trace);
                        }
                    });
                }
            }),
            modes: Rc::new(move |modes| {
                if current() {
                    let n = modes.len();
                    me.py.update(|r| {
                        *r = PyRun {
                            no_concurrency: n == 1,
                            ..PyRun::new(modes)
                        }
                    });
                    me.live.set(vec![Vec::new(); n]);
                    me.live_version.update(|v| *v += 1);
                }
            }),
            error: Rc::new(move |e| {
                if current() {
                    me.py.update(|r| r.error = Some(e));
                }
            }),
            sink: Rc::new(move |u| me.on_update(run_id, &done, u)),
        };
        python::start(src, modes, settings.speed, hooks);
        if self.run_id.get_untracked() == run_id && self.is_running() {
            self.handle.set_value(Some(Handle::Python));
        }
        run_id
    }

    /// Cancels the current run, if any; the runtime reports `Finished { cancelled: true }`.
    pub fn stop_run(&self) {
        let handle = self.handle.try_update_value(|h| h.take()).flatten();
        match handle {
            Some(Handle::Model(h)) => h.stop(),
            Some(Handle::Python) => python::terminate(),
            None => {}
        }
        if self.is_running() {
            // The runtime's cancelled report normally got here first; this covers one that
            // reports later, so the page never stays "running" after Stop.
            self.flush();
            self.run_state.set(RunState::Cancelled);
        }
    }

    fn on_update(&self, run_id: u64, done: &Cell<bool>, update: RunUpdate) {
        let current = self.run_id.get_untracked() == run_id;
        match update {
            RunUpdate::Event { program, event } => {
                if current && !done.get() {
                    self.pending.update_value(|p| p.push((program, event)));
                    self.schedule_flush();
                }
            }
            RunUpdate::Finished { traces, cancelled } => {
                if done.replace(true) {
                    return;
                }
                let settings = self.settings.get_untracked();
                super::embed::post_run_finished(run_id, settings.mode, &traces, cancelled);
                if !current {
                    return;
                }
                self.flush();
                self.handle.set_value(None);
                let end = traces.iter().map(|t| t.total_ms).fold(0.0, f64::max);
                self.result.set(Some(RunResult {
                    run_id,
                    traces,
                    cancelled,
                }));
                if !cancelled {
                    self.view_t.set(end);
                }
                self.run_state.set(if cancelled {
                    RunState::Cancelled
                } else {
                    RunState::Finished
                });
            }
            RunUpdate::Unsupported(why) => {
                done.set(true);
                if current {
                    self.handle.set_value(None);
                    self.run_state.set(RunState::Idle);
                    self.push_notice(NoticeKind::Unsupported(why.clone()));
                }
                super::embed::post_error("unsupported", &why, None);
            }
        }
    }

    // One signal write per animation frame, however many events arrived (10k-task runs).
    fn schedule_flush(&self) {
        if self.flush_scheduled.get_value() {
            return;
        }
        self.flush_scheduled.set_value(true);
        let me = *self;
        request_animation_frame(move || me.flush());
    }

    /// Moves pending events into `live` now (also called when a run ends: hidden tabs have no
    /// animation frames).
    pub fn flush(&self) {
        self.flush_scheduled.set_value(false);
        let batch = self
            .pending
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if batch.is_empty() {
            return;
        }
        self.live.update(|lanes| {
            for (program, event) in batch {
                if let Some(v) = lanes.get_mut(program) {
                    v.push(event);
                }
            }
        });
        self.live_version.update(|v| *v += 1);
    }

    /// Back to the loaded scenario's empty timeline (stops a run).
    pub fn reset(&self) {
        self.stop_run();
        self.live.set(Vec::new());
        self.live_version.update(|v| *v += 1);
        self.result.set(None);
        self.view_t.set(0.0);
        self.run_t0.set(None);
        self.run_state.set(RunState::Idle);
    }
}

pub fn now_ms() -> f64 {
    window().performance().map(|p| p.now()).unwrap_or(0.0)
}
