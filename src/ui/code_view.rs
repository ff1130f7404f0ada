//! The pipeline as the Spark program a learner takes to a cluster, under the time axis: PySpark and
//! Scala tabs, Copy and Download, the selected node's lines highlighted and a click on a line
//! selecting its node. The program is drawn as text nodes, never parsed as HTML; a pipeline
//! with no program shows why (the planner's errors) instead of an older program.

use std::rc::Rc;

use dstream_engine::SpecError;
use yew::prelude::*;

use crate::protocol::{Code, CodeLanguage};
use crate::state::{Action, CodeAction};

#[derive(Properties, PartialEq)]
pub struct CodeViewProps {
    pub language: CodeLanguage,
    /// The worker's program (while `pending`, the one of the pipeline before the last edit).
    pub code: Option<Rc<Code>>,
    /// Why the pipeline has no program.
    pub errors: Vec<SpecError>,
    pub pending: bool,
    pub selected: Option<String>,
    pub copy_status: Option<Result<(), String>>,
    pub on_action: Callback<Action>,
}

/// The tab's label.
pub fn label(language: CodeLanguage) -> &'static str {
    match language {
        CodeLanguage::PySpark => "PySpark",
        CodeLanguage::Scala => "Scala",
    }
}

/// Scrolls the program (not the page) so the first lit line shows, if it is out of view.
fn reveal_lit(pre: &web_sys::HtmlElement) {
    use wasm_bindgen::JsCast;
    let Some(line) = pre
        .query_selector(".line.hl")
        .ok()
        .flatten()
        .and_then(|l| l.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let (top, seen) = (line.offset_top(), pre.scroll_top());
    if top < seen || top + line.offset_height() > seen + pre.client_height() {
        pre.set_scroll_top((top - 24).max(0));
    }
}

#[function_component]
pub fn CodeView(props: &CodeViewProps) -> Html {
    let pre = use_node_ref();
    {
        let pre = pre.clone();
        let shown = props.code.as_ref().map(|c| c.language);
        use_effect_with((props.selected.clone(), shown), move |_| {
            if let Some(pre) = pre.cast::<web_sys::HtmlElement>() {
                reveal_lit(&pre);
            }
        });
    }
    let emit = |a: CodeAction| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::Code(a.clone())))
    };
    let tabs = [CodeLanguage::PySpark, CodeLanguage::Scala].map(|l| {
        let on = l == props.language;
        html! {
            <button class={classes!("tab", on.then_some("on"))} role="tab" aria-selected={on.to_string()}
                data-testid={format!("code-tab-{}", label(l).to_lowercase())}
                onclick={emit(CodeAction::Show(l))}>{ label(l) }</button>
        }
    });
    // The program of another tab, or of the pipeline before an edit, is not this one's.
    let code = props
        .code
        .as_ref()
        .filter(|c| c.language == props.language && props.errors.is_empty());
    let current = code.is_some() && !props.pending;
    let body = if !props.errors.is_empty() {
        html! {
            <div class="code-none" data-testid="code-none">
                <p>{ "No program: the pipeline does not start, so there is no Spark program to show. Fix these first:" }</p>
                <ul>{ for props.errors.iter().map(|e| html! { <li class="error">{ e.to_string() }</li> }) }</ul>
            </div>
        }
    } else if let Some(code) = code {
        let highlighted = props
            .selected
            .as_deref()
            .map(|n| code.lines_of(n).to_vec())
            .unwrap_or_default();
        let lines = code.text.lines().enumerate().map(|(i, text)| {
            let n = i as u32 + 1;
            let hl = highlighted.iter().any(|&(a, b)| a <= n && n <= b);
            let node = code.node_at(n).map(str::to_string);
            let of_node = node.is_some().then_some("of-node");
            let cb = props.on_action.clone();
            html! {
                <span class={classes!("line", hl.then_some("hl"), of_node)}
                    data-line={n.to_string()} data-node={node.unwrap_or_default()}
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Code(CodeAction::ClickLine(n))))}>
                    <span class="ln" aria-hidden="true">{ n }</span>{ text }{ "\n" }
                </span>
            }
        });
        html! {
            <pre ref={pre.clone()} class={classes!("program", props.pending.then_some("stale"))} data-testid="code-text"
                aria-busy={props.pending.to_string()}><code>{ for lines }</code></pre>
        }
    } else {
        html! { <p class="muted small" data-testid="code-none">{ "Writing the program…" }</p> }
    };
    let status = match &props.copy_status {
        Some(Ok(())) => {
            html! { <span class="small ok" data-testid="copy-status" role="status">{ "Copied" }</span> }
        }
        Some(Err(e)) => {
            html! { <span class="small error" data-testid="copy-status" role="alert">{ format!("Not copied: {e}") }</span> }
        }
        None => Html::default(),
    };
    let file = code.map(|c| c.file_name.clone()).unwrap_or_default();
    html! {
        <details class="card code-view" aria-label="Spark program" open=true>
            <summary><h2>{ "Spark program" }<span class="muted small">{ " · this pipeline as code to run on a cluster; click a line to select its node" }</span></h2></summary>
            <div class="code-bar">
                <div class="tabs" role="tablist">{ for tabs }</div>
                <button class="btn small" data-testid="code-copy" disabled={!current} onclick={emit(CodeAction::Copy)}>{ "Copy" }</button>
                <button class="btn small" data-testid="code-download" disabled={!current} title={file.clone()}
                    onclick={emit(CodeAction::Download)}>{ if file.is_empty() { "Download".to_string() } else { format!("Download {file}") } }</button>
                { status }
                if props.pending && code.is_some() {
                    <span class="small muted">{ "updating…" }</span>
                }
            </div>
            { body }
        </details>
    }
}
