//! Builds the line map: each task's planned events, in order, matched against the slots its
//! function recorded while it was written. Following the plan (not only the text) puts a
//! cancelled task's prints on its cleanup lines and skips a timeout's handler when it never runs.
use std::collections::BTreeMap;

use super::super::scenario::{Piece, Scenario, Step, TaskId};
use super::super::trace::{EventKind, Trace};
use super::group::Groups;
use super::out::Slot;
use super::LineMap;

/// The literal text of each print of a task, by key (`None` when it shows a result).
fn print_texts(steps: &[Step], out: &mut Vec<Option<String>>) {
    for step in steps {
        match step {
            Step::Print(t) => {
                let lit: Option<String> =
                    t.0.iter()
                        .map(|p| match p {
                            Piece::Lit(s) => Some(s.as_str()),
                            Piece::Result => None,
                        })
                        .collect();
                out.push(lit);
            }
            Step::Schedule { text, .. } => out.push(Some(text.clone())),
            Step::Timeout {
                body, on_timeout, ..
            } => {
                print_texts(body, out);
                print_texts(on_timeout, out);
            }
            _ => {}
        }
    }
}

fn fn_key(g: &Groups, t: TaskId) -> usize {
    if t == 0 {
        0
    } else {
        g.fn_of
            .get(t)
            .copied()
            .flatten()
            .map_or(usize::MAX, |f| f + 1)
    }
}

pub(crate) fn build(
    s: &Scenario,
    g: &Groups,
    slots: &[Vec<Slot>],
    plan: Option<&Trace>,
) -> LineMap {
    let mut by_task: BTreeMap<TaskId, BTreeMap<&'static str, Vec<u32>>> = BTreeMap::new();
    let mut events: Vec<Vec<&EventKind>> = vec![Vec::new(); s.tasks.len()];
    if let Some(tr) = plan {
        for e in &tr.events {
            if let Some(list) = events.get_mut(e.task) {
                list.push(&e.kind);
            }
        }
    }
    for (t, task) in s.tasks.iter().enumerate() {
        let Some(list) = slots.get(fn_key(g, t)) else {
            continue;
        };
        let mut texts = Vec::new();
        print_texts(&task.body, &mut texts);
        print_texts(&task.on_cancel, &mut texts);
        let map = if plan.is_some() {
            follow(list, &texts, &events[t])
        } else {
            statically(list)
        };
        by_task.insert(t, compact(map));
    }
    LineMap { by_task }
}

/// The task's lines in text order, skipping guarded (cancel / timeout) regions.
fn statically(slots: &[Slot]) -> BTreeMap<&'static str, Vec<u32>> {
    let mut map: BTreeMap<&'static str, Vec<u32>> = BTreeMap::new();
    for s in slots.iter().filter(|s| s.guard.is_none()) {
        map.entry(s.kind).or_default().push(s.line);
    }
    map
}

fn follow(
    slots: &[Slot],
    texts: &[Option<String>],
    events: &[&EventKind],
) -> BTreeMap<&'static str, Vec<u32>> {
    let mut map: BTreeMap<&'static str, Vec<u32>> = BTreeMap::new();
    let mut used = vec![false; slots.len()];
    let mut cursor = 0usize;
    // Where the task last was: a cancellation with no cleanup code lands on its waiting line.
    let mut last: Option<u32> = slots.first().map(|s| s.line);
    for ev in events {
        let kind = ev.name();
        let open = |i: usize, used: &[bool]| {
            let s = &slots[i];
            s.kind == kind && (s.repeat || !used[i]) && s.guard.is_none_or(|g| used[g])
        };
        let by_text = match ev {
            EventKind::Print { text, .. } => (0..slots.len()).find(|i| {
                open(*i, &used)
                    && slots[*i]
                        .key
                        .and_then(|k| texts.get(k))
                        .and_then(|t| t.as_deref())
                        == Some(text.as_str())
            }),
            _ => None,
        };
        let found = by_text
            .or_else(|| (cursor..slots.len()).find(|i| open(*i, &used)))
            .or_else(|| (0..slots.len()).find(|i| open(*i, &used)));
        let line = match found {
            Some(i) => {
                used[i] = true;
                cursor = cursor.max(i + 1);
                Some(slots[i].line)
            }
            None => slots
                .iter()
                .rev()
                .find(|s| s.kind == kind)
                .map(|s| s.line)
                .or(last),
        };
        if let Some(line) = line {
            map.entry(kind).or_default().push(line);
            last = Some(line);
        }
    }
    map
}

/// Drops trailing repeats: `line_for` answers the last line for any later event anyway.
fn compact(mut map: BTreeMap<&'static str, Vec<u32>>) -> BTreeMap<&'static str, Vec<u32>> {
    for lines in map.values_mut() {
        while lines.len() >= 2 && lines[lines.len() - 1] == lines[lines.len() - 2] {
            lines.pop();
        }
    }
    map
}
