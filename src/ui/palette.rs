//! The op palette: every DStream op by family; a click adds it after the selected node.

use yew::prelude::*;

use crate::state::Action;
use dstream_engine::catalog::{self as ops, FAMILIES};

#[derive(Properties, PartialEq)]
pub struct PaletteProps {
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn Palette(props: &PaletteProps) -> Html {
    html! {
        <section class="card palette" aria-label="op palette">
            <h2>{ "Add an op" }</h2>
            <p class="muted small">{ "New ops read from the selected node." }</p>
            { for FAMILIES.iter().map(|&fam| html! {
                <div class={classes!("family", format!("fam-{}", fam.name()))}>
                    <h3>{ fam.name() }</h3>
                    <div class="chips">
                        { for ops::family(fam).map(|info| {
                            let cb = props.on_action.clone();
                            let op = info.name;
                            html! {
                                <button class="chip" title={info.hint} data-testid={format!("add-{op}")}
                                    onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::AddNode(op.to_string())))}>
                                    { op }
                                </button>
                            }
                        }) }
                    </div>
                </div>
            }) }
        </section>
    }
}
