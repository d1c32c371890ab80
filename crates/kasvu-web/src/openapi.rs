//! The JSON API v1: the features' routes under `/api/v1` and the OpenAPI
//! document that describes them.

use crate::support::api::ApiError;
use crate::support::routes::{get, Routes};
use axum::Json;
use utoipa::OpenApi;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Kasvu API", version = "1", description = "The org tree, people, audit log, shared measurement, the welfare plan, leadership teams with their meetings and commitments, feedback rounds, the project database, the register of actors, the collaboration map, one-contact paths, good practices, search, and families' activities (Linked Events-shaped events) and places of Kasvu. Figures are served with small numbers suppressed."),
    paths(crate::org::api::list_orgunits, crate::org::api::get_orgunit, crate::org::api::create_orgunit, crate::org::api::replace_orgunit,
        crate::admin::api::me, crate::admin::api::list_users, crate::admin::api::create_user, crate::admin::api::audit,
        crate::measure::api::list_indicators, crate::measure::api::get_data, crate::measure::api::post_data,
        crate::plans::api::list_plans, crate::plans::api::get_plan, crate::plans::api::create_plan,
        crate::plans::api::set_measure_status, crate::plans::api::set_evaluation, crate::plans::api::replace_plan,
        crate::teams::api::list_teams, crate::teams::api::get_team, crate::teams::api::list_meetings,
        crate::teams::api::team_commitments, crate::teams::api::my_commitments, crate::teams::api::make_commitment,
        crate::teams::api::review_commitment, crate::feedback::api::list_rounds, crate::feedback::api::create_round,
        crate::feedback::api::round_results, crate::teams::learning_network::network_api,
        crate::knowledge::projects::list_projects, crate::knowledge::projects::get_project, crate::knowledge::projects::create_project,
        crate::network::api::list_actors, crate::network::api::get_actor, crate::network::api::get_map,
        crate::network::api::add_link, crate::network::api::remove_link, crate::knowledge::api::list_paths,
        crate::knowledge::api::get_path, crate::knowledge::api::put_path, crate::knowledge::api::list_practices,
        crate::knowledge::api::get_practice, crate::knowledge::api::put_practice, crate::knowledge::api::search,
        crate::families::api::list_events, crate::families::api::get_event, crate::families::api::list_places,
        crate::families::api::get_place),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn api_not_found() -> ApiError {
    ApiError::not_found("API route")
}

/// The API's routes (under `/api/v1` in the app), with the JSON 404.
pub fn routes() -> Routes {
    Routes::new()
        .route("/openapi.json", get(openapi))
        .merge(crate::org::api_routes())
        .merge(crate::admin::api_routes())
        .merge(crate::measure::api_routes())
        .merge(crate::plans::api_routes())
        .merge(crate::teams::api_routes())
        .merge(crate::feedback::api_routes())
        .merge(crate::network::api_routes())
        .merge(crate::knowledge::api_routes())
        .merge(crate::families::api_routes())
        .map_router(|r| r.fallback(api_not_found))
}
