//! The address bar: parsing the query at start, keeping it in step with the view
//! (`history.replaceState`), and the share link.
use wasm_bindgen::JsValue;

use crate::model::params::{self, Parsed, Settings};

/// The page's query as decoded pairs, in order (as `URLSearchParams` decodes them).
pub fn query_pairs() -> Vec<(String, String)> {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let Ok(sp) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in js_sys::try_iter(&sp).ok().flatten().into_iter().flatten() {
        let Ok(pair) = entry else { continue };
        let pair = js_sys::Array::from(&pair);
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            out.push((k, v));
        }
    }
    out
}

fn languages() -> Vec<String> {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    nav.languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

pub fn parse_location() -> Parsed {
    let prefs = languages();
    let prefs: Vec<&str> = prefs.iter().map(String::as_str).collect();
    let pairs = query_pairs();
    let mut parsed = params::parse_query(&pairs, &prefs);
    // A theme chosen earlier on this device, unless the link sets one (storage may be blocked).
    if !pairs.iter().any(|(k, _)| k == "theme") {
        if let Some(t) = super::storage::get(THEME_KEY).and_then(|v| params::Theme::parse(&v)) {
            parsed.settings.theme = t;
        }
    }
    parsed
}

pub const THEME_KEY: &str = "ap.theme";

fn encode(pairs: &[(String, String)]) -> String {
    let Ok(sp) = web_sys::UrlSearchParams::new() else {
        return String::new();
    };
    for (k, v) in pairs {
        sp.append(k, v);
    }
    String::from(sp.to_string())
}

/// The address of this view (origin + path + query, no hash).
pub fn share_link(s: &Settings) -> String {
    let loc = web_sys::window().map(|w| w.location());
    let base = loc
        .map(|l| {
            format!(
                "{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!("{base}?{}", encode(&params::to_query(s)))
}

/// Rewrites the address bar for `s` without a new history entry. `panic=1` is dropped: a
/// reload must not crash again.
pub fn replace(s: &Settings) {
    let Some(w) = web_sys::window() else { return };
    let hash = w.location().hash().unwrap_or_default();
    let url = format!("?{}{hash}", encode(&params::to_query(s)));
    if let Ok(h) = w.history() {
        // Refused in some sandboxes (opaque origins): the view still works without it.
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
}
