//! Browser tests: blocking calls hold the thread one at a time, and Stop gets in between
//! (`cargo test --target wasm32-unknown-unknown --test web_block`).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use async_playground::model::scenario::{CodeLang, Params, Scenario, Step, TaskDef, Text};
use async_playground::model::trace::{Event, EventKind, Mode};
use async_playground::runtime::{self, RunConfig, RunUpdate};
use futures::channel::oneshot;
use gloo_timers::callback::Timeout;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn print(s: &str) -> Step {
    Step::Print(Text::lit(s))
}

fn scenario(tasks: Vec<TaskDef>) -> Scenario {
    Scenario {
        id: "custom".to_string(),
        mode: Mode::Concurrent,
        params: Params::new(),
        tasks,
        semaphores: vec![],
    }
}

fn cfg() -> RunConfig {
    RunConfig {
        speed: 1.0,
        lang: CodeLang::Python,
        one_after_another: false,
    }
}

type Updates = Rc<RefCell<Vec<RunUpdate>>>;
type Sink = Rc<dyn Fn(RunUpdate)>;

/// Every update of one run, and a receiver that fires when it ends.
fn collect() -> (Updates, Sink, oneshot::Receiver<()>) {
    let (tx, rx) = oneshot::channel();
    let tx = RefCell::new(Some(tx));
    let all = Rc::new(RefCell::new(Vec::new()));
    let a2 = all.clone();
    let sink: Sink = Rc::new(move |u: RunUpdate| {
        let end = matches!(u, RunUpdate::Finished { .. } | RunUpdate::Unsupported(_));
        a2.borrow_mut().push(u);
        if end {
            if let Some(tx) = tx.borrow_mut().take() {
                let _ = tx.send(());
            }
        }
    });
    (all, sink, rx)
}

fn events(updates: &[RunUpdate]) -> Vec<Event> {
    updates
        .iter()
        .filter_map(|u| match u {
            RunUpdate::Event { event, .. } => Some(event.clone()),
            _ => None,
        })
        .collect()
}

fn printed(evs: &[Event]) -> Vec<String> {
    evs.iter()
        .filter_map(|e| match &e.kind {
            EventKind::Print { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

/// Four blocking calls in a row (the editor's `time.sleep(…)` ×4) and a Stop asked for while
/// the first one holds the thread: the Stop is handled when that call returns, not after all
/// four, and nothing after it is recorded or printed.
#[wasm_bindgen_test]
async fn stop_during_a_blocking_call_is_honoured_when_it_returns() {
    let mut body = vec![print("start")];
    for i in 1..=4 {
        body.push(Step::Block(400));
        body.push(print(&format!("after block {i}")));
    }
    let (all, sink, ended) = collect();
    let h = runtime::start(
        vec![scenario(vec![TaskDef::new("main", None, body)])],
        cfg(),
        sink,
    );
    // A browser timer due while the first block holds the thread: it runs when the page can.
    let h2 = h.clone();
    let stop = Timeout::new(50, move || h2.stop());
    ended.await.expect("the run ends");
    drop(stop);
    let updates = all.borrow();
    let finished: Vec<bool> = updates
        .iter()
        .filter_map(|u| match u {
            RunUpdate::Finished { cancelled, .. } => Some(*cancelled),
            _ => None,
        })
        .collect();
    assert_eq!(finished, vec![true], "one Finished, cancelled");
    let evs = events(&updates);
    let blocks = evs
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Block { .. }))
        .count();
    assert_eq!(blocks, 1, "only the first blocking call ran: {evs:?}");
    assert_eq!(
        printed(&evs),
        vec!["start".to_string()],
        "nothing printed after the stop"
    );
    if let Some(RunUpdate::Finished { traces, .. }) = updates.last() {
        assert_eq!(
            traces[0].events.len(),
            evs.len(),
            "the trace holds what ran"
        );
    }
}

/// Between two blocking calls the page breathes, but the program does not: a child whose timer
/// fell due during the first call still runs only after the main task's next await (asyncio).
#[wasm_bindgen_test]
async fn nothing_of_the_program_runs_between_two_blocking_calls() {
    let child = TaskDef::new("child", Some(0), vec![Step::Sleep(50), print("child woke")]);
    let main = TaskDef::new(
        "main",
        None,
        vec![
            Step::Spawn(1),
            Step::Sleep(10),
            Step::Block(200),
            Step::Block(200),
            print("main after blocks"),
            Step::Await(1),
        ],
    );
    let (all, sink, ended) = collect();
    runtime::start(vec![scenario(vec![main, child])], cfg(), sink);
    ended.await.expect("the run ends");
    let evs = events(&all.borrow());
    assert_eq!(
        printed(&evs),
        vec!["main after blocks".to_string(), "child woke".to_string()]
    );
    let cancelled = all.borrow().iter().any(|u| {
        matches!(
            u,
            RunUpdate::Finished {
                cancelled: true,
                ..
            }
        )
    });
    assert!(!cancelled);
}

/// A JS async call runs at once up to its first real `await`; the breath after a blocking call
/// is not one. `Promise.all([a(), b()])` where each blocks twice and prints: `a` ends before
/// `b` starts, as in Node, in a direct call and in a call without await.
#[wasm_bindgen_test]
async fn a_js_call_runs_past_its_breaths_before_the_next_call() {
    let worker = |name: &str| {
        TaskDef::new(
            name,
            Some(0),
            vec![
                print(&format!("{name} in")),
                Step::Block(30),
                Step::Block(30),
                print(&format!("{name} out")),
            ],
        )
    };
    let main = TaskDef::new(
        "main",
        None,
        vec![
            Step::CallNoAwait(3),
            print("main after c"),
            Step::Gather(vec![1, 2]),
            print("main done"),
        ],
    );
    let (all, sink, ended) = collect();
    let c = RunConfig {
        lang: CodeLang::Js,
        ..cfg()
    };
    runtime::start(
        vec![scenario(vec![main, worker("a"), worker("b"), worker("c")])],
        c,
        sink,
    );
    ended.await.expect("the run ends");
    let evs = events(&all.borrow());
    assert_eq!(
        printed(&evs),
        [
            "c in",
            "c out",
            "main after c",
            "a in",
            "a out",
            "b in",
            "b out",
            "main done"
        ]
        .map(String::from)
        .to_vec()
    );
}
