//! The browser side: runs scenarios on real promises and timers and records measured traces.
//! OWNER: runtime helper. The API below is what the UI uses; keep it (add, don't rename).
//!
//! One interpreter runs any scenario (`interp.rs`): one Rust future per task on a small
//! executor (`exec.rs`), every wait a JS promise settled by `setTimeout` and awaited as a
//! `JsFuture` (`sleep.rs`, grouped per the code language's event loop by `timer.rs`), semaphores
//! and gathers as plain Rust futures, cancellation by dropping futures (`cancel.rs`), blocking
//! and CPU work for real on the main thread (`cpu.rs`), worker lanes in real Web Workers
//! (`worker.rs`), and the JS queues and promise combinators done by the browser (`jsloop.rs`).
//!
//! Runs: one at a time. `start` supersedes a run still going, which first receives its
//! `Finished { cancelled: true }`; so each run gets exactly one `Finished` (or one
//! `Unsupported`), and nothing of a stopped run reaches the sink afterwards (its executor is
//! shut down, its timers cleared and promises settled before that `Finished` is sent).
//!
//! Time: t = 0 is taken after the set-up (workers started and ready, CPU pieces sized), so
//! neither counts in a trace. Every program tracks its *ideal* time as data (integer ms, as the
//! planner): deadlines are `t0 + ideal / speed`, so waits never drift, equal ideal deadlines
//! share one timer under asyncio, and a late timer does not push later ones back. A program is
//! over when nothing of it can happen any more; `total_ms` is its main task's last event.
//! Order matches `plan::plan` exactly (tested for every catalog scenario in both loops); worker
//! lanes run in parallel, so only each thread's own order is fixed.
#[cfg(target_arch = "wasm32")]
use std::rc::Rc;

use crate::model::scenario::{CodeLang, Scenario};
use crate::model::trace::{Event, Trace};

pub mod sem;
pub mod timer;
pub mod work;

#[cfg(target_arch = "wasm32")]
mod cancel;
#[cfg(target_arch = "wasm32")]
pub mod clock;
#[cfg(target_arch = "wasm32")]
mod cpu;
#[cfg(target_arch = "wasm32")]
mod exec;
#[cfg(target_arch = "wasm32")]
mod interp;
#[cfg(target_arch = "wasm32")]
mod jsloop;
#[cfg(target_arch = "wasm32")]
mod prog;
#[cfg(target_arch = "wasm32")]
pub mod python;
#[cfg(target_arch = "wasm32")]
pub mod sieve;
#[cfg(target_arch = "wasm32")]
mod sleep;
#[cfg(target_arch = "wasm32")]
mod worker;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunConfig {
    /// 0.25–4: every wait takes `ms / speed` real milliseconds; traces report scenario time.
    pub speed: f64,
    /// Picks the event loop whose order the run follows (asyncio or browser).
    pub lang: CodeLang,
    /// Run the programs one after the other (each drawn from 0) instead of at once on one clock.
    pub one_after_another: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RunUpdate {
    /// An event of program `program` (index into the `programs` given to `start`), as it happens.
    Event { program: usize, event: Event },
    /// Once per run: one trace per program (in order), whether it finished or was cancelled.
    Finished { traces: Vec<Trace>, cancelled: bool },
    /// The run cannot happen here (e.g. Web Workers blocked); `Finished` does not follow.
    Unsupported(String),
}

/// Dropping the handle does not stop the run; call `stop`.
#[derive(Clone, Debug)]
pub struct RunHandle {
    pub id: u64,
}

/// Why `start` refuses a program before running anything (shown in words).
pub fn check(programs: &[Scenario], cfg: &RunConfig) -> Result<(), String> {
    if !(cfg.speed.is_finite() && cfg.speed > 0.0) {
        return Err(format!("speed {} is not a positive number", cfg.speed));
    }
    if programs.is_empty() {
        return Err("nothing to run".to_string());
    }
    for sc in programs {
        if sc.tasks.is_empty() {
            return Err(format!("scenario {:?} has no main task", sc.id));
        }
    }
    Ok(())
}

#[cfg(target_arch = "wasm32")]
impl RunHandle {
    /// Cancels the run: futures dropped, timers cleared, `Finished { cancelled: true }` sent.
    /// Does nothing if the run already ended.
    pub fn stop(&self) {
        cancel::stop(self.id);
    }

    /// True while the run has not ended.
    pub fn is_running(&self) -> bool {
        cancel::active_id() == Some(self.id)
    }
}

/// Starts `programs` (e.g. [sequential, concurrent] in compare mode) and reports to `sink`.
/// A run still going is stopped first (it gets its `Finished { cancelled: true }`).
#[cfg(target_arch = "wasm32")]
pub fn start(programs: Vec<Scenario>, cfg: RunConfig, sink: Rc<dyn Fn(RunUpdate)>) -> RunHandle {
    use futures::FutureExt;

    cancel::supersede();
    let id = cancel::next_id();
    if let Err(why) = check(&programs, &cfg) {
        sink(RunUpdate::Unsupported(why));
        return RunHandle { id };
    }
    let exec = exec::Executor::install(id);
    let progs: Vec<Rc<prog::Prog>> = programs
        .into_iter()
        .enumerate()
        .map(|(i, sc)| {
            prog::Prog::new(
                i,
                Rc::new(sc),
                cfg.lang,
                cfg.speed,
                exec.clone(),
                sink.clone(),
            )
        })
        .collect();
    let run = cancel::Run::new(id, exec.clone(), progs, sink);
    run.activate();
    exec.spawn(drive(run, cfg.one_after_another).boxed_local());
    RunHandle { id }
}

/// How long workers may take to start before the run reports `Unsupported` (real ms).
#[cfg(target_arch = "wasm32")]
const WORKER_START_LIMIT_MS: i32 = 10_000;

/// The run's own future: workers and CPU calibration first (not timed), then the programs.
#[cfg(target_arch = "wasm32")]
async fn drive(run: Rc<cancel::Run>, one_after_another: bool) {
    use crate::model::scenario::Step;

    for p in &run.progs {
        if p.sc.tasks.iter().any(|d| d.thread.is_some()) {
            let pool = match worker::Pool::start(p) {
                Ok(pool) => pool,
                Err(why) => return run.unsupported(why),
            };
            *p.workers.borrow_mut() = Some(pool.clone());
            // A worker that neither loads nor reports an error (a blocked script) must not
            // hold the run forever.
            let give_up =
                wasm_bindgen_futures::JsFuture::from(js_sys::Promise::new(&mut |res, _| {
                    let _ = sleep::set_timeout_0(&res, WORKER_START_LIMIT_MS);
                }));
            match futures::future::select(pool.ready(), give_up).await {
                futures::future::Either::Left((Ok(()), _)) => {}
                futures::future::Either::Left((Err(why), _)) => return run.unsupported(why),
                futures::future::Either::Right(_) => {
                    return run.unsupported(
                        "Web Workers did not start on this page, so this scenario cannot run here."
                            .to_string(),
                    )
                }
            }
        }
        // Sized before t = 0, so measuring the device is not part of the run.
        for d in &p.sc.tasks {
            for s in &d.body {
                if let Step::Cpu { work, .. } = s {
                    cpu::calibrate(*work);
                }
            }
        }
    }
    if one_after_another {
        for p in &run.progs {
            p.set_t0(clock::now());
            start_main(p);
            quiet(p).await;
        }
    } else {
        let t0 = clock::now();
        for p in &run.progs {
            p.set_t0(t0);
        }
        for p in &run.progs {
            start_main(p);
        }
        for p in &run.progs {
            quiet(p).await;
        }
    }
    run.end(false);
}

/// A program is over when nothing of it can happen any more (as the planner's loop ends when
/// its timer heap is empty): no timer, no scheduled callback, no worker task, no ready task.
/// So tasks still running when main ends go on to their end, and a program stuck for good (a
/// semaphore never released) ends instead of holding the run forever.
#[cfg(target_arch = "wasm32")]
async fn quiet(p: &Rc<prog::Prog>) {
    loop {
        Idle(p.clone()).await;
        // A macrotask later every promise reaction has run: if still nothing is pending, done.
        let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::new(&mut |res, _| {
            let _ = sleep::set_timeout_0(&res, 0);
        }))
        .await;
        if !p.busy() && !p.exec.has_ready() {
            return;
        }
    }
}

#[cfg(target_arch = "wasm32")]
struct Idle(Rc<prog::Prog>);

#[cfg(target_arch = "wasm32")]
impl std::future::Future for Idle {
    type Output = ();
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if !self.0.busy() {
            return std::task::Poll::Ready(());
        }
        *self.0.idle_waker.borrow_mut() = Some(cx.waker().clone());
        std::task::Poll::Pending
    }
}

#[cfg(target_arch = "wasm32")]
fn start_main(p: &Rc<prog::Prog>) {
    use futures::FutureExt;
    p.set_status(0, prog::Status::Running);
    let slot = p
        .exec
        .spawn(interp::run_spawned(p.clone(), 0).boxed_local());
    if let Some(r) = p.tasks.borrow_mut().get_mut(0) {
        r.slot = Some(slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::trace::Mode;

    fn cfg(speed: f64) -> RunConfig {
        RunConfig {
            speed,
            lang: CodeLang::Python,
            one_after_another: false,
        }
    }

    #[test]
    fn check_refuses_bad_speed_and_empty_programs() {
        let sc = Scenario {
            id: "x".into(),
            mode: Mode::Concurrent,
            params: Default::default(),
            tasks: vec![],
            semaphores: vec![],
        };
        assert!(check(&[], &cfg(1.0)).is_err());
        assert!(check(std::slice::from_ref(&sc), &cfg(1.0)).is_err());
        assert!(check(&[], &cfg(f64::NAN)).is_err());
        assert!(check(&[], &cfg(0.0)).is_err());
    }
}
