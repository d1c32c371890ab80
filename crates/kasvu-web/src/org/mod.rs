//! The organisation's face: the overview of areas and clusters (staff's
//! `/organisation`), each org unit's page, and the org tree over the API.

pub(crate) mod api;
pub(crate) mod pages;

pub(crate) use pages::not_found;

use crate::support::routes::{get, Routes};

/// The feature's pages.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/organisation", get(pages::overview))
        .route("/units/{code}", get(pages::unit))
}

/// The feature's part of the JSON API (under `/api/v1`).
pub(crate) fn api_routes() -> Routes {
    Routes::new()
        .route(
            "/orgunits",
            get(api::list_orgunits).post(api::create_orgunit),
        )
        .route(
            "/orgunits/{code}",
            get(api::get_orgunit).put(api::replace_orgunit),
        )
}
