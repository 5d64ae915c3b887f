//! The crash path. With `panic = "abort"` the wasm is dead once a panic ends, so the panel, the
//! console line and the host's `error` message come from static/boot.js
//! (`globalThis.asyncPlaygroundCrash`); the hook only hands it the message.
use wasm_bindgen::{JsCast, JsValue};

pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        let crash = js_sys::Reflect::get(
            &js_sys::global(),
            &JsValue::from_str("asyncPlaygroundCrash"),
        )
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        match crash {
            Some(f) => {
                let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&message));
            }
            // Without boot.js (e.g. browser tests) the message still reaches the console.
            None => console_error_panic_hook::hook(info),
        }
    }));
}
