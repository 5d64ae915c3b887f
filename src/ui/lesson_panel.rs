//! The lesson beside the picture: the scenario's lesson, or a glossary entry a link opened.
//! Lessons are checked at build time and downloaded per language as typed blocks
//! (`lesson_store`); everything renders as text nodes.
use leptos::prelude::*;

use super::lesson_store::{use_lessons, Load};
use super::state::use_app;
use crate::i18n::ui;
use crate::lessons::{self, Block, Inline, Lesson};

fn inline(i: &Inline, open: RwSignal<Option<&'static str>>) -> AnyView {
    match *i {
        Inline::Text(s) => s.into_any(),
        Inline::Code(s) => view! { <code>{s}</code> }.into_any(),
        Inline::Strong(s) => view! { <strong>{s}</strong> }.into_any(),
        Inline::Em(s) => view! { <em>{s}</em> }.into_any(),
        Inline::Link { to, text } => view! {
            <button type="button" class="ap-link" on:click=move |_| open.set(Some(to))>{text}</button>
        }
        .into_any(),
    }
}

fn inlines(list: &'static [Inline], open: RwSignal<Option<&'static str>>) -> impl IntoView {
    list.iter().map(|i| inline(i, open)).collect_view()
}

fn block(
    b: &'static Block,
    open: RwSignal<Option<&'static str>>,
    lang: crate::model::params::Lang,
) -> AnyView {
    let t = ui(lang);
    match b {
        Block::Para(l) => view! { <p>{inlines(l, open)}</p> }.into_any(),
        Block::List(items) => view! {
            <ul>{items.iter().map(|l| view! { <li>{inlines(l, open)}</li> }).collect_view()}</ul>
        }
        .into_any(),
        Block::Watch(l) => view! {
            <div class="ap-callout ap-watch"><p class="ap-callout-title">{t.watch}</p><p>{inlines(l, open)}</p></div>
        }
        .into_any(),
        Block::Mistake(l) => view! {
            <div class="ap-callout ap-mistake"><p class="ap-callout-title">{t.mistake}</p><p>{inlines(l, open)}</p></div>
        }
        .into_any(),
    }
}

fn body(
    lesson: &'static Lesson,
    open: RwSignal<Option<&'static str>>,
    lang: crate::model::params::Lang,
) -> AnyView {
    let t = ui(lang);
    let see_also: Vec<&'static Lesson> = lesson
        .see_also
        .iter()
        .filter_map(|id| lessons::get(lang.as_str(), id))
        .collect();
    view! {
        <h2 class="ap-lesson-title">{lesson.title}</h2>
        {lesson.blocks.iter().map(|b| block(b, open, lang)).collect_view()}
        <Show when={let n = see_also.len(); move || n > 0}>
            <p class="ap-see-also">
                <span>{crate::i18n::colon(lang, t.see_also)}</span>
                {see_also.iter().map(|l| {
                    let id = l.id;
                    view! { <button type="button" class="ap-link" on:click=move |_| open.set(Some(id))>{l.title}</button>" " }
                }).collect_view()}
            </p>
        </Show>
    }
    .into_any()
}

#[component]
pub fn LessonPanel() -> impl IntoView {
    let app = use_app();
    let store = use_lessons();
    // A glossary entry opened by a link; the scenario's lesson again when the scenario changes.
    let open = RwSignal::new(None::<&'static str>);
    Effect::watch(
        move || app.scenario.get(),
        move |_, _, _| open.set(None),
        false,
    );
    let content = move || {
        let lang = app.lang.get();
        let t = ui(lang);
        match store.status(lang) {
            Load::Ready => {}
            Load::Loading => {
                return view! { <p class="ap-muted" aria-busy="true">{t.lesson_loading}</p> }.into_any()
            }
            Load::Failed(why) => {
                return view! {
                    <p class="ap-muted" data-testid="lesson-failed">{format!("{} ({why}).", t.lesson_failed)}" "
                        <button type="button" class="ap-link" on:click=move |_| store.retry(lang)>{t.retry}</button>
                    </p>
                }
                .into_any()
            }
        }
        let scenario = app.scenario.get();
        let lesson = match open.get() {
            Some(id) => lessons::get(lang.as_str(), id),
            // A script of one's own has no lesson of its own: the one about tasks fits it best.
            None if scenario == crate::model::catalog::CUSTOM => {
                lessons::get(lang.as_str(), "task")
            }
            None => lessons::for_scenario(lang.as_str(), &scenario),
        };
        match lesson {
            Some(l) => body(l, open, lang),
            None => view! { <p class="ap-muted">{ui(lang).lesson_missing}</p> }.into_any(),
        }
    };
    let back = move || open.get().is_some();
    view! {
        <section class="ap-card ap-lesson" data-testid="lesson" aria-label=move || ui(app.lang.get()).lesson>
            <Show when=back>
                <button type="button" class="ap-link" on:click=move |_| open.set(None)>
                    {move || format!("← {}", ui(app.lang.get()).scenario_title(&app.scenario.get()))}
                </button>
            </Show>
            {content}
        </section>
    }
}
