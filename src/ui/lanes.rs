//! What the seeing views share: the lanes and printed lines of each program *as the player
//! shows them* (the first `shown_of(p)` events), kept in step incrementally once per frame, the
//! ideal lanes (ghost), the code views, and the lane colours.
use leptos::prelude::*;

use super::state::AppState;
use crate::model::bars::LaneSet;
use crate::model::codegen::{self, CodeView};
use crate::model::scenario::{Scenario, TaskId};
use crate::model::trace::{Event, EventKind, Mode, OutStream, TaskInfo, Trace};

/// A printed line of a program, as the console shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub program: usize,
    /// Index of the event in the program's events (a stable key).
    pub event: usize,
    pub t: f64,
    pub task: TaskId,
    pub text: String,
    /// A warning the language writes to stderr (a coroutine never awaited), not a print.
    pub warn: bool,
    /// A line the program wrote to stderr (CPython's own text, exactly): part of a warning, or an
    /// error (a traceback, an uncaught exception).
    pub stderr: Option<ErrTone>,
}

/// How a stderr line is styled: the lines that follow a `warn` event are that warning's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrTone {
    Warning,
    Error,
}

impl ErrTone {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrTone::Warning => "warning",
            ErrTone::Error => "error",
        }
    }
}

/// Printed lines and the program's result, built from the shown events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Printed {
    pub lines: Vec<Line>,
    /// What `main` returned (its `end` value), once shown.
    pub result: Option<serde_json::Value>,
    /// Events applied so far.
    pub applied: usize,
    /// The last event applied was a `warn` or one of its stderr lines.
    in_warning: bool,
}

#[derive(Clone, Copy)]
pub struct Seeing {
    /// Measured lanes per program (as far as the view shows).
    pub sets: StoredValue<Vec<LaneSet>, LocalStorage>,
    pub printed: StoredValue<Vec<Printed>, LocalStorage>,
    /// Bumped whenever `sets` or `printed` changed.
    pub version: RwSignal<u64>,
    /// The tasks of each loaded program.
    pub tasks: Memo<Vec<Vec<TaskInfo>>>,
    /// Each task's colour index per program (`name_colours`).
    pub colours: Memo<Vec<Vec<usize>>>,
    /// Ideal lanes per program (the ghost), from the plans.
    pub ideal: Memo<Vec<LaneSet>>,
    /// Ideal total per program (ms).
    pub ideal_total: Memo<Vec<f64>>,
    /// Code of each program in the selected language.
    pub code: Memo<Vec<CodeView>>,
    /// `prefers-reduced-motion: reduce`: the cursor jumps from event to event.
    pub reduced_motion: RwSignal<bool>,
    /// The program the code view (and its highlight) follows.
    pub code_program: RwSignal<Option<usize>>,
    /// Which run / program set the stores were built for.
    built_for: StoredValue<(u64, u64), LocalStorage>,
}

pub fn use_seeing() -> Seeing {
    expect_context::<Seeing>()
}

pub fn task_infos(s: &Scenario) -> Vec<TaskInfo> {
    s.tasks
        .iter()
        .enumerate()
        .map(|(id, t)| TaskInfo {
            id,
            name: t.name.clone(),
            parent: t.parent,
            thread: t.thread.clone(),
        })
        .collect()
}

/// Program `p`'s mode as the hooks name it (`data-mode`).
pub fn mode_of(app: &AppState, p: usize) -> Mode {
    app.built
        .with_untracked(|b| b.programs.get(p).map(|s| s.mode))
        .unwrap_or(Mode::Concurrent)
}

/// Lane colours are theme tokens (`--color-lane-*` in style.css, each ≥ 3:1 on the surface in
/// every theme): main has its own, the other tasks cycle through six.
pub const LANE_COLOURS: [&str; 7] = [
    "var(--color-lane-main)",
    "var(--color-lane-1)",
    "var(--color-lane-2)",
    "var(--color-lane-3)",
    "var(--color-lane-4)",
    "var(--color-lane-5)",
    "var(--color-lane-6)",
];

/// The index into `LANE_COLOURS` (SVG patterns are defined per colour).
pub fn colour_index(task: TaskId) -> usize {
    if task == 0 {
        0
    } else {
        (task - 1) % 6 + 1
    }
}

pub fn lane_colour(task: TaskId) -> &'static str {
    LANE_COLOURS[colour_index(task)]
}

/// Colour means "which task": in one program, tasks with the same name share a colour (task A
/// of each `promise-combinators` group is one colour), and each new name takes the next colour
/// (main keeps its own). Indices into `LANE_COLOURS`, by task id.
pub fn name_colours(tasks: &[TaskInfo]) -> Vec<usize> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    tasks
        .iter()
        .map(|t| {
            if t.id == 0 {
                return 0;
            }
            let next = seen.len();
            let k = *seen.entry(t.name.as_str()).or_insert(next);
            k % (LANE_COLOURS.len() - 1) + 1
        })
        .collect()
}

impl Seeing {
    /// The colour index of a task of a program (see `name_colours`).
    pub fn colour_of(&self, program: usize, task: TaskId) -> usize {
        self.colours.with_untracked(|c| {
            c.get(program)
                .and_then(|v| v.get(task))
                .copied()
                .unwrap_or_else(|| colour_index(task))
        })
    }

    pub fn lane_colour(&self, program: usize, task: TaskId) -> &'static str {
        LANE_COLOURS
            .get(self.colour_of(program, task))
            .copied()
            .unwrap_or(LANE_COLOURS[0])
    }
}

fn prefers_reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

/// Creates the shared context and the effect that keeps it in step with the player.
pub fn provide(app: AppState) -> Seeing {
    let tasks = Memo::new(move |_| {
        app.built
            .with(|b| b.programs.iter().map(task_infos).collect::<Vec<_>>())
    });
    let colours =
        Memo::new(move |_| tasks.with(|t| t.iter().map(|p| name_colours(p)).collect::<Vec<_>>()));
    let ideal = Memo::new(move |_| {
        app.plans.with(|plans| {
            tasks.with(|tasks| {
                tasks
                    .iter()
                    .enumerate()
                    .map(|(p, infos)| match plans.get(p) {
                        Some(tr) => LaneSet::from_events(infos, &tr.events),
                        None => LaneSet::new(infos),
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let ideal_total = Memo::new(move |_| {
        app.plans
            .with(|plans| plans.iter().map(|t: &Trace| t.total_ms).collect::<Vec<_>>())
    });
    let code = Memo::new(move |_| {
        let lang = app.code.get();
        app.built.with(|b| match &b.python {
            Some(src) => {
                let view = super::code_view::python_view(src, lang, app.lang.get());
                vec![view; b.programs.len()]
            }
            None => b
                .programs
                .iter()
                .map(|s| codegen::generate(s, lang))
                .collect::<Vec<_>>(),
        })
    });
    let tasks_gen = Memo::new(move |prev: Option<&u64>| {
        tasks.track();
        prev.map_or(0, |p| p + 1)
    });
    let seeing = Seeing {
        sets: StoredValue::new_local(Vec::new()),
        printed: StoredValue::new_local(Vec::new()),
        version: RwSignal::new(0),
        tasks,
        colours,
        ideal,
        ideal_total,
        code,
        reduced_motion: RwSignal::new(prefers_reduced_motion()),
        code_program: RwSignal::new(None),
        built_for: StoredValue::new_local((u64::MAX, u64::MAX)),
    };
    provide_context(seeing);
    // Once per change of what the player shows (at most once a frame): apply only new events.
    Effect::new(move |_| {
        let shown: Vec<usize> = app.player.with(|p| {
            (0..tasks.with(|t| t.len()))
                .map(|i| p.shown_of(i))
                .collect()
        });
        let run = app.run_id.get();
        app.live_version.track();
        let gen = tasks_gen.get();
        untrack(|| sync(app, seeing, (run, gen), &shown));
    });
    seeing
}

fn sync(app: AppState, s: Seeing, key: (u64, u64), shown: &[usize]) {
    let fresh = s.built_for.get_value() != key;
    let mut changed = false;
    app.live.with_untracked(|live| {
        s.tasks.with_untracked(|tasks| {
            s.sets.update_value(|sets| {
                s.printed.update_value(|printed| {
                    if fresh || sets.len() != tasks.len() {
                        *sets = tasks.iter().map(|t| LaneSet::new(t)).collect();
                        *printed = vec![Printed::default(); tasks.len()];
                        changed = true;
                    }
                    for (p, set) in sets.iter_mut().enumerate() {
                        let events: &[Event] = live.get(p).map(|v| v.as_slice()).unwrap_or(&[]);
                        let want = shown.get(p).copied().unwrap_or(0).min(events.len());
                        if set.applied > want {
                            // Stepped back: rebuild (rare; pushing forward is the hot path).
                            *set = LaneSet::new(tasks.get(p).map(|t| t.as_slice()).unwrap_or(&[]));
                            if let Some(pr) = printed.get_mut(p) {
                                *pr = Printed::default();
                            }
                        }
                        if set.applied == want && !changed {
                            continue;
                        }
                        let from = set.applied;
                        for e in &events[from..want] {
                            set.push(e);
                        }
                        if let Some(pr) = printed.get_mut(p) {
                            for (i, e) in events.iter().enumerate().take(want).skip(pr.applied) {
                                note_print(pr, p, i, e);
                            }
                            pr.applied = want;
                        }
                        changed = true;
                    }
                })
            })
        })
    });
    s.built_for.set_value(key);
    if changed {
        s.version.update(|v| *v += 1);
    }
}

fn note_print(pr: &mut Printed, program: usize, i: usize, e: &Event) {
    let line = |text: &String, warn, stderr| Line {
        program,
        event: i,
        t: e.t,
        task: e.task,
        text: text.clone(),
        warn,
        stderr,
    };
    let in_warning = pr.in_warning;
    pr.in_warning = false;
    match &e.kind {
        EventKind::Print {
            text,
            stream: Some(OutStream::Stderr),
            ..
        } => {
            // CPython writes a warning's own lines right after it (`program.py:5: RuntimeWarning:
            // …`): they replace the short warning line, so the text is exactly CPython's.
            if in_warning && pr.lines.last().is_some_and(|l| l.warn && l.event + 1 == i) {
                pr.lines.pop();
            }
            // A warning's headline (`file:line: SomeWarning: …`; CPython 3.14 may not pass its
            // unawaited-coroutine warning through the hook that emits `warn`) starts a block that
            // runs over the stderr lines right after it, until a traceback starts.
            let headline = !text.starts_with(char::is_whitespace) && text.contains("Warning: ");
            let warning = headline || (in_warning && !text.starts_with("Traceback"));
            let tone = if warning {
                ErrTone::Warning
            } else {
                ErrTone::Error
            };
            pr.in_warning = warning;
            pr.lines.push(line(text, false, Some(tone)));
        }
        EventKind::Print { text, .. } => pr.lines.push(line(text, false, None)),
        EventKind::Warn { text } => {
            pr.in_warning = true;
            pr.lines.push(line(text, true, None));
        }
        EventKind::End { value: Some(v) } if e.task == 0 => pr.result = Some(v.clone()),
        _ => {}
    }
}
