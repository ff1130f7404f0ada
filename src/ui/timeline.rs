//! The one live time axis: a column per batch with its input records as marbles (a sample),
//! the kept checkpoint snapshots as marks at their batch times (click one to rewind), and for
//! every windowed node its slide steps and window brackets, the batches a firing window
//! covers highlighted, and for inverse windows the batches added and subtracted.
//! Everything drawn comes from the engine's reports (`NodeReport::window`).

use std::collections::{BTreeSet, VecDeque};
use std::rc::Rc;

use dstream_engine::{Lineage, NodeReport, PipelineSpec, Value};
use yew::prelude::*;

use crate::protocol::AXIS_COLUMNS;
use crate::state::{Action, BatchView, CheckpointAction, Checkpoints, Followed, Origin};
use crate::storage::CheckpointMeta;
use crate::ui::duration;
use crate::ui::follow::marks;
use crate::ui::state_lane::{self, is_stateful, STATE_H};
use dstream_engine::catalog as ops;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub spec: Rc<PipelineSpec>,
    pub history: Rc<VecDeque<BatchView>>,
    pub checkpoints: Checkpoints,
    pub batches_run: u64,
    pub selected: Option<String>,
    pub lineage: Option<Rc<Lineage>>,
    /// What to do next, when there is nothing else to say.
    pub hint: Option<String>,
    /// Windowed nodes that subtract with an inverse (the worker's plan).
    pub incremental: BTreeSet<String>,
    /// Nodes whose RDD is one value.
    pub scalar: BTreeSet<String>,
    /// The state lane's batch whose state is open, `(node, batch)`.
    #[prop_or_default]
    pub inspected: Option<(String, u64)>,
    /// Whether the checkpoint lane is drawn (an embed keeps no checkpoints).
    #[prop_or(true)]
    pub checkpoint_lane: bool,
    pub on_action: Callback<Action>,
}

const LABEL_W: f64 = 128.0;
const COL_W: f64 = 64.0;
const HEAD_H: f64 = 34.0;
/// The checkpoint lane under the batch numbers: one mark per kept snapshot.
const CKPT_H: f64 = 24.0;
const MARK_R: f64 = 7.0;
const SOURCE_H: f64 = 78.0;
const WINDOW_H: f64 = 64.0;
const MARBLE_R: f64 = 4.0;
const MARBLE_STEP: f64 = 9.6;
const MARBLES_PER_ROW: usize = 6;
/// Marbles drawn per batch column (the engine samples at most `SAMPLE_LIMIT`).
pub const MAX_MARBLES: usize = 24;

/// A colour for a record, stable across batches: the hue follows its key's text.
pub fn marble_hue(v: &Value) -> u32 {
    let key = match v.as_pair() {
        Some((k, _)) => k.to_string(),
        None => v.to_string(),
    };
    // FNV-1a over the text: a cheap, stable spread of hues.
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % 360
}

/// The first batch column of the axis when it follows the latest batch: the last
/// `AXIS_COLUMNS` batches kept; a restored run (whose history starts at the restored batch)
/// also shows the batch its snapshot was taken after.
pub fn axis_first(history: &VecDeque<BatchView>, batches_run: u64) -> u64 {
    match (history.front(), history.back()) {
        (Some(f), Some(l)) => {
            let lo = if history.len() < AXIS_COLUMNS {
                f.report.batch.saturating_sub(1)
            } else {
                f.report.batch
            };
            lo.max((l.report.batch + 1).saturating_sub(AXIS_COLUMNS as u64))
        }
        _ => batches_run.saturating_sub(1),
    }
}

/// How far back the axis can scroll from [`axis_first`]: to the first batch kept.
pub fn axis_back_max(history: &VecDeque<BatchView>, batches_run: u64) -> u64 {
    let first = axis_first(history, batches_run);
    history
        .front()
        .map_or(0, |f| first.saturating_sub(f.report.batch))
}

/// The batch a snapshot mark sits on: a snapshot after `n` batches is taken at batch
/// `n - 1`'s time, the end of that batch.
pub fn mark_batch(m: &CheckpointMeta) -> Option<u64> {
    m.batches_run.checked_sub(1)
}

/// Whether the snapshot's batch has a column on the axis now (else the checkpoint bar
/// lists it).
pub fn on_axis(first: u64, m: &CheckpointMeta) -> bool {
    mark_batch(m).is_some_and(|b| b >= first && b < first + AXIS_COLUMNS as u64)
}

/// A snapshot's size for people: `812 B`, `12.3 kB`, `1.49 MB`.
pub fn size_text(bytes: u64) -> String {
    match bytes {
        0..=999 => format!("{bytes} B"),
        1_000..=999_999 => format!("{:.1} kB", bytes as f64 / 1e3),
        _ => format!("{:.2} MB", bytes as f64 / 1e6),
    }
}

/// What a snapshot mark says on hover (and to a screen reader).
pub fn mark_title(c: &Checkpoints, m: &CheckpointMeta) -> String {
    let keys = c
        .state_keys
        .get(&m.batches_run)
        .map(|k| format!(", {k} keys of state"))
        .unwrap_or_default();
    let batch = mark_batch(m).map_or("before the first batch".into(), |b| {
        format!("after batch #{b}")
    });
    let what = if c.damaged.contains(&m.key) {
        "damaged"
    } else if c.newest_good().is_some_and(|g| g.key == m.key) {
        "the newest intact one, which a reload recovers"
    } else {
        "kept"
    };
    format!(
        "{}: {what}, taken {batch} (t = {}, {}{keys}). Click to rewind the playground to it.",
        m.name(),
        duration(m.time_ms),
        size_text(m.bytes)
    )
}

#[function_component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let spec = &props.spec;
    let lineage = props.lineage.as_deref();
    let history = &props.history;
    let sources: Vec<_> = spec
        .nodes
        .iter()
        .filter(|n| ops::is_source(&n.op))
        .collect();
    let windowed: Vec<_> = spec
        .nodes
        .iter()
        .filter(|n| ops::is_windowed(&n.op))
        .collect();
    let stateful: Vec<_> = spec.nodes.iter().filter(|n| is_stateful(n)).collect();
    let n_cols = AXIS_COLUMNS;
    let width = LABEL_W + n_cols as f64 * COL_W + 12.0;
    let lane_h = if props.checkpoint_lane { CKPT_H } else { 0.0 };
    let height = HEAD_H
        + lane_h
        + sources.len() as f64 * SOURCE_H
        + windowed.len() as f64 * WINDOW_H
        + stateful.len() as f64 * STATE_H
        + 26.0;
    // The axis follows the latest batch; scrolled back, it shows earlier kept batches.
    let back = use_state(|| 0u64);
    let back_max = axis_back_max(history, props.batches_run);
    let back_now = (*back).min(back_max);
    let first = axis_first(history, props.batches_run) - back_now;
    let col_x = |batch: u64| -> Option<f64> {
        let i = batch.checked_sub(first)?;
        ((i as usize) < n_cols).then_some(LABEL_W + i as f64 * COL_W)
    };
    let interval = spec.batch_interval_ms;

    // The window to highlight: the selected windowed node's, else the first one's, latest firing.
    let focus_id = props
        .selected
        .as_deref()
        .filter(|id| windowed.iter().any(|n| n.id == *id))
        .or_else(|| windowed.first().map(|n| n.id.as_str()));
    let focus_span = focus_id.and_then(|id| {
        history.iter().rev().find_map(|v| {
            v.report
                .nodes
                .iter()
                .find(|r| r.id == id && r.fired)
                .and_then(|r| r.window.clone())
        })
    });
    let band = focus_span.iter().flat_map(|w| w.covers.iter()).filter_map(|&b| col_x(b)).map(|x| {
        html! { <rect class="cover-band" x={fmt(x + 2.0)} y={fmt(HEAD_H - 6.0)} width={fmt(COL_W - 4.0)} height={fmt(height - HEAD_H - 14.0)} rx="6" /> }
    });

    let header = (0..n_cols).map(|i| {
        let x = LABEL_W + i as f64 * COL_W;
        let batch = first + i as u64;
        // Which context ran it: this one, a re-run with the edit, or one before a restart.
        let origin = history.iter().find(|v| v.report.batch == batch).map(|v| v.origin);
        let (class, tip) = match origin {
            None => (None, None),
            Some(Origin::Live) => (Some("ran"), None),
            Some(Origin::Rerun) => (Some("rerun"), Some("re-run with your edit: a new context ran it again from the logged input".to_string())),
            Some(Origin::Before(why)) => (Some("before"), Some(format!("{}: computed by the context that is gone", why.label()))),
        };
        html! {
            <g class={classes!("col-head", origin.is_some().then_some("ran"), class)}
                data-testid={format!("batch-col-{batch}")} data-origin={class}>
                if let Some(t) = tip { <title>{ t }</title> }
                <rect class="col-area" x={fmt(x)} y="0" width={fmt(COL_W)} height={fmt(height - 20.0)} />
                if class == Some("rerun") {
                    <rect class="rerun-bar" x={fmt(x + 2.0)} y="0" width={fmt(COL_W - 4.0)} height="3" rx="1.5" />
                }
                <line class="col-line" x1={fmt(x)} x2={fmt(x)} y1={fmt(HEAD_H - 6.0)} y2={fmt(height - 20.0)} />
                <text x={fmt(x + COL_W / 2.0)} y="14" text-anchor="middle" class="batch-no">{ format!("#{batch}") }</text>
                <text x={fmt(x + COL_W / 2.0)} y="27" text-anchor="middle" class="batch-time">{ duration((batch + 1) * interval) }</text>
            </g>
        }
    });

    let mut y = HEAD_H;
    let mut rows: Vec<Html> = Vec::new();
    if props.checkpoint_lane {
        rows.push(checkpoint_lane(
            &props.checkpoints,
            props.batches_run,
            first,
            y,
            width,
            &col_x,
            &props.on_action,
        ));
        y += CKPT_H;
    }
    for src in &sources {
        let y0 = y;
        let mut cells = Vec::new();
        for view in history.iter() {
            let Some(x) = col_x(view.report.batch) else {
                continue;
            };
            let Some(r) = view.report.nodes.iter().find(|r| r.id == src.id) else {
                continue;
            };
            let batch = view.report.batch;
            let lit = |v: &Value| marks(lineage, &src.id, batch, v);
            // The batch's RDD: computed by this batch's job, or by a later one (a window's
            // next slide), whose report carries it.
            let later = || {
                history.iter().find_map(|w| {
                    w.report
                        .nodes
                        .iter()
                        .find(|n| n.id == src.id)?
                        .earlier
                        .iter()
                        .find(|e| e.batch == batch)
                })
            };
            if r.fired {
                cells.push(marbles(
                    (r.count, &r.sample),
                    batch,
                    x,
                    y0,
                    &src.id,
                    &lit,
                    &props.on_action,
                ));
            } else if let Some(e) = later() {
                cells.push(marbles(
                    (e.count, &e.sample),
                    batch,
                    x,
                    y0,
                    &src.id,
                    &lit,
                    &props.on_action,
                ));
            } else {
                let tip = match r.not_computed {
                    Some(dstream_engine::NotComputed::NoOutput) => "not computed: no output operation uses it (DStreams are lazy)",
                    _ => "received; its RDD is not computed yet: the job of a window downstream computes it at its next slide",
                };
                cells.push(html! {
                    <text class="col-count pending" x={fmt(x + COL_W / 2.0)} y={fmt(y0 + SOURCE_H - 8.0)} text-anchor="middle"
                        data-testid={format!("pending-{}-{batch}", src.id)}>
                        <title>{ tip }</title>
                        { "…" }
                    </text>
                });
            }
        }
        rows.push(html! {
            <g class="row source-row">
                <text class="row-label" x="8" y={fmt(y0 + 18.0)}>{ &src.id }</text>
                <text class="row-sub" x="8" y={fmt(y0 + 32.0)}>{ format!("{} · input", src.op) }</text>
                <text class="row-sub" x="8" y={fmt(y0 + 46.0)}>{ "number: records in the batch" }</text>
                { for cells }
            </g>
        });
        y += SOURCE_H;
    }

    for w in &windowed {
        let y0 = y;
        let window_ms = w.field("window_ms").and_then(|v| v.as_u64()).unwrap_or(0);
        let slide_ms = w.field("slide_ms").and_then(|v| v.as_u64());
        let inverse = props.incremental.contains(&w.id);
        let firings: Vec<&NodeReport> = history
            .iter()
            .filter_map(|v| v.report.nodes.iter().find(|r| r.id == w.id && r.fired))
            .collect();
        let n_firings = firings.len();
        // countByWindow and reduceByWindow give one number: the bubble shows it; other
        // windows give records, and the bubble counts them.
        let scalar = props.scalar.contains(&w.id);
        let mut parts = Vec::new();
        // Slide steps: a tick at every batch; a marker where the window fired.
        for view in history.iter() {
            let Some(x) = col_x(view.report.batch) else {
                continue;
            };
            let Some(r) = view.report.nodes.iter().find(|r| r.id == w.id) else {
                continue;
            };
            let cx = x + COL_W / 2.0;
            if r.fired {
                let value = scalar
                    .then(|| match r.sample.as_slice() {
                        [v @ (Value::Int(_) | Value::Double(_))] => Some(v.to_string()),
                        // Spark's count of a window that never had data is an empty RDD.
                        [] => Some("∅".to_string()),
                        _ => None,
                    })
                    .flatten();
                let (shown, tip) = match value {
                    Some(v) => (
                        v.clone(),
                        format!(
                            "{} fired at batch #{} (t = {}): its value is {v}",
                            w.id,
                            view.report.batch,
                            duration(view.report.time_ms)
                        ),
                    ),
                    None => (
                        compact_count(r.count),
                        format!(
                            "{} fired at batch #{} (t = {}): {} record(s) in its RDD",
                            w.id,
                            view.report.batch,
                            duration(view.report.time_ms),
                            r.count
                        ),
                    ),
                };
                parts.push(html! {
                    <g class="fire" data-value={shown.clone()}>
                        <circle cx={fmt(cx)} cy={fmt(y0 + 14.0)} r="9" />
                        <text x={fmt(cx)} y={fmt(y0 + 18.0)} text-anchor="middle">{ shown }</text>
                        <title>{ tip }</title>
                    </g>
                });
            } else {
                parts.push(html! { <circle class="no-fire" cx={fmt(cx)} cy={fmt(y0 + 14.0)} r="2.5"><title>{ "not a slide time: nothing computed" }</title></circle> });
            }
        }
        // Brackets: every firing in view, the latest one bold; two lanes so neighbours show.
        for (k, r) in firings.iter().enumerate() {
            let Some(span) = &r.window else { continue };
            let latest = k + 1 == n_firings;
            let lane = (n_firings - 1 - k) % 2;
            let by = y0 + 32.0 + lane as f64 * 9.0;
            let lo = span.covers.iter().min().copied();
            let hi = span.covers.iter().max().copied();
            if let (Some(lo), Some(hi)) = (lo, hi) {
                let clipped = lo < first;
                let x1 = col_x(lo.max(first)).unwrap_or(LABEL_W) + 5.0;
                let Some(x2) = col_x(hi).map(|x| x + COL_W - 5.0) else {
                    continue;
                };
                let d = if clipped {
                    format!("M{},{} H{} V{}", fmt(x1), fmt(by), fmt(x2), fmt(by - 6.0))
                } else {
                    format!(
                        "M{},{} V{} H{} V{}",
                        fmt(x1),
                        fmt(by - 6.0),
                        fmt(by),
                        fmt(x2),
                        fmt(by - 6.0)
                    )
                };
                parts.push(html! {
                    <path class={classes!("bracket", latest.then_some("latest"))} d={d}>
                        <title>{ format!("window at batch {}: covers batches {}", r_batch(span), list(&span.covers)) }</title>
                    </path>
                });
                if clipped && latest {
                    parts.push(html! { <text class="bracket-more" x={fmt(x1)} y={fmt(by + 11.0)}>{ format!("← {} more", first - lo) }</text> });
                }
            }
            if latest && inverse {
                // One chip per batch entering (+) or leaving (−) the window, sized to its column.
                let delta = |class: &'static str, label: &'static str, tip: String, x: f64| {
                    html! {
                        <g class={classes!("delta", class)}>
                            <title>{ tip }</title>
                            <rect x={fmt(x + 6.0)} y={fmt(y0 + 44.0)} width={fmt(COL_W - 12.0)} height="14" rx="4" />
                            <text x={fmt(x + COL_W / 2.0)} y={fmt(y0 + 55.0)} text-anchor="middle">{ label }</text>
                        </g>
                    }
                };
                for &b in &span.added {
                    if let Some(x) = col_x(b) {
                        let tip = format!("batch #{b} entered the window: its values are added with the reduce function");
                        parts.push(delta("added", "+ add", tip, x));
                    }
                }
                for &b in &span.removed {
                    if let Some(x) = col_x(b) {
                        let tip = format!("batch #{b} left the window: its values are subtracted with the inverse function");
                        parts.push(delta("removed", "− sub", tip, x));
                    }
                }
                // Batches leaving a long window have their columns far to the left.
                let gone: Vec<u64> = span
                    .removed
                    .iter()
                    .copied()
                    .filter(|&b| b < first)
                    .collect();
                if !gone.is_empty() {
                    let tip = format!(
                        "{} left the window at batch {} (t = {}): their values are subtracted with the inverse function; their columns are off the axis, to the left",
                        list(&gone),
                        r_batch(span),
                        duration(r.computed_at_ms.unwrap_or_default())
                    );
                    parts.push(html! {
                        <g class="delta removed off-axis" data-testid={format!("removed-off-axis-{}", w.id)}
                            data-batches={gone.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",")}>
                            <title>{ tip }</title>
                            <rect x={fmt(LABEL_W + 4.0)} y={fmt(y0 + 44.0)} width={fmt(2.0 * COL_W - 8.0)} height="14" rx="4" />
                            <text x={fmt(LABEL_W + COL_W)} y={fmt(y0 + 55.0)} text-anchor="middle">{ format!("← − sub {}", list(&gone)) }</text>
                        </g>
                    });
                }
            }
        }
        let sub = match slide_ms {
            Some(sl) => format!("window {} · slide {}", duration(window_ms), duration(sl)),
            None => format!("window {}", duration(window_ms)),
        };
        let selected = props.selected.as_deref() == Some(w.id.as_str());
        let cb = props.on_action.clone();
        let id = w.id.clone();
        rows.push(html! {
            <g class={classes!("row", "window-row", selected.then_some("selected"))}
                data-testid={format!("window-{}", w.id)}
                onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Select(Some(id.clone()))))}>
                <rect class="row-bg" x="0" y={fmt(y0)} width={fmt(width)} height={fmt(WINDOW_H)} />
                <text class="row-label" x="8" y={fmt(y0 + 18.0)}>{ &w.id }</text>
                <text class="row-sub" x="8" y={fmt(y0 + 32.0)}>{ &w.op }</text>
                <text class="row-sub" x="8" y={fmt(y0 + 45.0)}>{ sub }</text>
                <text class="row-sub" x="8" y={fmt(y0 + 58.0)}>{ if scalar { "● its value when it fires" } else { "● records when it fires" } }</text>
                { for parts }
            </g>
        });
        y += WINDOW_H;
    }
    for n in &stateful {
        let open = props
            .inspected
            .as_ref()
            .filter(|(id, _)| *id == n.id)
            .map(|(_, b)| *b);
        rows.push(state_lane::lane(
            n,
            history,
            y,
            width,
            LABEL_W,
            COL_W,
            &col_x,
            open,
            &props.on_action,
        ));
        y += STATE_H;
    }

    let caption = match focus_span.as_ref().zip(focus_id) {
        Some((span, id)) => format!(
            "{id}: the latest window covers batches {}{}",
            list(&span.covers),
            if span.removed.is_empty() && span.added.is_empty() {
                String::new()
            } else {
                format!(
                    " (added {}, subtracted {})",
                    list_or_none(&span.added),
                    list_or_none(&span.removed)
                )
            }
        ),
        None if history.is_empty() => props.hint.clone().unwrap_or_default(),
        None if windowed.is_empty() => {
            "No windowed op in this pipeline: every output op's job runs at every batch."
                .to_string()
        }
        None => "No window has fired yet: a window fires only at its slide times.".to_string(),
    };

    // Which columns another context computed, said in words.
    let reran: Vec<u64> = history
        .iter()
        .filter(|v| v.origin == Origin::Rerun)
        .map(|v| v.report.batch)
        .collect();
    let before: Vec<(u64, &'static str)> = history
        .iter()
        .filter_map(|v| match v.origin {
            Origin::Before(why) => Some((v.report.batch, why.label())),
            _ => None,
        })
        .collect();
    let mut legend = Vec::new();
    if !reran.is_empty() {
        legend.push(format!("{} re-run with your edit", list(&reran)));
    }
    if let Some((_, why)) = before.first() {
        let batches: Vec<u64> = before.iter().map(|(b, _)| *b).collect();
        legend.push(format!("{} (grey): {why}", list(&batches)));
    }

    html! {
        <div class="timeline-wrap">
            if !legend.is_empty() {
                <p class="axis-legend small" data-testid="axis-legend">{ legend.join(" · ") }</p>
            }
            if back_max > 0 {
                { axis_scroll(&back, back_now, back_max, first, history) }
            }
            <svg class="timeline" data-testid="timeline" width={fmt(width)} height={fmt(height)}
                style={format!("min-width: {:.0}px", width * 0.8)} viewBox={format!("0 0 {} {}", fmt(width), fmt(height))}>
                { for band }
                { for header }
                { for rows }
                { for history.iter().filter(|v| !v.current()).filter_map(|v| col_x(v.report.batch)).map(|x| html! {
                    <rect class="before-veil" x={fmt(x)} y={fmt(HEAD_H - 6.0)} width={fmt(COL_W)} height={fmt(height - HEAD_H - 14.0)} />
                }) }
                <text class="timeline-caption" x="8" y={fmt(height - 6.0)}>{ caption }</text>
            </svg>
        </div>
    }
}

/// The axis's scroll over the batches it keeps: earlier, later, back to the latest.
fn axis_scroll(
    back: &UseStateHandle<u64>,
    now: u64,
    max: u64,
    first: u64,
    history: &VecDeque<BatchView>,
) -> Html {
    let step = AXIS_COLUMNS as u64 / 2;
    let go = |to: u64| {
        let back = back.clone();
        Callback::from(move |_: MouseEvent| back.set(to))
    };
    let on_range = {
        let back = back.clone();
        Callback::from(move |e: InputEvent| {
            if let Ok(v) = crate::ui::event_value(&e).parse::<u64>() {
                back.set(max.saturating_sub(v));
            }
        })
    };
    let kept_from = history.front().map_or(0, |v| v.report.batch);
    let kept_to = history.back().map_or(0, |v| v.report.batch);
    let last = (first + AXIS_COLUMNS as u64 - 1).min(kept_to.max(first));
    html! {
        <div class="axis-scroll small">
            <button class="btn small" data-testid="axis-earlier" disabled={now >= max}
                onclick={go((now + step).min(max))}>{ "◀ earlier" }</button>
            <input type="range" min="0" max={max.to_string()} value={(max - now).to_string()}
                data-testid="axis-scroll" aria-label="scroll the time axis" oninput={on_range} />
            <button class="btn small" data-testid="axis-later" disabled={now == 0}
                onclick={go(now.saturating_sub(step))}>{ "later ▶" }</button>
            <button class="btn small" data-testid="axis-latest" disabled={now == 0}
                onclick={go(0)}>{ "latest" }</button>
            <span class="muted" data-testid="axis-range">{ format!(
                "showing #{first}–#{last} of the {} batches kept (#{kept_from}–#{kept_to})",
                history.len()
            ) }</span>
        </div>
    }
}

/// The kept snapshots as marks on their batches' columns: the newest good one highlighted,
/// damaged ones crossed out, the one the run continues from ringed. Each is a button.
fn checkpoint_lane(
    c: &Checkpoints,
    batches_run: u64,
    first: u64,
    y0: f64,
    width: f64,
    col_x: &dyn Fn(u64) -> Option<f64>,
    on_action: &Callback<Action>,
) -> Html {
    let newest = c.newest_good().map(|m| m.key.clone());
    let cy = y0 + CKPT_H / 2.0;
    let marks = c.kept.iter().filter_map(|m| {
        let x = col_x(mark_batch(m)?)? + COL_W / 2.0;
        let damaged = c.damaged.contains(&m.key);
        let is_newest = newest.as_deref() == Some(m.key.as_str());
        let current = c.restored_from == Some(m.batches_run) && batches_run == m.batches_run;
        let travel = {
            let cb = on_action.clone();
            let key = m.key.clone();
            move || cb.emit(Action::Checkpoint(CheckpointAction::TravelTo(key.clone())))
        };
        let on_click = {
            let travel = travel.clone();
            Callback::from(move |_: MouseEvent| travel())
        };
        let on_key = Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                travel();
            }
        });
        let r = if is_newest { MARK_R + 1.5 } else { MARK_R };
        let diamond = format!(
            "M{},{} L{},{} L{},{} L{},{} Z",
            fmt(x),
            fmt(cy - r),
            fmt(x + r),
            fmt(cy),
            fmt(x),
            fmt(cy + r),
            fmt(x - r),
            fmt(cy)
        );
        let title = mark_title(c, m);
        Some(html! {
            <g class={classes!("snapshot-mark", is_newest.then_some("newest"), damaged.then_some("damaged"), current.then_some("current"))}
                data-testid={format!("snapshot-{}", m.batches_run)} data-bytes={m.bytes.to_string()} role="button" tabindex="0"
                aria-label={title.clone()} onclick={on_click} onkeydown={on_key}>
                if current {
                    <circle class="mark-ring" cx={fmt(x)} cy={fmt(cy)} r={fmt(r + 3.5)} />
                }
                <path class="mark-shape" d={diamond} />
                if damaged {
                    <path class="mark-damage" d={format!("M{},{} L{},{} M{},{} L{},{}", fmt(x - 4.0), fmt(cy - 4.0), fmt(x + 4.0), fmt(cy + 4.0), fmt(x + 4.0), fmt(cy - 4.0), fmt(x - 4.0), fmt(cy + 4.0))} />
                }
                <title>{ title }</title>
            </g>
        })
    });
    let hidden = c.kept.iter().filter(|m| !on_axis(first, m)).count();
    html! {
        <g class="row checkpoint-row" data-testid="snapshot-marks">
            <rect class="lane-bg" x={fmt(LABEL_W)} y={fmt(y0 + 3.0)} width={fmt(width - LABEL_W - 12.0)} height={fmt(CKPT_H - 6.0)} rx="4" />
            <text class="row-label" x="8" y={fmt(y0 + 15.0)}>{ "checkpoints" }</text>
            if hidden > 0 {
                <text class="row-sub" data-testid="snapshot-hidden" x={fmt(LABEL_W - 6.0)} y={fmt(y0 + 15.0)} text-anchor="end">
                    <title>{ format!("{hidden} kept snapshot(s) have no column on the axis now: they are listed under it") }</title>
                    { format!("+{hidden} ↓") }
                </text>
            }
            { for marks }
        </g>
    }
}

/// The marbles of one batch column: at most `MAX_MARBLES` sampled records, and how many
/// more the batch had.
fn marbles(
    (count, sample): (u64, &[Value]),
    batch: u64,
    x: f64,
    y0: f64,
    node: &str,
    lit: &dyn Fn(&Value) -> bool,
    on_action: &Callback<Action>,
) -> Html {
    let shown = sample.iter().take(MAX_MARBLES);
    let drawn = sample.len().min(MAX_MARBLES);
    let dots = shown.enumerate().map(|(i, v)| {
        let cx = x + 5.0 + (i % MARBLES_PER_ROW) as f64 * MARBLE_STEP + MARBLE_R;
        let cy = y0 + 10.0 + (i / MARBLES_PER_ROW) as f64 * MARBLE_STEP + MARBLE_R;
        let lit = lit(v);
        let cb = on_action.clone();
        let followed = Followed { node: node.to_string(), record: v.clone() };
        html! {
            <circle class={classes!("marble", lit.then_some("lit"))} cx={fmt(cx)} cy={fmt(cy)} r={fmt(MARBLE_R)}
                style={format!("fill: hsl({} 70% 58%)", marble_hue(v))}
                onclick={Callback::from(move |_: MouseEvent| cb.emit(Action::Follow(Some(followed.clone()))))}>
                <title>{ format!("{v}  (click to follow)") }</title>
            </circle>
        }
    });
    let sampled = (count > drawn as u64).then(|| format!("{drawn} of {count} records drawn"));
    html! {
        <g class="marbles">
            { for dots }
            <text class={classes!("col-count", sampled.is_some().then_some("sampled"))} x={fmt(x + COL_W / 2.0)} y={fmt(y0 + SOURCE_H - 8.0)} text-anchor="middle"
                data-testid={format!("count-{node}-{batch}")}>
                if let Some(t) = sampled { <title>{ t }</title> }
                { compact_count(count) }
            </text>
        </g>
    }
}

/// A record count that fits a batch column: `950`, `12.3k`, `100k`, `2.5M`.
pub fn compact_count(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=99_999 => format!("{:.1}k", n as f64 / 1000.0),
        100_000..=999_999 => format!("{}k", n / 1000),
        _ => format!("{:.1}M", n as f64 / 1_000_000.0),
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

fn list(b: &[u64]) -> String {
    match b {
        [] => "none".into(),
        [one] => format!("#{one}"),
        _ if b.len() > 4 => format!("#{}…#{} ({} batches)", b[0], b[b.len() - 1], b.len()),
        _ => b
            .iter()
            .map(|x| format!("#{x}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn list_or_none(b: &[u64]) -> String {
    if b.is_empty() {
        "none".into()
    } else {
        list(b)
    }
}

fn r_batch(span: &dstream_engine::WindowSpan) -> String {
    span.covers
        .iter()
        .max()
        .map_or("?".into(), |b| format!("#{b}"))
}
