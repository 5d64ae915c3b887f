//! Lines of tokens → the script's tree (`Module`). One statement per line; a block is the
//! lines indented deeper than the line ending in `:` before them.
mod cursor;
mod expression;
mod module;
mod statement;

pub(crate) use module::module;
