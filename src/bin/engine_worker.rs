//! The engine worker: the page's one `Engine`, off the page's thread, behind
//! `host::EngineHost`. It only moves messages (`wire`) and runs a long re-run in slices of
//! about 12 ms, yielding through a `MessageChannel` so newer requests cut in between.

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::RefCell;
    use std::rc::Rc;

    use dstream_playground::host::EngineHost;
    use dstream_playground::protocol::{Reply, Request};
    use dstream_playground::wire;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent};

    /// How long one slice of a re-run may take before the worker reads its messages again.
    const SLICE_MS: f64 = 12.0;

    fn now() -> f64 {
        js_sys::global()
            .dyn_into::<DedicatedWorkerGlobalScope>()
            .ok()
            .and_then(|s| s.performance())
            .map_or(0.0, |p| p.now())
    }

    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let Ok(channel) = MessageChannel::new() else {
        return;
    };
    let host = Rc::new(RefCell::new(EngineHost::new(Some(now))));
    let post = {
        let scope = scope.clone();
        move |mut reply: Reply| {
            let bytes = reply.take_bytes();
            if let Ok((msg, transfer)) = wire::encode(&reply, bytes) {
                let _ = scope.post_message_with_transfer(&msg, &transfer);
            }
        }
    };
    let post = Rc::new(post);
    // Asks for one more slice of work after the messages already waiting.
    let schedule = {
        let port = channel.port2();
        Rc::new(move || {
            let _ = port.post_message(&wasm_bindgen::JsValue::NULL);
        })
    };
    let on_slice = {
        let (host, post, schedule) = (host.clone(), post.clone(), schedule.clone());
        Closure::<dyn Fn(MessageEvent)>::new(move |_: MessageEvent| {
            let deadline = now() + SLICE_MS;
            let replies = host.borrow_mut().work(&mut || now() < deadline);
            replies.into_iter().for_each(|r| post(r));
            if host.borrow().busy() {
                schedule();
            }
        })
    };
    channel
        .port1()
        .set_onmessage(Some(on_slice.as_ref().unchecked_ref()));
    let on_message = {
        let (host, post) = (host.clone(), post.clone());
        Closure::<dyn Fn(MessageEvent)>::new(move |e: MessageEvent| {
            let replies = match wire::decode::<Request>(e.data()) {
                Ok((mut request, bytes)) => {
                    if let Some(b) = bytes {
                        request.put_bytes(b);
                    }
                    let was_busy = host.borrow().busy();
                    let replies = host.borrow_mut().handle(request);
                    if host.borrow().busy() && !was_busy {
                        schedule();
                    }
                    replies
                }
                Err(why) => vec![Reply::Refused {
                    generation: 0,
                    message: format!("the engine worker got an unreadable request: {why}"),
                }],
            };
            replies.into_iter().for_each(|r| post(r));
        })
    };
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as the page: its handlers must too.
    on_message.forget();
    on_slice.forget();
    post(Reply::Ready);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("engine_worker runs inside the page as a Web Worker; trunk builds it");
    std::process::exit(2);
}
