//! The cpu-bound computation as one small WebAssembly module (`sieve.wat` → `sieve.wasm`): the
//! main thread instantiates it here and every worker lane instantiates the same bytes
//! (`worker.rs` sends them), so a piece is the same code at the same speed on either side.
//! (Before, the main thread ran the Rust sieve inside the app's wasm and workers a JavaScript
//! copy that ran ~2–4× slower, so "the fix" lost.)
use std::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};

pub const BYTES: &[u8] = include_bytes!("sieve.wasm");

thread_local! {
    static COUNT: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

fn load() -> Result<js_sys::Function, JsValue> {
    let bytes = js_sys::Uint8Array::from(BYTES);
    let module = js_sys::WebAssembly::Module::new(&bytes)?;
    let instance = js_sys::WebAssembly::Instance::new(&module, &js_sys::Object::new())?;
    let f = js_sys::Reflect::get(&instance.exports(), &"count_primes_below".into())?;
    f.dyn_into::<js_sys::Function>()
}

/// The primes below `n` (at most 50,000,000), computed by the shared module; `None` if the
/// module cannot run here.
pub fn count_primes_below(n: u64) -> Option<u64> {
    let f = COUNT.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = load().ok();
        }
        c.clone()
    })?;
    let n = n.min(50_000_000) as f64;
    f.call1(&JsValue::UNDEFINED, &JsValue::from(n))
        .ok()?
        .as_f64()
        .filter(|c| *c >= 0.0)
        .map(|c| c as u64)
}
