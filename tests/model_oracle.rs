//! The planner against CPython's own asyncio (shared/tools/contract-check/oracle.py, a
//! virtual-clock event loop): every end, cancellation and timeout at the same millisecond, and
//! the same totals. Skipped (with a note) where python3 >= 3.11 or the oracle is not at hand.
use std::path::PathBuf;
use std::process::Command;

use async_playground::model::catalog;
use async_playground::model::plan::plan;
use async_playground::model::scenario::{CodeLang, Params};
use async_playground::model::trace::Mode;

fn oracle_path() -> Option<PathBuf> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut candidates = vec![here.join("../shared/tools/contract-check/oracle.py")];
    if let Ok(p) = std::env::var("AP_ORACLE") {
        candidates.insert(0, PathBuf::from(p));
    }
    candidates.into_iter().find(|p| p.is_file())
}

/// Oracle names have no spaces (`download0`, `task1`).
fn squash(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn planner_agrees_with_cpython_asyncio() {
    let Some(path) = oracle_path() else {
        eprintln!("oracle.py not found beside the project: skipped");
        return;
    };
    let out = match Command::new("python3").arg(&path).output() {
        Ok(o) if o.status.success() => o,
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            // Only a Python too old for asyncio.timeout / asyncio.Runner is a reason to skip.
            assert!(
                err.contains("AttributeError") && err.contains("asyncio"),
                "oracle failed: {err}"
            );
            eprintln!("python3 is older than 3.11: skipped");
            return;
        }
        Err(_) => {
            eprintln!("no python3: skipped");
            return;
        }
    };
    let cases: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cases = cases.as_object().unwrap();
    assert!(cases.len() >= 11, "the oracle lists {} cases", cases.len());
    for (key, case) in cases {
        let mut parts = key.split('/');
        let id = parts.next().unwrap();
        let mode = match parts.next().unwrap() {
            "sequential" => Mode::Sequential,
            _ => Mode::Concurrent,
        };
        let s = catalog::build(id, mode, &Params::new()).unwrap();
        let t = plan(&s, CodeLang::Python).unwrap();
        assert_eq!(t.total_ms, case["total"].as_f64().unwrap(), "{key}: total");
        let events = case["events"].as_array().unwrap();
        let names: std::collections::BTreeSet<&str> =
            events.iter().map(|e| e["task"].as_str().unwrap()).collect();
        for name in names {
            let Some(task) = t.tasks.iter().find(|x| squash(&x.name) == name) else {
                panic!("{key}: no task {name} in the plan");
            };
            for kind in ["end", "cancel", "timeout"] {
                if name == "main" && kind == "end" {
                    continue; // the oracle does not log main's end; total_ms covers it
                }
                let want: Vec<f64> = events
                    .iter()
                    .filter(|e| e["task"] == name && e["kind"] == kind)
                    .map(|e| e["t"].as_f64().unwrap())
                    .collect();
                let got: Vec<f64> = t
                    .events
                    .iter()
                    .filter(|e| e.task == task.id && e.kind.name() == kind)
                    .map(|e| e.t)
                    .collect();
                assert_eq!(got, want, "{key}: {kind} of {name}");
            }
        }
        // The same order too: asyncio's order is the one a Python view shows.
        let endings = ["end", "cancel", "timeout"];
        let want: Vec<(String, &str)> = events
            .iter()
            .map(|e| {
                (
                    e["task"].as_str().unwrap().to_string(),
                    e["kind"].as_str().unwrap(),
                )
            })
            .filter(|(_, k)| endings.contains(k))
            .collect();
        let got: Vec<(String, &str)> = t
            .events
            .iter()
            .map(|e| (squash(&t.tasks[e.task].name), e.kind.name()))
            .filter(|(n, k)| endings.contains(k) && !(n == "main" && *k == "end"))
            .collect();
        assert_eq!(got, want, "{key}: order");
    }
}
