//! The page's validator of the Pyodide worker's messages (`model::pyproto`): whatever the worker
//! sends — garbage, forged shapes, oversized batches — is refused with words, never a panic, and
//! what passes is bounded.
#![cfg(not(target_arch = "wasm32"))]
use async_playground::model::pyproto::{parse, Msg, Stream, MAX_EVENTS, MAX_TASKS};
use proptest::prelude::*;
use serde_json::{json, Value};

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        prop_oneof![
            Just("type".to_string()),
            Just("events".to_string()),
            Just("done".to_string()),
            Just("print".to_string()),
            ".{0,8}"
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("type".to_string()),
                        Just("id".to_string()),
                        Just("tasks".to_string()),
                        Just("events".to_string()),
                        Just("trace".to_string()),
                        Just("t".to_string()),
                        Just("task".to_string()),
                        Just("kind".to_string()),
                        "[a-z_]{1,8}"
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn any_text_is_parsed_or_refused_never_a_panic(s in ".{0,200}") {
        let _ = parse(&s);
    }

    #[test]
    fn any_json_is_parsed_or_refused_never_a_panic(v in arb_json()) {
        let _ = parse(&v.to_string());
    }

    /// A well-formed stream of batches is accepted; an event naming a task beyond those sent is
    /// refused, and the refused batch leaves the stream unchanged.
    #[test]
    fn streams_keep_ids_in_range(n in 1usize..20, evs in prop::collection::vec((0usize..30, 0u32..1000), 0..40)) {
        let tasks: Vec<Value> = (0..n).map(|i| json!({"id": i, "name": format!("t{i}")})).collect();
        let mut t = 0u32;
        let events: Vec<Value> = evs.iter().map(|(task, dt)| {
            t += dt;
            json!({"t": t, "task": task, "kind": "wake"})
        }).collect();
        let msg = json!({"type": "events", "id": 1, "tasks": tasks, "events": events});
        let Ok(Msg::Events { tasks, events, .. }) = parse(&msg.to_string()) else {
            return Err(TestCaseError::fail("a well-formed batch was refused"));
        };
        let mut s = Stream::default();
        let ok = s.push(tasks, events);
        let in_range = evs.iter().all(|(task, _)| *task < n);
        prop_assert_eq!(ok.is_ok(), in_range);
        if !in_range {
            prop_assert!(s.events.is_empty() && s.tasks.is_empty());
        }
        prop_assert!(s.tasks.len() <= MAX_TASKS && s.events.len() <= MAX_EVENTS);
    }
}

#[test]
fn more_tasks_than_a_run_may_have_are_refused() {
    let tasks: Vec<Value> = (0..=MAX_TASKS)
        .map(|i| json!({"id": i, "name": "t"}))
        .collect();
    let msg = json!({"type": "events", "id": 1, "tasks": tasks, "events": []});
    assert!(parse(&msg.to_string()).is_err());
}
