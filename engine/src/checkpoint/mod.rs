//! Checkpoints, as Spark Streaming's `StreamingContext.checkpoint` makes them: the whole
//! restartable state of an [`Engine`] at a batch boundary, so a stopped driver (a reloaded
//! page) continues exactly where it stopped, and the time axis can rewind to any snapshot.
//!
//! A [`Snapshot`] holds the pipeline spec (as its JSON text), the batches run, per node what
//! the next ticks still read (the RDDs later jobs read back: window buffers,
//! `updateStateByKey` state, a source batch a window's next slide computes; the windows'
//! per-batch reductions; an incremental window's previous value; mapWithState's state), and
//! the input log (every typed line by batch, and the blocks a fault-lab kill lost). Source
//! offsets need no field of their own: a `queueStream`'s and a `generator`'s batch is a
//! function of its index or time. Accumulators are not in it: Spark cannot recover them
//! from a checkpoint, so a restored context starts them at 0.
//!
//! On disk ([`Snapshot::to_bytes`]) it is a 24-byte header, `DSTRSNAP`, the format version
//! (u32), the payload length (u64) and the payload's CRC-32 (u32), all little-endian, then
//! the payload in `postcard`. Postcard, not JSON: records are serde enums written as a varint
//! tag plus raw bytes, so 100 000 keys of state encode in a few MB with no float formatting or
//! string escaping, several times faster than `serde_json` both ways; and unlike
//! `bincode` 1 (unmaintained) it is actively kept. The header lets a reader tell a file that
//! is not a snapshot, a truncated one, a corrupted one (checksum) and one written by another
//! format version apart, and say which.
//!
//! Format versions: 1 held the spec, the batch count and the nodes' state; 2 added the
//! pipeline it belongs to ([`pipeline_key`], a stable fingerprint of the spec) and its batch
//! time; 3 (this one) adds the input log and mapWithState's own slot, and drops the
//! accumulators. Versions 1 and 2 are migrated on read ([`Snapshot::from_bytes`], through
//! `legacy.rs`) and say so in [`Snapshot::migrated_from`]; `tests/fixtures/snapshot-v1/` and
//! `snapshot-v2/` hold real files those engines wrote.

mod legacy;

use std::fmt;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::error::SpecError;
use crate::input::InputLog;
use crate::plan::NodeOp;
use crate::rdd::{PairRdd, Rdd};
use crate::spec::PipelineSpec;
use crate::value::Value;

/// The first 8 bytes of every snapshot.
pub const MAGIC: &[u8; 8] = b"DSTRSNAP";
/// The snapshot format this engine writes and reads. Bump it when [`Snapshot`] changes shape,
/// and migrate (or refuse, naming both versions) the older ones in [`Snapshot::from_bytes`].
pub const FORMAT_VERSION: u32 = 3;
/// The oldest format [`Snapshot::from_bytes`] migrates.
pub const OLDEST_MIGRATED: u32 = 1;
/// Header: magic, version, payload length, CRC-32.
pub const HEADER_LEN: usize = 8 + 4 + 8 + 4;
/// Spark's minimum checkpoint interval for stateful and windowed streams.
pub const SPARK_MIN_CHECKPOINT_MS: u64 = 10_000;

/// Spark's default checkpoint interval for a stream sliding every `slide_ms`:
/// `slideDuration * ceil(10 s / slideDuration)`, the first multiple of the slide that is at
/// least 10 seconds (`DStream.initialize`).
pub fn spark_checkpoint_interval_ms(slide_ms: u64) -> u64 {
    let s = slide_ms.max(1);
    s * SPARK_MIN_CHECKPOINT_MS.div_ceil(s)
}

/// The whole restartable state of an engine after `batches_run` batches (format version 3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The pipeline, as `pipeline-spec.md` JSON (postcard cannot carry free-form JSON).
    pub spec_json: String,
    /// The pipeline it belongs to: [`pipeline_key`] of the spec above.
    pub pipeline_key: String,
    pub batches_run: u64,
    /// The batch time it was taken at: `batches_run` × the batch interval (0 before the first).
    pub time_ms: u64,
    /// One per plan node, in spec order.
    pub nodes: Vec<NodeState>,
    /// Every line typed so far with its batch, and the blocks kills lost (a queueStream's
    /// and a generator's too): the run's input, which a new context can replay.
    pub input: InputLog,
    /// Read from an older format and migrated (not stored: a written snapshot is current).
    #[serde(skip)]
    pub migrated_from: Option<u32>,
}

/// A pipeline's stable key: FNV-1a (64-bit) of its canonical JSON (object keys sorted, no
/// whitespace), as 16 hex digits. The same spec gives the same key on every machine, build
/// and run (std's `DefaultHasher` is randomly seeded, so it would not); any edit gives
/// another key, as an edit starts another stream.
pub fn pipeline_key(spec: &PipelineSpec) -> String {
    let mut text = String::new();
    if let Ok(v) = serde_json::to_value(spec) {
        canonical(&v, &mut text);
    }
    format!("{:016x}", fnv1a64(text.as_bytes()))
}

/// FNV-1a, 64-bit (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// JSON with object keys in byte order and no whitespace, whatever map order serde_json uses.
fn canonical(v: &serde_json::Value, out: &mut String) {
    use serde_json::Value as J;
    match v {
        J::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&J::String(k.clone()).to_string());
                out.push(':');
                canonical(v, out);
            }
            out.push('}');
        }
        J::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// What one node keeps across batches.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeState {
    pub id: String,
    /// Its computed RDDs a later job still reads, by batch time.
    pub history: Vec<(u64, SavedRdd)>,
    /// A windowed node: the parent's per-batch reduced pairs, by parent time.
    pub reduced: Vec<(u64, PairParts)>,
    /// A keyed window: its value at its last slide.
    pub window: Option<(u64, SavedRdd)>,
    /// mapWithState: its state records `(key, state, updated_ms)` after its last batch.
    pub state: Option<(u64, SavedRdd)>,
}

/// A window's per-batch pairs, by partition.
pub type PairParts = Vec<Vec<(Value, Value)>>;

/// An RDD's partitions, as saved.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SavedRdd {
    pub parts: Vec<Vec<Value>>,
    pub hashed: bool,
}

impl SavedRdd {
    fn of(r: &Rdd) -> SavedRdd {
        SavedRdd {
            parts: r.parts.clone(),
            hashed: r.hashed,
        }
    }
    fn into_rdd(self) -> Rc<Rdd> {
        Rc::new(Rdd {
            parts: self.parts,
            hashed: self.hashed,
        })
    }
}

/// Why a snapshot cannot be read or restored. Every message says what is wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum SnapshotError {
    /// The bytes do not start with [`MAGIC`].
    NotASnapshot,
    /// Fewer (or more) bytes than the header announces.
    Truncated { expected: u64, found: u64 },
    /// The payload's CRC-32 differs from the one stored: the bytes were altered.
    Corrupt { stored: u32, computed: u32 },
    /// Written by another format version.
    Version { found: u32, expected: u32 },
    /// The payload passed the checksum but does not decode (a writer bug).
    Decode(String),
    /// The saved pipeline no longer validates.
    Spec(Vec<SpecError>),
    /// The state does not fit the pipeline (node count or ids differ).
    Mismatch(String),
    /// The snapshot belongs to another pipeline than the one it was filed under.
    WrongPipeline { filed_under: String, found: String },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::NotASnapshot => write!(
                f,
                "not a checkpoint snapshot (it does not start with the {} header)",
                String::from_utf8_lossy(MAGIC)
            ),
            SnapshotError::Truncated { expected, found } => write!(
                f,
                "the snapshot is truncated: {found} bytes where its header announces {expected}"
            ),
            SnapshotError::Corrupt { stored, computed } => write!(
                f,
                "the snapshot is corrupted: its checksum is {computed:08x}, the header says {stored:08x}"
            ),
            SnapshotError::Version { found, expected } if found < expected => write!(
                f,
                "the snapshot has format version {found}, older than this engine's version \
                 {expected}; only version {OLDEST_MIGRATED} and later can be migrated, so the \
                 pipeline starts anew"
            ),
            SnapshotError::Version { found, expected } => write!(
                f,
                "the snapshot has format version {found}, newer than this engine's version \
                 {expected} (written by a newer playground)"
            ),
            SnapshotError::Decode(e) => write!(f, "the snapshot's payload does not decode: {e}"),
            SnapshotError::Spec(errors) => {
                write!(f, "the snapshot's pipeline is not valid:")?;
                for e in errors {
                    write!(f, " {e};")?;
                }
                Ok(())
            }
            SnapshotError::Mismatch(m) => write!(f, "the snapshot does not fit its pipeline: {m}"),
            SnapshotError::WrongPipeline { filed_under, found } => write!(
                f,
                "the snapshot belongs to pipeline {found}, not to pipeline {filed_under} it was \
                 filed under"
            ),
        }
    }
}

impl std::error::Error for SnapshotError {}

impl Snapshot {
    /// The header and the postcard payload, in the current format.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serializing these plain structs into a Vec cannot fail (no maps with non-string
        // keys, no unknown lengths); an empty payload would be refused by `from_bytes`.
        frame(
            FORMAT_VERSION,
            &postcard::to_allocvec(self).unwrap_or_default(),
        )
    }

    /// The same state in the version-1 layout, as the version-1 engine wrote it: only for
    /// re-creating the migration fixtures and testing the migration.
    #[doc(hidden)]
    pub fn to_v1_bytes(&self) -> Vec<u8> {
        frame(
            1,
            &postcard::to_allocvec(&legacy::v1_of(self)).unwrap_or_default(),
        )
    }

    /// The same state in the version-2 layout: only for testing the migration.
    #[doc(hidden)]
    pub fn to_v2_bytes(&self) -> Vec<u8> {
        frame(
            2,
            &postcard::to_allocvec(&legacy::v2_of(self)).unwrap_or_default(),
        )
    }

    /// Reads what [`Snapshot::to_bytes`] wrote, and migrates a version-1 or -2 snapshot
    /// (setting [`Snapshot::migrated_from`]); refuses anything altered, cut short or of a
    /// version it does not know with an error that says which.
    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, SnapshotError> {
        let header = read_header(bytes)?;
        let payload = &bytes[HEADER_LEN..];
        let computed = crc32fast::hash(payload);
        if computed != header.crc {
            return Err(SnapshotError::Corrupt {
                stored: header.crc,
                computed,
            });
        }
        let decode = |e: postcard::Error| SnapshotError::Decode(e.to_string());
        match header.version {
            1 => postcard::from_bytes::<legacy::SnapshotV1>(payload)
                .map_err(decode)?
                .migrate()?
                .migrate(1),
            2 => postcard::from_bytes::<legacy::SnapshotV2>(payload)
                .map_err(decode)?
                .migrate(2),
            _ => postcard::from_bytes(payload).map_err(decode),
        }
    }

    /// The batch time the snapshot was taken at (0 before the first batch).
    pub fn time_ms(&self) -> u64 {
        self.time_ms
    }

    /// Refuses a snapshot that belongs to another pipeline than `key` (a checkpoint found
    /// under `key`, or a file given for a pipeline).
    pub fn check_pipeline(&self, key: &str) -> Result<(), SnapshotError> {
        if self.pipeline_key == key {
            Ok(())
        } else {
            Err(SnapshotError::WrongPipeline {
                filed_under: key.to_owned(),
                found: self.pipeline_key.clone(),
            })
        }
    }

    /// Keys held in state: records in keyed windows' and mapWithState's state.
    pub fn state_keys(&self) -> u64 {
        let count = |s: &Option<(u64, SavedRdd)>| {
            s.as_ref()
                .map_or(0, |(_, r)| r.parts.iter().map(|p| p.len() as u64).sum())
        };
        self.nodes
            .iter()
            .map(|n| count(&n.window) + count(&n.state))
            .sum()
    }
}

/// Magic, `version`, length and CRC-32, then the payload.
fn frame(version: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

struct Header {
    version: u32,
    crc: u32,
}

fn le_u32(b: &[u8]) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[..4]);
    u32::from_le_bytes(a)
}

fn le_u64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

/// Checks magic, version and length; the caller checks the CRC.
fn read_header(bytes: &[u8]) -> Result<Header, SnapshotError> {
    let m = bytes.len().min(MAGIC.len());
    if bytes[..m] != MAGIC[..m] {
        return Err(SnapshotError::NotASnapshot);
    }
    if bytes.len() < HEADER_LEN {
        return Err(SnapshotError::Truncated {
            expected: HEADER_LEN as u64,
            found: bytes.len() as u64,
        });
    }
    let version = le_u32(&bytes[8..12]);
    if !(OLDEST_MIGRATED..=FORMAT_VERSION).contains(&version) {
        return Err(SnapshotError::Version {
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    let len = le_u64(&bytes[12..20]);
    let found = (bytes.len() - HEADER_LEN) as u64;
    if found != len {
        return Err(SnapshotError::Truncated {
            expected: HEADER_LEN as u64 + len,
            found: bytes.len() as u64,
        });
    }
    Ok(Header {
        version,
        crc: le_u32(&bytes[20..24]),
    })
}

impl crate::plan::Plan {
    /// Spark's default checkpoint interval for this pipeline ([`spark_checkpoint_interval_ms`]
    /// of the slowest-sliding stateful or windowed node, else of the batch interval).
    pub fn default_checkpoint_interval_ms(&self) -> u64 {
        let slide = self
            .nodes
            .iter()
            .filter(|n| {
                matches!(
                    n.op,
                    NodeOp::Window(_) | NodeOp::UpdateStateByKey(..) | NodeOp::MapWithState(..)
                )
            })
            .map(|n| n.slide_ms)
            .max()
            .unwrap_or(self.batch_interval_ms);
        spark_checkpoint_interval_ms(slide)
    }
}

impl Engine {
    /// The engine's whole restartable state now (between ticks).
    ///
    /// Only the history a later job can read is saved (`Engine::still_read`): a stateless
    /// pipeline's snapshot holds no records at all, however large its batches; a node
    /// upstream of a window holds the batches since the window's last slide.
    pub fn snapshot(&self) -> Snapshot {
        let t = self.batches_run * self.plan.batch_interval_ms;
        let nodes = self
            .plan
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| NodeState {
                id: n.id.clone(),
                history: self.nodes[i]
                    .history
                    .iter()
                    .filter(|(p, _)| self.still_read(i, **p, t))
                    .map(|(t, r)| (*t, SavedRdd::of(r)))
                    .collect(),
                reduced: self.nodes[i]
                    .reduced
                    .iter()
                    .map(|(t, r)| (*t, r.parts.clone()))
                    .collect(),
                window: self.nodes[i]
                    .window
                    .as_ref()
                    .map(|(t, r)| (*t, SavedRdd::of(r))),
                state: self.nodes[i]
                    .state
                    .as_ref()
                    .map(|(t, r)| (*t, SavedRdd::of(r))),
            })
            .collect();
        Snapshot {
            spec_json: self.spec.to_json(),
            pipeline_key: pipeline_key(&self.spec),
            batches_run: self.batches_run,
            time_ms: t,
            nodes,
            input: self.input.clone(),
            migrated_from: None,
        }
    }

    /// The engine a snapshot describes: its next tick is the batch after the snapshot's last,
    /// and it computes exactly what the engine that took the snapshot would have, except its
    /// accumulators, which start at 0 (Spark cannot recover them from a checkpoint).
    pub fn restore(snapshot: Snapshot) -> Result<Engine, SnapshotError> {
        let mut engine = Engine::for_snapshot(&snapshot)?;
        engine.batches_run = snapshot.batches_run;
        engine.input = snapshot.input;
        for (i, state) in snapshot.nodes.into_iter().enumerate() {
            engine.put_state(i, state);
        }
        Ok(engine)
    }

    /// A fresh engine of the snapshot's pipeline, once the snapshot is known to restore into
    /// it (its pipeline key is its spec's, and its nodes are the pipeline's, in order); the
    /// state is not put in. What [`Engine::restore`] refuses, this refuses with the same error.
    pub fn for_snapshot(snapshot: &Snapshot) -> Result<Engine, SnapshotError> {
        let spec = PipelineSpec::from_json(&snapshot.spec_json)
            .map_err(|e| SnapshotError::Spec(vec![e]))?;
        // The key must be its own spec's: anything else was altered or mis-filed.
        snapshot.check_pipeline(&pipeline_key(&spec))?;
        let engine = Engine::new(spec).map_err(SnapshotError::Spec)?;
        if engine.plan.nodes.len() != snapshot.nodes.len() {
            return Err(SnapshotError::Mismatch(format!(
                "the pipeline has {} nodes, the state {}",
                engine.plan.nodes.len(),
                snapshot.nodes.len()
            )));
        }
        for (i, (node, state)) in engine.plan.nodes.iter().zip(&snapshot.nodes).enumerate() {
            if node.id != state.id {
                return Err(SnapshotError::Mismatch(format!(
                    "node {i} is `{}` in the pipeline but `{}` in the state",
                    node.id, state.id
                )));
            }
        }
        Ok(engine)
    }

    /// The snapshot's default interval for this pipeline: Spark's rule
    /// ([`spark_checkpoint_interval_ms`]) for the slowest-sliding stateful or windowed node,
    /// or the batch interval times the same rule when there is none (the driver's metadata).
    pub fn default_checkpoint_interval_ms(&self) -> u64 {
        self.plan.default_checkpoint_interval_ms()
    }

    /// Puts node `i`'s saved state in place (`batches_run` already set).
    fn put_state(&mut self, i: usize, state: NodeState) {
        let run = &mut self.nodes[i];
        run.history = state
            .history
            .into_iter()
            .map(|(t, r)| (t, r.into_rdd()))
            .collect();
        run.reduced = state
            .reduced
            .into_iter()
            .map(|(t, parts)| (t, Rc::new(PairRdd { parts })))
            .collect();
        run.window = state.window.map(|(t, r)| (t, r.into_rdd()));
        run.state = state.state.map(|(t, r)| (t, r.into_rdd()));
        // What its readers computed before is not known: keep its inputs' RDDs for as long
        // as they may be read (only how long they stay, never what is computed, depends on it).
        run.computed_to = 0;
        run.reduced_to = run.reduced.keys().next_back().copied().unwrap_or(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIPELINE: &str = r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
        {"id": "lines", "op": "queueStream", "batches": [["a b", "a"], ["b c"], ["a"], ["c c"]]},
        {"id": "pairs", "op": "map", "inputs": ["lines"], "fn": "w => (w, 1)"},
        {"id": "counts", "op": "reduceByKeyAndWindow", "inputs": ["pairs"],
         "fn": "_ + _", "inverse": "_ - _", "window_ms": 2000},
        {"id": "out", "op": "foreachRDD", "inputs": ["counts"], "action": "count", "accumulate": true}]}"#;

    fn engine_after(n: usize) -> Engine {
        let mut e = Engine::from_json(PIPELINE).unwrap();
        for _ in 0..n {
            e.tick().unwrap();
        }
        e
    }

    #[test]
    fn bytes_round_trip() {
        let s = engine_after(2).snapshot();
        let bytes = s.to_bytes();
        assert_eq!(&bytes[..8], MAGIC);
        assert_eq!(Snapshot::from_bytes(&bytes).unwrap(), s);
        assert_eq!(s.time_ms(), 2000);
        assert_eq!(s.migrated_from, None);
        assert!(s.state_keys() > 0);
    }

    #[test]
    fn every_damage_is_named() {
        let bytes = engine_after(3).snapshot().to_bytes();
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x40;
        let e = Snapshot::from_bytes(&flipped).unwrap_err();
        assert!(matches!(e, SnapshotError::Corrupt { .. }), "{e}");
        assert!(e.to_string().contains("corrupted"));
        let e = Snapshot::from_bytes(&bytes[..bytes.len() - 5]).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        let e = Snapshot::from_bytes(&bytes[..10]).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
        assert_eq!(
            Snapshot::from_bytes(b"{\"version\": 1}").unwrap_err(),
            SnapshotError::NotASnapshot
        );
        let mut old = bytes.clone();
        old[8..12].copy_from_slice(&0u32.to_le_bytes());
        let e = Snapshot::from_bytes(&old).unwrap_err();
        assert_eq!(
            e,
            SnapshotError::Version {
                found: 0,
                expected: FORMAT_VERSION
            }
        );
        assert!(e.to_string().contains("version 0"), "{e}");
        assert!(e.to_string().contains("version 3"), "{e}");
        let mut newer = bytes.clone();
        newer[8..12].copy_from_slice(&4u32.to_le_bytes());
        let e = Snapshot::from_bytes(&newer).unwrap_err();
        assert_eq!(
            e,
            SnapshotError::Version {
                found: 4,
                expected: 3
            }
        );
        assert!(e.to_string().contains("version 4"), "{e}");
        assert!(e.to_string().contains("version 3"), "{e}");
        assert!(e.to_string().contains("newer"), "{e}");
    }

    #[test]
    fn a_version_1_snapshot_is_migrated_and_says_so() {
        let s = engine_after(3).snapshot();
        let v1 = s.to_v1_bytes();
        assert_eq!(&v1[8..12], &1u32.to_le_bytes());
        let migrated = Snapshot::from_bytes(&v1).unwrap();
        assert_eq!(migrated.migrated_from, Some(1));
        assert_eq!(
            Snapshot {
                migrated_from: None,
                ..migrated.clone()
            },
            s
        );
        // Written again, it is a current snapshot.
        let again = Snapshot::from_bytes(&migrated.to_bytes()).unwrap();
        assert_eq!(again.migrated_from, None);
        assert_eq!(&migrated.to_bytes()[8..12], &FORMAT_VERSION.to_le_bytes());
    }

    #[test]
    fn the_pipeline_key_is_stable_and_changes_with_any_edit() {
        let spec = PipelineSpec::from_json(PIPELINE).unwrap();
        // A fixed value: the key must not depend on the build, the run or the machine.
        assert_eq!(pipeline_key(&spec), "6e7dc1ab32dc8321");
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        let reparsed = PipelineSpec::from_json(&spec.to_json()).unwrap();
        assert_eq!(pipeline_key(&reparsed), pipeline_key(&spec));
        let mut edited = spec.clone();
        edited.batch_interval_ms = 2000;
        assert_ne!(pipeline_key(&edited), pipeline_key(&spec));
        assert_eq!(engine_after(2).snapshot().pipeline_key, pipeline_key(&spec));
    }

    #[test]
    fn a_snapshot_filed_under_another_pipeline_is_refused() {
        let mut s = engine_after(2).snapshot();
        let key = s.pipeline_key.clone();
        assert_eq!(s.check_pipeline(&key), Ok(()));
        let e = s.check_pipeline("0000000000000000").unwrap_err();
        assert!(e.to_string().contains("0000000000000000"), "{e}");
        assert!(e.to_string().contains(&key), "{e}");
        s.pipeline_key = "0000000000000000".into();
        assert!(matches!(
            Engine::restore(s).err(),
            Some(SnapshotError::WrongPipeline { .. })
        ));
    }

    #[test]
    fn a_stateless_pipelines_snapshot_holds_no_records() {
        let json = r#"{"version": 1, "batch_interval_ms": 1000, "nodes": [
            {"id": "g", "op": "generator", "kind": "words", "rate_per_s": 5000, "seed": 1},
            {"id": "p", "op": "map", "inputs": ["g"], "fn": "l => (l.length, 1)"},
            {"id": "r", "op": "reduceByKey", "inputs": ["p"], "fn": "_ + _"},
            {"id": "out", "op": "print", "inputs": ["r"]}]}"#;
        let mut e = Engine::from_json(json).unwrap();
        for _ in 0..3 {
            e.tick().unwrap();
        }
        let s = e.snapshot();
        assert!(
            s.nodes.iter().all(|n| n.history.is_empty()),
            "{:?}",
            s.nodes
        );
        assert!(s.to_bytes().len() < 2000);
    }

    #[test]
    fn spark_default_interval_is_the_first_slide_multiple_of_ten_seconds() {
        assert_eq!(spark_checkpoint_interval_ms(1000), 10_000);
        assert_eq!(spark_checkpoint_interval_ms(3000), 12_000);
        assert_eq!(spark_checkpoint_interval_ms(15_000), 15_000);
        assert_eq!(spark_checkpoint_interval_ms(400), 10_000);
        assert_eq!(engine_after(0).default_checkpoint_interval_ms(), 10_000);
    }

    #[test]
    fn a_snapshot_of_other_nodes_is_refused() {
        let mut s = engine_after(1).snapshot();
        s.nodes[1].id = "renamed".into();
        let e = Engine::restore(s.clone()).err().unwrap();
        assert!(e.to_string().contains("renamed"), "{e}");
        s.nodes.pop();
        assert!(matches!(
            Engine::restore(s).err(),
            Some(SnapshotError::Mismatch(_))
        ));
    }

    #[test]
    fn a_restored_context_starts_its_accumulators_at_0() {
        // `out` counts the window's keys with accumulate: true.
        let mut whole = engine_after(2);
        let bytes = whole.snapshot().to_bytes();
        let mut restored = Engine::restore(Snapshot::from_bytes(&bytes).unwrap()).unwrap();
        let keys_now = |e: &mut Engine| e.tick().unwrap().nodes[2].count as i64;
        let (before, mut fresh) = (engine_after(2), engine_after(2));
        drop(before);
        let at_3 = keys_now(&mut fresh);
        let whole_out = whole.tick().unwrap().outputs.remove(0).records;
        let restored_out = restored.tick().unwrap().outputs.remove(0).records;
        let running: i64 = match &whole_out[0] {
            Value::Int(n) => *n,
            other => panic!("{other}"),
        };
        assert!(
            running > at_3,
            "the uninterrupted one carries on: {running}"
        );
        assert_eq!(restored_out, vec![Value::Int(at_3)]);
    }
}
