//! The page's components (one `#[function_component]` and its `Props` per file) and the
//! data modules they draw from (op catalog, gallery, layout, record following).

pub mod checkpoint_bar;
pub mod controls;
pub mod dag;
pub mod error_list;
pub mod examples;
pub mod fault_lab;
pub mod follow;
pub mod gallery;
pub mod json_field;
pub mod lambda_field;
pub mod layout;
pub mod metric_chart;
pub mod metrics;
pub mod node_editor;
pub mod node_panel;
pub mod ops;
pub mod palette;
pub mod playground;
pub mod sources;
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

/// `4000` → `4 s`, `500` → `500 ms`, `3600000` → `1 h`.
pub fn duration(ms: u64) -> String {
    if ms >= 3_600_000 && ms.is_multiple_of(3_600_000) {
        format!("{} h", ms / 3_600_000)
    } else if ms >= 60_000 && ms.is_multiple_of(60_000) {
        format!("{} min", ms / 60_000)
    } else if ms >= 1000 && ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else if ms >= 1000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{ms} ms")
    }
}
