//! The editor's language (F17): whatever text arrives (typed, pasted, from a URL), compiling it
//! never panics, errors point inside the text, and what compiles is planned and shown in the
//! three code languages like a built-in scenario.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;

use async_playground::i18n::script_error;
use async_playground::model::codegen::generate;
use async_playground::model::params::Lang;
use async_playground::model::plan::plan;
use async_playground::model::scenario::CodeLang;
use async_playground::model::script::{compile, decode_src, encode_src, STARTER};
use async_playground::model::trace::{EventKind, Mode};

fn check_errors_point_inside(src: &str) -> Result<(), TestCaseError> {
    if let Err(errs) = compile(src, Mode::Concurrent) {
        prop_assert!(!errs.is_empty());
        let lines = src.lines().count().max(1);
        for e in errs {
            prop_assert!(e.line >= 1 && e.line <= lines, "line {} of {lines}", e.line);
            prop_assert!(e.col >= 1);
            for lang in Lang::ALL {
                prop_assert!(!script_error(lang, &e).is_empty());
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_text_is_compiled_or_refused(src in "\\PC{0,300}") {
        check_errors_point_inside(&src)?;
    }

    /// The starter with one line cut, doubled or re-indented: still no panic.
    #[test]
    fn mutated_starter(cut in 0usize..25, mode in 0u8..3, pad in 0usize..9) {
        let lines: Vec<&str> = STARTER.lines().collect();
        let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let k = cut % out.len();
        match mode {
            0 => { out.remove(k); }
            1 => { let l = out[k].clone(); out.insert(k, l); }
            _ => { out[k] = format!("{}{}", " ".repeat(pad), out[k]); }
        }
        check_errors_point_inside(&out.join("\n"))?;
    }

    /// Controls, format characters (a BOM, a zero-width space, a bidi override) and odd spaces
    /// never reach a message unseen: they are written as `U+XXXX`.
    #[test]
    fn messages_show_every_character(src in "[a-z()\"' :=.\n\t\u{0}-\u{1f}\u{7f}\u{a0}\u{ad}\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2060}\u{feff}\u{e000}]{0,120}") {
        let src = format!("async def main():\n    print({src})\nasyncio.run(main())\n");
        if let Err(errs) = compile(&src, Mode::Concurrent) {
            for e in errs {
                for lang in Lang::ALL {
                    let t = script_error(lang, &e);
                    let hidden = t.chars().find(|c| {
                        c.is_control()
                            || matches!(
                                *c as u32,
                                0xad | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060 | 0xfeff | 0xe000
                            )
                    });
                    prop_assert!(hidden.is_none(), "{t:?}");
                }
            }
        }
    }

    #[test]
    fn src_round_trips(src in "\\PC{0,200}") {
        prop_assert_eq!(decode_src(&encode_src(&src)), Some(src));
    }
}

#[test]
fn the_starter_plans_and_shows_in_three_languages() {
    for mode in [Mode::Concurrent, Mode::Sequential] {
        let s = compile(STARTER, mode).expect("starter compiles");
        for lang in CodeLang::ALL {
            let tr = plan(&s, lang).expect("plans");
            let prints: Vec<&str> = tr
                .events
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::Print { text, .. } => Some(text.as_str()),
                    _ => None,
                })
                .collect();
            assert!(prints.contains(&"a: start"), "{prints:?}");
            let code = generate(&s, lang);
            assert!(
                code.text.contains("download"),
                "{lang:?} view names the function"
            );
        }
        let total = plan(&s, CodeLang::Python).unwrap().total_ms;
        // Two permits: a (1 s) and page (1.5 s) first; then b (2 s) at 1 s, c (1 s) at 1.5 s → 3 s.
        if mode == Mode::Concurrent {
            assert_eq!(total, 3000.0, "concurrent starter total");
        } else {
            // One after another: 1.5 + 1 + 2 + 1.
            assert_eq!(total, 5500.0, "sequential starter total");
        }
    }
}

/// `n` cases drawn from `strategy`, the same on every run.
fn draw<S: Strategy>(strategy: S, n: usize) -> Vec<S::Value> {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).expect("a case").current())
        .collect()
}

/// The first line the compiled script prints (Python's plan), or None when it is refused.
fn first_print(src: &str) -> Option<String> {
    let s = compile(src, Mode::Concurrent).ok()?;
    let tr = plan(&s, CodeLang::Python).ok()?;
    tr.prints().first().map(|p| p.to_string())
}

/// Feeds each case as a JSON line to `python3 -c harness` and reads one JSON answer a line
/// (None for a line that is not a JSON string); None when `python3` is not installed.
fn python_answers<T: serde::Serialize>(harness: &str, cases: &[T]) -> Option<Vec<Option<String>>> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("python3")
        .args(["-c", harness])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let input: String = cases
        .iter()
        .map(|c| format!("{}\n", serde_json::to_string(c).expect("json")))
        .collect();
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python3 runs");
    let answers: Vec<Option<String>> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str::<Option<String>>(l).unwrap_or(None))
        .collect();
    assert_eq!(answers.len(), cases.len(), "one answer per case");
    Some(answers)
}

/// String literals (prefixes, escapes, f-string fields and formats) as CPython reads them:
/// random literals are printed by a compiled script and evaluated by `python3` (warnings as
/// errors, so an escape CPython only warns about counts as refused). Every literal the editor
/// accepts must give exactly CPython's text; one CPython refuses must be refused too.
#[test]
fn string_literals_mean_what_cpython_says() {
    const PIECES: &[&str] = &[
        "a",
        "\\",
        "\\\\",
        "\\t",
        "\\n",
        "\\x41",
        "\\x4",
        "\\101",
        "\\0",
        "\\8",
        "\\u00e9",
        "\\U0001F600",
        "\\ud800",
        "\\N{BULLET}",
        "{",
        "}",
        "{{",
        "}}",
        "{x}",
        "{x:.2f}",
        "{x:>8}",
        "{n+1}",
        "{n * 3}",
        "{n-2}",
        "{s!r}",
        "{s:^7}",
        "{n:03d}",
        "{x:.1%}",
        "{n:,}",
        "{x:e}",
        "{x=}",
        "{s:.1}",
        "{n:_}",
        "{x:08.3f}",
        "{n:+d}",
        "{x:<6}|",
        "{n:x}",
        "'",
        "\"",
        "é",
        "\t",
        " ",
        "\\'",
        "\\\"",
        "\\a\\b\\f\\v\\r",
        "\\777",
        "\\12",
    ];
    let literal = (
        prop::sample::select(vec!["", "r", "f", "rf", "Fr", "u", "R", "b"]),
        prop::sample::select(vec!["\"", "'"]),
        prop::collection::vec(prop::sample::select(PIECES.to_vec()), 0..6),
    )
        .prop_map(|(p, q, body)| format!("{p}{q}{}{q}", body.concat()));
    let cases = draw(literal, 600);

    // The editor's side: the text printed, or None when refused.
    let model: Vec<Option<String>> = cases
        .iter()
        .map(|lit| {
            first_print(&format!(
                "import asyncio\nasync def show(x, n, s):\n    print({lit})\nasync def main():\n    await show(0.5, 7, \"ab\")\nasyncio.run(main())\n"
            ))
        })
        .collect();

    let harness = "import sys, json, warnings\nwarnings.simplefilter('error')\nfor line in sys.stdin:\n    src = json.loads(line)\n    try:\n        v = eval(src, {'x': 0.5, 'n': 7, 's': 'ab'})\n        print(json.dumps(v if isinstance(v, str) else None))\n    except BaseException:\n        print('null')\n";
    let Some(cpython) = python_answers(harness, &cases) else {
        println!("SKIPPED: `python3` is not installed");
        return;
    };
    let mut accepted = 0;
    let mut wrong = Vec::new();
    for ((lit, m), c) in cases.iter().zip(&model).zip(&cpython) {
        if let Some(m) = m {
            accepted += 1;
            if Some(m) != c.as_ref() {
                wrong.push(format!("{lit}: editor {m:?}, CPython {c:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(
        accepted > 100,
        "only {accepted} literals accepted: the test tests little"
    );
}

/// Decimal literals through formats (`{x:.2f}` rounding, `%`, grouping, signs, `repr`): the
/// editor's text equals CPython's `format()` of the same literal.
#[test]
fn float_formats_mean_what_cpython_says() {
    let case = (
        "-?[0-9]{1,7}\\.[0-9]{1,9}",
        prop::sample::select(vec![
            "", ".2f", ".0f", ".1f", ".3f", ".1%", ">12.3f", "+.4F", ",.2f", "010.1f", "<9", "^11",
            "_", ",", " .5f", ".10f",
        ]),
    );
    let cases = draw(case, 400);
    let model: Vec<Option<String>> = cases
        .iter()
        .map(|(num, spec)| {
            first_print(&format!(
                "import asyncio\nasync def show(x):\n    print(f\"{{x:{spec}}}\", x)\nasync def main():\n    await show({num})\nasyncio.run(main())\n"
            ))
        })
        .collect();
    let harness = "import sys, json\nfor line in sys.stdin:\n    num, spec = json.loads(line)\n    x = float(num)\n    print(json.dumps(format(x, spec) + ' ' + str(x)))\n";
    let Some(cpython) = python_answers(harness, &cases) else {
        println!("SKIPPED: `python3` is not installed");
        return;
    };
    let mut wrong = Vec::new();
    for ((c, m), p) in cases.iter().zip(&model).zip(&cpython) {
        match m {
            Some(m) if Some(m) == p.as_ref() => {}
            other => wrong.push(format!("{c:?}: editor {other:?}, CPython {p:?}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
