//! Predict, then run (F9): the lesson's questions, answered before the run and graded against
//! the measured trace of the question's mode after it (`lessons::grade`). Answers are kept per
//! scenario in storage when it works (memory otherwise); option values do not depend on the
//! language, so a switch keeps them.
//!
//! Predict first: while a question of the scenario is neither answered nor skipped, the card
//! stands at the top of the stage, right under Run (`data-pending`), with a one-tap Skip.
use leptos::prelude::*;

use super::lesson_store::{use_lessons, Load};
use super::state::use_app;
use super::storage;
use super::words::say;
use crate::i18n::{colon, ui};
use crate::lessons::{self, grade::grade, Question};
use crate::model::trace::Trace;

fn answer_key(scenario: &str, q: &Question) -> String {
    format!("ap.predict.{scenario}.{}", q.id)
}

fn skip_key(scenario: &str) -> String {
    format!("ap.predict.{scenario}.skipped")
}

#[component]
fn Ask(q: &'static Question, scenario: String, answered: RwSignal<u64>) -> impl IntoView {
    let app = use_app();
    let t = move || ui(app.lang.get());
    let key = answer_key(&scenario, q);
    let chosen = RwSignal::new(storage::get(&key));
    let measured = move || -> Option<Trace> {
        app.result.with(|r| {
            r.as_ref()
                .filter(|r| !r.cancelled)
                .and_then(|r| r.traces.iter().find(|tr| tr.mode == q.mode).cloned())
        })
    };
    let graded = move || measured().map(|tr| grade(q, &tr, chosen.get().as_deref()));
    let name = format!("ap-q-{}", q.id);
    view! {
        <fieldset class="ap-question">
            <legend>{q.prompt}</legend>
            {q.options.iter().enumerate().map(|(i, o)| {
                let key = key.clone();
                let right = move || graded().is_some_and(|g| g.correct_option == Some(i));
                view! {
                    <label class="ap-choice" class:is-right=right>
                        <input type="radio" name=name.clone() value=o.value
                            prop:checked=move || chosen.get().as_deref() == Some(o.value)
                            on:change=move |_| {
                                chosen.set(Some(o.value.to_string()));
                                storage::set(&key, o.value);
                                answered.update(|n| *n += 1);
                            } />
                        <span>{o.label}</span>
                    </label>
                }
            }).collect_view()}
            <p class="ap-verdict" data-testid="predict-result">
                {move || match graded() {
                    None => t().predict_wait.to_string(),
                    Some(g) if g.chosen_correct => format!("{} {}", t().predict_right, q.explain),
                    // The explanation speaks of the default values; this run measured others.
                    Some(g) if g.correct_option.is_none() => t().predict_other_values.to_string(),
                    Some(g) => {
                        let verdict = if chosen.get().is_some() { t().predict_wrong } else { "" };
                        let right = g.correct_option.and_then(|i| q.options.get(i)).map(|o| o.label);
                        let said = right.map(|l| colon(app.lang.get(), t().predict_answer) + l).unwrap_or_default();
                        format!("{verdict} {said}. {}", q.explain).trim_start().to_string()
                    }
                }}
            </p>
        </fieldset>
    }
}

#[component]
pub fn Predict() -> impl IntoView {
    let app = use_app();
    let store = use_lessons();
    let t = move || ui(app.lang.get());
    let questions = move || {
        let scenario = app.scenario.get();
        let lang = app.lang.get();
        // Nothing to ask until the lessons of the language have arrived (the panel says why).
        if store.status(lang) != Load::Ready {
            return Vec::new();
        }
        lessons::for_scenario(lang.as_str(), &scenario)
            .map(|l| l.questions)
            .unwrap_or(&[])
            .iter()
            // Only what this view's run can answer.
            .filter(|q| {
                app.built
                    .with(|b| b.programs.iter().any(|p| p.mode == q.mode))
            })
            .map(|q| (q, scenario.clone()))
            .collect::<Vec<_>>()
    };
    // Bumped by an answer or a skip (storage is not reactive).
    let answered = RwSignal::new(0u64);
    let pending = move || {
        answered.track();
        let qs = questions();
        let scenario = app.scenario.get();
        !qs.is_empty()
            && storage::get(&skip_key(&scenario)).is_none()
            && qs
                .iter()
                .any(|(q, s)| storage::get(&answer_key(s, q)).is_none())
    };
    let skip = move |_| {
        storage::set(&skip_key(&app.scenario.get_untracked()), "1");
        answered.update(|n| *n += 1);
    };
    let skip_word = move || say(app.lang.get(), ["Skip", "Passer", "Omitir"]);
    view! {
        <Show when=move || !questions().is_empty()>
            <section class="ap-card ap-predict" class:is-first=pending data-testid="predict"
                data-pending=move || pending().then_some("true") aria-label=move || t().predict>
                <div class="ap-predict-head">
                    <h2>{move || t().predict}</h2>
                    <Show when=pending>
                        <button type="button" class="ap-button" data-testid="predict-skip" on:click=skip>
                            {skip_word}
                        </button>
                    </Show>
                </div>
                {move || questions().into_iter().map(|(q, s)| view! { <Ask q scenario=s answered /> }).collect_view()}
            </section>
        </Show>
    }
}
