//! Administration of the organisation: its units, its people and their
//! roles, and the audit log.

pub(crate) mod api;
pub(crate) mod audit;
pub(crate) mod figure_visibility;
pub(crate) mod password_links;
pub(crate) mod units;
pub(crate) mod users;
pub(crate) mod views;

use crate::support::routes::{get, post, Routes};

/// The feature's pages.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/admin/units", get(units::units).post(units::create_unit))
        .route("/admin/units/new", get(units::new_unit))
        .route("/admin/units/{code}", post(units::update_unit))
        .route("/admin/units/{code}/edit", get(units::edit_unit))
        .route("/admin/users", get(users::users).post(users::create_user))
        .route("/admin/users/{id}/roles", post(users::add_role))
        .route(
            "/admin/users/{id}/roles/{role_id}/delete",
            post(users::remove_role),
        )
        .route("/admin/users/{id}/status", post(users::set_status))
        .route(
            "/admin/users/{id}/password-link",
            post(password_links::password_link),
        )
        .route("/admin/audit", get(audit::audit))
        .route(
            "/admin/figure-visibility",
            get(figure_visibility::figure_visibility)
                .post(figure_visibility::set_figure_visibility),
        )
}

/// The feature's part of the JSON API (under `/api/v1`).
pub(crate) fn api_routes() -> Routes {
    Routes::new()
        .route("/me", get(api::me))
        .route("/users", get(api::list_users).post(api::create_user))
        .route("/audit", get(api::audit))
        .route(
            "/orgs/{code}/figure-visibility",
            get(figure_visibility::get_figure_visibility)
                .put(figure_visibility::put_figure_visibility),
        )
}
