//! The program as Python asyncio, JavaScript or Rust, generated from the model. The `code`
//! element holds exactly the complete program text; line numbers, the running-line highlight
//! and the task tags are drawn beside it (outside its text). Notes say where languages differ.
use leptos::prelude::*;

use super::lanes::use_seeing;
use super::state::use_app;
use super::words::say;
use crate::model::codegen::{highlight, Note, TokenKind};
use crate::model::params::Lang;
use crate::model::scenario::CodeLang;

fn lang_label(l: CodeLang) -> &'static str {
    match l {
        CodeLang::Python => "Python",
        CodeLang::Js => "JavaScript",
        CodeLang::Rust => "Rust",
    }
}

pub fn note_text(lang: Lang, n: Note) -> &'static str {
    match n {
        Note::EagerPromise => say(lang, [
            "JavaScript: a promise starts its work at once, as soon as it is created — before anyone awaits it.",
            "JavaScript : une promesse commence son travail tout de suite, dès sa création — avant que quiconque l’attende.",
            "JavaScript: una promesa empieza su trabajo enseguida, en cuanto se crea — antes de que nadie la espere.",
        ]),
        Note::LazyCoroutine => say(lang, [
            "Python and Rust: calling an async function only builds a coroutine or a future; nothing runs until it is awaited or spawned.",
            "Python et Rust : appeler une fonction async ne fait que construire une coroutine ou un future ; rien ne tourne avant un await ou un lancement.",
            "Python y Rust: llamar a una función async solo construye una corrutina o un future; nada se ejecuta hasta un await o un lanzamiento.",
        ]),
        Note::NeverAwaitedWarning => say(lang, [
            "Python warns “coroutine … was never awaited”: the call did nothing.",
            "Python avertit « coroutine … was never awaited » : l’appel n’a rien fait.",
            "Python avisa «coroutine … was never awaited»: la llamada no hizo nada.",
        ]),
        Note::AllVsGatherErrors => say(lang, [
            "Promise.all rejects at the first failure; asyncio.gather passes the first error on too, but the other tasks keep running.",
            "Promise.all échoue au premier échec ; asyncio.gather transmet aussi la première erreur, mais les autres tâches continuent.",
            "Promise.all rechaza en el primer fallo; asyncio.gather también transmite el primer error, pero las otras tareas siguen.",
        ]),
        Note::BrowserLoopOrder => say(lang, [
            "This view follows the browser’s event loop: work that becomes ready at the same instant runs right after each timer, so equal-time lines may come in another order than in Python.",
            "Cette vue suit la boucle d’événements du navigateur : le travail prêt au même instant passe juste après chaque minuteur, donc des lignes simultanées peuvent venir dans un autre ordre qu’en Python.",
            "Esta vista sigue el bucle de eventos del navegador: el trabajo listo en el mismo instante se ejecuta justo después de cada temporizador, así que líneas simultáneas pueden salir en otro orden que en Python.",
        ]),
        Note::BlockingCall => say(lang, [
            "A blocking call (time.sleep, a busy loop, std::thread::sleep) holds the one thread: no other task, timer or animation runs until it returns.",
            "Un appel bloquant (time.sleep, une boucle active, std::thread::sleep) tient l’unique fil : aucune autre tâche, aucun minuteur ni animation ne tourne avant son retour.",
            "Una llamada bloqueante (time.sleep, un bucle activo, std::thread::sleep) retiene el único hilo: ninguna otra tarea, temporizador ni animación avanza hasta que vuelve.",
        ]),
        Note::CpuNeedsProcesses => say(lang, [
            "Python: threads do not compute Python code in parallel (the GIL), so the Python view uses processes for the CPU work.",
            "Python : les threads ne calculent pas du code Python en parallèle (le GIL), donc la vue Python utilise des processus pour le calcul.",
            "Python: los hilos no calculan código Python en paralelo (el GIL), así que la vista Python usa procesos para el cálculo.",
        ]),
        Note::Threads => say(lang, [
            "Threads: Python uses threads, JavaScript Web Workers, Rust std threads — real parallel work, unlike async tasks.",
            "Fils : Python utilise des threads, JavaScript des Web Workers, Rust des threads std — du vrai travail en parallèle, contrairement aux tâches async.",
            "Hilos: Python usa threads, JavaScript Web Workers, Rust hilos std — trabajo realmente en paralelo, a diferencia de las tareas async.",
        ]),
    }
}

/// The program text as plain text and coloured spans (the element's text stays the program).
fn coloured(text: &str, lang: CodeLang) -> AnyView {
    let mut parts = Vec::new();
    let mut at = 0;
    for (kind, range) in highlight(text, lang) {
        let (Some(before), Some(tok)) = (text.get(at..range.start), text.get(range.clone())) else {
            continue;
        };
        if !before.is_empty() {
            parts.push(before.to_string().into_any());
        }
        let class = match kind {
            TokenKind::Keyword => "tk-kw",
            TokenKind::String => "tk-str",
            TokenKind::Number => "tk-num",
            TokenKind::Comment => "tk-com",
            TokenKind::Literal => "tk-lit",
            TokenKind::Function => "tk-fn",
        };
        parts.push(view! { <span class=class>{tok.to_string()}</span> }.into_any());
        at = range.end;
    }
    if let Some(rest) = text.get(at..) {
        parts.push(rest.to_string().into_any());
    }
    parts.into_any()
}

/// Where the code is now: the line of the last shown event, and a tag per live task.
#[derive(Clone, Debug, PartialEq, Default)]
struct Marks {
    current: Option<u32>,
    /// (line, task names there (first few), how many tasks in all, colour of the first).
    tags: Vec<(u32, Vec<String>, usize, &'static str)>,
}

#[component]
pub fn CodeView() -> impl IntoView {
    let app = use_app();
    let s = use_seeing();
    // In compare mode the concurrent program is shown unless the reader picks the other.
    let program = Memo::new(move |_| {
        let n = s.tasks.with(|t| t.len());
        s.code_program
            .get()
            .filter(|p| *p < n)
            .unwrap_or(n.saturating_sub(1))
    });
    let view_of = move || s.code.with(|c| c.get(program.get()).cloned());
    let text = move || view_of().map(|v| v.text).unwrap_or_default();
    let line_count = move || text().lines().count().max(1);
    let marks = Memo::new(move |_| {
        s.version.track();
        let p = program.get();
        let shown = app.player.with(|pl| pl.shown_of(p));
        s.code.with(|codes| {
            let Some(code) = codes.get(p) else {
                return Marks::default();
            };
            s.sets.with_value(|sets| {
                let Some(set) = sets.get(p) else {
                    return Marks::default();
                };
                let mut m = Marks::default();
                // The current line: where the latest shown event's task is.
                if shown > 0 {
                    if let Some(o) = set
                        .last_task
                        .and_then(|t| set.lane_of(t))
                        .and_then(|i| set.lanes.get(i))
                        .and_then(|l| l.last.map(|o| (l.task, o)))
                    {
                        m.current = code.lines.line_for(o.0, o.1.kind, o.1.nth);
                    }
                }
                // Task tags: every live task at its line (small runs only: a tag per line
                // of 10,000 tasks says nothing a count would not).
                let mut tags: std::collections::BTreeMap<u32, (Vec<String>, usize, &'static str)> =
                    Default::default();
                if set.lanes.len() <= super::timeline::CANVAS_ABOVE {
                    for lane in &set.lanes {
                        let (Some(o), false) = (lane.last, lane.done) else {
                            continue;
                        };
                        if let Some(line) = code.lines.line_for(lane.task, o.kind, o.nth) {
                            let e = tags.entry(line).or_insert_with(|| {
                                (
                                    Vec::new(),
                                    0,
                                    s.lane_colour(program.get_untracked(), lane.task),
                                )
                            });
                            if e.0.len() < 2 {
                                e.0.push(lane.name.clone());
                            }
                            e.1 += 1;
                        }
                    }
                }
                m.tags = tags
                    .into_iter()
                    .map(|(l, (n, k, c))| (l, n, k, c))
                    .collect();
                m
            })
        })
    });
    // Hovering a console line or a lane shows where that task is in the code.
    let hover_line = Memo::new(move |_| {
        let h = app.hovered.get()?;
        s.version.track();
        if h.program != program.get() {
            return None;
        }
        s.sets.with_value(|sets| {
            let set = sets.get(h.program)?;
            let lane = set.lanes.get(set.lane_of(h.task)?)?;
            let o = lane.last?;
            s.code
                .with(|c| c.get(h.program)?.lines.line_for(lane.task, o.kind, o.nth))
        })
    });
    let set_lang = move |l: CodeLang| {
        if app.code.get_untracked() != l {
            app.update_settings(|s| s.code = l);
        }
    };
    let tabs = CodeLang::ALL
        .into_iter()
        .map(|l| {
            let selected = move || app.code.get() == l;
            view! {
                <button
                    type="button"
                    role="tab"
                    class="ap-tab"
                    data-testid="code-tab"
                    data-lang=l.as_str()
                    aria-selected=move || if selected() { "true" } else { "false" }
                    tabindex=move || if selected() { "0" } else { "-1" }
                    on:click=move |_| set_lang(l)
                    on:keydown=move |e| {
                        let i = CodeLang::ALL.iter().position(|x| *x == l).unwrap_or(0);
                        let j = match e.key().as_str() {
                            "ArrowRight" => (i + 1) % 3,
                            "ArrowLeft" => (i + 2) % 3,
                            _ => return,
                        };
                        e.prevent_default();
                        set_lang(CodeLang::ALL[j]);
                    }
                >
                    {lang_label(l)}
                </button>
            }
        })
        .collect_view();
    // The programs' modes as a memo: the tasks change several times a run, and chips rebuilt
    // for each would leave their effects listed in long-lived signals for ever (issue 16).
    let modes = Memo::new(move |_| {
        let n = s.tasks.with(|t| t.len());
        (0..n)
            .map(|p| super::lanes::mode_of(&app, p))
            .collect::<Vec<_>>()
    });
    let program_switch = move || {
        let modes = modes.get();
        (modes.len() > 1).then(|| {
            modes
                .into_iter()
                .enumerate()
                .map(|(p, mode)| {
                    let label = move || {
                        let lang = app.lang.get();
                        super::words::mistake_or_fix(lang, &app.scenario.get(), mode).unwrap_or_else(|| match mode {
                            crate::model::trace::Mode::Sequential => say(lang, ["Sequential", "Séquentiel", "Secuencial"]),
                            crate::model::trace::Mode::Concurrent => say(lang, ["Concurrent", "Concurrent", "Concurrente"]),
                        })
                    };
                    view! {
                        <button type="button" class="ap-chip" data-testid="code-program" aria-pressed=move || if program.get() == p { "true" } else { "false" }
                            on:click=move |_| s.code_program.set(Some(p))>{label}</button>
                    }
                })
                .collect_view()
        })
    };
    let notes = move || {
        let lang = app.lang.get();
        view_of()
            .map(|v| v.notes)
            .unwrap_or_default()
            .into_iter()
            .map(|n| view! { <li>{note_text(lang, n)}</li> })
            .collect_view()
    };
    view! {
        <section class="ap-code ap-card" aria-labelledby="ap-code-h">
            <header class="ap-card-head">
                <h2 id="ap-code-h" class="ap-sr-only">{move || say(app.lang.get(), ["Code", "Code", "Código"])}</h2>
                <div class="ap-tabs" role="tablist" aria-label=move || say(app.lang.get(), ["Code language", "Langage du code", "Lenguaje del código"])>{tabs}</div>
                <div class="ap-code-programs">{program_switch}</div>
                <span class="ap-file">{move || view_of().map(|v| v.file_name).unwrap_or_default()}</span>
            </header>
            <div class="ap-code-body" role="tabpanel" tabindex="0" aria-labelledby="ap-code-h">
                <div class="ap-gutter" aria-hidden="true">
                    {move || (1..=line_count()).map(|n| {
                        let cur = move || marks.with(|m| m.current == Some(n as u32));
                        view! { <span class:is-current=cur>{n}</span> }
                    }).collect_view()}
                </div>
                <div class="ap-code-lines">
                    {move || hover_line.get().map(|l| view! {
                        <div class="ap-code-hover" data-testid="code-hover" data-line=l aria-hidden="true"
                            style:top=format!("calc({} * var(--ap-code-lh))", l.saturating_sub(1))></div>
                    })}
                    {move || marks.with(|m| m.current).map(|l| view! {
                        <div class="ap-code-hl" data-testid="code-highlight" data-line=l aria-hidden="true"
                            style:top=format!("calc({} * var(--ap-code-lh))", l.saturating_sub(1))></div>
                    })}
                    {move || marks.with(|m| m.tags.clone()).into_iter().map(|(line, names, n, colour)| {
                        let more = n.saturating_sub(names.len());
                        let text = if more > 0 { format!("{} +{more}", names.join(", ")) } else { names.join(", ") };
                        view! {
                            <span class="ap-code-tag" aria-hidden="true" style:top=format!("calc({} * var(--ap-code-lh))", line.saturating_sub(1))>
                                <span class="ap-dot" style:background=colour></span>{text}
                            </span>
                        }
                    }).collect_view()}
                    <pre class="ap-pre"><code data-testid="code" data-lang=move || app.code.get().as_str()>{move || coloured(&text(), app.code.get())}</code></pre>
                </div>
            </div>
            <ul class="ap-code-notes">{notes}</ul>
        </section>
    }
}

/// The code view of a program run on CPython: Python is the program exactly as pasted; the other
/// languages say in one sentence why they are not shown.
pub fn python_view(src: &str, code: CodeLang, lang: Lang) -> crate::model::codegen::CodeView {
    let text = match code {
        CodeLang::Python => src.to_string(),
        _ => say(lang, [
            "This program goes beyond what the playground can rewrite, so it runs as real Python (CPython in your browser) and has no JavaScript or Rust version.",
            "Ce programme dépasse ce que le terrain de jeu sait réécrire\u{a0}: il s’exécute en vrai Python (CPython dans votre navigateur) et n’a pas de version JavaScript ni Rust.",
            "Este programa va más allá de lo que el playground sabe reescribir, así que se ejecuta como Python real (CPython en tu navegador) y no tiene versión en JavaScript ni en Rust.",
        ])
        .to_string(),
    };
    crate::model::codegen::CodeView {
        lang: code,
        file_name: "main.py".to_string(),
        text,
        lines: Default::default(),
        notes: Vec::new(),
    }
}
