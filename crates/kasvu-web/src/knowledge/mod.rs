//! Shared knowledge: one-contact paths, good practices, the project
//! database and site search.

pub(crate) mod api;
pub(crate) mod forms;
pub(crate) mod pages;
pub(crate) mod projects;

use crate::support::routes::{get, post, Routes};

/// The feature's pages.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/paths", get(pages::paths))
        .route("/paths/edit", get(forms::edit_path))
        .route("/paths/save", post(forms::save_path))
        .route("/practices/edit", get(forms::edit_practice))
        .route("/practices/save", post(forms::save_practice))
        .route("/paths/{code}", get(pages::path))
        .route("/practices", get(pages::practices))
        .route("/practices/{code}", get(pages::practice))
        .route("/search", get(pages::search))
        .route("/projects", get(projects::projects))
        .route("/projects/edit", get(forms::edit_project))
        .route("/projects/save", post(forms::save_project))
        .route("/projects/{id}", get(projects::project))
}

/// The feature's part of the JSON API (under `/api/v1`).
pub(crate) fn api_routes() -> Routes {
    Routes::new()
        .route(
            "/projects",
            get(projects::list_projects).post(projects::create_project),
        )
        .route("/projects/{id}", get(projects::get_project))
        .route("/paths", get(api::list_paths))
        .route("/paths/{code}", get(api::get_path).put(api::put_path))
        .route("/practices", get(api::list_practices))
        .route(
            "/practices/{code}",
            get(api::get_practice).put(api::put_practice),
        )
        .route("/search", get(api::search))
}
