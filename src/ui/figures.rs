//! The figure cards: each mode's total and the speed-up. Until a run measures them they show the
//! plan's figures, marked "ideal", and carry no `data-ms` (a figure the page shows as measured
//! was measured).
use leptos::prelude::*;

use super::state::use_app;
use crate::i18n::{ratio, seconds, ui};
use crate::model::trace::{Mode, Trace};

fn total_of(traces: &[Trace], mode: Mode) -> Option<f64> {
    traces.iter().find(|t| t.mode == mode).map(|t| t.total_ms)
}

#[component]
pub fn Figures() -> impl IntoView {
    let app = use_app();
    let t = move || ui(app.lang.get());
    // Measured totals of the last finished (not cancelled) run.
    let measured = move |mode: Mode| {
        app.result.with(|r| match r {
            Some(r) if !r.cancelled => total_of(&r.traces, mode),
            _ => None,
        })
    };
    // A program of real computation has no plan (its length is measured on this device).
    let planned = move |mode: Mode| {
        app.built.with(|b| {
            !b.programs
                .iter()
                .any(|p| p.mode == mode && p.has_cpu_work())
        })
    };
    let ideal = move |mode: Mode| {
        planned(mode)
            .then(|| app.plans.with(|p| total_of(p, mode)))
            .flatten()
    };
    // A one-program scenario (SCENARIOS.md) has one figure, its total, in `total-concurrent`;
    // the sequential card and the speed-up, which it cannot have, are not shown.
    let one =
        move || crate::model::catalog::info(&app.scenario.get()).is_some_and(|i| i.one_program);
    let card = move |mode: Mode, testid: &'static str| {
        let label = move || super::words::total_label(app.lang.get(), &app.scenario.get(), mode);
        let hidden = move || mode == Mode::Sequential && one();
        let value = move || match (measured(mode), ideal(mode)) {
            (Some(ms), _) => seconds(app.lang.get(), ms),
            (None, Some(ms)) => seconds(app.lang.get(), ms),
            (None, None) => "—".to_string(),
        };
        let tag = move || match (measured(mode), ideal(mode)) {
            (Some(_), _) => t().measured,
            (None, Some(_)) => t().ideal,
            (None, None) => t().not_run,
        };
        view! {
            <div class="ap-figure" data-testid=testid hidden=hidden data-ms=move || measured(mode).map(|ms| format!("{ms:.1}"))
                data-kind=move || if measured(mode).is_some() { "measured" } else { "ideal" }>
                <span class="ap-figure-label">{label}</span>
                <span class="ap-figure-value">{value}</span>
                <span class="ap-figure-tag">{tag}</span>
            </div>
        }
    };
    let speedup = move || {
        let m = (measured(Mode::Sequential), measured(Mode::Concurrent));
        match m {
            (Some(s), Some(c)) if c > 0.0 => Some((s / c, true)),
            _ => match (ideal(Mode::Sequential), ideal(Mode::Concurrent)) {
                (Some(s), Some(c)) if c > 0.0 => Some((s / c, false)),
                _ => None,
            },
        }
    };
    view! {
        <section class="ap-figures" aria-label=move || t().figures data-one=move || one().then_some("")>
            {card(Mode::Sequential, "total-sequential")}
            {card(Mode::Concurrent, "total-concurrent")}
            <div class="ap-figure ap-speedup" data-testid="speedup" hidden=one
                data-kind=move || if speedup().is_some_and(|(_, m)| m) { "measured" } else { "ideal" }
                data-ratio=move || speedup().and_then(|(r, m)| m.then(|| format!("{r:.3}")))>
                <span class="ap-figure-label">{move || t().speedup}</span>
                <span class="ap-figure-value">
                    {move || speedup().map(|(r, _)| ratio(app.lang.get(), r)).unwrap_or_else(|| "—".into())}
                </span>
                <span class="ap-figure-tag">
                    {move || match speedup() {
                        Some((_, true)) => t().measured,
                        Some((_, false)) => t().ideal,
                        None => t().not_run,
                    }}
                </span>
            </div>
            {move || cores_note(app.lang.get(), &app.scenario.get())}
        </section>
    }
}

/// For worker scenarios: how many cores this device reports, since that bounds what workers gain.
fn cores_note(lang: crate::model::params::Lang, scenario: &str) -> Option<impl IntoView> {
    use super::words::say;
    if !crate::model::catalog::info(scenario).is_some_and(|i| i.uses_workers) {
        return None;
    }
    let n = web_sys::window()?.navigator().hardware_concurrency();
    let n = (n.is_finite() && n >= 1.0).then_some(n as u32)?;
    let words = say(
        lang,
        [
            "cores on this device (navigator.hardwareConcurrency):",
            "cœurs sur cet appareil (navigator.hardwareConcurrency)\u{a0}:",
            "núcleos en este dispositivo (navigator.hardwareConcurrency):",
        ],
    );
    Some(view! {
        <p class="ap-cores" data-testid="cores" data-cores=n.to_string()>
            {format!("{words} {n}")}
        </p>
    })
}
