//! The state lane of the time axis, one per `updateStateByKey` and `mapWithState`: per batch,
//! how many keys the batch added, updated, removed and timed out (the engine's
//! `StateChanges`); a click opens the state before and after that batch (`state_detail.rs`).

use std::collections::{BTreeMap, VecDeque};

use dstream_engine::catalog::{self, Family};
use dstream_engine::{NodeSpec, StateChanges};
use yew::prelude::*;

use crate::state::{Action, BatchView};

/// The lane's height on the axis.
pub const STATE_H: f64 = 50.0;

/// Whether node `n` keeps per-key state the lane draws.
pub fn is_stateful(n: &NodeSpec) -> bool {
    catalog::op_named(&n.op).is_some_and(|i| i.family == Family::Stateful)
}

/// Node `id`'s state changes by the batch they belong to, from the kept reports (an RDD
/// computed by a later batch's job, upstream of a window, sits at its own batch).
pub fn changes_by_batch<'a>(
    history: &'a VecDeque<BatchView>,
    id: &str,
) -> BTreeMap<u64, &'a StateChanges> {
    let mut out = BTreeMap::new();
    for v in history {
        let Some(r) = v.report.nodes.iter().find(|r| r.id == id) else {
            continue;
        };
        if let Some(c) = r.state.as_ref().filter(|_| r.fired) {
            out.insert(v.report.batch, c);
        }
        for e in &r.earlier {
            if let Some(c) = &e.state {
                out.insert(e.batch, c);
            }
        }
    }
    out
}

/// One batch's counts in words.
pub fn summary(c: &StateChanges) -> String {
    let mut s = format!(
        "{} added, {} updated, {} removed",
        c.added, c.updated, c.removed
    );
    if c.timed_out > 0 {
        s.push_str(&format!(", {} timed out", c.timed_out));
    }
    s
}

/// The lane of node `n` at height `y0`: a cell per batch column.
#[allow(clippy::too_many_arguments)]
pub fn lane(
    n: &NodeSpec,
    history: &VecDeque<BatchView>,
    y0: f64,
    width: f64,
    label_w: f64,
    col_w: f64,
    col_x: &dyn Fn(u64) -> Option<f64>,
    inspected: Option<u64>,
    on_action: &Callback<Action>,
) -> Html {
    let id = n.id.clone();
    let cells = changes_by_batch(history, &id).into_iter().filter_map(|(batch, c)| {
        let x = col_x(batch)?;
        let cx = x + col_w / 2.0;
        let open = inspected == Some(batch);
        let cb = on_action.clone();
        let node = id.clone();
        let onclick = Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            let at = (!open).then(|| (node.clone(), batch));
            cb.emit(Action::InspectState(at));
        });
        let line1 = format!("+{} ~{}", c.added, c.updated);
        let line2 = match (c.removed, c.timed_out) {
            (r, 0) => format!("−{r}"),
            (r, t) => format!("−{r} ⊘{t}"),
        };
        let quiet = c.added + c.updated + c.removed + c.timed_out == 0;
        let tip = format!(
            "batch #{batch}: {}; {} keys in state (before: {}). Click for the state before and after it.",
            summary(c),
            c.keys_after,
            c.keys_before
        );
        Some(html! {
            <g class={classes!("state-cell", quiet.then_some("quiet"), (c.timed_out > 0).then_some("timeouts"), open.then_some("open"))}
                data-testid={format!("state-cell-{id}-{batch}")}
                data-added={c.added.to_string()} data-updated={c.updated.to_string()}
                data-removed={c.removed.to_string()} data-timed-out={c.timed_out.to_string()}
                data-keys={c.keys_after.to_string()}
                role="button" tabindex="0" {onclick}>
                <title>{ tip }</title>
                <rect x={fmt(x + 3.0)} y={fmt(y0 + 4.0)} width={fmt(col_w - 6.0)} height={fmt(STATE_H - 8.0)} rx="5" />
                <text class="sc-up" x={fmt(cx)} y={fmt(y0 + 20.0)} text-anchor="middle">{ line1 }</text>
                <text class="sc-down" x={fmt(cx)} y={fmt(y0 + 34.0)} text-anchor="middle">{ line2 }</text>
                <text class="sc-keys" x={fmt(cx)} y={fmt(y0 + 44.0)} text-anchor="middle">{ format!("{} keys", c.keys_after) }</text>
            </g>
        })
    });
    html! {
        <g class="row state-row" data-testid={format!("state-lane-{}", n.id)}>
            <rect class="lane-bg" x={fmt(label_w)} y={fmt(y0 + 2.0)} width={fmt(width - label_w - 12.0)} height={fmt(STATE_H - 4.0)} rx="4" />
            <text class="row-label" x="8" y={fmt(y0 + 16.0)}>{ &n.id }</text>
            <text class="row-sub" x="8" y={fmt(y0 + 29.0)}>{ format!("{} · state", n.op) }</text>
            <text class="row-sub" x="8" y={fmt(y0 + 38.0)}>{ "+added ~updated" }</text>
            <text class="row-sub" x="8" y={fmt(y0 + 47.0)}>{ "−removed ⊘timed out" }</text>
            { for cells }
        </g>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}
