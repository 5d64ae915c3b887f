//! The editor's language (F17): whatever text arrives (typed, pasted, from a URL), compiling it
//! never panics, errors point inside the text, and what compiles is planned and shown in the
//! three code languages like a built-in scenario.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;

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
                prop_assert!(!e.text(lang).is_empty());
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
