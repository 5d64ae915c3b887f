//! Values a task returns, and how each code language prints them.
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<Value>),
    /// Field order is kept (a Python dict / JS object literal / Rust struct).
    Record(Vec<(String, Value)>),
}
