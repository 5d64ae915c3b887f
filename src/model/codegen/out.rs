//! A line writer that also records, for every function, which line emits which event kind
//! (its *slots*); `lines.rs` matches a task's planned events against them.

/// One place in the text where an event of `kind` happens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Slot {
    pub kind: &'static str,
    pub line: u32,
    /// Only reachable after this slot (a `cancel` or `timeout` slot) was passed.
    pub guard: Option<usize>,
    /// The print's key (order of `Print`/`Schedule` steps in the task's IR), to match texts.
    pub key: Option<usize>,
    /// May happen any number of times (one line spawns many children).
    pub repeat: bool,
}

pub(crate) struct Out {
    pub lines: Vec<String>,
    indent: usize,
    unit: &'static str,
    /// Slots per function key: 0 = main, f + 1 = function f.
    pub slots: Vec<Vec<Slot>>,
    cur: usize,
    guard: Option<usize>,
}

impl Out {
    pub fn new(unit: &'static str, functions: usize) -> Self {
        Out {
            lines: Vec::new(),
            indent: 0,
            unit,
            slots: vec![Vec::new(); functions + 1],
            cur: 0,
            guard: None,
        }
    }

    /// Appends a line at the current indentation; returns its 1-based number.
    pub fn line(&mut self, text: impl AsRef<str>) -> u32 {
        let text = text.as_ref();
        if text.is_empty() {
            self.lines.push(String::new());
        } else {
            self.lines
                .push(format!("{}{}", self.unit.repeat(self.indent), text));
        }
        self.lines.len() as u32
    }

    pub fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.is_empty()) {
            self.lines.push(String::new());
        }
    }

    pub fn push(&mut self) {
        self.indent += 1;
    }

    pub fn pop(&mut self) {
        self.indent = self.indent.saturating_sub(1);
    }

    pub fn last_line(&self) -> u32 {
        self.lines.len() as u32
    }

    /// Starts recording slots for function key `key` (0 = main).
    pub fn begin(&mut self, key: usize) {
        self.cur = key;
        self.guard = None;
    }

    pub fn slot(&mut self, kind: &'static str, line: u32) -> usize {
        self.add(kind, line, None, false)
    }

    pub fn slot_repeat(&mut self, kind: &'static str, line: u32) -> usize {
        self.add(kind, line, None, true)
    }

    pub fn slot_print(&mut self, line: u32, key: usize) -> usize {
        self.add("print", line, Some(key), false)
    }

    fn add(&mut self, kind: &'static str, line: u32, key: Option<usize>, repeat: bool) -> usize {
        let guard = self.guard;
        match self.slots.get_mut(self.cur) {
            Some(list) => {
                list.push(Slot {
                    kind,
                    line,
                    guard,
                    key,
                    repeat,
                });
                list.len() - 1
            }
            None => 0,
        }
    }

    /// Slots recorded until `restore` are reachable only after slot `g`.
    pub fn set_guard(&mut self, g: usize) -> Option<usize> {
        self.guard.replace(g)
    }

    pub fn restore_guard(&mut self, old: Option<usize>) {
        self.guard = old;
    }

    pub fn text(&self) -> String {
        let mut t = self.lines.join("\n");
        t.push('\n');
        t
    }
}
