//! Invariants of the planner over random parameters and random small programs.
// Native only: insta and proptest are native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]
use std::collections::BTreeSet;

use proptest::prelude::*;

use async_playground::model::catalog::{build, sequentialize};
use async_playground::model::plan::plan;
use async_playground::model::scenario::{
    CodeLang, Combinator, Params, Piece, Scenario, Step, TaskDef, Text,
};
use async_playground::model::trace::{EventKind, Mode, Queue, Trace};
use async_playground::model::value::Value;

fn check_invariants(t: &Trace, limits: &[u32]) -> Result<(), TestCaseError> {
    prop_assert!(
        t.events.windows(2).all(|w| w[0].t <= w[1].t),
        "events not sorted"
    );
    for info in &t.tasks {
        let evs: Vec<&EventKind> = t
            .events
            .iter()
            .filter(|e| e.task == info.id)
            .map(|e| &e.kind)
            .collect();
        let started = evs.iter().filter(|k| matches!(k, EventKind::Start)).count();
        prop_assert!(started <= 1, "{} started twice", info.name);
        let terminal: Vec<usize> = evs
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
        if started == 1 {
            prop_assert_eq!(terminal.len(), 1, "{}: {:?}", info.name, evs);
            prop_assert!(matches!(evs[0], EventKind::Start));
        } else {
            // Never started: nothing of its own ran; at most it was cancelled before starting.
            prop_assert!(terminal.len() <= 1);
            let quiet = evs.iter().all(|k| {
                matches!(
                    k,
                    EventKind::Cancel | EventKind::Spawn { .. } | EventKind::Warn { .. }
                )
            });
            prop_assert!(quiet, "{}: {:?}", info.name, evs);
        }
        if let Some(&i) = terminal.first() {
            let cancelled = matches!(evs[i], EventKind::Cancel);
            // After the end: a cancelled task's cleanup, or callbacks it scheduled (they run
            // when their queue comes, whether or not the task is still there).
            let cleanup_only = evs[i + 1..].iter().all(|k| {
                cancelled && matches!(k, EventKind::Print { .. } | EventKind::Release)
                    || matches!(k, EventKind::Print { queue: Some(q), .. } if *q != Queue::Sync)
            });
            prop_assert!(cleanup_only, "{}: {:?}", info.name, evs);
        }
    }
    // Semaphore holders never exceed the limit (one semaphore in these programs).
    if let Some(limit) = limits.first() {
        let mut holders: i64 = 0;
        for e in &t.events {
            match e.kind {
                EventKind::Acquire => holders += 1,
                EventKind::Release => holders -= 1,
                _ => {}
            }
            prop_assert!(holders <= i64::from(*limit) && holders >= 0);
        }
    }
    let last_main = t
        .events
        .iter()
        .filter(|e| e.task == 0)
        .map(|e| e.t)
        .fold(0.0, f64::max);
    prop_assert_eq!(t.total_ms, last_main);
    Ok(())
}

fn times_sorted(t: &Trace) -> Vec<(u64, usize, &'static str)> {
    let mut v: Vec<_> = t
        .events
        .iter()
        .map(|e| (e.t as u64, e.task, e.kind.name()))
        .collect();
    v.sort();
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn crawler_params(count in 1u64..300, limit in 1u64..50, ms in 0u64..2000) {
        let p: Params = [("count", count), ("limit", limit), ("ms", ms)]
            .iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let c = build("crawler", Mode::Concurrent, &p).unwrap();
        let s = build("crawler", Mode::Sequential, &p).unwrap();
        let py = plan(&c, CodeLang::Python).unwrap();
        let js = plan(&c, CodeLang::Js).unwrap();
        let seq = plan(&s, CodeLang::Python).unwrap();
        check_invariants(&py, &c.semaphores)?;
        check_invariants(&js, &c.semaphores)?;
        check_invariants(&seq, &s.semaphores)?;
        prop_assert_eq!(py.total_ms, (count.div_ceil(limit) * ms) as f64);
        prop_assert_eq!(seq.total_ms, (count * ms) as f64);
        prop_assert!(py.total_ms <= seq.total_ms);
        prop_assert_eq!(times_sorted(&py), times_sorted(&js));
    }

    #[test]
    fn gather_fetch_params(count in 1u64..300, ms in 0u64..5000) {
        let p: Params = [("count", count), ("ms", ms)]
            .iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let c = plan(&build("gather-fetch", Mode::Concurrent, &p).unwrap(), CodeLang::Python).unwrap();
        let s = plan(&build("gather-fetch", Mode::Sequential, &p).unwrap(), CodeLang::Python).unwrap();
        check_invariants(&c, &[])?;
        check_invariants(&s, &[])?;
        prop_assert_eq!(c.total_ms, ms as f64);
        prop_assert_eq!(s.total_ms, (count * ms) as f64);
        // Results in argument order whatever the mode.
        let (a, b) = (c.prints(), s.prints());
        prop_assert_eq!(a.last(), b.last());
    }

    #[test]
    fn random_programs(entropy in proptest::collection::vec(any::<u32>(), 64)) {
        let conc = random_program(&entropy);
        let mut seq = conc.clone();
        for t in &mut seq.tasks {
            t.body = sequentialize(&t.body, &mut BTreeSet::new());
        }
        for lang in CodeLang::ALL {
            let c = plan(&conc, lang).unwrap();
            check_invariants(&c, &conc.semaphores)?;
            let s = plan(&seq, lang).unwrap();
            check_invariants(&s, &seq.semaphores)?;
            // A failure cuts a sequential run short (steps after a spawn are skipped), and a
            // block that holds the thread past a deadline delays the timeout: the comparison
            // holds for programs without either.
            let has = |f: fn(&Step) -> bool| conc.tasks.iter().any(|t| t.body.iter().any(f));
            let fails = has(|s| matches!(s, Step::Fail(_) | Step::Combine { .. } | Step::WaitFor { .. } | Step::CallNoAwait(_)))
                || has(|s| matches!(s, Step::Block(_))) && has(|s| matches!(s, Step::Timeout { .. }));
            let bodies: Vec<_> = conc.tasks.iter().map(|t| &t.body).collect();
            prop_assert!(
                fails || c.total_ms <= s.total_ms,
                "{:?}: concurrent {} > sequential {} in {:?}",
                lang,
                c.total_ms,
                s.total_ms,
                bodies
            );
        }
    }
}

/// A small valid program drawn from `e`: children always have larger ids than their parent (no
/// cycles), each child is started by its parent only, the semaphore is used by leaves only.
fn random_program(e: &[u32]) -> Scenario {
    let mut k = 0usize;
    let mut next = |m: u32| -> u32 {
        let v = e[k % e.len()].rotate_left((k / e.len()) as u32 * 7);
        k += 1;
        v % m.max(1)
    };
    let n = 1 + next(7) as usize;
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for c in 1..n {
        let p = next(c as u32) as usize;
        children[p].push(c);
    }
    let limit = 1 + next(3);
    let mut tasks = Vec::new();
    for (id, kids) in children.iter().enumerate() {
        let name = if id == 0 {
            "main".to_string()
        } else {
            format!("t{id}")
        };
        let mut body = vec![Step::Print(Text::lit(format!("{name}: begin")))];
        for _ in 0..next(3) {
            body.push(match next(6) {
                0 => Step::Block(u64::from(next(4)) * 100),
                2 => Step::Schedule {
                    queue: [Queue::Sync, Queue::Micro, Queue::Macro][next(3) as usize],
                    text: format!("{name}: scheduled"),
                },
                1 => Step::Return(Value::Int(i64::from(next(100)))),
                _ => Step::Sleep(u64::from(next(30)) * 100),
            });
        }
        if kids.is_empty() && id != 0 && next(3) == 0 {
            body.push(Step::Acquire(0));
            body.push(Step::Sleep(u64::from(next(20)) * 100));
            body.push(Step::Release(0));
        }
        if !kids.is_empty() {
            let group: Vec<Step> = match next(7) {
                4 => vec![Step::CallNoAwait(kids[0]), Step::Gather(kids.clone())],
                5 => vec![Step::Combine {
                    how: [
                        Combinator::All,
                        Combinator::Race,
                        Combinator::AllSettled,
                        Combinator::Any,
                    ][next(4) as usize],
                    tasks: kids.clone(),
                }],
                6 => vec![Step::WaitFor {
                    tasks: kids.clone(),
                    ms: u64::from(next(40)) * 100,
                }],
                0 => vec![Step::Gather(kids.clone())],
                1 => kids.iter().map(|c| Step::Await(*c)).collect(),
                2 => {
                    let mut v: Vec<Step> = kids.iter().map(|c| Step::Spawn(*c)).collect();
                    v.push(Step::Sleep(u64::from(next(20)) * 100));
                    v.extend(kids.iter().map(|c| Step::Await(*c)));
                    v
                }
                _ => vec![Step::Timeout {
                    ms: u64::from(next(40)) * 100,
                    body: vec![Step::Gather(kids.clone())],
                    on_timeout: vec![Step::Print(Text::lit(format!("{name}: timed out")))],
                }],
            };
            body.extend(group);
        }
        if id != 0 && next(8) == 0 {
            body.push(Step::Fail(format!("{name} broke")));
        }
        body.push(Step::Print(Text::lit(format!("{name}: end"))));
        let mut t = TaskDef::new(name.clone(), if id == 0 { None } else { Some(0) }, body);
        t.on_cancel = vec![Step::Print(Text::lit(format!("{name}: cancelled")))];
        tasks.push(t);
    }
    Scenario {
        id: "custom".into(),
        mode: Mode::Concurrent,
        params: Params::new(),
        tasks,
        semaphores: vec![limit],
    }
}

/// Any program at all, valid or not: `plan` refuses it in words or plans it; it never panics.
fn arbitrary_step(e: &mut dyn FnMut(u32) -> u32, depth: u32, lo: usize, hi: usize) -> Step {
    let n = e(20);
    // Mostly forward references (valid, acyclic), sometimes anything.
    let pick = |e: &mut dyn FnMut(u32) -> u32| {
        if e(10) == 0 || lo >= hi {
            e(8) as usize
        } else {
            lo + e((hi - lo) as u32) as usize
        }
    };
    let id = pick(e);
    match n {
        0 => Step::Print(Text(vec![Piece::Lit("x".into()), Piece::Result])),
        1 => Step::Sleep(u64::from(e(5)) * 100),
        2 => Step::Block(u64::from(e(3)) * 100),
        3 => Step::Cpu {
            work: 1,
            estimate_ms: u64::from(e(3)) * 100,
        },
        4 => Step::Spawn(id),
        5 => Step::Await(id),
        6 => Step::Gather(vec![id, pick(e)]),
        7 => Step::Combine {
            how: Combinator::Any,
            tasks: vec![id, pick(e)],
        },
        8 if depth < 3 => Step::Timeout {
            ms: u64::from(e(5)) * 100,
            body: (0..e(3))
                .map(|_| arbitrary_step(e, depth + 1, lo, hi))
                .collect(),
            on_timeout: (0..e(2))
                .map(|_| arbitrary_step(e, depth + 1, lo, hi))
                .collect(),
        },
        9 => Step::WaitFor {
            tasks: vec![id],
            ms: u64::from(e(5)) * 100,
        },
        10 => Step::Acquire(usize::from(e(10) == 0)),
        11 => Step::Release(usize::from(e(10) == 0)),
        12 => Step::Fail("boom".into()),
        13 => Step::Return(Value::Int(1)),
        14 => Step::CallNoAwait(id),
        15 => Step::Schedule {
            queue: Queue::Micro,
            text: "m".into(),
        },
        16 => Step::Schedule {
            queue: Queue::Macro,
            text: "M".into(),
        },
        _ => Step::Sleep(0),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_programs_never_panic(entropy in proptest::collection::vec(any::<u32>(), 96)) {
        let mut k = 0usize;
        let mut e = |m: u32| -> u32 {
            let v = entropy[k % entropy.len()].rotate_left((k / entropy.len()) as u32 * 5);
            k += 1;
            v % m.max(1)
        };
        let n = 1 + e(6) as usize;
        let mut tasks = Vec::new();
        for i in 0..n {
            let body: Vec<Step> = (0..e(6)).map(|_| arbitrary_step(&mut e, 0, i + 1, n)).collect();
            let mut t = TaskDef::new(format!("t{i}"), if i == 0 { None } else { Some(e(i as u32) as usize) }, body);
            if e(3) == 0 {
                t.thread = Some("worker-1".into());
            }
            t.on_cancel = vec![Step::Print(Text::lit("c"))];
            tasks.push(t);
        }
        let s = Scenario {
            id: "custom".into(),
            mode: Mode::Concurrent,
            params: Params::new(),
            tasks,
            semaphores: vec![e(3).max(u32::from(e(4) != 0))],
        };
        for lang in CodeLang::ALL {
            if let Ok(t) = plan(&s, lang) {
                prop_assert!(t.events.windows(2).all(|w| w[0].t <= w[1].t));
                let last_main = t.events.iter().filter(|x| x.task == 0).map(|x| x.t).fold(0.0, f64::max);
                prop_assert_eq!(t.total_ms, last_main);
                // Deadlocks are possible here (a permit never given back), but no task starts
                // or ends twice.
                for info in &t.tasks {
                    let count = |f: fn(&EventKind) -> bool| {
                        t.events.iter().filter(|x| x.task == info.id && f(&x.kind)).count()
                    };
                    prop_assert!(count(|k| matches!(k, EventKind::Start)) <= 1);
                    let ends = count(|k| {
                        matches!(k, EventKind::End { .. } | EventKind::Fail { .. } | EventKind::Cancel)
                    });
                    prop_assert!(ends <= 1, "{} ends {} times", info.name, ends);
                }
            }
        }
    }
}
