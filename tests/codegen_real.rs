//! THE REAL TEST of the code views: every scenario of the catalog, in both modes, is generated
//! as Python and as JavaScript with its durations scaled down, run by CPython (`python3 -`) and
//! by Node (`node file.mjs`), and what the program prints must equal, line for line and in
//! order, the model's ideal trace for that language (`plan::plan(&s, lang).prints()`).
//!
//! Exemption (listed here, as `docs/QUALITY.md` asks): lines printed by *worker lanes*
//! (`threads-vs-async` and `cpu-bound`, concurrent mode) run on real threads / processes in
//! parallel with the main thread; no language orders prints made at the same instant on
//! different threads. For those two programs each thread's own lines must come in the model's
//! order and all lines must be there, but the interleaving between threads is not compared.
//!
//! Equal deadlines: the model resumes waits due at the same instant together (`SCENARIOS.md`,
//! "Ties"). Real CPython wakes its loop from `epoll` rounded to whole milliseconds, so in a rare
//! run it wakes between two "equal" deadlines a fraction of a millisecond apart and resumes the
//! later one after what the first made ready. A program whose lines differ is therefore run a
//! second time; a wrong program fails both runs.
//!
//! Skips (with a printed reason) only when `python3` or `node` is not installed.
// Native only: runs tools and native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use async_playground::model::codegen::generate_scaled;
use async_playground::model::scenario::{CodeLang, Scenario};
use async_playground::model::trace::{EventKind, Mode, Trace};
use async_playground::model::{catalog, plan, script};

/// Durations run 10× faster: the closest distinct deadlines of the catalog (500 ms apart) stay
/// 50 ms apart, far above timer jitter, and the whole suite runs in seconds.
const SCALE: f64 = 0.1;
/// The scale of the one retry of a program whose order came out wrong.
const RETRY_SCALE: f64 = 1.0;

fn has(cmd: &str) -> bool {
    Command::new(cmd)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

struct Run {
    status_ok: bool,
    stdout: String,
    stderr: String,
}

fn run_python(code: &str) -> Run {
    // Output to a pipe is block-buffered, as in any `python3 - | …` run (some shells export
    // PYTHONUNBUFFERED, which turns every print into a system call and slows the loop down).
    let mut child = Command::new("python3")
        .arg("-")
        .env_remove("PYTHONUNBUFFERED")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(code.as_bytes())
        .expect("write program");
    let out = child.wait_with_output().expect("python3 runs");
    Run {
        status_ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run_node(code: &str, name: &str) -> Run {
    let dir: PathBuf = std::env::temp_dir().join(format!("ap-codegen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join(name);
    std::fs::write(&file, code).expect("write program");
    let out = Command::new("node").arg(&file).output().expect("node runs");
    Run {
        status_ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The expected lines (a print may hold several lines: Node breaks long arrays).
fn expected_lines(plan: &Trace) -> Vec<String> {
    plan.prints()
        .iter()
        .flat_map(|p| p.split('\n').map(str::to_string).collect::<Vec<_>>())
        .collect()
}

/// For worker-lane programs: each expected line's thread.
fn thread_of_lines(s: &Scenario, plan: &Trace) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for e in &plan.events {
        if let EventKind::Print { text, .. } = &e.kind {
            let thread = s.tasks[e.task]
                .thread
                .clone()
                .unwrap_or_else(|| "main".into());
            for line in text.split('\n') {
                map.insert(line.to_string(), thread.clone());
            }
        }
    }
    map
}

fn per_thread(
    lines: &[String],
    threads: &BTreeMap<String, String>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for l in lines {
        let t = threads.get(l).cloned().unwrap_or_else(|| "unknown".into());
        out.entry(t).or_default().push(l.clone());
    }
    out
}

/// Editor scripts (F17) checked like the catalog: the starter; loops.py (loops, a spread gather,
/// blocking sleeps, a task created early, a coroutine never awaited); deadline.py (a gather under
/// `asyncio.timeout`); formats.py (escapes, floats, f-string formats, `print(await …)`;
/// `script_cpython.rs` also runs it as written). The browser tier runs the same files (tests/web.rs).
const SCRIPTS: [(&str, &str); 4] = [
    ("custom", script::STARTER),
    (
        "custom-formats",
        include_str!("fixtures/scripts/formats.py"),
    ),
    ("custom-loops", include_str!("fixtures/scripts/loops.py")),
    (
        "custom-deadline",
        include_str!("fixtures/scripts/deadline.py"),
    ),
];

fn check(id: &str, mode: Mode, lang: CodeLang, scale: f64) -> Result<(), String> {
    let s = match SCRIPTS.iter().find(|(name, _)| *name == id) {
        Some((_, text)) => script::compile(text, mode).map_err(|e| format!("{e:?}"))?,
        None => catalog::build(id, mode, &Default::default()).map_err(|e| e.to_string())?,
    };
    let plan = plan::plan(&s, lang).map_err(|e| e.to_string())?;
    let view = generate_scaled(&s, lang, scale);
    let run = match lang {
        CodeLang::Python => run_python(&view.text),
        _ => run_node(&view.text, &format!("{id}-{}.mjs", mode.as_str())),
    };
    let tag = format!("{id} {} {}", mode.as_str(), lang.as_str());
    if !run.status_ok {
        return Err(format!(
            "{tag}: exit status not 0\n--- stderr\n{}\n--- program\n{}",
            run.stderr, view.text
        ));
    }
    let got: Vec<String> = run.stdout.lines().map(str::to_string).collect();
    let want = expected_lines(&plan);
    let workers = s.tasks.iter().any(|t| t.thread.is_some());
    if workers {
        // Exemption: parallel threads; compare each thread's own order and the whole set.
        let threads = thread_of_lines(&s, &plan);
        let (mut a, mut b) = (got.clone(), want.clone());
        a.sort();
        b.sort();
        if a != b || per_thread(&got, &threads) != per_thread(&want, &threads) {
            return Err(format!(
                "{tag}: printed {got:#?}\nmodel {want:#?}\n--- program\n{}",
                view.text
            ));
        }
    } else if got != want {
        return Err(format!(
            "{tag}: printed {got:#?}\nmodel {want:#?}\n--- program\n{}",
            view.text
        ));
    }
    // A coroutine that is never awaited: CPython says so (the model's `warn` event).
    let warns = plan
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::Warn { .. }));
    if lang == CodeLang::Python && warns && !run.stderr.contains("was never awaited") {
        return Err(format!("{tag}: no 'never awaited' warning: {}", run.stderr));
    }
    Ok(())
}

fn run_all(lang: CodeLang, runner: &str) {
    if !has(runner) {
        println!(
            "SKIPPED: `{runner}` is not installed, the {} views were not run",
            lang.as_str()
        );
        return;
    }
    let mut cases: Vec<(&str, Mode)> = Vec::new();
    for id in catalog::IDS.iter().chain(SCRIPTS.iter().map(|(id, _)| id)) {
        for mode in Mode::ALL {
            cases.push((id, mode));
        }
    }
    let cases = Arc::new(Mutex::new(cases));
    let failures = Arc::new(Mutex::new(Vec::new()));
    // One program at a time per language (the Python and JS tests run side by side): timers
    // must stay punctual on a two-core machine.
    let workers: Vec<_> = (0..1)
        .map(|_| {
            let cases = Arc::clone(&cases);
            let failures = Arc::clone(&failures);
            std::thread::spawn(move || loop {
                let next = cases.lock().expect("lock").pop();
                let Some((id, mode)) = next else { break };
                let started = std::time::Instant::now();
                // A retry runs the durations ten times longer: a loaded machine can delay a
                // process by tens of ms, which reorders 20 ms waits but not 200 ms ones.
                if let Err(first) = check(id, mode, lang, SCALE) {
                    if let Err(e) = check(id, mode, lang, RETRY_SCALE) {
                        failures.lock().expect("lock").push(format!(
                            "{e}\n(first run: {})",
                            first.lines().next().unwrap_or("")
                        ));
                    } else {
                        println!("retried once: {first}");
                    }
                }
                println!(
                    "{id} {} {}: {} ms",
                    mode.as_str(),
                    lang.as_str(),
                    started.elapsed().as_millis()
                );
            })
        })
        .collect();
    for w in workers {
        w.join().expect("runner thread");
    }
    let failures = failures.lock().expect("lock");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn python_views_print_the_model_lines() {
    run_all(CodeLang::Python, "python3");
}

#[test]
fn js_views_print_the_model_lines() {
    run_all(CodeLang::Js, "node");
}
