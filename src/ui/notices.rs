//! Dismissible notices: ignored URL parameters, a refused run, the clipboard. Plain text only:
//! a value from the URL is shown through a text node, never parsed as HTML.
use leptos::prelude::*;

use super::state::{use_app, NoticeKind};
use crate::i18n::{notice, ui};
use crate::model::params::Lang;

fn words(lang: Lang, kind: &NoticeKind) -> String {
    let t = ui(lang);
    match kind {
        NoticeKind::Param(n) => notice(lang, n),
        NoticeKind::Unsupported(why) => format!("{} {why}", t.unsupported),
        NoticeKind::ClipboardFailed => t.copy_failed.to_string(),
        NoticeKind::Copied => t.copied.to_string(),
        NoticeKind::AutoplayHeld => t.autoplay_held.to_string(),
    }
}

#[component]
pub fn Notices() -> impl IntoView {
    let app = use_app();
    let t = move || ui(app.lang.get());
    view! {
        <Show when=move || app.notices.with(|n| !n.is_empty())>
            <section class="ap-notices" aria-label=move || t().notices>
                <For each=move || app.notices.get() key=|n| n.id let:n>
                    {
                        let id = n.id;
                        let kind = n.kind.clone();
                        // Success news (the link was copied) is not a warning: its own style.
                        let tone = if matches!(kind, NoticeKind::Copied) { "info" } else { "warning" };
                        let run = (kind == NoticeKind::AutoplayHeld).then(|| view! {
                            <button type="button" class="ap-button ap-primary" data-testid="notice-run"
                                on:click=move |_| {
                                    app.dismiss_notice(id);
                                    app.start_run();
                                }>
                                {move || t().run}
                            </button>
                        });
                        view! {
                            <div class="ap-notice" data-testid="notice" data-tone=tone role="note">
                                <p class="ap-notice-text">{move || words(app.lang.get(), &kind)}</p>
                                {run}
                                <button
                                    type="button"
                                    class="ap-button ap-dismiss"
                                    data-testid="notice-dismiss"
                                    aria-label=move || t().dismiss
                                    on:click=move |_| app.dismiss_notice(id)
                                >
                                    <span aria-hidden="true">"×"</span>
                                </button>
                            </div>
                        }
                    }
                </For>
            </section>
        </Show>
    }
}
