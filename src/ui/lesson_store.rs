//! Downloads the lessons of the language on screen (`lessons/<lang>.txt`, same origin, next to the
//! page) the first time a component asks for them, and tells every reader when they arrive or why
//! they could not. The wasm carries no lesson text (QUALITY.md size budget), so a page in French
//! fetches only the French file (~11 KB gzip).
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::lessons;
use crate::model::params::Lang;

/// Where a language's lessons stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Load {
    Loading,
    Ready,
    /// Why the download or the file failed, in plain words (shown after a colon).
    Failed(String),
}

/// Shared by the lesson panel and the predict card (one download per language).
#[derive(Clone, Copy)]
pub struct LessonStore {
    /// `None`: nobody asked yet.
    state: RwSignal<[Option<Load>; 3]>,
}

fn slot(lang: Lang) -> usize {
    match lang {
        Lang::En => 0,
        Lang::Fr => 1,
        Lang::Es => 2,
    }
}

pub fn provide() {
    provide_context(LessonStore {
        state: RwSignal::new([None, None, None]),
    });
}

pub fn use_lessons() -> LessonStore {
    expect_context::<LessonStore>()
}

impl LessonStore {
    /// Where `lang`'s lessons stand (tracked); the first call starts the download.
    pub fn status(self, lang: Lang) -> Load {
        let i = slot(lang);
        if let Some(known) = self.state.with(|s| s[i].clone()) {
            return known;
        }
        if lessons::is_loaded(lang.as_str()) {
            self.state.update_untracked(|s| s[i] = Some(Load::Ready));
            return Load::Ready;
        }
        // Marked without notifying: readers already see "loading", and a second reader in the
        // same pass must not start a second download.
        self.state.update_untracked(|s| s[i] = Some(Load::Loading));
        let state = self.state;
        wasm_bindgen_futures::spawn_local(async move {
            let done = match fetch_text(&format!("lessons/{}.txt", lang.as_str())).await {
                Ok(text) => match lessons::install(lang.as_str(), &text) {
                    Ok(()) => Load::Ready,
                    Err(e) => Load::Failed(format!("damaged file, {e}")),
                },
                Err(e) => Load::Failed(e),
            };
            if let Load::Failed(why) = &done {
                // Not a bug of the page (offline, a host that did not copy the files): a warning.
                web_sys::console::warn_1(
                    &format!("Async Playground: lessons/{}.txt: {why}", lang.as_str()).into(),
                );
            }
            // The page may be gone (navigation, test teardown): then nobody is listening.
            let _ = state.try_update(|s| s[i] = Some(done));
        });
        Load::Loading
    }

    /// Forgets a failure so the next read downloads again.
    pub fn retry(self, lang: Lang) {
        self.state.update(|s| s[slot(lang)] = None);
    }
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or_else(|| "no window".to_string())?;
    let res = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| "the network request failed".to_string())?;
    let res: web_sys::Response = res
        .dyn_into()
        .map_err(|_| "not an HTTP response".to_string())?;
    if !res.ok() {
        return Err(format!("HTTP {}", res.status()));
    }
    let text = res
        .text()
        .map_err(|_| "the response has no text".to_string())?;
    let text = JsFuture::from(text)
        .await
        .map_err(|_| "the download stopped".to_string())?;
    text.as_string()
        .ok_or_else(|| "the response has no text".to_string())
}
