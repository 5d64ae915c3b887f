//! Teaching truth for lessons (QUALITY.md): every total a lesson states is the planner's, every
//! predict question's right answer, graded against the ideal trace of every code view (it must
//! not depend on which view is open), is among its options, and every scenario has a lesson
//! with a question in every language.
// Native only: the lint needs pulldown-cmark and toml, native dev-dependencies.
#![cfg(not(target_arch = "wasm32"))]
#[path = "../src/lessons/lint.rs"]
mod lint;

use async_playground::lessons::{self, grade, Lesson};
use async_playground::model::catalog;
use async_playground::model::plan::plan;
use async_playground::model::scenario::{CodeLang, Params};
use async_playground::model::trace::{Mode, Trace};

fn ideal(id: &str, mode: Mode, lang: CodeLang) -> Trace {
    let s = catalog::build(id, mode, &Params::new())
        .unwrap_or_else(|e| panic!("{id} {}: {e}", mode.as_str()));
    plan(&s, lang).unwrap_or_else(|e| panic!("{id} {} {lang:?}: {e}", mode.as_str()))
}

fn every_lesson() -> impl Iterator<Item = &'static Lesson> {
    lessons::LANGS.into_iter().flat_map(lessons::all)
}

#[test]
fn the_lint_knows_the_catalog() {
    assert_eq!(lint::SCENARIO_IDS, catalog::IDS);
}

#[test]
fn stated_totals_are_the_planners() {
    let mut checked = 0;
    for l in every_lesson() {
        let e = l.expect_total_ms;
        for (mode, ms) in [
            (Mode::Concurrent, e.concurrent),
            (Mode::Sequential, e.sequential),
        ] {
            let Some(ms) = ms else { continue };
            let id = l
                .scenario
                .unwrap_or_else(|| panic!("{}/{}: a glossary entry claims a total", l.lang, l.id));
            let total = ideal(id, mode, CodeLang::Python).total_ms;
            assert_eq!(
                total,
                f64::from(ms),
                "{}/{}: {} total",
                l.lang,
                l.id,
                mode.as_str()
            );
            checked += 1;
        }
    }
    assert!(checked >= 3 * 20, "only {checked} totals checked");
}

#[test]
fn every_question_has_its_ideal_answer_among_its_options() {
    for l in every_lesson() {
        let Some(id) = l.scenario else { continue };
        for q in l.questions {
            let mut answers = Vec::new();
            for lang in CodeLang::ALL {
                let trace = ideal(id, q.mode, lang);
                let g = grade::grade(q, &trace, None);
                let right = g.correct_option.unwrap_or_else(|| {
                    panic!(
                        "{}/{} question {:?} ({lang:?}): the ideal answer {:?} is not an option",
                        l.lang, l.id, q.id, g.correct_value
                    )
                });
                // Choosing it is graded right.
                let chosen = q.options[right].value;
                assert!(grade::grade(q, &trace, Some(chosen)).chosen_correct);
                answers.push(chosen);
            }
            answers.dedup();
            assert_eq!(
                answers.len(),
                1,
                "{}/{} {:?}: the answer depends on the code view: {answers:?}",
                l.lang,
                l.id,
                q.id
            );
        }
    }
}

#[test]
fn every_scenario_has_a_lesson_with_a_question_in_every_language() {
    for lang in ["en", "fr", "es"] {
        for id in catalog::IDS {
            let l = lessons::for_scenario(lang, id)
                .unwrap_or_else(|| panic!("no {lang} lesson for {id}"));
            assert_eq!(l.id, id);
            assert!(!l.questions.is_empty(), "{lang}/{id} has no question");
        }
        for id in lint::GLOSSARY_IDS {
            assert!(
                lessons::get(lang, id).is_some(),
                "no {lang} glossary entry {id}"
            );
        }
        assert_eq!(lessons::all(lang).len(), 27, "{lang}");
    }
}

#[test]
fn see_also_and_links_point_to_lessons_of_the_same_language() {
    use lessons::{Block, Inline};
    for l in every_lesson() {
        for to in l.see_also {
            assert!(
                lessons::get(l.lang, to).is_some(),
                "{}/{}: see_also {to:?}",
                l.lang,
                l.id
            );
        }
        for b in l.blocks {
            let lines: Vec<&[Inline]> = match b {
                Block::Para(v) | Block::Watch(v) | Block::Mistake(v) => vec![v],
                Block::List(items) => items.to_vec(),
            };
            for i in lines.into_iter().flatten() {
                if let Inline::Link { to, .. } = i {
                    assert!(
                        lessons::get(l.lang, to).is_some(),
                        "{}/{}: link to {to:?}",
                        l.lang,
                        l.id
                    );
                }
            }
        }
    }
}

#[test]
fn translations_ask_the_same_questions() {
    for en in lessons::all("en") {
        for lang in ["fr", "es"] {
            let Some(t) = lessons::get(lang, en.id) else {
                continue;
            };
            let shape = |l: &Lesson| {
                l.questions
                    .iter()
                    .map(|q| {
                        (
                            q.id,
                            q.kind,
                            q.mode,
                            q.options.iter().map(|o| o.value).collect::<Vec<_>>(),
                        )
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(shape(t), shape(en), "{lang}/{}", en.id);
            assert_eq!(t.scenario, en.scenario);
            assert_eq!(t.order, en.order, "{lang}/{}: menu order", en.id);
        }
    }
}
