//! The engine worker: a Web Worker that runs the DStream engine off the page's thread, so a
//! heavy batch (a generator at 100 000 records per second) never blocks a frame. It only
//! moves JSON text between `postMessage` and `worker_protocol::EngineHost`.

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::RefCell;

    use dstream_playground::worker_protocol::EngineHost;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    fn now() -> f64 {
        web_sys::js_sys::global()
            .dyn_into::<DedicatedWorkerGlobalScope>()
            .ok()
            .and_then(|s| s.performance())
            .map_or(0.0, |p| p.now())
    }

    let Ok(scope) = web_sys::js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let host = RefCell::new(EngineHost::new(Some(now)));
    let reply_to = scope.clone();
    let on_message = Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
        let request = e.data().as_string().unwrap_or_default();
        let reply = host.borrow_mut().handle(&request);
        let _ = reply_to.post_message(&JsValue::from_str(&reply));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: its handler must too.
    on_message.forget();
    if let Ok(ready) = serde_json::to_string(&dstream_playground::worker_protocol::Reply::Ready) {
        let _ = scope.post_message(&JsValue::from_str(&ready));
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("engine_worker runs inside the page as a Web Worker; trunk builds it");
    std::process::exit(2);
}
