//! The Learn path's progress in IndexedDB's `pipelines` store, under `lessons`: per lesson
//! the step to resume at and how the learner's answers went, so a lesson left (or a reload)
//! resumes where it was.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Storage, StorageError, Store};

/// The progress record's key.
pub const LESSONS_KEY: &str = "lessons";

/// Every lesson's progress, by slug.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LessonProgress {
    #[serde(default)]
    pub lessons: BTreeMap<String, Mark>,
}

/// One lesson's progress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    /// The step it resumes at (the steps before it are run again, answered).
    pub step: usize,
    /// Every step was done once.
    #[serde(default)]
    pub done: bool,
    /// Questions answered, and answered right, since the lesson was last started.
    #[serde(default)]
    pub asked: u32,
    #[serde(default)]
    pub right: u32,
}

impl Storage {
    /// The progress, empty on a first visit.
    pub async fn lesson_progress(&self) -> Result<LessonProgress, StorageError> {
        let found = self.get_raw(Store::Pipelines, LESSONS_KEY).await?;
        Ok(super::decode_json(
            Store::Pipelines,
            LESSONS_KEY,
            found,
            "the lessons' progress",
        )?
        .unwrap_or_default())
    }

    pub async fn write_lesson_progress(&self, p: &LessonProgress) -> Result<(), StorageError> {
        let value = serde_json::to_value(p).unwrap_or_default();
        self.put(Store::Pipelines, LESSONS_KEY, &value).await
    }
}
