//! The lesson lint (`src/lessons/lint.rs`, the same file `build.rs` runs) against bad fixtures,
//! each refused naming the right file and line, and against the real lessons, which must pass.
// Native only: the lint needs pulldown-cmark and toml, native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]
#[path = "../src/lessons/lint.rs"]
mod lint;

use lint::{Block, Inline, LessonError};
use std::path::Path;

const DIR: &str = "tests/fixtures/lessons";

fn parse(name: &str, stem: &str) -> Result<lint::Lesson, LessonError> {
    let file = format!("{DIR}/{name}");
    let bytes = std::fs::read(&file).unwrap();
    lint::parse_lesson(&file, "en", stem, &bytes)
}

/// `name` is refused at `line` with a reason containing `why`.
fn refused(name: &str, stem: &str, line: usize, why: &str) {
    let e = parse(name, stem).expect_err(name);
    assert_eq!(e.file, format!("{DIR}/{name}"), "{e}");
    assert_eq!(e.line, line, "{name}: {e}");
    assert!(e.reason.contains(why), "{name}: expected {why:?} in {e}");
    // The message the build panics with names file and line first.
    assert!(
        e.to_string().starts_with(&format!("{DIR}/{name}:{line}: ")),
        "{e}"
    );
}

#[test]
fn the_valid_fixture_passes_and_parses_into_blocks() {
    let l = parse("valid.md", "breakfast").unwrap();
    assert_eq!(l.id, "breakfast");
    assert_eq!(l.scenario.as_deref(), Some("breakfast"));
    assert_eq!(l.questions.len(), 1);
    assert_eq!(l.questions[0].options[1].value, "4000");
    assert!(
        matches!(&l.blocks[0], Block::Para(v) if matches!(&v[0], Inline::Text(t) if t.starts_with("Concurrency is")))
    );
    assert!(matches!(l.blocks.last(), Some(Block::Watch(_))));
}

#[test]
fn text_hygiene_is_refused_at_the_right_line() {
    // A few lines of the French course stored as UTF-8 read as Windows-1252.
    refused("mojibake-course.md", "breakfast", 28, "mojibake Ã©");
    refused("mojibake-quote.md", "breakfast", 28, "mojibake â€");
    refused("invalid-utf8.md", "breakfast", 28, "invalid UTF-8");
    refused("replacement-char.md", "breakfast", 28, "U+FFFD");
    refused(
        "control-char.md",
        "breakfast",
        28,
        "control character U+0007",
    );
    refused("tab-char.md", "breakfast", 28, "control character U+0009");
    refused("bidi-override.md", "breakfast", 28, "U+202E");
}

#[test]
fn html_and_foreign_links_are_refused() {
    refused("raw-html-block.md", "breakfast", 28, "raw HTML");
    refused("inline-html.md", "breakfast", 28, "raw HTML");
    refused(
        "javascript-link.md",
        "breakfast",
        28,
        "javascript: link refused",
    );
    refused("data-link.md", "breakfast", 28, "data: link refused");
    refused(
        "vbscript-link.md",
        "breakfast",
        28,
        "vbscript: link refused",
    );
    refused("external-link.md", "breakfast", 28, "external link");
    refused("autolink.md", "breakfast", 28, "external link");
    refused(
        "unknown-lesson-link.md",
        "breakfast",
        28,
        "unknown lesson id \"threads\"",
    );
    refused("image.md", "breakfast", 28, "images");
    refused("heading.md", "breakfast", 28, "headings are not supported");
}

#[test]
fn front_matter_errors_are_refused_at_the_right_line() {
    refused("no-front-matter.md", "breakfast", 1, "missing front matter");
    refused("toml-syntax.md", "breakfast", 5, "front matter");
    refused("missing-field.md", "breakfast", 2, "missing field `title`");
    refused("unknown-field.md", "breakfast", 6, "unknown field `colour`");
    refused("bad-kind.md", "breakfast", 10, "unknown variant `guess`");
    refused("bad-total-value.md", "breakfast", 19, "whole milliseconds");
    refused("duplicate-option-value.md", "breakfast", 19, "used twice");
    refused("duplicate-question-id.md", "breakfast", 21, "used twice");
    refused(
        "unknown-see-also.md",
        "breakfast",
        6,
        "unknown lesson id \"threads\"",
    );
    refused(
        "id-not-filename.md",
        "breakfast",
        2,
        "differs from the file name",
    );
    refused("nth-print-without-n.md", "breakfast", 9, "needs `n`");
    refused(
        "glossary-with-question.md",
        "event-loop",
        9,
        "glossary entry",
    );
    // valid.md claims nothing: a bold figure must be one of the claimed totals.
    refused("unclaimed-figure.md", "breakfast", 23, "states 3000 ms");
}

#[test]
fn every_fixture_is_exercised() {
    let tested = std::fs::read_to_string(file!()).unwrap();
    for e in std::fs::read_dir(DIR).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            tested.contains(&format!("\"{name}\"")),
            "fixture {name} has no test"
        );
    }
}

#[test]
fn bold_figures_are_read_in_every_language() {
    assert_eq!(lint::figure_ms("about 2 seconds"), Some(2000));
    assert_eq!(lint::figure_ms("environ 1,5 seconde"), Some(1500));
    assert_eq!(lint::figure_ms("alrededor de 1 segundo"), Some(1000));
    assert_eq!(lint::figure_ms("3-second"), Some(3000));
    assert_eq!(lint::figure_ms("0.5 s"), Some(500));
    assert_eq!(lint::figure_ms("500 ms"), Some(500));
    assert_eq!(lint::figure_ms("3 downloads"), None);
    assert_eq!(lint::figure_ms("concurrency"), None);
}

fn lesson_text(id: &str, order: u32, values: &[&str]) -> String {
    let opts: String = values
        .iter()
        .map(|v| format!("[[questions.options]]\nlabel = \"{v} ms\"\nvalue = \"{v}\"\n"))
        .collect();
    format!(
        "+++\nid = \"{id}\"\nscenario = \"{id}\"\ntitle = \"T\"\norder = {order}\n\n[[questions]]\nid = \"total\"\nkind = \"total\"\nmode = \"concurrent\"\nprompt = \"How long?\"\nexplain = \"So.\"\n{opts}+++\n{}\n\n> [!TIP]\n> Watch the bars.\n",
        "word ".repeat(50)
    )
}

#[test]
fn the_set_check_wants_unique_orders_every_language_and_mirrored_questions() {
    let mk = |lang: &str, id: &str, order: u32, values: &[&str]| {
        let file = format!("lessons/{lang}/{id}.md");
        lint::parse_lesson(&file, lang, id, lesson_text(id, order, values).as_bytes()).unwrap()
    };
    let set = vec![
        mk("en", "hello", 1, &["1000", "2000"]),
        mk("en", "timeout", 1, &["2000", "10000"]),
        mk("fr", "hello", 1, &["1000", "3000"]),
    ];
    let (errors, warnings) = lint::check_set(&set, false);
    assert!(
        errors.iter().any(|e| e.file == "lessons/en/timeout.md"
            && e.line == 5
            && e.reason.contains("order 1")),
        "{errors:?}"
    );
    assert!(warnings
        .iter()
        .any(|e| e.reason.contains("missing lesson \"breakfast\" in es")));
    assert!(
        warnings
            .iter()
            .any(|e| e.file == "lessons/fr/hello.md" && e.reason.contains("do not mirror")),
        "{warnings:?}"
    );
    // Strict: the same findings become errors.
    let (errors, warnings) = lint::check_set(&set, true);
    assert!(warnings.is_empty());
    assert!(errors
        .iter()
        .any(|e| e.reason.contains("missing lesson \"breakfast\" in es")));
    assert!(errors.iter().any(|e| e.reason.contains("do not mirror")));
}

#[test]
fn the_real_lessons_pass_strictly() {
    let (lessons, errors) = lint::load_dir(Path::new("lessons"));
    let show = |v: &[LessonError]| {
        v.iter()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(errors.is_empty(), "{}", show(&errors));
    let (errors, warnings) = lint::check_set(&lessons, true);
    assert!(
        errors.is_empty() && warnings.is_empty(),
        "{}",
        show(&errors)
    );
    assert_eq!(lessons.len(), 3 * 27);
}

/// A lesson tree in a fresh temporary folder: `files` are `(lang/name.md, fixture to copy)`.
fn tree(tag: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("ap-lessons-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    for (to, from) in files {
        let dest = root.join(to);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(format!("{DIR}/{from}"), dest).unwrap();
    }
    root
}

#[test]
fn the_build_refuses_a_malicious_lesson_naming_file_and_line() {
    let root = tree(
        "bad",
        &[
            ("en/breakfast.md", "valid.md"),
            ("fr/breakfast.md", "javascript-link.md"),
        ],
    );
    let errors = lint::build(&root, false).expect_err("a javascript: link must fail the build");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].to_string(),
        "lessons/fr/breakfast.md:28: javascript: link refused"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn the_build_compiles_a_clean_tree_and_warns_or_refuses_missing_lessons() {
    let root = tree("ok", &[("en/breakfast.md", "valid.md")]);
    let (code, warnings) = lint::build(&root, false).unwrap();
    assert!(code.contains("static EN: [Lesson; 1]"), "{code}");
    assert!(code.contains("static FR: [Lesson; 0]"));
    assert!(code.contains("QuestionKind::Total"));
    assert!(code.contains("Block::Watch("));
    assert!(warnings
        .iter()
        .any(|w| w.to_string().contains("missing lesson \"hello\" in en")));
    let errors = lint::build(&root, true).unwrap_err();
    assert_eq!(errors.len(), 3 * 27 - 1, "every other lesson is missing");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn mojibake_is_told_apart_from_clean_french_and_spanish() {
    fn check(s: &str) -> Result<&str, LessonError> {
        lint::check_text("t.md", s.as_bytes())
    }
    for bad in [
        "rÃ©seau",
        "derriÃ¨re",
        "isnâ€™t",
        "â€œquotedâ€",
        "smile ðŸ˜€",
        "Ã‰tat",
        "deux\u{a0}Â\u{a0}:",
        "Ã  la fois",
        "Å“uvre",
        "Â©",
    ] {
        let e = check(bad).expect_err(bad);
        assert!(e.reason.contains("mojibake"), "{bad}: {e}");
    }
    for good in [
        "déjà à côté",
        "«réalisé»",
        "réalisé…",
        "São Paulo",
        "Âge",
        "tâche",
        "año",
        "¿Qué?",
        "œuvre",
        "« guillemets »",
        "naïve",
        "über",
        "1,5 s — 2 s",
        "l’événement",
    ] {
        assert!(check(good).is_ok(), "{good}: {:?}", check(good));
    }
}
