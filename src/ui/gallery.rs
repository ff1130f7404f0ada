//! The example gallery: each entry tells its short story and loads with one click.

use yew::prelude::*;

use crate::examples::EXAMPLES;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct GalleryProps {
    /// The slug of the loaded example, if the pipeline is still one.
    pub current: Option<String>,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn Gallery(props: &GalleryProps) -> Html {
    html! {
        <section class="card gallery" aria-label="examples">
            <h2>{ "Examples" }</h2>
            <ul>
                { for EXAMPLES.iter().map(|ex| {
                    let cb = props.on_action.clone();
                    let slug = ex.slug;
                    let active = props.current.as_deref() == Some(slug);
                    html! {
                        <li>
                            <button class={classes!("example", active.then_some("active"))}
                                data-testid={format!("example-{slug}")}
                                onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::LoadExample(slug.to_string())))}>
                                <span class="example-title">{ ex.title() }</span>
                                <span class="example-story">{ ex.story() }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
