//! Keyboard shortcuts for the whole page: space plays or pauses, the right arrow runs one
//! batch (in presenter mode: the next step), the left arrow goes back (presenter mode),
//! Escape leaves presenter mode, Ctrl+Z undoes and Ctrl+Shift+Z (or Ctrl+Y) redoes an edit
//! (⌘ on a Mac). Keys typed into a text field stay there (its own undo included).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What a shortcut asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shortcut {
    TogglePlay,
    Step,
    Back,
    Escape,
    Undo,
    Redo,
}

/// The modifier keys held with a key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Modifiers {
    /// Ctrl, or ⌘ on a Mac.
    pub command: bool,
    pub shift: bool,
    pub alt: bool,
}

/// Maps a key to its shortcut, unless the key goes to a text field.
pub fn shortcut_for(key: &str, target_tag: &str, m: Modifiers) -> Option<Shortcut> {
    if matches!(target_tag, "INPUT" | "TEXTAREA" | "SELECT") || m.alt {
        return None;
    }
    match (key, m.command, m.shift) {
        (" " | "Spacebar", false, _) => Some(Shortcut::TogglePlay),
        ("ArrowRight", false, _) => Some(Shortcut::Step),
        ("ArrowLeft", false, _) => Some(Shortcut::Back),
        ("Escape", false, _) => Some(Shortcut::Escape),
        ("z" | "Z", true, false) => Some(Shortcut::Undo),
        ("z" | "Z", true, true) | ("y" | "Y", true, false) => Some(Shortcut::Redo),
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
                let m = Modifiers {
                    command: e.ctrl_key() || e.meta_key(),
                    shift: e.shift_key(),
                    alt: e.alt_key(),
                };
                if let Some(s) = shortcut_for(&e.key(), &tag, m) {
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
        let none = Modifiers::default();
        let cmd = Modifiers {
            command: true,
            ..none
        };
        let cmd_shift = Modifiers { shift: true, ..cmd };
        assert_eq!(shortcut_for(" ", "BODY", none), Some(Shortcut::TogglePlay));
        assert_eq!(
            shortcut_for("ArrowRight", "BUTTON", none),
            Some(Shortcut::Step)
        );
        assert_eq!(shortcut_for(" ", "TEXTAREA", none), None);
        assert_eq!(shortcut_for("ArrowRight", "INPUT", none), None);
        assert_eq!(shortcut_for("a", "BODY", none), None);
        assert_eq!(
            shortcut_for("ArrowLeft", "BODY", none),
            Some(Shortcut::Back)
        );
        assert_eq!(shortcut_for("ArrowLeft", "INPUT", none), None);
        assert_eq!(shortcut_for("z", "BODY", cmd), Some(Shortcut::Undo));
        assert_eq!(shortcut_for("Z", "BODY", cmd_shift), Some(Shortcut::Redo));
        assert_eq!(shortcut_for("y", "BODY", cmd), Some(Shortcut::Redo));
        assert_eq!(
            shortcut_for("z", "INPUT", cmd),
            None,
            "the field's own undo"
        );
        assert_eq!(shortcut_for("z", "BODY", none), None);
        assert_eq!(shortcut_for(" ", "BODY", cmd), None);
    }
}
