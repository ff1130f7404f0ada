//! Custom hooks: the page's store (the reducer and its effects runner), the keyboard
//! shortcuts, and whether an element overflows its box.

pub mod use_overflow;
pub mod use_playground;
pub mod use_shortcuts;

pub use use_overflow::use_overflow;
pub use use_playground::use_playground;
pub use use_shortcuts::use_shortcuts;
