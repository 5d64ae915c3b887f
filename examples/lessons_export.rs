//! Writes `<dir>/{en,fr,es}.txt`, the lessons the page downloads (see `src/lessons/wire.rs`).
//! Trunk runs it after each build (`Trunk.toml`, post_build hook) into the staging directory, so
//! `dist/lessons/` always matches `lessons/*/*.md`. It refuses, like `build.rs`, any lesson the
//! lint rejects. Native only: the lint needs `pulldown-cmark` and `toml`.
#[cfg(not(target_arch = "wasm32"))]
#[path = "../src/lessons/lint.rs"]
mod lint;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use std::path::Path;
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: lessons_export <output dir>");
        return std::process::ExitCode::from(2);
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    let files = match lint::export(&root, true) {
        Ok(files) => files,
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            return std::process::ExitCode::FAILURE;
        }
    };
    let dir = Path::new(&dir);
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("{}: {e}", dir.display());
        return std::process::ExitCode::FAILURE;
    }
    for (lang, text) in files {
        let path = dir.join(format!("{lang}.txt"));
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("{}: {e}", path.display());
            return std::process::ExitCode::FAILURE;
        }
    }
    std::process::ExitCode::SUCCESS
}

// The wasm32 clippy pass builds every target; there is nothing to export from a browser.
#[cfg(target_arch = "wasm32")]
fn main() {}
