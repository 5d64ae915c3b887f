//! One trace schema for the planner, the runtime, the UI, exports and the embed API
//! (`docs/SCENARIOS.md`, "Trace format"). Field names and optionality are a public contract.
use serde::{Deserialize, Serialize};

use super::scenario::TaskId;

pub const FORMAT: &str = "async-playground-trace";
pub const VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Sequential,
    Concurrent,
}

impl Mode {
    pub const ALL: [Mode; 2] = [Mode::Sequential, Mode::Concurrent];
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Concurrent => "concurrent",
        }
    }
}

/// Whose event loop orders equal-time work (`SCENARIOS.md`, "Same instant, chained work").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Loop {
    /// asyncio / tokio: every wait due at an instant resumes first, then what they made ready.
    Asyncio,
    /// The browser: each timer is its own macrotask; microtasks drain between timers.
    Browser,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Clock {
    Browser,
    Ideal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Queue {
    Sync,
    Micro,
    Macro,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskInfo {
    pub id: TaskId,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<TaskId>,
    /// `"main"` is implied when absent; workers are `"worker-1"`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
}

/// Where a printed line went, when not standard output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutStream {
    Stderr,
}

/// What happened. Serialized flat into the event object with a `kind` tag.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    Spawn {
        child: TaskId,
    },
    Start,
    Print {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        queue: Option<Queue>,
        /// `stderr` for a line written to standard error (a CPython traceback, a warning's
        /// lines); absent for standard output.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        stream: Option<OutStream>,
    },
    Sleep {
        ms: u64,
    },
    Wake,
    Block {
        ms: u64,
    },
    Unblock,
    AcquireWait,
    Acquire,
    Release,
    Cancel,
    Timeout,
    Fail {
        error: String,
    },
    Warn {
        text: String,
    },
    End {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<serde_json::Value>,
    },
}

impl EventKind {
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Spawn { .. } => "spawn",
            EventKind::Start => "start",
            EventKind::Print { .. } => "print",
            EventKind::Sleep { .. } => "sleep",
            EventKind::Wake => "wake",
            EventKind::Block { .. } => "block",
            EventKind::Unblock => "unblock",
            EventKind::AcquireWait => "acquire_wait",
            EventKind::Acquire => "acquire",
            EventKind::Release => "release",
            EventKind::Cancel => "cancel",
            EventKind::Timeout => "timeout",
            EventKind::Fail { .. } => "fail",
            EventKind::Warn { .. } => "warn",
            EventKind::End { .. } => "end",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Scenario milliseconds since the run started (measured × speed; whole ms in ideal traces).
    pub t: f64,
    pub task: TaskId,
    #[serde(flatten)]
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub format: String,
    pub version: u32,
    pub scenario: String,
    pub mode: Mode,
    /// The scenario parameters in effect (`count`, `limit`, `ms`, `budget`), numbers only.
    #[serde(default)]
    pub params: serde_json::Map<String, serde_json::Value>,
    #[serde(rename = "loop")]
    pub event_loop: Loop,
    pub clock: Clock,
    pub speed: f64,
    pub hidden: bool,
    pub total_ms: f64,
    pub tasks: Vec<TaskInfo>,
    pub events: Vec<Event>,
}

impl Trace {
    pub fn new(scenario: &str, mode: Mode, event_loop: Loop, clock: Clock) -> Self {
        Trace {
            format: FORMAT.to_string(),
            version: VERSION,
            scenario: scenario.to_string(),
            mode,
            params: serde_json::Map::new(),
            event_loop,
            clock,
            speed: 1.0,
            hidden: false,
            total_ms: 0.0,
            tasks: Vec::new(),
            events: Vec::new(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(s)
    }

    /// `(task, kind-name)` in event order: what "same order as the ideal" compares.
    pub fn order(&self) -> Vec<(TaskId, &'static str)> {
        self.events
            .iter()
            .map(|e| (e.task, e.kind.name()))
            .collect()
    }

    /// The printed lines in order.
    pub fn prints(&self) -> Vec<&str> {
        self.events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Print { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}
