//! Starts the engine worker (`src/bin/engine_worker.rs`) once per page and hands its replies
//! to the reducer. If the worker cannot start (no worker script next to the page, as in the
//! component tests), nothing is attached and the engine keeps running on the page's thread.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::hooks::now_ms;

/// The script trunk writes for the worker binary (`data-type="worker"`, `data-loader-shim`).
pub const WORKER_SCRIPT: &str = "./engine_worker_loader.js";

/// A running engine worker and the handler that must live as long as it does.
pub struct EngineWorker {
    worker: web_sys::Worker,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

impl EngineWorker {
    /// Spawns the worker; `on_reply(text, page_time_ms)` gets every message it posts and
    /// `on_error` a description if it fails.
    pub fn spawn(
        script: &str,
        on_reply: Callback<(String, f64)>,
        on_error: Callback<String>,
    ) -> Option<EngineWorker> {
        let worker = web_sys::Worker::new(script).ok()?;
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(text) = e.data().as_string() {
                    on_reply.emit((text, now_ms()));
                }
            });
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            let message = e
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .unwrap_or_else(|| "the engine worker failed to start".into());
            on_error.emit(message);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(EngineWorker {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Sends one request (JSON text).
    pub fn post(&self, text: &str) {
        let _ = self.worker.post_message(&JsValue::from_str(text));
    }
}

impl Drop for EngineWorker {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Spawns the engine worker once, after the first render.
///
/// # Arguments
/// * `on_reply`: every message of the worker, with the page time it arrived.
/// * `on_error`: the worker could not start or crashed.
/// * `on_spawn`: the worker object, to keep where requests are made (the reducer).
///
/// # Example
/// ```ignore
/// use_engine_worker(on_reply, on_error, Callback::from(move |w| dispatch(Action::AttachWorker(w))));
/// ```
#[hook]
pub fn use_engine_worker(
    on_reply: Callback<(String, f64)>,
    on_error: Callback<String>,
    on_spawn: Callback<Rc<EngineWorker>>,
) {
    use_effect_with((), move |_| {
        if let Some(w) = EngineWorker::spawn(WORKER_SCRIPT, on_reply, on_error) {
            on_spawn.emit(Rc::new(w));
        }
    });
}
