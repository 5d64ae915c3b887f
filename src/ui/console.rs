//! The printed output, in the order it really happened, each line with its time stamp and task.
//! Hovering a line highlights its lane and its code line. Outputs up to `MAX_LINES` per program
//! are drawn whole; bigger ones keep every line in memory but draw only the latest
//! `LIVE_LINES` while playing and `SETTLED_LINES` once settled (a note says how many are not
//! shown).
use leptos::prelude::*;

use wasm_bindgen::JsCast;

use super::lanes::{mode_of, use_seeing, Line};
use super::state::{now_ms, use_app, TaskRef};
use super::words::say;
use crate::model::params::Lang;
use crate::model::player::RunState;
use crate::model::scenario::CodeLang;
use crate::model::value::Value;

/// Lines rendered per program; tests count every line of small runs, so this stays well above
/// what any built-in scenario at its default size prints.
pub const MAX_LINES: usize = 500;
/// While a big run plays, only the newest few lines are drawn; once it has settled, a longer
/// window (the whole output of small runs, `MAX_LINES`, is always drawn). The table view and the
/// exported trace keep every line.
const LIVE_LINES: usize = 40;
const SETTLED_LINES: usize = 150;

#[derive(Clone, Debug, PartialEq)]
struct Block {
    program: usize,
    mode: &'static str,
    hidden: usize,
    lines: Vec<(Line, String)>,
    /// What `main` returned, printed as the run's code language prints it.
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
    // A big live run updates the console a few times a second, not every frame: each update
    // adds and removes DOM nodes, and the frame budget belongs to the timeline.
    let tick = RwSignal::new(0u64);
    let last = StoredValue::new(f64::NEG_INFINITY);
    Effect::new(move |_| {
        let v = s.version.get();
        let playing = app.player.with(|p| p.state == RunState::Running);
        let big = s
            .printed
            .with_value(|p| p.iter().map(|x| x.lines.len()).sum::<usize>())
            > MAX_LINES;
        let now = now_ms();
        if !playing || !big || now - last.get_value() >= 250.0 {
            last.set_value(now);
            if tick.get_untracked() != v {
                tick.set(v);
            }
        }
    });
    let playing = Memo::new(move |_| app.player.with(|p| p.state == RunState::Running));
    let blocks = Memo::new(move |_| {
        tick.track();
        let window = if playing.get() {
            LIVE_LINES
        } else {
            SETTLED_LINES
        };
        let n = s.tasks.with(|t| t.len());
        s.tasks.with(|names| {
            s.printed.with_value(|printed| {
                (0..n)
                    .map(|p| {
                        let pr = printed.get(p);
                        let all = pr.map(|x| x.lines.as_slice()).unwrap_or(&[]);
                        // Small outputs are drawn whole, even while playing.
                        let keep = if all.len() > MAX_LINES {
                            window
                        } else {
                            MAX_LINES
                        };
                        let skip = all.len().saturating_sub(keep);
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
                            // `asyncio.run(main())` returning None prints nothing: no line.
                            result: pr
                                .and_then(|x| x.result.as_ref())
                                .filter(|v| !v.is_null())
                                .map(|v| Value::from_json(v).format(app.run_code.get_untracked())),
                        }
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let total = Memo::new(move |_| {
        tick.track();
        s.printed
            .with_value(|p| p.iter().map(|x| x.lines.len()).sum::<usize>())
    });
    let compare = move || blocks.with(|b| b.len() > 1);
    view! {
        <section class="ap-console ap-card" data-testid="console" aria-labelledby="ap-console-h">
            <header class="ap-card-head">
                <h2 id="ap-console-h">{move || say(app.lang.get(), ["Console", "Console", "Consola"])}</h2>
                <span class="ap-count" aria-hidden="true">{move || total.get()}</span>
            </header>
            // A column-reverse scroller stays at its bottom as lines arrive, with no script
            // reading the layout every frame.
            <div class="ap-console-body" tabindex="0" role="region" aria-label=move || say(app.lang.get(), ["Printed output", "Sortie affichée", "Salida impresa"])>
                <div
                    class="ap-console-inner"
                    on:mouseover=move |e| {
                        let key = e
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .and_then(|el| el.closest("[data-k]").ok().flatten())
                            .and_then(|el| el.get_attribute("data-k"));
                        let me = key.and_then(|k| {
                            let (p, t) = k.split_once('-')?;
                            Some(TaskRef { program: p.parse().ok()?, task: t.parse().ok()? })
                        });
                        if app.hovered.get_untracked() != me {
                            app.hovered.set(me);
                        }
                    }
                    on:mouseleave=move |_| app.hovered.set(None)
                >
                    // The hovered task's lines, by a rule on numeric keys (no per-line reactivity).
                    <style>{move || app.hovered.get().map(|h| format!(
                        ".ap-console-line[data-k=\"{}-{}\"]{{background:var(--color-accent-soft)}}",
                        h.program, h.task
                    )).unwrap_or_default()}</style>
                    // Read in one long-lived closure: an effect made inside a `Show` each run
                    // would stay listed in `app.lang` for ever (issue 16: memory per run).
                    {move || (total.get() == 0).then(|| {
                        let lang = app.lang.get();
                        view! {
                            <p class="ap-console-empty">{say(lang, [
                                "Press Run: what the program prints appears here, in the order it happens.",
                                "Appuyez sur Lancer : ce que le programme affiche apparaît ici, dans l’ordre où cela arrive.",
                                "Pulsa Ejecutar: lo que imprime el programa aparece aquí, en el orden en que ocurre.",
                            ])}</p>
                        }
                    })}
                    <For each=move || blocks.with(|b| b.iter().map(|x| (x.program, x.mode)).collect::<Vec<_>>()) key=|k| *k let:k>
                        <ConsoleBlock program=k.0 mode=k.1 blocks compare />
                    </For>
                </div>
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
                // A `For` of its own per run: each line's owner leaves an entry (and its
                // allocation) in the owner the `For` was made under until that one is cleaned
                // up, so lines made under the block itself were kept for ever (issue 16 item 2).
                {move || {
                    app.run_id.track();
                    view! {
                        <For each=lines key=|(l, _)| l.event let:item>
                            <ConsoleLine line=item.0 name=item.1 mode />
                        </For>
                    }
                }}
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

/// A warning as the run's language writes it to stderr: CPython's `RuntimeWarning` line (rustc
/// warns when it compiles the program).
fn warn_text(code: CodeLang, text: &str) -> String {
    match code {
        CodeLang::Python => format!("RuntimeWarning: {text}"),
        _ => format!("warning: {text}"),
    }
}

#[component]
fn ConsoleLine(line: Line, name: String, mode: &'static str) -> impl IntoView {
    let app = use_app();
    let colour = use_seeing().lane_colour(line.program, line.task);
    let (testid, text_id, text) = if line.warn {
        (
            "console-warn-line",
            "console-warn",
            warn_text(app.run_code.get_untracked(), &line.text),
        )
    } else {
        ("console-line", "console-text", line.text)
    };
    let tone = line.stderr.map(|t| t.as_str());
    view! {
        <li
            data-testid=testid
            data-t=format!("{:.1}", line.t)
            data-task=name.clone()
            data-mode=mode
            data-k=format!("{}-{}", line.program, line.task)
            data-stream=line.stderr.map(|_| "stderr")
            data-tone=tone
            class="ap-console-line"
            class:is-warn=line.warn || tone == Some("warning")
            class:is-error=tone == Some("error")
        >
            <span class="ap-ts">{crate::i18n::instant(app.lang.get(), line.t)}</span>
            <span class="ap-task"><span class="ap-dot" style:background=colour></span>{name.clone()}</span>
            <span class="ap-text" data-testid=text_id>{text}</span>
        </li>
    }
}
