//! DStream and RDD operators, one family per file. Each op is a plain function over RDDs
//! and closures; the engine decides when it runs and keeps the history windows need.

pub mod fused;
pub mod join;
pub mod keyed;
pub mod map_with_state;
pub mod output;
pub mod state;
pub mod stateless;
pub mod transform;
pub mod window;
