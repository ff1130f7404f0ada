//! The pipeline's own toolbar in the page's header: New pipeline, undo and redo, Share (a
//! link holding the pipeline and its logged input, copied to the clipboard), Import and
//! Export of the pipeline JSON file, and what the last of these said.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::{Action, Status};

#[derive(Properties, PartialEq)]
pub struct PipelineBarProps {
    pub can_undo: bool,
    pub can_redo: bool,
    /// Why a link cannot be made now (the pipeline does not compile), if it cannot.
    pub share_blocked: Option<String>,
    /// The last link made, and whether it reached the clipboard.
    pub link: Option<String>,
    pub copied: Option<Result<(), String>>,
    /// What opening a link or a file, or the export, said.
    pub message: Option<Status>,
    pub on_action: Callback<Action>,
}

/// The largest file Import reads (the page refuses bigger ones before reading them).
const MAX_FILE: f64 = crate::share::MAX_JSON_BYTES as f64;

#[function_component]
pub fn PipelineBar(props: &PipelineBarProps) -> Html {
    let act = |a: Action| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(a.clone()))
    };
    let file_input = use_node_ref();
    let on_import_click = {
        let input = file_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = input.cast::<web_sys::HtmlInputElement>() {
                i.click();
            }
        })
    };
    let on_file = {
        let cb = props.on_action.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            // The same file may be picked again after a fix.
            input.set_value("");
            let name = file.name();
            if file.size() > MAX_FILE {
                cb.emit(Action::Import {
                    file: name,
                    text: Err(format!(
                        "it is {} bytes, more than the {} a pipeline file may have",
                        file.size(),
                        crate::share::MAX_JSON_BYTES
                    )),
                });
                return;
            }
            let cb = cb.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .map_err(|_| "the browser could not read it".to_string())
                    .and_then(|v| v.as_string().ok_or_else(|| "it is not text".to_string()));
                cb.emit(Action::Import { file: name, text });
            });
        })
    };
    let copied = match &props.copied {
        Some(Ok(())) => "Copied to the clipboard: anyone who opens it gets this pipeline at batch 0, with the lines you typed queued.".to_string(),
        Some(Err(why)) => format!("The clipboard refused ({why}): select the link and copy it."),
        None => String::new(),
    };
    let close = html! {
        <button class="bar-close" data-testid="close-share-bar" title="Close" aria-label="close"
            onclick={act(Action::CloseShareBar)}>{ "×" }</button>
    };
    html! {
        <div class="pipeline-bar" role="toolbar" aria-label="pipeline">
            <button class="btn small" data-testid="new-pipeline" title="An empty pipeline with a source, at batch 0"
                onclick={act(Action::NewPipeline)}>{ "New pipeline" }</button>
            <button class="btn small" data-testid="undo" title="Undo the last change to the pipeline (Ctrl+Z)"
                disabled={!props.can_undo} onclick={act(Action::Undo)}>{ "↶ Undo" }</button>
            <button class="btn small" data-testid="redo" title="Redo (Ctrl+Shift+Z)"
                disabled={!props.can_redo} onclick={act(Action::Redo)}>{ "↷ Redo" }</button>
            <span class="bar-gap"></span>
            <button class="btn small" data-testid="share"
                title={props.share_blocked.clone().unwrap_or_else(|| "Copy a link holding this pipeline and the lines typed into it".into())}
                disabled={props.share_blocked.is_some()} onclick={act(Action::Share)}>{ "Share" }</button>
            <button class="btn small" data-testid="import" title="Open a pipeline JSON file"
                onclick={on_import_click}>{ "Import" }</button>
            <input type="file" accept=".json,application/json" class="hidden-file" data-testid="import-file"
                ref={file_input} onchange={on_file} />
            <button class="btn small" data-testid="export" title="Save the pipeline JSON file (the replay CLI runs it)"
                onclick={act(Action::Export)}>{ "Export" }</button>
            if let Some(link) = &props.link {
                <div class="share-box" data-testid="share-box">
                    <input type="text" readonly={true} class="code" data-testid="share-link" value={link.clone()}
                        aria-label="share link" />
                    <span class="small">{ format!("{} characters. {copied}", link.chars().count()) }</span>
                    if props.message.is_none() { { close.clone() } }
                </div>
            }
            if let Some(m) = &props.message {
                {
                    match m {
                        Status::Info(t) => html! { <p class="bar-message small" data-testid="share-message">{ t }{ close.clone() }</p> },
                        Status::Error(t) => html! { <p class="bar-message small error" role="alert" data-testid="share-message">{ t }{ close.clone() }</p> },
                    }
                }
            }
        </div>
    }
}
