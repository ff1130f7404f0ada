//! Shared helpers of the component tests (`tests/ui_*.rs`): run an example for some
//! batches through the page's own run model (`dstream_playground::sim`: the reducer and the
//! worker's engine host in process), mount one component on its own element with the props
//! the page gives it, find and click elements, and record the actions a component dispatches.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;

use dstream_playground::sim::Sim;
use dstream_playground::state::Action;
use wasm_bindgen::JsCast;
use yew::{BaseComponent, Callback};

/// The page after opening gallery example `slug` and stepping `batches` batches.
pub fn run_example(slug: &str, batches: usize) -> Sim {
    let mut sim = Sim::example(slug);
    assert!(
        sim.state.spec_errors.is_empty(),
        "{slug}: {:?}",
        sim.state.spec_errors
    );
    sim.steps(batches);
    assert!(
        sim.state.run.batch_error.is_none(),
        "{slug}: {:?}",
        sim.state.run.batch_error
    );
    sim
}

/// A callback that remembers every action it is given.
pub fn recorder() -> (Callback<Action>, Rc<RefCell<Vec<Action>>>) {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let sink = seen.clone();
    (
        Callback::from(move |a: Action| sink.borrow_mut().push(a)),
        seen,
    )
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document")
}

/// Mounts component `C` with `props` on a fresh element and lets Yew render it.
pub async fn mount<C: BaseComponent>(props: C::Properties) -> web_sys::Element {
    let document = document();
    let root = document.create_element("div").expect("create div");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    settle().await;
    root
}

/// Lets Yew's scheduler run (renders happen asynchronously).
pub async fn settle() {
    gloo_timers::future::TimeoutFuture::new(30).await;
}

pub fn all(root: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let list = root.query_selector_all(selector).expect("valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .collect()
}

pub fn one(root: &web_sys::Element, selector: &str) -> web_sys::Element {
    root.query_selector(selector)
        .expect("valid selector")
        .unwrap_or_else(|| panic!("nothing matches {selector} in {}", root.inner_html()))
}

pub fn text(root: &web_sys::Element, selector: &str) -> String {
    one(root, selector).text_content().unwrap_or_default()
}

/// A bubbling event of type `kind` on the element (Yew listens at the root).
pub fn fire(el: &web_sys::Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).expect("event");
    el.dispatch_event(&event).expect("dispatch");
}

/// The page's run model with real IndexedDB: the reducer, the worker's engine host in
/// process, and `storage::serve` on database `db`, each answer handed back in order.
pub struct Page {
    pub state: dstream_playground::state::State,
    pub host: dstream_playground::host::EngineHost,
    pub db: String,
    now: f64,
}

impl Page {
    /// A page opened on `db`: mounted (getOrCreate), its worker ready, all answered.
    pub async fn open(db: &str) -> Page {
        use dstream_playground::state::{State, WorkerEvent};
        let mut page = Page {
            state: State::default(),
            host: dstream_playground::host::EngineHost::new(None),
            db: db.to_owned(),
            now: 0.0,
        };
        page.act(Action::Mounted).await;
        page.act(Action::Worker(WorkerEvent::Ready)).await;
        page
    }

    /// Does `action` and everything it causes.
    pub async fn act(&mut self, action: Action) {
        use dstream_playground::state::{Effect, WorkerEvent};
        let mut inbox = std::collections::VecDeque::from([action]);
        while let Some(a) = inbox.pop_front() {
            let (next, effects) = self.state.reduce(a);
            self.state = next;
            for e in effects {
                match e {
                    Effect::Send(r) => {
                        let mut replies = self.host.handle(r);
                        while self.host.busy() {
                            replies.extend(self.host.work(&mut || true));
                        }
                        inbox.extend(replies.into_iter().map(|reply| {
                            Action::Worker(WorkerEvent::Reply {
                                reply: Box::new(reply),
                                at_ms: 0.0,
                            })
                        }));
                    }
                    Effect::Store(r) => {
                        let reply = dstream_playground::storage::serve(&self.db, r).await;
                        inbox.push_back(Action::Stored(reply));
                    }
                    Effect::Timer(_) | Effect::Clipboard(_) | Effect::Download { .. } => {}
                    // The page's own browser work: a share link is "copied" as the sim does.
                    Effect::Page(dstream_playground::state::PageEffect::CopyLink(fragment)) => {
                        inbox.push_back(Action::Shared {
                            url: format!("{}#{fragment}", dstream_playground::sim::SIM_PAGE),
                            copied: Ok(()),
                        });
                    }
                    Effect::Page(_) => {}
                }
            }
        }
    }

    pub async fn step(&mut self, n: usize) {
        for _ in 0..n {
            self.now += 1.0;
            self.act(Action::Tick {
                due_ms: self.now,
                fired_ms: self.now,
            })
            .await;
        }
    }

    /// What output `out` printed at the last batch it fired, sorted.
    pub fn printed(&self, out: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .state
            .run
            .history
            .iter()
            .rev()
            .filter(|v| v.current())
            .find_map(|v| v.report.outputs.iter().find(|o| o.output == out))
            .map(|o| o.records.iter().map(|r| r.to_string()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }
}
