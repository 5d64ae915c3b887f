//! The JavaScript machinery itself, for `event-loop-order` and `promise-combinators`: what is
//! recorded is what the browser did (`queueMicrotask` / `Promise.then` callbacks, `setTimeout(0)`,
//! `Promise.all` / `race` / `allSettled` / `any` settling), not a simulation of it.
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::model::plan::{fulfilled, rejected};
use crate::model::scenario::{Combinator, TaskId};
use crate::model::trace::{EventKind, Loop, Queue};
use crate::model::value::Value;

use super::prog::{Outcome, Prog, Status};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(f: &js_sys::Function);
}

/// `Schedule`: `sync` prints now; `micro` is queued with `Promise.resolve().then` (or
/// `queueMicrotask` when the line names it); `macro` with `setTimeout(0)`. The program is not over until every scheduled callback ran.
pub fn schedule(p: &Rc<Prog>, t: TaskId, queue: Queue, text: &str) {
    if queue == Queue::Sync {
        p.emit(
            t,
            EventKind::Print {
                text: text.to_string(),
                queue: Some(Queue::Sync),
                stream: None,
            },
        );
        return;
    }
    if queue == Queue::Micro && p.lang.loop_kind() == Loop::Asyncio {
        // asyncio has no microtask queue: the callback is `call_soon`, the back of the ready
        // queue (what the Python view does), so it goes through our own ready queue.
        let p2 = p.clone();
        let text = text.to_string();
        p.exec.spawn(Box::pin(async move {
            p2.emit(
                t,
                EventKind::Print {
                    text,
                    queue: Some(Queue::Micro),
                    stream: None,
                },
            );
        }));
        return;
    }
    p.pending_js.set(p.pending_js.get() + 1);
    let weak = Rc::downgrade(p);
    let label = text.to_string();
    let text = text.to_string();
    let cb = Closure::once_into_js(move || {
        if let Some(p) = weak.upgrade() {
            let p2 = p.clone();
            p.exec.call_or_defer(Box::new(move || {
                p2.emit(
                    t,
                    EventKind::Print {
                        text,
                        queue: Some(queue),
                        stream: None,
                    },
                );
                p2.pending_js.set(p2.pending_js.get().saturating_sub(1));
                p2.poke_idle();
            }));
        }
    })
    .unchecked_into::<js_sys::Function>();
    match queue {
        // The same API the JS code view shows for this line (`codegen/js.rs` picks it the same way).
        Queue::Micro if text_names_queue_microtask(&label) => queue_microtask(&cb),
        Queue::Micro => {
            let resolved = js_sys::Promise::resolve(&JsValue::UNDEFINED);
            if let Ok(then) = js_sys::Reflect::get(&resolved, &"then".into()) {
                let _ = then
                    .unchecked_into::<js_sys::Function>()
                    .call1(&resolved, &cb);
            }
        }
        _ => {
            super::sleep::set_timeout_0(&cb, 0);
        }
    }
}

fn text_names_queue_microtask(text: &str) -> bool {
    text.to_ascii_lowercase().contains("queuemicrotask")
}

/// One child's settlement as a JS promise value: its argument index.
fn settle_child(p: &Rc<Prog>, c: TaskId, index: usize) -> js_sys::Promise {
    let mut fns = None;
    let promise = js_sys::Promise::new(&mut |res, rej| fns = Some((res, rej)));
    if let Some((res, rej)) = fns {
        let on_stop_rej = rej.clone();
        p.on_stop.borrow_mut().push(Box::new(move || {
            let _ = on_stop_rej.call1(&JsValue::UNDEFINED, &JsValue::from(-1.0));
        }));
        p.when_done(
            c,
            Box::new(move |o: &Outcome| {
                let idx = JsValue::from(index as f64);
                let _ = match o {
                    Outcome::Ok(_) => res.call1(&JsValue::UNDEFINED, &idx),
                    _ => rej.call1(&JsValue::UNDEFINED, &idx),
                };
            }),
        );
    }
    promise
}

fn index_of(v: &JsValue) -> Option<usize> {
    v.as_f64()
        .filter(|f| *f >= 0.0 && f.fract() == 0.0)
        .map(|f| f as usize)
}

/// `Combine`: the JS combinator over promises that settle when the child tasks end.
pub async fn combine(
    p: &Rc<Prog>,
    t: TaskId,
    how: Combinator,
    tasks: &[TaskId],
) -> super::interp::Flow {
    let known: Vec<TaskId> = tasks
        .iter()
        .copied()
        .filter(|c| p.status(*c).is_some())
        .collect();
    super::interp::start_all(p, &known, t).await;
    let arr = js_sys::Array::new();
    for (i, c) in known.iter().enumerate() {
        arr.push(&settle_child(p, *c, i));
    }
    let combined = match how {
        Combinator::All => js_sys::Promise::all(&arr),
        Combinator::Race => js_sys::Promise::race(&arr),
        Combinator::AllSettled => js_sys::Promise::all_settled(&arr),
        Combinator::Any => js_sys::Promise::any(&arr),
    };
    p.set_awaiting(t, known.clone());
    let res = JsFuture::from(combined).await;
    p.set_awaiting(t, Vec::new());
    let value_of = |i: usize| -> Value {
        known
            .get(i)
            .and_then(|c| p.result(*c))
            .unwrap_or(Value::Null)
    };
    let error_of = |i: usize| -> String {
        match known.get(i).and_then(|c| p.status(*c)) {
            Some(Status::Done(Outcome::Failed(e))) => e,
            _ => "cancelled".to_string(),
        }
    };
    let outcome = match (how, res) {
        (Combinator::All, Ok(v)) => {
            let arr: js_sys::Array = v.unchecked_into();
            fulfilled(Value::List(
                arr.iter()
                    .filter_map(|x| index_of(&x))
                    .map(value_of)
                    .collect(),
            ))
        }
        (Combinator::AllSettled, Ok(v)) => {
            let arr: js_sys::Array = v.unchecked_into();
            Value::List(
                arr.iter()
                    .map(|o| {
                        let status = js_sys::Reflect::get(&o, &"status".into())
                            .ok()
                            .and_then(|s| s.as_string())
                            .unwrap_or_default();
                        if status == "fulfilled" {
                            let i = js_sys::Reflect::get(&o, &"value".into()).ok();
                            fulfilled(
                                i.as_ref()
                                    .and_then(index_of)
                                    .map(value_of)
                                    .unwrap_or(Value::Null),
                            )
                        } else {
                            let i = js_sys::Reflect::get(&o, &"reason".into()).ok();
                            rejected(
                                &i.as_ref()
                                    .and_then(index_of)
                                    .map(error_of)
                                    .unwrap_or_default(),
                            )
                        }
                    })
                    .collect(),
            )
        }
        (Combinator::Race | Combinator::Any, Ok(v)) => {
            fulfilled(index_of(&v).map(value_of).unwrap_or(Value::Null))
        }
        (Combinator::Any, Err(_)) => rejected("All promises were rejected"),
        (_, Err(v)) => rejected(&index_of(&v).map(error_of).unwrap_or_default()),
    };
    p.set_result(t, Some(outcome));
    Ok(())
}
