//! Browser test: the root component renders the page a learner sees, engine output included.
#![cfg(target_arch = "wasm32")]

use dstream_playground::app::App;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_page_shows_the_title_and_engine_output() {
    let document = document();
    let root = document.create_element("div").expect("create div");
    document
        .body()
        .expect("body")
        .append_child(&root)
        .expect("append");
    yew::Renderer::<App>::with_root(root.clone()).render();
    // Yew renders on its scheduler: let it run.
    gloo_timers::future::TimeoutFuture::new(50).await;

    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("DStream Playground"), "title missing: {text}");
    // The engine, compiled to wasm, prints records the JVM's way.
    assert!(text.contains("(spark,3)"), "engine output missing: {text}");
    assert!(
        text.contains("1.0E7"),
        "engine double printing missing: {text}"
    );
    assert!(text.contains("no batch yet"), "clock panel missing: {text}");
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a browser document")
}
