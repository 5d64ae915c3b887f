//! The canvas timeline for big runs (above `CANVAS_ABOVE` lanes, e.g. the 10,000-task crawler):
//! a scroller whose canvas stays in view and draws only the lanes inside the viewport, once per
//! change (at most once a frame: the player and the lane store change at most once a frame).
//! A full redraw of 10,000 bars would already cost a frame; 40 visible lanes cost nothing.
use std::rc::Rc;

use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d;

use super::lanes::use_seeing;
use super::state::use_app;
use super::timeline::{axis_end_ms, presenter_scale, tip_text, Tip, OVERHANG_PX};
use super::words::say;
use crate::model::bars::{self, BarState, Lane, MarkerKind, Scale};
use crate::model::params::Theme;

/// The drawing's height on a page: it scrolls past that.
const VIEW_H: f64 = 420.0;

/// The canvas drawing's sizes: the page's, or `k` times them on a projector (lane names 24 px at
/// 1280×720 and growing with the screen, as the SVG timeline's do), as tall as the screen leaves.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Geo {
    k: f64,
    axis_h: f64,
    head_h: f64,
    lane_h: f64,
    bar_h: f64,
    gap: f64,
    label_w: f64,
    view_h: f64,
}

impl Geo {
    /// The lane names' size on a page (px); a projector's are 24 px times its type scale.
    const NAME_PX: f64 = 11.0;

    fn new(k: f64, avail_h: f64) -> Self {
        let k = k.clamp(1.0, 5.0);
        let r = |v: f64| (v * k).round();
        Geo {
            k,
            axis_h: r(24.0),
            head_h: r(24.0),
            lane_h: r(14.0),
            bar_h: r(10.0),
            gap: r(8.0),
            label_w: r(112.0),
            view_h: if avail_h > r(120.0) { avail_h } else { VIEW_H },
        }
    }
    /// `px` (a page size) scaled, as a canvas font.
    fn font(&self, weight: &str, px: f64) -> String {
        format!("{weight} {:.0}px system-ui, sans-serif", px * self.k)
    }
    /// Width of the plot (right of the lane names) in a canvas `w` px wide.
    fn plot_width(&self, w: f64) -> f64 {
        (w - self.label_w - 12.0 * self.k).max(40.0)
    }
    /// The time scale of a canvas `w` px wide whose axis ends at `end` ms.
    fn scale_for(&self, end: f64, w: f64) -> Scale {
        Scale::new(end, self.label_w, self.plot_width(w)).with_overhang(OVERHANG_PX)
    }
    /// Where program `p`'s header row starts (px from the top of the scrolled content).
    fn program_top(&self, counts: &[usize], p: usize) -> f64 {
        self.axis_h
            + counts
                .iter()
                .take(p)
                .map(|n| self.head_h + *n as f64 * self.lane_h + self.gap)
                .sum::<f64>()
    }
}

/// Keeps `width` (and `height`, when given) at the element's content box.
pub fn observe_size<E>(node: NodeRef<E>, width: RwSignal<f64>, height: Option<RwSignal<f64>>)
where
    E: leptos::html::ElementType,
    E::Output: JsCast + Clone + 'static,
{
    let kept = StoredValue::new_local(None::<(web_sys::ResizeObserver, Closure<dyn FnMut()>)>);
    Effect::new(move |_| {
        let Some(el) = node.get() else {
            return;
        };
        let Ok(el) = el.dyn_into::<web_sys::Element>() else {
            return;
        };
        let read = move |el: &web_sys::Element| {
            let w = f64::from(el.client_width());
            if w > 0.0 && (w - width.get_untracked()).abs() >= 1.0 {
                width.set(w);
            }
            if let Some(h) = height {
                let v = f64::from(el.client_height());
                if (v - h.get_untracked()).abs() >= 1.0 {
                    h.set(v);
                }
            }
        };
        read(&el);
        let target = el.clone();
        let cb = Closure::<dyn FnMut()>::new(move || read(&target));
        if let Ok(ro) = web_sys::ResizeObserver::new(cb.as_ref().unchecked_ref()) {
            ro.observe(&el);
            kept.set_value(Some((ro, cb)));
        }
    });
    on_cleanup(move || {
        if let Some(Some((ro, _))) = kept.try_update_value(|k| k.take()) {
            ro.disconnect();
        }
    });
}

/// The theme's colours, read from the CSS tokens (a canvas cannot use `var()`).
struct Palette {
    lanes: [String; 7],
    text: String,
    line: String,
    surface: String,
    surface2: String,
    danger: String,
    danger_soft: String,
    cancelled: String,
    ghost: String,
    cursor: String,
    accent_soft: String,
}

impl Palette {
    fn read(el: &web_sys::Element) -> Self {
        let style = window().get_computed_style(el).ok().flatten();
        let get = |name: &str, fallback: &str| {
            style
                .as_ref()
                .and_then(|s| s.get_property_value(name).ok())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| fallback.to_string())
        };
        Palette {
            lanes: [
                get("--color-lane-main", "#4f5d75"),
                get("--color-lane-1", "#a35200"),
                get("--color-lane-2", "#0f7466"),
                get("--color-lane-3", "#7a3fb0"),
                get("--color-lane-4", "#b0305a"),
                get("--color-lane-5", "#2d6cb0"),
                get("--color-lane-6", "#5f6f00"),
            ],
            text: get("--color-text", "#1b2130"),
            line: get("--color-line", "#d5dae4"),
            surface: get("--color-surface", "#ffffff"),
            surface2: get("--color-surface-2", "#eef1f7"),
            danger: get("--color-blocked", "#b3261e"),
            danger_soft: get("--color-danger-soft", "#fdecea"),
            cancelled: get("--color-cancelled", "#6b7280"),
            ghost: get("--color-ghost", "#6f7a8c"),
            cursor: get("--color-cursor", "#2f47c8"),
            accent_soft: get("--color-accent-soft", "#e8ecfc"),
        }
    }
}

#[component]
pub fn TimelineCanvas(
    width: RwSignal<f64>,
    /// The height the screen leaves in presenter mode (0 elsewhere).
    avail_h: Signal<f64>,
    cursors: Memo<Vec<Option<f64>>>,
    tip: RwSignal<Option<Tip>>,
) -> impl IntoView {
    let app = use_app();
    let s = use_seeing();
    // A projector's sizes need room: a phone in presenter mode keeps the page's (as the SVG does).
    let geo = Memo::new(move |_| {
        let k = if app.presenter.get() && width.get() >= 600.0 {
            24.0 / Geo::NAME_PX * presenter_scale()
        } else {
            1.0
        };
        Geo::new(k, avail_h.get())
    });
    let canvas = NodeRef::<html::Canvas>::new();
    let scroller = NodeRef::<html::Div>::new();
    let scroll = RwSignal::new(0.0);
    let palette = StoredValue::new_local(None::<((Theme, bool), Rc<Palette>)>);
    let counts = Memo::new(move |_| {
        s.tasks
            .with(|t| t.iter().map(|l| l.len()).collect::<Vec<_>>())
    });
    let total_h = Memo::new(move |_| {
        let c = counts.get();
        geo.get().program_top(&c, c.len())
    });
    let end_ms = Memo::new(move |_| {
        axis_end_ms(
            &s.ideal_total.get(),
            &cursors.get(),
            8,
            geo.get().plot_width(width.get()),
        )
    });
    let view_h = move || total_h.get().min(geo.get().view_h);
    Effect::new(move |_| {
        let w = width.get();
        let g = geo.get();
        let sc = scroll.get();
        let c = cursors.get();
        let end = end_ms.get();
        let counts = counts.get();
        let hovered = app.hovered.get();
        let lang = app.lang.get();
        let titles: Vec<&'static str> = app.built.with(|b| {
            b.programs
                .iter()
                .map(|p| match p.mode {
                    crate::model::trace::Mode::Sequential => {
                        say(lang, ["Sequential", "Séquentiel", "Secuencial"])
                    }
                    crate::model::trace::Mode::Concurrent => {
                        say(lang, ["Concurrent", "Concurrent", "Concurrente"])
                    }
                })
                .collect()
        });
        s.version.track();
        let Some(el) = canvas.get() else {
            return;
        };
        let vh = total_h.get_untracked().min(g.view_h);
        let ctx = prepare(&el, w, vh);
        let Some(ctx) = ctx else {
            return;
        };
        let scale = g.scale_for(end, w);
        // Tokens change with the theme only: read them once per theme, not every frame.
        let theme = (app.theme.get(), app.presenter.get());
        if palette.with_value(|p| p.as_ref().map(|(t, _)| *t)) != Some(theme) {
            palette.set_value(Some((theme, Rc::new(Palette::read(&el)))));
        }
        let Some(pal) = palette.with_value(|p| p.as_ref().map(|(_, p)| p.clone())) else {
            return;
        };
        s.ideal.with_untracked(|ideal| {
            s.sets.with_value(|sets| {
                for (p, n) in counts.iter().enumerate() {
                    let top = g.program_top(&counts, p) - sc;
                    let now = c.get(p).copied().flatten();
                    if top + g.head_h > g.axis_h && top < vh {
                        ctx.set_fill_style_str(&pal.text);
                        ctx.set_font(&g.font("600", 13.0));
                        let _ = ctx.fill_text(
                            titles.get(p).copied().unwrap_or(""),
                            8.0 * g.k,
                            top + 16.0 * g.k,
                        );
                    }
                    let first_y = top + g.head_h;
                    let (a, b) =
                        bars::visible_lanes(g.axis_h - first_y, vh - g.axis_h, g.lane_h, *n);
                    for i in a..b {
                        let y = first_y + i as f64 * g.lane_h;
                        let measured = sets.get(p).and_then(|set| set.lanes.get(i));
                        let ghost = ideal.get(p).and_then(|set| set.lanes.get(i));
                        let hl = hovered.is_some_and(|h| {
                            h.program == p && Some(h.task) == measured.or(ghost).map(|l| l.task)
                        });
                        let ci = measured
                            .or(ghost)
                            .map(|l| s.colour_of(p, l.task))
                            .unwrap_or(0);
                        draw_lane(&ctx, &pal, &g, &scale, y, (measured, ghost), ci, now, hl);
                    }
                }
            })
        });
        let ticks: Vec<(f64, String)> = bars::ticks(end, 8)
            .into_iter()
            .map(|t| (t.ms, crate::i18n::tick(lang, t.ms, t.decimals)))
            .collect();
        draw_axis(&ctx, &pal, &g, &scale, &ticks, (w, vh), &c);
    });
    let on_scroll = move |_| {
        if let Some(el) = scroller.get() {
            scroll.set(f64::from(el.scroll_top()));
        }
    };
    let on_move = move |e: web_sys::MouseEvent| {
        let y = f64::from(e.offset_y()) + scroll.get_untracked();
        let x = f64::from(e.offset_x());
        let c = counts.get_untracked();
        let end = end_ms.get_untracked();
        let g = geo.get_untracked();
        let scale = g.scale_for(end, width.get_untracked());
        let lang = app.lang.get_untracked();
        let found = (0..c.len()).find_map(|p| {
            let first = g.program_top(&c, p) + g.head_h;
            let i = ((y - first) / g.lane_h).floor();
            if i < 0.0 || i as usize >= c[p] {
                return None;
            }
            let i = i as usize;
            let now = cursors
                .with_untracked(|cs| cs.get(p).copied().flatten())
                .unwrap_or(0.0);
            s.sets.with_value(|sets| {
                let lane = sets.get(p)?.lanes.get(i)?;
                let bar = lane
                    .bars_at(now)
                    .into_iter()
                    .rev()
                    .find(|b| scale.x(b.start) - 3.0 <= x && x <= scale.x(b.end_at(now)) + 3.0);
                let text = match bar {
                    Some(b) => tip_text(lang, &lane.name, b.state, b.start, b.end, None),
                    None => lane.name.clone(),
                };
                Some((
                    p,
                    lane.task,
                    text,
                    first + i as f64 * g.lane_h - scroll.get_untracked(),
                ))
            })
        });
        match found {
            Some((p, task, text, ty)) => {
                app.hovered
                    .set(Some(super::state::TaskRef { program: p, task }));
                tip.set(Some(Tip {
                    x: x + 12.0,
                    y: ty + 36.0,
                    text,
                }));
            }
            None => tip.set(None),
        }
    };
    let label = move || {
        let lang = app.lang.get();
        format!(
            "{} — {} {}",
            say(
                lang,
                [
                    "Task lanes drawn on a canvas",
                    "Tâches dessinées sur un canevas",
                    "Tareas dibujadas en un lienzo"
                ]
            ),
            counts.get().iter().sum::<usize>(),
            say(
                lang,
                [
                    "lanes; the table view lists them",
                    "lignes ; la vue en tableau les liste",
                    "carriles; la vista de tabla los enumera"
                ]
            ),
        )
    };
    view! {
        <div
            class="ap-tl-canvas-scroll"
            node_ref=scroller
            style:height=move || format!("{:.0}px", view_h())
            on:scroll=on_scroll
            tabindex="0"
            role="region"
            aria-label=label
            data-name-px=move || format!("{:.0}", Geo::NAME_PX * geo.get().k)
        >
            <canvas
                class="ap-tl-canvas"
                node_ref=canvas
                aria-hidden="true"
                on:mousemove=on_move
                on:mouseleave=move |_| {
                    tip.set(None);
                    app.hovered.set(None);
                }
            ></canvas>
            <div style:height=move || format!("{:.0}px", (total_h.get() - view_h()).max(0.0))></div>
        </div>
    }
}

/// Sizes the canvas for the device pixel ratio and clears it.
fn prepare(el: &web_sys::HtmlCanvasElement, w: f64, h: f64) -> Option<CanvasRenderingContext2d> {
    let dpr = window().device_pixel_ratio().clamp(1.0, 3.0);
    let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
    if el.width() != pw {
        el.set_width(pw);
    }
    if el.height() != ph {
        el.set_height(ph);
    }
    // Touch the element's style only when its size changes (a style write invalidates layout).
    let style = web_sys::HtmlElement::style(el);
    let (sw, sh) = (format!("{w:.0}px"), format!("{h:.0}px"));
    if style.get_property_value("width").ok().as_deref() != Some(sw.as_str()) {
        let _ = style.set_property("width", &sw);
    }
    if style.get_property_value("height").ok().as_deref() != Some(sh.as_str()) {
        let _ = style.set_property("height", &sh);
    }
    let ctx = el
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()?;
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.clear_rect(0.0, 0.0, w, h);
    Some(ctx)
}

#[allow(clippy::too_many_arguments)]
fn draw_lane(
    ctx: &CanvasRenderingContext2d,
    pal: &Palette,
    g: &Geo,
    scale: &Scale,
    y: f64,
    (measured, ghost): (Option<&Lane>, Option<&Lane>),
    ci: usize,
    now: Option<f64>,
    hl: bool,
) {
    let Some(lane) = measured.or(ghost) else {
        return;
    };
    let colour = pal.lanes.get(ci).unwrap_or(&pal.lanes[0]).as_str();
    if hl {
        ctx.set_fill_style_str(&pal.accent_soft);
        ctx.fill_rect(0.0, y, scale.x0 + scale.width + 12.0 * g.k, g.lane_h);
    }
    let indent = 6.0 * f64::from(lane.depth.min(3)) * g.k;
    ctx.set_fill_style_str(colour);
    ctx.fill_rect((6.0 * g.k) + indent, y + 4.0 * g.k, 6.0 * g.k, 6.0 * g.k);
    ctx.set_fill_style_str(&pal.text);
    ctx.set_font(&g.font("", Geo::NAME_PX));
    let _ = ctx.fill_text(&lane.name, 18.0 * g.k + indent, y + 11.0 * g.k);
    let top = y + (g.lane_h - g.bar_h) / 2.0;
    if let Some((a, b)) = ghost.and_then(|g| g.first_t.zip(g.last_t)) {
        ctx.set_stroke_style_str(&pal.ghost);
        ctx.set_line_width(1.0);
        let _ = ctx.set_line_dash(&js_sys::Array::of2(&3.0.into(), &3.0.into()));
        ctx.stroke_rect(
            scale.x(a) + 0.5,
            top + 0.5,
            scale.w(a, b, 3.0) - 1.0,
            g.bar_h - 1.0,
        );
        let _ = ctx.set_line_dash(&js_sys::Array::new());
    }
    let (Some(l), Some(now)) = (measured, now) else {
        return;
    };
    for b in l.bars.iter().cloned().chain(l.open_bars(now)) {
        let x = scale.x(b.start);
        let w = scale.w(b.start, b.end_at(now), 2.0);
        paint_bar(ctx, pal, g, b.state, colour, (x, top, w));
    }
    paint_markers(ctx, pal, g, scale, l, top);
}

/// Print, warning and timeout markers over the bars, as the SVG draws them (cancel and failure
/// are the bars' own badges): a small notch at the top edge for a printed line or a warning, a
/// diamond for a timeout.
fn paint_markers(
    ctx: &CanvasRenderingContext2d,
    pal: &Palette,
    g: &Geo,
    scale: &Scale,
    l: &Lane,
    top: f64,
) {
    let u = g.k;
    for m in &l.markers {
        let x = scale.x(m.t);
        match m.kind {
            MarkerKind::Print | MarkerKind::Warn => {
                ctx.set_fill_style_str(if m.kind == MarkerKind::Warn {
                    &pal.danger
                } else {
                    &pal.text
                });
                ctx.begin_path();
                ctx.move_to(x - 3.0 * u, top - u);
                ctx.line_to(x + 3.0 * u, top - u);
                ctx.line_to(x, top + 4.0 * u);
                ctx.close_path();
                ctx.fill();
            }
            MarkerKind::Timeout => {
                let mid = top + g.bar_h / 2.0;
                ctx.set_fill_style_str(&pal.danger);
                ctx.set_stroke_style_str(&pal.surface);
                ctx.set_line_width(1.0);
                ctx.begin_path();
                ctx.move_to(x, mid - 5.0 * u);
                ctx.line_to(x + 5.0 * u, mid);
                ctx.line_to(x, mid + 5.0 * u);
                ctx.line_to(x - 5.0 * u, mid);
                ctx.close_path();
                ctx.fill();
                ctx.stroke();
            }
            MarkerKind::Cancel | MarkerKind::Fail => {}
        }
    }
}

fn paint_bar(
    ctx: &CanvasRenderingContext2d,
    pal: &Palette,
    g: &Geo,
    state: BarState,
    colour: &str,
    (x, y, w): (f64, f64, f64),
) {
    let (h, u) = (g.bar_h, g.k);
    match state {
        BarState::Running => {
            ctx.set_fill_style_str(colour);
            ctx.fill_rect(x, y, w, h);
        }
        BarState::Sleeping | BarState::Blocked => {
            let blocked = state == BarState::Blocked;
            let c = if blocked { pal.danger.as_str() } else { colour };
            ctx.set_fill_style_str(if blocked {
                &pal.danger_soft
            } else {
                &pal.surface
            });
            ctx.fill_rect(x, y, w, h);
            ctx.save();
            ctx.begin_path();
            ctx.rect(x, y, w, h);
            ctx.clip();
            ctx.set_stroke_style_str(c);
            ctx.set_line_width(2.0 * u);
            ctx.begin_path();
            let mut k = x - h;
            while k < x + w {
                ctx.move_to(k, y + h);
                ctx.line_to(k + h, y);
                if blocked {
                    ctx.move_to(k, y);
                    ctx.line_to(k + h, y + h);
                }
                k += 6.0 * u;
            }
            ctx.stroke();
            ctx.restore();
            ctx.set_line_width(1.0);
            ctx.stroke_rect(x + 0.5, y + 0.5, (w - 1.0).max(1.0), h - 1.0);
        }
        BarState::Awaiting => {
            ctx.set_fill_style_str(&pal.surface2);
            ctx.fill_rect(x, y, w, h);
            ctx.set_stroke_style_str(colour);
            ctx.set_line_width(1.0);
            ctx.stroke_rect(x + 0.5, y + 0.5, (w - 1.0).max(1.0), h - 1.0);
        }
        BarState::Waiting => {
            ctx.set_stroke_style_str(colour);
            ctx.set_line_width(1.0);
            let _ = ctx.set_line_dash(&js_sys::Array::of2(&1.5.into(), &2.5.into()));
            ctx.stroke_rect(x + 0.5, y + 0.5, (w - 1.0).max(1.0), h - 1.0);
            let _ = ctx.set_line_dash(&js_sys::Array::new());
        }
        BarState::Cancelled | BarState::Failed => {
            let failed = state == BarState::Failed;
            ctx.set_fill_style_str(if failed { &pal.danger } else { &pal.cancelled });
            ctx.fill_rect(x - 5.0 * u, y, 10.0 * u, h);
            ctx.set_fill_style_str(&pal.surface);
            ctx.set_font(&g.font("bold", 9.0));
            let _ = ctx.fill_text(if failed { "!" } else { "×" }, x - 2.5 * u, y + 8.5 * u);
        }
    }
}

fn draw_axis(
    ctx: &CanvasRenderingContext2d,
    pal: &Palette,
    g: &Geo,
    scale: &Scale,
    ticks: &[(f64, String)],
    (w, h): (f64, f64),
    cursors: &[Option<f64>],
) {
    let (axis_h, u) = (g.axis_h, g.k);
    ctx.set_fill_style_str(&pal.surface);
    ctx.fill_rect(0.0, 0.0, w, axis_h);
    ctx.set_fill_style_str(&pal.text);
    ctx.set_font(&g.font("", 11.0));
    ctx.set_stroke_style_str(&pal.line);
    ctx.set_line_width(1.0);
    for (ms, label) in ticks {
        let x = scale.x(*ms);
        let _ = ctx.fill_text(label, (x - 8.0 * u).max(2.0), 15.0 * u);
        ctx.begin_path();
        ctx.move_to(x + 0.5, axis_h - 4.0 * u);
        ctx.line_to(x + 0.5, axis_h);
        ctx.stroke();
    }
    if let Some(t) = cursors.iter().flatten().copied().reduce(f64::max) {
        let x = scale.x(t);
        ctx.set_stroke_style_str(&pal.cursor);
        ctx.set_line_width(2.0 * u);
        ctx.begin_path();
        ctx.move_to(x, axis_h - 4.0 * u);
        ctx.line_to(x, h);
        ctx.stroke();
    }
}
