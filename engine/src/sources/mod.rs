//! Where batches come from: a fixed queue of batches, lines typed in the page, or a seeded
//! generator. A source's batch is a function of the batch (its index or time) and the
//! engine's input log (typed lines, and the blocks a fault-lab kill lost), so any batch can
//! be read again: by a later job, a peek, or a new context replaying the log.

pub mod generator;
pub mod queue;
pub mod text_input;

use crate::engine::Engine;
use crate::plan::Source;
use crate::rdd::{Rdd, DEFAULT_PARTITIONS};
use crate::value::Value;

/// Records per slice of `n` records parallelized into `slices` (Spark's slicing).
fn slice_sizes(n: usize, slices: usize) -> Vec<u64> {
    let s = slices.max(1);
    (0..s)
        .map(|k| ((k + 1) * n / s - k * n / s) as u64)
        .collect()
}

/// `rdd` without the partitions in `lost` (a BlockRDD of the blocks that survived); one
/// empty partition if none did.
fn without(rdd: Rdd, lost: &[usize]) -> Rdd {
    if lost.is_empty() {
        return rdd;
    }
    let parts: Vec<Vec<Value>> = rdd
        .parts
        .into_iter()
        .enumerate()
        .filter(|(p, _)| !lost.contains(p))
        .map(|(_, part)| part)
        .collect();
    if parts.is_empty() {
        Rdd::empty(1)
    } else {
        Rdd::new(parts)
    }
}

impl Engine {
    /// Source node `i`'s batch at time `t`, as the engine partitions it, less what a kill lost.
    pub(crate) fn source_rdd(&self, i: usize, t: u64) -> Rdd {
        let b = self.plan.batch_interval_ms;
        let batch = (t / b).saturating_sub(1);
        let node = &self.plan.nodes[i];
        let Some(source) = node.op.source() else {
            return Rdd::empty(1);
        };
        let rdd = match source {
            Source::Queue(batches) => queue::batch_rdd(batches, batch),
            Source::Generator(g) => g.batch_rdd(t, b),
            Source::TextInput => {
                let lines: Vec<Value> = self
                    .input
                    .lines_of(&node.id, batch)
                    .iter()
                    .map(|l| Value::Str(l.clone()))
                    .collect();
                text_input::batch_rdd(lines)
            }
        };
        without(rdd, &self.input.lost_of(&node.id, batch))
    }

    /// Source node `i`'s blocks of `batch`: each partition as the engine slices the batch
    /// (its index among the slices) with its record count, without building the records;
    /// the ones a kill lost are not there. Empty for a node that is not a source.
    pub fn source_blocks(&self, i: usize, batch: u64) -> Vec<(usize, u64)> {
        let b = self.plan.batch_interval_ms;
        let node = &self.plan.nodes[i];
        let Some(source) = node.op.source() else {
            return Vec::new();
        };
        let sizes = match source {
            Source::Queue(batches) => {
                let n = usize::try_from(batch)
                    .ok()
                    .and_then(|k| batches.get(k))
                    .map_or(0, Vec::len);
                slice_sizes(n, DEFAULT_PARTITIONS)
            }
            Source::Generator(g) => slice_sizes(g.per_batch(b) as usize, DEFAULT_PARTITIONS),
            Source::TextInput => slice_sizes(
                self.input.lines_of(&node.id, batch).len(),
                DEFAULT_PARTITIONS,
            ),
        };
        let lost = self.input.lost_of(&node.id, batch);
        sizes
            .into_iter()
            .enumerate()
            .filter(|(p, _)| !lost.contains(p))
            .collect()
    }

    /// How many records source node `i` holds for `batch`.
    pub fn source_count(&self, i: usize, batch: u64) -> u64 {
        self.source_blocks(i, batch).iter().map(|(_, n)| n).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_sizes_are_sparks_parallelize_slices() {
        assert_eq!(slice_sizes(5, 2), [2, 3]);
        assert_eq!(slice_sizes(1, 2), [0, 1]);
        assert_eq!(slice_sizes(0, 2), [0, 0]);
        for n in 0..20 {
            let r = Rdd::parallelize((0..n).map(Value::Int).collect(), 2);
            assert_eq!(r.partition_counts(), slice_sizes(n as usize, 2));
        }
    }
}
