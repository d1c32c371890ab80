//! Shared measurement: indicators and their dashboards, data entry, targets
//! and analyses, comparison of units, and imports of statistics files.

pub(crate) mod api;
pub(crate) mod compare;
pub(crate) mod completeness;
pub(crate) mod dashboard;
pub(crate) mod entry;
mod figure_notes;
pub(crate) mod imports;
pub(crate) mod indicators;
pub(crate) mod targets;

pub(crate) use completeness::late_entries;
pub use imports::ImportJobs;

use crate::support::routes::{get, post, Routes};

/// The feature's pages.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/units/{code}/dashboard", get(dashboard::dashboard))
        .route("/units/{code}/completeness", get(completeness::page))
        .route(
            "/units/{code}/entry",
            get(entry::entry_form).post(entry::save_entry),
        )
        .route(
            "/units/{code}/targets",
            get(targets::targets_page).post(targets::set_target),
        )
        .route("/units/{code}/targets/remove", post(targets::remove_target))
        .route("/units/{code}/analysis", post(targets::set_analysis))
        .route("/compare", get(compare::compare))
        .route(
            "/imports",
            // Bounded by the file size setting (support/upload.rs).
            get(imports::imports_page)
                .post(imports::upload)
                .without_body_limit(),
        )
        .route("/imports/{id}", get(imports::job_page))
        .route("/imports/{id}/status", get(imports::job_status))
        .route("/indicators", get(indicators::indicators))
        .route("/indicators/{code}", get(indicators::indicator))
        .route("/indicators/{code}/export", get(indicators::export))
}

/// The feature's part of the JSON API (under `/api/v1`).
pub(crate) fn api_routes() -> Routes {
    Routes::new()
        .route("/indicators", get(api::list_indicators))
        .route("/data", get(api::get_data).post(api::post_data))
        .route("/completeness", get(completeness::api))
}
