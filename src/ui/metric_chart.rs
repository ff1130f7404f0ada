//! One Streaming-tab chart: a per-batch line of one metric with its latest value, and an
//! optional reference line (a batch's real-time budget, to see at a glance whether the stream keeps up).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MetricChartProps {
    pub title: AttrValue,
    pub unit: AttrValue,
    /// (batch, value) oldest first.
    pub points: Vec<(u64, f64)>,
    /// A dashed line at this value (the batch interval in ms).
    #[prop_or_default]
    pub reference: Option<f64>,
    pub testid: AttrValue,
}

const W: f64 = 260.0;
const H: f64 = 92.0;
const PAD_L: f64 = 4.0;
const PAD_T: f64 = 8.0;
const PAD_B: f64 = 14.0;

#[function_component]
pub fn MetricChart(props: &MetricChartProps) -> Html {
    let max_v = props
        .points
        .iter()
        .map(|p| p.1)
        .chain(props.reference)
        .fold(0.0_f64, f64::max);
    let top = nice_ceiling(max_v);
    let n = props.points.len().max(2);
    let step = (W - PAD_L * 2.0) / (n - 1) as f64;
    let y_of = |v: f64| PAD_T + (H - PAD_T - PAD_B) * (1.0 - (v / top).clamp(0.0, 1.0));
    let pts: Vec<String> = props
        .points
        .iter()
        .enumerate()
        .map(|(i, &(_, v))| format!("{:.1},{:.1}", PAD_L + i as f64 * step, y_of(v)))
        .collect();
    let area = if pts.is_empty() {
        String::new()
    } else {
        format!(
            "M{:.1},{:.1} L{} L{:.1},{:.1} Z",
            PAD_L,
            H - PAD_B,
            pts.join(" L"),
            PAD_L + (pts.len() - 1) as f64 * step,
            H - PAD_B
        )
    };
    let latest = props.points.last().map(|p| p.1);
    let avg = if props.points.is_empty() {
        None
    } else {
        Some(props.points.iter().map(|p| p.1).sum::<f64>() / props.points.len() as f64)
    };
    html! {
        <figure class="metric" data-testid={props.testid.clone()}>
            <figcaption>
                <span class="metric-title">{ &props.title }</span>
                <span class="metric-value">{ latest.map_or("–".into(), |v| format!("{} {}", short(v), props.unit)) }</span>
            </figcaption>
            <svg width={W.to_string()} height={H.to_string()} viewBox={format!("0 0 {W} {H}")}>
                <line class="axis" x1={PAD_L.to_string()} x2={(W - PAD_L).to_string()} y1={(H - PAD_B).to_string()} y2={(H - PAD_B).to_string()} />
                if let Some(r) = props.reference {
                    <line class="reference" x1={PAD_L.to_string()} x2={(W - PAD_L).to_string()} y1={format!("{:.1}", y_of(r))} y2={format!("{:.1}", y_of(r))}>
                        <title>{ format!("a batch's budget: {r} ms of real time between two ticks") }</title>
                    </line>
                }
                <path class="area" d={area} />
                <polyline class="line" points={pts.join(" ")} />
                <text class="scale" x={(W - PAD_L).to_string()} y="10" text-anchor="end">{ format!("{} {}", short(top), props.unit) }</text>
                <text class="scale" x={PAD_L.to_string()} y={(H - 2.0).to_string()}>{ props.points.first().map(|p| format!("#{}", p.0)).unwrap_or_default() }</text>
                <text class="scale" x={(W - PAD_L).to_string()} y={(H - 2.0).to_string()} text-anchor="end">
                    { avg.map(|a| format!("avg {} {}", short(a), props.unit)).unwrap_or_default() }
                </text>
            </svg>
        </figure>
    }
}

/// The next "round" number at or above `v` (1, 2, 5 × 10^k), for the chart's top.
pub fn nice_ceiling(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&c| c >= v)
        .unwrap_or(10.0 * mag)
}

fn short(v: f64) -> String {
    if v >= 1_000_000.0 {
        format!("{:.1}M", v / 1_000_000.0)
    } else if v >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::nice_ceiling;

    #[test]
    fn chart_tops_are_round() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(3.2), 5.0);
        assert_eq!(nice_ceiling(1000.0), 1000.0);
        assert_eq!(nice_ceiling(1001.0), 2000.0);
    }
}
