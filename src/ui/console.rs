//! The printed output, in the order it really happened, each line with its time stamp and task.
//! Hovering a line highlights its lane and its code line. Big runs keep every line in memory
//! but render only the latest `MAX_LINES` per program (a note says how many are not shown).
use leptos::html;
use leptos::prelude::*;

use super::lanes::{lane_colour, mode_of, use_seeing, Line};
use super::state::{use_app, TaskRef};
use super::words::say;
use crate::model::params::Lang;

/// Lines rendered per program; tests count every line of small runs, so this stays well above
/// what any built-in scenario at its default size prints.
pub const MAX_LINES: usize = 500;

#[derive(Clone, Debug, PartialEq)]
struct Block {
    program: usize,
    mode: &'static str,
    hidden: usize,
    lines: Vec<(Line, String)>,
    result: Option<String>,
}

fn more_text(lang: Lang, n: usize) -> String {
    match lang {
        Lang::En => format!("{n} earlier lines not shown here (the trace keeps them all)"),
        Lang::Fr => format!("{n} lignes précédentes non affichées ici (la trace les garde toutes)"),
        Lang::Es => {
            format!("{n} líneas anteriores no se muestran aquí (la traza las guarda todas)")
        }
    }
}

#[component]
pub fn Console() -> impl IntoView {
    let app = use_app();
    let s = use_seeing();
    let body = NodeRef::<html::Div>::new();
    let blocks = Memo::new(move |_| {
        s.version.track();
        let n = s.tasks.with(|t| t.len());
        let names = s.tasks.get();
        s.printed.with_value(|printed| {
            (0..n)
                .map(|p| {
                    let pr = printed.get(p);
                    let all = pr.map(|x| x.lines.as_slice()).unwrap_or(&[]);
                    let skip = all.len().saturating_sub(MAX_LINES);
                    let task_name = |t: usize| {
                        names
                            .get(p)
                            .and_then(|v| v.get(t))
                            .map(|i| i.name.clone())
                            .unwrap_or_else(|| format!("task {t}"))
                    };
                    Block {
                        program: p,
                        mode: mode_of(&app, p).as_str(),
                        hidden: skip,
                        lines: all[skip..]
                            .iter()
                            .map(|l| (l.clone(), task_name(l.task)))
                            .collect(),
                        result: pr.and_then(|x| x.result.clone()),
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    let total = Memo::new(move |_| {
        s.version.track();
        s.printed
            .with_value(|p| p.iter().map(|x| x.lines.len()).sum::<usize>())
    });
    // Follow the newest line while the reader is at the bottom (never yank a reader who scrolled up).
    Effect::new(move |_| {
        blocks.track();
        if let Some(el) = body.get() {
            let gap = el.scroll_height() - el.scroll_top() - el.client_height();
            if gap < 80 {
                el.set_scroll_top(el.scroll_height());
            }
        }
    });
    let compare = move || blocks.with(|b| b.len() > 1);
    view! {
        <section class="ap-console ap-card" data-testid="console" aria-labelledby="ap-console-h">
            <header class="ap-card-head">
                <h2 id="ap-console-h">{move || say(app.lang.get(), ["Console", "Console", "Consola"])}</h2>
                <span class="ap-count" aria-hidden="true">{move || total.get()}</span>
            </header>
            <div class="ap-console-body" node_ref=body tabindex="0" role="log" aria-label=move || say(app.lang.get(), ["Printed output", "Sortie affichée", "Salida impresa"])>
                <Show when=move || total.get() == 0>
                    <p class="ap-console-empty">{move || say(app.lang.get(), [
                        "Press Run: what the program prints appears here, in the order it happens.",
                        "Appuyez sur Exécuter : ce que le programme affiche apparaît ici, dans l’ordre où cela arrive.",
                        "Pulse Ejecutar: lo que imprime el programa aparece aquí, en el orden en que ocurre.",
                    ])}</p>
                </Show>
                <For each=move || blocks.with(|b| b.iter().map(|x| (x.program, x.mode)).collect::<Vec<_>>()) key=|k| *k let:k>
                    <ConsoleBlock program=k.0 mode=k.1 blocks compare />
                </For>
            </div>
        </section>
    }
}

#[component]
fn ConsoleBlock(
    program: usize,
    mode: &'static str,
    blocks: Memo<Vec<Block>>,
    compare: impl Fn() -> bool + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let app = use_app();
    let p = program;
    let title = move || match mode {
        "sequential" => say(app.lang.get(), ["Sequential", "Séquentiel", "Secuencial"]),
        _ => say(app.lang.get(), ["Concurrent", "Concurrent", "Concurrente"]),
    };
    let hidden = move || blocks.with(|b| b.get(p).map(|b| b.hidden).unwrap_or(0));
    let result = move || blocks.with(|b| b.get(p).and_then(|b| b.result.clone()));
    let lines = move || blocks.with(|b| b.get(p).map(|b| b.lines.clone()).unwrap_or_default());
    view! {
        <div class="ap-console-block" data-mode=mode>
            <Show when=compare>
                <h3 class="ap-console-mode">{title}</h3>
            </Show>
            <Show when=move || hidden() != 0>
                <p class="ap-console-more">{move || more_text(app.lang.get(), hidden())}</p>
            </Show>
            <ol class="ap-console-lines">
                <For each=lines key=|(l, _)| l.event let:item>
                    <ConsoleLine line=item.0 name=item.1 mode />
                </For>
            </ol>
            {move || result().map(|r| view! {
                <p class="ap-console-result" data-testid="console-result">
                    <span class="ap-ts">{say(app.lang.get(), ["result", "résultat", "resultado"])}</span>
                    <code>{r}</code>
                </p>
            })}
        </div>
    }
}

#[component]
fn ConsoleLine(line: Line, name: String, mode: &'static str) -> impl IntoView {
    let app = use_app();
    let me = TaskRef {
        program: line.program,
        task: line.task,
    };
    let hovered = move || app.hovered.get() == Some(me);
    view! {
        <li
            data-testid="console-line"
            data-t=format!("{:.1}", line.t)
            data-task=name.clone()
            data-mode=mode
            class="ap-console-line"
            class:is-hover=hovered
            on:mouseenter=move |_| app.hovered.set(Some(me))
            on:mouseleave=move |_| app.hovered.set(None)
        >
            <span class="ap-ts">{format!("{:.3} s", line.t / 1000.0)}</span>
            <span class="ap-task"><span class="ap-dot" style:background=lane_colour(line.task)></span>{name.clone()}</span>
            <span class="ap-text" data-testid="console-text">{line.text}</span>
        </li>
    }
}
