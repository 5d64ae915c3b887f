//! The page layout: top bar, notices, the stage (timelines, figures, console) and the side
//! (lesson, code). Components read the `AppState` context; page-wide effects live here.
use leptos::prelude::*;

use super::code_view::CodeView;
use super::console::Console;
use super::controls::Controls;
use super::editor::Editor;
use super::embed_view::{tabs_attr, view_attr, EmbedTabs};
use super::event_lab::EventLab;
use super::export::Export;
use super::figures::Figures;
use super::freeze::FreezeNote;
use super::help::Help;
use super::legend::Legend;
use super::lesson_panel::LessonPanel;
use super::notices::Notices;
use super::predict::Predict;
use super::presenter::Presenter;
use super::state::{AppState, NoticeKind, RunState};
use super::status::{StageNote, Status};
use super::table_view::TableView;
use super::timeline::Timeline;
use crate::i18n::ui;
use crate::model::params::Parsed;

#[component]
pub fn App(parsed: Parsed) -> impl IntoView {
    let app = AppState::new(parsed.settings);
    provide_context(app);
    super::lesson_store::provide();
    for n in parsed.notices {
        app.push_notice(NoticeKind::Param(n));
    }
    super::player::install(app);
    // <html lang> and the title follow the language; the address bar follows the view.
    Effect::new(move |_| {
        let lang = app.lang.get();
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            if let Some(html) = doc.document_element() {
                let _ = html.set_attribute("lang", lang.as_str());
                // The page behind the app (overscroll, short embeds) takes the theme's tokens too.
                let _ = html.set_attribute("data-theme", app.theme.get().as_str());
            }
            doc.set_title(&format!(
                "Async Playground — {}",
                ui(lang).scenario_title(&app.scenario.get())
            ));
        }
    });
    Effect::new(move |_| app.settings.with(super::url::replace));
    Effect::new(move |prev: Option<()>| {
        if prev.is_none() {
            untrack(|| {
                super::embed_api::install(app);
                // autoplay=1 starts at once, never when the reader asked for reduced motion.
                // Nor for a program that holds the thread: the page would freeze before the reader
                // saw it (and a host page with it); it waits for Run instead.
                if app.settings.with(|s| s.autoplay) && !reduced_motion() {
                    let holds = app
                        .built
                        .with(|b| b.programs.iter().any(|p| p.holds_main_thread()));
                    if holds {
                        app.push_notice(NoticeKind::AutoplayHeld);
                    } else {
                        app.start_run();
                    }
                }
            });
        }
    });
    let t = move || ui(app.lang.get());
    let running = move || matches!(app.run_state.get(), RunState::Running | RunState::Paused);
    let tab = move |id: &'static str, label: fn(&crate::i18n::Ui) -> &'static str| {
        view! {
            <button type="button" role="tab" class="ap-phone-tab" id=format!("ap-tab-{id}")
                aria-selected=move || (app.phone_tab.get() == id).to_string()
                on:click=move |_| app.phone_tab.set(id)>
                {move || label(t())}
            </button>
        }
    };
    view! {
        <div
            class="ap-app"
            data-testid="app"
            data-run-state=move || app.run_state.get().as_str()
            data-scenario=move || app.scenario.get()
            data-mode=move || app.mode.get().as_str()
            data-lang=move || app.lang.get().as_str()
            data-theme=move || app.theme.get().as_str()
            data-presenter=move || app.presenter.get().then_some("1")
            data-embed=move || app.embed.get().then_some("1")
            data-view=move || view_attr(app)
            data-tabs=move || tabs_attr(app)
            data-tab=move || app.phone_tab.get()
            data-pcode=move || (app.presenter.get() && app.presenter_code.get()).then_some("1")
            aria-busy=move || running().then_some("true")
        >
            <Controls />
            <Notices />
            <main class="ap-body">
                <section class="ap-stage">
                    <Presenter />
                    <StageNote />
                    <Status />
                    <Editor />
                    <Timeline />
                    <Legend />
                    <FreezeNote />
                    <Figures />
                    <EventLab />
                    <Export />
                    <Predict />
                </section>
                <div class="ap-phone-tabs" role="tablist" aria-label=move || t().lesson>
                    {tab("lesson", |u| u.lesson)}
                    {tab("code", |u| u.code)}
                    {tab("console", |u| u.console)}
                </div>
                <EmbedTabs />
                <aside class="ap-side">
                    <div class="ap-pane" data-pane="lesson"><LessonPanel /></div>
                    <div class="ap-pane" data-pane="code"><CodeView /></div>
                </aside>
                <section class="ap-pane ap-output" data-pane="console">
                    <Console />
                    <TableView />
                </section>
            </main>
            <Help />
        </div>
    }
}

fn reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}
