//! The JSON API v1: the features' routes under `/api/v1` and the OpenAPI
//! document that describes them.

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

/// Documents the errors that every operation can answer besides its own:
/// 400 for a query parameter of the wrong form, 404 for an id or code
/// that does not exist (or is not of its type), 401 without a valid token where one is
/// needed, and for a request body 413 (too large), 415 (not JSON) and 422
/// (JSON of the wrong shape). Each is the JSON error body.
struct ErrorResponses;

impl utoipa::Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ApiErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                let mut add = |status: &str, description: &str| {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error(description));
                };
                let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let has_body = op.request_body.is_some();
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                if has_params || has_body {
                    add("400", "The request is malformed");
                }
                if secured {
                    add("401", "A valid bearer token is required");
                }
                // A path's id or code, or a query's organisation or unit, that
                // does not exist.
                if has_params {
                    add("404", "Not found");
                }
                if has_body {
                    add("413", "The request body is too large");
                    add("415", "The request body is not JSON");
                    add("422", "The request body is JSON of the wrong shape");
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Kasvu API", version = "1", description = "The org tree, people, audit log, shared measurement, the welfare plan, leadership teams with their meetings and commitments, feedback rounds, the project database, the register of actors, the collaboration map, one-contact paths, good practices, search, and families' activities (Linked Events-shaped events) and places of Kasvu. Figures are served with small numbers suppressed."),
    paths(crate::org::api::list_orgunits, crate::org::api::get_orgunit, crate::org::api::create_orgunit, crate::org::api::replace_orgunit,
        crate::admin::api::me, crate::admin::api::list_users, crate::admin::api::create_user, crate::admin::api::audit,
        crate::admin::figure_visibility::get_figure_visibility, crate::admin::figure_visibility::put_figure_visibility,
        crate::measure::api::list_indicators, crate::measure::api::get_data, crate::measure::api::post_data,
        crate::measure::completeness::api,
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
    modifiers(&BearerAuth, &ErrorResponses)
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The API's routes (under `/api/v1` in the app), with JSON answers for an
/// unknown route and a wrong method.
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
        .map_router(|r| {
            r.fallback(crate::support::api::no_such_route)
                .method_not_allowed_fallback(crate::support::api::no_such_method)
        })
}
