//! Browser tests of the runtime (headless Chromium through wasm-bindgen-test-runner):
//! `CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 cargo test --target
//! wasm32-unknown-unknown --test web`. Real timers, so scenarios run at speed 4 or with small
//! durations; tolerances catch a wrong program, not a slow machine (QUALITY.md).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use async_playground::model::catalog;
use async_playground::model::plan;
use async_playground::model::scenario::{CodeLang, Params, Scenario, Step, TaskDef, Text};
use async_playground::model::script;
use async_playground::model::trace::{EventKind, Mode, Trace};
use async_playground::model::value::Value;
use async_playground::runtime::{self, RunConfig, RunUpdate};
use futures::channel::oneshot;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

struct Outcome {
    live: Vec<(usize, async_playground::model::trace::Event)>,
    traces: Vec<Trace>,
    cancelled: bool,
    finished_count: usize,
}

type Collected = Rc<RefCell<(Vec<RunUpdate>, Option<oneshot::Sender<()>>)>>;

fn sink_for(state: &Collected) -> Rc<dyn Fn(RunUpdate)> {
    let st = state.clone();
    Rc::new(move |u: RunUpdate| {
        let end = matches!(u, RunUpdate::Finished { .. } | RunUpdate::Unsupported(_));
        let mut s = st.borrow_mut();
        s.0.push(u);
        if end {
            if let Some(tx) = s.1.take() {
                let _ = tx.send(());
            }
        }
    })
}

fn outcome_of(updates: &[RunUpdate]) -> Outcome {
    let mut o = Outcome {
        live: Vec::new(),
        traces: Vec::new(),
        cancelled: false,
        finished_count: 0,
    };
    for u in updates {
        match u {
            RunUpdate::Event { program, event } => o.live.push((*program, event.clone())),
            RunUpdate::Finished { traces, cancelled } => {
                o.finished_count += 1;
                o.traces = traces.clone();
                o.cancelled = *cancelled;
            }
            RunUpdate::Unsupported(why) => panic!("unsupported: {why}"),
        }
    }
    o
}

async fn run(programs: Vec<Scenario>, cfg: RunConfig) -> Outcome {
    let (tx, rx) = oneshot::channel();
    let state: Collected = Rc::new(RefCell::new((Vec::new(), Some(tx))));
    runtime::start(programs, cfg, sink_for(&state));
    rx.await.expect("run ended");
    let updates = std::mem::take(&mut state.borrow_mut().0);
    outcome_of(&updates)
}

fn cfg(lang: CodeLang, speed: f64) -> RunConfig {
    RunConfig {
        speed,
        lang,
        one_after_another: false,
    }
}

fn print(s: &str) -> Step {
    Step::Print(Text::lit(s))
}

fn task(name: &str, body: Vec<Step>) -> TaskDef {
    TaskDef::new(name, Some(0), body)
}

fn scenario(id: &str, mode: Mode, tasks: Vec<TaskDef>, semaphores: Vec<u32>) -> Scenario {
    Scenario {
        id: id.to_string(),
        mode,
        params: Params::new(),
        tasks,
        semaphores,
    }
}

/// `breakfast` exactly as SCENARIOS.md's worked example.
fn breakfast(mode: Mode) -> Scenario {
    let main_body = match mode {
        Mode::Concurrent => vec![Step::Gather(vec![1, 2]), print("breakfast is served")],
        Mode::Sequential => vec![Step::Await(1), Step::Await(2), print("breakfast is served")],
    };
    let job = |name: &str, a: &str, b: &str| {
        task(
            name,
            vec![
                print(a),
                Step::Sleep(2000),
                print(b),
                Step::Return(Value::str(name)),
            ],
        )
    };
    scenario(
        "breakfast",
        mode,
        vec![
            TaskDef::new("main", None, main_body),
            job("toast", "toast: in the toaster", "toast: golden"),
            job("coffee", "coffee: brewing", "coffee: ready"),
        ],
        vec![],
    )
}

/// `crawler`: `count` downloads of `ms` under Semaphore(`limit`), each spawned at 0.
fn crawler(mode: Mode, count: usize, limit: u32, ms: u64) -> Scenario {
    let ids: Vec<usize> = (1..=count).collect();
    let main_body = match mode {
        Mode::Concurrent => vec![Step::Gather(ids.clone()), print("done")],
        Mode::Sequential => ids.iter().map(|i| Step::Await(*i)).collect(),
    };
    let mut tasks = vec![TaskDef::new("main", None, main_body)];
    for i in 1..=count {
        tasks.push(task(
            &format!("download {i}"),
            vec![Step::Acquire(0), Step::Sleep(ms), Step::Release(0)],
        ));
    }
    scenario("crawler", mode, tasks, vec![limit])
}

fn order(tr: &Trace) -> Vec<(usize, &'static str)> {
    tr.order()
}

/// The first event off its ideal time by more than 50 ms + 2 % (same order assumed). The 50 ms
/// are real milliseconds (timer jitter is real time): at speed 4 they are 200 scenario ms.
fn time_error(measured: &Trace, ideal: &Trace) -> Option<String> {
    if measured.events.len() != ideal.events.len() {
        return Some(format!(
            "{} events, ideal {}",
            measured.events.len(),
            ideal.events.len()
        ));
    }
    measured
        .events
        .iter()
        .zip(&ideal.events)
        .find_map(|(m, i)| {
            let tol = 50.0 + 0.02 * i.t;
            ((m.t - i.t).abs() > tol).then(|| {
                format!(
                    "{}: task {} {} at {:.1}, ideal {}",
                    measured.scenario,
                    m.task,
                    m.kind.name(),
                    m.t,
                    i.t
                )
            })
        })
}

/// Runs `programs` and checks each trace against its plan: the order must be the plan's every
/// time; a timing miss is retried (twice) because a loaded 2-core machine can stall the page
/// for a moment, while a wrong program misses every time.
async fn run_against_plans(programs: Vec<Scenario>, c: RunConfig, times: bool) -> Outcome {
    let ideals: Vec<Trace> = programs
        .iter()
        .map(|sc| plan::plan(sc, c.lang).expect("plan"))
        .collect();
    let mut last = String::new();
    for attempt in 0..3 {
        let o = run(programs.clone(), c).await;
        for (tr, ideal) in o.traces.iter().zip(&ideals) {
            let name = format!("{} {:?} {:?}", tr.scenario, tr.mode, c.lang);
            if tr.tasks.iter().any(|t| t.thread.is_some()) {
                // Worker lanes run in parallel: each thread's own order is the plan's.
                for th in thread_names(tr) {
                    assert_eq!(
                        per_thread(tr, &th),
                        per_thread(ideal, &th),
                        "{name} thread {th}"
                    );
                }
            } else {
                assert_eq!(order(tr), order(ideal), "{name}");
            }
        }
        let miss = if times {
            o.traces
                .iter()
                .zip(&ideals)
                .find_map(|(m, i)| time_error(m, i))
        } else {
            None
        };
        match miss {
            None => return o,
            Some(why) => {
                web_sys::console::log_1(&format!("attempt {attempt}: {why}").into());
                last = why;
            }
        }
    }
    panic!("timing missed three times: {last}");
}

#[wasm_bindgen_test]
async fn breakfast_concurrent_follows_the_worked_example() {
    let o = run_against_plans(
        vec![breakfast(Mode::Concurrent)],
        cfg(CodeLang::Python, 4.0),
        true,
    )
    .await;
    assert!(!o.cancelled);
    assert_eq!(o.finished_count, 1);
    let tr = &o.traces[0];
    let want = vec![
        (0, "start"),
        (0, "spawn"),
        (0, "spawn"),
        (1, "start"),
        (1, "print"),
        (1, "sleep"),
        (2, "start"),
        (2, "print"),
        (2, "sleep"),
        (1, "wake"),
        (1, "print"),
        (1, "end"),
        (2, "wake"),
        (2, "print"),
        (2, "end"),
        (0, "print"),
        (0, "end"),
    ];
    assert_eq!(order(tr), want);
    assert!(
        (tr.total_ms - 2000.0).abs() <= 250.0,
        "total {}",
        tr.total_ms
    );
    assert_eq!(tr.clock, async_playground::model::trace::Clock::Browser);
    assert_eq!(o.live.len(), tr.events.len());
    let last = tr.events.last().unwrap();
    assert_eq!(
        last.kind,
        EventKind::End {
            value: Some(serde_json::json!(["toast", "coffee"]))
        }
    );
}

#[wasm_bindgen_test]
async fn breakfast_sequential_takes_twice_as_long() {
    let o = run_against_plans(
        vec![breakfast(Mode::Sequential)],
        cfg(CodeLang::Js, 4.0),
        true,
    )
    .await;
    let tr = &o.traces[0];
    assert!(
        (tr.total_ms - 4000.0).abs() <= 280.0,
        "total {}",
        tr.total_ms
    );
    assert_eq!(
        tr.prints()[..3],
        ["toast: in the toaster", "toast: golden", "coffee: brewing"]
    );
}

/// The `end`/`acquire` events after the first `limit` acquires (the t = 0 ones).
fn ends_and_acquires(tr: &Trace, skip: usize) -> Vec<(usize, &'static str)> {
    tr.order()
        .into_iter()
        .filter(|(_, k)| *k == "end" || *k == "acquire")
        .skip(skip)
        .take(6)
        .collect()
}

#[wasm_bindgen_test]
async fn crawler_orders_equal_time_work_per_event_loop() {
    let sc = crawler(Mode::Concurrent, 6, 3, 200);
    // asyncio: every wait due at an instant first, then what they made ready.
    let o = run_against_plans(vec![sc.clone()], cfg(CodeLang::Python, 1.0), true).await;
    assert_eq!(
        ends_and_acquires(&o.traces[0], 3),
        vec![
            (1, "end"),
            (2, "end"),
            (3, "end"),
            (4, "acquire"),
            (5, "acquire"),
            (6, "acquire")
        ]
    );
    // The browser: each timer its own macrotask, what it made ready runs before the next one.
    let o = run_against_plans(vec![sc], cfg(CodeLang::Js, 1.0), true).await;
    assert_eq!(
        ends_and_acquires(&o.traces[0], 3),
        vec![
            (1, "end"),
            (4, "acquire"),
            (2, "end"),
            (5, "acquire"),
            (3, "end"),
            (6, "acquire")
        ]
    );
}

/// Editor scripts (F17) run on real timers in the planner's order, under both loops: the
/// starter (semaphore, a task created before a gather of direct calls, which JS starts at
/// once), one with loops, blocking sleeps and a call never awaited, one with a deadline, and
/// one with escapes, floats and f-string formats (the same files CPython and Node run in tests/codegen_real.rs).
#[wasm_bindgen_test]
async fn editor_scripts_match_their_plans() {
    let loops = include_str!("fixtures/scripts/loops.py");
    let deadline = include_str!("fixtures/scripts/deadline.py");
    let formats = include_str!("fixtures/scripts/formats.py");
    for text in [script::STARTER, loops, deadline, formats] {
        for mode in Mode::ALL {
            let sc = script::compile(text, mode).expect("the script compiles");
            for lang in [CodeLang::Python, CodeLang::Js] {
                run_against_plans(vec![sc.clone()], cfg(lang, 4.0), true).await;
            }
        }
    }
}

/// Every catalog scenario, both modes, each code language whose loop differs: the measured order
/// is the plan's and every event is near its ideal time.
#[wasm_bindgen_test]
async fn catalog_matches_the_plans() {
    let small: Params = [("ms".to_string(), 200u64), ("budget".to_string(), 600)]
        .into_iter()
        .collect();
    for id in catalog::IDS {
        let Some(info) = catalog::info(id) else {
            panic!("{id} has no info");
        };
        for mode in Mode::ALL {
            let params: Params = catalog::param_specs(id)
                .iter()
                .filter_map(|p| small.get(p.name).map(|v| (p.name.to_string(), *v)))
                .collect();
            let sc = match catalog::build(id, mode, &params) {
                Ok(sc) => sc,
                Err(e) => panic!("{id} {mode:?}: {e}"),
            };
            // CPU pieces are measured, not planned; worker lanes interleave freely with main.
            let times = !info.uses_workers;
            for lang in [CodeLang::Python, CodeLang::Js] {
                run_against_plans(vec![sc.clone()], cfg(lang, 4.0), times).await;
            }
        }
    }
}

fn thread_names(tr: &Trace) -> Vec<String> {
    let mut v: Vec<String> = tr
        .tasks
        .iter()
        .map(|t| t.thread.clone().unwrap_or_else(|| "main".into()))
        .collect();
    v.sort();
    v.dedup();
    v
}

fn per_thread(tr: &Trace, th: &str) -> Vec<(usize, &'static str)> {
    tr.events
        .iter()
        .filter(|e| {
            tr.tasks
                .get(e.task)
                .map(|t| t.thread.as_deref().unwrap_or("main") == th)
                .unwrap_or(false)
        })
        .map(|e| (e.task, e.kind.name()))
        .collect()
}

fn job(name: &str, ms: u64, result: Value) -> TaskDef {
    let mut t = task(
        name,
        vec![
            print(&format!("{name}: start")),
            Step::Sleep(ms),
            print(&format!("{name}: done")),
            Step::Return(result),
        ],
    );
    t.on_cancel = vec![print(&format!("{name}: cancelled"))];
    t
}

fn main_task(body: Vec<Step>) -> TaskDef {
    TaskDef::new("main", None, body)
}

/// Small programs covering every step kind, written from the IR (the catalog has its own).
fn hand_built() -> Vec<Scenario> {
    let c = Mode::Concurrent;
    let s = Mode::Sequential;
    let timeout = |body: Vec<Step>, ms: u64| Step::Timeout {
        ms,
        body,
        on_timeout: vec![print("timed out")],
    };
    let mut failing = task(
        "B",
        vec![
            print("B: start"),
            Step::Sleep(125),
            Step::Fail("B broke".into()),
        ],
    );
    failing.on_cancel = vec![print("B: cancelled")];
    let combinators = |how| {
        scenario(
            "combine",
            c,
            vec![
                main_task(vec![
                    Step::Combine {
                        how,
                        tasks: vec![1, 2, 3],
                    },
                    Step::Print(Text(vec![async_playground::model::scenario::Piece::Result])),
                ]),
                job("A", 250, Value::str("A")),
                failing.clone(),
                job("C", 375, Value::str("C")),
            ],
            vec![],
        )
    };
    vec![
        scenario(
            "timeout",
            c,
            vec![
                main_task(vec![timeout(vec![Step::Await(1)], 500), print("after")]),
                job("request", 2500, Value::Null),
            ],
            vec![],
        ),
        scenario(
            "weather",
            c,
            vec![
                main_task(vec![timeout(vec![Step::Gather(vec![1, 2, 3])], 750)]),
                job("A", 250, Value::str("A")),
                job("B", 1250, Value::str("B")),
                job("C", 125, Value::str("C")),
            ],
            vec![],
        ),
        scenario(
            "weather",
            s,
            vec![
                main_task(vec![timeout(
                    vec![Step::Await(1), Step::Await(2), Step::Await(3)],
                    750,
                )]),
                job("A", 250, Value::str("A")),
                job("B", 1250, Value::str("B")),
                job("C", 125, Value::str("C")),
            ],
            vec![],
        ),
        scenario(
            "weather-partial",
            c,
            vec![
                main_task(vec![
                    Step::WaitFor {
                        tasks: vec![1, 2, 3],
                        ms: 750,
                    },
                    Step::Print(Text(vec![async_playground::model::scenario::Piece::Result])),
                ]),
                job("A", 250, Value::str("A")),
                job("B", 1250, Value::str("B")),
                job("C", 125, Value::str("C")),
            ],
            vec![],
        ),
        scenario(
            "background-task",
            c,
            vec![
                main_task(vec![
                    Step::Spawn(1),
                    print("main: working"),
                    Step::Sleep(250),
                    print("main: waiting for bg"),
                    Step::Await(1),
                    Step::Print(Text(vec![async_playground::model::scenario::Piece::Result])),
                ]),
                job("bg", 500, Value::str("OK")),
            ],
            vec![],
        ),
        scenario(
            "unequal-gather",
            c,
            vec![
                main_task(vec![Step::Gather(vec![1, 2, 3])]),
                job("task 1", 500, Value::Int(1)),
                job("task 2", 250, Value::Int(2)),
                job("task 3", 750, Value::Int(3)),
            ],
            vec![],
        ),
        scenario(
            "blocking-mistake",
            s,
            vec![
                main_task(vec![Step::Gather(vec![1, 2, 3])]),
                task("t1", vec![print("t1"), Step::Block(150)]),
                task("t2", vec![print("t2"), Step::Block(150)]),
                task("t3", vec![print("t3"), Step::Block(150)]),
            ],
            vec![],
        ),
        scenario(
            "block-delays-timers",
            c,
            vec![
                main_task(vec![
                    Step::Spawn(1),
                    Step::Spawn(2),
                    Step::Sleep(100),
                    Step::Block(300),
                    Step::Await(1),
                    Step::Await(2),
                ]),
                job("short", 150, Value::Int(1)),
                job("shorter", 120, Value::Int(2)),
            ],
            vec![],
        ),
        scenario(
            "never-awaited",
            c,
            vec![
                main_task(vec![
                    Step::CallNoAwait(1),
                    print("main goes on"),
                    Step::Await(2),
                ]),
                job("greet", 100, Value::Null),
                job("greet", 100, Value::Null),
            ],
            vec![],
        ),
        scenario(
            "fail-releases",
            c,
            vec![
                main_task(vec![Step::Gather(vec![1, 2])]),
                task(
                    "a",
                    vec![
                        Step::Acquire(0),
                        Step::Sleep(100),
                        Step::Fail("boom".into()),
                    ],
                ),
                task(
                    "b",
                    vec![Step::Acquire(0), Step::Sleep(100), Step::Release(0)],
                ),
            ],
            vec![1],
        ),
        combinators(async_playground::model::scenario::Combinator::All),
        combinators(async_playground::model::scenario::Combinator::Race),
        combinators(async_playground::model::scenario::Combinator::AllSettled),
        combinators(async_playground::model::scenario::Combinator::Any),
        scenario(
            "timeout-zero",
            c,
            vec![
                main_task(vec![
                    timeout(vec![Step::Gather(vec![1, 2])], 0),
                    print("after"),
                ]),
                job("A", 100, Value::str("A")),
                job("B", 100, Value::str("B")),
            ],
            vec![],
        ),
        scenario(
            "sleep-zero",
            c,
            vec![
                main_task(vec![
                    Step::Spawn(1),
                    Step::Spawn(2),
                    Step::Sleep(0),
                    print("main: after sleep(0)"),
                    Step::Await(1),
                    Step::Await(2),
                ]),
                job("A", 100, Value::str("A")),
                job("B", 100, Value::str("B")),
            ],
            vec![],
        ),
        crawler(c, 7, 3, 125),
        crawler(s, 3, 3, 125),
        breakfast(c),
        breakfast(s),
    ]
}

#[wasm_bindgen_test]
async fn hand_built_programs_match_the_planner() {
    for sc in hand_built() {
        for lang in [CodeLang::Python, CodeLang::Js, CodeLang::Rust] {
            let ideal = plan::plan(&sc, lang).expect("plan");
            let o = run_against_plans(vec![sc.clone()], cfg(lang, 1.0), true).await;
            let tr = &o.traces[0];
            assert_eq!(tr.prints(), ideal.prints(), "{} {lang:?}", sc.id);
            let values = |t: &Trace| -> Vec<EventKind> {
                t.events
                    .iter()
                    .filter(|e| {
                        matches!(
                            e.kind,
                            EventKind::End { .. } | EventKind::Fail { .. } | EventKind::Warn { .. }
                        )
                    })
                    .map(|e| e.kind.clone())
                    .collect()
            };
            assert_eq!(values(tr), values(&ideal), "{} {lang:?}", sc.id);
        }
    }
}

/// Records every update of one run; `signal` fires at the `at`-th event (and at the end).
struct Recorder {
    updates: Rc<RefCell<Vec<RunUpdate>>>,
    at_event: Rc<RefCell<Option<oneshot::Sender<()>>>>,
    at_end: Rc<RefCell<Option<oneshot::Sender<()>>>>,
}

fn recorder() -> (Recorder, oneshot::Receiver<()>, oneshot::Receiver<()>) {
    let (tx_e, rx_e) = oneshot::channel();
    let (tx_f, rx_f) = oneshot::channel();
    (
        Recorder {
            updates: Rc::new(RefCell::new(Vec::new())),
            at_event: Rc::new(RefCell::new(Some(tx_e))),
            at_end: Rc::new(RefCell::new(Some(tx_f))),
        },
        rx_e,
        rx_f,
    )
}

impl Recorder {
    fn sink(&self, at: usize) -> Rc<dyn Fn(RunUpdate)> {
        let updates = self.updates.clone();
        let at_event = self.at_event.clone();
        let at_end = self.at_end.clone();
        Rc::new(move |u: RunUpdate| {
            let end = matches!(u, RunUpdate::Finished { .. } | RunUpdate::Unsupported(_));
            updates.borrow_mut().push(u);
            let n = updates.borrow().len();
            if n >= at || end {
                if let Some(tx) = at_event.borrow_mut().take() {
                    let _ = tx.send(());
                }
            }
            if end {
                if let Some(tx) = at_end.borrow_mut().take() {
                    let _ = tx.send(());
                }
            }
        })
    }
}

fn random_below(n: usize) -> usize {
    (js_sys::Math::random() * n as f64) as usize
}

/// Nothing after `Finished`, exactly one `Finished`, and its traces hold exactly the events
/// that were reported live.
fn assert_clean_end(updates: &[RunUpdate], want_cancelled: bool) {
    let ends: Vec<usize> = updates
        .iter()
        .enumerate()
        .filter(|(_, u)| matches!(u, RunUpdate::Finished { .. }))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(ends.len(), 1, "exactly one Finished");
    assert_eq!(ends[0], updates.len() - 1, "no update after Finished");
    let o = outcome_of(updates);
    assert_eq!(o.cancelled, want_cancelled);
    let in_traces: usize = o.traces.iter().map(|t| t.events.len()).sum();
    assert_eq!(in_traces, o.live.len());
}

#[wasm_bindgen_test]
async fn stop_at_a_random_instant_leaves_no_later_event() {
    for lang in [CodeLang::Python, CodeLang::Js] {
        let at = 5 + random_below(40);
        let (rec, at_event, _) = recorder();
        let h = runtime::start(
            vec![crawler(Mode::Concurrent, 10, 3, 100)],
            cfg(lang, 1.0),
            rec.sink(at),
        );
        at_event.await.unwrap();
        assert!(h.is_running());
        h.stop();
        assert!(!h.is_running());
        h.stop(); // a second stop does nothing
                  // A later run takes real time: the stopped one would have gone on meanwhile.
        let o = run(vec![crawler(Mode::Concurrent, 4, 2, 150)], cfg(lang, 1.0)).await;
        assert!(!o.cancelled);
        assert_clean_end(&rec.updates.borrow(), true);
    }
}

#[wasm_bindgen_test]
async fn stop_from_inside_the_sink_is_safe() {
    let at = 3 + random_below(20);
    let (rec, _, at_end) = recorder();
    let inner = rec.sink(usize::MAX);
    let handle: Rc<RefCell<Option<runtime::RunHandle>>> = Rc::new(RefCell::new(None));
    let h2 = handle.clone();
    let count = Rc::new(std::cell::Cell::new(0));
    let sink: Rc<dyn Fn(RunUpdate)> = Rc::new(move |u| {
        inner(u);
        count.set(count.get() + 1);
        if count.get() == at {
            if let Some(h) = h2.borrow().as_ref() {
                h.stop();
            }
        }
    });
    *handle.borrow_mut() = Some(runtime::start(
        vec![crawler(Mode::Concurrent, 8, 2, 100)],
        cfg(CodeLang::Python, 1.0),
        sink,
    ));
    at_end.await.unwrap();
    let o = run(
        vec![crawler(Mode::Concurrent, 3, 3, 300)],
        cfg(CodeLang::Python, 1.0),
    )
    .await;
    assert!(!o.cancelled);
    assert_clean_end(&rec.updates.borrow(), true);
}

#[wasm_bindgen_test]
async fn twenty_runs_back_to_back_leave_one_finished_run() {
    let mut recs = Vec::new();
    let mut last_end = None;
    for i in 0..20 {
        let (rec, _, at_end) = recorder();
        let lang = if i % 2 == 0 {
            CodeLang::Python
        } else {
            CodeLang::Js
        };
        runtime::start(
            vec![breakfast(Mode::Concurrent)],
            cfg(lang, 4.0),
            rec.sink(usize::MAX),
        );
        recs.push(rec);
        last_end = Some(at_end);
    }
    last_end.unwrap().await.unwrap();
    let mut finished = 0;
    for (i, rec) in recs.iter().enumerate() {
        let ups = rec.updates.borrow();
        let cancelled = i < 19;
        assert_clean_end(&ups, cancelled);
        if !cancelled {
            finished += 1;
            let o = outcome_of(&ups);
            assert_eq!(o.traces[0].prints().len(), 5);
        }
    }
    assert_eq!(finished, 1);
}

#[wasm_bindgen_test]
async fn compare_mode_shares_one_clock_or_runs_one_after_another() {
    let programs = vec![breakfast(Mode::Sequential), breakfast(Mode::Concurrent)];
    let o = run_against_plans(programs.clone(), cfg(CodeLang::Python, 4.0), true).await;
    assert_eq!(o.traces.len(), 2);
    assert!(o.traces[1].total_ms < o.traces[0].total_ms);
    // Both programs were live at once: program 1 ended before program 0's last events.
    let last_of = |p: usize| o.live.iter().rposition(|(q, _)| *q == p).unwrap();
    assert!(last_of(1) < last_of(0));

    let start = js_sys::Date::now();
    let o = run_against_plans(
        programs,
        RunConfig {
            one_after_another: true,
            ..cfg(CodeLang::Python, 4.0)
        },
        true,
    )
    .await;
    let real = js_sys::Date::now() - start;
    // Each drawn from its own 0; in real time one after the other (6000 scenario ms / 4).
    assert!(o.traces[1].events[0].t < 200.0);
    assert!(real >= 1450.0, "real {real}");
    let last_of = |p: usize| o.live.iter().rposition(|(q, _)| *q == p).unwrap();
    let first_of = |p: usize| o.live.iter().position(|(q, _)| *q == p).unwrap();
    assert!(last_of(0) < first_of(1));
}

#[wasm_bindgen_test]
async fn bad_config_is_reported_not_run() {
    let (rec, _, at_end) = recorder();
    runtime::start(
        vec![breakfast(Mode::Concurrent)],
        cfg(CodeLang::Js, f64::NAN),
        rec.sink(usize::MAX),
    );
    at_end.await.unwrap();
    let ups = rec.updates.borrow();
    assert_eq!(ups.len(), 1);
    assert!(matches!(&ups[0], RunUpdate::Unsupported(why) if why.contains("speed")));
}

#[wasm_bindgen_test]
async fn js_runs_a_call_never_awaited_python_warns() {
    let sc = catalog::build("never-awaited", Mode::Concurrent, &Params::new()).unwrap();
    let py = run(vec![sc.clone()], cfg(CodeLang::Python, 4.0)).await;
    let js = run(vec![sc], cfg(CodeLang::Js, 4.0)).await;
    let py = &py.traces[0];
    let js = &js.traces[0];
    assert!(py.events.iter().any(|e| e.kind.name() == "warn"));
    assert!(!py
        .events
        .iter()
        .any(|e| e.task == 1 && e.kind.name() == "start"));
    assert!(js
        .events
        .iter()
        .any(|e| e.task == 1 && e.kind.name() == "end"));
    assert!(!js.events.iter().any(|e| e.kind.name() == "warn"));
}

#[wasm_bindgen_test]
async fn event_loop_order_is_what_the_browser_did() {
    let sc = catalog::build("event-loop-order", Mode::Concurrent, &Params::new()).unwrap();
    let o = run(vec![sc], cfg(CodeLang::Js, 1.0)).await;
    let lines: Vec<(String, Option<async_playground::model::trace::Queue>)> = o.traces[0]
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Print { text, queue, .. } => Some((text.clone(), *queue)),
            _ => None,
        })
        .collect();
    use async_playground::model::trace::Queue::*;
    let queues: Vec<_> = lines.iter().map(|(_, q)| q.unwrap()).collect();
    assert_eq!(queues, vec![Sync, Sync, Micro, Micro, Macro]);
}

/// The bench figure (QUALITY.md): 10,000 downloads of 50 ms, 100 at a time, within 1.03 of the
/// ideal 5000 ms; the assertion is looser (a test catches a wrong program, the bench the speed).
#[wasm_bindgen_test]
async fn ten_thousand_task_crawler_keeps_pace() {
    let params: Params = [("count", 10_000u64), ("limit", 100), ("ms", 50)]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let sc = catalog::build("crawler", Mode::Concurrent, &params).unwrap();
    let ideal = plan::plan(&sc, CodeLang::Python).unwrap();
    let o = run(vec![sc], cfg(CodeLang::Python, 1.0)).await;
    let tr = &o.traces[0];
    assert_eq!(order(tr), order(&ideal));
    let ratio = tr.total_ms / ideal.total_ms;
    let mut errs: Vec<f64> = tr
        .events
        .iter()
        .zip(&ideal.events)
        .map(|(m, i)| (m.t - i.t).abs())
        .collect();
    errs.sort_by(f64::total_cmp);
    let p95 = errs[errs.len() * 95 / 100];
    web_sys::console::log_1(
        &format!(
            "crawler 10000x50ms/100: total {:.1} ms, ratio {ratio:.4}, event error p95 {p95:.2} ms",
            tr.total_ms
        )
        .into(),
    );
    assert!(ratio < 1.2, "ratio {ratio}");
}

#[wasm_bindgen_test]
async fn a_tab_hidden_during_the_run_marks_the_trace() {
    use wasm_bindgen::JsValue;
    let doc = web_sys::window().unwrap().document().unwrap();
    let (rec, first_event, at_end) = recorder();
    runtime::start(
        vec![breakfast(Mode::Concurrent)],
        cfg(CodeLang::Python, 4.0),
        rec.sink(1),
    );
    first_event.await.unwrap();
    // The tab "goes hidden": `document.hidden` reads true, then the browser's event.
    let desc = js_sys::Object::new();
    js_sys::Reflect::set(
        &desc,
        &"get".into(),
        &js_sys::Function::new_no_args("return true"),
    )
    .unwrap();
    js_sys::Reflect::set(&desc, &"configurable".into(), &JsValue::TRUE).unwrap();
    js_sys::Object::define_property(&doc, &"hidden".into(), &desc);
    doc.dispatch_event(&web_sys::Event::new("visibilitychange").unwrap())
        .unwrap();
    js_sys::Reflect::delete_property(&doc, &"hidden".into()).unwrap();
    at_end.await.unwrap();
    let o = outcome_of(&rec.updates.borrow());
    assert!(o.traces[0].hidden);
    // A run in a visible tab is not marked.
    let o = run(
        vec![breakfast(Mode::Concurrent)],
        cfg(CodeLang::Python, 4.0),
    )
    .await;
    assert!(!o.traces[0].hidden);
}

/// Accuracy at speed 1 (the bench owns the 4 ms budget; this prints the figure and only
/// checks the test tolerance).
#[wasm_bindgen_test]
async fn accuracy_at_speed_one() {
    let sc = crawler(Mode::Concurrent, 12, 4, 150);
    for lang in [CodeLang::Python, CodeLang::Js] {
        let ideal = plan::plan(&sc, lang).unwrap();
        let o = run_against_plans(vec![sc.clone()], cfg(lang, 1.0), true).await;
        let tr = &o.traces[0];
        let mut errs: Vec<f64> = tr
            .events
            .iter()
            .zip(&ideal.events)
            .map(|(m, i)| (m.t - i.t).abs())
            .collect();
        errs.sort_by(f64::total_cmp);
        let p95 = errs[errs.len() * 95 / 100];
        web_sys::console::log_1(
            &format!(
                "accuracy {lang:?}: p95 {p95:.2} ms, max {:.2} ms, total {:.1} / {}",
                errs[errs.len() - 1],
                tr.total_ms,
                ideal.total_ms
            )
            .into(),
        );
    }
}

#[wasm_bindgen_test]
async fn a_program_stuck_for_good_still_ends() {
    // main takes the only permit and waits for a second one that never comes; a helper task
    // sleeps meanwhile, so the run is busy for a while before it is stuck.
    let sc = scenario(
        "stuck",
        Mode::Concurrent,
        vec![
            main_task(vec![
                Step::Spawn(1),
                Step::Acquire(0),
                Step::Acquire(0),
                print("never"),
            ]),
            job("helper", 100, Value::Null),
        ],
        vec![1],
    );
    let o = run_against_plans(vec![sc], cfg(CodeLang::Python, 1.0), true).await;
    assert!(!o.cancelled);
    assert!(!o.traces[0].prints().contains(&"never"));
}

#[wasm_bindgen_test]
async fn a_very_deep_chain_of_awaits_fails_instead_of_crashing() {
    // main awaits task 1 in place, which awaits task 2 in place, … 2,000 deep.
    let n = 2000;
    let mut tasks = vec![main_task(vec![Step::Await(1)])];
    for i in 1..n {
        tasks.push(task(&format!("t{i}"), vec![Step::Await(i + 1)]));
    }
    tasks.push(task("leaf", vec![Step::Sleep(10)]));
    let sc = scenario("deep", Mode::Concurrent, tasks, vec![]);
    let o = run(vec![sc], cfg(CodeLang::Python, 1.0)).await;
    let tr = &o.traces[0];
    assert!(!o.cancelled);
    assert!(tr
        .events
        .iter()
        .any(|e| e.task == 0
            && matches!(&e.kind, EventKind::Fail { error } if error.contains("deep"))));
}

#[wasm_bindgen_test]
async fn blocked_workers_are_reported_unsupported() {
    // A page where workers cannot start (a sandboxed embed, a strict policy): `new Worker` throws.
    let global = js_sys::global();
    let real = js_sys::Reflect::get(&global, &"Worker".into()).unwrap();
    assert!(!real.is_undefined());
    let blocked = js_sys::Function::new_no_args("throw new Error('blocked')");
    js_sys::Reflect::set(&global, &"Worker".into(), &blocked).unwrap();
    let sc = catalog::build("threads-vs-async", Mode::Concurrent, &Params::new()).unwrap();
    let (rec, _, at_end) = recorder();
    runtime::start(vec![sc], cfg(CodeLang::Python, 4.0), rec.sink(usize::MAX));
    at_end.await.unwrap();
    js_sys::Reflect::set(&global, &"Worker".into(), &real).unwrap();
    let ups = rec.updates.borrow().clone();
    assert_eq!(ups.len(), 1, "nothing ran");
    assert!(matches!(&ups[0], RunUpdate::Unsupported(why) if why.contains("Web Workers")));
    // With workers back, the same scenario runs.
    let sc = catalog::build("threads-vs-async", Mode::Concurrent, &Params::new()).unwrap();
    let o = run(vec![sc], cfg(CodeLang::Python, 4.0)).await;
    assert!(!o.cancelled);
}

/// The scenario time one `Cpu` piece took (its block → unblock) in a run of `thread`.
async fn one_piece_ms(thread: Option<&str>) -> f64 {
    let mut piece = task(
        "piece",
        vec![Step::Cpu {
            work: catalog::CPU_WORK,
            estimate_ms: 300,
        }],
    );
    piece.thread = thread.map(str::to_string);
    let sc = scenario(
        "cpu-bound",
        Mode::Concurrent,
        vec![TaskDef::new("main", None, vec![Step::Await(1)]), piece],
        vec![],
    );
    let o = run(vec![sc], cfg(CodeLang::Python, 1.0)).await;
    let ev = &o.traces[0].events;
    let at = |k: &str| {
        ev.iter()
            .find(|e| e.task == 1 && e.kind.name() == k)
            .map(|e| e.t)
            .unwrap_or(f64::NAN)
    };
    at("unblock") - at("block")
}

/// A cpu-bound piece is the same code at the same speed on the main thread and in a worker
/// (it used to be the app's Rust in wasm on main and a JavaScript copy in workers, 2–4× slower).
/// Alone on its thread, each side gets a core: the best of three runs each must be close.
#[wasm_bindgen_test]
async fn cpu_pieces_take_as_long_in_a_worker_as_on_the_main_thread() {
    assert_eq!(
        runtime::sieve::count_primes_below(catalog::CPU_WORK),
        Some(catalog::count_primes_below(catalog::CPU_WORK))
    );
    let (mut main, mut worker) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..3 {
        main = main.min(one_piece_ms(None).await);
        worker = worker.min(one_piece_ms(Some("worker-1")).await);
    }
    assert!(
        main > 100.0,
        "a piece sized for 300 ms took {main} ms on main"
    );
    assert!(
        worker < main * 1.6,
        "a piece took {worker} ms in a worker vs {main} ms on the main thread"
    );
}
