//! Predict, then run: two questions drawn from the loaded program (which task ends first, how
//! long the run takes), answered before the run and graded against the measured trace after it.
use leptos::prelude::*;

use super::state::use_app;
use super::storage;
use crate::i18n::{colon, seconds, ui};
use crate::model::trace::{EventKind, Mode, Trace};

/// The first non-main task to finish (end, fail or cancel) in a trace.
pub fn first_done(tr: &Trace) -> Option<usize> {
    tr.events.iter().find_map(|e| match e.kind {
        EventKind::End { .. } | EventKind::Fail { .. } | EventKind::Cancel if e.task != 0 => {
            Some(e.task)
        }
        _ => None,
    })
}

/// The trace a question is about: the concurrent one when there is one.
fn focus(traces: &[Trace]) -> Option<&Trace> {
    traces
        .iter()
        .find(|t| t.mode == Mode::Concurrent)
        .or(traces.first())
}

/// Candidate totals: each ideal total, plus the sum of the concurrent program's waits when it
/// differs (the "one after another" guess), sorted, distinct.
fn total_options(plans: &[Trace]) -> Vec<f64> {
    let mut v: Vec<f64> = plans.iter().map(|t| t.total_ms).collect();
    if let Some(f) = focus(plans) {
        let waits: u64 = f
            .events
            .iter()
            .map(|e| match e.kind {
                EventKind::Sleep { ms } => ms,
                _ => 0,
            })
            .sum();
        v.push(waits as f64);
        v.push((f.total_ms / 2.0).round());
    }
    v.retain(|x| *x > 0.0);
    v.sort_by(|a, b| a.total_cmp(b));
    v.dedup();
    v
}

#[component]
pub fn Predict() -> impl IntoView {
    let app = use_app();
    let t = move || ui(app.lang.get());
    let key = move |q: &str| format!("ap.predict.{}.{q}", app.scenario.get_untracked());
    let first = RwSignal::new(None::<usize>);
    let total = RwSignal::new(None::<u64>);
    Effect::new(move |_| {
        app.scenario.track();
        first.set(storage::get(&key("first")).and_then(|v| v.parse().ok()));
        total.set(storage::get(&key("total")).and_then(|v| v.parse().ok()));
    });
    let tasks = move || {
        app.plans
            .with(|p| {
                focus(p).map(|tr| {
                    tr.tasks
                        .iter()
                        .filter(|t| t.id != 0)
                        .map(|t| (t.id, t.name.clone()))
                        .collect::<Vec<_>>()
                })
            })
            .unwrap_or_default()
    };
    let totals = move || app.plans.with(|p| total_options(p));
    let measured = move || {
        app.result.with(|r| {
            r.as_ref()
                .filter(|r| !r.cancelled)
                .and_then(|r| focus(&r.traces).cloned())
        })
    };
    let grade_first =
        move || measured().map(|tr| first.get().is_some() && first_done(&tr) == first.get());
    let grade_total = move || {
        measured().map(|tr| {
            let opts = totals();
            let nearest = opts
                .iter()
                .copied()
                .min_by(|a, b| (a - tr.total_ms).abs().total_cmp(&(b - tr.total_ms).abs()));
            total.get().is_some_and(|c| nearest == Some(c as f64))
        })
    };
    let verdict = move |g: Option<bool>| match g {
        None => t().predict_wait,
        Some(true) => t().predict_right,
        Some(false) => t().predict_wrong,
    };
    view! {
        <section class="ap-card ap-predict" data-testid="predict" aria-label=move || t().predict>
            <h2>{move || t().predict}</h2>
            <Show when=move || { tasks().len() >= 2 }>
                <fieldset class="ap-question">
                    <legend>{move || t().predict_first}</legend>
                    {move || tasks().into_iter().map(|(id, name)| view! {
                        <label class="ap-choice">
                            <input type="radio" name="ap-q-first" prop:checked=move || first.get() == Some(id)
                                on:change=move |_| { first.set(Some(id)); storage::set(&key("first"), &id.to_string()); } />
                            <span>{name}</span>
                        </label>
                    }).collect_view()}
                    <p class="ap-verdict" data-testid="predict-first-result">{move || verdict(grade_first())}</p>
                </fieldset>
            </Show>
            <fieldset class="ap-question">
                <legend>{move || t().predict_total}</legend>
                {move || totals().into_iter().map(|ms| {
                    let v = ms as u64;
                    view! {
                        <label class="ap-choice">
                            <input type="radio" name="ap-q-total" prop:checked=move || total.get() == Some(v)
                                on:change=move |_| { total.set(Some(v)); storage::set(&key("total"), &v.to_string()); } />
                            <span>{move || seconds(app.lang.get(), ms)}</span>
                        </label>
                    }
                }).collect_view()}
                <p class="ap-verdict" data-testid="predict-total-result">
                    {move || measured().map(|tr| colon(app.lang.get(), &seconds(app.lang.get(), tr.total_ms))).unwrap_or_default()}
                    {move || verdict(grade_total())}
                </p>
            </fieldset>
        </section>
    }
}
