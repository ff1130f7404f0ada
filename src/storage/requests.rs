//! The storage work the reducer asks for, as data, and its answers: the effects hook runs a
//! `StorageRequest` against IndexedDB with [`serve`] (the native tests against memory,
//! `crate::sim`) and hands the `StorageReply` back to the reducer.

use super::{
    CheckpointMeta, DraftRecord, LessonProgress, LibraryChange, SavedPipeline, Storage,
    StorageError, LEGACY_SESSION,
};

/// Why a kept snapshot is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadPurpose {
    /// `getOrCreate`: the newest intact one of a pipeline, on page load or a switch to it.
    Recover,
    /// The learner clicked it on the time axis.
    Rewind,
}

/// Storage work, as the reducer asks for it.
#[derive(Clone, Debug, PartialEq)]
pub enum StorageRequest {
    /// A pipeline's kept snapshots and interval setting. With `on_load`, the pipeline is the
    /// one checkpointed last (else `pipeline`, the page's own).
    List {
        pipeline: String,
        on_load: bool,
    },
    /// One kept snapshot's bytes.
    Load {
        pipeline: String,
        meta: CheckpointMeta,
        purpose: LoadPurpose,
    },
    /// A snapshot after `batches_run` batches becomes the pipeline's newest.
    Write {
        pipeline: String,
        batches_run: u64,
        time_ms: u64,
        bytes: Vec<u8>,
    },
    SetInterval {
        pipeline: String,
        interval_ms: Option<u64>,
    },
    /// Drops the pipeline's slot (Reset).
    Drop {
        pipeline: String,
    },
    /// The draft a reload brings back.
    LoadDraft,
    /// The pipeline on the page, after an edit.
    SaveDraft(DraftRecord),
    /// My pipelines.
    ListSaved,
    SavePipeline(SavedPipeline),
    RenamePipeline {
        from: String,
        to: String,
    },
    DeletePipeline(String),
    /// The Learn path's progress.
    LoadLessons,
    SaveLessons(LessonProgress),
}

/// What the storage answered.
#[derive(Clone, Debug, PartialEq)]
pub enum StorageReply {
    Listed {
        pipeline: String,
        on_load: bool,
        kept: Result<Vec<CheckpointMeta>, String>,
        interval_ms: Option<u64>,
    },
    Loaded {
        pipeline: String,
        meta: CheckpointMeta,
        purpose: LoadPurpose,
        bytes: Result<Vec<u8>, String>,
    },
    Written {
        pipeline: String,
        batches_run: u64,
        time_ms: u64,
        result: Result<Vec<CheckpointMeta>, String>,
    },
    IntervalSaved {
        result: Result<(), String>,
    },
    Dropped {
        pipeline: String,
        result: Result<(), String>,
    },
    DraftLoaded(Result<Option<DraftRecord>, String>),
    DraftSaved(Result<(), String>),
    /// My pipelines after a change (or the reason it failed, and the list as it is).
    Library {
        change: LibraryChange,
        result: Result<(), String>,
        list: Result<Vec<SavedPipeline>, String>,
    },
    LessonsLoaded(Result<LessonProgress, String>),
    LessonsSaved(Result<(), String>),
}

/// Runs one request against the IndexedDB database `db`.
pub async fn serve(db: &str, request: StorageRequest) -> StorageReply {
    let storage = Storage::open(db).await.map_err(|e| e.to_string());
    let reply = match (&storage, request) {
        (Ok(s), StorageRequest::List { pipeline, on_load }) => list(s, pipeline, on_load).await,
        (Err(e), StorageRequest::List { pipeline, on_load }) => StorageReply::Listed {
            pipeline,
            on_load,
            kept: Err(e.clone()),
            interval_ms: None,
        },
        (
            s,
            StorageRequest::Load {
                pipeline,
                meta,
                purpose,
            },
        ) => {
            let bytes = match s {
                Ok(s) => match s.checkpoint_bytes(&meta.key).await {
                    Ok(Some(bytes)) => Ok(bytes),
                    Ok(None) => Err("it is missing from IndexedDB".to_owned()),
                    Err(e) => Err(e.to_string()),
                },
                Err(e) => Err(e.clone()),
            };
            StorageReply::Loaded {
                pipeline,
                meta,
                purpose,
                bytes,
            }
        }
        (
            s,
            StorageRequest::Write {
                pipeline,
                batches_run,
                time_ms,
                bytes,
            },
        ) => {
            let result = match s {
                Ok(s) => s
                    .write_checkpoint(&pipeline, batches_run, time_ms, &bytes)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.clone()),
            };
            StorageReply::Written {
                pipeline,
                batches_run,
                time_ms,
                result,
            }
        }
        (
            s,
            StorageRequest::SetInterval {
                pipeline,
                interval_ms,
            },
        ) => StorageReply::IntervalSaved {
            result: match s {
                Ok(s) => s
                    .set_interval(&pipeline, interval_ms)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.clone()),
            },
        },
        (Ok(s), StorageRequest::LoadDraft) => {
            StorageReply::DraftLoaded(s.draft().await.map_err(|e| e.to_string()))
        }
        (Err(e), StorageRequest::LoadDraft) => StorageReply::DraftLoaded(Err(e.clone())),
        (Ok(s), StorageRequest::SaveDraft(d)) => {
            StorageReply::DraftSaved(s.write_draft(&d).await.map_err(|e| e.to_string()))
        }
        (Err(e), StorageRequest::SaveDraft(_)) => StorageReply::DraftSaved(Err(e.clone())),
        (Ok(s), StorageRequest::LoadLessons) => {
            StorageReply::LessonsLoaded(s.lesson_progress().await.map_err(|e| e.to_string()))
        }
        (Err(e), StorageRequest::LoadLessons) => StorageReply::LessonsLoaded(Err(e.clone())),
        (Ok(s), StorageRequest::SaveLessons(p)) => {
            StorageReply::LessonsSaved(s.write_lesson_progress(&p).await.map_err(|e| e.to_string()))
        }
        (Err(e), StorageRequest::SaveLessons(_)) => StorageReply::LessonsSaved(Err(e.clone())),
        (s, StorageRequest::ListSaved) => library(s, LibraryChange::Listed, Ok(())).await,
        (s, StorageRequest::SavePipeline(p)) => {
            let change = LibraryChange::Saved(p.name.clone());
            let result = match s {
                Ok(s) => s.save_pipeline(&p).await,
                Err(_) => Ok(()),
            };
            library(s, change, result).await
        }
        (s, StorageRequest::RenamePipeline { from, to }) => {
            let result = match s {
                Ok(s) => s.rename_pipeline(&from, &to).await,
                Err(_) => Ok(()),
            };
            library(s, LibraryChange::Renamed { from, to }, result).await
        }
        (s, StorageRequest::DeletePipeline(name)) => {
            let result = match s {
                Ok(s) => s.delete_pipeline(&name).await,
                Err(_) => Ok(()),
            };
            library(s, LibraryChange::Deleted(name), result).await
        }
        (s, StorageRequest::Drop { pipeline }) => {
            let result = match s {
                Ok(s) => s
                    .drop_checkpoints(&pipeline)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.clone()),
            };
            StorageReply::Dropped { pipeline, result }
        }
    };
    if let Ok(s) = storage {
        s.close();
    }
    reply
}

/// My pipelines after `change` (`result`: whether it was done).
async fn library(
    s: &Result<Storage, String>,
    change: LibraryChange,
    result: Result<(), StorageError>,
) -> StorageReply {
    match s {
        Ok(s) => StorageReply::Library {
            change,
            result: result.map_err(|e| e.to_string()),
            list: s.saved().await.map_err(|e| e.to_string()),
        },
        Err(e) => StorageReply::Library {
            change,
            result: Err(e.clone()),
            list: Err(e.clone()),
        },
    }
}

/// getOrCreate's first step: which pipeline's checkpoints, and which it keeps.
async fn list(storage: &Storage, shown: String, on_load: bool) -> StorageReply {
    let pipeline = if on_load {
        match storage.current_pipeline().await {
            Ok(Some(current)) => current,
            Ok(None)
                if !storage
                    .checkpoints(LEGACY_SESSION)
                    .await
                    .unwrap_or_default()
                    .is_empty() =>
            {
                LEGACY_SESSION.to_owned()
            }
            _ => shown,
        }
    } else {
        shown
    };
    let kept = storage
        .checkpoints(&pipeline)
        .await
        .map_err(|e| e.to_string());
    let interval_ms = storage.interval(&pipeline).await.unwrap_or_default();
    StorageReply::Listed {
        pipeline,
        on_load,
        kept,
        interval_ms,
    }
}
