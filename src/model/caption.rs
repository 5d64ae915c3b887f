//! Presenter mode's caption: one sentence, in the page's language, of what the program is doing
//! at the cursor — derived from the lanes as far as the view shows them (which task runs, which
//! wait on a timer, on the semaphore, on another task, which have not started yet).
use super::bars::{BarState, Lane, LaneSet};
use super::params::Lang;

/// One program as the caption sees it: its panel title, its shown lanes, its cursor (ms).
pub struct ProgramNow<'a> {
    pub title: &'a str,
    pub set: &'a LaneSet,
    pub at: Option<f64>,
}

/// What a lane is doing at `t`: its state, `None` before its first event and after its last.
pub fn state_at(lane: &Lane, t: f64) -> Option<BarState> {
    lane.bars_at(t)
        .into_iter()
        .rev()
        .find(|b| !b.state.is_badge() && b.start <= t && b.end.is_none_or(|e| e > t))
        .map(|b| b.state)
}

fn pick(lang: Lang, w: [&'static str; 3]) -> &'static str {
    match lang {
        Lang::En => w[0],
        Lang::Fr => w[1],
        Lang::Es => w[2],
    }
}

/// "toast", "toast and coffee", or "3 tasks" (a caption read from the back of a room stays short).
fn names(lang: Lang, list: &[&str]) -> String {
    match list {
        [] => String::new(),
        [one] => (*one).to_string(),
        _ if list.len() > 2 => format!(
            "{} {}",
            list.len(),
            pick(lang, ["tasks", "tâches", "tareas"])
        ),
        [init @ .., last] => format!(
            "{} {} {last}",
            init.join(", "),
            pick(lang, ["and", "et", "y"])
        ),
    }
}

/// The verb phrase of a group: `[singular, plural]` per language.
fn phrase(lang: Lang, what: Group, n: usize) -> &'static str {
    let pl = n > 1;
    let words: [[&'static str; 2]; 3] = match what {
        Group::Blocked => [
            ["holds the thread (blocking)", "hold the thread (blocking)"],
            ["bloque le fil", "bloquent le fil"],
            ["bloquea el hilo", "bloquean el hilo"],
        ],
        Group::Running => [
            ["is running", "are running"],
            ["s’exécute", "s’exécutent"],
            ["se ejecuta", "se ejecutan"],
        ],
        Group::Sleeping if n == 2 => [
            [
                "is waiting on its timer",
                "are both waiting on their timers",
            ],
            [
                "attend sa minuterie",
                "attendent toutes deux leur minuterie",
            ],
            ["espera su temporizador", "esperan ambas su temporizador"],
        ],
        Group::Sleeping => [
            ["is waiting on its timer", "are waiting on their timers"],
            ["attend sa minuterie", "attendent leur minuterie"],
            ["espera su temporizador", "esperan su temporizador"],
        ],
        Group::Waiting => [
            [
                "is waiting for the semaphore",
                "are waiting for the semaphore",
            ],
            ["attend le sémaphore", "attendent le sémaphore"],
            ["espera el semáforo", "esperan el semáforo"],
        ],
        Group::Awaiting => [
            ["is awaiting another task", "are awaiting other tasks"],
            ["attend une autre tâche", "attendent d’autres tâches"],
            ["espera otra tarea", "esperan otras tareas"],
        ],
        Group::NotStarted => [
            ["has not started yet", "have not started yet"],
            ["n’a pas encore commencé", "n’ont pas encore commencé"],
            ["aún no ha empezado", "aún no han empezado"],
        ],
    };
    let i = match lang {
        Lang::En => 0,
        Lang::Fr => 1,
        Lang::Es => 2,
    };
    words[i][usize::from(pl)]
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Blocked,
    Running,
    Sleeping,
    Waiting,
    Awaiting,
    NotStarted,
}

fn add<'a>(groups: &mut Vec<(Group, Vec<&'a str>)>, g: Group, name: &'a str) {
    match groups.iter_mut().find(|(k, _)| *k == g) {
        Some((_, v)) => v.push(name),
        None => groups.push((g, vec![name])),
    }
}

/// The sentence for one program at `t`, or `None` when every task is done (or none started).
fn program_sentence(lang: Lang, set: &LaneSet, t: f64) -> Option<String> {
    let mut groups: Vec<(Group, Vec<&str>)> = Vec::new();
    let mut active = false;
    for lane in &set.lanes {
        match state_at(lane, t) {
            Some(s) => {
                active = true;
                let g = match s {
                    BarState::Blocked => Group::Blocked,
                    BarState::Running => Group::Running,
                    BarState::Sleeping => Group::Sleeping,
                    BarState::Waiting => Group::Waiting,
                    _ => Group::Awaiting,
                };
                add(&mut groups, g, &lane.name);
            }
            None if lane.first_t.is_none() => add(&mut groups, Group::NotStarted, &lane.name),
            None => {}
        }
    }
    if !active {
        return None;
    }
    let order = [
        Group::Blocked,
        Group::Running,
        Group::Sleeping,
        Group::Waiting,
        Group::Awaiting,
        Group::NotStarted,
    ];
    groups.sort_by_key(|(g, _)| order.iter().position(|o| o == g));
    // "main is awaiting other tasks" only says something when little else happens.
    let busy = groups
        .iter()
        .filter(|(g, _)| !matches!(g, Group::Awaiting | Group::NotStarted))
        .count();
    let clauses: Vec<String> = groups
        .iter()
        .filter(|(g, _)| *g != Group::Awaiting || busy == 0)
        .map(|(g, list)| format!("{} {}", names(lang, list), phrase(lang, *g, list.len())))
        .collect();
    Some(clauses.join("; "))
}

fn colon(lang: Lang) -> &'static str {
    if lang == Lang::Fr {
        "\u{a0}: "
    } else {
        ": "
    }
}

/// The caption: the program still at work at the cursor (the last one, so compare mode speaks of
/// the concurrent run while it works), prefixed by its panel title when there are several.
pub fn caption(lang: Lang, programs: &[ProgramNow]) -> String {
    if programs.iter().all(|p| p.at.is_none()) {
        return pick(
            lang,
            [
                "Press Space to run the program.",
                "Appuyez sur Espace pour lancer le programme.",
                "Pulsa Espacio para ejecutar el programa.",
            ],
        )
        .to_string();
    }
    let now = programs.iter().rev().find_map(|p| {
        p.at.and_then(|t| program_sentence(lang, p.set, t))
            .map(|s| (p.title, s))
    });
    match now {
        Some((title, s)) => {
            // Task names are identifiers: never capitalised.
            let mut s = s;
            if programs.len() > 1 {
                s = format!("{title}{}{s}", colon(lang));
            }
            s.push('.');
            s
        }
        None => pick(
            lang,
            [
                "Finished: every task is done.",
                "Terminé\u{a0}: toutes les tâches sont finies.",
                "Terminado: todas las tareas han acabado.",
            ],
        )
        .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog;
    use crate::model::plan;
    use crate::model::scenario::CodeLang;
    use crate::model::trace::Mode;
    use std::collections::BTreeMap;

    /// The lanes as the view shows them at `upto` ms (the events until then).
    fn set_of(id: &str, mode: Mode, upto: f64) -> LaneSet {
        let params: &[(&str, u64)] = &[];
        let params: BTreeMap<String, u64> =
            params.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let s = catalog::build(id, mode, &params).expect("scenario builds");
        let tr = plan::plan(&s, CodeLang::Python).expect("plans");
        let shown: Vec<_> = tr.events.iter().filter(|e| e.t <= upto).cloned().collect();
        LaneSet::from_events(&tr.tasks, &shown)
    }

    fn at(set: &LaneSet, title: &str, t: f64) -> String {
        caption(
            Lang::En,
            &[ProgramNow {
                title,
                set,
                at: Some(t),
            }],
        )
    }

    #[test]
    fn breakfast_concurrent_both_wait_on_their_timers() {
        let set = set_of("breakfast", Mode::Concurrent, 1400.0);
        let seq = set_of("breakfast", Mode::Sequential, 1400.0);
        let both = caption(
            Lang::En,
            &[
                ProgramNow {
                    title: "Sequential",
                    set: &seq,
                    at: Some(1400.0),
                },
                ProgramNow {
                    title: "Concurrent",
                    set: &set,
                    at: Some(1400.0),
                },
            ],
        );
        assert_eq!(
            both,
            "Concurrent: toast and coffee are both waiting on their timers."
        );
        let s = at(&seq, "Sequential", 1400.0);
        assert!(s.contains("toast is waiting on its timer"), "{s}");
        assert!(s.contains("coffee has not started yet"), "{s}");
    }

    #[test]
    fn crawler_counts_holders_and_waiters() {
        let set = set_of("crawler", Mode::Concurrent, 10.0);
        let s = at(&set, "Concurrent", 10.0);
        assert_eq!(
            s,
            "3 tasks are waiting on their timers; 7 tasks are waiting for the semaphore."
        );
    }

    #[test]
    fn idle_and_finished_have_their_own_sentences() {
        let set = set_of("breakfast", Mode::Concurrent, 1400.0);
        let done = set_of("breakfast", Mode::Concurrent, 1e9);
        let idle = caption(
            Lang::Fr,
            &[ProgramNow {
                title: "x",
                set: &set,
                at: None,
            }],
        );
        assert!(idle.starts_with("Appuyez"));
        assert_eq!(at(&done, "x", 1e9), "Finished: every task is done.");
        let fr = caption(
            Lang::Fr,
            &[ProgramNow {
                title: "Concurrent",
                set: &set,
                at: Some(1400.0),
            }],
        );
        assert_eq!(fr, "toast et coffee attendent toutes deux leur minuterie.");
        let es = caption(
            Lang::Es,
            &[ProgramNow {
                title: "Concurrente",
                set: &set,
                at: Some(1400.0),
            }],
        );
        assert_eq!(es, "toast y coffee esperan ambas su temporizador.");
    }
}
