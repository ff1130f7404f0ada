//! Custom hooks: the batch timer and the keyboard shortcuts, the page's two sources of
//! events that do not come from a click.

pub mod use_shortcuts;
pub mod use_ticker;

pub use use_shortcuts::use_shortcuts;
pub use use_ticker::{now_ms, use_ticker};
