//! The built-in scenarios as data (`docs/SCENARIOS.md`). OWNER: planner helper.
//!
//! Every job prints when it begins its work and when it finishes (or, from `on_cancel`, when it
//! is cancelled); `main` prints the outcome. Sequential variants are derived by
//! [`sequentialize`] (each spawned / gathered task awaited in place, in argument order, then a
//! `Gather` that only collects their results) unless a scenario defines its own.
use std::collections::BTreeSet;

use super::scenario::{
    Combinator, Params, Piece, Scenario, ScenarioError, Step, TaskDef, TaskId, Text,
};
use super::trace::{Mode, Queue};
use super::value::Value;

/// Every catalog id, in the order the scenario menu lists them.
pub const IDS: [&str; 16] = include!("scenario_ids.in");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamSpec {
    pub name: &'static str,
    pub min: u64,
    pub max: u64,
    pub default: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    pub id: &'static str,
    /// One program whatever the mode (`hello`, `timeout`, …): compare runs it once.
    pub one_program: bool,
    /// Holds the thread (`blocking-mistake`, `cpu-bound`, `threads-vs-async`): compare runs its
    /// two halves one after the other, each drawn from 0.
    pub holds_thread: bool,
    /// Has Web Worker lanes.
    pub uses_workers: bool,
    /// Sequential / concurrent are "the mistake" / "the fix" (labelled so in the UI).
    pub mistake_and_fix: bool,
}

/// The code view a scenario opens on when the link does not say: `event-loop-order` is about
/// `setTimeout` and `Promise.then`, so JavaScript.
pub fn code_of(id: &str) -> Option<crate::model::scenario::CodeLang> {
    (id == "event-loop-order").then_some(crate::model::scenario::CodeLang::Js)
}

/// The id of a script written in the editor (`scenario=custom&src=…`, `model::script`).
pub const CUSTOM: &str = "custom";

pub fn info(id: &str) -> Option<Info> {
    IDS.iter()
        .chain([&CUSTOM])
        .find(|i| **i == id)
        .map(|id| Info {
            id,
            one_program: matches!(
                *id,
                "hello"
                    | "timeout"
                    | "weather-partial"
                    | "never-awaited"
                    | "event-loop-order"
                    | "promise-combinators"
            ),
            holds_thread: matches!(*id, "blocking-mistake" | "cpu-bound" | "threads-vs-async"),
            uses_workers: matches!(*id, "cpu-bound" | "threads-vs-async"),
            mistake_and_fix: matches!(*id, "blocking-mistake" | "cpu-bound"),
        })
}

const CRAWLER: [ParamSpec; 3] = [
    ParamSpec {
        name: "count",
        min: 1,
        max: 10_000,
        default: 10,
    },
    ParamSpec {
        name: "limit",
        min: 1,
        max: 1_000,
        default: 3,
    },
    ParamSpec {
        name: "ms",
        min: 0,
        max: 60_000,
        default: 1000,
    },
];
const GATHER_FETCH: [ParamSpec; 2] = [
    ParamSpec {
        name: "count",
        min: 1,
        max: 10_000,
        default: 3,
    },
    ParamSpec {
        name: "ms",
        min: 0,
        max: 60_000,
        default: 1000,
    },
];
const TIMEOUT: [ParamSpec; 2] = [
    ParamSpec {
        name: "budget",
        min: 0,
        max: 600_000,
        default: 2000,
    },
    ParamSpec {
        name: "ms",
        min: 0,
        max: 600_000,
        default: 10_000,
    },
];
const WEATHER: [ParamSpec; 1] = [ParamSpec {
    name: "budget",
    min: 0,
    max: 600_000,
    default: 3000,
}];

/// Parameter ranges and defaults of a scenario (empty for most).
pub fn param_specs(id: &str) -> &'static [ParamSpec] {
    match id {
        "crawler" => &CRAWLER,
        "gather-fetch" => &GATHER_FETCH,
        "timeout" => &TIMEOUT,
        "weather" | "weather-partial" => &WEATHER,
        _ => &[],
    }
}

/// The work of one `cpu-bound` piece: count the primes below this number.
pub const CPU_WORK: u64 = 1_000_000;
/// What the planner assumes one piece takes (the real figure is measured on the device).
pub const CPU_ESTIMATE_MS: u64 = 1000;

/// The program of `id` in `mode`, with `params` (missing ones take their defaults; out of
/// range → `BadParam`; a name the scenario does not have is ignored).
pub fn build(id: &str, mode: Mode, params: &Params) -> Result<Scenario, ScenarioError> {
    let Some(info) = info(id) else {
        return Err(ScenarioError::UnknownScenario(id.to_string()));
    };
    let mut p = Params::new();
    for spec in param_specs(id) {
        let v = params.get(spec.name).copied().unwrap_or(spec.default);
        if v < spec.min || v > spec.max {
            return Err(ScenarioError::BadParam {
                name: spec.name.to_string(),
                value: v.to_string(),
                min: spec.min,
                max: spec.max,
            });
        }
        p.insert(spec.name.to_string(), v);
    }
    let get = |name: &str| p.get(name).copied().unwrap_or(0);
    let seq = mode == Mode::Sequential;
    if info.id == CUSTOM {
        return Err(ScenarioError::Invalid(
            "a custom scenario is compiled from its script (model::script)".into(),
        ));
    }
    let (tasks, semaphores) = match info.id {
        "hello" => (hello(), vec![]),
        "gather-fetch" => (gather_fetch(get("count"), get("ms")), vec![]),
        "background-task" => (background_task(), vec![]),
        "timeout" => (timeout(get("budget"), get("ms")), vec![]),
        "breakfast" => (breakfast(), vec![]),
        "weather" => (weather(get("budget")), vec![]),
        "weather-partial" => (weather_partial(get("budget")), vec![]),
        "crawler" => {
            let limit = u32::try_from(get("limit")).unwrap_or(u32::MAX);
            (crawler(get("count"), get("ms")), vec![limit])
        }
        "unequal-gather" => (unequal_gather(), vec![]),
        "threads-vs-async" => (threads_vs_async(seq), vec![]),
        "blocking-mistake" => (blocking_mistake(seq), vec![]),
        "cpu-bound" => (cpu_bound(seq), vec![]),
        "never-awaited" => (never_awaited(), vec![]),
        "sync-vs-async-call" => (sync_vs_async_call(seq), vec![]),
        "event-loop-order" => (event_loop_order(), vec![]),
        _ => (promise_combinators(), vec![]),
    };
    // Scenarios with their own sequential program (or one program) are not derived.
    let derive = seq
        && !info.one_program
        && !matches!(
            info.id,
            "threads-vs-async" | "blocking-mistake" | "cpu-bound" | "sync-vs-async-call"
        );
    let tasks = if derive {
        tasks
            .into_iter()
            .map(|mut t| {
                t.body = sequentialize(&t.body, &mut BTreeSet::new());
                t
            })
            .collect()
    } else {
        tasks
    };
    Ok(Scenario {
        id: info.id.to_string(),
        mode,
        params: p,
        tasks,
        semaphores,
    })
}

/// The sequential form of a body: `Spawn(c)` becomes `Await(c)` where it stands (a later
/// `Await(c)` is then dropped); `Gather(cs)` becomes an `Await` of each child in argument order
/// followed by the `Gather`, which then only collects the results in argument order.
pub fn sequentialize(steps: &[Step], awaited: &mut BTreeSet<TaskId>) -> Vec<Step> {
    let mut out = Vec::with_capacity(steps.len());
    for step in steps {
        match step {
            Step::Spawn(c) | Step::Await(c) => {
                if awaited.insert(*c) {
                    out.push(Step::Await(*c));
                }
            }
            Step::Gather(cs) => {
                for c in cs {
                    if awaited.insert(*c) {
                        out.push(Step::Await(*c));
                    }
                }
                out.push(Step::Gather(cs.clone()));
            }
            Step::Timeout {
                ms,
                body,
                on_timeout,
            } => out.push(Step::Timeout {
                ms: *ms,
                body: sequentialize(body, awaited),
                on_timeout: sequentialize(on_timeout, awaited),
            }),
            other => out.push(other.clone()),
        }
    }
    out
}

/// Checks a program before it is planned or run: task and semaphore references in range, no
/// task started from two places by awaiting it in place, no task waiting (transitively) on
/// itself or on `main`, cleanup made of prints only, and sizes the planner handles quickly.
pub fn validate(s: &Scenario) -> Result<(), ScenarioError> {
    const MAX_TASKS: usize = 20_001;
    const MAX_STEPS: usize = 200_000;
    const MAX_DEPTH: usize = 32;
    let bad = |why: String| Err(ScenarioError::Invalid(why));
    let n = s.tasks.len();
    if n == 0 {
        return bad("there is no main task".into());
    }
    if n > MAX_TASKS {
        return bad(format!("{n} tasks (at most {MAX_TASKS})"));
    }
    if let Some(i) = s.semaphores.iter().position(|l| *l == 0) {
        return bad(format!("semaphore {i} has no permit"));
    }
    let mut steps = 0usize;
    let mut edges: Vec<Vec<TaskId>> = vec![Vec::new(); n];
    // The first task awaiting each task, and a second one if any.
    let mut in_place: Vec<Option<TaskId>> = vec![None; n];
    let mut two_awaiters: Vec<Option<(TaskId, TaskId)>> = vec![None; n];
    let mut spawned = vec![false; n];
    for (id, t) in s.tasks.iter().enumerate() {
        if let Some(p) = t.parent {
            if p >= n {
                return bad(format!("task {id} has an unknown parent {p}"));
            }
        }
        if let Some(step) = t.on_cancel.iter().find(|st| !matches!(st, Step::Print(_))) {
            return bad(format!(
                "task {id}: cleanup may only print, not {}",
                step_name(step)
            ));
        }
        let mut stack: Vec<(&[Step], usize)> = vec![(&t.body, 0)];
        while let Some((body, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                return bad(format!("task {id}: timeouts nested too deep"));
            }
            for step in body {
                steps += 1;
                if steps > MAX_STEPS {
                    return bad(format!("more than {MAX_STEPS} steps"));
                }
                let mut refs: Vec<TaskId> = Vec::new();
                match step {
                    Step::Spawn(c) | Step::CallNoAwait(c) => {
                        refs.push(*c);
                        if *c < n {
                            spawned[*c] = true;
                        }
                    }
                    Step::Await(c) => {
                        refs.push(*c);
                        if *c < n {
                            match in_place[*c] {
                                None => in_place[*c] = Some(id),
                                Some(first) if first != id => two_awaiters[*c] = Some((first, id)),
                                Some(_) => {}
                            }
                        }
                    }
                    Step::Gather(cs)
                    | Step::Combine { tasks: cs, .. }
                    | Step::WaitFor { tasks: cs, .. } => {
                        refs.extend(cs.iter().copied());
                        for c in cs {
                            if *c < n {
                                spawned[*c] = true;
                            }
                        }
                    }
                    Step::Acquire(sem) | Step::Release(sem) if *sem >= s.semaphores.len() => {
                        return bad(format!("task {id} uses an unknown semaphore {sem}"));
                    }
                    Step::Timeout {
                        body, on_timeout, ..
                    } => {
                        stack.push((body, depth + 1));
                        stack.push((on_timeout, depth + 1));
                    }
                    _ => {}
                }
                for c in refs {
                    if c >= n {
                        return bad(format!("task {id} refers to an unknown task {c}"));
                    }
                    if c == 0 {
                        return bad(format!("task {id} waits for main"));
                    }
                    if c == id {
                        return bad(format!("task {id} waits for itself"));
                    }
                    edges[id].push(c);
                }
            }
        }
    }
    // Awaited by two different tasks and spawned by none: both would start it in place.
    for (c, pair) in two_awaiters.iter().enumerate() {
        if let (Some((first, second)), false) = (pair, spawned[c]) {
            return bad(format!(
                "task {c} is awaited in place by task {first} and task {second}"
            ));
        }
    }
    if let Some(t) = find_cycle(&edges) {
        return bad(format!("task {t} waits for itself through other tasks"));
    }
    Ok(())
}

fn step_name(step: &Step) -> &'static str {
    match step {
        Step::Print(_) => "print",
        Step::Sleep(_) => "sleep",
        Step::Block(_) => "block",
        Step::Cpu { .. } => "cpu",
        Step::Spawn(_) => "spawn",
        Step::Await(_) => "await",
        Step::Gather(_) => "gather",
        Step::Combine { .. } => "combine",
        Step::Timeout { .. } => "timeout",
        Step::WaitFor { .. } => "wait_for",
        Step::Acquire(_) => "acquire",
        Step::Release(_) => "release",
        Step::Fail(_) => "fail",
        Step::Return(_) => "return",
        Step::CallNoAwait(_) => "call",
        Step::Schedule { .. } => "schedule",
    }
}

/// A task on a cycle of the "refers to" graph, if any (iterative DFS, colours).
fn find_cycle(edges: &[Vec<TaskId>]) -> Option<TaskId> {
    let n = edges.len();
    let mut colour = vec![0u8; n]; // 0 new, 1 on the path, 2 done
    for root in 0..n {
        if colour[root] != 0 {
            continue;
        }
        let mut stack: Vec<(TaskId, usize)> = vec![(root, 0)];
        colour[root] = 1;
        while let Some((v, i)) = stack.last().copied() {
            match edges[v].get(i) {
                Some(&w) => {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    if w >= n {
                        continue;
                    }
                    match colour[w] {
                        0 => {
                            colour[w] = 1;
                            stack.push((w, 0));
                        }
                        1 => return Some(w),
                        _ => {}
                    }
                }
                None => {
                    colour[v] = 2;
                    stack.pop();
                }
            }
        }
    }
    None
}

// ---------- building blocks ----------

fn print(s: impl Into<String>) -> Step {
    Step::Print(Text::lit(s))
}

/// `prefix` followed by the task's result, formatted as the code language prints it.
fn print_result(prefix: &str) -> Step {
    Step::Print(Text(vec![Piece::Lit(prefix.to_string()), Piece::Result]))
}

fn main_task(body: Vec<Step>) -> TaskDef {
    TaskDef::new("main", None, body)
}

/// A job that prints, sleeps `ms`, prints and returns `ret`; it prints when cancelled.
fn job(name: &str, begin: &str, ms: u64, done: &str, ret: Option<Value>) -> TaskDef {
    let mut body = vec![print(begin), Step::Sleep(ms), print(done)];
    if let Some(v) = ret {
        body.push(Step::Return(v));
    }
    let mut t = TaskDef::new(name, Some(0), body);
    t.on_cancel = vec![print(format!("{name}: cancelled"))];
    t
}

fn ids(range: std::ops::Range<usize>) -> Vec<TaskId> {
    range.collect()
}

// ---------- the scenarios ----------

fn hello() -> Vec<TaskDef> {
    vec![main_task(vec![
        print("hello"),
        Step::Sleep(1000),
        print("world"),
    ])]
}

fn gather_fetch(count: u64, ms: u64) -> Vec<TaskDef> {
    let n = usize::try_from(count).unwrap_or(0);
    let mut tasks = vec![main_task(vec![
        Step::Gather(ids(1..n + 1)),
        print_result("results: "),
    ])];
    for i in 1..=count {
        let name = format!("fetch {i}");
        let rec = Value::Record(vec![
            ("id".into(), Value::Int(i as i64)),
            ("bytes".into(), Value::Int(512 * i as i64)),
        ]);
        tasks.push(job(
            &name,
            &format!("{name}: requesting"),
            ms,
            &format!("{name}: received"),
            Some(rec),
        ));
    }
    tasks
}

fn background_task() -> Vec<TaskDef> {
    vec![
        main_task(vec![
            Step::Spawn(1),
            print("main: doing other work"),
            Step::Sleep(1000),
            print("main: waiting for bg"),
            Step::Await(1),
            print_result("main: bg returned "),
        ]),
        job(
            "bg",
            "bg: started",
            2000,
            "bg: finished",
            Some(Value::str("OK")),
        ),
    ]
}

fn timeout(budget: u64, ms: u64) -> Vec<TaskDef> {
    vec![
        main_task(vec![Step::Timeout {
            ms: budget,
            body: vec![Step::Await(1), print_result("main: got ")],
            on_timeout: vec![print(format!("main: no answer within {budget} ms"))],
        }]),
        job(
            "request",
            "request: sent",
            ms,
            "request: answered",
            Some(Value::str("200 OK")),
        ),
    ]
}

fn breakfast() -> Vec<TaskDef> {
    vec![
        main_task(vec![Step::Gather(vec![1, 2]), print("breakfast is served")]),
        job(
            "toast",
            "toast: in the toaster",
            2000,
            "toast: golden",
            Some(Value::str("toast")),
        ),
        job(
            "coffee",
            "coffee: brewing",
            2000,
            "coffee: ready",
            Some(Value::str("coffee")),
        ),
    ]
}

fn servers() -> Vec<TaskDef> {
    [
        ("A", 1000, "sunny"),
        ("B", 5000, "rainy"),
        ("C", 500, "cloudy"),
    ]
    .into_iter()
    .map(|(name, ms, sky)| {
        job(
            name,
            &format!("{name}: asking"),
            ms,
            &format!("{name}: {sky}"),
            Some(Value::str(sky)),
        )
    })
    .collect()
}

fn weather(budget: u64) -> Vec<TaskDef> {
    let mut tasks = vec![main_task(vec![Step::Timeout {
        ms: budget,
        body: vec![Step::Gather(vec![1, 2, 3]), print_result("forecasts: ")],
        on_timeout: vec![print(format!(
            "main: timed out after {budget} ms, no forecast"
        ))],
    }])];
    tasks.extend(servers());
    tasks
}

fn weather_partial(budget: u64) -> Vec<TaskDef> {
    let mut tasks = vec![main_task(vec![
        Step::WaitFor {
            tasks: vec![1, 2, 3],
            ms: budget,
        },
        print_result("kept: "),
    ])];
    tasks.extend(servers());
    tasks
}

fn crawler(count: u64, ms: u64) -> Vec<TaskDef> {
    let n = usize::try_from(count).unwrap_or(0);
    let mut tasks = vec![main_task(vec![
        Step::Gather(ids(1..n + 1)),
        print_result("downloaded: "),
    ])];
    for i in 0..count {
        let name = format!("download {i}");
        let mut t = TaskDef::new(
            name.clone(),
            Some(0),
            vec![
                Step::Acquire(0),
                print(format!("{name}: fetching")),
                Step::Sleep(ms),
                print(format!("{name}: saved")),
                Step::Release(0),
                Step::Return(Value::Int(i as i64)),
            ],
        );
        t.on_cancel = vec![print(format!("{name}: cancelled"))];
        tasks.push(t);
    }
    tasks
}

fn unequal_gather() -> Vec<TaskDef> {
    let mut tasks = vec![main_task(vec![
        Step::Gather(vec![1, 2, 3]),
        print_result("results: "),
    ])];
    for (i, ms) in [(1, 2000), (2, 1000), (3, 3000)] {
        let name = format!("task {i}");
        tasks.push(job(
            &name,
            &format!("{name}: working for {ms} ms"),
            ms,
            &format!("{name}: done"),
            Some(Value::Int(i)),
        ));
    }
    tasks
}

fn threads_vs_async(seq: bool) -> Vec<TaskDef> {
    if seq {
        // The plain synchronous program: three blocking downloads, one after another.
        let mut tasks = vec![main_task(vec![
            Step::Await(1),
            Step::Await(2),
            Step::Await(3),
            print("main: 3 downloads done"),
        ])];
        for i in 1..=3 {
            let name = format!("download {i}");
            tasks.push(TaskDef::new(
                name.clone(),
                Some(0),
                vec![
                    print(format!("{name}: fetching")),
                    Step::Block(1000),
                    print(format!("{name}: done")),
                ],
            ));
        }
        return tasks;
    }
    let mut tasks = vec![main_task(vec![
        Step::Gather(ids(1..7)),
        print("main: 3 async downloads and 3 thread downloads done"),
    ])];
    for i in 1..=3 {
        tasks.push(job(
            &format!("async {i}"),
            &format!("async {i}: fetching"),
            1000,
            &format!("async {i}: done"),
            None,
        ));
    }
    for i in 1..=3 {
        let name = format!("thread {i}");
        // A thread blocked on a download waits (the OS puts it to sleep): no CPU is used, so its
        // lane is drawn sleeping, like the async tasks' waits, and not running.
        let mut t = TaskDef::new(
            name.clone(),
            Some(0),
            vec![
                print(format!("{name}: fetching")),
                Step::Sleep(1000),
                print(format!("{name}: done")),
            ],
        );
        t.thread = Some(format!("worker-{i}"));
        tasks.push(t);
    }
    tasks
}

fn blocking_mistake(seq: bool) -> Vec<TaskDef> {
    let mut tasks = vec![main_task(vec![
        Step::Gather(vec![1, 2, 3]),
        print("main: all three done"),
    ])];
    for i in 1..=3 {
        let name = format!("task {i}");
        // The mistake holds the thread (time.sleep / a busy loop); the fix awaits a timer.
        let wait = if seq {
            Step::Block(1000)
        } else {
            Step::Sleep(1000)
        };
        let mut t = TaskDef::new(
            name.clone(),
            Some(0),
            vec![
                print(format!("{name}: waiting 1000 ms")),
                wait,
                print(format!("{name}: done")),
            ],
        );
        t.on_cancel = vec![print(format!("{name}: cancelled"))];
        tasks.push(t);
    }
    tasks
}

/// The number of primes below `n` (what one `cpu-bound` piece computes).
pub fn count_primes_below(n: u64) -> u64 {
    let n = usize::try_from(n.min(50_000_000)).unwrap_or(0);
    if n < 3 {
        return 0;
    }
    let mut composite = vec![false; n];
    let mut count = 0;
    for i in 2..n {
        if !composite[i] {
            count += 1;
            let mut j = i.saturating_mul(i);
            while j < n {
                composite[j] = true;
                j += i;
            }
        }
    }
    count
}

fn cpu_bound(seq: bool) -> Vec<TaskDef> {
    // Computed once: the UI rebuilds scenarios on every change.
    static PRIMES: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let primes = Value::Int(*PRIMES.get_or_init(|| count_primes_below(CPU_WORK)) as i64);
    let body = if seq {
        vec![
            Step::Await(1),
            Step::Await(2),
            Step::Await(3),
            Step::Gather(vec![1, 2, 3]),
            print_result("main: primes per piece "),
        ]
    } else {
        vec![
            Step::Gather(vec![1, 2, 3]),
            print_result("main: primes per piece "),
        ]
    };
    let mut tasks = vec![main_task(body)];
    for i in 1..=3 {
        let name = format!("piece {i}");
        let mut t = TaskDef::new(
            name.clone(),
            Some(0),
            vec![
                print(format!("{name}: counting primes below {CPU_WORK}")),
                Step::Cpu {
                    work: CPU_WORK,
                    estimate_ms: CPU_ESTIMATE_MS,
                },
                print(format!("{name}: done")),
                Step::Return(primes.clone()),
            ],
        );
        if !seq {
            t.thread = Some(format!("worker-{i}"));
        }
        tasks.push(t);
    }
    tasks
}

fn never_awaited() -> Vec<TaskDef> {
    let greet = |_: usize| {
        TaskDef::new(
            "greet",
            Some(0),
            vec![
                print("greet: hello"),
                Step::Sleep(1000),
                print("greet: goodbye"),
            ],
        )
    };
    vec![
        main_task(vec![
            print("main: calling greet() without await"),
            Step::CallNoAwait(1),
            print("main: calling greet() with await"),
            Step::Await(2),
            print("main: done"),
        ]),
        greet(1),
        greet(2),
    ]
}

fn sync_vs_async_call(seq: bool) -> Vec<TaskDef> {
    let main = if seq {
        // Phone call: ask, wait for the answer, only then do the other work.
        main_task(vec![
            print("you: call and wait for the answer"),
            Step::Await(1),
            Step::Await(2),
            print_result("you: the answer was "),
        ])
    } else {
        // E-mail: send, do the other work while the reply travels.
        main_task(vec![
            print("you: send the e-mail"),
            Step::Spawn(1),
            Step::Await(2),
            Step::Await(1),
            print_result("you: the answer was "),
        ])
    };
    vec![
        main,
        job(
            "answer",
            "answer: thinking",
            2000,
            "answer: ready",
            Some(Value::str("yes")),
        ),
        job(
            "other work",
            "other work: started",
            1000,
            "other work: finished",
            None,
        ),
    ]
}

fn event_loop_order() -> Vec<TaskDef> {
    let sched = |queue, text: &str| Step::Schedule {
        queue,
        text: text.to_string(),
    };
    vec![main_task(vec![
        sched(Queue::Sync, "sync: script starts"),
        sched(Queue::Macro, "macrotask: setTimeout 0"),
        sched(Queue::Micro, "microtask: promise then"),
        sched(Queue::Micro, "microtask: queueMicrotask"),
        sched(Queue::Sync, "sync: script ends"),
        // A zero-delay timer started last: main resumes after the callbacks above.
        Step::Sleep(0),
    ])]
}

fn promise_combinators() -> Vec<TaskDef> {
    let hows = [
        (Combinator::All, "all"),
        (Combinator::Race, "race"),
        (Combinator::AllSettled, "allSettled"),
        (Combinator::Any, "any"),
    ];
    let mut tasks = vec![main_task(vec![
        Step::Gather(vec![1, 5, 9, 13]),
        print("main: all four settled"),
    ])];
    for (g, (how, name)) in hows.into_iter().enumerate() {
        let base = 1 + 4 * g;
        tasks.push(TaskDef::new(
            name,
            Some(0),
            vec![
                Step::Combine {
                    how,
                    tasks: vec![base + 1, base + 2, base + 3],
                },
                print_result(&format!("{name}: ")),
            ],
        ));
        let child = |n: &str, body: Vec<Step>| TaskDef::new(n, Some(base), body);
        tasks.push(child(
            "A",
            vec![
                print("A: start"),
                Step::Sleep(1000),
                print("A: ok"),
                Step::Return(Value::str("A")),
            ],
        ));
        tasks.push(child(
            "B",
            vec![
                print("B: start"),
                Step::Sleep(500),
                print("B: fails"),
                Step::Fail("B failed".into()),
            ],
        ));
        tasks.push(child(
            "C",
            vec![
                print("C: start"),
                Step::Sleep(1500),
                print("C: ok"),
                Step::Return(Value::str("C")),
            ],
        ));
    }
    tasks
}
