//! Keyboard shortcuts for the whole page: space plays or pauses, the right arrow runs one
//! batch. Keys typed into a text field stay there.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What a shortcut asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    TogglePlay,
    Step,
}

/// Maps a key to its shortcut, unless the key goes to a text field.
pub fn shortcut_for(key: &str, target_tag: &str) -> Option<Shortcut> {
    if matches!(target_tag, "INPUT" | "TEXTAREA" | "SELECT") {
        return None;
    }
    match key {
        " " | "Spacebar" => Some(Shortcut::TogglePlay),
        "ArrowRight" => Some(Shortcut::Step),
        _ => None,
    }
}

/// Listens for shortcut keys on the window while the component is mounted.
///
/// # Example
/// ```ignore
/// use_shortcuts(Callback::from(move |s: Shortcut| match s { … }));
/// ```
#[hook]
pub fn use_shortcuts(on_shortcut: Callback<Shortcut>) {
    let latest = use_mut_ref(|| on_shortcut.clone());
    *latest.borrow_mut() = on_shortcut;
    use_effect_with((), move |_| {
        let listener =
            Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
                let tag = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .map(|el| el.tag_name())
                    .unwrap_or_default();
                if e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                if let Some(s) = shortcut_for(&e.key(), &tag) {
                    e.prevent_default();
                    let cb = latest.borrow().clone();
                    cb.emit(s);
                }
            });
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ =
                w.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = &window {
                let _ = w.remove_event_listener_with_callback(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_text_fields_are_not_shortcuts() {
        assert_eq!(shortcut_for(" ", "BODY"), Some(Shortcut::TogglePlay));
        assert_eq!(shortcut_for("ArrowRight", "BUTTON"), Some(Shortcut::Step));
        assert_eq!(shortcut_for(" ", "TEXTAREA"), None);
        assert_eq!(shortcut_for("ArrowRight", "INPUT"), None);
        assert_eq!(shortcut_for("a", "BODY"), None);
    }
}
