//! Streaming statistics like Spark's Streaming tab: input rate, processing time, scheduling
//! delay and total delay per batch, with a batch's real-time budget drawn on the time charts.

use std::collections::VecDeque;
use std::rc::Rc;

use yew::prelude::*;

use crate::state::MetricPoint;
use crate::ui::metric_chart::MetricChart;

#[derive(Properties, PartialEq)]
pub struct MetricsProps {
    pub metrics: Rc<VecDeque<MetricPoint>>,
    /// Real time between two ticks at the current speed: a batch's budget.
    pub tick_ms: u32,
}

#[function_component]
pub fn Metrics(props: &MetricsProps) -> Html {
    let m = &props.metrics;
    let series = |f: fn(&MetricPoint) -> f64| -> Vec<(u64, f64)> {
        m.iter().map(|p| (p.batch, f(p))).collect()
    };
    let interval = Some(f64::from(props.tick_ms));
    let lateness = m.iter().map(|p| p.timer_lateness_ms).fold(0.0, f64::max);
    html! {
        <section class="card metrics" aria-label="streaming statistics">
            <h2>{ "Streaming statistics" }<span class="muted small">{ format!(" · last {} batches", m.len()) }</span></h2>
            <div class="charts">
                <MetricChart title="Input rate" unit="rec/s" testid="metric-input-rate" points={series(|p| p.input_rate)} />
                <MetricChart title="Processing time" unit="ms" testid="metric-processing" points={series(|p| p.processing_ms)} reference={interval} />
                <MetricChart title="Scheduling delay" unit="ms" testid="metric-scheduling" points={series(|p| p.scheduling_delay_ms)} reference={interval} />
                <MetricChart title="Total delay" unit="ms" testid="metric-total" points={series(|p| p.total_delay_ms)} reference={interval} />
            </div>
            <p class="small muted" data-testid="metrics-note">
                { format!("As on Spark's Streaming tab: the scheduling delay is how long a batch waited for the previous one to finish; \
                   the total delay adds its processing time. The dashed line is the time between two ticks at this speed ({} ms of real time), \
                   a batch's budget: a processing time above it makes the next batch wait. How late the browser's timer fired is not part of it \
                   (up to {:.0} ms here).", props.tick_ms, lateness) }
            </p>
        </section>
    }
}
