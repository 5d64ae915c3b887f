//! The compact embed (`embed=1`): the timeline, the figures and the console, with the lesson and
//! the code one tab away; `view=` chooses the panels (`model::params::Panel`). The root carries
//! `data-view` (the panels shown) and `data-tabs` (tabs in use); the stylesheet does the rest.
use leptos::prelude::*;

use super::state::{use_app, AppState};
use crate::i18n::ui;
use crate::model::params::Panel;

/// The panels this page shows (every one outside embed mode).
pub fn panels(app: AppState) -> Vec<Panel> {
    app.settings.with(|s| match (&s.view, s.embed) {
        (Some(v), true) => v.clone(),
        _ => Panel::DEFAULT.to_vec(),
    })
}

/// The tabbed panes, in the order given; tabs only when two or more share the place.
fn tab_panes(app: AppState) -> Vec<Panel> {
    panels(app).into_iter().filter(|p| p.is_tab()).collect()
}

/// `data-view` of the root in embed mode: the panels' names, space-separated (for `~=`).
pub fn view_attr(app: AppState) -> Option<String> {
    app.embed.get().then(|| {
        panels(app)
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// `data-tabs` of the root: present when the embed shows tabs.
pub fn tabs_attr(app: AppState) -> Option<&'static str> {
    (app.embed.get() && tab_panes(app).len() >= 2).then_some("1")
}

#[component]
pub fn EmbedTabs() -> impl IntoView {
    let app = use_app();
    // The first listed pane is the one shown until a tab is chosen.
    Effect::new(move |prev: Option<Vec<Panel>>| {
        let panes = if app.embed.get() {
            tab_panes(app)
        } else {
            Vec::new()
        };
        let now = app.phone_tab.get_untracked();
        let kept = prev.as_ref() == Some(&panes) && panes.iter().any(|p| p.as_str() == now);
        if let (false, Some(first)) = (kept, panes.first()) {
            app.phone_tab.set(first.as_str());
        }
        panes
    });
    let t = move || ui(app.lang.get());
    let label = move |p: Panel| match p {
        Panel::Lesson => t().lesson,
        Panel::Code => t().code,
        _ => t().console,
    };
    // A memo: a `load` changes the settings, and tab buttons rebuilt for each would leave their
    // effects listed in `app.phone_tab` and `app.lang` for ever (issue 16: memory per run).
    let panes = Memo::new(move |_| tab_panes(app));
    let tabs = move || {
        panes
            .get()
            .into_iter()
            .map(|p| {
                let name = p.as_str();
                view! {
                    <button type="button" role="tab" class="ap-embed-tab" data-testid="embed-tab"
                        data-pane=name id=format!("ap-etab-{name}")
                        aria-selected=move || (app.phone_tab.get() == name).to_string()
                        on:click=move |_| app.phone_tab.set(name)>
                        {move || label(p)}
                    </button>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || tabs_attr(app).is_some()>
            <div class="ap-embed-tabs" role="tablist" aria-label=move || t().lesson>{tabs}</div>
        </Show>
    }
}
