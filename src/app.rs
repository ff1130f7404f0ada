//! The root component: the page a learner opens. The playground (`ui::playground`: its
//! header, its one set of controls) and a footer.

use yew::prelude::*;

use crate::effects::{connect_worker, Connect};
use crate::ui::playground::Playground;

#[derive(Properties)]
pub struct AppProps {
    /// How the page reaches the engine: the Web Worker (the component tests: in process).
    #[prop_or(connect_worker as Connect)]
    pub connect: Connect,
}

/// The link is opened once, at mount: a new `connect` never re-renders the page.
impl PartialEq for AppProps {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[function_component]
pub fn App(props: &AppProps) -> Html {
    html! {
        <>
            <Playground connect={props.connect} />
            <footer class="footer">
                { "Build a DStream pipeline, press play, and watch every batch, slide and window, with Apache Spark's \
                   semantics, tick by tick. No server: everything on this page runs in WebAssembly in this tab." }
            </footer>
        </>
    }
}
