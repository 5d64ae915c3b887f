//! F17, the scenario editor (`scenario=custom`): the student writes a small Python-asyncio-like
//! script; "Apply" compiles it (`model::script`) and, when it compiles, it becomes the program the
//! page runs, draws and shows in three languages, and the link carries it (`src`). Errors are
//! listed with line and column (a click puts the caret there); nothing typed is ever run as code
//! or inserted as HTML, and the draft is kept while the errors are fixed.
use leptos::prelude::*;

use super::state::{script_text, use_app};
use super::words::say;
use crate::model::catalog;
use crate::model::params::Lang;
use crate::model::script::{self, ScriptError};
use crate::model::trace::Mode;
use crate::runtime::python::Load;

const SYNTAX: &str = "import asyncio, time
sem = asyncio.Semaphore(3)
async def job(name, seconds):
    print(\"text\", name, f\"{name} done\")
    await asyncio.sleep(seconds)
    time.sleep(0.5)
    async with sem:
        ...
    try:
        async with asyncio.timeout(2):
            ...
    except TimeoutError:
        ...
    t = asyncio.create_task(job(\"a\", 1))
    r = await t
    r = await job(\"b\", 2)
    r = await asyncio.gather(job(\"c\", 1), t, *(job(i, 1) for i in range(3)))
    for i in range(1, 4):
        ...
    job(\"d\", 1)
    return r
asyncio.run(main())";

/// Line and column (1-based) → character offset in `text`.
fn offset_of(text: &str, line: usize, col: usize) -> u32 {
    let mut off = 0usize;
    for (i, l) in text.split('\n').enumerate() {
        if i + 1 == line {
            off += l.chars().count().min(col.saturating_sub(1));
            break;
        }
        off += l.chars().count() + 1;
    }
    u32::try_from(off).unwrap_or(u32::MAX)
}

#[component]
pub fn Editor() -> impl IntoView {
    let app = use_app();
    let shown = Memo::new(move |_| app.scenario.get() == catalog::CUSTOM);
    view! {
        <Show when=move || shown.get()>
            <EditorCard />
        </Show>
    }
}

#[component]
fn EditorCard() -> impl IntoView {
    let app = use_app();
    let lang = move || app.lang.get();
    let initial = app.settings.with_untracked(script_text).unwrap_or_default();
    let draft = RwSignal::new(initial);
    // Errors of the last Apply; the loaded script's own errors come from the built programs.
    let local: RwSignal<Option<Vec<ScriptError>>> = RwSignal::new(None);
    let applied = RwSignal::new(false);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let errors = move || {
        local
            .get()
            .unwrap_or_else(|| app.built.with(|b| b.script_errors.clone()))
    };
    let apply = move || {
        let text = draft.get_untracked();
        match script::compile(&text, Mode::Concurrent) {
            Ok(_) => {
                local.set(None);
                applied.set(true);
                let src = script::encode_src(&text);
                app.stop_run();
                app.update_settings(|s| s.src = Some(src));
            }
            Err(errs) if !errs.iter().any(|e| super::state::refuses_python(&e.kind)) => {
                // Beyond the subset: CPython runs it; Python starts loading now (a gesture).
                local.set(None);
                applied.set(true);
                let src = script::encode_src(&text);
                app.stop_run();
                app.update_settings(|s| s.src = Some(src));
                app.check_python(text);
            }
            Err(errs) => {
                applied.set(false);
                local.set(Some(errs));
            }
        }
    };
    let reset = move |_| {
        draft.set(script::STARTER.to_string());
        local.set(None);
        applied.set(false);
    };
    let go_to = move |e: &ScriptError| {
        if let Some(el) = area.get_untracked() {
            let at = offset_of(&draft.get_untracked(), e.line, e.col);
            let _ = el.focus();
            let _ = el.set_selection_range(at, at);
        }
    };
    let bytes = move || draft.with(|d| d.len());
    let over = move || bytes() > script::MAX_SCRIPT_BYTES;
    view! {
        <section class="ap-card ap-editor" data-testid="editor" aria-labelledby="ap-editor-h">
            <header class="ap-card-head">
                <h2 id="ap-editor-h">{move || say(lang(), ["Your script", "Votre script", "Tu script"])}</h2>
                <span class="ap-count" class:is-over=over>
                    {move || format!("{} / {}", bytes(), script::MAX_SCRIPT_BYTES)}
                </span>
            </header>
            <label class="ap-editor-label" for="ap-editor-text">{move || say(lang(), [
                "Python asyncio, the subset below. Apply it to run and share it (Ctrl+Enter).",
                "Du Python asyncio, le sous-ensemble ci-dessous. Appliquez-le pour l’exécuter et le partager (Ctrl+Entrée).",
                "Python asyncio, el subconjunto de abajo. Aplícalo para ejecutarlo y compartirlo (Ctrl+Intro).",
            ])}</label>
            <textarea
                id="ap-editor-text"
                class="ap-editor-text"
                data-testid="editor-text"
                node_ref=area
                rows="16"
                wrap="off"
                spellcheck="false"
                autocapitalize="off"
                autocomplete="off"
                prop:value=move || draft.get()
                on:input=move |e| {
                    draft.set(event_target_value(&e));
                    applied.set(false);
                }
                on:keydown=move |e: web_sys::KeyboardEvent| {
                    if (e.ctrl_key() || e.meta_key()) && e.key() == "Enter" {
                        e.prevent_default();
                        apply();
                    }
                }
                aria-describedby="ap-editor-errors"
                aria-invalid=move || (!errors().is_empty() || app.py.with(|r| r.error.is_some())).then_some("true")
            ></textarea>
            <div class="ap-editor-actions">
                <button type="button" class="ap-button ap-primary" data-testid="editor-apply" on:click=move |_| apply()>
                    {move || say(lang(), ["Apply", "Appliquer", "Aplicar"])}
                </button>
                <button type="button" class="ap-button" data-testid="editor-reset" on:click=reset>
                    {move || say(lang(), ["Back to the example", "Revenir à l’exemple", "Volver al ejemplo"])}
                </button>
                <span class="ap-editor-ok" role="status" data-testid="editor-status">
                    {move || applied.get().then(|| say(lang(), [
                        "Applied: press Run, or copy the link to share it.",
                        "Appliqué\u{a0}: lancez-le, ou copiez le lien pour le partager.",
                        "Aplicado: pulsa Ejecutar o copia el enlace para compartirlo.",
                    ]))}
                </span>
            </div>
            <PythonStatus />
            <div id="ap-editor-errors" role="alert">
                <PythonError area draft />
                <Show when=move || !errors().is_empty()>
                    <ul class="ap-editor-errors" data-testid="editor-errors">
                        {move || errors().into_iter().map(|e| {
                            let text = crate::i18n::script_error(lang(), &e);
                            let (line, col) = (e.line, e.col);
                            view! {
                                <li data-testid="editor-error" data-line=line data-col=col>
                                    <button type="button" class="ap-link" on:click=move |_| go_to(&e)>{text}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </Show>
            </div>
            <details class="ap-editor-help">
                <summary>{move || say(lang(), [
                    "What the editor understands",
                    "Ce que comprend l’éditeur",
                    "Lo que entiende el editor",
                ])}</summary>
                <p>{move || say(lang(), [
                    "One statement per line, indented with spaces. Durations are in seconds (at most 60). main starts the run; every other async def becomes a task each time it is called, named after its arguments. Compare mode runs your script as written beside the same script with every task awaited where it starts. The Code panel shows the program as the playground understood it, written again in Python, JavaScript and Rust.",
                    "Une instruction par ligne, indentée avec des espaces. Les durées sont en secondes (60 au plus). main lance l’exécution\u{202f}; chaque autre async def devient une tâche à chaque appel, nommée d’après ses arguments. Le mode Comparer exécute votre script tel quel à côté du même script où chaque tâche est attendue là où elle démarre. Le panneau Code montre le programme tel que le terrain de jeu l’a compris, réécrit en Python, JavaScript et Rust.",
                    "Una instrucción por línea, sangrada con espacios. Las duraciones van en segundos (60 como máximo). main inicia la ejecución; cada otro async def se convierte en una tarea en cada llamada, con el nombre de sus argumentos. El modo Comparar ejecuta tu script tal cual junto al mismo script con cada tarea esperada donde empieza. El panel Código muestra el programa tal como lo entendió el playground, reescrito en Python, JavaScript y Rust.",
                ])}</p>
                <pre class="ap-pre"><code>{SYNTAX}</code></pre>
            </details>
        </section>
    }
}

/// One line when the program runs on CPython, and the progress of loading Python.
#[component]
fn PythonStatus() -> impl IntoView {
    let app = use_app();
    let lang = move || app.lang.get();
    let on_python = move || app.built.with(|b| b.python.is_some());
    let line = move || {
        let compare = app.mode.get() == crate::model::params::ViewMode::Compare;
        let none = app.py.with(|r| r.no_concurrency);
        let mut s = say(lang(), [
            "Beyond the editor's subset: this program runs on real Python (CPython in your browser, downloaded once).",
            "Au-delà du sous-ensemble de l’éditeur\u{a0}: ce programme s’exécute en vrai Python (CPython dans votre navigateur, téléchargé une fois).",
            "Más allá del subconjunto del editor: este programa se ejecuta en Python real (CPython en tu navegador, descargado una vez).",
        ]).to_string();
        if compare && none {
            s.push(' ');
            s.push_str(say(lang(), [
                "It has no concurrency to compare (no gather, create_task or TaskGroup), so it runs once.",
                "Il n’a pas de concurrence à comparer (ni gather, ni create_task, ni TaskGroup)\u{a0}: il s’exécute une fois.",
                "No tiene concurrencia que comparar (ni gather, ni create_task, ni TaskGroup), así que se ejecuta una vez.",
            ]));
        } else if compare {
            s.push(' ');
            s.push_str(say(lang(), [
                "Compare runs its sequential form first, then the program as written, one after the other.",
                "Comparer exécute d’abord sa forme séquentielle, puis le programme tel qu’écrit, l’un après l’autre.",
                "Comparar ejecuta primero su forma secuencial y luego el programa tal cual, uno tras otro.",
            ]));
        }
        s
    };
    let loading = move || match app.py_load.get() {
        Load::Loading {
            what,
            loaded,
            total,
        } => Some((what, loaded, total)),
        _ => None,
    };
    let failed = move || match app.py_load.get() {
        Load::Failed(why) => Some(why),
        _ => None,
    };
    view! {
        <Show when=on_python>
            <p class="ap-editor-python" data-testid="editor-python">{line}</p>
        </Show>
        {move || loading().map(|(what, loaded, total)| {
            let pct = (total > 0.0).then(|| (loaded / total * 100.0).clamp(0.0, 100.0).round());
            let name = if what.is_empty() { "Python".to_string() } else { what };
            let label = match lang() {
                Lang::En => format!("Loading Python: {name}"),
                Lang::Fr => format!("Chargement de Python\u{a0}: {name}"),
                Lang::Es => format!("Cargando Python: {name}"),
            };
            let mb = (total > 0.0).then(|| format!(" {:.1} / {:.1} MB", loaded / 1e6, total / 1e6));
            view! {
                <div class="ap-py-load" data-testid="py-progress">
                    <div
                        class="ap-py-bar"
                        role="progressbar"
                        aria-label=label.clone()
                        aria-valuemin="0"
                        aria-valuemax="100"
                        aria-valuenow=pct.map(|p| p.to_string())
                    >
                        <span class="ap-py-fill" style:width=format!("{}%", pct.unwrap_or(0.0))></span>
                    </div>
                    <span class="ap-py-what">{label}{mb}</span>
                </div>
            }
        })}
        {move || failed().map(|why| {
            // The sentence in the page's language; Pyodide's own words (English, often only
            // "exit(1)") in the tooltip.
            let said = py_words("boot", lang()).unwrap_or_default();
            view! { <p class="ap-editor-python" data-testid="py-failed" title=why>{said}</p> }
        })}
    }
}

/// Why a CPython program was refused or stopped, by the worker's or the bridge's `what`
/// (`static/py/PROTOCOL.md`); `None` for what has no words here (then the message is shown).
fn py_words(what: &str, lang: Lang) -> Option<&'static str> {
    Some(say(lang, match what {
        "threading" => [
            "OS threads (threading, multiprocessing, concurrent.futures) cannot run in the browser: this page has one thread for Python",
            "les threads du système (threading, multiprocessing, concurrent.futures) ne peuvent pas s’exécuter dans le navigateur\u{a0}: cette page n’a qu’un thread pour Python",
            "los hilos del sistema (threading, multiprocessing, concurrent.futures) no pueden ejecutarse en el navegador: esta página solo tiene un hilo para Python",
        ],
        "to_thread" => [
            "asyncio.to_thread / run_in_executor need an OS thread, which the browser cannot give Python here",
            "asyncio.to_thread / run_in_executor demandent un thread du système, que le navigateur ne peut pas donner ici à Python",
            "asyncio.to_thread / run_in_executor necesitan un hilo del sistema, que el navegador no puede darle aquí a Python",
        ],
        "subprocess" => [
            "subprocesses cannot run in the browser",
            "les sous-processus ne peuvent pas s’exécuter dans le navigateur",
            "los subprocesos no pueden ejecutarse en el navegador",
        ],
        "socket" => [
            "network sockets cannot be opened from the browser here (simulate the request with asyncio.sleep)",
            "impossible d’ouvrir des sockets réseau depuis le navigateur ici (simulez la requête avec asyncio.sleep)",
            "no se pueden abrir sockets de red desde el navegador aquí (simula la petición con asyncio.sleep)",
        ],
        "time" => [
            "the program ran past 60 s of scenario time",
            "le programme a dépassé 60\u{a0}s de temps du scénario",
            "el programa superó 60\u{a0}s de tiempo del escenario",
        ],
        "time-ideal" => [
            "the program would run past 60 s of scenario time (its ideal run, on a virtual clock, got there first), so it was not run for real",
            "le programme dépasserait 60\u{a0}s de temps du scénario (son exécution idéale, sur une horloge virtuelle, y est arrivée d’abord)\u{a0}: il n’a donc pas été exécuté pour de vrai",
            "el programa superaría 60\u{a0}s de tiempo del escenario (su ejecución ideal, con un reloj virtual, llegó ahí antes), así que no se ejecutó de verdad",
        ],
        "watchdog" => [
            "the program ran past the 60 s limit",
            "le programme a dépassé la limite de 60\u{a0}s",
            "el programa superó el límite de 60\u{a0}s",
        ],
        "forever" => [
            "the program waits forever: nothing is scheduled that could wake it (CPython would hang here)",
            "le programme attend pour toujours\u{a0}: rien de prévu ne peut le réveiller (CPython resterait bloqué ici)",
            "el programa espera para siempre: no hay nada programado que pueda despertarlo (CPython se quedaría colgado aquí)",
        ],
        "tasks" => [
            "the program created more than 10,000 tasks",
            "le programme a créé plus de 10\u{202f}000 tâches",
            "el programa creó más de 10\u{a0}000 tareas",
        ],
        "events" => [
            "the program made more than 200,000 events",
            "le programme a produit plus de 200\u{202f}000 événements",
            "el programa generó más de 200\u{a0}000 eventos",
        ],
        "text" => [
            "the program printed more than 1,000,000 characters",
            "le programme a affiché plus de 1\u{202f}000\u{202f}000 de caractères",
            "el programa imprimió más de 1\u{a0}000\u{a0}000 de caracteres",
        ],
        "invalid" => [
            "the Python worker sent a message this page does not accept, so the worker was stopped",
            "le worker Python a envoyé un message que cette page n’accepte pas, il a donc été arrêté",
            "el worker de Python envió un mensaje que esta página no acepta, así que se detuvo",
        ],
        "boot" => [
            "Python could not start (its files did not load).",
            "Python n’a pas pu démarrer (ses fichiers ne se sont pas chargés).",
            "Python no pudo arrancar (sus archivos no se cargaron).",
        ],
        _ => return None,
    }))
}

/// What CPython refused (a syntax error, a module a browser cannot offer) or why the run stopped.
#[component]
fn PythonError(area: NodeRef<leptos::html::Textarea>, draft: RwSignal<String>) -> impl IntoView {
    let app = use_app();
    let go_to = move |line: usize, col: usize| {
        if let Some(el) = area.get_untracked() {
            let at = offset_of(&draft.get_untracked(), line, col);
            let _ = el.focus();
            let _ = el.set_selection_range(at, at);
        }
    };
    let err = move || app.py.with(|r| r.error.clone());
    view! {
        {move || err().map(|e| {
            let lang = app.lang.get();
            let (line, col) = (e.line.unwrap_or(1), e.col.unwrap_or(1));
            let why = e
                .what
                .as_deref()
                .and_then(|w| py_words(w, lang))
                .map_or_else(|| e.message.clone(), str::to_string);
            let text = match (e.line, lang) {
                (Some(_), Lang::En) => format!("line {line}, column {col}: {why}"),
                (Some(_), Lang::Fr) => format!("ligne {line}, colonne {col}\u{a0}: {why}"),
                (Some(_), Lang::Es) => format!("línea {line}, columna {col}: {why}"),
                (None, Lang::En) => format!("The run stopped: {why}"),
                (None, Lang::Fr) => format!("L’exécution s’est arrêtée\u{a0}: {why}"),
                (None, Lang::Es) => format!("La ejecución se detuvo: {why}"),
            };
            view! {
                <ul class="ap-editor-errors">
                    <li data-testid="editor-error" data-line=line data-col=col data-kind=e.kind.clone()>
                        <button type="button" class="ap-link" on:click=move |_| go_to(line, col)>{text}</button>
                    </li>
                </ul>
            }
        })}
    }
}
