//! F16: the page *shows* a freeze. While a run is under way a `requestAnimationFrame` loop notes
//! the time between frames; when the engine holds the main thread (a blocking call, CPU work on
//! the main thread) no frame can be drawn, and after the run the longest gap is written out,
//! measured, beside the timeline. Only runs whose trace shows a blocking step on the main thread
//! are judged, and never a run in a hidden tab (the browser draws no frame there anyway).
use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::state::use_app;
use crate::i18n::seconds;
use crate::model::params::Lang;
use crate::model::trace::{EventKind, Trace};

/// A gap this long is a freeze a person sees (15 missed frames at 60 Hz), well above the
/// page's own longest frames.
const FREEZE_MS: f64 = 250.0;

/// Only a program that blocked the main thread is blamed: a slow frame of the page itself (a
/// busy machine, a garbage collection) is not the lesson.
fn held_main_thread(traces: &[Trace]) -> bool {
    traces.iter().any(|t| {
        t.events.iter().any(|e| {
            matches!(e.kind, EventKind::Block { .. })
                && t.tasks
                    .iter()
                    .find(|ti| ti.id == e.task)
                    .is_some_and(|ti| ti.thread.as_deref().is_none_or(|th| th == "main"))
        })
    })
}

#[derive(Default)]
struct Monitor {
    /// The run being watched (0: none).
    run: u64,
    last: Option<f64>,
    longest: f64,
    frames: u32,
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

type Tick = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

fn request(tick: &Tick) {
    if let (Some(w), Some(cb)) = (web_sys::window(), tick.borrow().as_ref()) {
        let _ = w.request_animation_frame(cb.as_ref().unchecked_ref());
    }
}

#[component]
pub fn FreezeNote() -> impl IntoView {
    let app = use_app();
    // (run id, longest gap in ms) of the last finished run, when it froze the page.
    let froze = RwSignal::new(None::<(u64, f64)>);
    let monitor = Rc::new(RefCell::new(Monitor::default()));
    let tick: Tick = Rc::new(RefCell::new(None));
    {
        let monitor = monitor.clone();
        let again = tick.clone();
        *tick.borrow_mut() = Some(Closure::new(move |_t: f64| {
            let mut m = monitor.borrow_mut();
            if m.run == 0 {
                return; // stopped: the loop ends here
            }
            // performance.now(), not the frame's timestamp: a frame that starts late after a
            // blocked task still carries the time it was due.
            let t = now();
            if let Some(last) = m.last {
                m.longest = m.longest.max(t - last);
            }
            m.last = Some(t);
            m.frames += 1;
            drop(m);
            request(&again);
        }));
    }
    {
        let monitor = monitor.clone();
        let tick = tick.clone();
        Effect::watch(
            move || app.run_id.get(),
            move |run, _, _| {
                froze.set(None);
                let fresh = {
                    let mut m = monitor.borrow_mut();
                    let was_idle = m.run == 0;
                    *m = Monitor {
                        run: *run,
                        last: Some(now()),
                        ..Monitor::default()
                    };
                    was_idle
                };
                if *run > 0 && fresh {
                    request(&tick);
                }
            },
            false,
        );
    }
    {
        let monitor = monitor.clone();
        Effect::watch(
            move || {
                app.result.with(|r| {
                    r.as_ref().map(|r| {
                        let judged =
                            !r.traces.iter().any(|t| t.hidden) && held_main_thread(&r.traces);
                        (r.run_id, judged)
                    })
                })
            },
            move |done, _, _| {
                let Some((run, judged)) = *done else {
                    return;
                };
                let mut m = monitor.borrow_mut();
                if m.run != run {
                    return;
                }
                // The gap up to the end of the run counts too (the last task may have held it).
                if let Some(last) = m.last {
                    m.longest = m.longest.max(now() - last);
                }
                let longest = m.longest;
                m.run = 0;
                drop(m);
                if judged && longest >= FREEZE_MS {
                    froze.set(Some((run, longest)));
                }
            },
            false,
        );
    }
    // The frame closure is kept for the page's life (the app mounts this once): freeing it while
    // a frame is queued would make that frame throw. Unmounted, the loop just stops.
    let kept = StoredValue::new_local(monitor);
    on_cleanup(move || {
        let _ = kept.try_with_value(|m| m.borrow_mut().run = 0);
    });
    let text = move || {
        let lang = app.lang.get();
        let presenter = app.presenter.get();
        froze.get().map(|(_, ms)| {
            let s = seconds(lang, ms);
            // A projector's one line (24 px type leaves no room for two).
            if presenter {
                return match lang {
                    Lang::En => format!("The page froze for {s}: the program held the main thread."),
                    Lang::Fr => format!(
                        "La page s’est figée pendant {s}\u{a0}: le programme tenait le fil principal."
                    ),
                    Lang::Es => format!(
                        "La página se congeló durante {s}: el programa retenía el hilo principal."
                    ),
                };
            }
            match lang {
                Lang::En => format!(
                    "The page froze: for {s} no frame could be drawn, because the program held the main thread (measured with requestAnimationFrame)."
                ),
                Lang::Fr => format!(
                    "La page s’est figée : pendant {s}, aucune image n’a pu être dessinée, car le programme tenait le fil principal (mesuré avec requestAnimationFrame)."
                ),
                Lang::Es => format!(
                    "La página se congeló: durante {s} no se pudo dibujar ninguna imagen, porque el programa retenía el hilo principal (medido con requestAnimationFrame)."
                ),
            }
        })
    };
    view! {
        <Show when=move || froze.get().is_some()>
            <p class="ap-freeze" data-testid="freeze" role="note"
                data-ms=move || froze.get().map(|(_, ms)| format!("{ms:.0}"))>
                {text}
            </p>
        </Show>
    }
}
