//! F18 event-loop lab: the call stack, the microtask queue and the macrotask queue as the
//! program runs, stepping with the player. Fed by what the browser did (each real `setTimeout`
//! / `Promise.then` / `queueMicrotask` callback prints as it runs, `runtime/jsloop.rs`), beside
//! the JavaScript model's prediction (`model::eventlab`); a red notice if they ever disagree.
use leptos::prelude::*;

use super::state::use_app;
use super::words::say;
use crate::model::eventlab::{self, Job};
use crate::model::params::Lang;
use crate::model::trace::{Event, Queue};

/// Test hook: `window.__apLabPerturb = true` (set before the app starts) swaps the model's last
/// two predictions, so a test can prove the disagreement notice appears.
fn perturbed() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"__apLabPerturb".into()).ok())
        .is_some_and(|v| v.is_truthy())
}

pub(super) fn queue_word(lang: Lang, q: Queue) -> &'static str {
    match q {
        Queue::Sync => say(lang, ["script", "script", "script"]),
        Queue::Micro => say(lang, ["microtask", "microtâche", "microtarea"]),
        Queue::Macro => say(lang, ["macrotask", "macrotâche", "macrotarea"]),
    }
}

fn column(title: &'static str, testid: &'static str, items: Vec<String>) -> impl IntoView {
    let empty = items.is_empty();
    let count = items.len();
    view! {
        <div class="ap-lab-col" data-testid=testid data-count=count>
            <h4 class="ap-lab-h">{title}</h4>
            <ol class="ap-lab-list">
                {items.into_iter().map(|t| view! { <li class="ap-lab-item" data-testid="lab-item">{t}</li> }).collect_view()}
            </ol>
            {empty.then(|| view! { <p class="ap-lab-empty">"—"</p> })}
        </div>
    }
}

/// What the lab and the timeline's queue lanes show: the program's callbacks, the ones the
/// browser ran so far (in its order, each with the time it ran at) and how many of them the
/// player shows.
#[derive(Clone, Copy)]
pub struct Feed {
    pub jobs: Memo<Vec<Job>>,
    pub seen: Memo<(Vec<(usize, f64)>, usize)>,
}

pub fn feed() -> Feed {
    let app = use_app();
    let jobs = Memo::new(move |_| {
        app.built
            .with(|b| b.programs.first().map(eventlab::jobs).unwrap_or_default())
    });
    let seen = Memo::new(move |_| {
        app.live_version.track();
        let j = jobs.get();
        let all = app.live.with(|l| match l.first() {
            Some(ev) if !ev.is_empty() => eventlab::observed_at(&j, ev.iter()),
            _ => app.result.with(|r| {
                r.as_ref()
                    .and_then(|r| r.traces.first())
                    .map(|t| eventlab::observed_at(&j, t.events.iter()))
                    .unwrap_or_default()
            }),
        });
        let shown: Vec<Event> = app.live.with(|l| {
            let n = app.player.with(|p| p.shown_of(0));
            l.first()
                .map(|ev| ev.iter().take(n).cloned().collect())
                .unwrap_or_default()
        });
        let k = eventlab::observed(&j, shown.iter()).len();
        (all, k)
    });
    Feed { jobs, seen }
}

#[component]
pub fn EventLab() -> impl IntoView {
    let app = use_app();
    let perturb = perturbed();
    let Feed { jobs, seen } = feed();
    let predicted = Memo::new(move |_| {
        let mut p = eventlab::predict(&jobs.get());
        if perturb && p.len() >= 2 {
            let n = p.len();
            p.swap(n - 2, n - 1);
        }
        p
    });
    let visible = move || app.scenario.get() == "event-loop-order" && !jobs.with(Vec::is_empty);
    let body = move || {
        let lang = app.lang.get();
        let j = jobs.get();
        let pred = predicted.get();
        let (all, k) = seen.get();
        let all: Vec<usize> = all.into_iter().map(|(i, _)| i).collect();
        let text = |i: usize| j.get(i).map(|x: &Job| x.text.clone()).unwrap_or_default();
        let snap = eventlab::snapshot(&j, &all, k);
        // While callback k runs: the script frame under a synchronous line, else the callback.
        let stack: Vec<String> = match snap.current {
            Some(c) if snap.in_script => vec![
                say(
                    lang,
                    ["script (main)", "script (principal)", "script (principal)"],
                )
                .to_string(),
                text(c),
            ],
            Some(c) => {
                let q = j.get(c).map_or(Queue::Sync, |x| x.queue);
                vec![format!("{} → {}", queue_word(lang, q), text(c))]
            }
            None => vec![],
        };
        let micro = snap.micro.iter().map(|&i| text(i)).collect();
        let macro_ = snap.macro_.iter().map(|&i| text(i)).collect();
        let wrong = eventlab::first_disagreement(&pred, &all);
        let rows = (0..pred.len().max(all.len()))
            .map(|r| {
                let b = all.get(r).map(|&i| text(i));
                let m = pred.get(r).map(|&i| text(i));
                let agree = match (&b, &m) {
                    (Some(b), Some(m)) => Some(b == m),
                    _ => None,
                };
                let current = r + 1 == k;
                view! {
                    <tr data-testid="lab-row" class:is-current=current
                        data-agree=agree.map(|a| if a { "true" } else { "false" })>
                        <td>{r + 1}</td>
                        <td data-testid="lab-browser">{b.filter(|_| r < k).unwrap_or_else(|| "…".into())}</td>
                        <td data-testid="lab-model">{m.unwrap_or_default()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <p class="ap-lab-step" data-testid="lab-step" data-step=k data-steps=all.len().max(pred.len())>
                {match lang {
                    Lang::En => format!("Callback {k} of {}: the browser’s real order, stepping with the player.", pred.len()),
                    Lang::Fr => format!("Rappel {k} sur {}\u{a0}: l’ordre réel du navigateur, pas à pas avec le lecteur.", pred.len()),
                    Lang::Es => format!("Callback {k} de {}: el orden real del navegador, paso a paso con el reproductor.", pred.len()),
                }}
            </p>
            <div class="ap-lab-cols">
                {column(say(lang, ["Call stack", "Pile d’appels", "Pila de llamadas"]), "lab-stack", stack)}
                {column(say(lang, ["Microtask queue", "File des microtâches", "Cola de microtareas"]), "lab-micro", micro)}
                {column(say(lang, ["Macrotask queue", "File des macrotâches", "Cola de macrotareas"]), "lab-macro", macro_)}
            </div>
            <table class="ap-lab-order" data-testid="lab-order">
                <thead><tr>
                    <th scope="col">"#"</th>
                    <th scope="col">{say(lang, ["Browser ran", "Le navigateur a exécuté", "El navegador ejecutó"])}</th>
                    <th scope="col">{say(lang, ["Model predicted", "Le modèle prévoyait", "El modelo predijo"])}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {wrong.map(|r| view! {
                <p class="ap-lab-mismatch" data-testid="lab-mismatch" role="alert" data-row=r + 1>
                    {match lang {
                        Lang::En => format!("The browser and the model disagree at callback {}: the model is wrong here.", r + 1),
                        Lang::Fr => format!("Le navigateur et le modèle divergent au rappel {}\u{a0}: le modèle se trompe ici.", r + 1),
                        Lang::Es => format!("El navegador y el modelo no coinciden en el callback {}: aquí el modelo se equivoca.", r + 1),
                    }}
                </p>
            })}
        }
    };
    view! {
        <Show when=visible>
            <section class="ap-lab" data-testid="event-lab"
                aria-label=move || say(app.lang.get(), ["Event loop lab", "Labo de la boucle d’événements", "Laboratorio del bucle de eventos"])>
                <h3 class="ap-lab-title">{move || say(app.lang.get(), ["Event loop lab", "Labo de la boucle d’événements", "Laboratorio del bucle de eventos"])}</h3>
                {body}
            </section>
        </Show>
    }
}
