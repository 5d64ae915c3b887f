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

/// Every event within 50 ms + 2 % of its ideal time (same order assumed).
fn assert_times(measured: &Trace, ideal: &Trace) {
    assert_eq!(measured.events.len(), ideal.events.len());
    for (m, i) in measured.events.iter().zip(&ideal.events) {
        let tol = 50.0 + 0.02 * i.t;
        assert!(
            (m.t - i.t).abs() <= tol,
            "{}: task {} {} at {:.1}, ideal {}",
            measured.scenario,
            m.task,
            m.kind.name(),
            m.t,
            i.t
        );
    }
}

#[wasm_bindgen_test]
async fn breakfast_concurrent_follows_the_worked_example() {
    let o = run(
        vec![breakfast(Mode::Concurrent)],
        cfg(CodeLang::Python, 4.0),
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
    assert!((tr.total_ms - 2000.0).abs() < 50.0, "total {}", tr.total_ms);
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
    let o = run(vec![breakfast(Mode::Sequential)], cfg(CodeLang::Js, 4.0)).await;
    let tr = &o.traces[0];
    assert!((tr.total_ms - 4000.0).abs() < 80.0, "total {}", tr.total_ms);
    assert_eq!(
        tr.prints()[..3],
        ["toast: in the toaster", "toast: golden", "coffee: brewing"]
    );
}

#[wasm_bindgen_test]
async fn crawler_orders_equal_time_work_per_event_loop() {
    // asyncio: every wait due at an instant first, then what they made ready.
    let o = run(
        vec![crawler(Mode::Concurrent, 6, 3, 200)],
        cfg(CodeLang::Python, 1.0),
    )
    .await;
    let tr = &o.traces[0];
    let at_200: Vec<(usize, &str)> = tr
        .events
        .iter()
        .filter(|e| e.t > 150.0 && e.t < 350.0 && e.kind.name() != "release")
        .map(|e| (e.task, e.kind.name()))
        .filter(|(_, k)| *k == "end" || *k == "acquire")
        .collect();
    assert_eq!(
        at_200,
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
    let o = run(
        vec![crawler(Mode::Concurrent, 6, 3, 200)],
        cfg(CodeLang::Js, 1.0),
    )
    .await;
    let tr = &o.traces[0];
    let at_200: Vec<(usize, &str)> = tr
        .events
        .iter()
        .filter(|e| e.t > 150.0 && e.t < 350.0)
        .map(|e| (e.task, e.kind.name()))
        .filter(|(_, k)| *k == "end" || *k == "acquire")
        .collect();
    assert_eq!(
        at_200,
        vec![
            (1, "end"),
            (4, "acquire"),
            (2, "end"),
            (5, "acquire"),
            (3, "end"),
            (6, "acquire")
        ]
    );
    assert!((tr.total_ms - 400.0).abs() < 50.0, "total {}", tr.total_ms);
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
            continue;
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
            for lang in [CodeLang::Python, CodeLang::Js] {
                let ideal = plan::plan(&sc, lang).expect("plan");
                let o = run(vec![sc.clone()], cfg(lang, 4.0)).await;
                let tr = &o.traces[0];
                if info.uses_workers {
                    // Worker lanes run in parallel: compare each thread's own order.
                    for th in thread_names(tr) {
                        assert_eq!(
                            per_thread(tr, &th),
                            per_thread(&ideal, &th),
                            "{id} {mode:?} {lang:?} thread {th}"
                        );
                    }
                } else {
                    assert_eq!(order(tr), order(&ideal), "{id} {mode:?} {lang:?}");
                }
                if id != "cpu-bound" && !info.uses_workers {
                    assert_times(tr, &ideal);
                }
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
            let o = run(vec![sc.clone()], cfg(lang, 1.0)).await;
            let tr = &o.traces[0];
            assert_eq!(order(tr), order(&ideal), "{} {:?} {lang:?}", sc.id, sc.mode);
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
            assert_times(tr, &ideal);
        }
    }
}
