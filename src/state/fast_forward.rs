//! Fast-forward: "Run to t = …" and "+ N batches" run the context's next batches at full
//! speed in the worker (the re-run's slices: progress, cancellable, the page responsive), and
//! the axis is drawn once, at the batch reached, from the last reports.

use dstream_engine::{BatchError, BatchReport};

use super::{Effect, Origin, Phase, State};
use crate::clock::duration;
use crate::protocol::{Request, SnapshotTaken, MAX_FAST_FORWARD};

/// What the fast-forward controls ask for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FastForward {
    /// Run until the batch of this time (ms) has run: batch `t / interval - 1`.
    ToTime(u64),
    /// Run this many more batches.
    By(u64),
    Cancel,
}

impl State {
    pub(super) fn fast_forward(&mut self, ff: FastForward, fx: &mut Vec<Effect>) {
        let interval = self.spec.batch_interval_ms.max(1);
        let now = self.run.batches_run;
        let target = match ff {
            FastForward::Cancel => {
                if self.run.phase == Phase::FastForwarding {
                    let generation = self.run.generation;
                    self.send(fx, Request::Cancel { generation });
                }
                return;
            }
            FastForward::ToTime(ms) => ms / interval,
            FastForward::By(n) => now.saturating_add(n),
        };
        if self.run.phase != Phase::Ready || self.run.in_flight.is_some() || !self.runnable() {
            self.run.notice =
                Some("Fast-forward runs once the context is up and no batch is under way.".into());
            return;
        }
        if target <= now {
            self.run.notice = Some(format!(
                "t = {} is batch #{}, which has run: the stream is at t = {}.",
                duration(target.max(1) * interval),
                target.max(1) - 1,
                duration(now * interval)
            ));
            return;
        }
        if target - now > MAX_FAST_FORWARD {
            self.run.notice = Some(format!(
                "A fast-forward runs at most {MAX_FAST_FORWARD} batches at a time ({} at this batch interval).",
                duration(MAX_FAST_FORWARD * interval)
            ));
            return;
        }
        self.run.notice = None;
        self.playing = false;
        self.run.queued.clear();
        let typed = self.input.take(now);
        // Spark checkpoints every interval on the way; the page keeps the newest, so only the
        // last one due is taken.
        let default = self
            .plan
            .as_ref()
            .map_or(10_000, |p| p.default_checkpoint_interval_ms);
        let checkpoint_after = (now + 1..=target)
            .rev()
            .find(|b| self.checkpoints.due(b * interval, default));
        self.run.phase = Phase::FastForwarding;
        self.run.progress = Some((now, target));
        let generation = self.run.generation;
        self.send(
            fx,
            Request::RunTo {
                generation,
                upto: target,
                typed,
                checkpoint_after,
            },
        );
    }

    pub(super) fn fast_forwarded(
        &mut self,
        batches_run: u64,
        reports: Vec<BatchReport>,
        error: Option<BatchError>,
        cancelled: bool,
        snapshot: Option<SnapshotTaken>,
        fx: &mut Vec<Effect>,
    ) {
        self.run.phase = super::Phase::Ready;
        self.run.progress = None;
        for report in reports {
            // Run by this context, at full speed: no tick timing to chart.
            self.record(report, None, Origin::Live);
        }
        self.run.batches_run = batches_run;
        self.run.target = batches_run;
        if let Some(s) = snapshot {
            self.write_snapshot(s, fx);
        }
        if cancelled {
            self.run.notice = Some(format!(
                "Fast-forward cancelled after batch #{}: the stream is at t = {}.",
                batches_run.saturating_sub(1),
                duration(batches_run * self.spec.batch_interval_ms)
            ));
        }
        if let Some(error) = error {
            self.fail(error);
        }
    }
}
