//! The inspector for the selected node: its id, inputs (connect and disconnect), every field
//! of its op, the record type it produces, and the spec errors that name it.

use std::collections::BTreeMap;
use std::rc::Rc;

use dstream_engine::{PipelineSpec, SpecError};
use serde_json::json;
use yew::prelude::*;

use crate::state::Action;
use crate::ui::json_field::JsonField;
use crate::ui::lambda_field::LambdaField;
use crate::ui::{event_checked, event_value};
use dstream_engine::catalog::{self as ops, FieldKind};

#[derive(Properties, PartialEq)]
pub struct NodeEditorProps {
    pub spec: Rc<PipelineSpec>,
    pub selected: Option<String>,
    /// The record type of every node (the worker's plan).
    pub types: BTreeMap<String, String>,
    /// The spec errors that name the selected node.
    pub errors: Vec<SpecError>,
    pub on_action: Callback<Action>,
}

/// Slider position (0..=50) ↔ records per second (1 … 100 000, ten steps per decade).
pub fn rate_from_slider(pos: u32) -> u64 {
    10f64.powf(f64::from(pos.min(50)) / 10.0).round() as u64
}
pub fn slider_from_rate(rate: f64) -> u32 {
    if rate <= 1.0 {
        0
    } else {
        ((rate.log10() * 10.0).round() as u32).min(50)
    }
}

#[function_component]
pub fn NodeEditor(props: &NodeEditorProps) -> Html {
    let spec = &props.spec;
    let Some(node) = props
        .selected
        .as_deref()
        .and_then(|id| spec.nodes.iter().find(|n| n.id == id))
    else {
        return html! {
            <section class="card editor empty">
                <h2>{ "Node" }</h2>
                <p class="muted">{ "Select a node in the graph to configure it, or add one from the palette." }</p>
            </section>
        };
    };
    let id = node.id.clone();
    let info = ops::op_named(&node.op);
    let errors = &props.errors;
    let cb = props.on_action.clone();

    let set = |field: &'static str| {
        let cb = cb.clone();
        let id = id.clone();
        move |value: Option<serde_json::Value>| {
            cb.emit(Action::SetField {
                node: id.clone(),
                field: field.to_string(),
                value,
            })
        }
    };

    let fields = info.map(|i| i.fields).unwrap_or(&[]).iter().map(|fi| {
        let current = node.field(fi.name).cloned();
        let field_errors: Vec<_> = errors
            .iter()
            .filter(|e| e.field.as_deref() == Some(fi.name))
            .cloned()
            .collect();
        let key = format!("{id}:{}", fi.name);
        let setter = set(fi.name);
        let body = match fi.kind {
            FieldKind::Lambda | FieldKind::LambdaBlock => {
                return html! {
                    <LambdaField key={key} node={id.clone()} field={fi.name} hint={fi.hint}
                        block={fi.kind == FieldKind::LambdaBlock}
                        value={current.and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()}
                        errors={field_errors} on_action={cb.clone()} />
                };
            }
            FieldKind::Json | FieldKind::RddOps => {
                let version = current.as_ref().map(|v| v.to_string()).unwrap_or_default();
                return html! {
                    <JsonField key={format!("{key}:{version}")}
                        node={id.clone()} field={fi.name} hint={fi.hint} value={current} on_action={cb.clone()} />
                };
            }
            FieldKind::Millis | FieldKind::Count | FieldKind::Number => {
                let onchange = Callback::from(move |e: Event| {
                    let t = event_value(&e);
                    setter(if t.trim().is_empty() {
                        None
                    } else {
                        t.trim().parse::<i64>().ok().map(|v| json!(v))
                    })
                });
                let step = if fi.kind == FieldKind::Millis { spec.batch_interval_ms.to_string() } else { "1".into() };
                html! {
                    <input type="number" min="0" step={step} data-testid={format!("field-{id}-{}", fi.name)}
                        value={current.map(|v| v.to_string()).unwrap_or_default()} {onchange} />
                }
            }
            FieldKind::Fraction => {
                let onchange = Callback::from(move |e: Event| {
                    let t = event_value(&e);
                    setter(t.trim().parse::<f64>().ok().map(|v| json!(v)))
                });
                html! {
                    <input type="number" min="0" max="1" step="0.05" data-testid={format!("field-{id}-{}", fi.name)}
                        value={current.map(|v| v.to_string()).unwrap_or_default()} {onchange} />
                }
            }
            FieldKind::Rate => {
                let rate = current.as_ref().and_then(|v| v.as_f64()).unwrap_or(0.0);
                let oninput = Callback::from(move |e: InputEvent| {
                    if let Ok(p) = event_value(&e).parse::<u32>() {
                        setter(Some(json!(rate_from_slider(p))))
                    }
                });
                html! {
                    <span class="rate">
                        <input type="range" min="0" max="50" step="1" data-testid={format!("rate-{id}")}
                            value={slider_from_rate(rate).to_string()} {oninput} />
                        <output>{ format!("{rate} rec/s") }</output>
                    </span>
                }
            }
            FieldKind::Choice(options) => {
                let cur = current.as_ref().and_then(|v| v.as_str()).unwrap_or("").to_string();
                let onchange = Callback::from(move |e: Event| setter(Some(json!(event_value(&e)))));
                html! {
                    <select data-testid={format!("field-{id}-{}", fi.name)} {onchange}>
                        { for options.iter().map(|o| html! { <option value={*o} selected={*o == cur}>{ *o }</option> }) }
                    </select>
                }
            }
            FieldKind::Flag => {
                let on = current.as_ref().and_then(|v| v.as_bool()).unwrap_or(false);
                let onchange = Callback::from(move |e: Event| setter(event_checked(&e).then_some(json!(true))));
                html! { <input type="checkbox" checked={on} {onchange} /> }
            }
        };
        html! {
            <div class={classes!("field", (!field_errors.is_empty()).then_some("invalid"))} key={key}>
                <label>
                    <span class="field-name">{ fi.name }</span>
                    { body }
                </label>
                { for field_errors.iter().map(|e| html! { <div class="error" data-testid="error" role="alert">{ e.to_string() }</div> }) }
                if field_errors.is_empty() { <span class="hint">{ fi.hint }</span> }
            </div>
        }
    });

    // Errors about the node as a whole, or a field the editor does not show.
    let shown: Vec<&str> = info
        .map(|i| i.fields.iter().map(|f| f.name).collect())
        .unwrap_or_default();
    let general = errors
        .iter()
        .filter(|e| e.field.as_deref().is_none_or(|f| !shown.contains(&f)))
        .map(|e| html! { <div class="error" data-testid="error" role="alert">{ e.to_string() }</div> });

    let pos = spec.nodes.iter().position(|n| n.id == id).unwrap_or(0);
    let candidates: Vec<String> = spec.nodes[..pos]
        .iter()
        .filter(|n| !node.inputs.contains(&n.id))
        .map(|n| n.id.clone())
        .collect();
    let max_inputs = info.map_or(0, |i| i.max_inputs.unwrap_or(usize::MAX));
    let inputs = node.inputs.iter().map(|input| {
        let cb = cb.clone();
        let (node_id, input_id) = (id.clone(), input.clone());
        let ty = props.types.get(input).cloned().unwrap_or_else(|| "?".into());
        html! {
            <span class="input-chip" title={format!("DStream[{ty}]")}>
                { input }
                <button class="x" aria-label={format!("disconnect {input}")}
                    onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::RemoveInput { node: node_id.clone(), input: input_id.clone() }))}>
                    { "×" }
                </button>
            </span>
        }
    });
    let on_connect = {
        let cb = cb.clone();
        let id = id.clone();
        Callback::from(move |e: Event| {
            let v = event_value(&e);
            if !v.is_empty() {
                cb.emit(Action::AddInput {
                    node: id.clone(),
                    input: v,
                });
            }
        })
    };
    let on_rename = {
        let cb = cb.clone();
        let id = id.clone();
        Callback::from(move |e: Event| {
            cb.emit(Action::Rename {
                node: id.clone(),
                to: event_value(&e).trim().to_string(),
            })
        })
    };
    let on_remove = {
        let cb = cb.clone();
        let id = id.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::RemoveNode(id.clone())))
    };
    let ty = props.types.get(&id).cloned();
    html! {
        <section class="card editor" data-testid="editor">
            <div class="editor-head">
                <h2><span class="op-tag">{ &node.op }</span></h2>
                <button class="btn danger small" data-testid="remove-node" onclick={on_remove}>{ "Remove" }</button>
            </div>
            if let Some(doc) = info.map(|i| i.hint) { <p class="muted small">{ doc }</p> }
            <div class="field">
                <label>
                    <span class="field-name">{ "id" }</span>
                    <input type="text" class="code" value={id.clone()} onchange={on_rename} key={id.clone()} />
                </label>
            </div>
            if max_inputs > 0 {
                <div class="field">
                    <span class="field-name">{ "inputs" }</span>
                    <div class="inputs">
                        { for inputs }
                        if node.inputs.len() < max_inputs && !candidates.is_empty() {
                            <select class="connect" onchange={on_connect} data-testid="connect">
                                <option value="" selected=true>{ "+ connect…" }</option>
                                { for candidates.iter().map(|c| html! { <option value={c.clone()}>{ c }</option> }) }
                            </select>
                        }
                    </div>
                </div>
            }
            { for general }
            { for fields }
            <div class="produces">
                <span class="field-name">{ "produces" }</span>
                <code>{ ty.map(|t| format!("DStream[{t}]")).unwrap_or_else(|| "—".into()) }</code>
            </div>
        </section>
    }
}
