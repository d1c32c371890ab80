//! The network's knowledge in the JSON API: the register of actors (a
//! private contact person only for the organisation's own people), the
//! collaboration map and hand-entered collaborations, one-contact paths,
//! good practices and search. Reads are public (an organisation by `org`,
//! else the first); writes need a bearer token and the role the pages ask.

use crate::knowledge::pages::href_of;
use crate::support::access::org_of;
use crate::support::api::IdDto;
use crate::support::api::Json;
use crate::support::api::OrgQuery;
use crate::support::api::Path;
use crate::support::api::Query;
use crate::support::api::{ApiError, ApiResult, ApiUser};
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kasvu_core::role::permits;
use kasvu_core::search::{snippet, SearchKind};
use kasvu_core::Action;
use kasvu_store::{Actor, PathSpec, PracticeSpec, User};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

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
    responses((status = 200, body = Object), (status = 404, body = crate::support::api::ApiErrorBody)))]
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

/// The body with the URL's code in it: the document's body has no code.
fn with_code(mut body: serde_json::Value, code: &str) -> serde_json::Value {
    if let Some(fields) = body.as_object_mut() {
        fields.insert("code".into(), code.into());
    }
    body
}

/// People who change the tree at the path's area (or at the organisation).
fn may_edit_at(st_tree: &kasvu_core::OrgTree, user: &User, unit_id: i64) -> bool {
    permits(&user.assignments(), st_tree, Action::EditTree, unit_id)
}

crate::support::api::body_schema!(
    /// A one-contact path, as the store reads it (`kasvu_store::PathSpec`;
    /// the code is the URL's).
    PathInput,
    {
        use crate::support::api::{names_schema, one_of, optional_text};
        let step = serde_json::json!({
            "type": "object", "required": ["kind", "what"],
            "properties": {
                "kind": one_of(kasvu_core::path::StepKind::CODES),
                "what": names_schema(true, 2000), "how": names_schema(false, 2000),
                "actor": {"type": "string"}, "staff_note": optional_text(2000),
            },
        });
        serde_json::json!({
            "type": "object", "required": ["need", "steps"],
            "properties": {
                "need": names_schema(true, 2000), "intro": names_schema(false, 2000),
                "area": {"type": "string"}, "published": {"type": "boolean"},
                "steps": {"type": "array", "minItems": 2, "maxItems": kasvu_core::path::MAX_STEPS, "items": step},
            },
        })
    }
);

crate::support::api::body_schema!(
    /// A good practice, as the store reads it (`kasvu_store::PracticeSpec`;
    /// the code is the URL's).
    PracticeInput,
    {
        use crate::support::api::{optional_text, required_text};
        let text = optional_text(10_000);
        let codes = serde_json::json!({"type": "array", "items": {"type": "string"}});
        serde_json::json!({
            "type": "object", "required": ["name"],
            "properties": {
                "name": {"type": "object", "required": ["fi"],
                         "properties": {"fi": required_text(300), "sv": text, "en": text}},
                "description": text, "target_group": text, "problem": text, "how_to": text,
                "resources": text, "evidence": text, "in_use": text,
                "themes": codes, "units": codes,
                "projects": {"type": "array", "items": {"type": "integer", "format": "int64"}},
            },
        })
    }
);

#[utoipa::path(put, path = "/api/v1/paths/{code}", tag = "network", security(("bearer" = [])),
    params(("code" = String, Path, pattern = "^[a-z0-9][a-z0-9_-]{0,63}$")),
    request_body(content = PathInput, description = "A path: need {fi, sv, en}, intro, area (area or cluster code; empty for the whole organisation), published, steps [{kind: everyday|contact|urgent, what {fi,sv,en}, how {fi,sv,en}, actor (register code), staff_note}] — everyday support first, urgent last, 2–10 steps. crates/kasvu-io/demo/oulu_network.json has examples."),
    responses((status = 201, body = IdDto), (status = 400, body = crate::support::api::ApiErrorBody), (status = 403, body = crate::support::api::ApiErrorBody)))]
pub async fn put_path(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
    Json(body): Json<serde_json::Value>,
) -> ApiResult<(StatusCode, Json<IdDto>)> {
    // Who may change the tree nowhere is refused whatever the path says.
    if !user.roles.iter().any(|r| r.role.allows(Action::EditTree)) {
        return Err(ApiError::forbidden());
    }
    let mut spec: PathSpec = serde_json::from_value(with_code(body, &code))
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
    responses((status = 200, body = Object), (status = 404, body = crate::support::api::ApiErrorBody)))]
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
    params(("code" = String, Path, pattern = "^[a-z0-9][a-z0-9_-]{0,63}$")),
    request_body(content = PracticeInput, description = "A practice: name {fi, sv, en}, description, target_group, problem, how_to, resources, evidence, in_use, themes [..], units [area or cluster codes], projects [project ids]."),
    responses((status = 201, body = IdDto), (status = 400, body = crate::support::api::ApiErrorBody), (status = 403, body = crate::support::api::ApiErrorBody)))]
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
    let mut spec: PracticeSpec = serde_json::from_value(with_code(body, &code))
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
    /// actor, path, project, practice, plan, indicator, activity, place, team, meeting or feedback.
    pub kind: String,
    /// An area or cluster code.
    pub area: String,
    /// A sector code.
    pub sector: String,
    pub org: String,
    /// How many results (default 20, at most 100).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<usize>,
    /// How many results to skip.
    #[param(minimum = 0, maximum = 1_000_000)]
    pub offset: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResultDto {
    pub kind: String,
    pub key: String,
    /// The result's page.
    pub href: String,
    pub title: crate::support::api::NamesDto,
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
    // The document's ranges, refused as they are declared.
    if p.limit.is_some_and(|l| !(1..=100).contains(&l)) {
        return Err(
            ApiError::new(StatusCode::BAD_REQUEST, "limit is from 1 to 100").with_field("limit"),
        );
    }
    if p.offset > 1_000_000 {
        return Err(
            ApiError::new(StatusCode::BAD_REQUEST, "offset is at most 1000000")
                .with_field("offset"),
        );
    }
    let (org, own) = org_of(&st, &headers, &p.org).await?;
    let q = kasvu_core::search::Query::parse(&p.q);
    let filter = kasvu_store::SearchFilter {
        kind: SearchKind::parse(&p.kind).ok(),
        area: p.area.trim().to_owned(),
        sector: p.sector.trim().to_owned(),
    };
    // As on the search page: the organisation's people, and a team's
    // members its meetings.
    let reader = crate::support::access::search_reader(&st, own.as_ref(), own.is_some()).await?;
    let limit = p.limit.unwrap_or(20);
    // Counted and ranked in the database; only the page's rows are read.
    let found = st
        .store
        .search_page(org.org_id, &q, &reader, &filter, p.offset, limit)
        .await?;
    let mut facets: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (name, counts) in [
        ("kind", &found.kinds),
        ("area", &found.areas),
        ("sector", &found.sectors),
    ] {
        if !counts.is_empty() {
            facets.insert(name.into(), counts.clone());
        }
    }
    let shown = &found.hits;
    let details = st
        .store
        .search_details(&shown.iter().map(|h| h.id).collect::<Vec<_>>())
        .await?;
    Ok(Json(SearchDto {
        total: found.total,
        facets,
        results: shown
            .iter()
            .filter_map(|h| {
                let d = details.get(&h.id)?;
                Some(SearchResultDto {
                    kind: h.kind.code().into(),
                    key: d.key.clone(),
                    href: href_of(h.kind, &d.key),
                    title: crate::support::api::NamesDto {
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
