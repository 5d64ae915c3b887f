//! Which tasks share one function. Ten downloads that differ only by their number become one
//! `download(i)`; toast and coffee, whose texts differ, stay two functions. Tasks are compared by
//! their *skeleton* (every step with its literals blanked out); the literals that differ between
//! members become expressions of the task's label (`download {i}: done`) or plain parameters
//! (a duration, a returned value).
use std::collections::HashMap;

use super::super::scenario::{Piece, Scenario, Step, TaskDef, TaskId};
use super::super::value::Value;

/// The distinguishing part of a task's name: `download 3` → 3, `server A` → "A".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Label {
    Int(i64),
    Str(String),
}

/// A piece of a text template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TPiece {
    Lit(String),
    /// The function's label parameter.
    Label,
    /// The task's result register (resolved to a variable by the lowering).
    Result,
    /// Literal slot j of the body (a varying duration or result) — during analysis only.
    Slot(usize),
    /// The function's parameter n (a duration in ms, or a result).
    Param(usize),
}

/// A value template: a literal, or built from the label.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TVal {
    Const(Value),
    Label,
    /// A string built from the label (`f"post {i}"`).
    Text(Vec<TPiece>),
    List(Vec<TVal>),
    Record(Vec<(String, TVal)>),
    /// The function's parameter n.
    Param(usize),
    /// `mul * label + add` for an integer label (`512 * i`).
    Linear(i64, i64),
}

/// A literal of a task body, in walk order.
#[derive(Clone, Debug, PartialEq)]
enum SlotVal {
    Text(Vec<Piece>),
    Ms(u64),
    Val(Value),
}

/// How a function computes one literal slot.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SlotExpr {
    Text(Vec<TPiece>),
    Ms(Dur),
    Val(TVal),
}

/// A duration: a literal or a parameter of the function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dur {
    Ms(u64),
    Param(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParamKind {
    IntLabel,
    StrLabel,
    Ms,
    Val,
}

/// One argument of a call.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Arg {
    Int(i64),
    Str(String),
    Ms(u64),
    Val(Value),
}

#[derive(Clone, Debug)]
pub(crate) struct FnDef {
    /// Name words (`["fetch", "weather"]`); each language cases and joins them.
    pub name: Vec<String>,
    pub rep: TaskId,
    pub members: Vec<TaskId>,
    pub params: Vec<ParamKind>,
    /// Per literal slot of the representative's body, in walk order.
    pub slots: Vec<SlotExpr>,
    /// Runs on a worker thread (`thread: Some(..)`).
    pub worker: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Groups {
    pub fns: Vec<FnDef>,
    /// Function index of each task (`None` for main).
    pub fn_of: Vec<Option<usize>>,
    /// Call arguments of each task.
    pub args: Vec<Vec<Arg>>,
}

impl Groups {
    pub fn args_of(&self, task: TaskId) -> &[Arg] {
        self.args.get(task).map(Vec::as_slice).unwrap_or(&[])
    }
    /// The longest run of `tasks` from `k` that a range can make (see `range`), at least 3
    /// long: `(f, lo, hi, end)` with `tasks[k..end]` the run.
    pub fn run_from(&self, tasks: &[TaskId], k: usize) -> Option<(usize, i64, i64, usize)> {
        let first = *tasks.get(k)?;
        let f = self.fn_of.get(first).copied().flatten()?;
        if self.fns.get(f)?.params != [ParamKind::IntLabel] {
            return None;
        }
        let label = |t: TaskId| match self.args.get(t).and_then(|a| a.first()) {
            Some(Arg::Int(i)) => Some(*i),
            _ => None,
        };
        let lo = label(first)?;
        let mut end = k + 1;
        while let Some(t) = tasks.get(end) {
            let next = lo + (end - k) as i64;
            if self.fn_of.get(*t).copied().flatten() != Some(f) || label(*t) != Some(next) {
                break;
            }
            end += 1;
        }
        (end - k >= 3).then(|| (f, lo, lo + (end - k) as i64 - 1, end))
    }

    /// `Some((f, lo, hi))` when `tasks` are calls of one function whose only parameter is an
    /// integer label, with labels `lo, lo+1, …, hi`: a loop or a range can make them.
    pub fn range(&self, tasks: &[TaskId]) -> Option<(usize, i64, i64)> {
        let first = *tasks.first()?;
        let f = self.fn_of.get(first).copied().flatten()?;
        let def = self.fns.get(f)?;
        if def.params != [ParamKind::IntLabel] {
            return None;
        }
        let lo = match self.args_of(first).first()? {
            Arg::Int(i) => *i,
            _ => return None,
        };
        for (k, t) in tasks.iter().enumerate() {
            if self.fn_of.get(*t).copied().flatten() != Some(f) {
                return None;
            }
            match self.args_of(*t).first() {
                Some(Arg::Int(i)) if *i == lo + k as i64 => {}
                _ => return None,
            }
        }
        Some((f, lo, lo + tasks.len() as i64 - 1))
    }
}

/// Splits a task name into its prefix words and label.
pub(crate) fn label_of(name: &str) -> (String, Label) {
    let trimmed = name.trim();
    match trimmed.rsplit_once(|c: char| c.is_whitespace() || c == '-' || c == '_') {
        Some((prefix, last)) if !last.is_empty() && !prefix.trim().is_empty() => {
            if let Ok(n) = last.parse::<i64>() {
                (prefix.trim().to_string(), Label::Int(n))
            } else {
                (prefix.trim().to_string(), Label::Str(last.to_string()))
            }
        }
        _ => (String::new(), Label::Str(trimmed.to_string())),
    }
}

/// Words of a name for identifiers: lower-case alphanumeric runs.
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_alphanumeric()) {
        // `allSettled` → `all`, `settled`.
        let mut cur = String::new();
        let mut prev_lower = false;
        // ASCII case rules only: identifiers come from the catalog (and editor scripts keep other
        // letters as they are); Unicode case tables would cost the wasm several KB.
        for c in part.chars() {
            if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            cur.push(c.to_ascii_lowercase());
        }
        if !cur.is_empty() {
            out.push(cur);
        }
    }
    out
}

fn skeleton(task: &TaskDef) -> (String, Vec<SlotVal>) {
    let mut skel = String::new();
    let mut slots = Vec::new();
    skel.push_str(if task.thread.is_some() { "W|" } else { "M|" });
    walk(&task.body, &mut skel, &mut slots);
    skel.push_str("|C|");
    walk(&task.on_cancel, &mut skel, &mut slots);
    (skel, slots)
}

/// The walk order of literal slots; `lower.rs` walks bodies in the same order.
fn walk(steps: &[Step], skel: &mut String, slots: &mut Vec<SlotVal>) {
    for step in steps {
        match step {
            Step::Print(t) => {
                skel.push_str("P;");
                slots.push(SlotVal::Text(t.0.clone()));
            }
            Step::Sleep(ms) => {
                skel.push_str("S;");
                slots.push(SlotVal::Ms(*ms));
            }
            Step::Block(ms) => {
                skel.push_str("B;");
                slots.push(SlotVal::Ms(*ms));
            }
            Step::Timeout {
                ms,
                body,
                on_timeout,
            } => {
                skel.push_str("T{");
                slots.push(SlotVal::Ms(*ms));
                walk(body, skel, slots);
                skel.push('|');
                walk(on_timeout, skel, slots);
                skel.push('}');
            }
            Step::WaitFor { tasks, ms } => {
                skel.push_str(&format!("WF{tasks:?};"));
                slots.push(SlotVal::Ms(*ms));
            }
            Step::Return(v) => {
                skel.push_str("R;");
                slots.push(SlotVal::Val(v.clone()));
            }
            Step::Fail(e) => {
                skel.push_str("F;");
                slots.push(SlotVal::Text(vec![Piece::Lit(e.clone())]));
            }
            other => skel.push_str(&format!("{other:?};")),
        }
    }
}

/// Replaces whole occurrences of the label in `s` by `TPiece::Label`.
fn template_str(s: &str, label: &Label) -> Vec<TPiece> {
    let needle = match label {
        Label::Int(i) => i.to_string(),
        Label::Str(x) => x.clone(),
    };
    let mut out = Vec::new();
    if needle.is_empty() {
        out.push(TPiece::Lit(s.to_string()));
        return out;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut lit = String::new();
    let mut rest = s;
    let mut prev: Option<char> = None;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix(needle.as_str()) {
            let before_ok = prev.is_none_or(|c| !is_word(c));
            let after_ok = after.chars().next().is_none_or(|c| !is_word(c));
            if before_ok && after_ok {
                if !lit.is_empty() {
                    out.push(TPiece::Lit(std::mem::take(&mut lit)));
                }
                out.push(TPiece::Label);
                prev = needle.chars().last();
                rest = after;
                continue;
            }
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            lit.push(c);
            prev = Some(c);
        }
        rest = chars.as_str();
    }
    if !lit.is_empty() {
        out.push(TPiece::Lit(lit));
    }
    out
}

fn template_text(pieces: &[Piece], label: &Label) -> Vec<TPiece> {
    let mut out = Vec::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => out.extend(template_str(s, label)),
            Piece::Result => out.push(TPiece::Result),
        }
    }
    out
}

/// The text of a slot value as it appears in printed text (`2000`, `sunny`).
fn slot_str(v: &SlotVal) -> Option<String> {
    match v {
        SlotVal::Ms(ms) => Some(ms.to_string()),
        SlotVal::Val(Value::Str(s)) if !s.is_empty() => Some(s.clone()),
        SlotVal::Val(Value::Int(i)) => Some(i.to_string()),
        _ => None,
    }
}

/// `template_text`, then whole occurrences of the varying slots' values become `Slot(j)`.
fn template_full(
    pieces: &[Piece],
    label: &Label,
    slots: &[SlotVal],
    vary: &[usize],
) -> Vec<TPiece> {
    let mut t = template_text(pieces, label);
    for j in vary {
        let Some(needle) = slots.get(*j).and_then(slot_str) else {
            continue;
        };
        let mut next = Vec::with_capacity(t.len());
        for p in t {
            match p {
                TPiece::Lit(s) => {
                    for q in template_str(&s, &Label::Str(needle.clone())) {
                        next.push(if q == TPiece::Label {
                            TPiece::Slot(*j)
                        } else {
                            q
                        });
                    }
                }
                other => next.push(other),
            }
        }
        t = next;
    }
    t
}

fn lit_text(pieces: &[Piece]) -> Vec<TPiece> {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Lit(s) => TPiece::Lit(s.clone()),
            Piece::Result => TPiece::Result,
        })
        .collect()
}

fn template_val(v: &Value, label: &Label) -> TVal {
    match (v, label) {
        (Value::Int(n), Label::Int(l)) if n == l => TVal::Label,
        (Value::Str(s), Label::Str(l)) if s == l => TVal::Label,
        (Value::Str(s), _) => {
            let t = template_str(s, label);
            if t.contains(&TPiece::Label) {
                TVal::Text(t)
            } else {
                TVal::Const(v.clone())
            }
        }
        (Value::List(items), _) => {
            TVal::List(items.iter().map(|x| template_val(x, label)).collect())
        }
        (Value::Record(fields), _) => TVal::Record(
            fields
                .iter()
                .map(|(k, x)| (k.clone(), template_val(x, label)))
                .collect(),
        ),
        _ => TVal::Const(v.clone()),
    }
}

/// One template giving every member's value from its label, if there is one: equal values,
/// the label itself, `mul * label + add`, a string around the label, or lists and records of
/// those.
fn derive_val(values: &[(&Value, &Label)]) -> Option<TVal> {
    let (first, first_label) = *values.first()?;
    if values.iter().all(|(v, _)| *v == first) {
        return Some(TVal::Const(first.clone()));
    }
    match first {
        Value::Int(_) => {
            let pts: Option<Vec<(i64, i64)>> = values
                .iter()
                .map(|(v, l)| match (v, l) {
                    (Value::Int(v), Label::Int(l)) => Some((*l, *v)),
                    _ => None,
                })
                .collect();
            let pts = pts?;
            let (l0, v0) = pts[0];
            let (l1, v1) = *pts.iter().find(|(l, _)| *l != l0)?;
            let dl = l1.checked_sub(l0)?;
            let dv = v1.checked_sub(v0)?;
            if dl == 0 || dv % dl != 0 {
                return None;
            }
            let mul = dv / dl;
            let add = v0.checked_sub(mul.checked_mul(l0)?)?;
            let fits = pts
                .iter()
                .all(|(l, v)| mul.checked_mul(*l).and_then(|m| m.checked_add(add)) == Some(*v));
            if !fits {
                return None;
            }
            Some(if (mul, add) == (1, 0) {
                TVal::Label
            } else {
                TVal::Linear(mul, add)
            })
        }
        Value::Str(_) => {
            let t = template_val(first, first_label);
            (uses_label_val(&t) && values.iter().all(|(v, l)| template_val(v, l) == t)).then_some(t)
        }
        Value::List(items) => {
            let n = items.len();
            let mut out = Vec::with_capacity(n);
            for k in 0..n {
                let col: Option<Vec<(&Value, &Label)>> = values
                    .iter()
                    .map(|(v, l)| match v {
                        Value::List(xs) if xs.len() == n => xs.get(k).map(|x| (x, *l)),
                        _ => None,
                    })
                    .collect();
                out.push(derive_val(&col?)?);
            }
            Some(TVal::List(out))
        }
        Value::Record(fields) => {
            let mut out = Vec::with_capacity(fields.len());
            for (k, (name, _)) in fields.iter().enumerate() {
                let col: Option<Vec<(&Value, &Label)>> = values
                    .iter()
                    .map(|(v, l)| match v {
                        Value::Record(fs) if fs.len() == fields.len() => {
                            fs.get(k).filter(|(n, _)| n == name).map(|(_, x)| (x, *l))
                        }
                        _ => None,
                    })
                    .collect();
                out.push((name.clone(), derive_val(&col?)?));
            }
            Some(TVal::Record(out))
        }
        _ => None,
    }
}

fn uses_label_val(t: &TVal) -> bool {
    match t {
        TVal::Const(_) | TVal::Param(_) => false,
        TVal::Label | TVal::Text(_) | TVal::Linear(..) => true,
        TVal::List(items) => items.iter().any(uses_label_val),
        TVal::Record(fields) => fields.iter().any(|(_, x)| uses_label_val(x)),
    }
}

struct Candidate {
    members: Vec<(TaskId, Label, Vec<SlotVal>)>,
}

/// Texts must agree once the label is abstracted; durations and values may differ (parameters).
fn compatible(a: &(TaskId, Label, Vec<SlotVal>), b: &(TaskId, Label, Vec<SlotVal>)) -> bool {
    if std::mem::discriminant(&a.1) != std::mem::discriminant(&b.1) {
        return false;
    }
    let vary: Vec<usize> = (0..a.2.len().min(b.2.len()))
        .filter(|j| a.2[*j] != b.2[*j])
        .collect();
    a.2.iter().zip(&b.2).all(|(x, y)| match (x, y) {
        (SlotVal::Text(p), SlotVal::Text(q)) => {
            p == q || template_full(p, &a.1, &a.2, &vary) == template_full(q, &b.1, &b.2, &vary)
        }
        _ => true,
    })
}

pub(crate) fn analyse(s: &Scenario) -> Groups {
    let mut cands: Vec<Candidate> = Vec::new();
    let mut by_skel: HashMap<String, Vec<usize>> = HashMap::new();
    for (id, task) in s.tasks.iter().enumerate().skip(1) {
        let (skel, slots) = skeleton(task);
        let (_, label) = label_of(&task.name);
        let entry = (id, label, slots);
        let list = by_skel.entry(skel).or_default();
        let found = list.iter().copied().find(|c| {
            cands[*c]
                .members
                .first()
                .is_some_and(|m| compatible(m, &entry))
        });
        match found {
            Some(c) => cands[c].members.push(entry),
            None => {
                list.push(cands.len());
                cands.push(Candidate {
                    members: vec![entry],
                });
            }
        }
    }
    let mut groups = Groups {
        fns: Vec::new(),
        fn_of: vec![None; s.tasks.len()],
        args: vec![Vec::new(); s.tasks.len()],
    };
    let mut used_names: Vec<Vec<String>> = Vec::new();
    let mut defs: Vec<FnDef> = Vec::new();
    for cand in cands {
        match build_fn(s, &cand.members, &mut groups.args) {
            Some(def) => defs.push(def),
            // The members disagree once put together: one function each.
            None => {
                for m in &cand.members {
                    if let Some(def) = build_fn(s, std::slice::from_ref(m), &mut groups.args) {
                        defs.push(def);
                    }
                }
            }
        }
    }
    for def in defs {
        let f = groups.fns.len();
        let mut name = def.name.clone();
        let mut n = 2;
        while used_names.contains(&name) {
            name = def.name.clone();
            name.push(n.to_string());
            n += 1;
        }
        used_names.push(name.clone());
        for t in &def.members {
            if let Some(slot) = groups.fn_of.get_mut(*t) {
                *slot = Some(f);
            }
        }
        groups.fns.push(FnDef { name, ..def });
    }
    groups
}

fn build_fn(
    s: &Scenario,
    members: &[(TaskId, Label, Vec<SlotVal>)],
    args: &mut [Vec<Arg>],
) -> Option<FnDef> {
    let (rep, rep_label, rep_slots) = &members[0];
    let single = members.len() == 1;
    let vary: Vec<usize> = (0..rep_slots.len())
        .filter(|j| members.iter().any(|m| m.2.get(*j) != rep_slots.get(*j)))
        .collect();
    let mut params: Vec<ParamKind> = Vec::new();
    let mut slots = Vec::with_capacity(rep_slots.len());
    let mut label_used = false;
    // Varying durations and values become parameters (after the label).
    let mut extra: Vec<(usize, ParamKind)> = Vec::new();
    for (j, sv) in rep_slots.iter().enumerate() {
        let same = single || !vary.contains(&j);
        let expr = match sv {
            SlotVal::Text(p) => {
                if same {
                    SlotExpr::Text(lit_text(p))
                } else {
                    let t = template_full(p, rep_label, rep_slots, &vary);
                    let agree = members.iter().all(|m| match m.2.get(j) {
                        Some(SlotVal::Text(q)) => template_full(q, &m.1, &m.2, &vary) == t,
                        _ => false,
                    });
                    if !agree {
                        return None;
                    }
                    label_used |= t.contains(&TPiece::Label);
                    SlotExpr::Text(t)
                }
            }
            SlotVal::Ms(ms) => {
                if same {
                    SlotExpr::Ms(Dur::Ms(*ms))
                } else {
                    extra.push((j, ParamKind::Ms));
                    SlotExpr::Ms(Dur::Param(usize::MAX))
                }
            }
            SlotVal::Val(v) => {
                if same {
                    SlotExpr::Val(TVal::Const(v.clone()))
                } else {
                    let col: Option<Vec<(&Value, &Label)>> = members
                        .iter()
                        .map(|m| match m.2.get(j) {
                            Some(SlotVal::Val(x)) => Some((x, &m.1)),
                            _ => None,
                        })
                        .collect();
                    let derived = col.and_then(|c| derive_val(&c)).filter(uses_label_val);
                    let _ = v;
                    if let Some(t) = derived {
                        label_used = true;
                        SlotExpr::Val(t)
                    } else {
                        extra.push((j, ParamKind::Val));
                        SlotExpr::Val(TVal::Param(usize::MAX))
                    }
                }
            }
        };
        slots.push(expr);
    }
    if label_used {
        params.push(match rep_label {
            Label::Int(_) => ParamKind::IntLabel,
            Label::Str(_) => ParamKind::StrLabel,
        });
    }
    let mut param_of_slot: HashMap<usize, usize> = HashMap::new();
    for (j, kind) in &extra {
        let p = params.len();
        params.push(*kind);
        param_of_slot.insert(*j, p);
        match &mut slots[*j] {
            SlotExpr::Ms(d) => *d = Dur::Param(p),
            SlotExpr::Val(v) => *v = TVal::Param(p),
            SlotExpr::Text(_) => {}
        }
    }
    // Texts that show a varying duration or result print the parameter.
    for slot in slots.iter_mut() {
        if let SlotExpr::Text(t) = slot {
            for piece in t.iter_mut() {
                if let TPiece::Slot(j) = piece {
                    match param_of_slot.get(j) {
                        Some(p) => *piece = TPiece::Param(*p),
                        None => return None,
                    }
                }
            }
        }
    }
    for (t, label, tslots) in members {
        let mut a = Vec::new();
        if label_used {
            a.push(match label {
                Label::Int(i) => Arg::Int(*i),
                Label::Str(x) => Arg::Str(x.clone()),
            });
        }
        for (j, kind) in &extra {
            match (kind, tslots.get(*j)) {
                (ParamKind::Ms, Some(SlotVal::Ms(ms))) => a.push(Arg::Ms(*ms)),
                (ParamKind::Val, Some(SlotVal::Val(v))) => a.push(Arg::Val(v.clone())),
                _ => return None,
            }
        }
        if let Some(slot) = args.get_mut(*t) {
            *slot = a;
        }
    }
    let task = &s.tasks[*rep];
    let (prefix, _) = label_of(&task.name);
    let same_name = members
        .iter()
        .all(|(t, _, _)| s.tasks[*t].name == task.name);
    let same_prefix = members
        .iter()
        .all(|(t, _, _)| label_of(&s.tasks[*t].name).0 == prefix);
    // Numbered tasks are named by their prefix (`download`), others by their whole name.
    let numbered = matches!(rep_label, Label::Int(_)) && !prefix.is_empty();
    let mut name = if single {
        if numbered {
            words(&prefix)
        } else {
            words(&task.name)
        }
    } else if !prefix.is_empty() && same_prefix {
        words(&prefix)
    } else if same_name {
        words(&task.name)
    } else {
        vec!["job".to_string()]
    };
    if name.is_empty() {
        name.push("job".into());
    }
    if name[0].starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, "task".into());
    }
    Some(FnDef {
        name,
        rep: *rep,
        members: members.iter().map(|m| m.0).collect(),
        params,
        slots,
        worker: task.thread.is_some(),
    })
}

/// Parameter names of a shared function, unique in order (`i`, `i2`, …); JS and Rust share them.
pub(crate) fn param_names(kinds: &[ParamKind]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in kinds {
        let base = match k {
            ParamKind::IntLabel => "i",
            ParamKind::StrLabel => "name",
            ParamKind::Ms => "ms",
            ParamKind::Val => "result",
        };
        let mut n = base.to_string();
        let mut c = 2;
        while out.contains(&n) {
            n = format!("{base}{c}");
            c += 1;
        }
        out.push(n);
    }
    out
}
