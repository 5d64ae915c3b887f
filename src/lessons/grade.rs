//! Grades a predict-then-run answer (F9) against a trace: the run's MEASURED trace in the page,
//! the planner's ideal trace in tests. Pure, and total: a stopped or partial run yields "no
//! answer", never a panic.
//!
//! "Finishing" means a task's last lifecycle event, whichever it is: `end`, `fail` or `cancel`
//! (`SCENARIOS.md`: they are exclusive). The main task (id 0) is the program, not a contestant.
use super::{QOption, Question, QuestionKind};
use crate::model::catalog;
use crate::model::trace::{EventKind, Trace};

/// Two finishes this close (scenario ms) count as "at the same time" for `first_end`: far above
/// timer jitter (a few ms), far below the gaps the scenarios teach (≥ 500 ms).
pub const TIE_MS: f64 = 50.0;

/// The value `first_end` options use for "they finish together".
pub const TIE: &str = "tie";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grade {
    /// The right answer according to the trace, as an option value would spell it; `None` when
    /// the trace cannot tell (the run was stopped before the program ended, too few lines).
    pub correct_value: Option<String>,
    /// Index in `question.options` of the right option, if one of them is right.
    pub correct_option: Option<usize>,
    /// Whether `chosen` (an option value) is the right one.
    pub chosen_correct: bool,
}

/// Grades `chosen` (the value of the option the student picked, if any) for `q` against `trace`.
pub fn grade(q: &Question, trace: &Trace, chosen: Option<&str>) -> Grade {
    let correct_value = answer(q, trace);
    let correct_option = correct_value.as_deref().and_then(|v| {
        q.options
            .iter()
            .position(|o| same_value(q.kind, o.value, v))
    });
    let chosen_correct = match (correct_option, chosen) {
        (Some(i), Some(c)) => q
            .options
            .get(i)
            .is_some_and(|o| same_value(q.kind, o.value, c)),
        _ => false,
    };
    Grade {
        correct_value,
        correct_option,
        chosen_correct,
    }
}

/// The right answer to `q` according to `trace`, or `None` if the trace cannot tell.
pub fn answer(q: &Question, trace: &Trace) -> Option<String> {
    if !program_ended(trace) || !default_params(trace) {
        return None;
    }
    match q.kind {
        QuestionKind::FirstEnd => {
            let fin = finishes(trace);
            let (first_t, first) = fin.first()?;
            match fin.get(1) {
                Some((t, _)) if t - first_t <= TIE_MS => Some(TIE.to_string()),
                _ => Some(first.to_string()),
            }
        }
        QuestionKind::Total => closest_total(q.options, trace.total_ms).map(str::to_string),
        QuestionKind::NthPrint(n) => {
            let i = usize::try_from(n).ok()?.checked_sub(1)?;
            trace.prints().get(i).map(|s| s.to_string())
        }
        QuestionKind::Order => {
            let names: Vec<&str> = finishes(trace).into_iter().map(|(_, n)| n).collect();
            (!names.is_empty()).then(|| names.join(","))
        }
    }
}

/// The main task reached its last event: only then are totals and orders final.
fn program_ended(trace: &Trace) -> bool {
    trace.events.iter().any(|e| {
        e.task == 0
            && matches!(
                e.kind,
                EventKind::End { .. } | EventKind::Fail { .. } | EventKind::Cancel
            )
    })
}

/// Questions and their options are written for the catalog's default parameters: with 100
/// downloads instead of 10, "about 4 seconds" is no longer an honest option to grade.
fn default_params(trace: &Trace) -> bool {
    catalog::param_specs(&trace.scenario).iter().all(|spec| {
        trace
            .params
            .get(spec.name)
            .is_none_or(|v| v.as_u64() == Some(spec.default))
    })
}

/// `(time, task name)` of every non-main task's finish, in trace order (ties keep the order
/// they happened in).
fn finishes(trace: &Trace) -> Vec<(f64, &str)> {
    trace
        .events
        .iter()
        .filter(|e| e.task != 0)
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::End { .. } | EventKind::Fail { .. } | EventKind::Cancel
            )
        })
        .map(|e| {
            let name = trace
                .tasks
                .iter()
                .find(|t| t.id == e.task)
                .map_or("?", |t| t.name.as_str());
            (e.t, name)
        })
        .collect()
}

/// The option whose millisecond value is closest to `total` (the first of equals).
fn closest_total(options: &[QOption], total: f64) -> Option<&'static str> {
    let mut best: Option<(f64, &'static str)> = None;
    for o in options {
        let Ok(ms) = o.value.trim().parse::<f64>() else {
            continue;
        };
        let d = (ms - total).abs();
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, o.value));
        }
    }
    best.map(|(_, v)| v)
}

/// Compares an option value with an answer, ignoring spaces around an order's commas.
fn same_value(kind: QuestionKind, a: &str, b: &str) -> bool {
    match kind {
        QuestionKind::Order => a.split(',').map(str::trim).eq(b.split(',').map(str::trim)),
        QuestionKind::NthPrint(_) => a == b,
        _ => a.trim() == b.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trace::{Clock, Event, Loop, Mode, TaskInfo};

    fn q(kind: QuestionKind, options: &'static [QOption]) -> Question {
        Question {
            id: "q",
            kind,
            mode: Mode::Concurrent,
            prompt: "?",
            explain: "!",
            options,
        }
    }

    const fn opt(value: &'static str) -> QOption {
        QOption {
            label: value,
            value,
        }
    }

    /// A measured-looking trace: `(t, task, kind)` with task names main, toast, coffee.
    fn trace(events: Vec<(f64, usize, EventKind)>, total_ms: f64) -> Trace {
        let mut t = Trace::new("breakfast", Mode::Concurrent, Loop::Asyncio, Clock::Browser);
        t.tasks = ["main", "toast", "coffee"]
            .iter()
            .enumerate()
            .map(|(id, name)| TaskInfo {
                id,
                name: name.to_string(),
                parent: (id > 0).then_some(0),
                thread: None,
            })
            .collect();
        t.events = events
            .into_iter()
            .map(|(t, task, kind)| Event { t, task, kind })
            .collect();
        t.total_ms = total_ms;
        t
    }

    fn end() -> EventKind {
        EventKind::End { value: None }
    }
    fn print(s: &str) -> EventKind {
        EventKind::Print {
            text: s.to_string(),
            queue: None,
            stream: None,
        }
    }

    fn breakfast(coffee_end: f64) -> Trace {
        trace(
            vec![
                (0.0, 0, EventKind::Start),
                (0.1, 1, print("toast: in the toaster")),
                (0.2, 2, print("coffee: brewing")),
                (2000.9, 1, end()),
                (coffee_end, 2, end()),
                (coffee_end + 0.3, 0, print("breakfast is served")),
                (coffee_end + 0.3, 0, end()),
            ],
            coffee_end + 0.3,
        )
    }

    static FIRST: [QOption; 3] = [opt("toast"), opt("coffee"), opt("tie")];

    #[test]
    fn first_end_within_50_ms_is_a_tie() {
        let g = grade(
            &q(QuestionKind::FirstEnd, &FIRST),
            &breakfast(2001.1),
            Some("tie"),
        );
        assert_eq!(g.correct_value.as_deref(), Some("tie"));
        assert_eq!(g.correct_option, Some(2));
        assert!(g.chosen_correct);
    }

    #[test]
    fn first_end_names_the_earlier_task_beyond_50_ms() {
        let g = grade(
            &q(QuestionKind::FirstEnd, &FIRST),
            &breakfast(2051.0),
            Some("tie"),
        );
        assert_eq!(g.correct_value.as_deref(), Some("toast"));
        assert_eq!(g.correct_option, Some(0));
        assert!(!g.chosen_correct);
    }

    #[test]
    fn cancel_and_fail_count_as_finishing() {
        let t = trace(
            vec![
                (0.0, 0, EventKind::Start),
                (500.0, 2, EventKind::Fail { error: "x".into() }),
                (3000.0, 1, EventKind::Cancel),
                (3000.0, 0, end()),
            ],
            3000.0,
        );
        let g = grade(&q(QuestionKind::FirstEnd, &FIRST), &t, Some("coffee"));
        assert!(g.chosen_correct);
        static ORDER: [QOption; 2] = [opt("toast, coffee"), opt("coffee,toast")];
        let g = grade(&q(QuestionKind::Order, &ORDER), &t, Some("coffee, toast"));
        assert_eq!(g.correct_value.as_deref(), Some("coffee,toast"));
        assert_eq!(g.correct_option, Some(1));
        assert!(g.chosen_correct, "spaces around commas do not matter");
    }

    #[test]
    fn total_picks_the_closest_option_to_the_measured_time() {
        static TOTAL: [QOption; 3] = [opt("1000"), opt("2000"), opt("4000")];
        let qt = q(QuestionKind::Total, &TOTAL);
        let g = grade(&qt, &breakfast(2001.1), Some("2000"));
        assert_eq!(g.correct_value.as_deref(), Some("2000"));
        assert!(g.chosen_correct);
        // A slow machine still lands nearest the figure the lesson teaches.
        let g = grade(&qt, &breakfast(2900.0), Some("4000"));
        assert_eq!(g.correct_option, Some(1));
        assert!(!g.chosen_correct);
    }

    #[test]
    fn nth_print_reads_the_printed_lines_in_order() {
        static PR: [QOption; 2] = [opt("coffee: brewing"), opt("toast: in the toaster")];
        let g = grade(
            &q(QuestionKind::NthPrint(2), &PR),
            &breakfast(2001.1),
            Some("coffee: brewing"),
        );
        assert_eq!(g.correct_option, Some(0));
        assert!(g.chosen_correct);
        // Past the last line, or n = 0: the trace cannot tell.
        let g = grade(
            &q(QuestionKind::NthPrint(9), &PR),
            &breakfast(2001.1),
            Some("coffee: brewing"),
        );
        assert_eq!(g.correct_value, None);
        assert!(!g.chosen_correct);
        assert_eq!(
            answer(&q(QuestionKind::NthPrint(0), &PR), &breakfast(2001.1)),
            None
        );
    }

    #[test]
    fn a_stopped_run_grades_nothing() {
        let t = trace(vec![(0.0, 0, EventKind::Start), (2000.0, 1, end())], 2000.0);
        for kind in [
            QuestionKind::FirstEnd,
            QuestionKind::Total,
            QuestionKind::Order,
        ] {
            let g = grade(&q(kind, &FIRST), &t, Some("toast"));
            assert_eq!(g.correct_value, None);
            assert!(!g.chosen_correct);
        }
    }

    #[test]
    fn a_run_with_other_parameters_than_the_lessons_grades_nothing() {
        static TOTAL: [QOption; 2] = [opt("4000"), opt("10000")];
        let qt = q(QuestionKind::Total, &TOTAL);
        let mut t = breakfast(2001.1);
        t.scenario = "crawler".into();
        t.params.insert("count".into(), 10.into());
        assert_eq!(answer(&qt, &t).as_deref(), Some("4000"), "defaults: graded");
        t.params.insert("count".into(), 100.into());
        assert_eq!(answer(&qt, &t), None);
    }

    #[test]
    fn a_right_answer_missing_from_the_options_is_reported_as_such() {
        static NOPE: [QOption; 2] = [opt("toast"), opt("coffee")];
        let g = grade(&q(QuestionKind::FirstEnd, &NOPE), &breakfast(2001.1), None);
        assert_eq!(g.correct_value.as_deref(), Some("tie"));
        assert_eq!(g.correct_option, None);
        assert!(!g.chosen_correct);
    }
}
