//! The lesson files the page downloads (`dist/lessons/<lang>.txt`) carry exactly what `build.rs`
//! compiles natively, and a damaged or hostile file is refused with a line number, never a panic.
// Native only: the lint needs pulldown-cmark and toml, native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]
#[path = "../src/lessons/lint.rs"]
mod lint;

use async_playground::lessons::{self, wire};
use proptest::prelude::*;
use std::path::Path;

fn exported() -> Vec<(&'static str, String)> {
    lint::export(Path::new("lessons"), true).unwrap_or_else(|e| panic!("export: {e:?}"))
}

#[test]
fn every_language_reads_back_equal_to_the_compiled_lessons() {
    let files = exported();
    assert_eq!(files.len(), 3);
    for (lang, text) in &files {
        let read = wire::parse(text, lessons::LANGS.iter().find(|l| *l == lang).unwrap())
            .unwrap_or_else(|e| panic!("{lang}: {e}"));
        let compiled = lessons::all(lang);
        assert_eq!(read.len(), compiled.len(), "{lang}");
        for (a, b) in read.iter().zip(compiled) {
            assert_eq!(a, b, "{lang}/{}", b.id);
        }
    }
}

#[test]
fn install_keeps_the_first_and_refuses_strangers() {
    let files = exported();
    let (_, en) = files.iter().find(|(l, _)| *l == "en").unwrap();
    assert!(lessons::install("en", en).is_ok());
    assert!(
        lessons::install("en", "garbage").is_ok(),
        "already installed: nothing read"
    );
    assert!(lessons::is_loaded("en"));
    assert_eq!(
        lessons::install("xx", en).unwrap_err().reason,
        "unknown language"
    );
    // A French file is not Spanish.
    let (_, fr) = files.iter().find(|(l, _)| *l == "fr").unwrap();
    assert_eq!(
        wire::parse(fr, "es").unwrap_err().reason,
        "lessons of another language"
    );
}

#[test]
fn damaged_files_are_refused_with_their_line() {
    let head = format!("{}\ten\n", wire::MAGIC);
    let cases: &[(&str, &str, usize)] = &[
        ("", "not a lesson file of this version", 1),
        (
            "<!doctype html><html>404</html>",
            "not a lesson file of this version",
            1,
        ),
        ("ap-lessons-0\ten\n", "not a lesson file of this version", 1),
        ("B\tp\n", "a record before the first lesson", 2),
        ("L\tx\tT\t\t1\t\t\t\n", "", 0),
        ("L\tx\tT\t\tone\t\t\t\n", "the order is not a number", 2),
        ("L\tx\tT\t\t1\t\t\t\nt\thi\n", "text outside a block", 3),
        (
            "L\tx\tT\t\t1\t\t\t\nB\tl\nt\thi\n",
            "text outside a block",
            4,
        ),
        ("L\tx\tT\t\t1\t\t\t\nB\tq\n", "unknown block kind", 3),
        (
            "L\tx\tT\t\t1\t\t\t\nO\ta\tb\n",
            "an option belongs to a question and has 3 fields",
            3,
        ),
        (
            "L\tx\tT\t\t1\t\t\t\nQ\tq\tguess\t\tconcurrent\tp\te\n",
            "unknown question kind",
            3,
        ),
        ("L\tx\tT\t\t1\t\t\t\nB\tp\nt\ta\\qb\n", "bad escape", 4),
        ("L\tx\tT\t\t1\t\t\t\nZ\n", "unknown record", 3),
    ];
    for (body, reason, line) in cases {
        let text = if body.starts_with("L\t") || body.starts_with("B\t") {
            format!("{head}{body}")
        } else {
            body.to_string()
        };
        match wire::parse(&text, "en") {
            Ok(ls) if reason.is_empty() => assert_eq!(ls.len(), 1),
            Ok(_) => panic!("{body:?} was accepted"),
            Err(e) => {
                assert_eq!((e.reason, e.line), (*reason, *line), "{body:?}");
            }
        }
    }
    // Texts with escapes come back whole.
    let text = format!("{head}L\tx\tA\\tB\\\\C\\nD\t\t1\t\t\t\n");
    assert_eq!(wire::parse(&text, "en").unwrap()[0].title, "A\tB\\C\nD");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// Whatever a broken server or a hostile cache returns, reading it never panics.
    #[test]
    fn any_text_is_read_or_refused(body in "(L|Q|O|B|I|t|c|s|e|k|\\\\|\\t|\\n|[a-z0-9 ,]){0,200}") {
        let _ = wire::parse(&format!("{}\ten\n{body}", wire::MAGIC), "en");
    }

    /// Any damage to a real file (a cut, a dropped line) is refused or read, never a panic.
    #[test]
    fn a_cut_file_never_panics(cut in 0usize..30000) {
        let (_, en) = exported().into_iter().find(|(l, _)| *l == "en").unwrap();
        let cut = (0..=cut.min(en.len())).rev().find(|&k| en.is_char_boundary(k)).unwrap_or(0);
        let _ = wire::parse(&en[..cut], "en");
    }
}
