//! F17, the scenario editor (`scenario=custom`): the student writes a small Python-asyncio-like
//! script; "Apply" compiles it (`model::script`) and, when it compiles, it becomes the program the
//! page runs, draws and shows in three languages, and the link carries it (`src`). Errors are
//! listed with line and column (a click puts the caret there); nothing typed is ever run as code
//! or inserted as HTML, and the draft is kept while the errors are fixed.
use leptos::prelude::*;

use super::state::{script_text, use_app};
use super::words::say;
use crate::model::catalog;
use crate::model::script::{self, ScriptError};
use crate::model::trace::Mode;

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
                aria-invalid=move || (!errors().is_empty()).then_some("true")
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
            <div id="ap-editor-errors" role="alert">
                <Show when=move || !errors().is_empty()>
                    <ul class="ap-editor-errors" data-testid="editor-errors">
                        {move || errors().into_iter().map(|e| {
                            let text = e.text(lang());
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
