//! The fault lab's part of the state: its settings, what the last kill did and the totals of
//! the current context. The engine worker applies kills (`dstream_engine::fault`); this only
//! keeps its answers.

use dstream_engine::fault::{Fault, FaultConfig, FaultReport, ReceiverMode};

use crate::protocol::{Generation, Reply, Request};

/// A setting the learner changed. One setting per action, applied to the current settings, so
/// two changes in a row (faster than a render) both hold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LabSetting {
    Mode(ReceiverMode),
    Wal(bool),
    Replication(u8),
}

#[derive(Clone, Debug, PartialEq)]
pub enum LabAction {
    Configure(LabSetting),
    Kill(Fault),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lab {
    pub config: FaultConfig,
    pub last: Option<FaultReport>,
    pub lost_total: u64,
    pub recovered_total: u64,
    /// The checkpoint a driver kill would recover from (batches run when it was taken).
    pub checkpoint_batch: Option<u64>,
    /// A kill sent and not answered yet.
    pub pending: Option<Fault>,
}

impl Lab {
    /// The request for `action` in context `generation`, if one is needed.
    pub fn on(&mut self, action: LabAction, generation: Generation) -> Option<Request> {
        match action {
            LabAction::Configure(setting) => {
                match setting {
                    LabSetting::Mode(m) => self.config.mode = m,
                    LabSetting::Wal(on) => self.config.wal = on,
                    LabSetting::Replication(r) => self.config.replication = r.clamp(1, 2),
                }
                Some(Request::Configure { lab: self.config })
            }
            LabAction::Kill(fault) => {
                if self.pending.is_some() {
                    return None;
                }
                self.pending = Some(fault);
                Some(Request::Kill { generation, fault })
            }
        }
    }

    /// A `Killed` reply: the report and the context's totals.
    pub fn killed(&mut self, reply: &Reply) {
        if let Reply::Killed {
            report,
            lost_total,
            recovered_total,
            checkpoint_batch,
            ..
        } = reply
        {
            self.pending = None;
            self.last = Some((**report).clone());
            self.lost_total = *lost_total;
            self.recovered_total = *recovered_total;
            self.checkpoint_batch = *checkpoint_batch;
        }
    }

    /// A new context (Reset, another pipeline, an edit): its totals start at 0; the settings
    /// stay.
    pub fn new_context(&mut self) {
        *self = Lab {
            config: self.config,
            ..Lab::default()
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_changed_one_after_another_all_hold_and_each_is_sent() {
        let mut lab = Lab::default();
        let sent: Vec<Option<Request>> = [
            LabSetting::Mode(ReceiverMode::Pull),
            LabSetting::Replication(1),
            LabSetting::Wal(true),
        ]
        .into_iter()
        .map(|s| lab.on(LabAction::Configure(s), 1))
        .collect();
        assert_eq!(
            (lab.config.mode, lab.config.replication, lab.config.wal),
            (ReceiverMode::Pull, 1, true)
        );
        assert_eq!(
            sent.last(),
            Some(&Some(Request::Configure { lab: lab.config }))
        );
    }

    #[test]
    fn a_second_kill_waits_for_the_first_and_a_new_context_clears_the_totals() {
        let mut lab = Lab::default();
        assert!(lab.on(LabAction::Kill(Fault::Receiver), 3).is_some());
        assert!(lab.on(LabAction::Kill(Fault::Driver), 3).is_none());
        lab.killed(&Reply::Killed {
            generation: 3,
            report: Box::new(FaultReport {
                lost: 4,
                ..FaultReport::default()
            }),
            restarted: None,
            input: Default::default(),
            lost_total: 4,
            recovered_total: 1,
            checkpoint_batch: Some(2),
        });
        assert_eq!((lab.lost_total, lab.pending), (4, None));
        lab.on(LabAction::Configure(LabSetting::Wal(true)), 3);
        lab.new_context();
        assert_eq!(
            (lab.lost_total, lab.recovered_total, lab.last.is_none()),
            (0, 0, true)
        );
        assert!(lab.config.wal, "the settings stay");
    }
}
