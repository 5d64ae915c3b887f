//! The timeline as a table (task, start, end, state, and what it did), for screen readers and for
//! anyone who prefers numbers. Always in the page (visually hidden until shown); it follows the
//! player when the view pauses or ends, not every frame of a live run.
use leptos::prelude::*;

use super::lanes::{mode_of, use_seeing};
use super::state::use_app;
use super::timeline::state_word;
use super::words::say;
use crate::i18n::seconds;
use crate::model::bars::BarState;
use crate::model::player::RunState;

/// Rows listed at most (the 10,000-task crawler would make a table nobody reads).
const MAX_ROWS: usize = 100;

#[derive(Clone, Debug, PartialEq)]
struct Row {
    key: (usize, usize),
    mode: &'static str,
    task: String,
    start: String,
    end: String,
    state: String,
    story: String,
}

#[component]
pub fn TableView() -> impl IntoView {
    let app = use_app();
    let s = use_seeing();
    let open = RwSignal::new(false);
    let settled = Memo::new(move |_| app.player.with(|p| p.state != RunState::Running));
    let rows = Memo::new(move |prev: Option<&(Vec<Row>, usize)>| {
        s.version.track();
        let lang = app.lang.get();
        // While the view plays, keep the last table (screen readers do not follow a live run).
        if !settled.get() {
            if let Some(p) = prev {
                return p.clone();
            }
        }
        let cursors: Vec<f64> = app.player.with(|p| {
            (0..s.tasks.with(|t| t.len()))
                .map(|i| p.cursor(i).unwrap_or(0.0))
                .collect()
        });
        let mut rows = Vec::new();
        let mut total = 0;
        s.sets.with_value(|sets| {
            for (p, set) in sets.iter().enumerate() {
                let now = cursors.get(p).copied().unwrap_or(0.0);
                for (i, lane) in set.lanes.iter().enumerate() {
                    total += 1;
                    if rows.len() >= MAX_ROWS {
                        continue;
                    }
                    let bars = lane.bars_at(now);
                    let last = bars.last().map(|b| b.state);
                    let state = match (lane.first_t, lane.done, last) {
                        (None, ..) => {
                            say(lang, ["not started", "pas commencée", "sin empezar"]).to_string()
                        }
                        (_, true, Some(s)) if s.is_badge() => state_word(lang, s).to_string(),
                        (_, true, _) => {
                            say(lang, ["finished", "terminée", "terminada"]).to_string()
                        }
                        (_, false, Some(s)) => state_word(lang, s).to_string(),
                        _ => String::new(),
                    };
                    let story = bars
                        .iter()
                        .filter(|b| b.state != BarState::Running || b.end_at(now) - b.start >= 1.0)
                        .map(|b| match b.end {
                            Some(e) if !b.state.is_badge() => format!(
                                "{} {}–{}",
                                state_word(lang, b.state),
                                seconds(lang, b.start),
                                seconds(lang, e)
                            ),
                            _ if b.state.is_badge() => {
                                format!("{} {}", state_word(lang, b.state), seconds(lang, b.start))
                            }
                            _ => format!(
                                "{} {}–…",
                                state_word(lang, b.state),
                                seconds(lang, b.start)
                            ),
                        })
                        .collect::<Vec<_>>()
                        .join("; ");
                    rows.push(Row {
                        key: (p, i),
                        mode: match mode_of(&app, p) {
                            crate::model::trace::Mode::Sequential => {
                                say(lang, ["sequential", "séquentiel", "secuencial"])
                            }
                            crate::model::trace::Mode::Concurrent => {
                                say(lang, ["concurrent", "concurrent", "concurrente"])
                            }
                        },
                        task: lane.name.clone(),
                        start: lane.first_t.map(|t| seconds(lang, t)).unwrap_or_default(),
                        end: if lane.done {
                            lane.last_t.map(|t| seconds(lang, t)).unwrap_or_default()
                        } else {
                            String::new()
                        },
                        state,
                        story,
                    });
                }
            }
        });
        (rows, total)
    });
    let h = move |w: [&'static str; 3]| move || say(app.lang.get(), w);
    view! {
        <section class="ap-table-view" data-testid="table-view">
            <button type="button" class="ap-link-button" aria-expanded=move || if open.get() { "true" } else { "false" } on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() {
                    say(app.lang.get(), ["Hide the table", "Masquer le tableau", "Ocultar la tabla"])
                } else {
                    say(app.lang.get(), ["Show the timeline as a table", "Voir la frise en tableau", "Ver la línea de tiempo como tabla"])
                }}
            </button>
            // Scrolls sideways on a narrow screen: reachable by keyboard, named for readers.
            <div class="ap-table-scroll" class:ap-sr-only=move || !open.get()
                tabindex=move || open.get().then_some("0")
                role=move || open.get().then_some("region")
                aria-label=move || open.get().then(|| say(app.lang.get(), ["Table of the run", "Tableau de l’exécution", "Tabla de la ejecución"]))>
                <table class="ap-table">
                    <caption>{move || {
                        let (r, total) = rows.get();
                        let lang = app.lang.get();
                        let mut c = say(lang, ["Tasks of the run: start, end, state", "Tâches de l’exécution : début, fin, état", "Tareas de la ejecución: inicio, fin, estado"]).to_string();
                        if total > r.len() {
                            c.push_str(&format!(" ({} / {total})", r.len()));
                        }
                        c
                    }}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{h(["Task", "Tâche", "Tarea"])}</th>
                            <th scope="col">{h(["Program", "Programme", "Programa"])}</th>
                            <th scope="col">{h(["Start", "Début", "Inicio"])}</th>
                            <th scope="col">{h(["End", "Fin", "Fin"])}</th>
                            <th scope="col">{h(["State", "État", "Estado"])}</th>
                            <th scope="col">{h(["What it did", "Ce qu’elle a fait", "Lo que hizo"])}</th>
                        </tr>
                    </thead>
                    <tbody>
                        // A `For` of its own per run: a row's owner leaves an entry (and its
                        // allocation) in the owner its `For` was made under until that one is
                        // cleaned up, so a `For` made once kept every row of every run (issue 16).
                        {move || {
                            app.run_id.track();
                            view! {
                                <For each=move || rows.get().0 key=|r| (r.key, r.state.clone(), r.story.clone(), r.end.clone()) let:r>
                                    <tr>
                                        <th scope="row">{r.task}</th>
                                        <td>{r.mode}</td>
                                        <td>{r.start}</td>
                                        <td>{r.end}</td>
                                        <td>{r.state}</td>
                                        <td>{r.story}</td>
                                    </tr>
                                </For>
                            }
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
