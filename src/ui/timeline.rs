//! The task-lane timeline: one lane per task (grouped under its parent), bars whose pattern AND
//! colour say the state, the ideal run as a ghost outline, a "now" cursor, an axis in seconds.
//! Compare mode stacks both programs on one time axis. Small runs are SVG (every lane and bar
//! is a DOM node with its test hook); above `CANVAS_ABOVE` lanes a virtualised canvas draws only
//! the visible lanes. Per frame only the cursor and the clip of open bars move; lanes re-render
//! when their events change.
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use leptos::html;
use leptos::prelude::*;

use super::lanes::{use_seeing, Seeing, LANE_COLOURS};
use super::state::{use_app, AppState, TaskRef};
use super::timeline_canvas::TimelineCanvas;
use super::words::say;
use crate::i18n::seconds;
use crate::model::bars::{self, BarState, LaneSet, MarkerKind, Scale};
use crate::model::catalog;
use crate::model::params::Lang;
use crate::model::player::RunState as ViewState;
use crate::model::trace::Mode;

/// Above this many lanes (all programs) the canvas renderer takes over.
pub const CANVAS_ABOVE: usize = 500;
/// Above this many bars they stop being tab stops (the table view lists them instead).
const FOCUSABLE_BARS: usize = 150;

/// Pixel layout of the SVG drawing for a width.
/// Below this drawing width a panel's caption goes under its title.
const NARROW_HEAD_W: f64 = 340.0;
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub w: f64,
    pub x0: f64,
    pub plot_w: f64,
    pub lane_h: f64,
    pub bar_h: f64,
    pub axis_h: f64,
    pub head_h: f64,
    pub gap: f64,
    /// The row under the lanes that holds the "now" label, and that label's font size (the
    /// stylesheet's: 12 px, 24 px in presenter mode).
    pub foot_h: f64,
    pub now_font: f64,
    /// The lane names' font size (the stylesheet's: 13 px, 24 px in presenter mode).
    pub label_font: f64,
    /// Presenter type scale (1 at 1280×720, 1.5 at 1920×1080; the stylesheet's `--pt` / 24 px).
    pub k: f64,
}

/// A bold lane name is at most this many em per character (system fonts, digits included).
const CHAR_EM: f64 = 0.62;

impl Layout {
    pub fn new(w: f64, big: bool) -> Self {
        let w = w.clamp(280.0, 4000.0);
        // Presenter sizes need room: a phone keeps the normal ones (as the stylesheet does).
        let big = big && w >= 600.0;
        let label = if big {
            200.0
        } else if w < 520.0 {
            88.0
        } else {
            124.0
        };
        let k = |normal: f64, presenter: f64| if big { presenter } else { normal };
        Layout {
            w,
            x0: label,
            plot_w: (w - label - 14.0).max(40.0),
            lane_h: k(28.0, 40.0),
            bar_h: k(18.0, 24.0),
            axis_h: k(26.0, 40.0),
            // A narrow column (a 300 px embed) has no room for the title and its "ideal ·
            // measured" caption on one line: the caption goes on a second line.
            head_h: if w < NARROW_HEAD_W {
                46.0
            } else {
                k(28.0, 40.0)
            },
            gap: 10.0,
            foot_h: k(30.0, 44.0),
            now_font: k(12.0, 24.0),
            label_font: k(13.0, 24.0),
            k: 1.0,
        }
    }
    /// Presenter sizes times `k` (the projector's type scale, `presenter_scale`).
    pub fn scaled(mut self, k: f64) -> Self {
        let k = k.clamp(1.0, 2.0);
        self.k = k;
        self.x0 *= k;
        for v in [
            &mut self.lane_h,
            &mut self.bar_h,
            &mut self.axis_h,
            &mut self.head_h,
            &mut self.foot_h,
            &mut self.now_font,
            &mut self.label_font,
        ] {
            *v = (*v * k).round();
        }
        self.plot_w = (self.w - self.x0 - 14.0).max(40.0);
        self
    }
    pub fn scale(&self, end_ms: f64) -> Scale {
        Scale::new(end_ms, self.x0, self.plot_w).with_overhang(OVERHANG_PX)
    }
    /// Where a lane's name starts (its dot sits 10 px before).
    pub fn name_x(depth: u32) -> f64 {
        20.0 + 8.0 * f64::from(depth.min(4))
    }
    /// The label column holds the longest name (`chars` characters at `depth`) with a margin
    /// before the bars, so no name ever runs under a bar or a state word; at most 42 % of the
    /// width (longer names are shortened with "…").
    pub fn fit_labels(mut self, longest: impl Iterator<Item = (usize, u32)>) -> Self {
        let need = longest
            .map(|(chars, depth)| Self::name_x(depth) + chars as f64 * CHAR_EM * self.label_font)
            .fold(0.0, f64::max)
            + 14.0;
        self.x0 = need.clamp(56.0, (self.w * 0.42).max(56.0)).ceil();
        self.plot_w = (self.w - self.x0 - 14.0).max(40.0);
        self
    }
    /// How many characters of a name fit before the bars at `depth`.
    pub fn name_room(&self, depth: u32) -> usize {
        ((self.x0 - 14.0 - Self::name_x(depth)) / (CHAR_EM * self.label_font)).max(1.0) as usize
    }
    /// The height of everything but the lanes: the axis, `panels` panel heads and gaps, the
    /// "now" row under the lanes.
    pub fn fixed_h(&self, panels: usize) -> f64 {
        let panels = panels.max(1) as f64;
        self.axis_h + panels * (self.head_h + 8.0) + (panels - 1.0) * self.gap + self.foot_h + 2.0
    }
    /// `lanes` lanes in `panels` panels fit `avail` px at the presenter's comfortable lane
    /// height (28 px times the type scale).
    pub fn fits(&self, avail: f64, lanes: usize, panels: usize) -> bool {
        avail <= 0.0 || self.fixed_h(panels) + lanes as f64 * 28.0 * self.k <= avail
    }
    /// Presenter mode: lanes as tall as `avail` px lets `lanes` lanes in `panels` panels be
    /// (28–72 px; names stay 24 px). When even 28 px lanes do not fit, the rows around the lanes
    /// (axis, panel heads, the "now" row) shrink to what their 24 px text needs, then the lanes
    /// down to 25 px: the room goes before the text does.
    pub fn fit_height(mut self, avail: f64, lanes: usize, panels: usize) -> Self {
        if lanes > 0 && avail > 0.0 {
            let k = self.k;
            if !self.fits(avail, lanes, panels) {
                self.axis_h = self.axis_h.min((34.0 * k).round());
                self.head_h = self.head_h.min((34.0 * k).round());
                self.foot_h = self.foot_h.min((self.now_font + 14.0).round());
                self.gap = self.gap.min(6.0);
            }
            self.lane_h = ((avail - self.fixed_h(panels)) / lanes as f64)
                .clamp(25.0 * k, 72.0 * k)
                .floor();
            self.bar_h = (self.lane_h * 0.62).clamp(16.0 * k, 40.0 * k).floor();
        }
        self
    }
}

/// Presenter mode, two columns side by side: one program each, or one program's lanes
/// `from..to` (a single program too tall for the screen).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Column {
    pub program: usize,
    pub from: usize,
    pub to: usize,
}

impl Column {
    fn has(&self, program: usize, lane: usize) -> bool {
        program == self.program && (self.from..self.to).contains(&lane)
    }
}

/// Where one program's lanes break into two columns: at the top-level group start (a lane of
/// the least depth but the first's) nearest the middle, else the middle.
pub fn split_lanes(depths: &[u32]) -> usize {
    let n = depths.len();
    let mid = n.div_ceil(2);
    let top = depths.iter().skip(1).copied().min().unwrap_or(0);
    (1..n)
        .filter(|&i| depths[i] <= top)
        .min_by_key(|&i| (i.abs_diff(mid), usize::MAX - i))
        .filter(|&i| i.abs_diff(mid) * 4 <= n)
        .unwrap_or(mid)
}

/// The presenter's type scale: 1 up to 1280×720, then as the screen grows (1.5 at 1920×1080),
/// at most 2 — the stylesheet's `--pt: clamp(24px, min(1.875vw, 3.3333vh), 48px)` over 24 px.
/// Read when the layout is (re)computed, which a change of the window's size triggers.
pub(super) fn presenter_scale() -> f64 {
    let Some(w) = web_sys::window() else {
        return 1.0;
    };
    let px =
        |v: Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| v.ok().and_then(|v| v.as_f64());
    match (px(w.inner_width()), px(w.inner_height())) {
        (Some(vw), Some(vh)) => (vw / 1280.0).min(vh / 720.0).clamp(1.0, 2.0),
        _ => 1.0,
    }
}

/// A name cut to `room` characters ("…" last) when it is longer.
fn shorten(name: &str, room: usize) -> String {
    if name.chars().count() <= room {
        name.to_string()
    } else {
        let keep: String = name.chars().take(room.saturating_sub(1)).collect();
        format!("{keep}…")
    }
}

/// Pixels past the axis end where a slightly late run is still drawn to scale (inside the
/// plot's right margin, which is wider).
pub const OVERHANG_PX: f64 = 12.0;

/// The axis end (ms) shared by every panel: the longest ideal run rounded up to a tick, unless
/// the measured run goes past what the right margin can show to scale (`OVERHANG_PX` over a
/// plot `plot_w` wide), in which case the axis grows to it. A few ms late must neither make the
/// axis jump at the end nor squash a bar onto the last tick.
pub fn axis_end_ms(ideal: &[f64], cursors: &[Option<f64>], ticks: usize, plot_w: f64) -> f64 {
    let ideal_max = ideal.iter().copied().fold(0.0, f64::max);
    let seen = cursors.iter().flatten().copied().fold(0.0, f64::max);
    let ideal_end = bars::axis_end(ideal_max.max(1.0), ticks);
    if seen <= ideal_end * (1.0 + OVERHANG_PX / plot_w.max(1.0)) {
        ideal_end
    } else {
        bars::axis_end(seen, ticks)
    }
}

#[derive(Clone, Debug, PartialEq)]
struct BarView {
    state: BarState,
    x: f64,
    w: f64,
    start: f64,
    end: Option<f64>,
    label: Option<String>,
    line: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
struct LaneView {
    program: usize,
    mode: &'static str,
    task: usize,
    name: String,
    depth: u32,
    y: f64,
    bars: Vec<BarView>,
    markers: Vec<(MarkerKind, f64)>,
    ghost: Option<(f64, f64)>,
    not_started: bool,
    /// Where a label beside a bar must end: the drawing's edge, or where the run's cursor stops
    /// (the lane's bars are clipped there), whichever comes first.
    label_end: f64,
    sig: u64,
}

#[derive(Clone, Debug, PartialEq)]
struct PanelView {
    program: usize,
    title: String,
    caption: String,
    y: f64,
    h: f64,
    lanes: Vec<LaneView>,
}

pub fn panel_title(lang: Lang, scenario: &str, mode: Mode, programs: usize) -> String {
    if let Some(name) = super::words::mistake_or_fix(lang, scenario, mode) {
        return name.into();
    }
    match (mode, programs) {
        (_, 1) if catalog::info(scenario).is_some_and(|i| i.one_program) => say(
            lang,
            ["One program", "Un seul programme", "Un solo programa"],
        )
        .into(),
        (Mode::Sequential, _) => say(lang, ["Sequential", "Séquentiel", "Secuencial"]).into(),
        (Mode::Concurrent, _) => say(lang, ["Concurrent", "Concurrent", "Concurrente"]).into(),
    }
}

fn build_panels(
    app: AppState,
    s: Seeing,
    lay: Layout,
    end_ms: f64,
    only: Option<Column>,
) -> Vec<PanelView> {
    let lang = app.lang.get();
    let scenario = app.scenario.get();
    let started = app.player.with(|p| p.state != ViewState::Idle);
    let totals = app.result.with(|r| {
        r.as_ref()
            .map(|r| r.traces.iter().map(|t| t.total_ms).collect::<Vec<_>>())
    });
    s.version.track();
    let ideal_total = s.ideal_total.get();
    let code = s.code.get();
    let scale = lay.scale(end_ms);
    let far = end_ms * 2.0;
    let programs = app
        .built
        .with(|b| b.programs.iter().map(|p| p.mode).collect::<Vec<_>>());
    // Programs of real computation have no plan: their header only says what was measured.
    let planned = app.built.with(|b| {
        b.programs
            .iter()
            .map(|p| !p.has_cpu_work())
            .collect::<Vec<_>>()
    });
    let n = programs.len();
    let mut y = lay.axis_h;
    let mut out = Vec::new();
    s.ideal.with(|ideal| {
        s.sets.with_value(|sets| {
            for (p, mode) in programs.iter().enumerate() {
                if only.is_some_and(|o| o.program != p) {
                    continue;
                }
                let empty = LaneSet::default();
                let set = sets.get(p).unwrap_or(&empty);
                let ghost = ideal.get(p);
                let lines = code.get(p).map(|c| &c.lines);
                // The same figures as the cards, written the same way.
                let mut caption = match ideal_total.get(p).filter(|_| planned[p]) {
                    Some(t) => format!(
                        "{} {}",
                        say(lang, ["ideal", "idéal", "ideal"]),
                        seconds(lang, *t)
                    ),
                    None => String::new(),
                };
                if let Some(t) = totals.as_ref().and_then(|t| t.get(p)) {
                    let sep = if caption.is_empty() { "" } else { " · " };
                    caption.push_str(&format!(
                        "{sep}{} {}",
                        say(lang, ["measured", "mesuré", "medido"]),
                        seconds(lang, *t)
                    ));
                }
                let top = y;
                y += lay.head_h;
                // The panel's clip ends 1.5 px past the cursor, which stops at the program's
                // measured total: a label drawn beyond it would be cut mid-word.
                let label_end = {
                    let edge = lay.x0 + lay.plot_w + OVERHANG_PX;
                    match totals.as_ref().and_then(|t| t.get(p)) {
                        Some(t) => edge.min(scale.x(*t) + 1.0),
                        None => edge,
                    }
                };
                let mut lanes = Vec::new();
                // Before a run the measured set is empty: fall back to the ideal lanes' list.
                let lane_list = if set.lanes.is_empty() {
                    ghost.map(|g| &g.lanes[..]).unwrap_or(&[])
                } else {
                    &set.lanes[..]
                };
                for (i, lane) in lane_list.iter().enumerate() {
                    if only.is_some_and(|o| !o.has(p, i)) {
                        continue;
                    }
                    let measured = set.lanes.get(i);
                    let mut bars_v = Vec::new();
                    if let Some(l) = measured {
                        for b in l.bars_at(f64::INFINITY) {
                            let end = b.end.unwrap_or(far);
                            let w = if b.state.is_badge() {
                                0.0
                            } else {
                                scale.w(b.start, end, 3.0)
                            };
                            let label = match b.state {
                                BarState::Awaiting => {
                                    let (names, k) =
                                        set.awaited(l.task, b.start, b.end.unwrap_or(f64::MAX), 2);
                                    awaiting_label(lang, &names, k)
                                }
                                // Why the lane is red: on the bar, or beside it when it is
                                // narrow (`label_spot`).
                                BarState::Blocked => Some(blocked_label(lang).to_string()),
                                _ => None,
                            };
                            bars_v.push(BarView {
                                state: b.state,
                                x: scale.x(b.start),
                                w,
                                start: b.start,
                                end: b.end,
                                label,
                                line: lines
                                    .and_then(|m| m.line_for(l.task, b.origin.kind, b.origin.nth)),
                            });
                        }
                    }
                    let markers: Vec<(MarkerKind, f64)> = measured
                        .map(|l| {
                            l.markers
                                .iter()
                                .filter(|m| {
                                    matches!(
                                        m.kind,
                                        MarkerKind::Print | MarkerKind::Timeout | MarkerKind::Warn
                                    )
                                })
                                .map(|m| (m.kind, scale.x(m.t)))
                                .collect()
                        })
                        .unwrap_or_default();
                    // No plan for real computation: no ghost drawn either.
                    let g = ghost
                        .filter(|_| planned[p])
                        .and_then(|g| g.lanes.get(i))
                        .and_then(|g| match (g.first_t, g.last_t) {
                            (Some(a), Some(b)) => Some((scale.x(a), scale.w(a, b, 3.0))),
                            _ => None,
                        });
                    let not_started = started && measured.is_none_or(|l| l.first_t.is_none());
                    let mut h = DefaultHasher::new();
                    (
                        p,
                        i,
                        bars_v.len(),
                        markers.len(),
                        not_started,
                        lang.as_str(),
                        (y.to_bits(), lay.lane_h.to_bits(), lay.x0.to_bits()),
                        lay.w.to_bits(),
                        label_end.to_bits(),
                    )
                        .hash(&mut h);
                    for b in &bars_v {
                        (b.x.to_bits(), b.w.to_bits(), b.state, b.line, &b.label).hash(&mut h);
                    }
                    if let Some((a, b)) = g {
                        (a.to_bits(), b.to_bits()).hash(&mut h);
                    }
                    lanes.push(LaneView {
                        program: p,
                        mode: mode.as_str(),
                        task: lane.task,
                        name: lane.name.clone(),
                        depth: lane.depth,
                        y,
                        bars: bars_v,
                        markers,
                        ghost: g,
                        not_started,
                        label_end,
                        sig: h.finish(),
                    });
                    y += lay.lane_h;
                }
                y += 8.0;
                out.push(PanelView {
                    program: p,
                    title: panel_title(lang, &scenario, *mode, n),
                    caption,
                    y: top,
                    h: y - top,
                    lanes,
                });
                y += lay.gap;
            }
        })
    });
    out
}

fn awaiting_label(lang: Lang, names: &[&str], n: usize) -> Option<String> {
    let what = say(lang, ["awaiting", "attend", "espera"]);
    if names.is_empty() {
        None
    } else if n <= names.len() {
        Some(format!("{what} {}", names.join(", ")))
    } else {
        Some(format!(
            "{what} {n} {}",
            say(lang, ["tasks", "tâches", "tareas"])
        ))
    }
}

/// Where bar `i`'s label goes: inside the bar when it fits, else in the free room of its lane
/// just after the bar (or just before it), past the ticks that touch it, so a narrow bar still
/// says what it is (the legend says it for all). `(x, true)` is a right-aligned label ending at
/// x; `None` when the lane has no room.
fn label_spot(bars: &[BarView], i: usize, lay: &Layout, end: f64) -> Option<(f64, bool, String)> {
    let b = bars.get(i)?;
    let label = b.label.as_ref()?;
    // The stylesheet's bar-label size: 12 px, the lane names' size in presenter mode.
    let font = if lay.label_font > 13.0 {
        lay.label_font
    } else {
        12.0
    };
    let em = CHAR_EM * font;
    let chars = |room: f64| (room / em).floor().max(0.0) as usize;
    let inside = (b.x + 8.0, false, (b.w - 16.0).min(end - b.x - 8.0));
    // The bars touching this one on either side (a breath, a zero-length step) and the free
    // room beyond them, up to the next bar, the drawing's edge or where the run stops (`end`).
    let (mut right, mut right_limit) = (b.x + b.w, end);
    for n in bars.iter().skip(i + 1) {
        if n.x > right + 6.0 {
            right_limit = right_limit.min(n.x - 4.0);
            break;
        }
        right = right.max(n.x + n.w);
    }
    let after = (right + 6.0, false, right_limit - right - 6.0);
    let (mut left, mut left_limit) = (b.x, lay.x0);
    for p in bars.iter().take(i).rev() {
        if p.x + p.w < left - 6.0 {
            left_limit = p.x + p.w + 4.0;
            break;
        }
        left = left.min(p.x);
    }
    let before = (left - 6.0, true, left - 6.0 - left_limit);
    let n = label.chars().count();
    let spots = [inside, after, before];
    if let Some(&(x, left, _)) = spots.iter().find(|s| chars(s.2) >= n) {
        return Some((x, left, label.clone()));
    }
    // Whole or not at all: else cut at a word, "…" last, in the roomiest spot.
    let (x, left, room) = spots.into_iter().max_by(|a, b| a.2.total_cmp(&b.2))?;
    shorten_at_word(label, chars(room)).map(|l| (x, left, l))
}

/// `text` cut after its last whole word that leaves room for "…" in `room` characters; `None`
/// when not even its first word fits.
fn shorten_at_word(text: &str, room: usize) -> Option<String> {
    let mut keep = String::new();
    for word in text.split(' ') {
        let next = if keep.is_empty() {
            word.to_string()
        } else {
            format!("{keep} {word}")
        };
        if next.chars().count() + 1 > room {
            break;
        }
        keep = next;
    }
    (!keep.is_empty()).then(|| format!("{}…", keep.trim_end_matches(',')))
}

/// On a blocked bar: a blocking call holds the only thread, so nothing else can run meanwhile.
fn blocked_label(lang: Lang) -> &'static str {
    say(
        lang,
        [
            "holds the only thread",
            "tient le seul fil",
            "retiene el único hilo",
        ],
    )
}

pub fn state_word(lang: Lang, s: BarState) -> &'static str {
    match s {
        BarState::Running => say(lang, ["running", "en cours", "ejecutando"]),
        BarState::Sleeping => say(
            lang,
            [
                "sleeping on a timer",
                "dort (minuterie)",
                "duerme (temporizador)",
            ],
        ),
        BarState::Awaiting => say(
            lang,
            ["awaiting a task", "attend une tâche", "espera una tarea"],
        ),
        BarState::Waiting => say(
            lang,
            [
                "waiting on a semaphore",
                "attend le sémaphore",
                "espera el semáforo",
            ],
        ),
        BarState::Blocked => say(
            lang,
            [
                "blocked (a blocking call holds the thread)",
                "bloqué (un appel bloquant tient le fil)",
                "bloqueado (una llamada bloqueante retiene el hilo)",
            ],
        ),
        BarState::Cancelled => say(lang, ["cancelled", "annulé", "cancelado"]),
        BarState::Failed => say(lang, ["failed", "échoué", "falló"]),
    }
}

/// The tooltip's content and where it points.
#[derive(Clone, Debug, PartialEq)]
pub struct Tip {
    pub x: f64,
    pub y: f64,
    pub text: String,
}

pub fn tip_text(
    lang: Lang,
    task: &str,
    state: BarState,
    start: f64,
    end: Option<f64>,
    line: Option<u32>,
) -> String {
    let mut s = format!(
        "{task} · {} · {}",
        state_word(lang, state),
        seconds(lang, start)
    );
    match end {
        Some(e) if !state.is_badge() => s.push_str(&format!(" → {}", seconds(lang, e))),
        None => s.push_str(" → …"),
        _ => {}
    }
    if let Some(l) = line {
        s.push_str(&format!(" · {} {l}", say(lang, ["line", "ligne", "línea"])));
    }
    s
}

#[component]
pub fn Timeline() -> impl IntoView {
    let app = use_app();
    let s = use_seeing();
    let body = NodeRef::<html::Div>::new();
    let width = RwSignal::new(760.0);
    // The drawing's width is the content box of its own wrapper (not the padded card).
    let height = RwSignal::new(0.0);
    super::timeline_canvas::observe_size(body, width, Some(height));
    let lanes_n = Memo::new(move |_| s.tasks.with(|t| t.iter().map(|l| l.len()).sum::<usize>()));
    let canvas = Memo::new(move |_| lanes_n.get() > CANVAS_ABOVE);
    // Presenter mode: the height the screen leaves; two programs of many lanes side by side.
    let avail_h = Signal::derive(move || {
        if app.presenter.get() {
            height.get()
        } else {
            0.0
        }
    });
    // Two columns: two programs of many lanes, or whose lanes do not fit stacked at a
    // comfortable height; one program too tall for the screen, its lanes in two runs.
    let columns = Memo::new(move |_| {
        if !app.presenter.get() || app.presenter_code.get() || width.get() < 900.0 {
            return None;
        }
        let counts = s
            .tasks
            .with(|t| t.iter().map(|l| l.len()).collect::<Vec<_>>());
        let total = counts.iter().sum::<usize>();
        let lay = Layout::new(width.get(), true).scaled(presenter_scale());
        let fits = lay.fits(height.get(), total, counts.len());
        match counts[..] {
            [a, b] if total > 8 || !fits => Some([
                Column {
                    program: 0,
                    from: 0,
                    to: a,
                },
                Column {
                    program: 1,
                    from: 0,
                    to: b,
                },
            ]),
            [n] if n > 3 && !fits => {
                let depths = s.ideal.with(|i| {
                    i.first()
                        .map(|set| set.lanes.iter().map(|l| l.depth).collect::<Vec<_>>())
                        .unwrap_or_default()
                });
                let at = if depths.len() == n {
                    split_lanes(&depths)
                } else {
                    n.div_ceil(2)
                };
                Some([
                    Column {
                        program: 0,
                        from: 0,
                        to: at,
                    },
                    Column {
                        program: 0,
                        from: at,
                        to: n,
                    },
                ])
            }
            _ => None,
        }
    });
    let split = Memo::new(move |_| columns.get().is_some());
    let full_w = Signal::derive(move || width.get());
    let half_w = Signal::derive(move || ((width.get() - 16.0) / 2.0).floor());
    let cursors = Memo::new(move |_| {
        let reduced = s.reduced_motion.get();
        let n = s.tasks.with(|t| t.len());
        app.player.with(|p| {
            (0..n)
                .map(|i| {
                    if p.state == ViewState::Idle {
                        None
                    } else if reduced {
                        // No sweep: the cursor stands on the last shown event.
                        let at = p.shown_at();
                        p.offsets
                            .get(i)
                            .copied()
                            .flatten()
                            .map(|o| (at - o).max(0.0))
                    } else {
                        p.cursor(i)
                    }
                })
                .collect::<Vec<_>>()
        })
    });
    let bars_n = Memo::new(move |_| {
        s.version.track();
        let c = cursors.get();
        s.sets.with_value(|sets| {
            sets.iter()
                .enumerate()
                .map(|(p, set)| set.bar_count_at(c.get(p).copied().flatten().unwrap_or(0.0)))
                .sum::<usize>()
        })
    });
    let tip = RwSignal::new(None::<Tip>);
    let subtitle = move || {
        let lang = app.lang.get();
        let b = app.built.get();
        if b.one_after_another {
            say(lang, [
                "The two halves hold the thread: they run one after the other, each drawn from 0",
                "Les deux moitiés tiennent le fil : elles tournent l’une après l’autre, chacune dessinée depuis 0",
                "Las dos mitades retienen el hilo: se ejecutan una tras otra, cada una dibujada desde 0",
            ])
        } else if b.programs.len() > 1 {
            say(
                lang,
                [
                    "Both runs on one clock, real browser timers",
                    "Les deux exécutions sur une même horloge, vrais minuteurs du navigateur",
                    "Las dos ejecuciones en un mismo reloj, temporizadores reales del navegador",
                ],
            )
        } else {
            say(
                lang,
                [
                    "Real browser timers",
                    "Vrais minuteurs du navigateur",
                    "Temporizadores reales del navegador",
                ],
            )
        }
    };
    view! {
            <section
                class="ap-timeline"
                class:is-canvas=move || canvas.get()
                data-testid="timeline"
                data-lanes=move || lanes_n.get()
                data-bars=move || bars_n.get()
                data-split=move || split.get().then_some("1")
    >
                <header class="ap-card-head">
                    <h2>{move || say(app.lang.get(), ["Timeline", "Frise", "Línea de tiempo"])}</h2>
                    <p class="ap-sub">{subtitle}</p>
                    <ViewLabel />
                </header>
                <div class="ap-tl-body" node_ref=body>
                    <Show
                        when=move || canvas.get()
                        fallback=move || view! {
                            <Show when=move || split.get()
                                fallback=move || view! { <TimelineSvg width=full_w avail_h cursors tip columns /> }>
                                <div class="ap-tl-split">
                                    <TimelineSvg width=half_w avail_h cursors tip columns col=0 />
                                    <TimelineSvg width=half_w avail_h cursors tip columns col=1 />
                                </div>
                            </Show>
                        }
                    >
                        <TimelineCanvas width avail_h cursors tip />
                    </Show>
                    // The hovered task's lane (from a lane, a console line or the canvas), by one
                    // rule on the lanes' keys: no lane row reads `app.hovered`.
                    <style>{move || app.hovered.get().map(|h| format!(
                        ".ap-lane[data-k=\"{}-{}\"] .ap-lane-hl{{fill:var(--color-accent-soft)}}",
                        h.program, h.task
                    )).unwrap_or_default()}</style>
                    <Show when=move || tip.get().is_some()>
                        <div
                            class="ap-tip"
                            role="tooltip"
                            style:left=move || tip.get().map(|t| format!("{:.0}px", t.x)).unwrap_or_default()
                            style:top=move || tip.get().map(|t| format!("{:.0}px", t.y)).unwrap_or_default()
                        >
                            {move || tip.get().map(|t| t.text).unwrap_or_default()}
                        </div>
                    </Show>
                </div>
                <super::queue_lanes::QueueLanes />
            </section>
        }
}

/// An honest word on what the picture is: live, a replay of the recording, or paused.
#[component]
fn ViewLabel() -> impl IntoView {
    let app = use_app();
    let text = move || {
        let lang = app.lang.get();
        let speed = app.speed.get();
        app.player.with(|p| match p.state {
            ViewState::Idle => String::new(),
            ViewState::Running if p.is_live() => format!(
                "{} · {}×",
                say(
                    lang,
                    ["Live run", "Exécution en direct", "Ejecución en vivo"]
                ),
                p_speed(speed)
            ),
            ViewState::Running => format!(
                "{} · {}×",
                say(
                    lang,
                    [
                        "Replay of the recorded run",
                        "Relecture de l’exécution enregistrée",
                        "Repetición de la ejecución grabada"
                    ]
                ),
                p_speed(p.speed)
            ),
            ViewState::Paused if p.engine_running => say(
                lang,
                [
                    "Paused view — the run goes on underneath",
                    "Vue en pause — l’exécution continue dessous",
                    "Vista en pausa — la ejecución sigue debajo",
                ],
            )
            .to_string(),
            ViewState::Paused => say(lang, ["Paused", "En pause", "En pausa"]).to_string(),
            ViewState::Finished => say(
                lang,
                ["Recorded run", "Exécution enregistrée", "Ejecución grabada"],
            )
            .to_string(),
            ViewState::Cancelled => say(
                lang,
                ["Run cancelled", "Exécution annulée", "Ejecución cancelada"],
            )
            .to_string(),
        })
    };
    let engine = move || {
        app.player.with(|p| match (p.state, p.engine_running) {
            (ViewState::Idle, _) => None,
            (_, true) => Some("running"),
            (_, false) => Some("done"),
        })
    };
    let view_state = move || app.player.with(|p| p.state.as_str());
    view! { <p class="ap-view-label" data-testid="view-label" data-engine=engine data-view=view_state>{text}</p> }
}

fn p_speed(s: f64) -> String {
    crate::model::params::speed_str(s).to_string()
}

#[component]
fn TimelineSvg(
    width: Signal<f64>,
    /// The height the presenter's screen leaves for the drawing (0: grow with the lanes).
    avail_h: Signal<f64>,
    /// Draw only this column of `columns` (presenter mode puts two side by side).
    #[prop(optional)]
    col: Option<usize>,
    columns: Memo<Option<[Column; 2]>>,
    cursors: Memo<Vec<Option<f64>>>,
    tip: RwSignal<Option<Tip>>,
) -> impl IntoView {
    let app = use_app();
    let s = use_seeing();
    let only = Memo::new(move |_| col.and_then(|c| columns.get().map(|cs| cs[c.min(1)])));
    let layout = Memo::new(move |_| {
        let only = only.get();
        let names = s.ideal.with(|sets| {
            sets.iter()
                .enumerate()
                .flat_map(|(p, set)| set.lanes.iter().enumerate().map(move |(i, l)| (p, i, l)))
                .filter(|(p, i, _)| only.is_none_or(|o| o.has(*p, *i)))
                .map(|(_, _, l)| (l.name.chars().count(), l.depth))
                .collect::<Vec<_>>()
        });
        let panels = s.ideal.with(|t| if only.is_some() { 1 } else { t.len() });
        // Side by side, both columns get the lane height of the taller one.
        let rows = match (col, columns.get()) {
            (Some(_), Some(cs)) => cs.iter().map(|c| c.to - c.from).max().unwrap_or(0),
            _ => names.len(),
        };
        let lay = Layout::new(width.get(), app.presenter.get());
        // A projector's type grows with the screen (the stylesheet's `--pt`).
        let lay = if app.presenter.get() && lay.label_font > 13.0 {
            lay.scaled(presenter_scale())
        } else {
            lay
        };
        let lay = lay.fit_labels(names.iter().copied());
        if app.presenter.get() {
            lay.fit_height(avail_h.get(), rows, panels)
        } else {
            lay
        }
    });
    // As many ticks as their labels leave room for (a projector's 24–48 px labels in a half-width
    // panel take fewer than a page's 13 px ones): about 3.2 em between two.
    let max_ticks = Memo::new(move |_| {
        let lay = layout.get();
        let room = (lay.plot_w / (lay.label_font * 3.2)).floor() as usize;
        room.clamp(2, if width.get() < 520.0 { 4 } else { 8 })
    });
    let end_ms = Memo::new(move |_| {
        let plot_w = layout.get().plot_w;
        // A recorded run's whole extent counts, not only where the cursors are: stepping back
        // through it must not rescale the axis to the ideal (event-loop-order's 0–2 ms).
        let mut seen = cursors.get();
        app.result.with(|r| {
            if let Some(r) = r {
                seen.extend(r.traces.iter().map(|t| Some(t.total_ms)));
            }
        });
        axis_end_ms(&s.ideal_total.get(), &seen, max_ticks.get(), plot_w)
    });
    let panels = Memo::new(move |_| build_panels(app, s, layout.get(), end_ms.get(), only.get()));
    let height = Memo::new(move |_| {
        let lay = layout.get();
        panels.with(|p| p.last().map(|p| p.y + p.h).unwrap_or(lay.axis_h)) + lay.foot_h
    });
    let focusable = Memo::new(move |_| {
        panels.with(|p| {
            p.iter()
                .flat_map(|p| &p.lanes)
                .map(|l| l.bars.len())
                .sum::<usize>()
        }) <= FOCUSABLE_BARS
    });
    let cursor_x = move |p: usize| {
        let lay = layout.get();
        cursors
            .with(|c| c.get(p).copied().flatten())
            .map(|t| lay.scale(end_ms.get()).x(t))
    };
    let own_clocks = move || app.built.with(|b| b.one_after_another);
    let main_cursor = move || {
        let n = cursors.with(|c| c.len());
        (0..n)
            .rev()
            .filter(|p| only.get().is_none_or(|o| o.program == *p))
            .find_map(|p| cursor_x(p).map(|x| (p, x)))
    };
    let ticks = move || {
        let lay = layout.get();
        let sc = lay.scale(end_ms.get());
        let h = height.get() - lay.foot_h;
        bars::ticks(end_ms.get(), max_ticks.get())
            .into_iter()
            .map(|t| {
                let x = sc.x(t.ms);
                let anchor = if t.ms == 0.0 { "start" } else if (x - (lay.x0 + lay.plot_w)).abs() < 1.0 { "end" } else { "middle" };
                view! {
                    <line class="ap-grid" data-ms=t.ms x1=x x2=x y1=lay.axis_h - 6.0 y2=h />
                    <text class="ap-tick" x=x y=lay.axis_h - 10.0 text-anchor=anchor>{crate::i18n::tick(app.lang.get(), t.ms, t.decimals)}</text>
                }
            })
            .collect_view()
    };
    let label = move || {
        say(
            app.lang.get(),
            [
                "Task lanes over time",
                "Les tâches au fil du temps",
                "Las tareas a lo largo del tiempo",
            ],
        )
    };
    view! {
        <div class="ap-tl-scroll">
            <svg
                class="ap-tl-svg"
                width=move || layout.get().w
                height=move || height.get()
                role="group"
                aria-label=label
            >
                {(col.unwrap_or(0) == 0).then(|| view! { <Patterns /> })}
                <g aria-hidden="true">{ticks}</g>
                <For each=move || panels.with(|ps| ps.iter().map(|p| p.program).collect::<Vec<_>>()) key=|p| *p let:p>
                    <Panel p col=col.unwrap_or(0) panels layout cursors end_ms tip focusable />
                </For>
                // Halves run one after the other on clocks of their own: each panel has its own
                // cursor line, which stops at that half's end.
                {move || own_clocks().then(|| {
                    let lay = layout.get();
                    panels.with(|ps| ps.iter().filter_map(|pv| {
                        let x = cursor_x(pv.program)?;
                        let t = cursors.with(|c| c.get(pv.program).copied().flatten())?;
                        Some(view! {
                            <g class="ap-now" aria-hidden="true" data-testid="panel-now" data-program=pv.program data-ms=format!("{t:.1}")>
                                <line x1=x x2=x y1=pv.y + lay.head_h y2=pv.y + pv.h />
                            </g>
                        })
                    }).collect_view())
                })}
                {move || main_cursor().map(|(p, x)| {
                    let lay = layout.get();
                    let h = height.get() - lay.foot_h;
                    let top = if own_clocks() {
                        panels.with(|ps| ps.iter().find(|pv| pv.program == p).map(|pv| pv.y + pv.h)).unwrap_or(lay.axis_h - 4.0)
                    } else {
                        lay.axis_h - 4.0
                    };
                    let t = cursors.with(|c| c.get(p).copied().flatten()).unwrap_or(0.0);
                    let text = format!("{} {}", say(app.lang.get(), ["now", "maintenant", "ahora"]), seconds(app.lang.get(), t));
                    // Bold tabular digits are ~0.6 em wide: the label stays whole at the right edge.
                    let fs = lay.now_font;
                    let wlabel = fs + 0.62 * fs * text.chars().count() as f64;
                    let hlabel = fs + 10.0;
                    let lx = (x - wlabel / 2.0).clamp(2.0, (lay.w - wlabel - 2.0).max(2.0));
                    view! {
                        <g class="ap-now" aria-hidden="true" data-testid="now" data-ms=format!("{t:.1}")>
                            <line x1=x x2=x y1=top y2=h />
                            <rect x=lx y=h + 2.0 width=wlabel height=hlabel rx=4 />
                            <text x=lx + wlabel / 2.0 y=h + 2.0 + hlabel / 2.0 + 0.36 * fs text-anchor="middle">{text}</text>
                        </g>
                    }
                })}
            </svg>
        </div>
    }
}

#[component]
fn Panel(
    p: usize,
    /// The column the panel is drawn in (its clip's id must be its own).
    col: usize,
    panels: Memo<Vec<PanelView>>,
    layout: Memo<Layout>,
    cursors: Memo<Vec<Option<f64>>>,
    end_ms: Memo<f64>,
    tip: RwSignal<Option<Tip>>,
    focusable: Memo<bool>,
) -> impl IntoView {
    let app = use_app();
    let clip = format!("ap-clip-{p}-{col}");
    let clip_url = format!("url(#{clip})");
    let field = move |f: fn(&PanelView) -> f64| {
        panels.with(|ps| ps.iter().find(|x| x.program == p).map(f).unwrap_or(0.0))
    };
    let y = move || field(|x| x.y);
    let h = move || field(|x| x.h);
    let text = move |f: fn(&PanelView) -> String| {
        panels.with(|ps| {
            ps.iter()
                .find(|x| x.program == p)
                .map(f)
                .unwrap_or_default()
        })
    };
    let clip_w = move || {
        let lay = layout.get();
        let x = cursors
            .with(|c| c.get(p).copied().flatten())
            .map(|t| lay.scale(end_ms.get()).x(t))
            .unwrap_or(lay.x0);
        // Badges and the running cap may reach a few px past "now".
        (x + 1.5).max(0.0)
    };
    // Lanes re-render one by one when their own content (their `sig`) changes.
    let lanes = move || {
        panels.with(|ps| {
            ps.iter()
                .find(|x| x.program == p)
                .map(|x| x.lanes.clone())
                .unwrap_or_default()
        })
    };
    let head = move || layout.get().head_h * 0.68;
    let two = move || layout.get().w < NARROW_HEAD_W;
    let title_y = move || y() + if two() { 19.0 } else { head() };
    let caption_y = move || y() + if two() { 38.0 } else { head() };
    view! {
        <g class="ap-panel" data-program=p>
            <clipPath id=clip.clone()>
                <rect x=0 y=y width=clip_w height=h />
            </clipPath>
            <rect class="ap-panel-bg" x=2 y=y width=move || layout.get().w - 4.0 height=h rx=8 />
            <text class="ap-panel-title" x=12 y=title_y>{move || text(|x| x.title.clone())}</text>
            <text class="ap-panel-caption" x=move || layout.get().w - 12.0 y=caption_y text-anchor="end">{move || text(|x| x.caption.clone())}</text>
            {move || {
                // Rows are rebuilt whenever their `sig` changes. Leptos keeps an entry (and its
                // allocation) for each row's owner in the owner the `For` was made under, and for
                // each reactive attribute in the signals it read, until those are cleaned up or
                // change: a `For` of its own per run, and rows that read `focusable` once, free
                // them (issue 16: ~110 KB of wasm memory per compare run kept for ever otherwise).
                app.run_id.track();
                let focus = focusable.get();
                let clip_url = clip_url.clone();
                view! {
                    <For each=lanes key=|l| l.sig let:lane>
                        <LaneRow lane layout clip_url=clip_url.clone() tip focus />
                    </For>
                }
            }}
        </g>
    }
}

#[component]
fn LaneRow(
    lane: LaneView,
    layout: Memo<Layout>,
    clip_url: String,
    tip: RwSignal<Option<Tip>>,
    focus: bool,
) -> impl IntoView {
    let app = use_app();
    let lay = layout.get_untracked();
    let me = TaskRef {
        program: lane.program,
        task: lane.task,
    };
    // Hover is lit by one rule in `Timeline` (on `data-k`), not read here: rows are rebuilt
    // many times a run, and a rebuilt row's effects stay listed in every long-lived signal they
    // read (issue 16 item 2: ~160 bytes a rebuild kept for ever in `app.hovered`).
    let key = format!("{}-{}", me.program, me.task);
    let seeing = use_seeing();
    let colour = seeing.lane_colour(lane.program, lane.task);
    let ci = seeing.colour_of(lane.program, lane.task);
    let mid = lane.y + lay.lane_h / 2.0;
    // A bar's label sits on the bar's middle: 4 px below it at 12–13 px, 0.35 em at a projector's sizes.
    let label_dy = if lay.label_font > 13.0 {
        0.35 * lay.label_font
    } else {
        4.0
    };
    let top = mid - lay.bar_h / 2.0;
    let name = lane.name.clone();
    let indent = Layout::name_x(lane.depth) - 10.0;
    let shown_name = shorten(&lane.name, lay.name_room(lane.depth));
    let cut = (shown_name != lane.name).then(|| lane.name.clone());
    let (plain, badges): (Vec<BarView>, Vec<BarView>) =
        lane.bars.iter().cloned().partition(|b| !b.state.is_badge());
    let spots: Vec<Option<(f64, bool, String)>> = (0..plain.len())
        .map(|i| label_spot(&plain, i, &lay, lane.label_end))
        .collect();
    let bar_views = plain
        .into_iter()
        .zip(spots)
        .map(|(b, spot)| {
            let (fill, stroke, dash) = bar_paint(b.state, ci, colour);
            let text = tip_text(app.lang.get_untracked(), &name, b.state, b.start, b.end, b.line);
            let t2 = text.clone();
            let x = b.x;
            let show = move || tip.set(Some(Tip { x: x + 8.0, y: top - 34.0, text: t2.clone() }));
            let show2 = show.clone();
            let label = spot;
            view! {
                <rect
                    data-testid="bar"
                    data-state=b.state.as_str()
                    data-start=format!("{:.1}", b.start)
                    data-end=b.end.map(|e| format!("{e:.1}"))
                    class="ap-bar"
                    x=b.x
                    y=top
                    width=b.w
                    height=lay.bar_h
                    rx=3
                    style:fill=fill
                    style:stroke=stroke
                    stroke-dasharray=dash
                    tabindex=focus.then_some("0")
                    role=focus.then_some("img")
                    aria-label=focus.then_some(text)
                    on:mouseenter=move |_| show()
                    on:focus=move |_| show2()
                    on:mouseleave=move |_| tip.set(None)
                    on:blur=move |_| tip.set(None)
                />
                {label.map(|(lx, before, l)| {
                    let outside = before || lx > b.x + b.w;
                    let anchor = if before { "end" } else { "start" };
                    view! { <text class="ap-bar-label" class:is-outside=outside x=lx y=mid + label_dy text-anchor=anchor>{l}</text> }
                })}
            }
        })
        .collect_view();
    let badge_views = badges
        .into_iter()
        .map(|b| {
            let failed = b.state == BarState::Failed;
            // A badge at the axis end stays whole inside the drawing.
            let bx = b.x.min(lay.w - 10.0);
            let x = bx - 8.0;
            let text = tip_text(app.lang.get_untracked(), &name, b.state, b.start, b.end, b.line);
            let t2 = text.clone();
            view! {
                <g class="ap-badge" class:is-failed=failed>
                    <rect data-testid="bar" data-state=b.state.as_str() data-start=format!("{:.1}", b.start) x=x y=top + 1.0 width=16 height=lay.bar_h - 2.0 rx=3
                        tabindex=focus.then_some("0")
                        role=focus.then_some("img")
                        aria-label=focus.then_some(text)
                        on:mouseenter=move |_| tip.set(Some(Tip { x: x + 8.0, y: top - 34.0, text: t2.clone() }))
                        on:mouseleave=move |_| tip.set(None)
                    />
                    <text x=bx y=mid + 4.5 text-anchor="middle" aria-hidden="true">{if failed { "!" } else { "×" }}</text>
                </g>
            }
        })
        .collect_view();
    let markers = lane
        .markers
        .iter()
        .map(|(k, x)| match k {
            MarkerKind::Timeout => view! { <path class="ap-mark-timeout" d=format!("M{x} {} l5 5 l-5 5 l-5 -5 z", top - 5.0) /> }.into_any(),
            _ => view! { <path class="ap-mark-print" d=format!("M{} {} h6 l-3 4 z", x - 3.0, top - 5.0) style:fill=colour /> }.into_any(),
        })
        .collect_view();
    view! {
        <g data-testid="lane" data-task=lane.name.clone() data-mode=lane.mode class="ap-lane" data-k=key
            on:mouseenter=move |_| app.hovered.set(Some(me))
            on:mouseleave=move |_| app.hovered.set(None)
        >
            <rect class="ap-lane-hl" x=4 y=lane.y width=lay.w - 8.0 height=lay.lane_h rx=4 />
            <circle cx=indent cy=mid r=4.5 style:fill=colour />
            <text class="ap-lane-name" x=indent + 10.0 y=mid + 0.35 * lay.label_font>
                {cut.map(|full| view! { <title>{full}</title> })}{shown_name}
            </text>
            {lane.ghost.map(|(x, w)| view! { <rect class="ap-ghost" x=x y=top width=w height=lay.bar_h rx=3 /> })}
            {lane.not_started.then(|| view! { <text class="ap-not-started" x=lay.x0 + 6.0 y=mid + 0.35 * lay.label_font>{say(app.lang.get_untracked(), ["not started", "pas commencée", "sin empezar"])}</text> })}
            <g clip-path=clip_url>{bar_views}{markers}</g>
            {badge_views}
        </g>
    }
}

/// Fill, stroke and dash of a bar: the pattern says the state, the colour says the task; only
/// blocked (red) changes colour among plain bars.
fn bar_paint(
    state: BarState,
    ci: usize,
    colour: &'static str,
) -> (String, String, Option<&'static str>) {
    match state {
        BarState::Running => (colour.to_string(), colour.to_string(), None),
        BarState::Sleeping => (format!("url(#ap-hatch-{ci})"), colour.to_string(), None),
        BarState::Awaiting => (format!("url(#ap-tint-{ci})"), colour.to_string(), None),
        BarState::Waiting => (
            "var(--color-surface)".to_string(),
            colour.to_string(),
            Some("2 3"),
        ),
        BarState::Blocked => (
            "url(#ap-xhatch)".to_string(),
            "var(--color-blocked)".to_string(),
            None,
        ),
        BarState::Cancelled | BarState::Failed => ("none".to_string(), "none".to_string(), None),
    }
}

/// Hatching per lane colour (SVG patterns cannot inherit a colour), the light tint of
/// "awaiting", and the red cross-hatch of "blocked".
#[component]
pub fn Patterns() -> impl IntoView {
    let per_colour = LANE_COLOURS
        .iter()
        .enumerate()
        .map(|(i, c)| {
            view! {
                <pattern id=format!("ap-hatch-{i}") width=7 height=7 patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                    <rect width=7 height=7 style:fill="var(--color-surface)" />
                    <rect width=3 height=7 style:fill=*c />
                </pattern>
                <pattern id=format!("ap-tint-{i}") width=8 height=8 patternUnits="userSpaceOnUse">
                    <rect width=8 height=8 style:fill="var(--color-surface)" />
                    <rect width=8 height=8 style:fill=*c fill-opacity="0.16" />
                </pattern>
            }
        })
        .collect_view();
    view! {
        <defs>
            {per_colour}
            <pattern id="ap-xhatch" width=8 height=8 patternUnits="userSpaceOnUse">
                <rect width=8 height=8 style:fill="var(--color-danger-soft)" />
                <path d="M0 0 L8 8 M8 0 L0 8" style:stroke="var(--color-blocked)" stroke-width=2 />
            </pattern>
        </defs>
    }
}
