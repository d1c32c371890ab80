//! The network's knowledge in the JSON API: the register of actors (a
//! private contact person only for the organisation's own people), the
//! collaboration map and hand-entered collaborations, one-contact paths,
//! good practices and search. Reads are public (an organisation by `org`,
//! else the first); writes need a bearer token and the role the pages ask.

use crate::api::{ApiError, ApiResult, ApiUser};
use crate::knowledge_pages::{href_of, keep};
use crate::map_page::{map_data, may_link_between, MapFilter};
use crate::team_api::IdDto;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use kasvu_core::network::LinkSource;
use kasvu_core::role::permits;
use kasvu_core::search::{snippet, SearchKind};
use kasvu_core::Action;
use kasvu_store::{Actor, ActorEntry, OrgUnit, PathSpec, PracticeSpec, User};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct OrgQuery {
    /// The organisation's code (default: the token's, else the first by name).
    pub org: String,
}

/// The bearer token's user, when one is given and valid.
async fn viewer(st: &AppState, headers: &HeaderMap) -> Result<Option<User>, ApiError> {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(None);
    };
    Ok(st.store.user_by_api_token(token.trim()).await?)
}

/// The organisation asked for, and whether the viewer is one of its people.
pub(crate) async fn org_of(
    st: &AppState,
    headers: &HeaderMap,
    code: &str,
) -> Result<(OrgUnit, Option<User>), ApiError> {
    let user = viewer(st, headers).await?;
    let orgs = st.store.organisations().await?;
    let org = if code.trim().is_empty() {
        user.as_ref()
            .and_then(|u| orgs.iter().find(|o| o.org_id == u.org_id))
            .or(orgs.first())
    } else {
        orgs.iter().find(|o| o.code == code.trim())
    }
    .cloned()
    .ok_or_else(|| ApiError::not_found("organisation"))?;
    let own = user.filter(|u| u.org_id == org.org_id);
    Ok((org, own))
}

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
    responses((status = 200, body = ActorDto), (status = 404, body = crate::api::ApiErrorBody)))]
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
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/network/links", tag = "network", security(("bearer" = [])),
    request_body = LinkBody,
    responses((status = 201, body = IdDto), (status = 400, body = crate::api::ApiErrorBody),
              (status = 403, body = crate::api::ApiErrorBody), (status = 409, body = crate::api::ApiErrorBody)))]
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
    responses((status = 204), (status = 403, body = crate::api::ApiErrorBody), (status = 404, body = crate::api::ApiErrorBody)))]
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

/// A path as the public reads it: without the staff notes unless the
/// viewer is one of the organisation's people.
fn path_json(p: &PathSpec, staff: bool) -> serde_json::Value {
    let mut p = p.clone();
    if !staff {
        for s in &mut p.steps {
            s.staff_note.clear();
        }
    }
    serde_json::json!(p)
}

#[utoipa::path(get, path = "/api/v1/paths", tag = "network", params(OrgQuery),
    responses((status = 200, description = "One-contact paths (published ones, or all for the organisation's people): [{code, need {fi,sv,en}, intro, area, published, steps [{kind (everyday|contact|urgent), what, how, actor, staff_note}]}]", body = [Object])))]
pub async fn list_paths(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<OrgQuery>,
) -> ApiResult<Json<Vec<serde_json::Value>>> {
    let (org, own) = org_of(&st, &headers, &q.org).await?;
    let list = st.store.paths(org.org_id, own.is_none()).await?;
    Ok(Json(
        list.iter()
            .map(|p| path_json(&p.spec, own.is_some()))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/paths/{code}", tag = "network", params(("code" = String, Path), OrgQuery),
    responses((status = 200, body = Object), (status = 404, body = crate::api::ApiErrorBody)))]
pub async fn get_path(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<OrgQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let (org, own) = org_of(&st, &headers, &q.org).await?;
    let p = st
        .store
        .path(org.org_id, &code)
        .await?
        .filter(|p| own.is_some() || p.spec.published)
        .ok_or_else(|| ApiError::not_found("path"))?;
    Ok(Json(path_json(&p.spec, own.is_some())))
}

/// People who change the tree at the path's area (or at the organisation).
fn may_edit_at(st_tree: &kasvu_core::OrgTree, user: &User, unit_id: i64) -> bool {
    permits(&user.assignments(), st_tree, Action::EditTree, unit_id)
}

#[utoipa::path(put, path = "/api/v1/paths/{code}", tag = "network", security(("bearer" = [])),
    params(("code" = String, Path)),
    request_body(content = Object, description = "A path: need {fi, sv, en}, intro, area (area or cluster code; empty for the whole organisation), published, steps [{kind: everyday|contact|urgent, what {fi,sv,en}, how {fi,sv,en}, actor (register code), staff_note}] — everyday support first, urgent last, 2–10 steps. crates/kasvu-io/demo/oulu_network.json has examples."),
    responses((status = 201, body = IdDto), (status = 400, body = crate::api::ApiErrorBody), (status = 403, body = crate::api::ApiErrorBody)))]
pub async fn put_path(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
    Json(body): Json<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<IdDto>)> {
    let mut spec: PathSpec = serde_json::from_value(body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("the path: {e}")))?;
    spec.code = code;
    let tree = st.store.org_tree(user.org_id).await?;
    let units = st.store.org_units(user.org_id).await?;
    let at = units
        .iter()
        .find(|u| u.code == spec.area.trim())
        .map(|u| u.id)
        .unwrap_or(user.org_id);
    if !may_edit_at(&tree, &user, at) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "your roles do not allow this here",
        ));
    }
    let id = st
        .store
        .save_path(&Actor::user(user.id, &user.email), user.org_id, &spec)
        .await?;
    Ok((StatusCode::CREATED, Json(IdDto { id })))
}

#[utoipa::path(get, path = "/api/v1/practices", tag = "network", params(OrgQuery),
    responses((status = 200, description = "Good practices: [{code, name {fi,sv,en}, description, target_group, problem, how_to, resources, evidence, in_use, themes, units, projects (ids)}]", body = [Object])))]
pub async fn list_practices(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<OrgQuery>,
) -> ApiResult<Json<Vec<PracticeSpec>>> {
    let (org, _) = org_of(&st, &headers, &q.org).await?;
    Ok(Json(
        st.store
            .practices(org.org_id)
            .await?
            .into_iter()
            .map(|p| p.spec)
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/practices/{code}", tag = "network", params(("code" = String, Path), OrgQuery),
    responses((status = 200, body = Object), (status = 404, body = crate::api::ApiErrorBody)))]
pub async fn get_practice(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<OrgQuery>,
) -> ApiResult<Json<PracticeSpec>> {
    let (org, _) = org_of(&st, &headers, &q.org).await?;
    let p = st
        .store
        .practice(org.org_id, &code)
        .await?
        .ok_or_else(|| ApiError::not_found("practice"))?;
    Ok(Json(p.spec))
}

#[utoipa::path(put, path = "/api/v1/practices/{code}", tag = "network", security(("bearer" = [])),
    params(("code" = String, Path)),
    request_body(content = Object, description = "A practice: name {fi, sv, en}, description, target_group, problem, how_to, resources, evidence, in_use, themes [..], units [area or cluster codes], projects [project ids]."),
    responses((status = 201, body = IdDto), (status = 400, body = crate::api::ApiErrorBody), (status = 403, body = crate::api::ApiErrorBody)))]
pub async fn put_practice(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
    Json(body): Json<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<IdDto>)> {
    let tree = st.store.org_tree(user.org_id).await?;
    if !permits(&user.assignments(), &tree, Action::ManagePlans, user.org_id) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "your roles do not allow this here",
        ));
    }
    let mut spec: PracticeSpec = serde_json::from_value(body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("the practice: {e}")))?;
    spec.code = code;
    let id = st
        .store
        .save_practice(&Actor::user(user.id, &user.email), user.org_id, &spec)
        .await?;
    Ok((StatusCode::CREATED, Json(IdDto { id })))
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct SearchParams {
    pub q: String,
    /// actor, path, project, practice, plan or indicator.
    pub kind: String,
    /// An area or cluster code.
    pub area: String,
    /// A sector code.
    pub sector: String,
    pub org: String,
    /// How many results (default 20, at most 100).
    pub limit: Option<usize>,
    pub offset: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResultDto {
    pub kind: String,
    pub key: String,
    /// The result's page.
    pub href: String,
    pub title: crate::api::NamesDto,
    /// Up to 220 characters around the first match.
    pub snippet: String,
    pub score: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchDto {
    pub total: usize,
    /// Counts per kind, area and sector among the matches the other facets keep.
    pub facets: BTreeMap<String, BTreeMap<String, usize>>,
    pub results: Vec<SearchResultDto>,
}

#[utoipa::path(get, path = "/api/v1/search", tag = "network", params(SearchParams),
    responses((status = 200, description = "Matches of every word (in Finnish, Swedish or English forms), best first, with facets", body = SearchDto)))]
pub async fn search(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<SearchParams>,
) -> ApiResult<Json<SearchDto>> {
    let (org, own) = org_of(&st, &headers, &p.org).await?;
    let q = kasvu_core::search::Query::parse(&p.q);
    let hits = st.store.search(org.org_id, &q, own.is_some()).await?;
    let kind = SearchKind::parse(&p.kind).ok();
    let (area, sector) = (p.area.trim(), p.sector.trim());
    let mut facets: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for h in &hits {
        if keep(h, None, area, sector) {
            *facets
                .entry("kind".into())
                .or_default()
                .entry(h.kind.code().into())
                .or_insert(0) += 1;
        }
        if keep(h, kind, "", sector) {
            for a in &h.areas {
                *facets
                    .entry("area".into())
                    .or_default()
                    .entry(a.clone())
                    .or_insert(0) += 1;
            }
        }
        if keep(h, kind, area, "") && !h.sector.is_empty() {
            *facets
                .entry("sector".into())
                .or_default()
                .entry(h.sector.clone())
                .or_insert(0) += 1;
        }
    }
    let kept: Vec<_> = hits
        .iter()
        .filter(|h| keep(h, kind, area, sector))
        .collect();
    let limit = p.limit.unwrap_or(20).clamp(1, 100);
    let shown: Vec<_> = kept.iter().skip(p.offset).take(limit).collect();
    let details = st
        .store
        .search_details(&shown.iter().map(|h| h.id).collect::<Vec<_>>())
        .await?;
    Ok(Json(SearchDto {
        total: kept.len(),
        facets,
        results: shown
            .iter()
            .filter_map(|h| {
                let d = details.get(&h.id)?;
                Some(SearchResultDto {
                    kind: h.kind.code().into(),
                    key: d.key.clone(),
                    href: href_of(h.kind, &d.key),
                    title: crate::api::NamesDto {
                        fi: d.title.fi.clone(),
                        sv: d.title.sv.clone(),
                        en: d.title.en.clone(),
                    },
                    snippet: snippet(&d.body, &q, 220),
                    score: h.score,
                })
            })
            .collect(),
    }))
}
