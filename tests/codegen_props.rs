//! Code views of arbitrary valid programs (what the scenario editor may produce): generating
//! never panics, every language gives a non-empty program, and every event of the ideal trace
//! maps to a line inside that program.
// Native only: runs tools and native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]
use async_playground::model::catalog::validate;
use async_playground::model::codegen::{generate, highlight};
use async_playground::model::plan;
use async_playground::model::scenario::{
    CodeLang, Combinator, Piece, Scenario, Step, TaskDef, Text,
};
use async_playground::model::trace::{Mode, Queue};
use async_playground::model::value::Value;
use proptest::prelude::*;

/// A step of a task body; `child` picks among the tasks after this one (a tree: no cycles).
#[derive(Clone, Debug)]
enum Gen {
    Print(u8),
    PrintResult,
    Sleep(u16),
    Block(u8),
    Spawn,
    Await,
    Gather(u8),
    Combine(u8, u8),
    Timeout(u16),
    WaitFor(u8, u16),
    Sem,
    Fail,
    Return(i8),
    NoAwait,
    Schedule(u8),
}

fn gen_step() -> impl Strategy<Value = Gen> {
    prop_oneof![
        any::<u8>().prop_map(Gen::Print),
        Just(Gen::PrintResult),
        (0u16..3000).prop_map(Gen::Sleep),
        (0u8..50).prop_map(Gen::Block),
        Just(Gen::Spawn),
        Just(Gen::Await),
        (1u8..4).prop_map(Gen::Gather),
        (0u8..4, 1u8..4).prop_map(|(h, n)| Gen::Combine(h, n)),
        (0u16..3000).prop_map(Gen::Timeout),
        (1u8..4, 0u16..3000).prop_map(|(n, ms)| Gen::WaitFor(n, ms)),
        Just(Gen::Sem),
        Just(Gen::Fail),
        any::<i8>().prop_map(Gen::Return),
        Just(Gen::NoAwait),
        (0u8..3).prop_map(Gen::Schedule),
    ]
}

/// Builds a program: each task's steps refer only to tasks not used yet (each child is started
/// from one place only, as `validate` requires).
fn build(bodies: Vec<Vec<Gen>>, names: Vec<u8>) -> Scenario {
    let n = bodies.len();
    let mut next = 1usize;
    let mut tasks = Vec::with_capacity(n);
    for (id, body) in bodies.into_iter().enumerate() {
        let mut steps = Vec::new();
        let mut take = |k: usize| {
            let start = next.max(id + 1);
            let end = (start + k).min(n);
            next = end.max(next);
            (start..end).collect::<Vec<_>>()
        };
        let mut spawned = Vec::new();
        for g in body {
            match g {
                Gen::Print(x) => steps.push(Step::Print(Text::lit(format!("t{id}: line {x}")))),
                Gen::PrintResult => steps.push(Step::Print(Text(vec![
                    Piece::Lit(format!("t{id} got ")),
                    Piece::Result,
                ]))),
                Gen::Sleep(ms) => steps.push(Step::Sleep(ms as u64)),
                Gen::Block(ms) => steps.push(Step::Block(ms as u64)),
                Gen::Spawn => {
                    if let Some(c) = take(1).first() {
                        steps.push(Step::Spawn(*c));
                        spawned.push(*c);
                    }
                }
                Gen::Await => match spawned.pop() {
                    Some(c) => steps.push(Step::Await(c)),
                    None => {
                        if let Some(c) = take(1).first() {
                            steps.push(Step::Await(*c));
                        }
                    }
                },
                Gen::Gather(k) => {
                    let cs = take(k as usize);
                    if !cs.is_empty() {
                        steps.push(Step::Gather(cs));
                    }
                }
                Gen::Combine(h, k) => {
                    let cs = take(k as usize);
                    let how = [
                        Combinator::All,
                        Combinator::Race,
                        Combinator::AllSettled,
                        Combinator::Any,
                    ][h as usize % 4];
                    if !cs.is_empty() {
                        steps.push(Step::Combine { how, tasks: cs });
                    }
                }
                Gen::Timeout(ms) => {
                    let body: Vec<Step> = take(1).into_iter().map(Step::Await).collect();
                    steps.push(Step::Timeout {
                        ms: ms as u64,
                        body,
                        on_timeout: vec![Step::Print(Text::lit(format!("t{id}: timed out")))],
                    });
                }
                Gen::WaitFor(k, ms) => {
                    let cs = take(k as usize);
                    if !cs.is_empty() {
                        steps.push(Step::WaitFor {
                            tasks: cs,
                            ms: ms as u64,
                        });
                    }
                }
                Gen::Sem => {
                    steps.push(Step::Acquire(0));
                    steps.push(Step::Sleep(10));
                    steps.push(Step::Release(0));
                }
                Gen::Fail => {
                    if id > 0 {
                        steps.push(Step::Fail(format!("t{id} failed")));
                    }
                }
                Gen::Return(v) => steps.push(Step::Return(Value::Int(v as i64))),
                Gen::NoAwait => {
                    if let Some(c) = take(1).first() {
                        steps.push(Step::CallNoAwait(*c));
                    }
                }
                Gen::Schedule(q) => steps.push(Step::Schedule {
                    queue: [Queue::Sync, Queue::Micro, Queue::Macro][q as usize % 3],
                    text: format!("t{id}: scheduled"),
                }),
            }
        }
        let name = if id == 0 {
            "main".to_string()
        } else {
            match names.get(id).copied().unwrap_or(0) % 3 {
                0 => format!("job {id}"),
                1 => format!("worker {}", id % 2),
                _ => "same".to_string(),
            }
        };
        let mut t = TaskDef::new(name, if id == 0 { None } else { Some(0) }, steps);
        if id % 2 == 1 {
            t.on_cancel = vec![Step::Print(Text::lit(format!("t{id}: cancelled")))];
        }
        tasks.push(t);
    }
    Scenario {
        id: "custom".into(),
        mode: Mode::Concurrent,
        params: Default::default(),
        tasks,
        semaphores: vec![2],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn any_valid_program_has_views_and_lines(
        bodies in prop::collection::vec(prop::collection::vec(gen_step(), 0..6), 1..7),
        names in prop::collection::vec(any::<u8>(), 7),
    ) {
        let s = build(bodies, names);
        prop_assume!(validate(&s).is_ok());
        for lang in CodeLang::ALL {
            let v = generate(&s, lang);
            let lines = v.text.lines().count() as u32;
            prop_assert!(lines > 0);
            for (_, r) in highlight(&v.text, lang) {
                prop_assert!(r.end <= v.text.len());
            }
            let Ok(plan) = plan::plan(&s, lang) else { continue };
            let mut seen = std::collections::BTreeMap::new();
            for e in &plan.events {
                let k = seen.entry((e.task, e.kind.name())).or_insert(0usize);
                let l = v.lines.line_for(e.task, e.kind.name(), *k);
                prop_assert!(l.is_some(), "{:?}: no line for task {} {}\n{}", lang, e.task, e.kind.name(), v.text);
                let l = l.unwrap_or(0);
                prop_assert!(l >= 1 && l <= lines, "line {} of {}", l, lines);
                *k += 1;
            }
        }
    }
}

/// Exploratory (ignored): random programs run by CPython and Node. Random programs contain
/// exact ties (two waits ending at the same instant after different chains of work), where a
/// real loop's order depends on microseconds, so a mismatch is a lead to read, not a verdict.
/// Known leads outside the catalog: Node prints `undefined` for a task that returns nothing
/// (the model says `null`); Node exits on a rejection nobody awaits (a browser only logs it);
/// `Schedule` steps spread over several tasks.
/// `cargo test --test codegen_props -- --ignored --nocapture`
#[test]
#[ignore = "runs 40 random programs under python3 and node; prints mismatches"]
fn random_programs_run_for_real() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut runner = TestRunner::deterministic();
    let strat = (
        prop::collection::vec(prop::collection::vec(gen_step(), 0..5), 1..6),
        prop::collection::vec(any::<u8>(), 7),
    );
    let mut ran = 0;
    let mut bad = 0;
    while ran < 40 {
        let (bodies, names) = strat.new_tree(&mut runner).expect("tree").current();
        let s = build(bodies, names);
        if validate(&s).is_err() {
            continue;
        }
        ran += 1;
        for lang in [CodeLang::Python, CodeLang::Js] {
            let v = async_playground::model::codegen::generate_scaled(&s, lang, 0.1);
            let planned = plan::plan(&s, lang).expect("plan");
            // When main itself fails, the real program ends with an error (exit status 1).
            let main_fails = planned.events.iter().any(|e| {
                e.task == 0
                    && matches!(
                        e.kind,
                        async_playground::model::trace::EventKind::Fail { .. }
                    )
            });
            let want: Vec<String> = planned
                .prints()
                .iter()
                .flat_map(|p| p.split('\n').map(str::to_string).collect::<Vec<_>>())
                .collect();
            let out = if lang == CodeLang::Python {
                let mut c = Command::new("python3")
                    .arg("-")
                    .env_remove("PYTHONUNBUFFERED")
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("python3");
                c.stdin
                    .take()
                    .expect("stdin")
                    .write_all(v.text.as_bytes())
                    .expect("write");
                c.wait_with_output().expect("run")
            } else {
                let f = std::env::temp_dir().join(format!("ap-rand-{ran}.mjs"));
                std::fs::write(&f, &v.text).expect("write");
                Command::new("node").arg(&f).output().expect("node")
            };
            let got: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string)
                .collect();
            if got != want || out.status.success() == main_fails {
                bad += 1;
                println!(
                    "--- {lang:?} #{ran}: status {:?}\ngot  {got:?}\nwant {want:?}\n{}\n{}",
                    out.status.code(),
                    String::from_utf8_lossy(&out.stderr),
                    v.text
                );
            }
        }
    }
    println!("{bad} mismatches in {ran} programs × 2 languages");
}
