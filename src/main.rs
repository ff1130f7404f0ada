//! The web app: a Yew UI that drives the engine on browser timers.
fn main() {}
