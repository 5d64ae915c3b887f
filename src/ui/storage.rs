//! localStorage behind a wall: a sandboxed iframe throws SecurityError on mere access, and
//! private modes refuse writes. Every failure means "memory only", never an error.
pub fn get(key: &str) -> Option<String> {
    let storage = web_sys::window()?.local_storage().ok()??;
    storage.get_item(key).ok()?
}

pub fn set(key: &str, value: &str) {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    if let Some(s) = storage {
        let _ = s.set_item(key, value);
    }
}
