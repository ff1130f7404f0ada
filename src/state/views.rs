//! One batch as the page keeps it: the engine's report, where it came from (this context,
//! a re-run after an edit, or a context that is gone) and, for a live batch, its timing.

use std::rc::Rc;

use dstream_engine::BatchReport;

use super::Timing;

/// Why the context that computed a batch is gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restart {
    /// The DAG was edited: a new context re-runs the input.
    Edit,
    /// Recovered from a checkpoint (`getOrCreate` on load).
    Recovered,
    /// Rewound to a kept snapshot.
    Rewind,
    /// The driver was killed in the fault lab.
    Driver,
}

impl Restart {
    /// How the time axis labels a batch of the context before.
    pub fn label(self) -> &'static str {
        match self {
            Restart::Edit => "before the edit",
            Restart::Recovered | Restart::Rewind | Restart::Driver => "before the restart",
        }
    }
}

/// Where a batch shown on the page comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Run by the current context at the learner's tick.
    Live,
    /// Run again by the current context, with the learner's edit, from the logged input.
    Rerun,
    /// Run by a context that has been replaced.
    Before(Restart),
}

/// One batch as the page shows it.
#[derive(Clone, Debug)]
pub struct BatchView {
    pub report: Rc<BatchReport>,
    pub batch_interval_ms: u64,
    pub origin: Origin,
    /// When its tick was due, fired and handed to the worker (live batches only).
    pub timing: Option<Timing>,
}

impl PartialEq for BatchView {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.report, &other.report)
            && self.origin == other.origin
            && self.timing == other.timing
    }
}

/// One batch's figures on the Streaming-tab charts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricPoint {
    pub batch: u64,
    pub input_rate: f64,
    pub processing_ms: f64,
    /// Spark's scheduling delay: how long the batch waited for the previous one to finish.
    pub scheduling_delay_ms: f64,
    pub total_delay_ms: f64,
    /// How late the page's timer fired (the browser's lateness, not Spark's delay).
    pub timer_lateness_ms: f64,
    pub batch_interval_ms: u64,
}

impl BatchView {
    /// Input records per simulated second of this batch.
    pub fn input_rate(&self) -> f64 {
        if self.batch_interval_ms == 0 {
            return 0.0;
        }
        self.report.input_records as f64 * 1000.0 / self.batch_interval_ms as f64
    }

    /// The batch's point on the charts (live batches only).
    pub fn metric(&self) -> Option<MetricPoint> {
        let t = self.timing.filter(|_| self.origin == Origin::Live)?;
        let scheduling = (t.started_ms - t.fired_ms).max(0.0);
        Some(MetricPoint {
            batch: self.report.batch,
            input_rate: self.input_rate(),
            processing_ms: self.report.processing_ms,
            scheduling_delay_ms: scheduling,
            total_delay_ms: scheduling + self.report.processing_ms,
            timer_lateness_ms: (t.fired_ms - t.due_ms).max(0.0),
            batch_interval_ms: self.batch_interval_ms,
        })
    }

    /// Whether the current context computed it.
    pub fn current(&self) -> bool {
        !matches!(self.origin, Origin::Before(_))
    }
}

/// What the transport bar shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Transport {
    pub playing: bool,
    /// Play and step are offered.
    pub runnable: bool,
    pub batches_run: u64,
    /// The time of the last batch run.
    pub time_ms: u64,
    pub speed: f64,
    pub batch_interval_ms: u64,
    /// The state pill's word and its class.
    pub status: (&'static str, &'static str),
    /// A re-run or a fast-forward under way: `(reached, target)`.
    pub progress: Option<(u64, u64)>,
    /// A fast-forward is under way (it can be cancelled).
    pub fast_forwarding: bool,
    /// The fast-forward controls may start one now.
    pub can_fast_forward: bool,
    /// Reset was pressed: it would delete this many checkpoints, so the page asks first.
    pub confirm_reset: Option<usize>,
}

impl super::State {
    pub fn transport(&self) -> Transport {
        use super::{Phase, Worker};
        let (batches_run, time_ms) = self.clock();
        let runnable = self.runnable();
        let status = match (&self.worker, self.run.phase) {
            (Worker::Failed(_), _) => ("engine stopped", "blocked"),
            _ if !self.spec_errors.is_empty() => ("fix errors to run", "blocked"),
            _ if self.doc.choice.is_some() => ("your choice", "blocked"),
            (_, Phase::FastForwarding) => ("fast-forwarding", "busy"),
            (_, Phase::Recovering | Phase::Restoring { .. }) => ("recovering", "busy"),
            (_, Phase::Starting) if self.run.target > 0 => ("re-running", "busy"),
            (_, Phase::Starting) => ("starting", "busy"),
            (_, Phase::Stopped) => ("stopped", "blocked"),
            (_, Phase::Ready) if self.playing => ("running", "live"),
            (_, Phase::Ready) => ("paused", "paused"),
        };
        Transport {
            playing: self.playing,
            runnable,
            batches_run,
            time_ms,
            speed: self.speed,
            batch_interval_ms: self.spec.batch_interval_ms,
            status,
            progress: self.run.progress,
            fast_forwarding: self.run.phase == Phase::FastForwarding,
            can_fast_forward: runnable
                && !self.playing
                && self.run.phase == Phase::Ready
                && self.run.in_flight.is_none(),
            confirm_reset: self.confirm_reset.then_some(self.checkpoints.kept.len()),
        }
    }
}
