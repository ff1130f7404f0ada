//! `replay PIPELINE.json`: runs a pipeline natively and prints its output lines.
fn main() {}
