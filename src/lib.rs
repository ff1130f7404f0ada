//! The web app: a Yew page that drives the engine on browser timers and keeps pipelines and
//! snapshots in IndexedDB. `start` is the wasm entry point trunk's page calls.

pub mod app;
pub mod checkpointing;
pub mod clock;
pub mod hooks;
pub mod state;
pub mod storage;
pub mod ui;
pub mod worker_protocol;

/// Mounts the playground on the page's `<body>`: the wasm module's entry point.
///
/// Natively this does nothing (there is no page); the app only runs in a browser.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}
