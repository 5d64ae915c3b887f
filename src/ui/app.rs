//! The page layout: top bar, notices, the stage (timelines, figures, console) and the side
//! (lesson, code). Components read the `AppState` context.
use leptos::prelude::*;

use super::code_view::CodeView;
use super::console::Console;
use super::controls::Controls;
use super::figures::Figures;
use super::legend::Legend;
use super::lesson_panel::LessonPanel;
use super::notices::Notices;
use super::predict::Predict;
use super::presenter::Presenter;
use super::state::{AppState, RunState};
use super::table_view::TableView;
use super::timeline::Timeline;
use crate::model::params::Settings;

#[component]
pub fn App(initial: Settings) -> impl IntoView {
    let app = AppState::new(initial);
    provide_context(app);
    super::player::install(app);
    let run_state = move || app.run_state.get().as_str();
    let running = move || matches!(app.run_state.get(), RunState::Running | RunState::Paused);
    view! {
        <div
            class="ap-app"
            data-testid="app"
            data-run-state=run_state
            data-scenario=move || app.scenario.get()
            data-mode=move || app.mode.get().as_str()
            data-lang=move || app.lang.get().as_str()
            data-theme=move || app.theme.get().as_str()
            data-presenter=move || app.presenter.get().then_some("1")
            data-embed=move || app.embed.get().then_some("1")
            aria-busy=move || running().then_some("true")
        >
            <Controls />
            <Notices />
            <main class="ap-body">
                <section class="ap-stage">
                    <Timeline />
                    <Legend />
                    <Figures />
                    <Predict />
                    <Console />
                    <TableView />
                </section>
                <aside class="ap-side">
                    <LessonPanel />
                    <CodeView />
                </aside>
            </main>
            <Presenter />
        </div>
    }
}
