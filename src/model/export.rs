//! The text of the exported files (F14), built without a browser so it is tested natively:
//! the trace JSON, the Chrome/Perfetto Trace Event JSON, and the frame (title, totals, legend)
//! around the timeline's SVG. Whatever a task name or a printed line holds, the SVG stays
//! well-formed XML: characters XML 1.0 forbids are replaced by U+FFFD (`xml_clean`).
use serde_json::{json, Map, Value};

use super::bars::{LaneSet, MarkerKind};
use super::trace::{EventKind, Trace};

/// True for a character XML 1.0 allows in a document (`Char` production): tab, line feed,
/// carriage return, U+0020–U+D7FF, U+E000–U+FFFD, U+10000 and above. A Rust `char` is never a
/// surrogate, so lone surrogates cannot reach here (the browser's strings are converted with
/// U+FFFD in their place).
pub fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `s` with every character XML forbids replaced by U+FFFD (a visible sign that one was there).
pub fn xml_clean(s: &str) -> String {
    s.chars()
        .map(|c| if xml_allowed(c) { c } else { '\u{FFFD}' })
        .collect()
}

/// `s` as XML character data or an attribute value (quotes, tab, LF and CR escaped too), cleaned.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // As references, so a reader's end-of-line and attribute-value normalisation keep
            // them (a bare CR would come back as LF, a tab in an attribute as a space).
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if xml_allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// One trace as SCENARIOS.md's trace JSON; a compare run as `{"sequential": …, "concurrent": …}`.
pub fn trace_json(traces: &[Trace]) -> String {
    let value = if let [one] = traces {
        serde_json::to_value(one).unwrap_or(Value::Null)
    } else {
        Value::Object(
            traces
                .iter()
                .map(|t| {
                    (
                        t.mode.as_str().to_string(),
                        serde_json::to_value(t).unwrap_or(Value::Null),
                    )
                })
                .collect(),
        )
    };
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// Scenario milliseconds as Trace Event microseconds (whole, never negative).
fn us(ms: f64) -> f64 {
    if ms.is_finite() {
        (ms * 1000.0).round().max(0.0)
    } else {
        0.0
    }
}

/// The run as Trace Event JSON (the "JSON Object Format" that `chrome://tracing` and
/// ui.perfetto.dev open): one process per program (`pid` 1, 2 …, named by `process_name`
/// metadata), one thread per task lane (`tid` = lane number, named by `thread_name`, in lane
/// order by `thread_sort_index`), one complete event (`ph: "X"`, `ts`/`dur` in µs) per bar, and
/// one instant event (`ph: "i"`, thread scope) per print, timeout, cancellation, failure or
/// warning. `title` names the export (`otherData`).
pub fn perfetto_json(traces: &[Trace], title: &str) -> String {
    let mut events: Vec<Value> = Vec::new();
    for (k, trace) in traces.iter().enumerate() {
        let pid = k + 1;
        let end = trace.total_ms.max(trace.events.last().map_or(0.0, |e| e.t));
        events.push(json!({
            "ph": "M", "name": "process_name", "pid": pid, "tid": 0,
            "args": { "name": format!("{} — {}", trace.scenario, trace.mode.as_str()) },
        }));
        events.push(json!({
            "ph": "M", "name": "process_sort_index", "pid": pid, "tid": 0,
            "args": { "sort_index": pid },
        }));
        let lanes = LaneSet::from_events(&trace.tasks, &trace.events);
        for (i, lane) in lanes.lanes.iter().enumerate() {
            let tid = i + 1;
            events.push(json!({
                "ph": "M", "name": "thread_name", "pid": pid, "tid": tid,
                "args": { "name": lane.name },
            }));
            events.push(json!({
                "ph": "M", "name": "thread_sort_index", "pid": pid, "tid": tid,
                "args": { "sort_index": tid },
            }));
            for bar in lane.bars_at(end) {
                let (a, b) = (us(bar.start), us(bar.end_at(end)));
                events.push(json!({
                    "ph": "X", "name": bar.state.as_str(), "cat": "task",
                    "pid": pid, "tid": tid, "ts": a, "dur": (b - a).max(0.0),
                    "args": { "task": lane.name, "state": bar.state.as_str() },
                }));
            }
            for m in &lane.markers {
                let text = match trace.events.get(m.origin.event).map(|e| &e.kind) {
                    Some(EventKind::Print { text, .. }) | Some(EventKind::Warn { text }) => {
                        text.clone()
                    }
                    Some(EventKind::Fail { error }) => error.clone(),
                    _ => m.kind.as_str().to_string(),
                };
                let name = match m.kind {
                    MarkerKind::Print => text.clone(),
                    k => format!("{}: {text}", k.as_str()),
                };
                events.push(json!({
                    "ph": "i", "s": "t", "name": name, "cat": m.kind.as_str(),
                    "pid": pid, "tid": tid, "ts": us(m.t),
                    "args": { "task": lane.name, "text": text },
                }));
            }
        }
    }
    let mut other = Map::new();
    other.insert("title".into(), json!(title));
    if let Some(t) = traces.first() {
        other.insert("scenario".into(), json!(t.scenario));
        other.insert("clock".into(), json!(t.clock));
    }
    for t in traces {
        other.insert(format!("total_ms_{}", t.mode.as_str()), json!(t.total_ms));
    }
    let doc = json!({
        "traceEvents": events,
        "displayTimeUnit": "ms",
        "otherData": other,
    });
    serde_json::to_string(&doc).unwrap_or_default()
}

/// One legend entry of an exported SVG: the words and the swatch's inline style (as the
/// timeline's own bar of that state is drawn: fill, stroke, pattern).
#[derive(Clone, Debug, PartialEq)]
pub struct LegendItem {
    pub label: String,
    pub style: String,
}

/// What goes around the timeline in an exported SVG.
#[derive(Clone, Debug, PartialEq)]
pub struct SvgFrame {
    pub title: String,
    /// One line, e.g. "Sequential: 4.00 s · Concurrent: 2.00 s · 2.0× faster".
    pub totals: String,
    pub legend: Vec<LegendItem>,
    /// Colours and font of the page (CSS values).
    pub background: String,
    pub text: String,
    pub muted: String,
    pub font: String,
}

const PAD: f64 = 16.0;
const TITLE_H: f64 = 26.0;
const TOTALS_H: f64 = 22.0;
const LEGEND_ROW: f64 = 22.0;

/// Where each legend item sits: (x, row), wrapped at `width`. Label widths are estimated
/// (0.6 em per character at 13 px): the file has no text measurement.
fn legend_layout(items: &[LegendItem], width: f64) -> Vec<(f64, usize)> {
    let mut out = Vec::with_capacity(items.len());
    let (mut x, mut row) = (PAD, 0usize);
    for it in items {
        let w = 34.0 + it.label.chars().count() as f64 * 7.8 + 18.0;
        if x > PAD && x + w > width - PAD {
            x = PAD;
            row += 1;
        }
        out.push((x, row));
        x += w;
    }
    out
}

/// The standalone SVG file: title and totals above the timeline drawing (`inner`, a complete
/// `<svg>` element of `inner_w` × `inner_h`, nested as is), the legend below. Returns the text
/// and its size.
pub fn framed_svg(inner: &str, inner_w: f64, inner_h: f64, frame: &SvgFrame) -> (String, f64, f64) {
    let width = inner_w.max(320.0).ceil();
    let layout = legend_layout(&frame.legend, width);
    let rows = layout.last().map_or(0, |(_, r)| r + 1);
    let top = PAD + TITLE_H + TOTALS_H;
    let height = (top + inner_h + PAD + rows as f64 * LEGEND_ROW + PAD).ceil();
    let e = xml_escape;
    let mut s = String::new();
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" style=\"font-family:{}\">",
        e(&frame.font)
    ));
    s.push_str(&format!(
        "<title>{}</title><rect width=\"100%\" height=\"100%\" fill=\"{}\"/>",
        e(&frame.title),
        e(&frame.background)
    ));
    s.push_str(&format!(
        "<text x=\"{PAD}\" y=\"{}\" font-size=\"18\" font-weight=\"700\" fill=\"{}\">{}</text>",
        PAD + 18.0,
        e(&frame.text),
        e(&frame.title)
    ));
    s.push_str(&format!(
        "<text x=\"{PAD}\" y=\"{}\" font-size=\"14\" fill=\"{}\">{}</text>",
        PAD + TITLE_H + 15.0,
        e(&frame.muted),
        e(&frame.totals)
    ));
    s.push_str(&format!("<g transform=\"translate(0 {top})\">"));
    s.push_str(&xml_clean(inner));
    s.push_str("</g>");
    let legend_top = top + inner_h + PAD;
    s.push_str("<g font-size=\"13\">");
    for (it, (x, row)) in frame.legend.iter().zip(&layout) {
        let y = legend_top + *row as f64 * LEGEND_ROW;
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"26\" height=\"12\" rx=\"2\" style=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" fill=\"{}\">{}</text>",
            e(&it.style),
            x + 34.0,
            y + 11.0,
            e(&frame.text),
            e(&it.label)
        ));
    }
    s.push_str("</g></svg>");
    (s, width, height)
}

// Native only: the tests use proptest and roxmltree, native dev-dependencies.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::model::trace::{Clock, Event, Loop, Mode, TaskInfo};

    fn trace(names: &[String], prints: &[String]) -> Trace {
        let mut t = Trace::new("breakfast", Mode::Concurrent, Loop::Asyncio, Clock::Ideal);
        for (i, n) in names.iter().enumerate() {
            t.tasks.push(TaskInfo {
                id: i,
                name: n.clone(),
                parent: (i > 0).then_some(0),
                thread: None,
            });
        }
        let mut at = 0.0;
        for (i, _) in names.iter().enumerate() {
            t.events.push(Event {
                t: at,
                task: i,
                kind: EventKind::Start,
            });
            for p in prints {
                t.events.push(Event {
                    t: at,
                    task: i,
                    kind: EventKind::Print {
                        text: p.clone(),
                        queue: None,
                        stream: None,
                    },
                });
            }
            t.events.push(Event {
                t: at,
                task: i,
                kind: EventKind::Sleep { ms: 100 },
            });
            at += 100.0;
            t.events.push(Event {
                t: at,
                task: i,
                kind: EventKind::Wake,
            });
            t.events.push(Event {
                t: at,
                task: i,
                kind: EventKind::End { value: None },
            });
        }
        t.total_ms = at;
        t
    }

    fn frame(title: &str, label: &str) -> SvgFrame {
        SvgFrame {
            title: title.into(),
            totals: format!("Concurrent: 0.30 s · {title}"),
            legend: vec![
                LegendItem {
                    label: label.into(),
                    style: "fill:#123;stroke:url(#p)".into(),
                },
                LegendItem {
                    label: "sleeping".into(),
                    style: "fill:\"x\"<&>".into(),
                },
            ],
            background: "#fff".into(),
            text: "#000".into(),
            muted: "#555".into(),
            font: "system-ui, \"Segoe UI\"".into(),
        }
    }

    /// A timeline drawing as the page's serializer writes it: text nodes and attributes raw
    /// except for `&`, `<`, `>` and quotes (which is what lets a U+0001 through).
    fn inner(names: &[String]) -> String {
        let mut s =
            String::from("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"100\">");
        for n in names {
            let t = n
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            let a = t.replace('"', "&quot;");
            s.push_str(&format!("<g data-task=\"{a}\"><text>{t}</text></g>"));
        }
        s.push_str("</svg>");
        s
    }

    #[test]
    fn forbidden_characters_become_replacement_characters() {
        assert_eq!(xml_clean("x\u{1}y\u{0}z"), "x\u{FFFD}y\u{FFFD}z");
        assert_eq!(xml_clean("a\tb\nc\rd"), "a\tb\nc\rd");
        assert_eq!(
            xml_clean("\u{B}\u{C}\u{E}\u{1F}\u{FFFE}\u{FFFF}"),
            "\u{FFFD}".repeat(6)
        );
        assert_eq!(xml_clean("é😀\u{E000}\u{FFFD}"), "é😀\u{E000}\u{FFFD}");
        assert_eq!(
            xml_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
    }

    #[test]
    fn svg_carries_title_totals_and_legend() {
        let names = vec!["main".to_string(), "x\u{1}y".to_string()];
        let (svg, w, h) = framed_svg(&inner(&names), 400.0, 100.0, &frame("Breakfast", "running"));
        let doc = roxmltree::Document::parse(&svg).expect("well-formed");
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text().map(str::to_string))
            .collect();
        assert_eq!(texts.first().map(String::as_str), Some("Breakfast"));
        assert!(texts.iter().any(|t| t.starts_with("Concurrent: 0.30 s")));
        assert!(texts.iter().any(|t| t == "running") && texts.iter().any(|t| t == "sleeping"));
        assert!(texts.iter().any(|t| t == "x\u{FFFD}y"));
        assert!(w >= 400.0 && h > 100.0);
    }

    #[test]
    fn perfetto_structure() {
        let names = vec!["main".to_string(), "eggs".to_string()];
        let t = trace(&names, &["hello".to_string()]);
        let v: Value =
            serde_json::from_str(&perfetto_json(std::slice::from_ref(&t), "Breakfast")).unwrap();
        let evs = v["traceEvents"].as_array().unwrap();
        assert_eq!(v["displayTimeUnit"], "ms");
        let threads: Vec<&str> = evs
            .iter()
            .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
            .map(|e| e["args"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(threads, ["main", "eggs"]);
        let x: Vec<&Value> = evs.iter().filter(|e| e["ph"] == "X").collect();
        assert!(!x.is_empty());
        for e in &x {
            assert!(e["ts"].as_f64().unwrap() >= 0.0 && e["dur"].as_f64().unwrap() >= 0.0);
            assert_eq!(e["pid"], 1);
            assert!(e["tid"].as_u64().unwrap() >= 1);
        }
        // eggs sleeps 100 ms from 100 ms: one X of 100,000 µs at ts 100,000.
        assert!(
            x.iter().any(|e| e["tid"] == 2
                && e["name"] == "sleeping"
                && e["ts"] == 100_000.0
                && e["dur"] == 100_000.0),
            "{x:?}"
        );
        let prints: Vec<&Value> = evs.iter().filter(|e| e["ph"] == "i").collect();
        assert_eq!(prints.len(), 2);
        assert!(prints.iter().all(|e| e["name"] == "hello" && e["s"] == "t"));
        // A compare run: two processes.
        let mut seq = t.clone();
        seq.mode = Mode::Sequential;
        let v: Value = serde_json::from_str(&perfetto_json(&[seq, t], "B")).unwrap();
        let pids: std::collections::BTreeSet<u64> = v["traceEvents"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["pid"].as_u64())
            .collect();
        assert_eq!(pids.into_iter().collect::<Vec<_>>(), [1, 2]);
    }

    /// Text biased to what breaks XML: C0 controls, U+FFFE/U+FFFF, markup, the text of escapes
    /// (a lone surrogate cannot be in a Rust string, but its JSON or XML escape can), and any char.
    fn hostile() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            3 => (0u8..0x20).prop_map(|c| char::from(c).to_string()),
            1 => Just("\u{FFFE}".to_string()),
            1 => Just("\u{FFFF}".to_string()),
            2 => prop::sample::select(vec!["<", ">", "&", "\"", "'", "]]>", "<!--", "&amp;", "&#1;", "&#xD800;",
                "\\uD800", "\\udfff", "<![CDATA[", "\u{7f}", "\u{85}", "\u{2028}"]).prop_map(str::to_string),
            2 => any::<char>().prop_map(|c| c.to_string()),
        ];
        proptest::collection::vec(piece, 0..12).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        #[test]
        fn hostile_text_keeps_exports_valid(
            names in proptest::collection::vec(hostile(), 1..4),
            prints in proptest::collection::vec(hostile(), 0..3),
            title in hostile(),
        ) {
            // SVG: parses as XML, and every name survives (cleaned) as text.
            let (svg, _, _) = framed_svg(&inner(&names), 400.0, 100.0, &frame(&title, &names[0]));
            let doc = roxmltree::Document::parse(&svg);
            proptest::prop_assert!(doc.is_ok(), "not XML: {:?}", doc.err());
            let doc = doc.unwrap();
            let texts: Vec<String> = doc.descendants().filter(|n| n.has_tag_name("text"))
                .map(|n| n.text().unwrap_or("").to_string()).collect();
            for n in &names {
                // Up to XML's end-of-line handling (a CR may read back as LF; the page's
                // serialiser writes text as is, and SVG shows either as a space).
                let eol = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n");
                let clean = eol(&xml_clean(n));
                let texts: Vec<String> = texts.iter().map(|t| eol(t)).collect();
                proptest::prop_assert!(texts.contains(&clean), "{clean:?} missing from {texts:?}");
            }
            // JSON exports: round trip to the same trace.
            let t = trace(&names, &prints);
            let back: Trace = serde_json::from_str(&trace_json(std::slice::from_ref(&t))).unwrap();
            proptest::prop_assert_eq!(&back, &t);
            let v: Value = serde_json::from_str(&perfetto_json(std::slice::from_ref(&t), &title)).unwrap();
            let named: Vec<&str> = v["traceEvents"].as_array().unwrap().iter()
                .filter(|e| e["name"] == "thread_name")
                .filter_map(|e| e["args"]["name"].as_str()).collect();
            proptest::prop_assert_eq!(named, names.iter().map(String::as_str).collect::<Vec<_>>());
            let printed = v["traceEvents"].as_array().unwrap().iter()
                .filter(|e| e["ph"] == "i").count();
            proptest::prop_assert_eq!(printed, prints.len() * names.len());
        }
    }
}
