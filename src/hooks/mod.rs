//! Custom hooks: the batch timer, the keyboard shortcuts and the engine worker, the page's
//! sources of events that do not come from a click.

pub mod use_engine_worker;
pub mod use_shortcuts;
pub mod use_ticker;

pub use use_engine_worker::{use_engine_worker, EngineWorker};
pub use use_shortcuts::use_shortcuts;
pub use use_ticker::{now_ms, use_ticker};
