//! The root component: the page a learner opens. A header, the playground (`ui::playground`)
//! with its one set of controls, and a footer.

use yew::prelude::*;

use crate::ui::playground::Playground;

#[function_component]
pub fn App() -> Html {
    html! {
        <>
            <header class="masthead">
                <div class="brand">
                    <h1>{ "DStream Playground" }</h1>
                    <p class="tagline">{ "Spark Streaming's micro-batch model, running in your browser." }</p>
                </div>
                <p class="masthead-note">
                    { "Build a DStream pipeline, press play, and watch every batch, slide and window. \
                       Same semantics as Apache Spark, tick by tick." }
                </p>
            </header>
            <Playground />
            <footer class="footer">
                { "No server: everything on this page runs in WebAssembly in this tab." }
            </footer>
        </>
    }
}
