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
    /// The browser refused a write because the origin's storage quota is used up
    /// (IndexedDB's `QuotaExceededError`): nothing of the write was kept.
    #[error(
        "the browser's storage for this page is full (QuotaExceededError): IndexedDB refused \
         to {action} `{key}` in `{store}`; free some space (site settings) or checkpoint less often"
    )]
    QuotaExceeded {
        action: &'static str,
        store: super::Store,
        key: String,
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

/// The `DOMException` name an IndexedDB failure carries, if it carries one.
pub(super) fn dom_exception_name(e: &idb::Error) -> Option<String> {
    match e {
        idb::Error::DomException(d) => Some(d.name()),
        _ => None,
    }
}

/// Whether a failure is the browser's quota refusal: by the `DOMException`'s name, or, for
/// an error that only carries a JS value, by that name in its text.
pub(super) fn is_quota(e: &idb::Error) -> bool {
    dom_exception_name(e).map_or_else(|| e.to_string().contains(QUOTA), |name| name == QUOTA)
}

/// IndexedDB's name for a write refused for lack of space.
pub(super) const QUOTA: &str = "QuotaExceededError";
