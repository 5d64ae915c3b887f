//! The refusals in words, for the scripts `model::script`'s tests refuse.
use super::*;
use crate::model::script::compile;
use crate::model::trace::Mode;

fn err(src: &str) -> ScriptError {
    compile(src, Mode::Concurrent)
        .expect_err("should fail")
        .remove(0)
}

fn main_of(body: &str) -> String {
    format!("import asyncio\nasync def main():\n{body}\nasyncio.run(main())\n")
}

#[test]
fn a_refusal_names_its_line_and_column_in_the_language() {
    let e = err("def main():\n    pass\n");
    assert!(script_error(Lang::Fr, &e).starts_with("ligne 1, colonne 1\u{a0}: main doit"));
    let e = err("s = asyncio.Semaphore(0)\n");
    assert!(script_error(Lang::Es, &e).contains("de 1 a 1000"));
    let e = err("import asyncio\nasync def bg():\n    await asyncio.sleep(1)\n    print(\"late\")\nasync def main():\n    t = asyncio.create_task(bg())\n    await asyncio.sleep(0.1)\nasyncio.run(main())\n");
    assert!(script_error(Lang::En, &e).contains("CPython cancels it"));
}

#[test]
fn limits_name_what_they_limit() {
    let e = err(&main_of("    for i in range(20001):\n        print(i)"));
    assert!(script_error(Lang::En, &e).contains("more than 20000 lines"));
    // (That a program nested too deep is refused so: `model::script`'s own test.)
    let deep = script_error_kind(Lang::En, &ErrorKind::TooDeep(Nesting::Blocks));
    assert!(deep.contains("blocks inside one another"));
    let e = err(
        "async def f():\n    await f()\nasync def main():\n    await f()\nasyncio.run(main())\n",
    );
    assert!(script_error(Lang::Fr, &e).contains("fonctions qui s’attendent"));
    let e = err(&main_of(
        "    for i in range(3):\n        await asyncio.sleep(25)",
    ));
    assert!(script_error(Lang::Es, &e).contains("como máximo 60 s por programa"));
}

#[test]
fn no_message_hides_a_character() {
    for bad in ["\u{200b}", "\u{feff}", "\u{1}", "\u{202e}", "\u{a0}"] {
        let e = err(&main_of(&format!("    print(1){bad}")));
        for lang in Lang::ALL {
            let t = script_error_kind(lang, &e.kind);
            assert!(!t.contains(bad), "{t:?}");
            assert!(
                t.contains(&format!("U+{:04X}", bad.chars().next().unwrap() as u32)),
                "{t}"
            );
        }
    }
}

#[test]
fn every_language_has_every_hole() {
    // A hole a language forgot would print as `{name}`.
    let kinds = [
        ErrorKind::TooLong { bytes: 5000 },
        ErrorKind::Unexpected {
            found: "x".into(),
            wanted: "“(”",
        },
        ErrorKind::Arity {
            name: "f".into(),
            wanted: 2,
            got: 3,
        },
        ErrorKind::BadNumber {
            min: "1".into(),
            max: "1000".into(),
        },
        ErrorKind::TooMany {
            what: "tasks",
            max: 10000,
        },
        ErrorKind::TooLongInAll {
            blocking: false,
            ms: 75_001,
        },
        ErrorKind::TooLongInAll {
            blocking: true,
            ms: 80_000,
        },
        ErrorKind::FStringExpr("x.y".into()),
        ErrorKind::StillRunning("bg 1".into()),
    ];
    for k in &kinds {
        for lang in Lang::ALL {
            let t = script_error(
                lang,
                &ScriptError {
                    line: 3,
                    col: 7,
                    kind: k.clone(),
                },
            );
            for hole in [
                "{bytes}", "{max}", "{found}", "{wanted}", "{name}", "{got}", "{min}", "{what}",
                "{s}", "{e}", "{task}", "{line}", "{col}",
            ] {
                assert!(!t.contains(hole), "{lang:?} {k:?}: {t}");
            }
        }
    }
}
