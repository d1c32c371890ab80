//! What every feature shares, and nothing feature-specific: the request
//! context and the extractors that open a handler (CSRF-checked forms and
//! uploads, the signed-in user), one error type, the catalogues, formatting,
//! access helpers, common templates, charts and file responses; and the
//! allocator setting of the process that serves them.

pub(crate) mod access;
pub mod api;
pub(crate) mod authors;
pub(crate) mod axis;
pub mod brand;
pub(crate) mod charts;
pub mod ctx;
pub mod error;
pub(crate) mod format;
pub(crate) mod forms;
pub mod i18n;
pub mod memory;
pub mod metrics;
pub mod parts;
pub(crate) mod responses;
pub mod routes;
pub(crate) mod team_access;
pub(crate) mod upload;
pub(crate) mod views;
pub(crate) mod visibility;

/// Today in the organisation's time zone (Europe/Helsinki), everywhere.
pub(crate) use kasvu_core::clock::today;
