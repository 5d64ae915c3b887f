//! What the bar patterns mean (pattern AND colour: readable without colour vision), the ghost,
//! the cursor, and the player's keyboard shortcuts.
use leptos::prelude::*;

use super::player::KEYS;
use super::state::use_app;
use super::timeline::state_word;
use super::words::say;
use crate::model::bars::BarState;
use crate::model::params::Lang;

/// A small drawing of a bar in `state` (its own patterns: the legend stands alone).
fn swatch(state: Option<BarState>) -> impl IntoView {
    let c = "var(--color-lane-main)";
    let body = match state {
        Some(BarState::Running) => view! { <rect x=1 y=1 width=26 height=12 rx=2 style:fill=c /> }.into_any(),
        Some(BarState::Sleeping) => view! {
            <rect x=1 y=1 width=26 height=12 rx=2 style:fill="url(#ap-lg-hatch)" style:stroke=c />
        }
        .into_any(),
        Some(BarState::Awaiting) => view! { <rect x=1 y=1 width=26 height=12 rx=2 style:fill="var(--color-surface-2)" style:stroke=c /> }.into_any(),
        Some(BarState::Waiting) => view! { <rect x=1 y=1 width=26 height=12 rx=2 fill="none" style:stroke=c stroke-dasharray="2 3" /> }.into_any(),
        Some(BarState::Blocked) => view! { <rect x=1 y=1 width=26 height=12 rx=2 style:fill="url(#ap-lg-xhatch)" style:stroke="var(--color-blocked)" /> }.into_any(),
        Some(BarState::Cancelled) => view! {
            <rect x=7 y=1 width=14 height=12 rx=2 style:fill="var(--color-cancelled)" />
            <text x=14 y=11 text-anchor="middle" style:fill="var(--color-surface)" font-size="11" font-weight="700">"×"</text>
        }
        .into_any(),
        Some(BarState::Failed) => view! {
            <rect x=7 y=1 width=14 height=12 rx=2 style:fill="var(--color-blocked)" />
            <text x=14 y=11 text-anchor="middle" style:fill="var(--color-surface)" font-size="11" font-weight="700">"!"</text>
        }
        .into_any(),
        None => view! { <rect x=1 y=1 width=26 height=12 rx=2 fill="none" style:stroke="var(--color-ghost)" stroke-dasharray="3 3" /> }.into_any(),
    };
    view! { <svg class="ap-swatch" width=28 height=14 viewBox="0 0 28 14" aria-hidden="true">{body}</svg> }
}

fn ghost_word(lang: Lang) -> &'static str {
    say(
        lang,
        ["Ideal (planned)", "Idéal (prévu)", "Ideal (previsto)"],
    )
}

fn key_word(lang: Lang, w: &str) -> &'static str {
    match w {
        "play" => say(
            lang,
            ["play / pause", "lecture / pause", "reproducir / pausa"],
        ),
        "step" => say(
            lang,
            ["next event", "événement suivant", "evento siguiente"],
        ),
        "back" => say(
            lang,
            ["previous event", "événement précédent", "evento anterior"],
        ),
        "run / replay" => say(
            lang,
            ["run / replay", "lancer / revoir", "ejecutar / repetir"],
        ),
        "faster" => say(lang, ["faster", "plus vite", "más rápido"]),
        _ => say(lang, ["slower", "plus lent", "más lento"]),
    }
}

#[component]
pub fn Legend() -> impl IntoView {
    let app = use_app();
    let seeing = super::lanes::use_seeing();
    // A projector and a course page's frame have one screen: presenter mode and embeds list only
    // the states this scenario's plan has.
    let shown = move |st: BarState| {
        !(app.presenter.get() || app.embed.get())
            || seeing.ideal.with(|sets| {
                sets.iter()
                    .flat_map(|set| set.lanes.iter())
                    .any(|l| l.bars.iter().any(|b| b.state == st))
            })
    };
    let items = move || {
        let lang = app.lang.get();
        BarState::ALL
            .into_iter()
            .filter(|st| shown(*st))
            .map(|s| {
                // A projector's legend stays one row: the blocked bar's word without its gloss
                // (the lesson and the tooltip keep it).
                let word = if s == BarState::Blocked && app.presenter.get() {
                    say(lang, ["blocked", "bloqué", "bloqueado"])
                } else {
                    state_word(lang, s)
                };
                view! { <li>{swatch(Some(s))}<span>{word}</span></li> }
            })
            .chain(std::iter::once(
                view! { <li>{swatch(None)}<span>{ghost_word(lang)}</span></li> },
            ))
            .collect_view()
    };
    let keys = move || {
        let lang = app.lang.get();
        KEYS.into_iter()
            .map(|(k, w)| view! { <li><kbd>{k}</kbd><span>{key_word(lang, w)}</span></li> })
            .collect_view()
    };
    view! {
        <div class="ap-legend">
            <svg width=0 height=0 class="ap-defs" aria-hidden="true">
                <defs>
                    <pattern id="ap-lg-hatch" width=6 height=6 patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                        <rect width=6 height=6 style:fill="var(--color-surface)" />
                        <rect width=2.5 height=6 style:fill="var(--color-lane-main)" />
                    </pattern>
                    <pattern id="ap-lg-xhatch" width=6 height=6 patternUnits="userSpaceOnUse">
                        <rect width=6 height=6 style:fill="var(--color-danger-soft)" />
                        <path d="M0 0 L6 6 M6 0 L0 6" style:stroke="var(--color-blocked)" stroke-width=1.5 />
                    </pattern>
                </defs>
            </svg>
            <h2 class="ap-sr-only">{move || say(app.lang.get(), ["Legend", "Légende", "Leyenda"])}</h2>
            <ul class="ap-legend-items">{items}</ul>
            <ul class="ap-keys" aria-label=move || say(app.lang.get(), ["Keyboard shortcuts", "Raccourcis clavier", "Atajos de teclado"])>{keys}</ul>
        </div>
    }
}
