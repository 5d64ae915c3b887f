//! The timeline's queue lanes (`event-loop-order`): one lane per queue the callbacks go through —
//! the script's synchronous code, the microtask queue, the macrotask queue — and on it each
//! callback the browser really ran, numbered and placed left to right in the order it ran, with
//! the time it ran at. They all run within a few milliseconds, so a time axis would draw them on
//! top of each other: the order is the point. Steps with the player like the event-loop lab.
use leptos::prelude::*;

use super::event_lab::{feed, Feed};
use super::state::use_app;
use super::words::say;
use crate::model::eventlab;
use crate::model::params::Lang;
use crate::model::trace::Queue;

const QUEUES: [Queue; 3] = [Queue::Sync, Queue::Micro, Queue::Macro];

fn lane_name(lang: Lang, q: Queue) -> &'static str {
    match q {
        Queue::Sync => say(
            lang,
            ["script (sync)", "script (synchrone)", "script (síncrono)"],
        ),
        Queue::Micro => say(lang, ["microtasks", "microtâches", "microtareas"]),
        Queue::Macro => say(lang, ["macrotasks", "macrotâches", "macrotareas"]),
    }
}

fn queue_id(q: Queue) -> &'static str {
    match q {
        Queue::Sync => "sync",
        Queue::Micro => "micro",
        Queue::Macro => "macro",
    }
}

/// A printed line, with a line-break opportunity (`<wbr>`) inside camelCase names and after a
/// colon or a dot, so a narrow mark wraps `queueMicrotask` as `queue`/`Microtask`, not mid-word.
fn breakable(text: &str) -> impl IntoView {
    let mut parts: Vec<String> = vec![String::new()];
    let mut prev: Option<char> = None;
    for c in text.chars() {
        let camel = prev.is_some_and(char::is_lowercase) && c.is_uppercase();
        let after_mark = prev.is_some_and(|p| p == '.' || p == ':') && c != ' ';
        if camel || after_mark {
            parts.push(String::new());
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
        prev = Some(c);
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| view! { {(i > 0).then(|| view! { <wbr/> })} {p} })
        .collect_view()
}

/// One callback on its lane, in column `r` (its place in the browser's order): ran at `t`, or
/// still waiting in its queue (`None`).
fn mark(
    lang: Lang,
    q: Queue,
    text: &str,
    r: usize,
    t: Option<f64>,
    current: bool,
) -> impl IntoView {
    let (word, figure) = match t {
        Some(t) => (
            say(lang, ["ran at", "exécuté à", "ejecutado a"]),
            Some(format!("{}\u{a0}ms", crate::i18n::decimal(lang, t, 1))),
        ),
        None => (say(lang, ["queued", "en file", "en cola"]), None),
    };
    let label = match &figure {
        Some(f) => format!("{}. {text} — {word} {f}", r + 1),
        None => format!("{}. {text} — {word}", r + 1),
    };
    view! {
        <li class="ap-ql-mark" class:is-current=current class:is-queued=t.is_none()
            data-testid="queue-mark" data-queue=queue_id(q) data-order=r + 1
            data-state=if t.is_some() { "ran" } else { "queued" }
            data-ms=t.map(|t| format!("{t:.3}")) style:grid-column=(r + 1).to_string()
            aria-label=label>
            <span class="ap-ql-n" aria-hidden="true">{r + 1}</span>
            <span class="ap-ql-text" aria-hidden="true">{breakable(text)}</span>
            <span class="ap-ql-at" aria-hidden="true">
                <span class="ap-ql-word">{word}</span>
                {figure.map(|f| view! { " " <span class="ap-ql-ms">{f}</span> })}
            </span>
        </li>
    }
}

#[component]
pub fn QueueLanes() -> impl IntoView {
    let app = use_app();
    let Feed { jobs, seen } = feed();
    let visible = move || !jobs.with(Vec::is_empty);
    let lanes = move || {
        let lang = app.lang.get();
        let j = jobs.get();
        let (all, k) = seen.get();
        // Columns for every callback of the program, so marks keep their place as the run goes.
        let columns = format!("repeat({}, minmax(0, 1fr))", j.len().max(all.len()).max(1));
        let order: Vec<usize> = all.iter().map(|(i, _)| *i).collect();
        let snap = eventlab::snapshot(&j, &order, k);
        QUEUES
            .into_iter()
            .map(|q| {
                let ran = all
                    .iter()
                    .take(k)
                    .enumerate()
                    .filter(|(_, (i, _))| j.get(*i).is_some_and(|x| x.queue == q))
                    .map(|(r, &(i, t))| mark(lang, q, &j[i].text, r, Some(t), r + 1 == k));
                // Queued and not run yet: drawn where the browser ran it (known once the run
                // is recorded), dashed.
                let waiting = match q {
                    Queue::Micro => snap.micro.clone(),
                    Queue::Macro => snap.macro_.clone(),
                    Queue::Sync => vec![],
                };
                let queued = waiting.into_iter().filter_map(|i| {
                    let r = order.iter().position(|&o| o == i)?;
                    Some(mark(lang, q, &j.get(i)?.text, r, None, false))
                });
                let marks = ran.chain(queued).collect_view();
                view! {
                    <div class="ap-ql-lane" data-testid="queue-lane" data-queue=queue_id(q)>
                        <span class="ap-ql-name">{lane_name(lang, q)}</span>
                        <ol class="ap-ql-track" style:grid-template-columns=columns.clone()>{marks}</ol>
                    </div>
                }
            })
            .collect_view()
    };
    let title = move || {
        say(
            app.lang.get(),
            [
                "Each callback on its queue’s lane, in the order the browser ran it",
                "Chaque rappel sur la ligne de sa file, dans l’ordre où le navigateur l’a exécuté",
                "Cada callback en la línea de su cola, en el orden en que el navegador lo ejecutó",
            ],
        )
    };
    view! {
        <Show when=visible>
            <div class="ap-ql" data-testid="queue-lanes" role="group" aria-label=title
                data-shown=move || seen.with(|s| s.1)>
                <p class="ap-ql-title" aria-hidden="true">{title}</p>
                {lanes}
            </div>
        </Show>
    }
}
