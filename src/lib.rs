//! The web app: a Yew page that renders the engine worker's reports and keeps checkpoints in
//! IndexedDB. `start` is the wasm entry point trunk's page calls.

pub mod app;
pub mod clock;
pub mod effects;
pub mod examples;
pub mod hooks;
pub mod host;
pub mod host_code;
pub mod lessons;
pub mod protocol;
pub mod share;
pub mod sim;
pub mod state;
pub mod storage;
pub mod ui;
pub mod wire;

/// Mounts the playground on the page's `<body>`: the wasm module's entry point.
///
/// Natively this does nothing (there is no page); the app only runs in a browser.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    yew::Renderer::<app::App>::with_props(app::AppProps {
        connect: effects::connect_worker,
    })
    .render();
}
