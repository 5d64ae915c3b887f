//! URL / message parameter parsing and range checks (pure). OWNER: UI helper.
//!
//! The query string and inbound `load`/`set` messages become [`Settings`] plus typed
//! [`Notice`]s. A bad value of a known parameter is ignored (the default stays) and named in a
//! notice; nothing is clamped silently; unknown names are ignored.
use super::catalog;
use super::scenario::{CodeLang, Params};

/// What the page shows: one program, or both side by side on one clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ViewMode {
    Sequential,
    Concurrent,
    Compare,
}

impl ViewMode {
    pub const ALL: [ViewMode; 3] = [
        ViewMode::Sequential,
        ViewMode::Concurrent,
        ViewMode::Compare,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ViewMode::Sequential => "sequential",
            ViewMode::Concurrent => "concurrent",
            ViewMode::Compare => "compare",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        ViewMode::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// The page's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Fr, Lang::Es];
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Lang::ALL.into_iter().find(|l| l.as_str() == s)
    }
    /// First supported language of a `navigator.languages` list (`fr-CA` counts as `fr`).
    pub fn from_preferences<'a>(prefs: impl IntoIterator<Item = &'a str>) -> Lang {
        prefs
            .into_iter()
            .find_map(|p| {
                let primary = p.split(['-', '_']).next().unwrap_or("");
                Lang::parse(&primary.to_ascii_lowercase())
            })
            .unwrap_or(Lang::En)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Theme {
    Auto,
    Light,
    Dark,
    Contrast,
}

impl Theme {
    pub const ALL: [Theme; 4] = [Theme::Auto, Theme::Light, Theme::Dark, Theme::Contrast];
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
            Theme::Contrast => "contrast",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Theme::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// A panel an embed can show (`view=`, EMBEDDING.md's style, in the README).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Panel {
    Timeline,
    Figures,
    Console,
    Lesson,
    Code,
}

impl Panel {
    pub const ALL: [Panel; 5] = [
        Panel::Timeline,
        Panel::Figures,
        Panel::Console,
        Panel::Lesson,
        Panel::Code,
    ];
    /// What an embed shows when `view=` is not given: the console, lesson and code are tabs.
    pub const DEFAULT: [Panel; 5] = Panel::ALL;
    pub fn as_str(self) -> &'static str {
        match self {
            Panel::Timeline => "timeline",
            Panel::Figures => "figures",
            Panel::Console => "console",
            Panel::Lesson => "lesson",
            Panel::Code => "code",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Panel::ALL.into_iter().find(|p| p.as_str() == s)
    }
    /// Console, lesson and code share one place: with two or more of them, they are tabs.
    pub fn is_tab(self) -> bool {
        matches!(self, Panel::Console | Panel::Lesson | Panel::Code)
    }
}

/// `view=timeline,console`: known panels, comma-separated, each once, at least one.
pub fn parse_view(value: &str) -> Option<Vec<Panel>> {
    let mut out: Vec<Panel> = Vec::new();
    for part in value.split(',') {
        let p = Panel::parse(part.trim())?;
        if out.contains(&p) {
            return None;
        }
        out.push(p);
    }
    (!out.is_empty()).then_some(out)
}

/// The speeds the player offers; the URL value is the string form.
pub const SPEEDS: [(f64, &str); 5] = [
    (0.25, "0.25"),
    (0.5, "0.5"),
    (1.0, "1"),
    (2.0, "2"),
    (4.0, "4"),
];

/// True for one of [`SPEEDS`].
pub fn is_speed(speed: f64) -> bool {
    SPEEDS.iter().any(|(v, _)| *v == speed)
}

pub fn speed_str(speed: f64) -> &'static str {
    SPEEDS
        .iter()
        .find(|(v, _)| *v == speed)
        .map(|(_, s)| *s)
        .unwrap_or("1")
}

/// Everything a URL can set. `Default` is the page with no query string.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub scenario: String,
    pub mode: ViewMode,
    pub lang: Lang,
    /// One of [`SPEEDS`].
    pub speed: f64,
    pub code: CodeLang,
    pub theme: Theme,
    pub presenter: bool,
    pub embed: bool,
    pub autoplay: bool,
    /// Scenario parameters, range-checked against the scenario's specs.
    pub params: Params,
    /// Base64url editor script (`scenario=custom`).
    pub src: Option<String>,
    /// `view=`: the panels an embed shows, in the order given; `None` is the default embed.
    pub view: Option<Vec<Panel>>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            scenario: "breakfast".to_string(),
            mode: ViewMode::Compare,
            lang: Lang::En,
            speed: 1.0,
            code: CodeLang::Python,
            theme: Theme::Auto,
            presenter: false,
            embed: false,
            autoplay: false,
            params: Params::new(),
            src: None,
            view: None,
        }
    }
}

/// Why a value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    /// Not one of the listed values.
    NotOneOf(Vec<&'static str>),
    /// Not a whole number in `min..=max` (NaN, Infinity, 1e7, -5, 1.5.5 …).
    OutOfRange {
        min: u64,
        max: u64,
    },
    UnknownScenario,
    /// The scenario has no such parameter.
    NotForScenario,
    /// `src` is not base64url or decodes to more than 4096 bytes.
    BadScript,
}

/// A parameter that was ignored, in words the UI translates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// `value` is shortened to at most 40 characters for display (always shown as text).
    Ignored {
        name: String,
        value: String,
        why: Why,
    },
    /// The key appeared more than once; the first value counted.
    Repeated { name: String },
}

/// The result of parsing a query string.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Parsed {
    pub settings: Settings,
    pub notices: Vec<Notice>,
    /// `panic=1`: the test hook that panics once the app is mounted.
    pub panic: bool,
}

const MAX_SHOWN: usize = 40;
const SCENARIO_PARAMS: [&str; 4] = ["count", "limit", "ms", "budget"];
/// Decoded bytes an editor script may have (`src`).
pub const MAX_SRC_BYTES: usize = 4096;

/// A value as a notice may show it: short, control characters replaced (always rendered as text).
pub fn shown(value: &str) -> String {
    let mut s: String = value
        .chars()
        .take(MAX_SHOWN)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    if value.chars().count() > MAX_SHOWN {
        s.push('…');
    }
    s
}

fn ignored(name: &str, value: &str, why: Why) -> Notice {
    Notice::Ignored {
        name: name.to_string(),
        value: shown(value),
        why,
    }
}

/// A whole number written in plain digits (no sign, exponent, point, NaN or Infinity).
pub fn whole_number(value: &str) -> Option<u64> {
    if value.is_empty() || value.len() > 19 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

/// One of [`SPEEDS`], written as a finite decimal ("1", "0.5", "4.0").
pub fn parse_speed(value: &str) -> Option<f64> {
    if value.is_empty()
        || value.len() > 8
        || !value.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return None;
    }
    let v: f64 = value.parse().ok()?;
    SPEEDS.iter().find(|(s, _)| *s == v).map(|(s, _)| *s)
}

fn parse_flag(value: &str) -> Option<bool> {
    match value {
        "0" => Some(false),
        "1" => Some(true),
        _ => None,
    }
}

/// `src` is base64url (padding optional) of at most `MAX_SRC_BYTES` bytes.
pub fn is_base64url(src: &str) -> bool {
    let body = src.trim_end_matches('=');
    !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && body.len() % 4 != 1
        && body.len() / 4 * 3 + (body.len() % 4).saturating_sub(1) <= MAX_SRC_BYTES
}

/// Known scenario ids (catalog + `custom`).
pub fn known_scenario(id: &str) -> bool {
    super::catalog::info(id).is_some()
}

/// Checks one scenario parameter against the scenario's specs.
pub fn check_param(scenario: &str, name: &str, value: &str) -> Result<u64, Why> {
    let spec = super::catalog::param_specs(scenario)
        .iter()
        .find(|p| p.name == name)
        .ok_or(Why::NotForScenario)?;
    let range = Why::OutOfRange {
        min: spec.min,
        max: spec.max,
    };
    match whole_number(value) {
        Some(v) if (spec.min..=spec.max).contains(&v) => Ok(v),
        _ => Err(range),
    }
}

/// Parses decoded query pairs (as `URLSearchParams` yields them). `prefs` is
/// `navigator.languages`. Never panics; every refusal becomes a notice.
pub fn parse_query(pairs: &[(String, String)], prefs: &[&str]) -> Parsed {
    let mut out = Parsed::default();
    out.settings.lang = Lang::from_preferences(prefs.iter().copied());
    let mut seen: Vec<&str> = Vec::new();
    let mut first: Vec<(&str, &str)> = Vec::new();
    for (k, v) in pairs {
        let known = [
            "scenario",
            "mode",
            "lang",
            "speed",
            "code",
            "autoplay",
            "embed",
            "presenter",
            "theme",
            "src",
            "panic",
            "view",
        ]
        .contains(&k.as_str())
            || SCENARIO_PARAMS.contains(&k.as_str());
        if !known {
            continue;
        }
        if seen.contains(&k.as_str()) {
            if !out
                .notices
                .iter()
                .any(|n| n == &Notice::Repeated { name: k.clone() })
            {
                out.notices.push(Notice::Repeated { name: k.clone() });
            }
            continue;
        }
        seen.push(k);
        first.push((k, v));
    }
    let s = &mut out.settings;
    let n = &mut out.notices;
    let scenario_value = first
        .iter()
        .find(|(k, _)| *k == "scenario")
        .map(|(_, v)| *v);
    if let Some(v) = scenario_value {
        if known_scenario(v) {
            s.scenario = v.to_string();
        } else {
            n.push(ignored("scenario", v, Why::UnknownScenario));
        }
    }
    for (k, v) in first.iter().copied() {
        let bad = |allowed: Vec<&'static str>| ignored(k, v, Why::NotOneOf(allowed));
        match k {
            "mode" => match ViewMode::parse(v) {
                Some(m) => s.mode = m,
                None => n.push(bad(ViewMode::ALL.iter().map(|m| m.as_str()).collect())),
            },
            "lang" => match Lang::parse(v) {
                Some(l) => s.lang = l,
                None => n.push(bad(Lang::ALL.iter().map(|l| l.as_str()).collect())),
            },
            "speed" => match parse_speed(v) {
                Some(x) => s.speed = x,
                None => n.push(bad(SPEEDS.iter().map(|(_, s)| *s).collect())),
            },
            "code" => match CodeLang::parse(v) {
                Some(c) => s.code = c,
                None => n.push(bad(CodeLang::ALL.iter().map(|c| c.as_str()).collect())),
            },
            "theme" => match Theme::parse(v) {
                Some(t) => s.theme = t,
                None => n.push(bad(Theme::ALL.iter().map(|t| t.as_str()).collect())),
            },
            "autoplay" | "embed" | "presenter" | "panic" => match parse_flag(v) {
                Some(b) if k == "autoplay" => s.autoplay = b,
                Some(b) if k == "embed" => s.embed = b,
                Some(b) if k == "presenter" => s.presenter = b,
                Some(b) => out.panic = b,
                None => n.push(bad(vec!["0", "1"])),
            },
            "src" => {
                if is_base64url(v) {
                    s.src = Some(v.to_string());
                } else {
                    n.push(ignored(k, v, Why::BadScript));
                }
            }
            "view" => match parse_view(v) {
                Some(list) => s.view = Some(list),
                None => n.push(ignored(
                    k,
                    v,
                    Why::NotOneOf(vec!["timeline", "figures", "console", "lesson", "code"]),
                )),
            },
            "scenario" => {}
            _ => match check_param(&s.scenario, k, v) {
                Ok(x) => {
                    s.params.insert(k.to_string(), x);
                }
                Err(why) => n.push(ignored(k, v, why)),
            },
        }
    }
    if s.scenario != "custom" {
        s.src = None;
    }
    if !first.iter().any(|(k, _)| *k == "code") {
        if let Some(c) = catalog::code_of(&s.scenario) {
            s.code = c;
        }
    }
    out
}

/// Query pairs of a view, for `history.replaceState` and the share link (defaults left out,
/// except scenario/mode/lang, so a shared link shows the same page whoever opens it).
pub fn to_query(s: &Settings) -> Vec<(String, String)> {
    let d = Settings::default();
    let mut q: Vec<(String, String)> = vec![
        ("scenario".into(), s.scenario.clone()),
        ("mode".into(), s.mode.as_str().into()),
        ("lang".into(), s.lang.as_str().into()),
    ];
    if s.speed != d.speed {
        q.push(("speed".into(), speed_str(s.speed).into()));
    }
    if s.code != catalog::code_of(&s.scenario).unwrap_or(d.code) {
        q.push(("code".into(), s.code.as_str().into()));
    }
    for (k, v) in &s.params {
        q.push((k.clone(), v.to_string()));
    }
    if let Some(src) = &s.src {
        q.push(("src".into(), src.clone()));
    }
    if s.theme != d.theme {
        q.push(("theme".into(), s.theme.as_str().into()));
    }
    if let Some(view) = &s.view {
        let list: Vec<&str> = view.iter().map(|p| p.as_str()).collect();
        q.push(("view".into(), list.join(",")));
    }
    for (name, on) in [
        ("presenter", s.presenter),
        ("embed", s.embed),
        ("autoplay", s.autoplay),
    ] {
        if on {
            q.push((name.into(), "1".into()));
        }
    }
    q
}

/// A validated inbound message (`EMBEDDING.md`); `source`/`version` were checked by the caller.
#[derive(Clone, Debug, PartialEq)]
pub enum Inbound {
    Hello,
    Load(Change),
    Run,
    Stop,
    Step,
    Reset,
    Set(Change),
    GetTrace(serde_json::Value),
    GetPlan(serde_json::Value),
}

/// What a `load` or `set` changes; `None` keeps the current value.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Change {
    pub scenario: Option<String>,
    pub mode: Option<ViewMode>,
    pub lang: Option<Lang>,
    pub speed: Option<f64>,
    pub code: Option<CodeLang>,
    pub theme: Option<Theme>,
    /// Only for `load`: the scenario's parameters (the others take their defaults).
    pub params: Params,
    /// Only for `load` of `custom`: the editor script, base64url as in the URL's `src`.
    pub src: Option<String>,
}

impl Change {
    /// The settings after this change (a `load` replaces the scenario parameters).
    pub fn apply(&self, s: &Settings) -> Settings {
        let mut n = s.clone();
        if let Some(id) = &self.scenario {
            n.scenario = id.clone();
            n.params = self.params.clone();
            n.src = self.src.clone();
        }
        n.mode = self.mode.unwrap_or(n.mode);
        n.lang = self.lang.unwrap_or(n.lang);
        n.speed = self.speed.unwrap_or(n.speed);
        n.code = self.code.unwrap_or(n.code);
        n.theme = self.theme.unwrap_or(n.theme);
        n
    }
}

/// Why an inbound message was refused: `code` is the API's `error.code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MsgError {
    pub code: &'static str,
    pub message: String,
}

fn bad_param(name: &str, expected: &str) -> MsgError {
    MsgError {
        code: "bad-param",
        message: format!("{name}: expected {expected}"),
    }
}

fn text_field<T>(
    m: &serde_json::Map<String, serde_json::Value>,
    name: &str,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, MsgError> {
    match m.get(name) {
        None => Ok(None),
        Some(serde_json::Value::String(s)) => {
            parse(s).map(Some).ok_or_else(|| bad_param(name, expected))
        }
        Some(_) => Err(bad_param(name, expected)),
    }
}

fn speed_field(m: &serde_json::Map<String, serde_json::Value>) -> Result<Option<f64>, MsgError> {
    let expected = "one of 0.25, 0.5, 1, 2, 4";
    match m.get("speed") {
        None => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .as_f64()
            .and_then(|v| SPEEDS.iter().find(|(s, _)| *s == v).map(|(s, _)| *s))
            .map(Some)
            .ok_or_else(|| bad_param("speed", expected)),
        Some(serde_json::Value::String(s)) => parse_speed(s)
            .map(Some)
            .ok_or_else(|| bad_param("speed", expected)),
        Some(_) => Err(bad_param("speed", expected)),
    }
}

fn view_fields(m: &serde_json::Map<String, serde_json::Value>) -> Result<Change, MsgError> {
    Ok(Change {
        mode: text_field(
            m,
            "mode",
            ViewMode::parse,
            "sequential, concurrent or compare",
        )?,
        lang: text_field(m, "lang", Lang::parse, "en, fr or es")?,
        speed: speed_field(m)?,
        code: text_field(m, "code", CodeLang::parse, "python, js or rust")?,
        ..Change::default()
    })
}

/// Validates a message whose `source` and `version` are right. Fields are read, never evaluated.
pub fn parse_message(m: &serde_json::Map<String, serde_json::Value>) -> Result<Inbound, MsgError> {
    let kind = match m.get("type") {
        Some(serde_json::Value::String(s)) => s.as_str(),
        _ => {
            return Err(MsgError {
                code: "bad-message",
                message: "type: expected a string".into(),
            })
        }
    };
    let id = || m.get("id").cloned().unwrap_or(serde_json::Value::Null);
    Ok(match kind {
        "hello" => Inbound::Hello,
        "run" => Inbound::Run,
        "stop" => Inbound::Stop,
        "step" => Inbound::Step,
        "reset" => Inbound::Reset,
        "getTrace" => Inbound::GetTrace(id()),
        "getPlan" => Inbound::GetPlan(id()),
        "set" => {
            let mut c = view_fields(m)?;
            c.theme = text_field(m, "theme", Theme::parse, "auto, light, dark or contrast")?;
            Inbound::Set(c)
        }
        "load" => {
            let scenario = match m.get("scenario") {
                Some(serde_json::Value::String(s)) if known_scenario(s) => s.clone(),
                Some(serde_json::Value::String(s)) => {
                    return Err(MsgError {
                        code: "unknown-scenario",
                        message: format!("unknown scenario {:?}", shown(s)),
                    })
                }
                _ => {
                    return Err(MsgError {
                        code: "bad-message",
                        message: "scenario: expected a scenario id".into(),
                    })
                }
            };
            let mut c = view_fields(m)?;
            for name in SCENARIO_PARAMS {
                let Some(v) = m.get(name) else { continue };
                let text = match v {
                    serde_json::Value::Number(n) if n.is_u64() => n.to_string(),
                    serde_json::Value::String(s) => s.clone(),
                    _ => String::from("-"),
                };
                match check_param(&scenario, name, &text) {
                    Ok(x) => {
                        c.params.insert(name.to_string(), x);
                    }
                    Err(Why::OutOfRange { min, max }) => {
                        return Err(bad_param(
                            name,
                            &format!("a whole number from {min} to {max}"),
                        ))
                    }
                    Err(_) => {
                        return Err(MsgError {
                            code: "bad-param",
                            message: format!("{name}: scenario {scenario} has no such parameter"),
                        })
                    }
                }
            }
            match m.get("src") {
                None => {}
                Some(serde_json::Value::String(src))
                    if scenario == super::catalog::CUSTOM && is_base64url(src) =>
                {
                    c.src = Some(src.clone());
                }
                Some(_) => {
                    return Err(bad_param(
                        "src",
                        "with scenario \"custom\", base64url of a script of at most 4096 bytes",
                    ))
                }
            }
            c.scenario = Some(scenario);
            Inbound::Load(c)
        }
        _ => {
            return Err(MsgError {
                code: "bad-message",
                message: format!("unknown message type {:?}", shown(kind)),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Parsed {
        let v: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse_query(&v, &[])
    }

    #[test]
    fn event_loop_order_opens_on_javascript_unless_the_link_says() {
        let js = q(&[("scenario", "event-loop-order")]).settings;
        assert_eq!(js.code, CodeLang::Js);
        let py = q(&[("scenario", "event-loop-order"), ("code", "python")]).settings;
        assert_eq!(py.code, CodeLang::Python);
        assert_eq!(
            q(&[("scenario", "breakfast")]).settings.code,
            CodeLang::Python
        );
        // The link keeps a choice that differs from the scenario's own default.
        let back = |s: &Settings| {
            q(&to_query(s)
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>())
            .settings
            .code
        };
        assert_eq!(back(&py), CodeLang::Python);
        assert_eq!(back(&js), CodeLang::Js);
    }

    fn ignored_names(p: &Parsed) -> Vec<String> {
        p.notices
            .iter()
            .filter_map(|n| match n {
                Notice::Ignored { name, .. } => Some(name.clone()),
                Notice::Repeated { .. } => None,
            })
            .collect()
    }

    #[test]
    fn empty_query_gives_defaults_and_no_notice() {
        let p = parse_query(&[], &["fr-CA", "en"]);
        assert_eq!(p.settings.scenario, "breakfast");
        assert_eq!(p.settings.mode, ViewMode::Compare);
        assert_eq!(p.settings.lang, Lang::Fr);
        assert_eq!(p.settings.speed, 1.0);
        assert!(p.notices.is_empty());
        assert!(!p.panic);
    }

    #[test]
    fn language_preferences_fall_back_to_english() {
        assert_eq!(Lang::from_preferences(["de-DE", "es-MX"]), Lang::Es);
        assert_eq!(Lang::from_preferences(["de", "ja"]), Lang::En);
        assert_eq!(Lang::from_preferences([]), Lang::En);
    }

    #[test]
    fn valid_values_are_taken() {
        let p = q(&[
            ("scenario", "crawler"),
            ("mode", "sequential"),
            ("lang", "es"),
            ("speed", "0.25"),
            ("code", "js"),
            ("theme", "contrast"),
            ("presenter", "1"),
            ("embed", "1"),
            ("panic", "1"),
        ]);
        let s = &p.settings;
        assert_eq!(
            (
                s.scenario.as_str(),
                s.mode,
                s.lang,
                s.speed,
                s.code,
                s.theme
            ),
            (
                "crawler",
                ViewMode::Sequential,
                Lang::Es,
                0.25,
                CodeLang::Js,
                Theme::Contrast
            )
        );
        assert!(s.presenter && s.embed && p.panic);
        assert!(p.notices.is_empty(), "{:?}", p.notices);
    }

    #[test]
    fn bad_speeds_are_rejected_with_a_notice() {
        for bad in [
            "NaN", "Infinity", "-1", "0", "1e-9", "3", "1e0x", "", "inf", "0x1",
        ] {
            let p = q(&[("speed", bad)]);
            assert_eq!(p.settings.speed, 1.0, "{bad}");
            assert_eq!(ignored_names(&p), vec!["speed"], "{bad}");
        }
        assert_eq!(q(&[("speed", "4.0")]).settings.speed, 4.0);
    }

    #[test]
    fn hostile_scenario_is_refused_and_shown_shortened() {
        let p = q(&[("scenario", "<img src=x onerror=alert(1)>")]);
        assert_eq!(p.settings.scenario, "breakfast");
        match &p.notices[0] {
            Notice::Ignored { name, value, why } => {
                assert_eq!(name, "scenario");
                assert_eq!(value, "<img src=x onerror=alert(1)>");
                assert_eq!(why, &Why::UnknownScenario);
            }
            n => panic!("{n:?}"),
        }
        let long = "a".repeat(6000);
        let p = q(&[("scenario", &long)]);
        let Notice::Ignored { value, .. } = &p.notices[0] else {
            panic!()
        };
        assert!(value.chars().count() <= MAX_SHOWN + 1);
        assert!(q(&[("scenario", "__proto__")]).settings.scenario == "breakfast");
        assert_eq!(ignored_names(&q(&[("mode", "COMPARE\0")])), vec!["mode"]);
    }

    #[test]
    fn repeated_keys_keep_the_first_value_with_one_notice() {
        let p = q(&[("lang", "fr"), ("lang", "es"), ("lang", "en")]);
        assert_eq!(p.settings.lang, Lang::Fr);
        assert_eq!(
            p.notices,
            vec![Notice::Repeated {
                name: "lang".into()
            }]
        );
        // Unknown names are ignored silently, repeated or not.
        assert!(q(&[("x", "1"), ("x", "2")]).notices.is_empty());
    }

    #[test]
    fn whole_numbers_only() {
        for bad in [
            "1e7",
            "-5",
            "1.5",
            "1.5.5",
            "NaN",
            "Infinity",
            " 5",
            "",
            "99999999999999999999999",
        ] {
            assert_eq!(whole_number(bad), None, "{bad}");
        }
        assert_eq!(whole_number("3000000000"), Some(3_000_000_000));
    }

    #[test]
    fn params_are_range_checked_against_the_catalog() {
        for id in super::super::catalog::IDS {
            for spec in super::super::catalog::param_specs(id) {
                let ok = q(&[("scenario", id), (spec.name, &spec.max.to_string())]);
                assert_eq!(ok.settings.params.get(spec.name), Some(&spec.max));
                let over = q(&[("scenario", id), (spec.name, &(spec.max + 1).to_string())]);
                assert!(over.settings.params.is_empty());
                assert_eq!(ignored_names(&over), vec![spec.name.to_string()]);
                for bad in ["1e7", "-5", "NaN", "3000000000", "1.5.5"] {
                    let p = q(&[("scenario", id), (spec.name, bad)]);
                    assert!(p.settings.params.is_empty(), "{id} {} {bad}", spec.name);
                }
            }
        }
        // A parameter the scenario does not have is named in a notice.
        let p = q(&[("scenario", "breakfast"), ("count", "3")]);
        assert!(p.settings.params.is_empty());
        assert_eq!(
            p.notices,
            vec![Notice::Ignored {
                name: "count".into(),
                value: "3".into(),
                why: Why::NotForScenario
            }]
        );
    }

    #[test]
    fn src_must_be_small_base64url() {
        assert!(
            ignored_names(&q(&[("scenario", "custom"), ("src", "!!!notbase64")]))
                .contains(&"src".to_string())
        );
        let big = "A".repeat(6000);
        assert_eq!(ignored_names(&q(&[("src", &big)])), vec!["src"]);
        assert!(is_base64url("cHJpbnQoMSk"));
    }

    #[test]
    fn view_lists_known_panels_once() {
        assert_eq!(
            q(&[("view", "timeline,console")]).settings.view,
            Some(vec![Panel::Timeline, Panel::Console])
        );
        assert_eq!(
            q(&[("view", "code, lesson")]).settings.view,
            Some(vec![Panel::Code, Panel::Lesson])
        );
        for bad in [
            "",
            "timeline,frobs",
            "console,console",
            ",",
            "TIMELINE",
            "timeline,",
        ] {
            let p = q(&[("view", bad)]);
            assert_eq!(p.settings.view, None, "{bad:?}");
            assert_eq!(ignored_names(&p), ["view"], "{bad:?}");
        }
    }

    #[test]
    fn query_round_trips() {
        let mut s = Settings {
            scenario: "crawler".into(),
            mode: ViewMode::Concurrent,
            lang: Lang::Es,
            speed: 0.5,
            code: CodeLang::Rust,
            theme: Theme::Dark,
            presenter: true,
            view: Some(vec![Panel::Timeline, Panel::Console]),
            ..Settings::default()
        };
        if let Some(spec) = super::super::catalog::param_specs("crawler").first() {
            s.params.insert(spec.name.into(), spec.default);
        }
        let pairs = to_query(&s);
        let back = parse_query(&pairs, &[]);
        assert_eq!(back.settings, s);
        assert!(back.notices.is_empty());
    }

    fn msg(v: serde_json::Value) -> Result<Inbound, MsgError> {
        match v {
            serde_json::Value::Object(m) => parse_message(&m),
            _ => unreachable!(),
        }
    }

    #[test]
    fn messages_are_validated() {
        use serde_json::json;
        assert_eq!(msg(json!({"type": "run"})), Ok(Inbound::Run));
        assert_eq!(
            msg(json!({"type": "getTrace", "id": 7})),
            Ok(Inbound::GetTrace(json!(7)))
        );
        assert_eq!(msg(json!({"type": 3})).unwrap_err().code, "bad-message");
        assert_eq!(
            msg(json!({"type": "eval"})).unwrap_err().code,
            "bad-message"
        );
        assert_eq!(
            msg(json!({"type": "load", "scenario": "nope"}))
                .unwrap_err()
                .code,
            "unknown-scenario"
        );
        assert_eq!(
            msg(json!({"type": "load"})).unwrap_err().code,
            "bad-message"
        );
        let e = msg(json!({"type": "load", "scenario": "breakfast", "speed": "fast"})).unwrap_err();
        assert_eq!(e.code, "bad-param");
        assert!(e.message.starts_with("speed"));
        assert_eq!(
            msg(json!({"type": "set", "lang": ["fr"]}))
                .unwrap_err()
                .code,
            "bad-param"
        );
        assert_eq!(
            msg(json!({"type": "load", "scenario": "breakfast", "count": 3}))
                .unwrap_err()
                .code,
            "bad-param"
        );
        let Ok(Inbound::Load(c)) = msg(
            json!({"type": "load", "scenario": "breakfast", "mode": "sequential", "speed": 2, "__proto__": {"x": 1}}),
        ) else {
            panic!()
        };
        let s = c.apply(&Settings::default());
        assert_eq!((s.mode, s.speed), (ViewMode::Sequential, 2.0));
        let Ok(Inbound::Set(c)) = msg(json!({"type": "set", "theme": "dark", "code": "js"})) else {
            panic!()
        };
        let s = c.apply(&Settings::default());
        assert_eq!(
            (s.theme, s.code, s.scenario.as_str()),
            (Theme::Dark, CodeLang::Js, "breakfast")
        );
        // An editor script travels in `src`, only with `custom`, only as base64url.
        let Ok(Inbound::Load(c)) = msg(json!({"type": "load", "scenario": "custom", "src": "aGk"}))
        else {
            panic!()
        };
        assert_eq!(c.apply(&Settings::default()).src.as_deref(), Some("aGk"));
        for bad in [
            json!({"type": "load", "scenario": "breakfast", "src": "aGk"}),
            json!({"type": "load", "scenario": "custom", "src": "<b>"}),
            json!({"type": "load", "scenario": "custom", "src": 3}),
        ] {
            assert_eq!(msg(bad).unwrap_err().code, "bad-param");
        }
    }

    #[test]
    fn load_params_are_range_checked() {
        use serde_json::json;
        for id in super::super::catalog::IDS {
            for spec in super::super::catalog::param_specs(id) {
                let over = json!({"type": "load", "scenario": id, spec.name: spec.max + 1});
                assert_eq!(msg(over).unwrap_err().code, "bad-param");
                let frac = json!({"type": "load", "scenario": id, spec.name: 1.5});
                assert_eq!(msg(frac).unwrap_err().code, "bad-param");
                let ok = json!({"type": "load", "scenario": id, spec.name: spec.min});
                let Ok(Inbound::Load(c)) = msg(ok) else {
                    panic!("{id}")
                };
                assert_eq!(c.params.get(spec.name), Some(&spec.min));
            }
        }
    }

    // proptest is a native dev-dependency only.
    #[cfg(not(target_arch = "wasm32"))]
    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn parse_query_never_panics(pairs in proptest::collection::vec((".{0,12}", ".{0,40}"), 0..12)) {
                let known = ["scenario", "mode", "lang", "speed", "code", "theme", "count", "limit", "ms", "budget", "src", "panic"];
                let pairs: Vec<(String, String)> = pairs
                    .into_iter()
                    .enumerate()
                    .map(|(i, (k, v))| if i % 2 == 0 { (known[i % known.len()].to_string(), v) } else { (k, v) })
                    .collect();
                let p = parse_query(&pairs, &["xx"]);
                prop_assert!(SPEEDS.iter().any(|(s, _)| *s == p.settings.speed));
                prop_assert!(known_scenario(&p.settings.scenario));
                for (name, v) in &p.settings.params {
                    let spec = crate::model::catalog::param_specs(&p.settings.scenario).iter().find(|s| s.name == name);
                    prop_assert!(spec.is_some_and(|s| (s.min..=s.max).contains(v)));
                }
            }

            #[test]
            fn parse_message_never_panics(kind in ".{0,10}", field in ".{0,8}", text in ".{0,20}", n in proptest::num::f64::ANY) {
                let mut m = serde_json::Map::new();
                for t in [kind.as_str(), "load", "set"] {
                    m.insert("type".into(), serde_json::json!(t));
                    m.insert("scenario".into(), serde_json::json!("crawler"));
                    m.insert(field.clone(), serde_json::json!(text));
                    m.insert("count".into(), serde_json::Number::from_f64(n).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null));
                    let _ = parse_message(&m);
                }
            }
        }
    }
}
