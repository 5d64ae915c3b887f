//! The top bar: scenario, mode, language, speed, theme, presenter, share; then the player.
use leptos::prelude::*;

use super::help::HelpButton;
use super::mode_group::ModeGroup;
use super::player_bar::PlayerBar;
use super::share::ShareButton;
use super::state::use_app;
use super::words::say;
use crate::i18n::ui;
use crate::model::catalog;
use crate::model::params::{Lang, Theme, SPEEDS};

#[component]
pub fn Controls() -> impl IntoView {
    let app = use_app();
    let t = move || ui(app.lang.get());
    let on_scenario = move |ev| {
        let id = event_target_value(&ev);
        if catalog::info(&id).is_some() {
            app.update_settings(|s| {
                if let Some(c) = catalog::code_of(&id) {
                    s.code = c;
                }
                s.scenario = id;
                // Parameters belong to the scenario they were set for.
                s.params.clear();
                s.src = None;
            });
        }
    };
    let on_lang = move |ev| {
        if let Some(l) = Lang::parse(&event_target_value(&ev)) {
            app.update_settings(|s| s.lang = l);
        }
    };
    let on_speed = move |ev| {
        let v = event_target_value(&ev);
        if let Some((x, _)) = SPEEDS.iter().find(|(_, s)| *s == v) {
            app.update_settings(|s| s.speed = *x);
        }
    };
    let on_theme = move |ev| {
        if let Some(th) = Theme::parse(&event_target_value(&ev)) {
            super::storage::set(super::url::THEME_KEY, th.as_str());
            app.update_settings(|s| s.theme = th);
        }
    };
    let speed_now = move || crate::model::params::speed_str(app.speed.get());
    // The phone's header is one row: the scenario, Run and this menu for the rest.
    let menu = RwSignal::new(false);
    let menu_word = move || say(app.lang.get(), ["Menu", "Menu", "Menú"]);
    view! {
        <header class="ap-top" data-menu=move || if menu.get() { "open" } else { "closed" }>
            <div class="ap-top-row">
                <p class="ap-brand">
                    <span class="ap-brand-name">"Async Playground"</span>
                    <span class="ap-tagline">{move || t().tagline}</span>
                </p>
                <label class="ap-field ap-scenario-field">
                    <span>{move || t().scenario}</span>
                    // The phone shows the whole title (wrapping) over the transparent select.
                    <span class="ap-select-face" aria-hidden="true">
                        <span class="ap-face-label">{move || t().scenario}</span>
                        " "
                        <span class="ap-face-value">{move || t().scenario_title(&app.scenario.get())}</span>
                    </span>
                    <select data-testid="scenario" on:change=on_scenario prop:value=move || app.scenario.get()>
                        {catalog::IDS
                            .iter()
                            .chain([&catalog::CUSTOM])
                            .map(|id| {
                                let id = *id;
                                view! {
                                    <option value=id selected=move || app.scenario.get() == id>
                                        {move || t().scenario_title(id)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <button type="button" class="ap-button ap-menu-button" data-testid="menu"
                    aria-controls="ap-more" aria-expanded=move || menu.get().to_string()
                    on:click=move |_| menu.update(|m| *m = !*m)>
                    <span aria-hidden="true">"☰"</span>
                    <span>{menu_word}</span>
                </button>
                <div class="ap-more" id="ap-more">
                <ModeGroup />
                <label class="ap-field">
                    <span>{move || t().language}</span>
                    <select data-testid="lang" on:change=on_lang prop:value=move || app.lang.get().as_str()>
                        {Lang::ALL
                            .iter()
                            .map(|l| {
                                let l = *l;
                                view! {
                                    <option value=l.as_str() lang=l.as_str() selected=move || app.lang.get() == l>
                                        {lang_name(l)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="ap-field">
                    <span>{move || t().speed}</span>
                    <select data-testid="speed" on:change=on_speed prop:value=speed_now>
                        {SPEEDS
                            .iter()
                            .map(|(_, s)| {
                                let s = *s;
                                view! { <option value=s selected=move || speed_now() == s>{format!("{s}×")}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="ap-field ap-chrome">
                    <span>{move || t().theme}</span>
                    <select data-testid="theme" on:change=on_theme prop:value=move || app.theme.get().as_str()>
                        {Theme::ALL
                            .iter()
                            .map(|th| {
                                let th = *th;
                                view! {
                                    <option value=th.as_str() selected=move || app.theme.get() == th>
                                        {move || t().theme_label(th)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <button
                    type="button"
                    class="ap-button ap-chrome"
                    data-testid="presenter"
                    aria-pressed=move || app.presenter.get().to_string()
                    on:click=move |_| app.update_settings(|s| s.presenter = !s.presenter)
                >
                    {move || t().presenter}
                </button>
                <ShareButton />
                <HelpButton />
                </div>
            </div>
            <PlayerBar />
        </header>
    }
}

/// Each language names itself.
fn lang_name(l: Lang) -> &'static str {
    match l {
        Lang::En => "English",
        Lang::Fr => "Français",
        Lang::Es => "Español",
    }
}
