//! F18 event-loop lab, pure: the callbacks of a JS-queue program (`Schedule` steps), the order
//! the JavaScript model predicts for them, the order the browser really ran them in (read from
//! the measured trace: each callback prints when it runs), and the call stack / microtask queue /
//! macrotask queue after each of them, for the panel that steps with the run.
use super::scenario::{Scenario, Step};
use super::trace::{Event, EventKind, Queue};

/// One callback: the queue it goes through and the line it prints when it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub queue: Queue,
    pub text: String,
}

/// The callbacks of the main task, in the order the script reaches them.
pub fn jobs(sc: &Scenario) -> Vec<Job> {
    sc.tasks
        .first()
        .map(|t| {
            t.body
                .iter()
                .filter_map(|s| match s {
                    Step::Schedule { queue, text } => Some(Job {
                        queue: *queue,
                        text: text.clone(),
                    }),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The model: the synchronous script runs to its end, then the microtask queue drains (FIFO),
/// then each macrotask in the order it was queued. Indices into `jobs`.
pub fn predict(jobs: &[Job]) -> Vec<usize> {
    let of = |q: Queue| (0..jobs.len()).filter(move |&i| jobs[i].queue == q);
    of(Queue::Sync)
        .chain(of(Queue::Micro))
        .chain(of(Queue::Macro))
        .collect()
}

/// What the browser did: the callbacks in the order their prints were recorded (each is matched
/// to the first job with its queue and text not matched yet). Events of other tasks are ignored.
pub fn observed<'a>(jobs: &[Job], events: impl IntoIterator<Item = &'a Event>) -> Vec<usize> {
    observed_at(jobs, events)
        .into_iter()
        .map(|(i, _)| i)
        .collect()
}

/// `observed`, each callback with the scenario time it ran at (ms since the run started).
pub fn observed_at<'a>(
    jobs: &[Job],
    events: impl IntoIterator<Item = &'a Event>,
) -> Vec<(usize, f64)> {
    let mut used = vec![false; jobs.len()];
    let mut out = Vec::new();
    for e in events {
        let EventKind::Print {
            text,
            queue: Some(q),
            ..
        } = &e.kind
        else {
            continue;
        };
        if let Some(i) =
            (0..jobs.len()).find(|&i| !used[i] && jobs[i].queue == *q && jobs[i].text == *text)
        {
            used[i] = true;
            out.push((i, e.t));
        }
    }
    out
}

/// The machine after `k` callbacks of `order` ran: what is on the call stack (bottom first; the
/// script frame while synchronous code runs) and what waits in each queue (front first).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The callback that just ran (`None` before the first).
    pub current: Option<usize>,
    /// The script's frame is on the stack (synchronous code is running).
    pub in_script: bool,
    pub micro: Vec<usize>,
    pub macro_: Vec<usize>,
}

pub fn snapshot(jobs: &[Job], order: &[usize], k: usize) -> Snapshot {
    let k = k.min(order.len());
    let ran = &order[..k];
    let current = k.checked_sub(1).and_then(|i| order.get(i)).copied();
    // While a synchronous line runs, the script has queued only what comes before it.
    let reached = match current {
        Some(j) if jobs.get(j).is_some_and(|x| x.queue == Queue::Sync) => j,
        None => 0,
        Some(_) => jobs.len(),
    };
    let waiting = |q: Queue| {
        (0..reached)
            .filter(|&i| jobs[i].queue == q && !ran.contains(&i))
            .collect::<Vec<_>>()
    };
    Snapshot {
        current,
        in_script: current.is_some_and(|j| jobs.get(j).is_some_and(|x| x.queue == Queue::Sync)),
        micro: waiting(Queue::Micro),
        macro_: waiting(Queue::Macro),
    }
}

/// Where the browser's order first differs from the prediction (`None`: they agree, as far as
/// the browser got).
pub fn first_disagreement(predicted: &[usize], seen: &[usize]) -> Option<usize> {
    seen.iter()
        .zip(predicted)
        .position(|(a, b)| a != b)
        .or_else(|| (seen.len() > predicted.len()).then_some(predicted.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog;
    use crate::model::plan::plan;
    use crate::model::scenario::{CodeLang, Params};
    use crate::model::trace::Mode;

    fn elo() -> Scenario {
        catalog::build("event-loop-order", Mode::Concurrent, &Params::new()).unwrap()
    }

    #[test]
    fn predicts_sync_then_microtasks_then_macrotasks() {
        let j = jobs(&elo());
        assert_eq!(j.len(), 5);
        let names: Vec<&str> = predict(&j).iter().map(|&i| j[i].text.as_str()).collect();
        assert_eq!(
            names,
            [
                "sync: script starts",
                "sync: script ends",
                "microtask: promise then",
                "microtask: queueMicrotask",
                "macrotask: setTimeout 0"
            ]
        );
    }

    #[test]
    fn the_plans_order_is_the_prediction() {
        let sc = elo();
        let j = jobs(&sc);
        let t = plan(&sc, CodeLang::Js).unwrap();
        assert_eq!(observed(&j, &t.events), predict(&j));
    }

    #[test]
    fn snapshots_follow_the_queues() {
        let j = jobs(&elo());
        let o = predict(&j);
        assert_eq!(snapshot(&j, &o, 0), Snapshot::default());
        // "script starts" runs: nothing queued yet.
        let s1 = snapshot(&j, &o, 1);
        assert!(s1.in_script && s1.micro.is_empty() && s1.macro_.is_empty());
        // "script ends" runs: the timer and both microtasks wait.
        let s2 = snapshot(&j, &o, 2);
        assert_eq!((s2.micro.clone(), s2.macro_.clone()), (vec![2, 3], vec![1]));
        let s3 = snapshot(&j, &o, 3);
        assert!(!s3.in_script);
        assert_eq!((s3.micro.clone(), s3.macro_.clone()), (vec![3], vec![1]));
        let s5 = snapshot(&j, &o, 5);
        assert!(s5.micro.is_empty() && s5.macro_.is_empty());
        assert_eq!(s5.current, Some(1));
    }

    #[test]
    fn disagreement_is_found() {
        assert_eq!(first_disagreement(&[0, 1, 2], &[0, 1]), None);
        assert_eq!(first_disagreement(&[0, 1, 2], &[0, 2, 1]), Some(1));
        assert_eq!(first_disagreement(&[0], &[0, 1]), Some(1));
    }
}
