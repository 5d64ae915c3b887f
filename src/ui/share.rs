//! "Copy link": the current view's URL to the clipboard. A blocked or missing clipboard (insecure
//! origin, sandboxed iframe, denied permission) only shows a notice.
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::state::{use_app, NoticeKind};
use super::url;
use crate::i18n::ui;

#[component]
pub fn ShareButton() -> impl IntoView {
    let app = use_app();
    let on_click = move |_| {
        let link = url::share_link(&app.settings.get_untracked());
        leptos::task::spawn_local(async move {
            let kind = if copy(&link).await {
                NoticeKind::Copied
            } else {
                NoticeKind::ClipboardFailed
            };
            app.push_notice(kind);
        });
    };
    view! {
        <button type="button" class="ap-button ap-chrome" data-testid="share" on:click=on_click>
            {move || ui(app.lang.get()).share}
        </button>
    }
}

async fn copy(text: &str) -> bool {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    // `navigator.clipboard` is undefined outside secure contexts: calling into it would throw.
    let clip =
        js_sys::Reflect::get(&nav, &JsValue::from_str("clipboard")).unwrap_or(JsValue::UNDEFINED);
    let Ok(clip) = clip.dyn_into::<web_sys::Clipboard>() else {
        return false;
    };
    JsFuture::from(clip.write_text(text)).await.is_ok()
}
