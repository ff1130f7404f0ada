//! Where batches come from: a fixed queue of batches, lines typed in the page, or a seeded
//! generator.

pub mod generator;
pub mod queue;
pub mod text_input;
