//! Waits on real browser timers. Each timer group (see `timer.rs`) is one JS `Promise` resolved
//! by one `setTimeout`; every waiting task awaits it as its own `JsFuture`, so the promise's
//! reactions wake the group's tasks in start order.
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll};

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::clock::{self, RunClock};
use super::prog::Prog;
use super::timer::{Fired, Key, TimerHost, TimerQueue};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout_2(f: &js_sys::Function, ms: i32, a: f64, b: f64) -> i32;
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout_0(f: &js_sys::Function, ms: i32) -> i32;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: i32);
}

/// One browser timer's promise.
pub struct JsGroup {
    promise: js_sys::Promise,
    resolve: Option<js_sys::Function>,
}

impl JsGroup {
    fn new() -> Self {
        let mut resolve = None;
        let promise = js_sys::Promise::new(&mut |res, _rej| resolve = Some(res));
        JsGroup { promise, resolve }
    }

    /// Settles the promise: wakes its awaiting futures, and frees the callbacks of futures that
    /// were dropped (a `JsFuture`'s callbacks live until its promise settles).
    pub fn settle(self) {
        if let Some(r) = self.resolve {
            let _ = r.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Arms real timers for one program: the callback gets the group's key back as arguments.
pub struct JsHost {
    cb: js_sys::Function,
    pub clock: RunClock,
}

impl JsHost {
    pub fn new(prog: Weak<Prog>, clock: RunClock) -> Self {
        let cb = Closure::<dyn FnMut(f64, f64)>::new(move |deadline: f64, seq: f64| {
            if let Some(p) = prog.upgrade() {
                let key = Key {
                    deadline: deadline as u64,
                    seq: seq as u64,
                };
                // While a blocking call holds the run, the timer acts when it returns.
                let p2 = p.clone();
                p.exec.call_or_defer(Box::new(move || on_timer(&p2, key)));
            }
        })
        .into_js_value()
        .unchecked_into::<js_sys::Function>();
        JsHost { cb, clock }
    }
}

impl TimerHost for JsHost {
    fn arm(&mut self, key: Key) -> i32 {
        let delay = (self.clock.real_of(key.deadline) - clock::now()).max(0.0);
        // Beyond i32 the browser would fire at once; scenario limits keep us far below.
        let ms = delay.round().min(i32::MAX as f64) as i32;
        set_timeout_2(&self.cb, ms, key.deadline as f64, key.seq as f64)
    }
    fn clear(&mut self, id: i32) {
        clear_timeout(id);
    }
}

/// Allowance for a timer firing before its ideal instant (the delay is rounded to whole ms).
const EARLY_MS: f64 = 1.0;

fn on_timer(p: &Rc<Prog>, key: Key) {
    let clock = p.clock.get();
    let fired = {
        let (Ok(mut timers), Ok(mut host)) = (p.timers.try_borrow_mut(), p.host.try_borrow_mut())
        else {
            return;
        };
        let Some(host) = host.as_mut() else { return };
        let now = clock::now();
        timers.fire(
            key,
            p.ideal_now.get(),
            |d| clock.real_of(d) <= now + EARLY_MS,
            host,
        )
    };
    if let Fired::Wake(groups) = fired {
        for (k, g) in groups {
            if k.deadline > p.ideal_now.get() {
                p.ideal_now.set(k.deadline);
            }
            g.settle();
        }
        p.poke_idle();
    }
}

/// Everything pending goes (stop / end of program): timers cleared, promises settled.
pub fn clear_all(p: &Prog) {
    let groups = {
        let (Ok(mut timers), Ok(mut host)) = (p.timers.try_borrow_mut(), p.host.try_borrow_mut())
        else {
            return;
        };
        match host.as_mut() {
            Some(h) => timers.clear_all(h),
            None => Vec::new(),
        }
    };
    for g in groups {
        g.settle();
    }
}

pub type Timers = RefCell<TimerQueue<JsGroup>>;

/// A wait until ideal time `deadline`: registered at creation (so a timeout's own timer, made
/// before its body runs, starts before the body's waits), done when its group's promise settles.
/// Dropping it before then leaves the group (the last one out clears the browser timer).
pub struct Sleep {
    prog: Rc<Prog>,
    key: Option<Key>,
    fut: Option<JsFuture>,
    done: bool,
}

impl Sleep {
    pub fn new(prog: &Rc<Prog>, deadline: u64) -> Self {
        let mut key = None;
        let mut fut = None;
        if let (Ok(mut timers), Ok(mut host)) =
            (prog.timers.try_borrow_mut(), prog.host.try_borrow_mut())
        {
            if let Some(h) = host.as_mut() {
                let k = timers.add(deadline, h, JsGroup::new);
                fut = timers.payload(k).map(|g| JsFuture::from(g.promise.clone()));
                key = Some(k);
            }
        }
        Sleep {
            prog: prog.clone(),
            key,
            fut,
            done: false,
        }
    }
}

impl Future for Sleep {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.done {
            return Poll::Ready(());
        }
        let Some(fut) = self.fut.as_mut() else {
            // No timer could be registered (the program is shutting down): never wakes.
            return Poll::Pending;
        };
        match Pin::new(fut).poll(cx) {
            Poll::Ready(_) => {
                self.done = true;
                Poll::Ready(())
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let Some(key) = self.key else { return };
        let freed = {
            let (Ok(mut timers), Ok(mut host)) = (
                self.prog.timers.try_borrow_mut(),
                self.prog.host.try_borrow_mut(),
            ) else {
                return;
            };
            match host.as_mut() {
                Some(h) => timers.remove(key, h),
                None => None,
            }
        };
        if let Some(g) = freed {
            g.settle();
            self.prog.poke_idle();
        }
    }
}
