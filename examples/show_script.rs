//! Prints the code view of an editor script: `cargo run --example show_script -- js < file.py`.
use std::io::Read;

use async_playground::model::codegen::generate;
use async_playground::model::scenario::CodeLang;
use async_playground::model::script::compile;
use async_playground::model::trace::Mode;

fn main() {
    let lang = match std::env::args().nth(1).as_deref() {
        Some("js") => CodeLang::Js,
        Some("rust") => CodeLang::Rust,
        _ => CodeLang::Python,
    };
    let mut src = String::new();
    if std::io::stdin().read_to_string(&mut src).is_err() {
        eprintln!("could not read the script from stdin");
        std::process::exit(2);
    }
    match compile(&src, Mode::Concurrent) {
        Ok(s) => print!("{}", generate(&s, lang).text),
        Err(errs) => {
            for e in errs {
                eprintln!(
                    "{}",
                    async_playground::i18n::script_error(
                        async_playground::model::params::Lang::En,
                        &e
                    )
                );
            }
            std::process::exit(1);
        }
    }
}
