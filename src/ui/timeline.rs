//! The one live time axis: a column per batch with its input records as marbles (a sample),
//! the kept checkpoint snapshots as marks at their batch times (click one to rewind), and for
//! every windowed node its slide steps and window brackets, the batches a firing window
//! covers highlighted, and for inverse windows the batches added and subtracted.
//! Everything drawn comes from the engine's reports (`NodeReport::window`).

use std::rc::Rc;

use dstream_engine::{NodeReport, Value};
use yew::prelude::*;

use crate::checkpointing::CheckpointAction;
use crate::state::{Action, Followed, State};
use crate::storage::CheckpointMeta;
use crate::ui::follow::marks;
use crate::ui::{duration, ops};

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub state: Rc<State>,
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

/// The first batch column of the axis. It follows the kept history; a restored run (whose
/// history starts at the restored batch) also shows the batch its snapshot was taken after.
pub fn axis_first(s: &State) -> u64 {
    let n_cols = crate::state::HISTORY_LEN;
    match s.history.front() {
        Some(v) if s.history.len() < n_cols => v.report.batch.saturating_sub(1),
        Some(v) => v.report.batch,
        None => s.batches_run.saturating_sub(1),
    }
}

/// The batch a snapshot mark sits on: a snapshot after `n` batches is taken at batch
/// `n - 1`'s time, the end of that batch.
pub fn mark_batch(m: &CheckpointMeta) -> Option<u64> {
    m.batches_run.checked_sub(1)
}

/// Whether the snapshot's batch has a column on the axis now (else the checkpoint bar
/// lists it).
pub fn on_axis(s: &State, m: &CheckpointMeta) -> bool {
    let first = axis_first(s);
    mark_batch(m).is_some_and(|b| b >= first && b < first + crate::state::HISTORY_LEN as u64)
}

/// The newest kept snapshot not known to be damaged: the one a reload would restore.
pub fn newest_good(s: &State) -> Option<&CheckpointMeta> {
    let c = &s.checkpoints;
    c.kept.iter().rev().find(|m| !c.damaged.contains(&m.key))
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
pub fn mark_title(s: &State, m: &CheckpointMeta) -> String {
    let c = &s.checkpoints;
    let keys = c
        .state_keys
        .get(&m.batches_run)
        .map(|k| format!(", {k} keys of state"))
        .unwrap_or_default();
    let batch = mark_batch(m).map_or("before the first batch".into(), |b| {
        format!("after batch #{b}")
    });
    let what = if c.damaged.contains(&m.key) {
        "Damaged checkpoint"
    } else if newest_good(s).is_some_and(|g| g.key == m.key) {
        "Newest good checkpoint"
    } else {
        "Checkpoint"
    };
    format!(
        "{what} {batch} (t = {}, {}{keys}). Click to rewind the playground to it.",
        duration(m.time_ms),
        size_text(m.bytes)
    )
}

#[function_component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let s = &props.state;
    let history = &s.history;
    let sources: Vec<_> = s
        .spec
        .nodes
        .iter()
        .filter(|n| ops::is_source(&n.op))
        .collect();
    let windowed: Vec<_> = s
        .spec
        .nodes
        .iter()
        .filter(|n| ops::is_windowed(&n.op))
        .collect();
    let n_cols = crate::state::HISTORY_LEN;
    let width = LABEL_W + n_cols as f64 * COL_W + 12.0;
    let height =
        HEAD_H + CKPT_H + sources.len() as f64 * SOURCE_H + windowed.len() as f64 * WINDOW_H + 26.0;
    let first = axis_first(s);
    let col_x = |batch: u64| -> Option<f64> {
        let i = batch.checked_sub(first)?;
        ((i as usize) < n_cols).then_some(LABEL_W + i as f64 * COL_W)
    };
    let interval = s.spec.batch_interval_ms;

    // The window to highlight: the selected windowed node's, else the first one's, latest firing.
    let focus_id = s
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
        // Where the batch ran: the worker's reply carried it, or this thread computed it.
        let ran_in = history
            .iter()
            .find(|v| v.report.batch == batch)
            .map(|v| if v.in_worker { "worker" } else { "page" });
        html! {
            <g class={classes!("col-head", ran_in.is_some().then_some("ran"))}
                data-testid={format!("batch-col-{batch}")} data-ran-in={ran_in}>
                <rect class="col-area" x={fmt(x)} y="0" width={fmt(COL_W)} height={fmt(height - 20.0)} />
                <line class="col-line" x1={fmt(x)} x2={fmt(x)} y1={fmt(HEAD_H - 6.0)} y2={fmt(height - 20.0)} />
                <text x={fmt(x + COL_W / 2.0)} y="14" text-anchor="middle" class="batch-no">{ format!("#{batch}") }</text>
                <text x={fmt(x + COL_W / 2.0)} y="27" text-anchor="middle" class="batch-time">{ duration((batch + 1) * interval) }</text>
            </g>
        }
    });

    let mut y = HEAD_H;
    let mut rows: Vec<Html> = Vec::new();
    rows.push(checkpoint_lane(s, y, width, &col_x, &props.on_action));
    y += CKPT_H;
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
            let lit = |v: &Value| marks(s, &src.id, view.report.batch, v);
            cells.push(marbles(r, x, y0, &src.id, &lit, &props.on_action));
        }
        rows.push(html! {
            <g class="row source-row">
                <text class="row-label" x="8" y={fmt(y0 + 18.0)}>{ &src.id }</text>
                <text class="row-sub" x="8" y={fmt(y0 + 32.0)}>{ format!("{} · input", src.op) }</text>
                { for cells }
            </g>
        });
        y += SOURCE_H;
    }

    for w in &windowed {
        let y0 = y;
        let window_ms = w.field("window_ms").and_then(|v| v.as_u64()).unwrap_or(0);
        let slide_ms = w.field("slide_ms").and_then(|v| v.as_u64());
        let inverse = w.field("inverse").is_some()
            || matches!(w.op.as_str(), "countByWindow" | "countByValueAndWindow");
        let firings: Vec<&NodeReport> = history
            .iter()
            .filter_map(|v| v.report.nodes.iter().find(|r| r.id == w.id && r.fired))
            .collect();
        let n_firings = firings.len();
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
                parts.push(html! {
                    <g class="fire">
                        <circle cx={fmt(cx)} cy={fmt(y0 + 14.0)} r="9" />
                        <text x={fmt(cx)} y={fmt(y0 + 18.0)} text-anchor="middle">{ r.count }</text>
                        <title>{ format!("{} fired at batch {} ({} ms): {} records", w.id, view.report.batch, view.report.time_ms, r.count) }</title>
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
            }
        }
        let sub = match slide_ms {
            Some(sl) => format!("window {} · slide {}", duration(window_ms), duration(sl)),
            None => format!("window {}", duration(window_ms)),
        };
        let selected = s.selected.as_deref() == Some(w.id.as_str());
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
                { for parts }
            </g>
        });
        y += WINDOW_H;
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
        None if history.is_empty() => "Press play or step (→) to run the first batch.".to_string(),
        None if windowed.is_empty() => {
            "No windowed op in this pipeline: every node fires on every batch.".to_string()
        }
        None => "No window has fired yet: a window fires only at its slide times.".to_string(),
    };

    html! {
        <div class="timeline-wrap">
            <svg class="timeline" data-testid="timeline" width={fmt(width)} height={fmt(height)}
                style={format!("min-width: {:.0}px", width * 0.8)} viewBox={format!("0 0 {} {}", fmt(width), fmt(height))}>
                { for band }
                { for header }
                { for rows }
                <text class="timeline-caption" x="8" y={fmt(height - 6.0)}>{ caption }</text>
            </svg>
        </div>
    }
}

/// The kept snapshots as marks on their batches' columns: the newest good one highlighted,
/// damaged ones crossed out, the one the run continues from ringed. Each is a button.
fn checkpoint_lane(
    s: &State,
    y0: f64,
    width: f64,
    col_x: &dyn Fn(u64) -> Option<f64>,
    on_action: &Callback<Action>,
) -> Html {
    let c = &s.checkpoints;
    let newest = newest_good(s).map(|m| m.key.clone());
    let cy = y0 + CKPT_H / 2.0;
    let marks = c.kept.iter().filter_map(|m| {
        let x = col_x(mark_batch(m)?)? + COL_W / 2.0;
        let damaged = c.damaged.contains(&m.key);
        let is_newest = newest.as_deref() == Some(m.key.as_str());
        let current = c.restored_from == Some(m.batches_run) && s.batches_run == m.batches_run;
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
        let title = mark_title(s, m);
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
    let hidden = c.kept.iter().filter(|m| !on_axis(s, m)).count();
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
    r: &NodeReport,
    x: f64,
    y0: f64,
    node: &str,
    lit: &dyn Fn(&Value) -> bool,
    on_action: &Callback<Action>,
) -> Html {
    let shown = r.sample.iter().take(MAX_MARBLES);
    let drawn = r.sample.len().min(MAX_MARBLES);
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
    let sampled = (r.count > drawn as u64).then(|| format!("{drawn} of {} records drawn", r.count));
    html! {
        <g class="marbles">
            { for dots }
            <text class={classes!("col-count", sampled.is_some().then_some("sampled"))} x={fmt(x + COL_W / 2.0)} y={fmt(y0 + SOURCE_H - 8.0)} text-anchor="middle">
                if let Some(t) = sampled { <title>{ t }</title> }
                { compact_count(r.count) }
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
