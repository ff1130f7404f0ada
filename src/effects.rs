//! The one place effects run: the reducer's requests go to the engine worker, its storage
//! work to IndexedDB, its timer to a gloo `Interval`; every answer comes back as an `Action`.

use gloo_timers::callback::Interval;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::Callback;

use crate::clock::now_ms;
use crate::protocol::{Reply, Request};
use crate::state::{Action, CodeAction, Effect, PageEffect, WorkerEvent};
use crate::storage::APP_DATABASE;
use crate::wire;

/// The script trunk writes for the worker binary (`data-type="worker"`, `data-loader-shim`).
pub const WORKER_SCRIPT: &str = "./engine_worker_loader.js";

/// Where requests go: the engine worker on the page; the component tests put the same host
/// in process behind this (`sim::InProcessLink`).
pub trait Link {
    fn send(&self, request: Request) -> Result<(), String>;
}

/// Opens a link whose events (Ready, replies, a failure) reach the callback.
pub type Connect = fn(Callback<WorkerEvent>) -> Result<Box<dyn Link>, String>;

/// The page's link: the engine worker trunk builds beside it.
pub fn connect_worker(on_event: Callback<WorkerEvent>) -> Result<Box<dyn Link>, String> {
    Ok(Box::new(WorkerLink::spawn(WORKER_SCRIPT, on_event)?))
}

/// The engine worker and the handlers that live as long as it does.
pub struct WorkerLink {
    worker: web_sys::Worker,
    _on_message: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

impl WorkerLink {
    /// Spawns the worker; every reply, and a failure, reaches `on_event`.
    pub fn spawn(script: &str, on_event: Callback<WorkerEvent>) -> Result<WorkerLink, String> {
        let worker = web_sys::Worker::new(script).map_err(|e| format!("{e:?}"))?;
        let events = on_event.clone();
        let on_message =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                match wire::decode::<Reply>(e.data()) {
                    Ok((Reply::Ready, _)) => events.emit(WorkerEvent::Ready),
                    Ok((mut reply, bytes)) => {
                        if let Some(b) = bytes {
                            reply.put_bytes(b);
                        }
                        events.emit(WorkerEvent::Reply {
                            reply: Box::new(reply),
                            at_ms: now_ms(),
                        });
                    }
                    Err(why) => events.emit(WorkerEvent::Failed(format!(
                        "the engine worker sent a message the page cannot read: {why}"
                    ))),
                }
            });
        let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
            e.prevent_default();
            let message = e
                .dyn_ref::<web_sys::ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "the engine worker failed to start".into());
            on_event.emit(WorkerEvent::Failed(message));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(WorkerLink {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        })
    }
}

impl Link for WorkerLink {
    /// Sends one request; a snapshot's bytes are transferred beside it.
    fn send(&self, mut request: Request) -> Result<(), String> {
        let bytes = request.take_bytes();
        let (msg, transfer) = wire::encode(&request, bytes)?;
        self.worker
            .post_message_with_transfer(&msg, &transfer)
            .map_err(|e| format!("{e:?}"))
    }
}

impl Drop for WorkerLink {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Runs effects for one page.
pub struct Runner {
    link: Option<Box<dyn Link>>,
    timer: Option<Interval>,
    dispatch: Callback<Action>,
}

impl Runner {
    /// Opens the link (`connect`); its events and every effect's answer reach `dispatch`.
    pub fn new(connect: Connect, dispatch: Callback<Action>) -> Runner {
        let events = {
            let d = dispatch.clone();
            Callback::from(move |e: WorkerEvent| d.emit(Action::Worker(e)))
        };
        let link = match connect(events) {
            Ok(link) => Some(link),
            Err(e) => {
                dispatch.emit(Action::Worker(WorkerEvent::Failed(format!(
                    "the engine worker cannot start: {e}"
                ))));
                None
            }
        };
        Runner {
            link,
            timer: None,
            dispatch,
        }
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Send(request) => {
                let sent = match &self.link {
                    Some(link) => link.send(request),
                    None => Err("no engine worker".into()),
                };
                if let Err(e) = sent {
                    self.dispatch
                        .emit(Action::Worker(WorkerEvent::Failed(format!(
                            "a request could not reach the engine worker: {e}"
                        ))));
                }
            }
            Effect::Store(request) => {
                let dispatch = self.dispatch.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let reply = crate::storage::serve(APP_DATABASE, request).await;
                    dispatch.emit(Action::Stored(reply));
                });
            }
            Effect::Page(p) => run_page(p, &self.dispatch),
            Effect::Clipboard(text) => {
                let dispatch = self.dispatch.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    let result = copy(&text).await;
                    dispatch.emit(Action::Code(CodeAction::Copied(result)));
                });
            }
            Effect::Download {
                file_name,
                text,
                from,
            } => {
                if let Err(e) = download(&file_name, &text) {
                    self.dispatch.emit(Action::DownloadFailed {
                        from,
                        message: format!("{file_name} could not be saved: {e}"),
                    });
                }
            }
            Effect::Timer(None) => self.timer = None,
            Effect::Timer(Some(delay)) => {
                let dispatch = self.dispatch.clone();
                let mut due = now_ms() + f64::from(delay);
                self.timer = Some(Interval::new(delay, move || {
                    let fired = now_ms();
                    let due_now = due;
                    due += f64::from(delay);
                    dispatch.emit(Action::Tick {
                        due_ms: due_now,
                        fired_ms: fired,
                    });
                }));
            }
        }
    }
}

/// The page's own browser work: a share link to the clipboard, the address.
fn run_page(effect: PageEffect, dispatch: &Callback<Action>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    match effect {
        PageEffect::CopyLink(fragment) => {
            let url = format!("{}#{fragment}", page_address(&window));
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let copied = copy(&url).await;
                dispatch.emit(Action::Shared { url, copied });
            });
        }
        PageEffect::ClearFragment => {
            let address = page_address(&window);
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(&address),
                );
            }
        }
    }
}

/// The page's address without its fragment.
fn page_address(window: &web_sys::Window) -> String {
    let l = window.location();
    format!(
        "{}{}{}",
        l.origin().unwrap_or_default(),
        l.pathname().unwrap_or_default(),
        l.search().unwrap_or_default()
    )
}

/// `navigator.clipboard.writeText(text)`; the browser's refusal (no permission, an insecure
/// page) as it words it.
async fn copy(text: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|e| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| format!("{e:?}"))
        })
}

/// Saves `text` as `file_name`: a Blob's object URL behind a clicked `<a download>`.
fn download(file_name: &str, text: &str) -> Result<(), String> {
    let js = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(js)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(js)?
        .dyn_into()
        .map_err(|_| "not an anchor")?;
    a.set_href(&url);
    a.set_download(file_name);
    a.click();
    web_sys::Url::revoke_object_url(&url).map_err(js)
}
