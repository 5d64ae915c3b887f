//! Compiles `lessons/{en,fr,es}/*.md` into `$OUT_DIR/lessons.rs` (static data, no Markdown
//! parser in the wasm) and refuses the build, naming `file:line: reason`, on anything
//! `src/lessons/lint.rs` rejects.
#[path = "src/lessons/lint.rs"]
mod lint;

use std::path::Path;

/// Missing translations and questions that do not mirror English are errors (not warnings)
/// now that all three languages are complete.
const STRICT: bool = true;

fn main() {
    // A directory is scanned whole: edited, new and removed lesson files all rerun this.
    println!("cargo:rerun-if-changed=lessons");
    println!("cargo:rerun-if-changed=src/lessons/lint.rs");
    println!("cargo:rerun-if-changed=src/model/scenario_ids.in");
    println!("cargo:rerun-if-changed=build.rs");

    let out = match lint::build(Path::new("lessons"), STRICT) {
        Ok((out, warnings)) => {
            for w in &warnings {
                println!("cargo:warning={w}");
            }
            out
        }
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("lessons refused:\n{}", list.join("\n"));
        }
    };

    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("lessons.rs");
    std::fs::write(&dest, out).expect("write lessons.rs");
}
