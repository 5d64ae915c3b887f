//! The compiler end to end: what a script prints, and where and why it is refused.
use super::*;
use crate::model::scenario::{CodeLang, Piece, Step, Text};
use crate::model::value::Value;

fn ok(src: &str) -> Scenario {
    compile(src, Mode::Concurrent).unwrap_or_else(|e| panic!("{:?}", e))
}
fn err(src: &str) -> ScriptError {
    compile(src, Mode::Concurrent)
        .expect_err("should fail")
        .remove(0)
}

#[test]
fn base64url_round_trips_utf8() {
    for s in ["", "a", "ab", "abc", "print(\"café ñ ü\")\n", STARTER] {
        let e = encode_src(s);
        assert!(!e.contains('=') && !e.contains('+') && !e.contains('/'));
        assert_eq!(decode_src(&e).as_deref(), Some(s));
        assert!(s.is_empty() || super::super::params::is_base64url(&e));
    }
    assert_eq!(decode_src("!!!notbase64"), None);
    assert_eq!(decode_src("a"), None);
    assert_eq!(decode_src("_w"), None, "0xff is not UTF-8");
}

#[test]
fn the_starter_compiles_and_gathers_in_argument_order() {
    let s = ok(STARTER);
    let names: Vec<&str> = s.tasks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "main",
            "download page",
            "download a",
            "download b",
            "download c"
        ]
    );
    assert_eq!(s.semaphores, vec![2]);
    assert_eq!(
        s.tasks[0].body,
        vec![
            Step::Spawn(1),
            Step::Gather(vec![2, 3, 4]),
            Step::Print(Text(vec![Piece::Lit("got ".into()), Piece::Result])),
            Step::Await(1),
            // No `return`: main returns None, as in Python.
            Step::Return(Value::Null),
        ]
    );
    assert_eq!(
        s.tasks[2].body,
        vec![
            Step::Acquire(0),
            Step::Print(Text::lit("a: start")),
            Step::Sleep(1000),
            Step::Print(Text::lit("a: done")),
            Step::Release(0),
            Step::Return(Value::str("a")),
        ]
    );
    let seq = compile(STARTER, Mode::Sequential).unwrap();
    assert_eq!(seq.tasks[0].body[0], Step::Await(1));
}

#[test]
fn loops_spreads_blocking_and_never_awaited() {
    let s = ok("import asyncio, time
async def job(i):
    await asyncio.sleep(0.25)
    return i

async def main():
    for k in range(2):
        time.sleep(0.1)
    r = await asyncio.gather(*(job(i) for i in range(1, 4)))
    print(f\"all {r}\")
    job(9)

asyncio.run(main())
");
    assert_eq!(s.tasks.len(), 5);
    assert_eq!(
        s.tasks[0].body,
        vec![
            Step::Block(100),
            Step::Block(100),
            Step::Gather(vec![1, 2, 3]),
            Step::Print(Text(vec![Piece::Lit("all ".into()), Piece::Result])),
            Step::CallNoAwait(4),
            Step::Return(Value::Null),
        ]
    );
    assert_eq!(
        s.tasks[1].body,
        vec![Step::Sleep(250), Step::Return(Value::Int(1))]
    );
}

#[test]
fn timeouts_in_try_except() {
    let s = ok("import asyncio
async def slow():
    await asyncio.sleep(5)
async def main():
    try:
        async with asyncio.timeout(1.5):
            await slow()
            print(\"in time\")
    except TimeoutError:
        print(\"too slow\")
    print(\"after\")
asyncio.run(main())
");
    assert_eq!(
        s.tasks[0].body,
        vec![
            Step::Timeout {
                ms: 1500,
                body: vec![Step::Await(1), Step::Print(Text::lit("in time"))],
                on_timeout: vec![Step::Print(Text::lit("too slow"))],
            },
            Step::Print(Text::lit("after")),
            Step::Return(Value::Null),
        ]
    );
    let bare = err("async def main():\n    async with asyncio.timeout(1):\n        pass\nasyncio.run(main())\n");
    assert_eq!((bare.line, bare.kind), (2, ErrorKind::TryShape));
    let other = err("async def main():\n    try:\n        async with asyncio.timeout(1):\n            pass\n    except ValueError:\n        pass\nasyncio.run(main())\n");
    assert_eq!((other.line, other.kind), (5, ErrorKind::TryShape));
}

#[test]
fn errors_name_line_and_column() {
    let e = err("async def main():\n    await asyncio.slep(1)\nasyncio.run(main())\n");
    assert_eq!((e.line, e.col), (2, 11));
    let e = err("async def main():\n    print(x)\nasyncio.run(main())\n");
    assert_eq!(
        (e.line, e.kind.clone()),
        (2, ErrorKind::UnknownName("x".into()))
    );
    let e = err("async def main():\n    print(\"hi)\nasyncio.run(main())\n");
    assert_eq!(
        (e.line, e.col, e.kind.clone()),
        (2, 11, ErrorKind::UnclosedString)
    );
    let e = err("async def main():\n    await asyncio.sleep(1)\n");
    assert_eq!(e.kind, ErrorKind::NoRun);
    let e = err("async def main():\n    await asyncio.sleep(100000)\nasyncio.run(main())\n");
    assert!(matches!(e.kind, ErrorKind::BadNumber { .. }));
    let e = err("async def main():\n\tawait asyncio.sleep(1)\nasyncio.run(main())\n");
    assert_eq!(e.kind, ErrorKind::Tab);
    let e = err("async def main():\n    await f(1)\nasyncio.run(main())\n");
    assert_eq!(e.kind, ErrorKind::UnknownFunction("f".into()));
    let e = err("def main():\n    pass\n");
    assert_eq!(e.kind, ErrorKind::NotAsync("main".into()));
    assert_eq!((e.line, e.col), (1, 1));
    assert_eq!(
        err("s = asyncio.Semaphore(0)\n").kind,
        ErrorKind::BadNumber {
            min: "1".into(),
            max: "1000".into()
        }
    );
}

#[test]
fn hostile_scripts_are_refused_not_fatal() {
    // 100,000 tasks.
    let e = err("async def j():\n    pass\nasync def main():\n    await asyncio.gather(*(j() for i in range(100000)))\nasyncio.run(main())\n");
    assert!(matches!(e.kind, ErrorKind::TooMany { .. }));
    // Unbounded recursion.
    let e = err(
        "async def f():\n    await f()\nasync def main():\n    await f()\nasyncio.run(main())\n",
    );
    assert_eq!(e.kind, ErrorKind::TooDeep(Nesting::Awaits));
    // Deep nesting.
    let mut deep = String::from("async def main():\n");
    for d in 1..40 {
        deep.push_str(&" ".repeat(4 * d));
        deep.push_str("for i in range(1):\n");
    }
    deep.push_str(&" ".repeat(160));
    deep.push_str("pass\nasyncio.run(main())\n");
    assert!(compile(&deep, Mode::Concurrent).is_err());
    // 1 MB.
    let big = "#".repeat(1 << 20);
    assert!(matches!(err(&big).kind, ErrorKind::TooLong { .. }));
    // Loops multiplying tasks.
    let e = err("async def j():\n    pass\nasync def main():\n    for a in range(200):\n        for b in range(200):\n            j()\nasyncio.run(main())\n");
    assert!(matches!(e.kind, ErrorKind::TooMany { .. }));
}

/// The lines the Python plan prints.
fn printed(src: &str) -> Vec<String> {
    let s = ok(src);
    let tr = crate::model::plan::plan(&s, CodeLang::Python).unwrap();
    tr.prints().iter().map(|p| p.to_string()).collect()
}

fn main_of(body: &str) -> String {
    format!("import asyncio\nasync def main():\n{body}\nasyncio.run(main())\n")
}

#[test]
fn a_tab_indented_comment_or_blank_line_is_nothing() {
    let p = printed("import asyncio\nasync def main():\n    print(1)\n\t# a note\n\t\n    print(2)\nasyncio.run(main())\n");
    assert_eq!(p, ["1", "2"]);
    // A statement indented with a tab is still refused, at the tab.
    let e = err("async def main():\n\tprint(1)\nasyncio.run(main())\n");
    assert_eq!((e.line, e.col, e.kind), (2, 1, ErrorKind::Tab));
}

#[test]
fn string_escapes_as_cpython() {
    let p = printed(&main_of(
        r#"    print("a\tb", "\x41", "l1\nl2", r"\d\n", '\101', "\u00e9\U0001F600", 'it\'s', "\\")"#,
    ));
    assert_eq!(p, ["a\tb A l1\nl2 \\d\\n A é😀 it's \\"]);
    let p = printed(&main_of(r#"    print(f"{{\x41}}", rf"\t{{}}")"#));
    assert_eq!(p, ["{A} \\t{}"]);
    for (code, kind) in [
        (r#"    print("\d")"#, ErrorKind::BadEscape("\\d".into())),
        (r#"    print("\x4")"#, ErrorKind::BadEscape("\\x".into())),
        (r#"    print("\777")"#, ErrorKind::BadEscape("\\7".into())),
        (
            r#"    print("\ud800")"#,
            ErrorKind::BadEscape("\\ud800".into()),
        ),
        (r#"    print("\N{BULLET}")"#, ErrorKind::NamedEscape),
        (r#"    print(b"x")"#, ErrorKind::Bytes),
        (r#"    print("""x""")"#, ErrorKind::TripleQuoted),
    ] {
        let e = err(&main_of(code));
        assert_eq!((e.line, e.kind), (3, kind), "{code}");
        assert!(e.col >= 11, "{code}: col {}", e.col);
    }
}

#[test]
fn a_float_prints_as_a_float_everywhere() {
    let src = "import asyncio\nasync def half():\n    return 0.5\nasync def one():\n    return 1\nasync def main():\n    r = await asyncio.gather(half(), one())\n    print(r)\n    x = await half()\n    print(x, f\"{x}\", -2.50, 1e0 if False else 3.0)\nasyncio.run(main())\n";
    // (`1e0 if …` is not in the subset.)
    assert!(compile(src, Mode::Concurrent).is_err());
    let src = src.replace(", 1e0 if False else 3.0", ", 3.0, 0.00001, 1_000.25");
    assert_eq!(
        printed(&src),
        ["[0.5, 1]", "0.5 0.5 -2.5 3.0 1e-05 1000.25"]
    );
    let s = ok(&src);
    let js = crate::model::plan::plan(&s, CodeLang::Js).unwrap();
    assert_eq!(js.prints()[0], "[ 0.5, 1 ]");
}

#[test]
fn tasks_left_running_when_main_returns_are_refused_where_they_start() {
    let e = err("import asyncio\nasync def bg():\n    await asyncio.sleep(1)\n    print(\"late\")\nasync def main():\n    t = asyncio.create_task(bg())\n    await asyncio.sleep(0.1)\nasyncio.run(main())\n");
    assert_eq!((e.line, e.col), (6, 29));
    assert_eq!(e.kind, ErrorKind::StillRunning("bg".into()));
    // Created and never given a turn: CPython cancels it before it starts.
    let e = err(
        &main_of("    t = asyncio.create_task(asyncio_job())\n    print(1)").replace(
            "async def main",
            "async def asyncio_job():\n    print(\"ran\")\nasync def main",
        ),
    );
    assert!(matches!(e.kind, ErrorKind::StillRunning(_)), "{e:?}");
    // Awaited before main returns: fine.
    ok("import asyncio\nasync def bg():\n    await asyncio.sleep(1)\nasync def main():\n    t = asyncio.create_task(bg())\n    await t\nasyncio.run(main())\n");
}

#[test]
fn print_and_return_of_an_await() {
    let src = "import asyncio\nasync def f(x):\n    await asyncio.sleep(0.1)\n    return x\nasync def g():\n    return await f(7)\nasync def main():\n    print(\"got\", await f(\"a\"), \"!\")\n    print(await g())\n    print(await asyncio.sleep(0))\nasyncio.run(main())\n";
    assert_eq!(printed(src), ["got a !", "7", "None"]);
    let e = err(&main_of("    print(await f(), await f())")
        .replace("async def main", "async def f():\n    pass\nasync def main"));
    assert_eq!(e.kind, ErrorKind::AwaitHere);
}

#[test]
fn f_string_fields_and_formats_as_cpython() {
    let src = main_of(
            "    x = 0.5\n    for i in range(2):\n        print(f\"{i+1}/{i * 3}: {x:.2f} [{x:>8}] [{'ab':^6}] {i!r} {1234567:,} {7:+04d} {0.25:.1%}\")",
        );
    // `x = 0.5` is not a statement of the subset: a parameter carries it.
    assert!(compile(&src, Mode::Concurrent).is_err());
    let src = "import asyncio\nasync def show(x, s):\n    for i in range(2):\n        print(f\"{i+1}/{i * 3}: {x:.2f} [{x:>8}] [{s:^6}] {s!r} {x:08.3f} {i:+04d} {x:.1%} {i - 1}\")\nasync def main():\n    await show(0.5, \"ab\")\nasyncio.run(main())\n";
    assert_eq!(
        printed(src),
        [
            "1/0: 0.50 [     0.5] [  ab  ] 'ab' 0000.500 +000 50.0% -1",
            "2/3: 0.50 [     0.5] [  ab  ] 'ab' 0000.500 +001 50.0% 0"
        ]
    );
    // Refused cleanly, at the field.
    for (field, kind) in [
        ("{x", ErrorKind::FStringUnclosed),
        ("}b", ErrorKind::FStringBrace),
        ("{x:e}", ErrorKind::FormatSpec("e".into())),
        ("{x.y}", ErrorKind::FStringExpr("x.y".into())),
        ("{x=}", ErrorKind::FStringExpr("x=".into())),
    ] {
        let src = format!("async def main():\n    print(f\"..{field}\")\nasyncio.run(main())\n");
        let e = compile(
            &src.replace("main():", "main():\n    pass"),
            Mode::Concurrent,
        )
        .expect_err(field)
        .remove(0);
        assert_eq!(e.kind, kind, "{field}");
        assert_eq!((e.line, e.col), (3, 15), "{field}");
    }
}

#[test]
fn one_asyncio_run_and_no_shadowed_builtins() {
    let e = err("import asyncio\nasync def main():\n    print(1)\nasyncio.run(main())\nasyncio.run(main())\n");
    assert_eq!((e.line, e.col, e.kind), (5, 1, ErrorKind::RunTwice));
    let e = err("import asyncio\nasync def print(x):\n    pass\nasync def main():\n    print(1)\nasyncio.run(main())\n");
    assert_eq!((e.line, e.col), (2, 11));
    assert_eq!(e.kind, ErrorKind::Shadow("print".into()));
    let e =
        err("async def f(range):\n    pass\nasync def main():\n    pass\nasyncio.run(main())\n");
    assert_eq!(e.kind, ErrorKind::Shadow("range".into()));
}

#[test]
fn limits_name_what_they_limit() {
    // 20,000 printed lines and no task: accepted (the old build said "more than 10000 tasks").
    let s = ok(&main_of("    for i in range(20000):\n        print(i)"));
    assert_eq!(s.tasks.len(), 1);
    let e = err(&main_of("    for i in range(20001):\n        print(i)"));
    assert_eq!((e.line, e.kind.clone()), (4, ErrorKind::TooManyLines));
    // Blocks nested too deep: said so, at the first statement past the limit.
    let mut deep = String::from("async def main():\n");
    for d in 1..=MAX_DEPTH + 1 {
        deep.push_str(&format!("{}for i{d} in range(1):\n", " ".repeat(4 * d)));
    }
    deep.push_str(&format!(
        "{}pass\nasyncio.run(main())\n",
        " ".repeat(4 * (MAX_DEPTH + 2))
    ));
    let e = err(&deep);
    assert_eq!(e.kind, ErrorKind::TooDeep(Nesting::Blocks));
    assert_eq!((e.line, e.col), (MAX_DEPTH + 2, 4 * (MAX_DEPTH + 1) + 1));
    // Eleven blocks deep, a call with a signed argument inside is no nesting problem.
    let mut ok_deep =
        String::from("import asyncio\nasync def f(x):\n    pass\nasync def main():\n");
    for d in 1..MAX_DEPTH {
        ok_deep.push_str(&format!("{}for i{d} in range(1):\n", " ".repeat(4 * d)));
    }
    ok_deep.push_str(&format!(
        "{}await f(-1)\nasyncio.run(main())\n",
        " ".repeat(4 * MAX_DEPTH)
    ));
    ok(&ok_deep);
    // Unbounded recursion: the awaits chain.
    let e = err(
        "async def f():\n    await f()\nasync def main():\n    await f()\nasyncio.run(main())\n",
    );
    assert_eq!(e.kind, ErrorKind::TooDeep(Nesting::Awaits));
}

#[test]
fn whole_program_time_is_bounded_before_it_runs() {
    let e = err(
        &main_of("    for i in range(10000):\n        time.sleep(60)")
            .replace("import asyncio", "import asyncio, time"),
    );
    assert_eq!(
        e.kind,
        ErrorKind::TooLongInAll {
            blocking: false,
            ms: 600_000_000
        }
    );
    let e = err(&main_of("    for i in range(2):\n        time.sleep(31)")
        .replace("import asyncio", "import asyncio, time"));
    assert_eq!(e.line, 5, "at asyncio.run");
    assert!(matches!(e.kind, ErrorKind::TooLongInAll { .. }), "{e:?}");
    let e = err(&main_of(
        "    for i in range(3):\n        await asyncio.sleep(25)",
    ));
    assert_eq!(
        e.kind,
        ErrorKind::TooLongInAll {
            blocking: false,
            ms: 75_000
        }
    );
    // Blocking in all, beyond the time the program lasts for main: counted separately.
    let e = err("import asyncio, time\nasync def b():\n    time.sleep(40)\nasync def main():\n    await asyncio.gather(b(), b())\nasyncio.run(main())\n");
    assert!(matches!(e.kind, ErrorKind::TooLongInAll { .. }), "{e:?}");
    ok(&main_of(
        "    for i in range(2):\n        await asyncio.sleep(30)",
    ));
}

#[test]
fn a_bom_is_nothing_and_no_message_hides_a_character() {
    let p = printed(&format!("\u{feff}{}", main_of("    print(1)")));
    assert_eq!(p, ["1"]);
    for bad in ["\u{200b}", "\u{feff}", "\u{1}", "\u{202e}", "\u{a0}"] {
        let e = err(&main_of(&format!("    print(1){bad}")));
        // The words are checked in `i18n::script`; here, the text they are made from.
        let ErrorKind::Unexpected { found: t, .. } = &e.kind else {
            panic!("{e:?}");
        };
        assert!(!t.contains(bad), "{t:?}");
        assert!(
            t.contains(&format!("U+{:04X}", bad.chars().next().unwrap() as u32)),
            "{t}"
        );
    }
}
