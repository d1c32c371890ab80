//! Shared plumbing every feature uses: the connection and its helpers, the
//! error type, the audit log, credentials, and what several servers on one
//! database coordinate through. Nothing here knows a feature.

pub(crate) mod audit;
pub(crate) mod cluster;
pub(crate) mod credentials;
pub(crate) mod db;
pub(crate) mod error;
pub(crate) mod watch;

use serde::Serialize;

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub created: usize,
    /// Rows that changed something, moves included.
    pub updated: usize,
    pub unchanged: usize,
    /// Of the updated org units, those placed under another parent (which
    /// rebuilds the roll-ups and sets every protected year aside).
    pub moved: usize,
}
