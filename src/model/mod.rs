//! The pure model: no browser crates here (CI greps for them). Everything that can be decided
//! without a browser is decided here and tested natively.
pub mod bars;
pub mod caption;
pub mod catalog;
pub mod codegen;
pub mod eventlab;
pub mod export;
pub mod params;
pub mod plan;
pub mod player;
pub mod pyproto;
pub mod scenario;
pub mod script;
pub mod trace;
pub mod value;
