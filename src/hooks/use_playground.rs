//! The page's store: the state, the queue of actions, and the effects runner. Every action,
//! whether a click, a timer tick, a worker reply or a storage answer, goes through
//! `State::reduce`, and the effects it returns run right after, in one place (`effects.rs`).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use yew::prelude::*;

use crate::effects::{Connect, Runner};
use crate::state::{Action, State};

#[derive(Default)]
struct Store {
    state: RefCell<Rc<State>>,
    queue: RefCell<VecDeque<Action>>,
    draining: Cell<bool>,
    runner: RefCell<Option<Runner>>,
}

impl Store {
    /// Queues `action`; unless an action is being reduced already (an effect that answers at
    /// once), reduces the queue to empty, running each action's effects, then re-renders.
    fn dispatch(&self, action: Action, rerender: &dyn Fn()) {
        self.queue.borrow_mut().push_back(action);
        if self.draining.replace(true) {
            return;
        }
        loop {
            let Some(action) = self.queue.borrow_mut().pop_front() else {
                break;
            };
            let (next, effects) = self.state.borrow().reduce(action);
            *self.state.borrow_mut() = Rc::new(next);
            for effect in effects {
                if let Some(runner) = self.runner.borrow_mut().as_mut() {
                    runner.run(effect);
                }
            }
        }
        self.draining.set(false);
        rerender();
    }
}

/// Whether the address's query (`?embed`, `?a=1&embed=1`) asks for embed mode.
pub fn embed_requested(search: &str) -> bool {
    search
        .trim_start_matches('?')
        .split('&')
        .any(|p| p == "embed" || p.starts_with("embed="))
}

/// The playground's state and the callback every component dispatches to; `connect` opens
/// the link to the engine (`effects::connect_worker` on the page).
///
/// # Example
/// ```ignore
/// let (state, dispatch) = use_playground(connect_worker);
/// html! { <Controls transport={state.transport()} on_action={dispatch} /> }
/// ```
#[hook]
pub fn use_playground(connect: Connect) -> (Rc<State>, Callback<Action>) {
    let store = use_memo((), |_| Store::default());
    let update = use_force_update();
    let dispatch = {
        let store = store.clone();
        use_memo((), move |_| {
            Callback::from(move |a: Action| store.dispatch(a, &|| update.force_update()))
        })
    };
    {
        let store = store.clone();
        let dispatch = (*dispatch).clone();
        use_effect_with((), move |_| {
            *store.runner.borrow_mut() = Some(Runner::new(connect, dispatch.clone()));
            // A share link in the address, now and whenever the address changes.
            let fragment = || {
                web_sys::window()
                    .and_then(|w| w.location().hash().ok())
                    .filter(|h| !h.is_empty())
            };
            let search = web_sys::window()
                .and_then(|w| w.location().search().ok())
                .unwrap_or_default();
            if embed_requested(&search) {
                dispatch.emit(Action::Embed(fragment()));
            } else {
                dispatch.emit(Action::Mounted);
                if let Some(hash) = fragment() {
                    dispatch.emit(Action::OpenLink(hash));
                }
            }
            let on_hash = {
                let dispatch = dispatch.clone();
                wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
                    if let Some(hash) = fragment() {
                        dispatch.emit(Action::OpenLink(hash));
                    }
                })
            };
            let window = web_sys::window();
            if let Some(w) = &window {
                use wasm_bindgen::JsCast;
                w.set_onhashchange(Some(on_hash.as_ref().unchecked_ref()));
            }
            let store = store.clone();
            move || {
                if let Some(w) = &window {
                    w.set_onhashchange(None);
                }
                drop(on_hash);
                drop(store.runner.borrow_mut().take())
            }
        });
    }
    let state = store.state.borrow().clone();
    (state, (*dispatch).clone())
}
