//! The browser's IndexedDB (through the `idb` crate): checkpoint snapshots, one slot per
//! pipeline, so a reload recovers like `StreamingContext.getOrCreate`; the draft and My
//! pipelines (`pipelines.rs`); the lessons' progress (`lessons.rs`). The reducer asks for storage work as `StorageRequest`s and
//! gets `StorageReply`s back (`requests.rs`).

mod checkpoints;
mod error;
mod lessons;
mod pipelines;
mod requests;
mod slots;

pub use error::StorageError;
pub use lessons::{LessonProgress, Mark, LESSONS_KEY};
pub use pipelines::{
    check_rename, renamed, saved_key, sort, CheckpointedFrom, DraftRecord, LibraryChange,
    SavedPipeline, DRAFT_KEY,
};
pub use requests::{serve, LoadPurpose, StorageReply, StorageRequest};
pub use slots::{
    checkpoint_name, current, pointer_key, record_pipeline_write, record_write, snapshot_key,
    touch, CheckpointMeta, PipelineSlot, KEEP, LEGACY_SESSION, MAX_PIPELINES, REGISTRY_KEY,
};

use idb::builder::{DatabaseBuilder, ObjectStoreBuilder};
use idb::{Database, Factory, ObjectStore, TransactionMode};
use wasm_bindgen::JsValue;

/// The database the page uses; tests open their own names so they never touch it.
pub const APP_DATABASE: &str = "dstream-playground";

/// The schema version: bump it (and add the upgrade) when a store is added or changed.
const SCHEMA_VERSION: u32 = 1;

/// The object stores of the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Store {
    /// JSON text: the draft (`draft`) and My pipelines (`pipeline/<name>`), each holding a
    /// pipeline spec (`pipeline-spec.md`).
    Pipelines,
    /// Checkpoint snapshots, keyed by a snapshot name.
    Snapshots,
}

impl Store {
    pub const ALL: [Store; 2] = [Store::Pipelines, Store::Snapshots];

    /// The object store's name in IndexedDB.
    pub fn name(self) -> &'static str {
        match self {
            Store::Pipelines => "pipelines",
            Store::Snapshots => "snapshots",
        }
    }
}

/// An open connection to one IndexedDB database with the app's stores.
#[derive(Debug)]
pub struct Storage {
    db: Database,
}

/// A stored JSON text read back: `None` if nothing was stored, a `Corrupt` error naming the
/// store and key (and `what` the record is) if it is not JSON text of the expected shape.
pub(super) fn decode_json<T: serde::de::DeserializeOwned>(
    store: Store,
    key: &str,
    found: Option<JsValue>,
    what: &str,
) -> Result<Option<T>, StorageError> {
    let Some(found) = found else {
        return Ok(None);
    };
    let corrupt = |reason: String| StorageError::Corrupt {
        store,
        key: key.to_owned(),
        reason,
    };
    let text = found
        .as_string()
        .ok_or_else(|| corrupt(format!("{what} is not a string")))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| corrupt(e.to_string()))
}

impl Storage {
    /// Opens (and on first use creates) the database `name` with every [`Store`].
    pub async fn open(name: &str) -> Result<Storage, StorageError> {
        let builder = Store::ALL.iter().fold(
            DatabaseBuilder::new(name).version(SCHEMA_VERSION),
            |builder, store| builder.add_object_store(ObjectStoreBuilder::new(store.name())),
        );
        let db = builder.build().await.map_err(|e| StorageError::Open {
            db: name.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(Storage { db })
    }

    /// The database's name.
    pub fn name(&self) -> String {
        self.db.name()
    }

    /// Writes `value` under `key`, replacing what was there.
    pub async fn put(
        &self,
        store: Store,
        key: &str,
        value: &serde_json::Value,
    ) -> Result<(), StorageError> {
        let fail = request_error("write", store, key);
        let text = JsValue::from_str(&value.to_string());
        self.read_write("write", store, key, async |os: &ObjectStore| {
            os.put(&text, Some(&JsValue::from_str(key)))
                .map_err(&fail)?
                .await
                .map_err(&fail)?;
            Ok(())
        })
        .await
    }

    /// Runs `body` on `store` in one read-write transaction and commits it. If `body` fails
    /// the transaction is aborted, so nothing of it stays; if the browser aborts it instead
    /// of committing (a full quota among others), the error says why. `action` and `key`
    /// name what was being done in errors.
    pub(super) async fn read_write<T>(
        &self,
        action: &'static str,
        store: Store,
        key: &str,
        body: impl AsyncFnOnce(&ObjectStore) -> Result<T, StorageError>,
    ) -> Result<T, StorageError> {
        let fail = request_error(action, store, key);
        let tx = self
            .db
            .transaction(&[store.name()], TransactionMode::ReadWrite)
            .map_err(&fail)?;
        let os = tx.object_store(store.name()).map_err(&fail)?;
        let value = match body(&os).await {
            Ok(value) => value,
            Err(e) => {
                let _ = tx.abort();
                return Err(e);
            }
        };
        let outcome = tx.commit().map_err(&fail)?.await.map_err(&fail)?;
        if outcome.is_committed() {
            Ok(value)
        } else {
            Err(aborted(action, store, key, os.transaction().error()))
        }
    }

    /// Reads the record under `key`; `None` if there is none.
    pub async fn get(
        &self,
        store: Store,
        key: &str,
    ) -> Result<Option<serde_json::Value>, StorageError> {
        let found = self.get_raw(store, key).await?;
        decode_json(store, key, found, "it")
    }

    /// Removes the record under `key` (nothing happens if there is none).
    pub async fn delete(&self, store: Store, key: &str) -> Result<(), StorageError> {
        let fail = request_error("delete", store, key);
        self.read_write("delete", store, key, async |os: &ObjectStore| {
            os.delete(JsValue::from_str(key))
                .map_err(&fail)?
                .await
                .map_err(&fail)?;
            Ok(())
        })
        .await
    }

    /// The keys of every record in `store`, in IndexedDB's key order.
    pub async fn keys(&self, store: Store) -> Result<Vec<String>, StorageError> {
        let fail = request_error("list the keys", store, "*");
        let tx = self
            .db
            .transaction(&[store.name()], TransactionMode::ReadOnly)
            .map_err(&fail)?;
        let object_store = tx.object_store(store.name()).map_err(&fail)?;
        let keys = object_store
            .get_all_keys(None, None)
            .map_err(&fail)?
            .await
            .map_err(&fail)?;
        tx.await.map_err(&fail)?;
        Ok(keys.into_iter().filter_map(|k| k.as_string()).collect())
    }

    /// Closes the connection (needed before the database can be deleted).
    pub fn close(self) {
        self.db.close();
    }

    /// Deletes the whole database `name`; close every connection to it first.
    pub async fn delete_database(name: &str) -> Result<(), StorageError> {
        let fail = |e: idb::Error| StorageError::Delete {
            db: name.to_owned(),
            reason: e.to_string(),
        };
        Factory::new()
            .map_err(fail)?
            .delete(name)
            .map_err(fail)?
            .await
            .map_err(fail)
    }
}

/// Maps an `idb` failure on `key` in `store` to a [`StorageError::Request`], or to
/// [`StorageError::QuotaExceeded`] when the browser refused it for lack of space.
fn request_error<'a>(
    action: &'static str,
    store: Store,
    key: &'a str,
) -> impl Fn(idb::Error) -> StorageError + 'a {
    move |e| {
        if error::is_quota(&e) {
            StorageError::QuotaExceeded {
                action,
                store,
                key: key.to_owned(),
            }
        } else {
            StorageError::Request {
                action,
                store,
                key: key.to_owned(),
                reason: e.to_string(),
            }
        }
    }
}

/// Why a read-write transaction ended aborted: the quota (its `error` is a
/// `QuotaExceededError`) or another reason, named.
fn aborted(
    action: &'static str,
    store: Store,
    key: &str,
    error: Option<web_sys::DomException>,
) -> StorageError {
    match error.map(|d| (d.name(), d.message())) {
        Some((name, _)) if name == error::QUOTA => StorageError::QuotaExceeded {
            action,
            store,
            key: key.to_owned(),
        },
        Some((name, message)) => StorageError::Request {
            action,
            store,
            key: key.to_owned(),
            reason: format!("the transaction was aborted ({name}: {message})"),
        },
        None => StorageError::Request {
            action,
            store,
            key: key.to_owned(),
            reason: "the transaction was aborted".to_owned(),
        },
    }
}
