#[cfg(target_arch = "wasm32")]
fn main() {
    async_playground::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Async Playground runs in the browser: build it with `trunk build --release`.");
}
