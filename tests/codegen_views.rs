//! Snapshots of every code view (each scenario of the catalog, each language; the sequential
//! program too where it differs), and the line maps and notes the UI relies on.
// Native only: runs tools and native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]
use async_playground::model::catalog;
use async_playground::model::codegen::{generate, generate_scaled, CodeView, Note};
use async_playground::model::plan;
use async_playground::model::scenario::{CodeLang, Params, Scenario};
use async_playground::model::trace::Mode;

fn build(id: &str, mode: Mode) -> Scenario {
    catalog::build(id, mode, &Params::new()).expect("catalog scenario")
}

fn view(id: &str, mode: Mode, lang: CodeLang) -> CodeView {
    generate(&build(id, mode), lang)
}

/// The text of 1-based line `n`.
fn line(v: &CodeView, n: u32) -> &str {
    v.text.lines().nth(n as usize - 1).unwrap_or("")
}

#[test]
fn snapshots_of_every_view() {
    for id in catalog::IDS {
        for lang in CodeLang::ALL {
            let seq = view(id, Mode::Sequential, lang);
            let con = view(id, Mode::Concurrent, lang);
            let ext = lang.as_str();
            insta::assert_snapshot!(format!("{id}-concurrent.{ext}"), con.text);
            if seq.text != con.text {
                insta::assert_snapshot!(format!("{id}-sequential.{ext}"), seq.text);
            }
        }
    }
}

#[test]
fn file_names_and_languages() {
    let v = view("gather-fetch", Mode::Concurrent, CodeLang::Js);
    assert_eq!(v.file_name, "gather_fetch.mjs");
    assert_eq!(v.lang, CodeLang::Js);
    assert_eq!(
        view("breakfast", Mode::Concurrent, CodeLang::Python).file_name,
        "breakfast.py"
    );
    assert_eq!(
        view("breakfast", Mode::Concurrent, CodeLang::Rust).file_name,
        "breakfast.rs"
    );
}

#[test]
fn toast_lines_point_at_the_code_that_does_it() {
    for lang in CodeLang::ALL {
        let v = view("breakfast", Mode::Concurrent, lang);
        // Task 1 is toast: its sleep, its def, its prints, its end.
        let sleep = v.lines.line_for(1, "sleep", 0).expect("toast sleeps");
        assert!(
            line(&v, sleep).contains("sleep"),
            "{lang:?}: {}",
            line(&v, sleep)
        );
        assert_eq!(v.lines.line_for(1, "wake", 0), Some(sleep));
        let start = v.lines.line_for(1, "start", 0).expect("toast starts");
        assert!(
            line(&v, start).contains("toast"),
            "{lang:?}: {}",
            line(&v, start)
        );
        let first = v.lines.line_for(1, "print", 0).expect("first print");
        let second = v.lines.line_for(1, "print", 1).expect("second print");
        assert!(line(&v, first).contains("toast: in the toaster"));
        assert!(line(&v, second).contains("toast: golden"));
        let end = v.lines.line_for(1, "end", 0).expect("end");
        assert!(
            line(&v, end).contains("\"toast\""),
            "{lang:?}: {}",
            line(&v, end)
        );
        // Main spawns both from the gather line.
        let spawn = v.lines.line_for(0, "spawn", 0).expect("main spawns");
        assert_eq!(v.lines.line_for(0, "spawn", 1), Some(spawn));
        let want = match lang {
            CodeLang::Python => "asyncio.gather",
            CodeLang::Js => "Promise.all",
            CodeLang::Rust => "tokio::join!",
        };
        assert!(
            line(&v, spawn).contains(want),
            "{lang:?}: {}",
            line(&v, spawn)
        );
    }
}

#[test]
fn a_cancelled_task_prints_from_its_cleanup_line() {
    for lang in CodeLang::ALL {
        let v = view("timeout", Mode::Concurrent, lang);
        // request (task 1): "sent", then cancelled: its second print is the cleanup print.
        let cancel = v
            .lines
            .line_for(1, "cancel", 0)
            .expect("request is cancelled");
        let cleanup = v.lines.line_for(1, "print", 1).expect("cleanup print");
        assert!(
            line(&v, cleanup).contains("request: cancelled"),
            "{lang:?}: {}",
            line(&v, cleanup)
        );
        assert!(cleanup >= cancel);
        // main: the timeout line, then the handler's print.
        let timeout = v.lines.line_for(0, "timeout", 0).expect("main times out");
        let want = match lang {
            CodeLang::Python => "except TimeoutError",
            CodeLang::Js => "catch",
            CodeLang::Rust => "is_err",
        };
        assert!(
            line(&v, timeout).contains(want),
            "{lang:?}: {}",
            line(&v, timeout)
        );
        let printed = v.lines.line_for(0, "print", 0).expect("main prints");
        assert!(line(&v, printed).contains("no answer within"));
    }
}

#[test]
fn crawler_lines_for_the_semaphore() {
    for lang in CodeLang::ALL {
        let v = view("crawler", Mode::Concurrent, lang);
        // download 3 (task 4) waits for a permit, then gets it, on the acquiring line.
        let wait = v.lines.line_for(4, "acquire_wait", 0).expect("waits");
        assert_eq!(v.lines.line_for(4, "acquire", 0), Some(wait));
        let want = match lang {
            CodeLang::Python => "async with sem",
            CodeLang::Js => "sem.acquire()",
            CodeLang::Rust => "SEM.acquire()",
        };
        assert!(
            line(&v, wait).contains(want),
            "{lang:?}: {}",
            line(&v, wait)
        );
        // download 0 never waits.
        assert_eq!(v.lines.line_for(1, "acquire_wait", 0), None);
        // All ten downloads share one function: same print lines.
        assert_eq!(
            v.lines.line_for(1, "print", 0),
            v.lines.line_for(10, "print", 0)
        );
    }
}

#[test]
fn ten_thousand_downloads_are_one_function_and_a_range() {
    let mut params = Params::new();
    params.insert("count".into(), 10_000);
    let s = catalog::build("crawler", Mode::Concurrent, &params).expect("crawler");
    for lang in CodeLang::ALL {
        let v = generate(&s, lang);
        assert!(
            v.text.lines().count() < 80,
            "{lang:?}: {} lines",
            v.text.lines().count()
        );
        assert!(v.text.contains("10000") || v.text.contains("10_000"));
        assert!(v.lines.line_for(10_000, "print", 1).is_some());
    }
    let seq = catalog::build("crawler", Mode::Sequential, &params).expect("crawler");
    let py = generate(&seq, CodeLang::Python);
    assert!(py.text.contains("for i in range(10000)"), "{}", py.text);
}

#[test]
fn scaled_views_differ_only_in_durations() {
    let s = build("weather", Mode::Concurrent);
    for lang in CodeLang::ALL {
        let real = generate(&s, lang);
        let fast = generate_scaled(&s, lang, 0.1);
        assert_eq!(real.lines, fast.lines);
        assert_eq!(real.notes, fast.notes);
        assert_eq!(real.text.lines().count(), fast.text.lines().count());
        assert_ne!(real.text, fast.text);
    }
    let py = generate(&s, CodeLang::Python).text;
    assert!(py.contains("asyncio.timeout(3)"), "{py}");
    assert!(generate_scaled(&s, CodeLang::Python, 0.1)
        .text
        .contains("asyncio.timeout(0.3)"));
}

#[test]
fn sleeps_use_the_scenario_milliseconds() {
    let py = view("breakfast", Mode::Concurrent, CodeLang::Python).text;
    assert!(py.contains("await asyncio.sleep(2)"), "{py}");
    let js = view("breakfast", Mode::Concurrent, CodeLang::Js).text;
    assert!(js.contains("await sleep(2000)"), "{js}");
    let rs = view("breakfast", Mode::Concurrent, CodeLang::Rust).text;
    assert!(rs.contains("Duration::from_millis(2000)"), "{rs}");
    let py = view("weather", Mode::Concurrent, CodeLang::Python).text;
    assert!(py.contains("0.5"), "{py}");
}

#[test]
fn notes_where_the_languages_differ() {
    let notes = |id: &str, lang| view(id, Mode::Concurrent, lang).notes;
    assert!(notes("never-awaited", CodeLang::Js).contains(&Note::EagerPromise));
    assert!(notes("never-awaited", CodeLang::Python).contains(&Note::LazyCoroutine));
    assert!(notes("never-awaited", CodeLang::Python).contains(&Note::NeverAwaitedWarning));
    assert!(notes("never-awaited", CodeLang::Rust).contains(&Note::LazyCoroutine));
    assert!(!notes("never-awaited", CodeLang::Rust).contains(&Note::NeverAwaitedWarning));
    assert!(notes("crawler", CodeLang::Js).contains(&Note::BrowserLoopOrder));
    assert!(!notes("crawler", CodeLang::Python).contains(&Note::BrowserLoopOrder));
    assert!(!notes("breakfast", CodeLang::Js).contains(&Note::BrowserLoopOrder));
    assert!(notes("threads-vs-async", CodeLang::Python).contains(&Note::Threads));
    assert!(notes("promise-combinators", CodeLang::Js).contains(&Note::AllVsGatherErrors));
    assert!(notes("cpu-bound", CodeLang::Python).contains(&Note::CpuNeedsProcesses));
    assert!(!notes("cpu-bound", CodeLang::Js).contains(&Note::CpuNeedsProcesses));
    let blocking = view("blocking-mistake", Mode::Sequential, CodeLang::Python).notes;
    assert!(blocking.contains(&Note::BlockingCall));
    assert!(notes("breakfast", CodeLang::Python).is_empty());
}

/// Every event of the ideal trace has a line, in every view, and it is inside the program.
#[test]
fn every_planned_event_has_a_line() {
    for id in catalog::IDS {
        for mode in Mode::ALL {
            let s = build(id, mode);
            for lang in CodeLang::ALL {
                let v = generate(&s, lang);
                let n = v.text.lines().count() as u32;
                let plan = plan::plan(&s, lang).expect("plan");
                let mut seen: std::collections::BTreeMap<(usize, &str), usize> = Default::default();
                for e in &plan.events {
                    let kind = e.kind.name();
                    let k = seen.entry((e.task, kind)).or_default();
                    let l = v.lines.line_for(e.task, kind, *k);
                    *k += 1;
                    let l = l.unwrap_or_else(|| {
                        panic!("{id} {mode:?} {lang:?}: no line for task {} {kind}", e.task)
                    });
                    assert!(l >= 1 && l <= n, "{id} {lang:?}: line {l} of {n}");
                    if kind == "print" {
                        let text = line(&v, l);
                        assert!(
                            text.contains("print") || text.contains("console.log"),
                            "{id} {mode:?} {lang:?}: print of task {} on {text:?}",
                            e.task
                        );
                    }
                }
            }
        }
    }
}
