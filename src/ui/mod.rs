//! The page's components (one `#[function_component]` and its `Props` per file, each given
//! only what it renders) and the helpers they draw with (layout, record following).

pub mod checkpoint_bar;
pub mod code_view;
pub mod controls;
pub mod dag;
pub mod error_list;
pub mod fault_lab;
pub mod follow;
pub mod gallery;
pub mod json_field;
pub mod lambda_field;
pub mod layout;
pub mod learn;
pub mod lesson_panel;
pub mod library;
pub mod metric_chart;
pub mod metrics;
pub mod node_editor;
pub mod node_panel;
pub mod palette;
pub mod paste_code;
pub mod pipeline_bar;
pub mod playground;
pub mod presenter;
pub mod props;
pub mod reload_choice;
pub mod sources;
pub mod state_detail;
pub mod state_lane;
pub mod story;
pub mod timeline;

/// Reads `value` from the element an event came from (input, select or textarea).
pub fn event_value(e: &web_sys::Event) -> String {
    use wasm_bindgen::JsCast;
    let Some(t) = e.target() else {
        return String::new();
    };
    if let Some(i) = t.dyn_ref::<web_sys::HtmlInputElement>() {
        i.value()
    } else if let Some(a) = t.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        a.value()
    } else if let Some(s) = t.dyn_ref::<web_sys::HtmlSelectElement>() {
        s.value()
    } else {
        String::new()
    }
}

/// Reads `checked` from the checkbox an event came from.
pub fn event_checked(e: &web_sys::Event) -> bool {
    use wasm_bindgen::JsCast;
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|i| i.checked())
}

pub use crate::clock::duration;
