//! Streaming statistics like Spark's Streaming tab: input rate, processing time, scheduling
//! delay and total delay per batch, with the batch interval drawn on the time charts.

use std::rc::Rc;

use yew::prelude::*;

use crate::state::State;
use crate::ui::metric_chart::MetricChart;

#[derive(Properties, PartialEq)]
pub struct MetricsProps {
    pub state: Rc<State>,
}

#[function_component]
pub fn Metrics(props: &MetricsProps) -> Html {
    let m = &props.state.metrics;
    let series = |f: fn(&crate::state::MetricPoint) -> f64| -> Vec<(u64, f64)> {
        m.iter().map(|p| (p.batch, f(p))).collect()
    };
    let interval = Some(props.state.spec.batch_interval_ms as f64);
    html! {
        <section class="card metrics" aria-label="streaming statistics">
            <h2>{ "Streaming statistics" }<span class="muted small">{ format!(" · last {} batches", m.len()) }</span></h2>
            <div class="charts">
                <MetricChart title="Input rate" unit="rec/s" testid="metric-input-rate" points={series(|p| p.input_rate)} />
                <MetricChart title="Processing time" unit="ms" testid="metric-processing" points={series(|p| p.processing_ms)} reference={interval} />
                <MetricChart title="Scheduling delay" unit="ms" testid="metric-scheduling" points={series(|p| p.scheduling_delay_ms)} reference={interval} />
                <MetricChart title="Total delay" unit="ms" testid="metric-total" points={series(|p| p.total_delay_ms)} reference={interval} />
            </div>
        </section>
    }
}
