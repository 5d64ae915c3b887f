//! Catalog: parameters, info flags, validation of programs; value formatting against Node.
// Native only: insta and proptest are native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]
use async_playground::model::catalog::{self, build, info, param_specs, validate, IDS};
use async_playground::model::plan::plan;
use async_playground::model::scenario::{
    CodeLang, Params, Piece, Scenario, ScenarioError, Step, TaskDef, Text,
};
use async_playground::model::trace::Mode;
use async_playground::model::value::Value;

fn params(kv: &[(&str, u64)]) -> Params {
    kv.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

fn bad_param(id: &str, kv: &[(&str, u64)]) -> (String, u64, u64) {
    match build(id, Mode::Concurrent, &params(kv)) {
        Err(ScenarioError::BadParam { name, min, max, .. }) => (name, min, max),
        other => panic!("{id} {kv:?}: expected BadParam, got {other:?}"),
    }
}

#[test]
fn every_id_builds_in_both_modes_with_defaults() {
    for id in IDS {
        for mode in Mode::ALL {
            let s = build(id, mode, &Params::new()).unwrap();
            assert_eq!(s.id, id);
            assert_eq!(s.mode, mode);
            assert_eq!(s.tasks[0].name, "main");
            validate(&s).unwrap();
            for spec in param_specs(id) {
                assert_eq!(s.params[spec.name], spec.default);
            }
        }
    }
}

#[test]
fn parameters_out_of_range_are_refused() {
    assert_eq!(
        bad_param("crawler", &[("count", 0)]),
        ("count".into(), 1, 10_000)
    );
    assert_eq!(
        bad_param("crawler", &[("count", 10_001)]),
        ("count".into(), 1, 10_000)
    );
    assert_eq!(
        bad_param("crawler", &[("limit", 0)]),
        ("limit".into(), 1, 1000)
    );
    assert_eq!(
        bad_param("crawler", &[("ms", 60_001)]),
        ("ms".into(), 0, 60_000)
    );
    assert_eq!(
        bad_param("gather-fetch", &[("count", 0)]),
        ("count".into(), 1, 10_000)
    );
    assert_eq!(
        bad_param("timeout", &[("budget", 600_001)]),
        ("budget".into(), 0, 600_000)
    );
    assert_eq!(
        bad_param("weather", &[("budget", 600_001)]),
        ("budget".into(), 0, 600_000)
    );
    assert_eq!(
        bad_param("weather-partial", &[("budget", u64::MAX)]),
        ("budget".into(), 0, 600_000)
    );
    let e = build("crawler", Mode::Concurrent, &params(&[("count", 0)])).unwrap_err();
    assert!(e.to_string().contains("count"), "{e}");
}

#[test]
fn limits_and_unknown_names() {
    let s = build(
        "crawler",
        Mode::Concurrent,
        &params(&[("count", 10_000), ("limit", 1000), ("ms", 0)]),
    )
    .unwrap();
    assert_eq!(s.tasks.len(), 10_001);
    assert_eq!(s.semaphores, [1000]);
    // A parameter the scenario does not have is ignored.
    let b = build("breakfast", Mode::Concurrent, &params(&[("count", 5)])).unwrap();
    assert!(b.params.is_empty());
    let w = build(
        "weather",
        Mode::Concurrent,
        &params(&[("count", 0), ("budget", 0)]),
    )
    .unwrap();
    assert_eq!(w.params.len(), 1);
    assert_eq!(plan(&w, CodeLang::Python).unwrap().total_ms, 0.0);
    assert!(matches!(
        build("nope", Mode::Concurrent, &Params::new()),
        Err(ScenarioError::UnknownScenario(id)) if id == "nope"
    ));
    assert!(info("nope").is_none());
}

#[test]
fn info_flags() {
    let one: Vec<&str> = IDS
        .iter()
        .copied()
        .filter(|id| info(id).unwrap().one_program)
        .collect();
    assert_eq!(
        one,
        [
            "hello",
            "timeout",
            "weather-partial",
            "never-awaited",
            "event-loop-order",
            "promise-combinators"
        ]
    );
    let holds: Vec<&str> = IDS
        .iter()
        .copied()
        .filter(|id| info(id).unwrap().holds_thread)
        .collect();
    assert_eq!(holds, ["threads-vs-async", "blocking-mistake", "cpu-bound"]);
    assert!(
        info("cpu-bound").unwrap().uses_workers && info("threads-vs-async").unwrap().uses_workers
    );
    assert!(!info("crawler").unwrap().uses_workers);
    assert!(info("blocking-mistake").unwrap().mistake_and_fix);
    assert!(!info("breakfast").unwrap().mistake_and_fix);
    // One program: both modes build the same tasks.
    for id in one {
        let a = build(id, Mode::Sequential, &Params::new()).unwrap();
        let b = build(id, Mode::Concurrent, &Params::new()).unwrap();
        assert_eq!(a.tasks, b.tasks, "{id}");
    }
}

fn program(tasks: Vec<TaskDef>, semaphores: Vec<u32>) -> Scenario {
    Scenario {
        id: "custom".into(),
        mode: Mode::Concurrent,
        params: Params::new(),
        tasks,
        semaphores,
    }
}

fn invalid(s: &Scenario) -> String {
    match validate(s) {
        Err(ScenarioError::Invalid(why)) => {
            // plan() refuses it the same way.
            assert!(plan(s, CodeLang::Python).is_err());
            why
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn validation_refuses_broken_programs() {
    let t = |name: &str, body: Vec<Step>| TaskDef::new(name, Some(0), body);
    let main = |body: Vec<Step>| TaskDef::new("main", None, body);
    assert!(invalid(&program(vec![], vec![])).contains("main"));
    assert!(invalid(&program(vec![main(vec![Step::Await(5)])], vec![])).contains("unknown task"));
    assert!(invalid(&program(vec![main(vec![Step::Acquire(0)])], vec![])).contains("semaphore"));
    assert!(invalid(&program(vec![main(vec![])], vec![0])).contains("no permit"));
    assert!(invalid(&program(vec![main(vec![Step::Spawn(0)])], vec![])).contains("main"));
    // Task 3 awaited in place by both 1 and 2.
    let twice = program(
        vec![
            main(vec![Step::Gather(vec![1, 2])]),
            t("a", vec![Step::Await(3)]),
            t("b", vec![Step::Await(3)]),
            t("c", vec![Step::Sleep(10)]),
        ],
        vec![],
    );
    assert!(invalid(&twice).contains("awaited in place"));
    // ...which is fine once it is spawned: both just wait for it.
    let shared = program(
        vec![
            main(vec![Step::Spawn(3), Step::Gather(vec![1, 2])]),
            t("a", vec![Step::Await(3)]),
            t("b", vec![Step::Await(3)]),
            t("c", vec![Step::Sleep(10)]),
        ],
        vec![],
    );
    validate(&shared).unwrap();
    assert_eq!(plan(&shared, CodeLang::Python).unwrap().total_ms, 10.0);
    // A cycle: 1 waits for 2 waits for 1.
    let cycle = program(
        vec![
            main(vec![Step::Await(1)]),
            t("a", vec![Step::Await(2)]),
            t("b", vec![Step::Spawn(1)]),
        ],
        vec![],
    );
    assert!(invalid(&cycle).contains("itself"));
    let own = program(
        vec![main(vec![Step::Await(1)]), t("a", vec![Step::Await(1)])],
        vec![],
    );
    assert!(invalid(&own).contains("itself"));
    // Cleanup may only print.
    let mut c = t("a", vec![]);
    c.on_cancel = vec![Step::Sleep(5)];
    assert!(invalid(&program(vec![main(vec![Step::Await(1)]), c], vec![])).contains("cleanup"));
    // Nested inside a timeout is checked too.
    let nested = program(
        vec![main(vec![Step::Timeout {
            ms: 5,
            body: vec![Step::Await(9)],
            on_timeout: vec![],
        }])],
        vec![],
    );
    assert!(invalid(&nested).contains("unknown task"));
}

#[test]
fn hostile_numbers_do_not_panic() {
    let main = TaskDef::new(
        "main",
        None,
        vec![
            Step::Sleep(u64::MAX),
            Step::Block(u64::MAX),
            Step::Timeout {
                ms: u64::MAX,
                body: vec![Step::Sleep(u64::MAX)],
                on_timeout: vec![],
            },
            Step::Print(Text(vec![Piece::Result])),
        ],
    );
    let s = program(vec![main], vec![u32::MAX]);
    for lang in CodeLang::ALL {
        let t = plan(&s, lang).unwrap();
        assert!(t.total_ms >= 0.0);
    }
}

#[test]
fn sequentialize_keeps_lanes_and_collects_results() {
    let s = build("breakfast", Mode::Sequential, &Params::new()).unwrap();
    assert_eq!(
        s.tasks[0].body[..3],
        [Step::Await(1), Step::Await(2), Step::Gather(vec![1, 2])]
    );
    let b = build("background-task", Mode::Sequential, &Params::new()).unwrap();
    let awaits = b.tasks[0]
        .body
        .iter()
        .filter(|s| matches!(s, Step::Await(1)))
        .count();
    assert_eq!(awaits, 1, "bg awaited once, where it was created");
    assert_eq!(b.tasks[0].body[0], Step::Await(1));
}

/// Node's own `console.log`, where Node is installed: `Value::format(Js)` must print the same.
#[test]
fn js_format_matches_node() {
    let values = vec![
        Value::List((1..=3).map(Value::Int).collect()),
        Value::List((0..26).map(Value::Int).collect()),
        Value::List((0..120).map(|i| Value::Int(i * 7)).collect()),
        Value::List(vec![Value::str("toast"), Value::str("coffee")]),
        Value::List(
            (0..10)
                .map(|i| {
                    Value::Record(vec![
                        ("id".into(), Value::Int(i)),
                        ("bytes".into(), Value::Int(512)),
                    ])
                })
                .collect(),
        ),
        Value::Record(vec![
            ("id".into(), Value::Int(1)),
            ("bytes".into(), Value::Int(512)),
        ]),
        Value::List(vec![
            Value::str("it's"),
            Value::str("a \"q\" 'x'"),
            Value::Null,
            Value::Bool(true),
        ]),
        Value::List((0..8).map(|i| Value::str("w".repeat(i))).collect()),
        Value::List(vec![Value::List(vec![Value::List(vec![Value::List(
            vec![Value::Int(1)],
        )])])]),
        Value::Record(vec![
            ("my key".into(), Value::List(vec![])),
            ("o".into(), Value::Record(vec![])),
        ]),
        Value::List(
            (1..=100)
                .map(|i| {
                    Value::Record(vec![
                        ("id".into(), Value::Int(i)),
                        ("bytes".into(), Value::Int(512 * i)),
                    ])
                })
                .collect(),
        ),
        Value::List(
            (1..=150)
                .map(|i| {
                    Value::Record(vec![
                        ("id".into(), Value::Int(i)),
                        ("bytes".into(), Value::Int(512 * i)),
                    ])
                })
                .collect(),
        ),
        Value::List((0..10_000).map(Value::Int).collect()),
        Value::List(
            (0..30)
                .map(|i| Value::str(format!("download {i}")))
                .collect(),
        ),
    ];
    // JS literals written in field order (a JSON map would sort the keys).
    fn lit(v: &Value) -> String {
        match v {
            Value::List(xs) => format!("[{}]", xs.iter().map(lit).collect::<Vec<_>>().join(",")),
            Value::Record(fs) => format!(
                "{{{}}}",
                fs.iter()
                    .map(|(k, x)| format!("{}:{}", serde_json::json!(k), lit(x)))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            other => other.to_json().to_string(),
        }
    }
    let script = format!(
        "for (const v of [{}]) console.log(v), console.log('\\u0000');",
        values.iter().map(lit).collect::<Vec<_>>().join(",")
    );
    let Ok(out) = std::process::Command::new("node")
        .arg("-e")
        .arg(&script)
        .output()
    else {
        eprintln!("no node: skipped");
        return;
    };
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let printed: Vec<&str> = text.split("\n\u{0}\n").collect();
    assert_eq!(printed.len(), values.len() + 1, "{text}");
    for (v, want) in values.iter().zip(printed) {
        assert_eq!(v.format(CodeLang::Js), want);
    }
}

#[test]
fn python_format_matches_cpython() {
    let values = [
        Value::List((1..=3).map(Value::Int).collect()),
        Value::Record(vec![
            ("id".into(), Value::Int(1)),
            ("bytes".into(), Value::Int(512)),
        ]),
        Value::List(vec![
            Value::str("it's"),
            Value::str("a \"q\" 'x'"),
            Value::Null,
            Value::Bool(false),
            Value::str("tab\there"),
        ]),
        Value::List(vec![Value::List(vec![]), Value::Record(vec![])]),
    ];
    // Python literals: the repr of a value is also how to write it.
    let src: Vec<String> = values.iter().map(|v| v.format(CodeLang::Python)).collect();
    let script = format!("for v in [{}]: print(v); print('\\0')", src.join(", "));
    let Ok(out) = std::process::Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
    else {
        eprintln!("no python3: skipped");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let printed: Vec<&str> = text.split("\n\u{0}\n").collect();
    assert_eq!(printed.len(), values.len() + 1, "{text}");
    for (v, want) in values.iter().zip(printed) {
        assert_eq!(v.format(CodeLang::Python), want);
    }
    assert_eq!(catalog::count_primes_below(10), 4);
}

#[test]
fn programs_that_hold_the_main_thread_are_known_before_they_run() {
    let holds = |id: &str, mode| build(id, mode, &Params::new()).unwrap().holds_main_thread();
    assert!(holds("blocking-mistake", Mode::Sequential));
    assert!(!holds("blocking-mistake", Mode::Concurrent));
    assert!(!holds("crawler", Mode::Concurrent));
    assert!(!holds("crawler", Mode::Sequential));
    // Inside a timeout's body too; a worker lane does not hold the page's thread.
    let mut sc = build("crawler", Mode::Concurrent, &Params::new()).unwrap();
    sc.tasks[0].body.push(Step::Timeout {
        ms: 10,
        body: vec![Step::Block(5)],
        on_timeout: vec![],
    });
    assert!(sc.holds_main_thread());
    sc.tasks[0].thread = Some("worker-1".into());
    assert!(!sc.holds_main_thread());
}
