//! URL / message parameter parsing and range checks (pure). OWNER: UI helper.
//!
//! The query string and inbound `load`/`set` messages become [`Settings`] plus typed
//! [`Notice`]s. A bad value of a known parameter is ignored (the default stays) and named in a
//! notice; nothing is clamped silently; unknown names are ignored.
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

/// The speeds the player offers; the URL value is the string form.
pub const SPEEDS: [(f64, &str); 5] = [
    (0.25, "0.25"),
    (0.5, "0.5"),
    (1.0, "1"),
    (2.0, "2"),
    (4.0, "4"),
];

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

fn is_base64url(src: &str) -> bool {
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
    if s.code != d.code {
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
}

impl Change {
    /// The settings after this change (a `load` replaces the scenario parameters).
    pub fn apply(&self, s: &Settings) -> Settings {
        let mut n = s.clone();
        if let Some(id) = &self.scenario {
            n.scenario = id.clone();
            n.params = self.params.clone();
            n.src = None;
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
