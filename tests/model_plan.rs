//! The planner against the figures of docs/SCENARIOS.md, and snapshots of every ideal trace.
// Native only: insta and proptest are native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]
use async_playground::model::catalog::{self, IDS};
use async_playground::model::plan::plan;
use async_playground::model::scenario::{CodeLang, Params};
use async_playground::model::trace::{EventKind, Loop, Mode, Queue, Trace};

fn trace_with(id: &str, mode: Mode, lang: CodeLang, params: &[(&str, u64)]) -> Trace {
    let p: Params = params.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let s = catalog::build(id, mode, &p).unwrap();
    plan(&s, lang).unwrap()
}

fn trace(id: &str, mode: Mode) -> Trace {
    trace_with(id, mode, CodeLang::Python, &[])
}

fn task_id(t: &Trace, name: &str) -> usize {
    t.tasks.iter().find(|x| x.name == name).unwrap().id
}

/// Times of the events of `kind` on the task called `name`.
fn times(t: &Trace, name: &str, kind: &str) -> Vec<f64> {
    let id = task_id(t, name);
    t.events
        .iter()
        .filter(|e| e.task == id && e.kind.name() == kind)
        .map(|e| e.t)
        .collect()
}

/// `(t, task, kind)` of every event: the order the runtime must reproduce.
fn lines(t: &Trace) -> Vec<(u64, usize, &'static str)> {
    t.events
        .iter()
        .map(|e| (e.t as u64, e.task, e.kind.name()))
        .collect()
}

#[test]
fn breakfast_exactly_as_the_worked_example() {
    let c = trace("breakfast", Mode::Concurrent);
    assert_eq!(c.total_ms, 2000.0);
    assert_eq!(
        lines(&c),
        vec![
            (0, 0, "start"),
            (0, 0, "spawn"),
            (0, 0, "spawn"),
            (0, 1, "start"),
            (0, 1, "print"),
            (0, 1, "sleep"),
            (0, 2, "start"),
            (0, 2, "print"),
            (0, 2, "sleep"),
            (2000, 1, "wake"),
            (2000, 1, "print"),
            (2000, 1, "end"),
            (2000, 2, "wake"),
            (2000, 2, "print"),
            (2000, 2, "end"),
            (2000, 0, "print"),
            (2000, 0, "end"),
        ]
    );
    assert_eq!(
        c.prints(),
        vec![
            "toast: in the toaster",
            "coffee: brewing",
            "toast: golden",
            "coffee: ready",
            "breakfast is served"
        ]
    );
    let names: Vec<&str> = c.tasks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["main", "toast", "coffee"]);
    assert_eq!(c.tasks[1].parent, Some(0));
    assert_eq!(
        c.events.last().unwrap().kind,
        EventKind::End {
            value: Some(serde_json::json!(["toast", "coffee"]))
        }
    );

    let s = trace("breakfast", Mode::Sequential);
    assert_eq!(s.total_ms, 4000.0);
    assert_eq!(
        lines(&s),
        vec![
            (0, 0, "start"),
            (0, 1, "start"),
            (0, 1, "print"),
            (0, 1, "sleep"),
            (2000, 1, "wake"),
            (2000, 1, "print"),
            (2000, 1, "end"),
            (2000, 2, "start"),
            (2000, 2, "print"),
            (2000, 2, "sleep"),
            (4000, 2, "wake"),
            (4000, 2, "print"),
            (4000, 2, "end"),
            (4000, 0, "print"),
            (4000, 0, "end"),
        ]
    );
    assert_eq!(
        s.prints(),
        [
            "toast: in the toaster",
            "toast: golden",
            "coffee: brewing",
            "coffee: ready",
            "breakfast is served"
        ]
    );
}

#[test]
fn crawler_semaphore_of_three() {
    let c = trace("crawler", Mode::Concurrent);
    let acquires: Vec<u64> = c
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Acquire))
        .map(|e| e.t as u64)
        .collect();
    assert_eq!(
        acquires,
        [0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000, 3000]
    );
    assert_eq!(c.total_ms, 4000.0);
    // Every download starts at 0 and the ones beyond the limit wait for a permit.
    for i in 0..10 {
        assert_eq!(times(&c, &format!("download {i}"), "start"), [0.0]);
    }
    let waits = c
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::AcquireWait))
        .count();
    assert_eq!(waits, 7);
    assert_eq!(trace("crawler", Mode::Sequential).total_ms, 10000.0);
}

#[test]
fn crawler_same_instant_order_differs_between_loops() {
    let at_1000 = |t: &Trace| -> Vec<(String, &'static str)> {
        t.events
            .iter()
            .filter(|e| {
                e.t == 1000.0 && matches!(e.kind, EventKind::End { .. } | EventKind::Acquire)
            })
            .map(|e| (t.tasks[e.task].name.clone(), e.kind.name()))
            .collect()
    };
    let py = trace_with("crawler", Mode::Concurrent, CodeLang::Python, &[]);
    let js = trace_with("crawler", Mode::Concurrent, CodeLang::Js, &[]);
    assert_eq!(py.event_loop, Loop::Asyncio);
    assert_eq!(js.event_loop, Loop::Browser);
    let d = |i: u32, k: &'static str| (format!("download {i}"), k);
    assert_eq!(
        at_1000(&py),
        [
            d(0, "end"),
            d(1, "end"),
            d(2, "end"),
            d(3, "acquire"),
            d(4, "acquire"),
            d(5, "acquire")
        ]
    );
    assert_eq!(
        at_1000(&js),
        [
            d(0, "end"),
            d(3, "acquire"),
            d(1, "end"),
            d(4, "acquire"),
            d(2, "end"),
            d(5, "acquire")
        ]
    );
    // Same times either way; only the order of equal-time lines moves.
    let mut a: Vec<_> = lines(&py);
    let mut b: Vec<_> = lines(&js);
    a.sort();
    b.sort();
    assert_eq!(a, b);
    // Rust follows asyncio's order.
    let rs = trace_with("crawler", Mode::Concurrent, CodeLang::Rust, &[]);
    assert_eq!(lines(&rs), lines(&py));
}

#[test]
fn crawler_parameters() {
    let t = trace_with(
        "crawler",
        Mode::Concurrent,
        CodeLang::Python,
        &[("count", 7), ("limit", 2), ("ms", 250)],
    );
    assert_eq!(t.total_ms, 1000.0);
    assert_eq!(t.tasks.len(), 8);
    assert_eq!(t.params["count"], serde_json::json!(7));
    assert_eq!(t.params["limit"], serde_json::json!(2));
    let s = trace_with(
        "crawler",
        Mode::Sequential,
        CodeLang::Python,
        &[("count", 7), ("ms", 250)],
    );
    assert_eq!(s.total_ms, 1750.0);
}

#[test]
fn big_crawler_plans_fast() {
    let started = std::time::Instant::now();
    let t = trace_with(
        "crawler",
        Mode::Concurrent,
        CodeLang::Js,
        &[("count", 10_000), ("limit", 100), ("ms", 50)],
    );
    let took = started.elapsed();
    assert_eq!(t.total_ms, 5000.0);
    assert_eq!(t.tasks.len(), 10_001);
    // Generous: catches a quadratic planner, not a slow or busy machine (the bench times it).
    assert!(took.as_secs() < 10, "planning took {took:?}");
    let g = trace_with(
        "gather-fetch",
        Mode::Sequential,
        CodeLang::Python,
        &[("count", 10_000), ("ms", 1)],
    );
    assert_eq!(g.total_ms, 10_000.0);
}

#[test]
fn weather_concurrent_and_sequential() {
    let c = trace("weather", Mode::Concurrent);
    assert_eq!(times(&c, "C", "end"), [500.0]);
    assert_eq!(times(&c, "A", "end"), [1000.0]);
    assert_eq!(times(&c, "B", "cancel"), [3000.0]);
    assert!(times(&c, "B", "end").is_empty());
    assert_eq!(times(&c, "main", "timeout"), [3000.0]);
    assert_eq!(c.total_ms, 3000.0);
    // The cancellation comes first, then the timeout, then what main prints about it.
    let tail: Vec<_> = c
        .events
        .iter()
        .rev()
        .take(5)
        .rev()
        .map(|e| (e.task, e.kind.name()))
        .collect();
    assert_eq!(
        tail,
        [
            (2, "cancel"),
            (2, "print"),
            (0, "timeout"),
            (0, "print"),
            (0, "end")
        ]
    );
    assert_eq!(
        c.prints().last(),
        Some(&"main: timed out after 3000 ms, no forecast")
    );
    // No results: the gather never completed.
    assert!(!c.prints().iter().any(|p| p.starts_with("forecasts")));

    let s = trace("weather", Mode::Sequential);
    assert_eq!(times(&s, "A", "end"), [1000.0]);
    assert_eq!(times(&s, "B", "start"), [1000.0]);
    assert_eq!(times(&s, "B", "cancel"), [3000.0]);
    assert!(times(&s, "C", "start").is_empty(), "C never starts");
    assert_eq!(times(&s, "main", "timeout"), [3000.0]);
    assert_eq!(s.total_ms, 3000.0);

    // A budget that is long enough: everything ends, results in argument order.
    let ok = trace_with(
        "weather",
        Mode::Concurrent,
        CodeLang::Python,
        &[("budget", 6000)],
    );
    assert_eq!(ok.total_ms, 5000.0);
    assert_eq!(
        ok.prints().last(),
        Some(&"forecasts: ['sunny', 'rainy', 'cloudy']")
    );
}

#[test]
fn weather_partial_keeps_what_finished() {
    let t = trace("weather-partial", Mode::Concurrent);
    assert_eq!(times(&t, "B", "cancel"), [3000.0]);
    assert_eq!(t.total_ms, 3000.0);
    assert!(times(&t, "main", "timeout").is_empty());
    assert_eq!(t.prints().last(), Some(&"kept: ['sunny', 'cloudy']"));
    let js = trace_with("weather-partial", Mode::Sequential, CodeLang::Js, &[]);
    assert_eq!(js.prints().last(), Some(&"kept: [ 'sunny', 'cloudy' ]"));
}

#[test]
fn unequal_gather_results_in_argument_order() {
    let c = trace("unequal-gather", Mode::Concurrent);
    let ends: Vec<String> = c
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::End { .. }) && e.task != 0)
        .map(|e| c.tasks[e.task].name.clone())
        .collect();
    assert_eq!(ends, ["task 2", "task 1", "task 3"]);
    assert_eq!(times(&c, "task 2", "end"), [1000.0]);
    assert_eq!(times(&c, "task 1", "end"), [2000.0]);
    assert_eq!(times(&c, "task 3", "end"), [3000.0]);
    assert_eq!(c.total_ms, 3000.0);
    assert_eq!(c.prints().last(), Some(&"results: [1, 2, 3]"));
    let s = trace("unequal-gather", Mode::Sequential);
    assert_eq!(s.total_ms, 6000.0);
    assert_eq!(s.prints().last(), Some(&"results: [1, 2, 3]"));
    let js = trace_with("unequal-gather", Mode::Concurrent, CodeLang::Js, &[]);
    assert_eq!(js.prints().last(), Some(&"results: [ 1, 2, 3 ]"));
}

#[test]
fn gather_fetch_times_and_records() {
    let c = trace("gather-fetch", Mode::Concurrent);
    assert_eq!(c.total_ms, 1000.0);
    let ends: Vec<usize> = c
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::End { .. }) && e.task != 0)
        .map(|e| e.task)
        .collect();
    assert_eq!(ends, [1, 2, 3]);
    assert_eq!(
        c.prints().last(),
        Some(&"results: [{'id': 1, 'bytes': 512}, {'id': 2, 'bytes': 1024}, {'id': 3, 'bytes': 1536}]")
    );
    assert_eq!(trace("gather-fetch", Mode::Sequential).total_ms, 3000.0);
    let rs = trace_with(
        "gather-fetch",
        Mode::Concurrent,
        CodeLang::Rust,
        &[("count", 2)],
    );
    assert_eq!(
        rs.prints().last(),
        Some(&"results: [Record { id: 1, bytes: 512 }, Record { id: 2, bytes: 1024 }]")
    );
}

#[test]
fn background_task() {
    let c = trace("background-task", Mode::Concurrent);
    assert_eq!(c.total_ms, 2000.0);
    assert_eq!(times(&c, "bg", "end"), [2000.0]);
    assert_eq!(c.prints().last(), Some(&"main: bg returned OK"));
    let s = trace("background-task", Mode::Sequential);
    assert_eq!(s.total_ms, 3000.0);
    assert_eq!(times(&s, "bg", "end"), [2000.0]);
    assert_eq!(s.prints().last(), Some(&"main: bg returned OK"));
}

#[test]
fn timeout_cancels_then_reports() {
    for mode in Mode::ALL {
        let t = trace("timeout", mode);
        assert_eq!(times(&t, "request", "cancel"), [2000.0]);
        assert_eq!(times(&t, "main", "timeout"), [2000.0]);
        assert_eq!(t.total_ms, 2000.0);
        let kinds: Vec<&str> = t
            .events
            .iter()
            .skip_while(|e| e.t < 2000.0)
            .map(|e| e.kind.name())
            .collect();
        assert_eq!(kinds, ["cancel", "print", "timeout", "print", "end"]);
        assert_eq!(
            t.prints(),
            [
                "request: sent",
                "request: cancelled",
                "main: no answer within 2000 ms"
            ]
        );
    }
    let ok = trace_with(
        "timeout",
        Mode::Concurrent,
        CodeLang::Python,
        &[("budget", 3000), ("ms", 1000)],
    );
    assert_eq!(ok.total_ms, 1000.0);
    assert_eq!(ok.prints().last(), Some(&"main: got 200 OK"));
    // Equal deadline and sleep: the budget's timer was started first, so it wins.
    let tie = trace_with(
        "timeout",
        Mode::Concurrent,
        CodeLang::Python,
        &[("budget", 1000), ("ms", 1000)],
    );
    assert_eq!(times(&tie, "main", "timeout"), [1000.0]);
}

#[test]
fn promise_combinators() {
    let t = trace_with("promise-combinators", Mode::Concurrent, CodeLang::Js, &[]);
    assert_eq!(times(&t, "all", "end"), [500.0]);
    assert_eq!(times(&t, "race", "end"), [500.0]);
    assert_eq!(times(&t, "allSettled", "end"), [1500.0]);
    assert_eq!(times(&t, "any", "end"), [1000.0]);
    let p = t.prints();
    assert!(p.contains(&"all: { status: 'rejected', reason: 'B failed' }"));
    assert!(p.contains(&"race: { status: 'rejected', reason: 'B failed' }"));
    assert!(p.contains(&"any: { status: 'fulfilled', value: 'A' }"));
    assert!(p.contains(
        &"allSettled: [\n  { status: 'fulfilled', value: 'A' },\n  { status: 'rejected', reason: 'B failed' },\n  { status: 'fulfilled', value: 'C' }\n]"
    ));
    // JS does not cancel the losers: every A and C still ends.
    let a_ends = t
        .events
        .iter()
        .filter(|e| t.tasks[e.task].name == "A" && e.kind.name() == "end")
        .count();
    let c_ends = t
        .events
        .iter()
        .filter(|e| t.tasks[e.task].name == "C" && e.kind.name() == "end")
        .count();
    assert_eq!((a_ends, c_ends), (4, 4));
    assert!(!t.events.iter().any(|e| matches!(e.kind, EventKind::Cancel)));
    assert_eq!(t.total_ms, 1500.0);
}

#[test]
fn event_loop_order() {
    for lang in CodeLang::ALL {
        let t = trace_with("event-loop-order", Mode::Concurrent, lang, &[]);
        let queues: Vec<Queue> = t
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Print { queue, .. } => *queue,
                _ => None,
            })
            .collect();
        assert_eq!(
            queues,
            [
                Queue::Sync,
                Queue::Sync,
                Queue::Micro,
                Queue::Micro,
                Queue::Macro
            ]
        );
        assert_eq!(
            t.prints(),
            [
                "sync: script starts",
                "sync: script ends",
                "microtask: promise then",
                "microtask: queueMicrotask",
                "macrotask: setTimeout 0"
            ]
        );
        // The browser runs the zero timer main waits on after the setTimeout callback; asyncio's
        // `sleep(0)` only yields, so main ends first and the timer callback prints after it.
        let last = t.events.last().unwrap().kind.name();
        assert_eq!(last, if lang == CodeLang::Js { "end" } else { "print" });
    }
}

#[test]
fn never_awaited_lazy_and_eager() {
    for lang in [CodeLang::Python, CodeLang::Rust] {
        let t = trace_with("never-awaited", Mode::Concurrent, lang, &[]);
        assert!(
            t.events.iter().all(|e| e.task != 1),
            "the first call never runs"
        );
        let warn: Vec<&EventKind> = t
            .events
            .iter()
            .filter(|e| e.kind.name() == "warn")
            .map(|e| &e.kind)
            .collect();
        assert_eq!(warn.len(), 1);
        assert_eq!(t.total_ms, 1000.0);
    }
    let py = trace("never-awaited", Mode::Concurrent);
    assert!(py.events.iter().any(|e| e.kind
        == EventKind::Warn {
            text: "coroutine 'greet' was never awaited".into()
        }));
    let js = trace_with("never-awaited", Mode::Concurrent, CodeLang::Js, &[]);
    assert!(!js.events.iter().any(|e| e.kind.name() == "warn"));
    assert_eq!(times(&js, "main", "spawn"), [0.0]);
    let first: Vec<&str> = js
        .events
        .iter()
        .filter(|e| e.task == 1)
        .map(|e| e.kind.name())
        .collect();
    assert_eq!(first, ["start", "print", "sleep", "wake", "print", "end"]);
    // The eager call runs at once, before main's next line.
    assert_eq!(
        &js.prints()[..3],
        [
            "main: calling greet() without await",
            "greet: hello",
            "main: calling greet() with await"
        ]
    );
}

#[test]
fn sync_vs_async_call() {
    assert_eq!(
        trace("sync-vs-async-call", Mode::Sequential).total_ms,
        3000.0
    );
    assert_eq!(
        trace("sync-vs-async-call", Mode::Concurrent).total_ms,
        2000.0
    );
}

#[test]
fn blocking_mistake_and_fix() {
    let mistake = trace("blocking-mistake", Mode::Sequential);
    assert_eq!(mistake.total_ms, 3000.0);
    let blocks: Vec<f64> = mistake
        .events
        .iter()
        .filter(|e| e.kind.name() == "block")
        .map(|e| e.t)
        .collect();
    assert_eq!(blocks, [0.0, 1000.0, 2000.0]);
    // The tasks were gathered (all spawned at 0) but run one after another.
    assert_eq!(times(&mistake, "main", "spawn"), [0.0, 0.0, 0.0]);
    let fix = trace("blocking-mistake", Mode::Concurrent);
    assert_eq!(fix.total_ms, 1000.0);
    assert!(!fix.events.iter().any(|e| e.kind.name() == "block"));
}

#[test]
fn threads_and_cpu() {
    let c = trace("threads-vs-async", Mode::Concurrent);
    assert_eq!(c.total_ms, 1000.0);
    for n in [
        "async 1", "async 2", "async 3", "thread 1", "thread 2", "thread 3",
    ] {
        assert_eq!(times(&c, n, "end"), [1000.0], "{n}");
    }
    let workers: Vec<Option<String>> = c.tasks.iter().map(|t| t.thread.clone()).collect();
    assert_eq!(workers[4].as_deref(), Some("worker-1"));
    assert_eq!(workers[1], None);
    assert_eq!(trace("threads-vs-async", Mode::Sequential).total_ms, 3000.0);

    let cpu = trace("cpu-bound", Mode::Concurrent);
    assert_eq!(cpu.total_ms, catalog::CPU_ESTIMATE_MS as f64);
    assert!(cpu.tasks[1..].iter().all(|t| t.thread.is_some()));
    let seq = trace("cpu-bound", Mode::Sequential);
    assert_eq!(seq.total_ms, 3.0 * catalog::CPU_ESTIMATE_MS as f64);
    assert!(seq.tasks.iter().all(|t| t.thread.is_none()));
    assert_eq!(catalog::count_primes_below(100), 25);
}

#[test]
fn hello_one_program() {
    let t = trace("hello", Mode::Sequential);
    assert_eq!(t.total_ms, 1000.0);
    assert_eq!(t.prints(), ["hello", "world"]);
}

/// Each task's life: `start` first (unless cancelled before starting), exactly one of
/// end / fail / cancel, and after it only cleanup (prints, releases) of a cancel.
fn assert_lifecycles(t: &Trace) {
    for info in &t.tasks {
        let evs: Vec<&EventKind> = t
            .events
            .iter()
            .filter(|e| e.task == info.id)
            .map(|e| &e.kind)
            .collect();
        if evs.iter().all(|k| {
            matches!(
                k,
                EventKind::Print { .. } | EventKind::Warn { .. } | EventKind::Spawn { .. }
            )
        }) && info.id != 0
        {
            continue;
        }
        let ends: Vec<usize> = evs
            .iter()
            .enumerate()
            .filter(|(_, k)| {
                matches!(
                    k,
                    EventKind::End { .. } | EventKind::Fail { .. } | EventKind::Cancel
                )
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(ends.len(), 1, "{} {}: {:?}", t.scenario, info.name, evs);
        let after = &evs[ends[0] + 1..];
        let cancelled = matches!(evs[ends[0]], EventKind::Cancel);
        // After the end: a cancelled task's cleanup, or callbacks it scheduled.
        let cleanup_only = after.iter().all(|k| {
            cancelled && matches!(k, EventKind::Print { .. } | EventKind::Release)
                || matches!(k, EventKind::Print { queue: Some(q), .. } if *q != Queue::Sync)
        });
        assert!(cleanup_only, "{} {}: {:?}", t.scenario, info.name, evs);
    }
    assert!(t.events.windows(2).all(|w| w[0].t <= w[1].t));
    let last_main = t
        .events
        .iter()
        .filter(|e| e.task == 0)
        .map(|e| e.t)
        .fold(0.0, f64::max);
    assert_eq!(t.total_ms, last_main);
}

#[test]
fn snapshots_of_every_scenario() {
    for id in IDS {
        for mode in Mode::ALL {
            let t = trace(id, mode);
            assert_lifecycles(&t);
            assert_eq!(t.clock, async_playground::model::trace::Clock::Ideal);
            insta::assert_json_snapshot!(format!("{id}-{}-python", mode.as_str()), t);
        }
    }
    for id in [
        "crawler",
        "never-awaited",
        "promise-combinators",
        "event-loop-order",
    ] {
        let t = trace_with(id, Mode::Concurrent, CodeLang::Js, &[]);
        assert_lifecycles(&t);
        insta::assert_json_snapshot!(format!("{id}-concurrent-js"), t);
    }
}

#[test]
fn json_round_trip() {
    for id in IDS {
        for lang in CodeLang::ALL {
            let t = trace_with(id, Mode::Concurrent, lang, &[]);
            let back = Trace::from_json(&t.to_json()).unwrap();
            assert_eq!(back, t, "{id}");
        }
        let s = catalog::build(id, Mode::Sequential, &Params::new()).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        let back: async_playground::model::scenario::Scenario =
            serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }
}
