//! Whether an element inside a component is wider than its box (it scrolls sideways): the
//! page then shows a cue that there is more to see.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

fn overflows(root: &NodeRef, selector: &str) -> bool {
    root.cast::<web_sys::Element>()
        .and_then(|r| r.query_selector(selector).ok().flatten())
        .is_some_and(|el| el.scroll_width() > el.client_width() + 1)
}

/// Whether the element `selector` finds inside `root` overflows, after every render and
/// every resize of the window.
///
/// # Example
/// ```ignore
/// let card = use_node_ref();
/// let more = use_overflow(card.clone(), ".dag-scroll");
/// ```
#[hook]
pub fn use_overflow(root: NodeRef, selector: &'static str) -> bool {
    let over = use_state(|| false);
    {
        let (over, root) = (over.clone(), root.clone());
        use_effect(move || {
            let now = overflows(&root, selector);
            if now != *over {
                over.set(now);
            }
            || ()
        });
    }
    {
        let over = over.clone();
        use_effect_with((), move |_| {
            let on_resize = Closure::<dyn Fn()>::new(move || over.set(overflows(&root, selector)));
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ = w
                    .add_event_listener_with_callback("resize", on_resize.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &window {
                    let _ = w.remove_event_listener_with_callback(
                        "resize",
                        on_resize.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    *over
}
