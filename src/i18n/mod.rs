//! UI strings per language.
