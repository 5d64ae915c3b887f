//! The page's side of the Pyodide worker protocol (`static/py/PROTOCOL.md`): every message the
//! worker sends is untrusted input. `parse` checks its shape, types and bounds and turns it into a
//! typed [`Msg`]; [`Stream`] accumulates a run's streamed tasks and events under the run-wide
//! limits (10,000 tasks, 200,000 events, 1 MB of printed text). A message that fails is an
//! [`Invalid`] with words for the user; nothing here panics on any input.
use serde_json::{Map, Value};

use super::trace::{Clock, Event, EventKind, Mode, OutStream, TaskInfo, Trace, FORMAT, VERSION};

pub const MAX_TASKS: usize = 10_000;
pub const MAX_EVENTS: usize = 200_000;
/// Printed text of one run (stdout and stderr), in bytes of UTF-8.
pub const MAX_TEXT: usize = 1_000_000;
/// The biggest message accepted at all (a done trace at the limits fits well under it).
pub const MAX_MESSAGE_BYTES: usize = 48_000_000;
/// Longest task name, error text, progress label or message kept (characters).
const MAX_SHORT: usize = 500;
/// Longest single printed line or message text (bytes).
const MAX_LINE: usize = 100_000;
/// Later than any run can be (ms): ten times the 60 s limit, at the slowest speed.
const MAX_T: f64 = 60_000.0 * 40.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the Python worker sent an invalid message ({})", self.0)
    }
}

fn bad<T>(why: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid(why.into()))
}

#[derive(Clone, Debug, PartialEq)]
pub struct Unsupported {
    pub what: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// A worker message, checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    Progress {
        what: String,
        loaded: f64,
        total: f64,
    },
    Booted {
        ms: f64,
    },
    Analysis {
        id: u64,
        has_concurrency: bool,
        unsupported: Vec<Unsupported>,
    },
    /// The program does not parse: CPython's own message and position.
    SyntaxError {
        id: u64,
        message: String,
        line: usize,
        col: usize,
    },
    Ideal {
        id: u64,
        trace: Trace,
    },
    Events {
        id: u64,
        tasks: Vec<TaskInfo>,
        events: Vec<Event>,
    },
    Done {
        id: u64,
        trace: Trace,
    },
    Error {
        id: u64,
        kind: String,
        message: String,
        line: Option<usize>,
        col: Option<usize>,
        /// Which refusal or limit (`threading`, `time`, `tasks`, …): the page words it.
        what: Option<String>,
        /// What ran before a limit stopped it (checked like any trace), if sent.
        trace: Option<Trace>,
    },
    /// A message type this page does not use.
    Other,
}

fn obj(v: &Value) -> Result<&Map<String, Value>, Invalid> {
    v.as_object().map_or_else(|| bad("not an object"), Ok)
}

fn short(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn get_str(m: &Map<String, Value>, k: &str, max: usize) -> Result<String, Invalid> {
    match m.get(k) {
        Some(Value::String(s)) if s.len() <= max => Ok(s.clone()),
        Some(Value::String(_)) => bad(format!("{k} too long")),
        _ => bad(format!("{k} is not text")),
    }
}

fn get_num(m: &Map<String, Value>, k: &str) -> Result<f64, Invalid> {
    match m.get(k).and_then(Value::as_f64) {
        Some(x) if x.is_finite() => Ok(x),
        _ => bad(format!("{k} is not a number")),
    }
}

fn get_uint(m: &Map<String, Value>, k: &str, max: u64) -> Result<u64, Invalid> {
    match m.get(k).and_then(Value::as_u64) {
        Some(x) if x <= max => Ok(x),
        _ => bad(format!("{k} is not a whole number up to {max}")),
    }
}

fn opt_uint(m: &Map<String, Value>, k: &str) -> Result<Option<usize>, Invalid> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => Ok(Some(get_uint(m, k, 1_000_000)? as usize)),
    }
}

fn opt_str(m: &Map<String, Value>, k: &str, max: usize) -> Result<Option<String>, Invalid> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => Ok(Some(get_str(m, k, max)?)),
    }
}

fn get_id(m: &Map<String, Value>) -> Result<u64, Invalid> {
    get_uint(m, "id", u64::from(u32::MAX))
}

/// Parses one message (the worker posts JSON text).
pub fn parse(text: &str) -> Result<Msg, Invalid> {
    if text.len() > MAX_MESSAGE_BYTES {
        return bad(format!(
            "{} bytes, more than {MAX_MESSAGE_BYTES}",
            text.len()
        ));
    }
    let v: Value = serde_json::from_str(text).map_err(|e| Invalid(short(&e.to_string(), 120)))?;
    from_value(&v)
}

pub fn from_value(v: &Value) -> Result<Msg, Invalid> {
    let m = obj(v)?;
    let ty = get_str(m, "type", 40)?;
    match ty.as_str() {
        "progress" => Ok(Msg::Progress {
            what: get_str(m, "what", MAX_SHORT)?,
            loaded: get_num(m, "loaded")?.max(0.0),
            total: get_num(m, "total")?.max(0.0),
        }),
        "booted" => Ok(Msg::Booted {
            ms: get_num(m, "ms")?,
        }),
        "analysis" => {
            let list = match m.get("unsupported") {
                Some(Value::Array(a)) if a.len() <= 1000 => a,
                None => &Vec::new(),
                _ => return bad("unsupported is not a short list"),
            };
            let mut unsupported = Vec::new();
            for u in list {
                let u = obj(u)?;
                unsupported.push(Unsupported {
                    what: get_str(u, "what", 40)?,
                    line: get_uint(u, "line", 1_000_000)? as usize,
                    col: get_uint(u, "col", 1_000_000)? as usize,
                    message: match u.get("message") {
                        Some(Value::String(s)) => short(s, MAX_SHORT),
                        _ => String::new(),
                    },
                });
            }
            Ok(Msg::Analysis {
                id: get_id(m)?,
                has_concurrency: match m.get("has_concurrency") {
                    Some(Value::Bool(b)) => *b,
                    _ => return bad("has_concurrency is not true or false"),
                },
                unsupported,
            })
        }
        "syntax-error" => Ok(Msg::SyntaxError {
            id: get_id(m)?,
            message: short(&get_str(m, "message", MAX_LINE)?, MAX_SHORT),
            line: opt_uint(m, "line")?.unwrap_or(1),
            col: opt_uint(m, "col")?.unwrap_or(1),
        }),
        "ideal" | "done" => {
            let id = get_id(m)?;
            let trace = trace(m.get("trace").unwrap_or(&Value::Null))?;
            let want = if ty == "ideal" {
                Clock::Ideal
            } else {
                Clock::Browser
            };
            if trace.clock != want {
                return bad("the trace's clock does not match the message");
            }
            Ok(if ty == "ideal" {
                Msg::Ideal { id, trace }
            } else {
                Msg::Done { id, trace }
            })
        }
        "events" => {
            let id = get_id(m)?;
            let tasks = list(m, "tasks", MAX_TASKS)?
                .iter()
                .map(task)
                .collect::<Result<Vec<_>, _>>()?;
            let events = list(m, "events", MAX_EVENTS)?
                .iter()
                .filter_map(|e| event(e).transpose())
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Msg::Events { id, tasks, events })
        }
        "error" => {
            let kind = get_str(m, "kind", 40)?;
            if !["syntax", "unsupported", "limit", "internal"].contains(&kind.as_str()) {
                return bad("unknown error kind");
            }
            let trace = match m.get("trace") {
                None | Some(Value::Null) => None,
                Some(t) => Some(trace(t)?),
            };
            Ok(Msg::Error {
                id: get_id(m)?,
                kind,
                message: short(&get_str(m, "message", MAX_LINE)?, MAX_SHORT),
                line: opt_uint(m, "line")?,
                col: opt_uint(m, "col")?,
                what: opt_str(m, "what", 40)?,
                trace,
            })
        }
        // The protocol only grows: a kind of message this page does not know (e.g. the worker's
        // `csp` diagnostics) is ignored, never obeyed.
        _ => Ok(Msg::Other),
    }
}

fn list<'a>(m: &'a Map<String, Value>, k: &str, max: usize) -> Result<&'a Vec<Value>, Invalid> {
    match m.get(k) {
        Some(Value::Array(a)) if a.len() <= max => Ok(a),
        Some(Value::Array(_)) => bad(format!("more than {max} {k}")),
        _ => bad(format!("{k} is not a list")),
    }
}

fn task(v: &Value) -> Result<TaskInfo, Invalid> {
    let m = obj(v)?;
    let parent = match m.get("parent") {
        None | Some(Value::Null) => None,
        Some(_) => Some(get_uint(m, "parent", MAX_TASKS as u64)? as usize),
    };
    Ok(TaskInfo {
        id: get_uint(m, "id", MAX_TASKS as u64)? as usize,
        name: short(&get_str(m, "name", MAX_LINE)?, 100),
        parent,
        thread: None,
    })
}

/// One event; `Ok(None)` for a kind the page does not draw (CPython's `warn` events: the
/// warning's own text is already on stderr).
fn event(v: &Value) -> Result<Option<Event>, Invalid> {
    let m = obj(v)?;
    let t = get_num(m, "t")?;
    if !(0.0..=MAX_T).contains(&t) {
        return bad("an event time is out of range");
    }
    let task = get_uint(m, "task", MAX_TASKS as u64)? as usize;
    let ms = || get_uint(m, "ms", (MAX_T as u64) * 10);
    let kind = match get_str(m, "kind", 40)?.as_str() {
        "spawn" => EventKind::Spawn {
            child: get_uint(m, "child", MAX_TASKS as u64)? as usize,
        },
        "start" => EventKind::Start,
        "print" => EventKind::Print {
            text: get_str(m, "text", MAX_LINE)?,
            queue: None,
            stream: match m.get("stream") {
                None => None,
                Some(Value::String(s)) if s == "stdout" => None,
                Some(Value::String(s)) if s == "stderr" => Some(OutStream::Stderr),
                Some(_) => return bad("stream is neither stdout nor stderr"),
            },
        },
        "sleep" => EventKind::Sleep { ms: ms()? },
        "wake" => EventKind::Wake,
        "block" => EventKind::Block { ms: ms()? },
        "unblock" => EventKind::Unblock,
        "acquire_wait" => EventKind::AcquireWait,
        "acquire" => EventKind::Acquire,
        "release" => EventKind::Release,
        "cancel" => EventKind::Cancel,
        "timeout" => EventKind::Timeout,
        "fail" => EventKind::Fail {
            error: short(&get_str(m, "error", MAX_LINE)?, MAX_SHORT),
        },
        "warn" | "await" => return Ok(None),
        "end" => EventKind::End {
            value: match m.get("value") {
                None | Some(Value::Null) => None,
                Some(v) if v.to_string().len() <= 20_000 => Some(v.clone()),
                Some(_) => return bad("a task's value is too big"),
            },
        },
        _ => return bad("unknown event kind"),
    };
    Ok(Some(Event { t, task, kind }))
}

fn printed(events: &[Event]) -> usize {
    events
        .iter()
        .map(|e| match &e.kind {
            EventKind::Print { text, .. } => text.len() + 1,
            _ => 0,
        })
        .sum()
}

/// Task ids are 0..n in order; every event's task (and spawned child) is one of them; times never
/// go back; the run-wide limits hold.
fn check_run(tasks: &[TaskInfo], events: &[Event]) -> Result<(), Invalid> {
    if tasks.len() > MAX_TASKS {
        return bad(format!("more than {MAX_TASKS} tasks"));
    }
    if events.len() > MAX_EVENTS {
        return bad(format!("more than {MAX_EVENTS} events"));
    }
    if printed(events) > MAX_TEXT + MAX_EVENTS {
        return bad("more than 1 MB of printed text");
    }
    for (i, t) in tasks.iter().enumerate() {
        if t.id != i || t.parent.is_some_and(|p| p >= i) {
            return bad("task ids are not in order");
        }
    }
    let mut last = 0.0f64;
    for e in events {
        let child_ok = match e.kind {
            EventKind::Spawn { child } => child < tasks.len(),
            _ => true,
        };
        if e.task >= tasks.len() || !child_ok {
            return bad("an event names a task that does not exist");
        }
        if e.t + 1e-6 < last {
            return bad("event times go back");
        }
        last = last.max(e.t);
    }
    Ok(())
}

fn trace(v: &Value) -> Result<Trace, Invalid> {
    let m = obj(v)?;
    if get_str(m, "format", 60)? != FORMAT || get_uint(m, "version", 100)? != u64::from(VERSION) {
        return bad("not a trace of this format");
    }
    let mode = match get_str(m, "mode", 20)?.as_str() {
        "sequential" => Mode::Sequential,
        "concurrent" => Mode::Concurrent,
        _ => return bad("unknown mode"),
    };
    let clock = match get_str(m, "clock", 20)?.as_str() {
        "ideal" => Clock::Ideal,
        "browser" => Clock::Browser,
        _ => return bad("unknown clock"),
    };
    let speed = get_num(m, "speed")?;
    if !(0.01..=100.0).contains(&speed) {
        return bad("speed out of range");
    }
    let total_ms = get_num(m, "total_ms")?;
    if !(0.0..=MAX_T).contains(&total_ms) {
        return bad("total_ms out of range");
    }
    let tasks = list(m, "tasks", MAX_TASKS)?
        .iter()
        .map(task)
        .collect::<Result<Vec<_>, _>>()?;
    let events = list(m, "events", MAX_EVENTS)?
        .iter()
        .filter_map(|e| event(e).transpose())
        .collect::<Result<Vec<_>, _>>()?;
    check_run(&tasks, &events)?;
    Ok(Trace {
        format: FORMAT.to_string(),
        version: VERSION,
        scenario: "custom".to_string(),
        mode,
        params: Map::new(),
        event_loop: super::trace::Loop::Asyncio,
        clock,
        speed,
        hidden: false,
        total_ms,
        tasks,
        events,
    })
}

/// The streamed part of one real run: tasks and events appended batch by batch, checked as a
/// whole each time (ids in order, times monotonic, limits).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stream {
    pub tasks: Vec<TaskInfo>,
    pub events: Vec<Event>,
    text: usize,
    last_t: f64,
}

impl Stream {
    /// Appends a batch; on `Err` the stream is unchanged and the run must stop.
    pub fn push(&mut self, tasks: Vec<TaskInfo>, events: Vec<Event>) -> Result<(), Invalid> {
        let n = self.tasks.len() + tasks.len();
        if n > MAX_TASKS {
            return bad(format!("more than {MAX_TASKS} tasks"));
        }
        if self.events.len() + events.len() > MAX_EVENTS {
            return bad(format!("more than {MAX_EVENTS} events"));
        }
        let text = self.text + printed(&events);
        if text > MAX_TEXT + MAX_EVENTS {
            return bad("more than 1 MB of printed text");
        }
        for (i, t) in tasks.iter().enumerate() {
            let id = self.tasks.len() + i;
            if t.id != id || t.parent.is_some_and(|p| p >= id) {
                return bad("task ids are not in order");
            }
        }
        let mut last = self.last_t;
        for e in &events {
            let child_ok = match e.kind {
                EventKind::Spawn { child } => child < n,
                _ => true,
            };
            if e.task >= n || !child_ok {
                return bad("an event names a task that does not exist");
            }
            if e.t + 1e-6 < last {
                return bad("event times go back");
            }
            last = last.max(e.t);
        }
        self.tasks.extend(tasks);
        self.events.extend(events);
        self.text = text;
        self.last_t = last;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(clock: &str, events: &str) -> String {
        format!(
            r#"{{"format":"async-playground-trace","version":1,"scenario":"custom","mode":"concurrent","params":{{}},"loop":"asyncio","clock":"{clock}","speed":1,"hidden":false,"total_ms":5,"tasks":[{{"id":0,"name":"main"}},{{"id":1,"name":"job","parent":0}}],"events":[{events}]}}"#
        )
    }

    #[test]
    fn a_good_trace_passes_and_stderr_and_warn_are_kept_as_text() {
        let ev = r#"{"t":0,"task":0,"kind":"start"},{"t":0,"task":0,"kind":"spawn","child":1},{"t":1,"task":1,"kind":"print","text":"hi"},{"t":2,"task":1,"kind":"warn","text":"w"},{"t":3,"task":0,"kind":"print","text":"Traceback","stream":"stderr"},{"t":5,"task":0,"kind":"end","value":3}"#;
        let m = parse(&format!(
            r#"{{"type":"done","id":1,"trace":{}}}"#,
            tr("browser", ev)
        ));
        let Ok(Msg::Done { trace, .. }) = m else {
            panic!("{m:?}")
        };
        assert_eq!(trace.tasks.len(), 2);
        assert_eq!(trace.events.len(), 5);
        let stream = |want: &str| {
            trace.events.iter().find_map(|e| match &e.kind {
                EventKind::Print { text, stream, .. } if text == want => Some(*stream),
                _ => None,
            })
        };
        assert_eq!(stream("Traceback"), Some(Some(OutStream::Stderr)));
        assert_eq!(stream("hi"), Some(None));
        let odd = ev.replace(r#""stream":"stderr""#, r#""stream":"tty""#);
        let m = parse(&format!(
            r#"{{"type":"done","id":1,"trace":{}}}"#,
            tr("browser", &odd)
        ));
        assert!(
            matches!(m, Err(Invalid(ref w)) if w.contains("stream")),
            "{m:?}"
        );
    }

    #[test]
    fn forged_messages_are_refused() {
        let cases = [
            "not json".to_string(),
            "[]".to_string(),
            r#"{"type":7}"#.to_string(),
            r#"{"type":"booted","ms":"x"}"#.to_string(),
            // the clock of an ideal must be ideal
            format!(r#"{{"type":"ideal","id":1,"trace":{}}}"#, tr("browser", "")),
            // an event of a task that does not exist
            format!(
                r#"{{"type":"done","id":1,"trace":{}}}"#,
                tr("browser", r#"{"t":0,"task":7,"kind":"start"}"#)
            ),
            // time goes back
            format!(
                r#"{{"type":"done","id":1,"trace":{}}}"#,
                tr(
                    "browser",
                    r#"{"t":3,"task":0,"kind":"start"},{"t":1,"task":0,"kind":"wake"}"#
                )
            ),
            // negative, NaN-like and huge times
            format!(
                r#"{{"type":"done","id":1,"trace":{}}}"#,
                tr("browser", r#"{"t":-1,"task":0,"kind":"start"}"#)
            ),
            format!(
                r#"{{"type":"done","id":1,"trace":{}}}"#,
                tr("browser", r#"{"t":1e300,"task":0,"kind":"start"}"#)
            ),
            r#"{"type":"events","id":-1,"tasks":[],"events":[]}"#.to_string(),
            r#"{"type":"error","id":1,"kind":"boom","message":"x"}"#.to_string(),
            // which limit: short text or nothing
            r#"{"type":"error","id":1,"kind":"limit","message":"x","what":7}"#.to_string(),
            format!(
                r#"{{"type":"error","id":1,"kind":"limit","message":"x","what":"{}"}}"#,
                "t".repeat(41)
            ),
        ];
        for c in &cases {
            assert!(parse(c).is_err(), "accepted {c}");
        }
    }

    #[test]
    fn an_error_says_which_limit_when_it_knows() {
        let at = |what: &str| match parse(&format!(
            r#"{{"type":"error","id":2,"kind":"limit","message":"the program ran past 60 s of scenario time"{what}}}"#
        )) {
            Ok(Msg::Error { id, kind, what, .. }) => Some((id, kind, what)),
            _ => None,
        };
        assert_eq!(
            at(r#","what":"time""#),
            Some((2, "limit".into(), Some("time".into())))
        );
        assert_eq!(at(r#","what":null"#), Some((2, "limit".into(), None)));
        assert_eq!(at(""), Some((2, "limit".into(), None)));
    }

    #[test]
    fn unknown_message_types_are_ignored_not_obeyed() {
        assert_eq!(
            parse(r#"{"type":"csp","directive":"connect-src"}"#),
            Ok(Msg::Other)
        );
    }

    #[test]
    fn oversized_streams_are_refused() {
        let mut s = Stream::default();
        let Ok(Msg::Events { tasks, events, .. }) =
            parse(r#"{"type":"events","id":1,"tasks":[{"id":3,"name":"x"}],"events":[]}"#)
        else {
            panic!("shape")
        };
        assert!(s.push(tasks, events).is_err(), "task ids out of order");
        let tasks = vec![TaskInfo {
            id: 0,
            name: "main".into(),
            parent: None,
            thread: None,
        }];
        s.push(tasks, vec![]).unwrap();
        let line = "x".repeat(MAX_LINE);
        let ev = |t| Event {
            t,
            task: 0,
            kind: EventKind::Print {
                text: line.clone(),
                queue: None,
                stream: None,
            },
        };
        for i in 0..10 {
            s.push(vec![], vec![ev(f64::from(i))]).unwrap();
        }
        assert!(s.push(vec![], vec![ev(11.0); 2]).is_err());
        let before = s.events.len();
        let many = vec![
            Event {
                t: 20.0,
                task: 0,
                kind: EventKind::Wake
            };
            MAX_EVENTS
        ];
        assert!(s.push(vec![], many).is_err());
        assert_eq!(
            s.events.len(),
            before,
            "a refused batch leaves the stream as it was"
        );
        let big = format!(
            "{{\"type\":\"booted\",\"ms\":1,\"pad\":\"{}\"}}",
            "y".repeat(MAX_MESSAGE_BYTES)
        );
        assert!(parse(&big).is_err());
    }
}
