//! An inbound message as JSON, read straight from the structured-clone value the host posted —
//! never through `JSON.stringify`, which throws on a BigInt or a cycle and whose text serde
//! refuses for a lone surrogate or a deep nest (each of those used to go unanswered).
//!
//! The envelope (`source`, `version`) is read first: a message that carries ours always gets a
//! reply. The size limit counts the UTF-8 bytes of the message's JSON text (EMBEDDING.md: under
//! 64 KiB, so 65,536 bytes are refused); a message over it is ignored like any other that fails
//! the envelope checks.
use serde_json::{Map, Number, Value};
use wasm_bindgen::{JsCast, JsValue};

/// Under 64 KiB: the JSON text of an accepted message has at most 65,535 UTF-8 bytes.
pub const MAX_BYTES: usize = 64 * 1024;
/// Deeper than this a field cannot mean anything to API v1 (every field it reads is a scalar).
const MAX_DEPTH: usize = 32;

/// Why a message with our envelope cannot be read (it gets a `bad-message` reply).
pub enum Unreadable {
    /// Over the size limit: ignored, as EMBEDDING.md says.
    TooBig,
    /// A value JSON cannot hold; the words say which field and why.
    Bad(String),
}

/// The payload, if it is a plain object (no class instance, array, Map…) whose `source` and
/// `version` are ours.
pub fn envelope(data: &JsValue) -> Option<js_sys::Object> {
    if !data.is_object() || js_sys::Array::is_array(data) || data.is_function() {
        return None;
    }
    let obj: js_sys::Object = data.clone().unchecked_into();
    if !is_plain(&obj) {
        return None;
    }
    let source = js_sys::Reflect::get(&obj, &"source".into()).ok()?;
    let version = js_sys::Reflect::get(&obj, &"version".into()).ok()?;
    (source.as_string().as_deref() == Some("async-playground") && version.as_f64() == Some(1.0))
        .then_some(obj)
}

fn is_plain(obj: &js_sys::Object) -> bool {
    let proto = js_sys::Object::get_prototype_of(obj);
    proto.is_null()
        || js_sys::Object::is(
            &proto,
            &js_sys::Object::get_prototype_of(&js_sys::Object::new()),
        )
}

/// The raw `id` field as the host sent it (echoed as is: a lone surrogate, a number, anything).
pub fn raw_id(obj: &js_sys::Object) -> JsValue {
    js_sys::Reflect::get(obj, &"id".into()).unwrap_or(JsValue::UNDEFINED)
}

/// The whole message as a JSON object, or why not.
pub fn to_json(obj: &js_sys::Object) -> Result<Map<String, Value>, Unreadable> {
    let mut walk = Walk {
        bytes: 0,
        stack: Vec::new(),
    };
    let Value::Object(m) = walk.value(obj.as_ref(), "", 0)? else {
        return Err(Unreadable::Bad("expected an object".into()));
    };
    // The exact rule: the UTF-8 length of the JSON text.
    let exact = serde_json::to_string(&m)
        .map(|t| t.len())
        .unwrap_or(usize::MAX);
    if exact >= MAX_BYTES {
        return Err(Unreadable::TooBig);
    }
    Ok(m)
}

struct Walk {
    /// A running lower bound of the JSON text's size: the walk stops as soon as it is over.
    bytes: usize,
    /// The objects being walked (a cycle is an object met again inside itself).
    stack: Vec<JsValue>,
}

impl Walk {
    fn add(&mut self, n: usize) -> Result<(), Unreadable> {
        self.bytes = self.bytes.saturating_add(n);
        if self.bytes >= MAX_BYTES {
            return Err(Unreadable::TooBig);
        }
        Ok(())
    }

    fn value(&mut self, v: &JsValue, path: &str, depth: usize) -> Result<Value, Unreadable> {
        let bad = |why: &str| {
            let at = if path.is_empty() { "message" } else { path };
            Err(Unreadable::Bad(format!("{at}: {why}")))
        };
        if v.is_null() || v.is_undefined() {
            // Each `add` is a lower bound of the bytes the value takes in JSON text.
            self.add(4)?;
            return Ok(Value::Null);
        }
        if let Some(b) = v.as_bool() {
            self.add(4)?;
            return Ok(Value::Bool(b));
        }
        if let Some(n) = v.as_f64() {
            self.add(1)?;
            return Ok(number(n));
        }
        if v.is_string() {
            let s: &js_sys::JsString = v.unchecked_ref();
            // Each UTF-16 unit is at least one UTF-8 byte: check before copying anything.
            self.add(s.length() as usize + 2)?;
            // A lone surrogate becomes U+FFFD (same UTF-8 length); `id` is echoed raw anyway.
            return Ok(Value::String(v.as_string().unwrap_or_default()));
        }
        if v.is_bigint() {
            return bad("a BigInt is not a JSON value");
        }
        if !v.is_object() || v.is_function() || v.is_symbol() {
            return bad("not a JSON value");
        }
        if depth >= MAX_DEPTH {
            return bad(&format!("nested more than {MAX_DEPTH} levels deep"));
        }
        if self.stack.iter().any(|o| js_sys::Object::is(o, v)) {
            return bad("the object contains itself (a cycle)");
        }
        let is_array = js_sys::Array::is_array(v);
        let obj: &js_sys::Object = v.unchecked_ref();
        if !is_array && !is_plain(obj) {
            let kind = js_sys::Reflect::get(
                &js_sys::Object::get_prototype_of(obj),
                &"constructor".into(),
            )
            .ok()
            .and_then(|c| js_sys::Reflect::get(&c, &"name".into()).ok())
            .and_then(|n| n.as_string())
            .unwrap_or_else(|| "object".into());
            return bad(&format!("a {} is not a plain JSON value", shown(&kind)));
        }
        self.stack.push(v.clone());
        let out = if is_array {
            let arr: &js_sys::Array = v.unchecked_ref();
            self.add(2)?;
            let mut items = Vec::new();
            for (k, item) in arr.iter().enumerate() {
                items.push(self.value(&item, &format!("{path}[{k}]"), depth + 1)?);
            }
            Value::Array(items)
        } else {
            self.add(2)?;
            let mut m = Map::new();
            for key in js_sys::Object::keys(obj).iter() {
                let name = key.as_string().unwrap_or_default();
                let item = js_sys::Reflect::get(obj, &key).unwrap_or(JsValue::UNDEFINED);
                // As JSON: a field holding `undefined` is no field.
                if item.is_undefined() {
                    continue;
                }
                self.add(name.len() + 3)?;
                let at = if path.is_empty() {
                    shown(&name)
                } else {
                    format!("{path}.{}", shown(&name))
                };
                let value = self.value(&item, &at, depth + 1)?;
                m.insert(name, value);
            }
            Value::Object(m)
        };
        self.stack.pop();
        Ok(out)
    }
}

/// A JS number as JSON writes it: whole numbers as integers (`1`, not `1.0`); NaN and ±Infinity
/// are not JSON numbers, so null, as JSON.stringify makes them.
fn number(n: f64) -> Value {
    const SAFE: f64 = 9_007_199_254_740_991.0;
    if n.fract() == 0.0 && n.abs() <= SAFE {
        // Exact: |n| is below 2^53 and whole (-0 becomes 0, as JSON.stringify writes it).
        return Value::Number(Number::from(n as i64));
    }
    Number::from_f64(n)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// A field name or type as shown in an error message: at most 40 characters, no control ones.
fn shown(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(40).collect()
}
