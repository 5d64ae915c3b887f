//! The Rust views, compiled and run (ignored by default: it needs `tokio` and `futures` from
//! crates.io and a minute of compiling). Run it with
//! `cargo test --test codegen_rust -- --ignored --nocapture`.
//!
//! Every Rust view of the catalog is written as a binary of one temporary Cargo project, built
//! once, run with its durations scaled down, and its output compared with the model's ideal
//! trace for Rust (asyncio order). Exemptions, and why:
//! - `promise-combinators`: JavaScript's four combinators have no tokio equivalents with the
//!   same outcome records; the Rust view shows their shape only (it is not compiled).
//! - `event-loop-order`: microtasks and macrotasks are JavaScript's; the Rust view is a sketch.
//! - worker lanes (`threads-vs-async`, `cpu-bound` concurrent): threads print in parallel, so
//!   only each thread's own order is compared (as in `codegen_real.rs`).
// Native only: runs tools and native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use async_playground::model::codegen::generate_scaled;
use async_playground::model::scenario::CodeLang;
use async_playground::model::trace::{EventKind, Mode};
use async_playground::model::{catalog, plan};

const SCALE: f64 = 0.1;
const EXEMPT: [&str; 2] = ["promise-combinators", "event-loop-order"];

fn bin_name(id: &str, mode: Mode) -> String {
    format!("{}_{}", id.replace('-', "_"), mode.as_str())
}

#[test]
#[ignore = "downloads tokio and compiles every Rust view (about a minute)"]
fn rust_views_compile_and_print_the_model_lines() {
    let dir = std::env::temp_dir().join("ap-codegen-rust");
    let bins = dir.join("src/bin");
    std::fs::create_dir_all(&bins).expect("project dir");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"views\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
         [dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\nfutures = \"0.3\"\n",
    )
    .expect("Cargo.toml");
    let mut cases = Vec::new();
    for id in catalog::IDS.into_iter().filter(|id| !EXEMPT.contains(id)) {
        for mode in Mode::ALL {
            let s = catalog::build(id, mode, &Default::default()).expect("scenario");
            let view = generate_scaled(&s, CodeLang::Rust, SCALE);
            let name = bin_name(id, mode);
            std::fs::write(bins.join(format!("{name}.rs")), &view.text).expect("write view");
            cases.push((id, mode, s, name));
        }
    }
    let target: PathBuf = dir.join("target");
    let build = Command::new("cargo")
        .args(["build", "--quiet", "--bins"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(
        build.status.success(),
        "the Rust views do not compile:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let mut failures = Vec::new();
    for (id, mode, s, name) in cases {
        // A run that differs is repeated once (a loaded machine can stall a timer); a wrong
        // program differs both times.
        let mut first = None;
        for _ in 0..2 {
            let out = Command::new(target.join("debug").join(&name))
                .output()
                .expect("view runs");
            let got: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(str::to_string)
                .collect();
            let plan = plan::plan(&s, CodeLang::Rust).expect("plan");
            let want: Vec<String> = plan
                .prints()
                .iter()
                .flat_map(|p| p.split('\n').map(str::to_string).collect::<Vec<_>>())
                .collect();
            let same = if s.tasks.iter().any(|t| t.thread.is_some()) {
                let mut thread_of = BTreeMap::new();
                for e in &plan.events {
                    if let EventKind::Print { text, .. } = &e.kind {
                        thread_of.insert(text.clone(), s.tasks[e.task].thread.clone());
                    }
                }
                let split = |lines: &[String]| {
                    let mut m: BTreeMap<Option<String>, Vec<String>> = BTreeMap::new();
                    for l in lines {
                        m.entry(thread_of.get(l).cloned().flatten())
                            .or_default()
                            .push(l.clone());
                    }
                    m
                };
                split(&got) == split(&want) && got.len() == want.len()
            } else {
                got == want
            };
            if out.status.success() && same {
                first = None;
                break;
            }
            first = Some(format!(
                "{id} {}: printed {got:#?}\nmodel {want:#?}\n{}",
                mode.as_str(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        failures.extend(first);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
