//! The network of actors: the register (schools, NGOs, parishes…) and the
//! collaboration map of who works with whom (`collaboration_map`).

pub(crate) mod actor_form;
pub(crate) mod api;
pub(crate) mod collaboration_map;
pub(crate) mod register;

pub(crate) use register::approves as approves_register_change;

use crate::support::routes::{get, post, Routes};

/// The feature's pages.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/actors", get(register::actors))
        .route("/actors/export", get(register::export))
        .route(
            "/actors/import",
            // Bounded by the file size setting (support/upload.rs).
            post(register::import).without_body_limit(),
        )
        .route(
            "/actors/new",
            get(actor_form::new_form).post(actor_form::create),
        )
        .route("/actors/{code}", get(register::actor))
        .route(
            "/actors/{code}/edit",
            get(actor_form::edit_form).post(actor_form::update),
        )
        .route("/actors/{code}/confirm", post(register::confirm))
        .route("/actors/{code}/propose", post(register::propose))
        .route(
            "/actors/{code}/proposals/{proposal}",
            post(register::decide),
        )
        .route("/network", get(collaboration_map::map))
        .route("/network/links", post(collaboration_map::add_link))
        .route(
            "/network/links/{id}/remove",
            post(collaboration_map::remove_link),
        )
}

/// The feature's part of the JSON API (under `/api/v1`).
pub(crate) fn api_routes() -> Routes {
    Routes::new()
        .route("/actors", get(api::list_actors))
        .route("/actors/{code}", get(api::get_actor))
        .route("/network", get(api::get_map))
        .route(
            "/network/links",
            crate::support::routes::post(api::add_link),
        )
        .route(
            "/network/links/{id}",
            crate::support::routes::delete(api::remove_link),
        )
}
