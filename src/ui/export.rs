//! F14 Export: the measured trace as JSON, the timeline as SVG and as PNG, downloaded as files.
//!
//! The SVG is the page's own drawing, cloned with every style it takes from the stylesheet
//! written onto it (CSS variables and classes mean nothing outside the page), so the file looks
//! the same in any viewer. The PNG is that SVG painted at twice its size on a canvas; above
//! ~500 lanes the timeline is a canvas already and the PNG is that canvas (what is on screen).
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::state::use_app;
use super::words::say;
use crate::i18n::{colon, ui};
use crate::model::bars::BarState;
use crate::model::export::{framed_svg, perfetto_json, trace_json, LegendItem, SvgFrame};
use crate::model::params::Lang;
use crate::model::trace::Trace;

/// The presentation properties the stylesheet gives the drawing's elements.
const STYLE_PROPS: [&str; 15] = [
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "stroke-opacity",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "paint-order",
    "visibility",
    "display",
];

/// The file name stem: `async-playground-breakfast-concurrent`.
fn stem(scenario: &str, traces: &[Trace]) -> String {
    let mode = if traces.len() > 1 {
        "compare"
    } else {
        traces.first().map(|t| t.mode.as_str()).unwrap_or("run")
    };
    // Scenario ids are from the catalog (lowercase, digits, '-'); keep it that way whatever comes.
    let id: String = scenario
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("async-playground-{id}-{mode}")
}

fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Hands `blob` to the browser as a download named `name`.
fn download_blob(blob: &web_sys::Blob, name: &str) -> Result<(), JsValue> {
    let doc = document().ok_or_else(|| JsValue::from_str("no document"))?;
    let url = web_sys::Url::create_object_url_with_blob(blob)?;
    let a: web_sys::HtmlAnchorElement = doc.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // The browser has taken the file once the click is handled: free the URL on the next task.
    let free = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(free.unchecked_ref(), 0);
    }
    Ok(())
}

fn text_blob(text: &str, mime: &str) -> Result<web_sys::Blob, JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
}

/// A figure card's words on one line (label and value), as the page shows them.
fn card_text(doc: &web_sys::Document, id: &str) -> Option<String> {
    let el: web_sys::HtmlElement = doc
        .query_selector(&format!("[data-testid={id}]"))
        .ok()??
        .dyn_into()
        .ok()?;
    // As laid out (a label and its value are separate lines, not one run-on word).
    let words: Vec<String> = el
        .inner_text()
        .split_whitespace()
        .map(str::to_string)
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// What surrounds the drawing in the file: the scenario's title, the totals and a legend of
/// the bar states the drawing holds, each swatch styled as its first bar (`copy` is styled).
fn svg_frame(
    copy: &web_sys::Element,
    lang: Lang,
    scenario: &str,
    cs: &web_sys::CssStyleDeclaration,
) -> Option<SvgFrame> {
    let doc = document()?;
    let prop = |p: &str| {
        cs.get_property_value(p)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let legend = BarState::ALL
        .into_iter()
        .filter_map(|st| {
            let bar = copy
                .query_selector(&format!("[data-testid=bar][data-state={}]", st.as_str()))
                .ok()??;
            Some(LegendItem {
                label: super::timeline::state_word(lang, st).to_string(),
                style: bar.get_attribute("style").unwrap_or_default(),
            })
        })
        .collect();
    let totals: Vec<String> = ["total-sequential", "total-concurrent", "speedup"]
        .iter()
        .filter_map(|id| card_text(&doc, id))
        .collect();
    Some(SvgFrame {
        title: format!("Async Playground — {}", ui(lang).scenario_title(scenario)),
        totals: totals.join(" · "),
        legend,
        background: prop("--color-surface").unwrap_or_else(|| "#ffffff".into()),
        text: prop("--color-text").unwrap_or_else(|| "#111111".into()),
        muted: prop("--color-muted").unwrap_or_else(|| "#555555".into()),
        font: prop("font-family").unwrap_or_default(),
    })
}

/// The timeline's SVG as a standalone file (title, totals and legend around the drawing), or
/// `None` when the timeline is a canvas.
pub fn timeline_svg(lang: Lang, scenario: &str) -> Option<(String, f64, f64)> {
    let doc = document()?;
    let win = web_sys::window()?;
    let svg = doc
        .query_selector("[data-testid=timeline] svg.ap-tl-svg")
        .ok()??;
    let copy: web_sys::Element = svg.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    let from = svg.query_selector_all("*").ok()?;
    let to = copy.query_selector_all("*").ok()?;
    for k in 0..from.length().min(to.length()) {
        let (Some(a), Some(b)) = (from.item(k), to.item(k)) else {
            continue;
        };
        let (Ok(a), Ok(b)) = (
            a.dyn_into::<web_sys::Element>(),
            b.dyn_into::<web_sys::Element>(),
        ) else {
            continue;
        };
        let Ok(Some(cs)) = win.get_computed_style(&a) else {
            continue;
        };
        let mut style = String::new();
        for p in STYLE_PROPS {
            if let Ok(v) = cs.get_property_value(p) {
                if !v.is_empty() {
                    style.push_str(p);
                    style.push(':');
                    style.push_str(&v);
                    style.push(';');
                }
            }
        }
        let _ = b.set_attribute("style", &style);
        // A file is not a page: no focus stops, no classes that mean nothing there.
        let _ = b.remove_attribute("tabindex");
        let _ = b.remove_attribute("class");
    }
    let rect = svg.get_bounding_client_rect();
    let (w, h) = (rect.width().ceil(), rect.height().ceil());
    let surface = win
        .get_computed_style(&svg)
        .ok()
        .flatten()
        .and_then(|cs| cs.get_property_value("--color-surface").ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "#ffffff".into());
    let _ = copy.set_attribute("xmlns", "http://www.w3.org/2000/svg");
    let _ = copy.set_attribute("width", &w.to_string());
    let _ = copy.set_attribute("height", &h.to_string());
    let _ = copy.set_attribute("viewBox", &format!("0 0 {w} {h}"));
    let _ = copy.remove_attribute("class");
    let font = win
        .get_computed_style(&svg)
        .ok()
        .flatten()
        .and_then(|cs| cs.get_property_value("font-family").ok())
        .unwrap_or_default();
    let _ = copy.set_attribute("style", &format!("background:{surface};font-family:{font}"));
    // A background that any viewer paints (the `style` background is ignored by some).
    if let Ok(bg) = doc.create_element_ns(Some("http://www.w3.org/2000/svg"), "rect") {
        let _ = bg.set_attribute("width", "100%");
        let _ = bg.set_attribute("height", "100%");
        let _ = bg.set_attribute("fill", &surface);
        let _ = copy.insert_before(&bg, copy.first_child().as_ref());
    }
    let text = web_sys::XmlSerializer::new()
        .ok()?
        .serialize_to_string(&copy)
        .ok()?;
    let cs = win.get_computed_style(&svg).ok()??;
    let frame = svg_frame(&copy, lang, scenario, &cs)?;
    Some(framed_svg(&text, w, h, &frame))
}

/// Calls `done` with the PNG of the timeline (the SVG painted at 2×, or the canvas as drawn).
fn timeline_png(lang: Lang, scenario: &str, done: impl FnOnce(Option<web_sys::Blob>) + 'static) {
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(
        Box::new(done) as Box<dyn FnOnce(Option<web_sys::Blob>)>
    )));
    let finish = {
        let done = done.clone();
        move |b: Option<web_sys::Blob>| {
            if let Some(f) = done.borrow_mut().take() {
                f(b);
            }
        }
    };
    let to_blob = |canvas: &web_sys::HtmlCanvasElement,
                   finish: Box<dyn FnOnce(Option<web_sys::Blob>)>| {
        let cb =
            Closure::once_into_js(move |b: JsValue| finish(b.dyn_into::<web_sys::Blob>().ok()));
        if canvas.to_blob(cb.unchecked_ref()).is_err() {
            // `cb` is dropped unused: nothing was exported, and the button says so below.
        }
    };
    let Some(doc) = document() else {
        return finish(None);
    };
    if let Ok(Some(c)) = doc.query_selector("[data-testid=timeline] canvas") {
        if let Ok(c) = c.dyn_into::<web_sys::HtmlCanvasElement>() {
            return to_blob(&c, Box::new(finish));
        }
    }
    let Some((svg, w, h)) = timeline_svg(lang, scenario) else {
        return finish(None);
    };
    let Ok(blob) = text_blob(&svg, "image/svg+xml") else {
        return finish(None);
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return finish(None);
    };
    let Ok(img) = web_sys::HtmlImageElement::new() else {
        return finish(None);
    };
    let finish = std::rc::Rc::new(std::cell::RefCell::new(Some(finish)));
    let on_load = {
        let img = img.clone();
        let url = url.clone();
        let finish = finish.clone();
        Closure::once_into_js(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
            let Some(finish) = finish.borrow_mut().take() else {
                return;
            };
            let scale = 2.0;
            let canvas = document()
                .and_then(|d| d.create_element("canvas").ok())
                .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok());
            let Some(canvas) = canvas else {
                return finish(None);
            };
            canvas.set_width((w * scale) as u32);
            canvas.set_height((h * scale) as u32);
            let ctx = canvas
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
            let Some(ctx) = ctx else {
                return finish(None);
            };
            let _ = ctx.scale(scale, scale);
            if ctx
                .draw_image_with_html_image_element(&img, 0.0, 0.0)
                .is_err()
            {
                return finish(None);
            }
            to_blob(&canvas, Box::new(finish));
        })
    };
    let on_error = {
        let finish = finish.clone();
        Closure::once_into_js(move || {
            if let Some(finish) = finish.borrow_mut().take() {
                finish(None);
            }
        })
    };
    img.set_onload(Some(on_load.unchecked_ref()));
    img.set_onerror(Some(on_error.unchecked_ref()));
    img.set_src(&url);
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Json,
    Perfetto,
    Svg,
    Png,
}

fn label(lang: Lang, k: Kind) -> &'static str {
    match k {
        Kind::Json => say(lang, ["Trace (JSON)", "Trace (JSON)", "Traza (JSON)"]),
        Kind::Perfetto => say(
            lang,
            ["Trace (Perfetto)", "Trace (Perfetto)", "Traza (Perfetto)"],
        ),
        Kind::Svg => say(
            lang,
            ["Timeline (SVG)", "Frise (SVG)", "Línea de tiempo (SVG)"],
        ),
        Kind::Png => say(
            lang,
            ["Timeline (PNG)", "Frise (PNG)", "Línea de tiempo (PNG)"],
        ),
    }
}

/// The export buttons under the timeline, once a run has a trace.
#[component]
pub fn Export() -> impl IntoView {
    let app = use_app();
    let has_trace = move || {
        app.result
            .with(|r| r.as_ref().is_some_and(|r| !r.traces.is_empty()))
    };
    // Above ~500 lanes the timeline is a canvas: there is no SVG to save.
    let canvas = move || {
        app.result.with(|r| {
            r.as_ref()
                .is_some_and(|r| r.traces.iter().map(|t| t.tasks.len()).sum::<usize>() > 500)
        })
    };
    let export = move |k: Kind, failed: RwSignal<bool>| {
        failed.set(false);
        let Some(traces) = app
            .result
            .with_untracked(|r| r.as_ref().map(|r| r.traces.clone()))
        else {
            return;
        };
        let scenario = app.scenario.get_untracked();
        let lang = app.lang.get_untracked();
        let name = stem(&scenario, &traces);
        let ok = match k {
            Kind::Json => text_blob(&trace_json(&traces), "application/json")
                .and_then(|b| download_blob(&b, &format!("{name}.json")))
                .is_ok(),
            Kind::Perfetto => {
                let title = format!("Async Playground — {}", ui(lang).scenario_title(&scenario));
                text_blob(&perfetto_json(&traces, &title), "application/json")
                    .and_then(|b| download_blob(&b, &format!("{name}.perfetto.json")))
                    .is_ok()
            }
            Kind::Svg => timeline_svg(lang, &scenario)
                .and_then(|(svg, _, _)| text_blob(&svg, "image/svg+xml").ok())
                .is_some_and(|b| download_blob(&b, &format!("{name}.svg")).is_ok()),
            Kind::Png => {
                timeline_png(lang, &scenario, move |b| {
                    let ok = b.is_some_and(|b| download_blob(&b, &format!("{name}.png")).is_ok());
                    let _ = failed.try_set(!ok);
                });
                true
            }
        };
        failed.set(!ok);
    };
    let button = move |k: Kind, lang: Lang, canvas: bool, failed: RwSignal<bool>| {
        view! {
            <button type="button" class="ap-button" data-testid=match k {
                    Kind::Json => "export-json",
                    Kind::Perfetto => "export-perfetto",
                    Kind::Svg => "export-svg",
                    Kind::Png => "export-png",
                }
                disabled=k == Kind::Svg && canvas
                on:click=move |_| export(k, failed)>
                {label(lang, k)}
            </button>
        }
    };
    // One long-lived closure builds the group after each run (and for a new language) from
    // plain values: effects made inside it each run would stay listed in the long-lived signals
    // they read (`app.lang`, `app.result`) for ever (issue 16: memory per run). The one signal
    // read inside, `failed`, is made with the group and goes with it.
    move || {
        if !has_trace() {
            return None;
        }
        let lang = app.lang.get();
        let canvas = canvas();
        let failed = RwSignal::new(false);
        Some(view! {
            <div class="ap-export" data-testid="export" role="group"
                aria-label=say(lang, ["Download", "Télécharger", "Descargar"])>
                <span class="ap-muted">{
                    colon(lang, say(lang, ["Download", "Télécharger", "Descargar"])).trim_end().to_string()
                }</span>
                {button(Kind::Json, lang, canvas, failed)}
                {button(Kind::Perfetto, lang, canvas, failed)}
                {button(Kind::Svg, lang, canvas, failed)}
                {button(Kind::Png, lang, canvas, failed)}
                <Show when=move || failed.get()>
                    <span role="status" class="ap-muted" data-testid="export-failed">
                        {say(lang, [
                            "This browser refused to make the file.",
                            "Ce navigateur a refusé de créer le fichier.",
                            "Este navegador no pudo crear el archivo.",
                        ])}
                    </span>
                </Show>
            </div>
        })
    }
}
