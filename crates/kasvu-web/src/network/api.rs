//! The register of actors and the collaboration map over the JSON API.

use super::collaboration_map::{map_data, may_link_between, MapFilter};
use crate::support::access::org_of;
use crate::support::api::Json;
use crate::support::api::Path;
use crate::support::api::Query;
use crate::support::api::{ApiError, ApiResult, ApiUser, IdDto, OrgQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kasvu_core::network::LinkSource;
use kasvu_store::{Actor, ActorEntry};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Serialize, ToSchema)]
pub struct ActorDto {
    pub code: String,
    pub name: String,
    pub sector: String,
    pub unit: String,
    pub offer: String,
    pub audiences: Vec<String>,
    pub themes: Vec<String>,
    pub languages: Vec<String>,
    pub opening_hours: String,
    pub areas: Vec<String>,
    pub phone: String,
    pub email: String,
    pub website: String,
    /// Only for the organisation's own people (bearer token).
    pub contact_person: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    /// YYYY-MM-DD
    pub confirmed_on: String,
}

fn actor_dto(e: &ActorEntry, private: bool) -> ActorDto {
    let s = &e.spec;
    let p = |v: &String| private.then(|| v.clone());
    ActorDto {
        code: s.code.clone(),
        name: s.name.clone(),
        sector: s.sector.code().into(),
        unit: s.unit.clone(),
        offer: s.offer.clone(),
        audiences: s.audiences.iter().map(|a| a.code().to_owned()).collect(),
        themes: s.themes.clone(),
        languages: s.languages.clone(),
        opening_hours: s.opening_hours.clone(),
        areas: e.areas.iter().map(|(_, c)| c.clone()).collect(),
        phone: s.phone.clone(),
        email: s.email.clone(),
        website: s.website.clone(),
        contact_person: p(&s.contact_person),
        contact_phone: p(&s.contact_phone),
        contact_email: p(&s.contact_email),
        confirmed_on: kasvu_core::format_date(e.confirmed_on),
    }
}

#[utoipa::path(get, path = "/api/v1/actors", tag = "network", params(OrgQuery),
    responses((status = 200, description = "The register of regional actors", body = [ActorDto])))]
pub async fn list_actors(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<OrgQuery>,
) -> ApiResult<Json<Vec<ActorDto>>> {
    let (org, own) = org_of(&st, &headers, &q.org).await?;
    let list = st.store.actors(org.org_id).await?;
    Ok(Json(
        list.iter().map(|e| actor_dto(e, own.is_some())).collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/actors/{code}", tag = "network", params(("code" = String, Path), OrgQuery),
    responses((status = 200, body = ActorDto), (status = 404, body = crate::support::api::ApiErrorBody)))]
pub async fn get_actor(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<OrgQuery>,
) -> ApiResult<Json<ActorDto>> {
    let (org, own) = org_of(&st, &headers, &q.org).await?;
    let e = st
        .store
        .actor_entry(org.org_id, &code)
        .await?
        .ok_or_else(|| ApiError::not_found("actor"))?;
    Ok(Json(actor_dto(&e, own.is_some())))
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct MapQuery {
    pub org: String,
    /// An area or cluster code.
    pub area: String,
    /// A sector code.
    pub sector: String,
    pub theme: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MapNodeDto {
    pub code: String,
    pub name: String,
    pub sector: String,
    /// Whether the filter matched it (the rest are its partners).
    pub matched: bool,
    pub links: usize,
    pub other_sector_links: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ViaDto {
    /// team, project, measure, referral, joint_activity or consultation.
    pub source: String,
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MapEdgeDto {
    pub a: String,
    pub b: String,
    pub via: Vec<ViaDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MapDto {
    pub nodes: Vec<MapNodeDto>,
    pub edges: Vec<MapEdgeDto>,
    /// Sectors a multi-professional network should have that no actor in the area is of.
    pub missing_sectors: Vec<String>,
}

#[utoipa::path(get, path = "/api/v1/network", tag = "network", params(MapQuery),
    responses((status = 200, description = "The collaboration map: actors, links with where each comes from, and the network figures", body = MapDto)))]
pub async fn get_map(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<MapQuery>,
) -> ApiResult<Json<MapDto>> {
    let (org, _) = org_of(&st, &headers, &q.org).await?;
    let f = MapFilter {
        area: q.area,
        sector: q.sector,
        theme: q.theme,
    };
    let d = map_data(&st, org.org_id, &f).await?;
    let code = |id: i64| d.entry(id).map(|e| e.spec.code.clone()).unwrap_or_default();
    Ok(Json(MapDto {
        nodes: d
            .order
            .iter()
            .filter_map(|id| d.entry(*id))
            .map(|e| {
                let fig = d.figures.get(&e.id).cloned().unwrap_or_default();
                MapNodeDto {
                    code: e.spec.code.clone(),
                    name: e.spec.name.clone(),
                    sector: e.spec.sector.code().into(),
                    matched: d.matched.contains(&e.id),
                    links: fig.links,
                    other_sector_links: fig.other_sector,
                }
            })
            .collect(),
        edges: d
            .edges
            .iter()
            .map(|e| MapEdgeDto {
                a: code(e.a),
                b: code(e.b),
                via: e
                    .via
                    .iter()
                    .map(|(s, l)| ViaDto {
                        source: s.code().into(),
                        label: l.clone(),
                    })
                    .collect(),
            })
            .collect(),
        missing_sectors: d.missing.iter().map(|s| s.code().to_owned()).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LinkBody {
    /// Actor codes.
    pub from: String,
    pub to: String,
    /// referral, joint_activity or consultation.
    #[schema(schema_with = link_kind)]
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

fn link_kind() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::support::api::json_schema(crate::support::api::one_of(LinkSource::CODES))
}

#[utoipa::path(post, path = "/api/v1/network/links", tag = "network", security(("bearer" = [])),
    request_body = LinkBody,
    responses((status = 201, body = IdDto), (status = 400, body = crate::support::api::ApiErrorBody),
              (status = 403, body = crate::support::api::ApiErrorBody), (status = 409, body = crate::support::api::ApiErrorBody)))]
pub async fn add_link(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Json(b): Json<LinkBody>,
) -> ApiResult<(StatusCode, Json<IdDto>)> {
    if !may_link_between(&st, &user, &[b.from.trim(), b.to.trim()], &[]).await? {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "only people of either actor's areas, or working for either actor, enter its collaborations",
        ));
    }
    let kind = LinkSource::parse(&b.kind)
        .map_err(|p| ApiError::new(StatusCode::BAD_REQUEST, p.english).with_field("kind"))?;
    let id = st
        .store
        .add_collaboration(
            &Actor::user(user.id, &user.email),
            user.org_id,
            &b.from,
            &b.to,
            kind,
            &b.note,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(IdDto { id })))
}

#[utoipa::path(delete, path = "/api/v1/network/links/{id}", tag = "network", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = crate::support::api::ApiErrorBody), (status = 404, body = crate::support::api::ApiErrorBody)))]
pub async fn remove_link(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    let c = st
        .store
        .collaborations(user.org_id)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| ApiError::not_found("collaboration"))?;
    if !may_link_between(&st, &user, &[], &[c.from.0, c.to.0]).await? {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "your roles do not allow this here",
        ));
    }
    st.store
        .remove_collaboration(&Actor::user(user.id, &user.email), user.org_id, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
