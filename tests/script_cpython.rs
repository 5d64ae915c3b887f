//! The editor's scripts (F17) run by CPython itself: each fixture of `tests/fixtures/scripts/`
//! is given as written to `python3 -`, and what it prints must equal, line for line and in
//! order, the model's Python trace of the compiled script (a print holding `\n` is several
//! lines, as in a terminal). This guards what the subset accepts against what CPython does
//! with the same text (escapes, floats, f-string formats, `print(await …)`), where the code
//! views test (`codegen_real.rs`) only runs the program the model generates from it.
//!
//! Skips (with a printed reason) only when `python3` is not installed.
#![cfg(not(target_arch = "wasm32"))]
use std::io::Write;
use std::process::{Command, Stdio};

use async_playground::model::plan::plan;
use async_playground::model::scenario::CodeLang;
use async_playground::model::script::compile;
use async_playground::model::trace::Mode;

const FIXTURES: [(&str, &str); 3] = [
    ("formats.py", include_str!("fixtures/scripts/formats.py")),
    ("loops.py", include_str!("fixtures/scripts/loops.py")),
    ("deadline.py", include_str!("fixtures/scripts/deadline.py")),
];

fn python(code: &str) -> Option<(bool, String)> {
    let mut child = Command::new("python3")
        .arg("-")
        .env_remove("PYTHONUNBUFFERED")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(code.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

fn model_lines(src: &str) -> Vec<String> {
    let s = compile(src, Mode::Concurrent).expect("the fixture compiles");
    let tr = plan(&s, CodeLang::Python).expect("plans");
    tr.prints()
        .iter()
        .flat_map(|p| p.split('\n').map(str::to_string).collect::<Vec<_>>())
        .collect()
}

#[test]
fn cpython_prints_what_the_model_prints() {
    if python("").is_none() {
        println!("SKIPPED: `python3` is not installed, the scripts were not run");
        return;
    }
    let mut failures = Vec::new();
    for (name, src) in FIXTURES {
        let want = model_lines(src);
        // Equal deadlines can wake apart in a real loop (see codegen_real.rs): one retry.
        let mut last = None;
        for _ in 0..2 {
            let (ok, out) = python(src).expect("python3 runs");
            let got: Vec<String> = out.lines().map(str::to_string).collect();
            if ok && got == want {
                last = None;
                break;
            }
            last = Some(format!(
                "{name}: exit ok {ok}\nprinted {got:#?}\nmodel {want:#?}"
            ));
        }
        failures.extend(last);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A leading byte order mark and a tab-indented comment line: CPython runs such a file, and
/// the editor compiles it to the same lines.
#[test]
fn a_bom_and_a_tab_comment_run_as_in_cpython() {
    let src = "\u{feff}import asyncio\nasync def main():\n    print(\"a\\tb\", 0.5)\n\t# note\n    print(\"l1\\nl2\")\nasyncio.run(main())\n";
    let want = model_lines(src);
    assert_eq!(want, ["a\tb 0.5", "l1", "l2"]);
    match python(src) {
        Some((ok, out)) => {
            assert!(ok);
            assert_eq!(out.lines().collect::<Vec<_>>(), want);
        }
        None => println!("SKIPPED: `python3` is not installed"),
    }
}
