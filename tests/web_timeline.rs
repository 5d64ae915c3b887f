//! Browser component test of the timeline's geometry: the whole app is mounted in the test page,
//! a real run plays, and every bar drawn must sit where its start and end say on the axis the
//! timeline itself draws (`x = x0 + start × px/ms`, `width = (end − start) × px/ms`), at two
//! widths. Run with the other browser tests (`scripts/test.sh`).
#![cfg(target_arch = "wasm32")]

use async_playground::model::params;
use async_playground::ui::app::App;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn all(root: &Element, sel: &str) -> Vec<Element> {
    let list = root.query_selector_all(sel).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn one(root: &Element, sel: &str) -> Element {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
}

fn num(el: &Element, attr: &str) -> f64 {
    let v = el
        .get_attribute(attr)
        .unwrap_or_else(|| panic!("{} has no {attr}", el.outer_html()));
    v.parse()
        .unwrap_or_else(|_| panic!("{attr}={v:?} is not a number"))
}

/// Waits (polling a condition on the DOM, never a fixed sleep) until `cond` holds.
async fn until(what: &str, timeout_ms: f64, mut cond: impl FnMut() -> bool) {
    let t0 = js_sys::Date::now();
    while !cond() {
        assert!(
            js_sys::Date::now() - t0 < timeout_ms,
            "timed out waiting for {what}"
        );
        TimeoutFuture::new(10).await;
    }
}

/// Mounts the app for `query` in a host of `width_px`; the handle unmounts it when dropped.
fn mount(query: &[(&str, &str)], width_px: u32) -> (HtmlElement, impl Drop) {
    let host: HtmlElement = doc().create_element("div").unwrap().unchecked_into();
    host.set_attribute("style", &format!("width:{width_px}px"))
        .unwrap();
    doc().body().unwrap().append_child(&host).unwrap();
    let pairs: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let parsed = params::parse_query(&pairs, &["en"]);
    let handle = leptos::mount::mount_to(host.clone(), move || view! { <App parsed=parsed /> });
    (host, Unmount(Some(handle)))
}

struct Unmount<T>(Option<T>);
impl<T> Drop for Unmount<T> {
    fn drop(&mut self) {
        drop(self.0.take());
    }
}

/// The axis as drawn: px per ms and x of 0 ms, from the first and last grid lines.
fn axis(tl: &Element) -> (f64, f64) {
    let ticks = all(tl, "line.ap-grid[data-ms]");
    assert!(ticks.len() >= 3, "the axis has {} ticks", ticks.len());
    let (a, b) = (&ticks[0], &ticks[ticks.len() - 1]);
    let (ma, mb) = (num(a, "data-ms"), num(b, "data-ms"));
    let (xa, xb) = (num(a, "x1"), num(b, "x1"));
    assert_eq!(ma, 0.0, "the axis starts at 0");
    let px = (xb - xa) / (mb - ma);
    // Every tick in between lies on the same line (a linear axis).
    for t in &ticks {
        let want = xa + px * num(t, "data-ms");
        assert!((num(t, "x1") - want).abs() < 0.01, "tick off the line");
    }
    (xa, px)
}

/// Checks every bar against the axis; returns the latest end seen.
fn check_bars(tl: &Element) -> f64 {
    let (x0, px) = axis(tl);
    let bars = all(tl, "[data-testid=bar]");
    assert!(!bars.is_empty());
    let mut last_end: f64 = 0.0;
    for b in &bars {
        let start = num(b, "data-start");
        let x = num(b, "x");
        if b.get_attribute("class").as_deref() == Some("ap-bar") {
            let end = num(b, "data-end");
            assert!(end >= start, "bar ends before it starts");
            last_end = last_end.max(end);
            let (want_x, want_w) = (x0 + start * px, ((end - start) * px).max(3.0));
            assert!(
                (x - want_x).abs() < 0.6,
                "bar at {start} ms drawn at x={x}, axis says {want_x}"
            );
            let w = num(b, "width");
            assert!(
                (w - want_w).abs() < 0.6,
                "bar {start}–{end} ms is {w} px wide, axis says {want_w}"
            );
        } else {
            // A cancel/fail badge: 16 px centred on its instant.
            assert!(
                (x + 8.0 - (x0 + start * px)).abs() < 0.6,
                "badge off its instant"
            );
        }
    }
    assert_eq!(
        bars.len() as f64,
        num(tl, "data-bars"),
        "data-bars counts the bars drawn"
    );
    last_end
}

#[wasm_bindgen_test]
async fn bars_follow_their_start_and_end_at_any_width() {
    let q = [
        ("scenario", "breakfast"),
        ("mode", "concurrent"),
        ("speed", "4"),
        ("lang", "en"),
    ];
    let (host, _app) = mount(&q, 1100);
    let root: Element = host.clone().unchecked_into();
    let app = one(&root, "[data-testid=app]");
    until("the app", 5_000.0, || {
        app.get_attribute("data-run-state").as_deref() == Some("idle")
    })
    .await;
    one(&root, "[data-testid=run]")
        .unchecked_into::<HtmlElement>()
        .click();
    let label = one(&root, "[data-testid=view-label]");
    until("the run and its view to finish", 30_000.0, || {
        app.get_attribute("data-run-state").as_deref() == Some("finished")
            && label.get_attribute("data-view").as_deref() == Some("finished")
    })
    .await;
    let tl = one(&root, "[data-testid=timeline]");
    // Breakfast: main, toast and coffee (SCENARIOS.md), each lane drawn.
    assert_eq!(all(&tl, "[data-testid=lane]").len(), 3);
    assert_eq!(num(&tl, "data-lanes"), 3.0);
    let last = check_bars(&tl);
    // The latest bar ends where the measured total says the run ended.
    let total = num(&one(&root, "[data-testid=total-concurrent]"), "data-ms");
    assert!(
        (last - total).abs() <= 2.0 + total * 0.01,
        "last bar ends at {last} ms, total is {total} ms"
    );
    // One print marker per printed line, each on its line's instant.
    let (x0, px) = axis(&tl);
    let marks = all(&tl, "path.ap-mark-print");
    let lines = all(&root, "[data-testid=console-line]");
    assert_eq!(marks.len(), lines.len(), "a marker per printed line");
    let mut mark_x: Vec<f64> = marks
        .iter()
        .map(|m| {
            let d = m.get_attribute("d").unwrap();
            let x: f64 = d[1..].split(' ').next().unwrap().parse().unwrap();
            x + 3.0
        })
        .collect();
    let mut line_x: Vec<f64> = lines.iter().map(|l| x0 + num(l, "data-t") * px).collect();
    mark_x.sort_by(f64::total_cmp);
    line_x.sort_by(f64::total_cmp);
    for (m, l) in mark_x.iter().zip(&line_x) {
        assert!((m - l).abs() < 0.6, "marker at {m}, its line at {l}");
    }

    // Narrower: the axis shrinks and every bar follows it.
    let (_, px_wide) = axis(&tl);
    host.set_attribute("style", "width:560px").unwrap();
    until("the timeline to follow the new width", 5_000.0, || {
        axis(&tl).1 < px_wide * 0.8
    })
    .await;
    let last_narrow = check_bars(&tl);
    assert_eq!(last, last_narrow, "the same run, redrawn");
    host.remove();
}
