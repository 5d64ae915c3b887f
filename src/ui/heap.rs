//! Test and bench hook (README): the Rust heap's live bytes and blocks. The wasm linear memory
//! (`asyncPlaygroundWasmBytes`) grows by 64 KiB pages and never shrinks, so it shows a leak only
//! once the leak has filled pages; the allocator's own count shows every byte kept, run after run.
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

struct Counting;

static BYTES: AtomicUsize = AtomicUsize::new(0);
static BLOCKS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is passed to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            BYTES.fetch_add(l.size(), Relaxed);
            BLOCKS.fetch_add(1, Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            BYTES.fetch_add(l.size(), Relaxed);
            BLOCKS.fetch_add(1, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        BYTES.fetch_sub(l.size(), Relaxed);
        BLOCKS.fetch_sub(1, Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            BYTES.fetch_sub(l.size(), Relaxed);
            BYTES.fetch_add(new, Relaxed);
        }
        q
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Sets `globalThis.asyncPlaygroundHeap()`: `{ bytes, blocks }` live in the Rust heap now.
pub fn install_hook() {
    use wasm_bindgen::prelude::*;
    let f = Closure::<dyn Fn() -> JsValue>::new(|| {
        let o = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&o, &"bytes".into(), &(BYTES.load(Relaxed) as f64).into());
        let _ = js_sys::Reflect::set(&o, &"blocks".into(), &(BLOCKS.load(Relaxed) as f64).into());
        o.into()
    });
    let _ = js_sys::Reflect::set(&js_sys::global(), &"asyncPlaygroundHeap".into(), f.as_ref());
    // Lives as long as the page.
    f.forget();
}
