//! The DAG, drawn in SVG with the automatic layout: a box per node (op, latest count,
//! window, errors), an edge per input labelled with the record type the engine inferred.

use std::collections::BTreeMap;
use std::rc::Rc;

use dstream_engine::{Lineage, PipelineSpec, SpecError};
use yew::prelude::*;

use crate::state::{Action, BatchView};
use crate::ui::duration;
use crate::ui::layout::{layout, GAP_X, NODE_H, NODE_W};
use dstream_engine::catalog as ops;

/// The DAG shrinks to fit its card down to this scale (labels stay readable), then scrolls.
pub const MIN_SCALE: f64 = 0.72;

/// Characters of a type label that fit between two layers.
const LABEL_CHARS: usize = ((GAP_X - 10.0) / 5.7) as usize;

#[derive(Properties, PartialEq)]
pub struct DagProps {
    pub spec: Rc<PipelineSpec>,
    /// The record type of every node (the worker's plan).
    pub types: BTreeMap<String, String>,
    /// The last batch run.
    pub latest: Option<BatchView>,
    pub errors: Vec<SpecError>,
    /// The node a run-time error names.
    pub failed: Option<String>,
    pub selected: Option<String>,
    pub lineage: Option<Rc<Lineage>>,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn Dag(props: &DagProps) -> Html {
    let spec = &props.spec;
    let lineage = props.lineage.as_deref();
    let lay = layout(&spec.nodes);
    let pos = &lay.pos;
    let latest = props.latest.as_ref();
    // Nodes where records derive from the followed one (the engine's lineage).
    let derives = |id: &str| crate::ui::follow::share(lineage, id).is_some_and(|n| n.count > 0);

    // Inputs arrive spread over the target's left side, so the edges of a join stay apart.
    let edges = spec.nodes.iter().flat_map(|n| {
        let to = pos.get(&n.id).copied();
        let arity = n.inputs.len();
        n.inputs.iter().enumerate().filter_map(move |(k, input)| {
            let (x2, y2) = to?;
            let (x1, y1) = pos.get(input).copied()?;
            let port = NODE_H * (k + 1) as f64 / (arity + 1) as f64;
            Some((
                input.clone(),
                n.id.clone(),
                x1 + NODE_W,
                y1 + NODE_H / 2.0,
                x2,
                y2 + port,
            ))
        })
    });
    // Every edge out of a node carries the node's record type: it is written once, at the
    // node's output port, and every edge has it as its tooltip.
    let mut labelled = std::collections::HashSet::new();
    let edges = edges
        .map(|(from, to, x1, y1, x2, y2)| {
            let dx = ((x2 - x1) / 2.0).max(30.0);
            let path = format!(
                "M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}",
                x1 + dx,
                x2 - dx
            );
            let ty = props.types.get(&from).cloned().unwrap_or_else(|| "?".into());
            let lit = derives(&from) && derives(&to);
            let first = labelled.insert(from.clone());
            html! {
                <g class={classes!("edge", lit.then_some("lit"))} key={format!("{from}->{to}")}>
                    <title>{ format!("{from} → {to}: DStream[{ty}]") }</title>
                    <path d={path} marker-end="url(#arrow)" />
                    if first {
                        <text class="edge-type" data-type={ty.clone()} x={format!("{:.1}", x1 + 5.0)} y={format!("{:.1}", y1 - 5.0)}>
                            { truncate(&ty, LABEL_CHARS) }
                        </text>
                    }
                </g>
            }
        })
        .collect::<Html>();

    let nodes = spec.nodes.iter().filter_map(|n| {
        let (x, y) = lay.pos.get(&n.id).copied()?;
        let report = latest.and_then(|v| v.report.nodes.iter().find(|r| r.id == n.id));
        let failed = props.failed.as_deref() == Some(n.id.as_str());
        let n_errors = props
            .errors
            .iter()
            .filter(|e| e.node.as_deref() == Some(n.id.as_str()))
            .count()
            + usize::from(failed);
        let family = ops::op_named(&n.op).map_or("unknown", |i| i.family.name());
        let selected = props.selected.as_deref() == Some(n.id.as_str());
        let fired = report.is_some_and(|r| r.fired);
        // No output op reads it: Spark never computes it.
        let lazy = report.is_some_and(|r| r.not_computed == Some(dstream_engine::NotComputed::NoOutput));
        let share = crate::ui::follow::share(lineage, &n.id);
        let lit = share.is_some_and(|d| d.count > 0);
        let derived = share.map(|d| crate::ui::follow::derived_text(lineage, d));
        let detail = if ops::is_windowed(&n.op) {
            let w = n.field("window_ms").and_then(|v| v.as_u64()).unwrap_or(0);
            let sl = n.field("slide_ms").and_then(|v| v.as_u64());
            match sl {
                Some(sl) => format!("window {} · slide {}", duration(w), duration(sl)),
                None => format!("window {}", duration(w)),
            }
        } else if n.op == "generator" {
            let rate = n.field("rate_per_s").and_then(|v| v.as_f64()).unwrap_or(0.0);
            format!("{} · {rate} rec/s", n.field("kind").and_then(|v| v.as_str()).unwrap_or("?"))
        } else {
            n.field("fn")
                .and_then(|v| v.as_str())
                .map(|f| truncate(f, 22))
                .unwrap_or_default()
        };
        let detail = if lazy { "not computed: no output uses it".to_string() } else { detail };
        let badge = match report {
            Some(r) if r.fired => format!("{}", r.count),
            Some(_) => "–".to_string(),
            None => String::new(),
        };
        let cb = props.on_action.clone();
        let id = n.id.clone();
        let onclick = Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            cb.emit(Action::Select(Some(id.clone())))
        });
        Some(html! {
            <g class={classes!("node", format!("fam-{family}"), selected.then_some("selected"),
                        (n_errors > 0).then_some("has-error"), fired.then_some("fired"), lit.then_some("lit"), lazy.then_some("lazy"))}
                transform={format!("translate({x:.1},{y:.1})")}
                data-testid={format!("node-{}", n.id)} key={n.id.clone()} {onclick}>
                <title>{ format!("{} ({}){}{}{}", n.id, n.op, if n_errors > 0 { format!(": {n_errors} error(s)") } else { String::new() },
                    if lazy { "\nnot computed: no output operation uses it (DStreams are lazy)" } else { "" },
                    derived.as_ref().map(|d| format!("\nfollowed record: {d}")).unwrap_or_default()) }</title>
                <rect class="node-box" width={NODE_W.to_string()} height={NODE_H.to_string()} rx="9" />
                <rect class="node-stripe" width="5" height={NODE_H.to_string()} rx="2" />
                <text class="node-id" x="14" y="20">{ truncate(&n.id, 15) }</text>
                <text class="node-op" x="14" y="36">{ &n.op }</text>
                <text class="node-detail" x="14" y="50">{ detail }</text>
                if !badge.is_empty() {
                    <g class="badge" transform={format!("translate({},{})", NODE_W - 8.0, 14)}>
                        <text text-anchor="end">{ badge }</text>
                    </g>
                }
                if let Some(d) = share.filter(|d| d.count > 0) {
                    <text class="node-derived" x={(NODE_W - 8.0).to_string()} y={(NODE_H - 8.0).to_string()} text-anchor="end" data-testid={format!("derived-count-{}", n.id)}>
                        { format!("↳ {} derive{}", d.count, if d.count == 1 { "s" } else { "" }) }
                    </text>
                }
                if n_errors > 0 {
                    <text class="node-warn" x={(NODE_W - 10.0).to_string()} y={(NODE_H - 10.0).to_string()} text-anchor="end">{ "⚠" }</text>
                }
            </g>
        })
    });

    let on_bg = {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::Select(None)))
    };
    html! {
        <div class="dag-scroll">
            <svg class="dag" data-testid="dag" width={format!("{:.0}", lay.width)} height={format!("{:.0}", lay.height)}
                style={format!("max-width: {:.0}px; min-width: {:.0}px", lay.width, lay.width * MIN_SCALE)}
                viewBox={format!("0 0 {:.0} {:.0}", lay.width, lay.height)} onclick={on_bg}>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
                    </marker>
                </defs>
                { edges }
                { for nodes }
            </svg>
        </div>
    }
}

/// Shortens `s` to `max` characters with an ellipsis.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
