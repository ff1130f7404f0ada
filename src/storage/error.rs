//! What can go wrong with saved pipelines and snapshots, worded for the person at the page.

use std::fmt;

/// An IndexedDB failure, naming the database or the record it happened to.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The browser has no IndexedDB (a private window may disable it) or refused to open it.
    #[error("cannot open the IndexedDB database `{db}`: {reason}")]
    Open { db: String, reason: String },
    /// A read, write or delete failed inside a transaction.
    #[error("IndexedDB could not {action} `{key}` in `{store}`: {reason}")]
    Request {
        action: &'static str,
        store: super::Store,
        key: String,
        reason: String,
    },
    /// A record was found but is not the JSON text this app writes.
    #[error("the record `{key}` in `{store}` is not valid JSON: {reason}")]
    Corrupt {
        store: super::Store,
        key: String,
        reason: String,
    },
    /// Deleting the whole database failed.
    #[error("cannot delete the IndexedDB database `{db}`: {reason}")]
    Delete { db: String, reason: String },
}

impl fmt::Display for super::Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
