//! Shared helpers of the component tests (`tests/ui_*.rs`): run an example for some
//! batches through the real reducer, mount one component on its own element, find and click
//! elements, and record the actions a component dispatches.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;

use dstream_playground::state::{Action, State};
use dstream_playground::ui::examples;
use wasm_bindgen::JsCast;
use yew::{BaseComponent, Callback, Reducible};

/// The state after loading gallery example `slug` and running `batches` ticks.
pub fn run_example(slug: &str, batches: usize) -> Rc<State> {
    let spec = examples::find(slug)
        .and_then(|e| e.spec().ok())
        .unwrap_or_else(|| panic!("example {slug} is missing or does not parse"));
    let mut state = Rc::new(State::with_spec(spec, Some(slug.to_string())));
    assert!(
        state.spec_errors.is_empty(),
        "{slug}: {:?}",
        state.spec_errors
    );
    for _ in 0..batches {
        state = apply(
            state,
            Action::Tick {
                due_ms: 0.0,
                started_ms: 0.0,
            },
        );
    }
    assert!(
        state.batch_error.is_none(),
        "{slug}: {:?}",
        state.batch_error
    );
    state
}

/// One step of the reducer, as the page's `use_reducer` would do it.
pub fn apply(state: Rc<State>, action: Action) -> Rc<State> {
    state.reduce(action)
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
