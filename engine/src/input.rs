//! The learner's input as a log the engine keeps: every line fed to a `textInput` with the
//! batch it went into, and the blocks of `queueStream` and `generator` batches the fault lab
//! lost. A batch's source RDDs are read from it, so a new context (an edited pipeline, a
//! restore) replays the same input batch by batch.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

/// Typed lines and lost blocks, by batch.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputLog {
    /// One entry per batch and textInput node that received lines, in batch order (within a
    /// batch, in the order its nodes were first fed). Lines fed before the tick of batch `k`
    /// are batch `k`'s; a line a receiver kill lost is not here.
    pub lines: Vec<LoggedLines>,
    /// Partitions of queueStream and generator batches a kill lost (the batch's RDD has its
    /// other partitions, as a BlockRDD has the blocks that survived).
    pub lost: Vec<LostBlock>,
}

/// The lines one textInput received for one batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedLines {
    pub batch: u64,
    pub node: String,
    /// Shared with the records of the batch's RDD (serialised as strings).
    pub lines: Vec<Rc<str>>,
}

/// One lost partition of a source's batch.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LostBlock {
    pub batch: u64,
    pub node: String,
    pub partition: u32,
}

impl InputLog {
    /// The entries of `batch`, as a range of `lines`.
    fn batch_range(&self, batch: u64) -> std::ops::Range<usize> {
        let lo = self.lines.partition_point(|e| e.batch < batch);
        let hi = self.lines.partition_point(|e| e.batch <= batch);
        lo..hi
    }

    /// The lines node `node` received for `batch`.
    pub fn lines_of(&self, node: &str, batch: u64) -> &[Rc<str>] {
        self.lines[self.batch_range(batch)]
            .iter()
            .find(|e| e.node == node)
            .map_or(&[], |e| &e.lines)
    }

    /// Appends lines to what `node` received for `batch`.
    pub fn push<L: Into<Rc<str>>>(
        &mut self,
        batch: u64,
        node: &str,
        lines: impl IntoIterator<Item = L>,
    ) {
        let range = self.batch_range(batch);
        let at = range.end;
        match self.lines[range].iter_mut().find(|e| e.node == node) {
            Some(e) => e.lines.extend(lines.into_iter().map(Into::into)),
            None => {
                let lines: Vec<Rc<str>> = lines.into_iter().map(Into::into).collect();
                if !lines.is_empty() {
                    self.lines.insert(
                        at,
                        LoggedLines {
                            batch,
                            node: node.to_string(),
                            lines,
                        },
                    );
                }
            }
        }
    }

    /// Replaces what `node` received for `batch` (empty: it received nothing).
    pub fn set(&mut self, batch: u64, node: &str, lines: Vec<Rc<str>>) {
        let range = self.batch_range(batch);
        if let Some(k) = range.clone().find(|&k| self.lines[k].node == node) {
            if lines.is_empty() {
                self.lines.remove(k);
            } else {
                self.lines[k].lines = lines;
            }
        } else {
            self.push(batch, node, lines);
        }
    }

    /// The partitions of `node`'s batch `batch` that were lost, ascending.
    pub fn lost_of(&self, node: &str, batch: u64) -> Vec<usize> {
        let mut parts: Vec<usize> = self
            .lost
            .iter()
            .filter(|l| l.batch == batch && l.node == node)
            .map(|l| l.partition as usize)
            .collect();
        parts.sort_unstable();
        parts.dedup();
        parts
    }

    /// Records that partition `partition` of `node`'s batch `batch` was lost.
    pub fn lose(&mut self, batch: u64, node: &str, partition: usize) {
        let block = LostBlock {
            batch,
            node: node.to_string(),
            partition: u32::try_from(partition).unwrap_or(u32::MAX),
        };
        if let Err(at) = self.lost.binary_search(&block) {
            self.lost.insert(at, block);
        }
    }

    /// Every line logged, over all batches and nodes.
    pub fn line_count(&self) -> usize {
        self.lines.iter().map(|e| e.lines.len()).sum()
    }

    /// Keeps only what batches before `batch` received (a new context replaying up to it).
    pub fn before(&self, batch: u64) -> InputLog {
        InputLog {
            lines: self
                .lines
                .iter()
                .filter(|e| e.batch < batch)
                .cloned()
                .collect(),
            lost: self
                .lost
                .iter()
                .filter(|l| l.batch < batch)
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<Rc<str>> {
        v.iter().map(|&s| Rc::from(s)).collect()
    }

    #[test]
    fn lines_are_kept_by_batch_and_node_in_feed_order() {
        let mut log = InputLog::default();
        log.push(1, "b", strings(&["x"]));
        log.push(0, "a", strings(&["1", "2"]));
        log.push(1, "a", strings(&["y"]));
        log.push(1, "b", strings(&["z"]));
        log.push(2, "a", Vec::<Rc<str>>::new());
        assert_eq!(log.lines_of("a", 0), strings(&["1", "2"]));
        assert_eq!(log.lines_of("b", 1), strings(&["x", "z"]));
        assert_eq!(log.lines_of("a", 1), strings(&["y"]));
        assert!(log.lines_of("a", 2).is_empty());
        assert_eq!(log.lines.len(), 3, "no entry for nothing fed");
        assert_eq!(log.line_count(), 5);
        log.set(1, "b", Vec::new());
        assert!(log.lines_of("b", 1).is_empty());
        assert_eq!(log.before(1).line_count(), 2);
    }

    #[test]
    fn lost_blocks_are_recorded_once() {
        let mut log = InputLog::default();
        log.lose(3, "q", 1);
        log.lose(3, "q", 1);
        log.lose(3, "q", 0);
        log.lose(2, "g", 1);
        assert_eq!(log.lost_of("q", 3), [0, 1]);
        assert_eq!(log.lost_of("g", 2), [1]);
        assert!(log.lost_of("q", 2).is_empty());
        assert_eq!(log.lost.len(), 3);
    }
}
