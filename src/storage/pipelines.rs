//! The learner's pipelines in IndexedDB's `pipelines` store: the draft (the pipeline on the
//! page, written on every edit, so a reload brings it back) under `draft`, and "My
//! pipelines" under `pipeline/<name>`. The records and the rules (names, a rename onto a
//! taken name) are here for IndexedDB and the in-memory storage of the tests alike.

use dstream_engine::PipelineSpec;
use idb::ObjectStore;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use super::{request_error, Storage, StorageError, Store};

/// The draft's key.
pub const DRAFT_KEY: &str = "draft";
/// Saved pipelines' keys start with this.
const SAVED_PREFIX: &str = "pipeline/";

/// The key of the saved pipeline `name`.
pub fn saved_key(name: &str) -> String {
    format!("{SAVED_PREFIX}{name}")
}

/// The checkpoint directory a pipeline's run continues from: the slot (pipeline key) and the
/// DAG (`state::dag_key`) of the pipeline its newest checkpoint was taken from. An edit keeps
/// it until the edited pipeline writes a checkpoint of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointedFrom {
    pub slot: String,
    pub dag: String,
}

/// The pipeline on the page, as a reload brings it back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DraftRecord {
    pub spec: PipelineSpec,
    /// The gallery example it is, unchanged.
    #[serde(default)]
    pub example: Option<String>,
    /// The gallery example it was edited from.
    #[serde(default)]
    pub based_on: Option<String>,
    /// Its name in My pipelines.
    #[serde(default)]
    pub saved_as: Option<String>,
    #[serde(default)]
    pub checkpointed: Option<CheckpointedFrom>,
}

/// One of My pipelines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedPipeline {
    pub name: String,
    pub spec: PipelineSpec,
}

/// What a change to My pipelines did, for the page to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LibraryChange {
    Listed,
    Saved(String),
    Renamed { from: String, to: String },
    Deleted(String),
}

/// The rule of a rename: the pipeline must exist and the new name be free.
pub fn check_rename(names: &[String], from: &str, to: &str) -> Result<(), String> {
    if !names.iter().any(|n| n == from) {
        return Err(format!("there is no pipeline named \"{from}\""));
    }
    if from != to && names.iter().any(|n| n == to) {
        return Err(format!("a pipeline named \"{to}\" exists already"));
    }
    Ok(())
}

/// A saved pipeline's record under its new name.
pub fn renamed(mut p: SavedPipeline, to: &str) -> SavedPipeline {
    p.name = to.to_string();
    p.spec.name = Some(to.to_string());
    p
}

/// My pipelines in the order they are listed: by name.
pub fn sort(list: &mut [SavedPipeline]) {
    list.sort_by_key(|a| a.name.to_lowercase());
}

async fn get_json<T: serde::de::DeserializeOwned>(
    os: &ObjectStore,
    key: &str,
    what: &str,
) -> Result<Option<T>, StorageError> {
    let fail = request_error("read", Store::Pipelines, key);
    let found = os
        .get(JsValue::from_str(key))
        .map_err(&fail)?
        .await
        .map_err(&fail)?;
    super::decode_json(Store::Pipelines, key, found, what)
}

async fn put_json<T: Serialize>(os: &ObjectStore, key: &str, v: &T) -> Result<(), StorageError> {
    let fail = request_error("write", Store::Pipelines, key);
    let text = serde_json::to_string(v).unwrap_or_default();
    os.put(&JsValue::from_str(&text), Some(&JsValue::from_str(key)))
        .map_err(&fail)?
        .await
        .map_err(&fail)?;
    Ok(())
}

impl Storage {
    /// The draft, if one was written.
    pub async fn draft(&self) -> Result<Option<DraftRecord>, StorageError> {
        let found = self.get_raw(Store::Pipelines, DRAFT_KEY).await?;
        super::decode_json(Store::Pipelines, DRAFT_KEY, found, "the draft")
    }

    pub async fn write_draft(&self, draft: &DraftRecord) -> Result<(), StorageError> {
        self.read_write("write", Store::Pipelines, DRAFT_KEY, async |os| {
            put_json(os, DRAFT_KEY, draft).await
        })
        .await
    }

    /// My pipelines, by name.
    pub async fn saved(&self) -> Result<Vec<SavedPipeline>, StorageError> {
        let keys = self.keys(Store::Pipelines).await?;
        let mut list = Vec::new();
        for key in keys.iter().filter(|k| k.starts_with(SAVED_PREFIX)) {
            let found = self.get_raw(Store::Pipelines, key).await?;
            if let Some(p) = super::decode_json(Store::Pipelines, key, found, "a saved pipeline")? {
                list.push(p);
            }
        }
        sort(&mut list);
        Ok(list)
    }

    /// Saves `p` under its name, replacing what was there.
    pub async fn save_pipeline(&self, p: &SavedPipeline) -> Result<(), StorageError> {
        let key = saved_key(&p.name);
        self.read_write("write", Store::Pipelines, &key, async |os| {
            put_json(os, &key, p).await
        })
        .await
    }

    /// Renames a saved pipeline, in one transaction (a taken name is refused).
    pub async fn rename_pipeline(&self, from: &str, to: &str) -> Result<(), StorageError> {
        let (old, new) = (saved_key(from), saved_key(to));
        self.read_write("rename", Store::Pipelines, &old, async |os| {
            let refuse = |reason: String| StorageError::Request {
                action: "rename",
                store: Store::Pipelines,
                key: old.clone(),
                reason,
            };
            let Some(p) = get_json::<SavedPipeline>(os, &old, "a saved pipeline").await? else {
                return Err(refuse(format!("there is no pipeline named \"{from}\"")));
            };
            if from != to
                && get_json::<SavedPipeline>(os, &new, "a saved pipeline")
                    .await?
                    .is_some()
            {
                return Err(refuse(format!("a pipeline named \"{to}\" exists already")));
            }
            put_json(os, &new, &renamed(p, to)).await?;
            if from != to {
                let fail = request_error("delete", Store::Pipelines, &old);
                os.delete(JsValue::from_str(&old))
                    .map_err(&fail)?
                    .await
                    .map_err(&fail)?;
            }
            Ok(())
        })
        .await
    }

    pub async fn delete_pipeline(&self, name: &str) -> Result<(), StorageError> {
        self.delete(Store::Pipelines, &saved_key(name)).await
    }
}
