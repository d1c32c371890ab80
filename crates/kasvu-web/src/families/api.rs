//! Open data for families' activities in the shape of Linked Events
//! (`kasvu_io::linked_events`): published events with paging as
//! `{meta: {count, next, previous}, data}`, and the places they are at.
//! Reads are public and show only published entries.

use crate::families::cards::{query_of, Filter};
use crate::support::access::org_of;
use crate::support::api::Json;
use crate::support::api::Path;
use crate::support::api::Query;
use crate::support::api::{ApiError, ApiResult};
use crate::support::responses::public_base;
use crate::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kasvu_core::activity::ActivityStatus;
use kasvu_io::linked_events::{to_event, LeEvent, LeMeta, LePage};
use kasvu_store::Place;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Events per page unless asked otherwise, and at most.
const DEFAULT_PAGE_SIZE: i64 = 20;
const MAX_PAGE_SIZE: i64 = 100;

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct EventQuery {
    /// The organisation's code (default: the first by name).
    pub org: String,
    /// 1-based page.
    #[param(value_type = i64, minimum = 1, maximum = 1_000_000)]
    pub page: String,
    /// Events per page (1–100, default 20).
    #[param(value_type = i64, minimum = 1, maximum = 100)]
    pub page_size: String,
    /// An area's or a cluster's code.
    pub area: String,
    /// hobby, event, group or visit.
    #[param(schema_with = activity_kind)]
    pub kind: String,
    /// The type (art, music, sports …).
    #[serde(rename = "type")]
    #[param(rename = "type", schema_with = activity_category)]
    pub category: String,
    /// An age the audience must include.
    #[param(value_type = i64, minimum = 0, maximum = 120)]
    pub age: String,
    /// Weekday 1 (Monday) – 7.
    #[param(value_type = i64, minimum = 1, maximum = 7)]
    pub day: String,
    /// `true` for free events only (Linked Events' name).
    #[param(value_type = bool)]
    pub is_free: String,
    /// A place's code.
    pub place: String,
    /// Happening on or after this day (YYYY-MM-DD).
    #[param(value_type = String, format = Date)]
    pub start: String,
    /// Happening on or before this day (YYYY-MM-DD).
    #[param(value_type = String, format = Date)]
    pub end: String,
}

fn activity_kind() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::support::api::json_schema(crate::support::api::one_of(
        kasvu_core::activity::ActivityKind::CODES,
    ))
}

fn activity_category() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::support::api::json_schema(crate::support::api::one_of(
        kasvu_core::activity::Category::CODES,
    ))
}

fn number(field: &str, s: &str, default: i64, max: i64) -> ApiResult<i64> {
    if s.trim().is_empty() {
        return Ok(default);
    }
    match s.trim().parse::<i64>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("'{s}' is not a number from 1 to {max}"),
        )
        .with_field(field)),
    }
}

/// The parameters the document types (numbers, a boolean, days, code
/// lists) are refused when given empty, and `is_free` is true or false (or 1 or 0):
/// the empty value of the pages' forms means "any" there, not here.
fn typed_parameters(raw_query: &str) -> ApiResult<()> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw_query)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.to_string()))?;
    for (name, value) in &pairs {
        let value = value.trim();
        let typed = [
            "page",
            "page_size",
            "age",
            "day",
            "is_free",
            "start",
            "end",
            "kind",
            "type",
        ];
        if typed.contains(&name.as_str()) && value.is_empty() {
            return Err(
                ApiError::new(StatusCode::BAD_REQUEST, "a value is required").with_field(name),
            );
        }
        if name == "is_free" && !matches!(value, "true" | "false" | "1" | "0") {
            return Err(
                ApiError::new(StatusCode::BAD_REQUEST, "is_free is true or false").with_field(name),
            );
        }
    }
    Ok(())
}

fn day(field: &str, s: &str) -> ApiResult<Option<time::Date>> {
    kasvu_core::parse_date(s)
        .map_err(|p| ApiError::new(StatusCode::BAD_REQUEST, p.english).with_field(field))
}

/// The address of the same list at another page.
fn page_url(base: &str, raw_query: &str, page: i64) -> String {
    let kept: Vec<&str> = raw_query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("page="))
        .collect();
    let mut q = kept.join("&");
    if !q.is_empty() {
        q.push('&');
    }
    format!("{base}/api/v1/events?{q}page={page}")
}

#[utoipa::path(get, path = "/api/v1/events", tag = "families", params(EventQuery),
    responses((status = 200, description = "Published activities as Linked Events events, a page at a time", body = LePage),
        (status = 400, body = crate::support::api::ApiErrorBody)))]
pub async fn list_events(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Query(q): Query<EventQuery>,
) -> ApiResult<Json<LePage>> {
    typed_parameters(uri.query().unwrap_or(""))?;
    let (org, _) = org_of(&st, &headers, &q.org).await?;
    let units = st.store.org_units(org.org_id).await?;
    let f = Filter {
        area: q.area.clone(),
        age: q.age.clone(),
        day: q.day.clone(),
        free: if matches!(q.is_free.trim(), "true" | "1") {
            "1".into()
        } else {
            String::new()
        },
        category: q.category.clone(),
        kind: q.kind.clone(),
        place: q.place.clone(),
        ..Filter::default()
    };
    let mut query = query_of(&st, org.org_id, &f, &units)
        .await?
        .map_err(|(field, p)| {
            // An area or place that is not there is not found, like an
            // unknown organisation; other refusals are bad values.
            let status = if matches!(field, "area" | "place") {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::BAD_REQUEST
            };
            ApiError::new(status, p.english).with_field(field)
        })?;
    let page = number("page", &q.page, 1, 1_000_000)?;
    let size = number("page_size", &q.page_size, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let (start, end) = (day("start", &q.start)?, day("end", &q.end)?);
    if start.is_some() || end.is_some() {
        query.between = Some((
            start.unwrap_or(time::Date::MIN),
            end.unwrap_or(time::Date::MAX),
        ));
    }
    query.limit = size;
    query.offset = (page - 1) * size;
    let found = st.store.find_activities(org.org_id, &query).await?;
    let places = st.store.places(org.org_id, true).await?;
    let base = public_base(&st);
    let raw = uri.query().unwrap_or("");
    Ok(Json(LePage {
        meta: LeMeta {
            count: found.total,
            next: (page * size < found.total).then(|| page_url(base, raw, page + 1)),
            previous: (page > 1).then(|| page_url(base, raw, page - 1)),
        },
        data: found
            .items
            .iter()
            .map(|a| to_event(a, &places, base))
            .collect(),
    }))
}

#[derive(Deserialize, Default, IntoParams)]
#[serde(default)]
pub struct OrgOnly {
    /// The organisation's code (default: the first by name).
    pub org: String,
}

#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "families", params(("id" = String, Path, description = "kasvu:123"), OrgOnly),
    responses((status = 200, body = LeEvent), (status = 404, body = crate::support::api::ApiErrorBody)))]
pub async fn get_event(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<OrgOnly>,
) -> ApiResult<Json<LeEvent>> {
    let (org, _) = org_of(&st, &headers, &q.org).await?;
    let n: i64 = id
        .strip_prefix("kasvu:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ApiError::not_found("event"))?;
    let a = st
        .store
        .activity(org.org_id, n)
        .await?
        .filter(|a| a.status == ActivityStatus::Published)
        .ok_or_else(|| ApiError::not_found("event"))?;
    let places = st.store.places(org.org_id, true).await?;
    Ok(Json(to_event(&a, &places, public_base(&st))))
}

/// A meeting place or family centre, as Linked Events gives places.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceDto {
    pub id: String,
    #[serde(rename = "@id")]
    pub at_id: String,
    pub kind: String,
    #[schema(value_type = Object)]
    pub name: kasvu_io::linked_events::LangMap,
    #[schema(value_type = Object)]
    pub street_address: kasvu_io::linked_events::LangMap,
    /// The area or cluster it is in.
    pub area: String,
    #[schema(value_type = Object)]
    pub opening_hours: kasvu_io::linked_events::LangMap,
    #[schema(value_type = Object)]
    pub description: kasvu_io::linked_events::LangMap,
    #[schema(value_type = Object)]
    pub directions: kasvu_io::linked_events::LangMap,
    #[schema(value_type = Object)]
    pub accessibility: kasvu_io::linked_events::LangMap,
    /// The register's actor who runs it.
    pub runner: String,
    pub telephone: String,
    pub info_url: String,
}

fn lang(n: &kasvu_core::Names) -> kasvu_io::linked_events::LangMap {
    [("fi", &n.fi), ("sv", &n.sv), ("en", &n.en)]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.to_owned(), Some(v.clone())))
        .collect()
}

fn place_dto(p: &Place, base: &str) -> PlaceDto {
    PlaceDto {
        id: p.spec.code.clone(),
        at_id: format!("{base}/api/v1/places/{}", p.spec.code),
        kind: p.spec.kind.code().into(),
        name: lang(&p.spec.name),
        street_address: lang(&kasvu_core::Names {
            fi: p.spec.address.clone(),
            ..Default::default()
        }),
        area: p.spec.area.clone(),
        opening_hours: lang(&p.spec.hours),
        description: lang(&p.spec.what),
        directions: lang(&p.spec.directions),
        accessibility: lang(&p.spec.access),
        runner: p.spec.actor.clone(),
        telephone: p.spec.phone.clone(),
        info_url: p.spec.website.clone(),
    }
}

#[utoipa::path(get, path = "/api/v1/places", tag = "families", params(OrgOnly),
    responses((status = 200, description = "Published meeting places and family centres", body = [PlaceDto])))]
pub async fn list_places(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<OrgOnly>,
) -> ApiResult<Json<Vec<PlaceDto>>> {
    let (org, _) = org_of(&st, &headers, &q.org).await?;
    let base = public_base(&st);
    Ok(Json(
        st.store
            .places(org.org_id, true)
            .await?
            .iter()
            .map(|p| place_dto(p, base))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/places/{code}", tag = "families", params(("code" = String, Path), OrgOnly),
    responses((status = 200, body = PlaceDto), (status = 404, body = crate::support::api::ApiErrorBody)))]
pub async fn get_place(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<OrgOnly>,
) -> ApiResult<Json<PlaceDto>> {
    let (org, _) = org_of(&st, &headers, &q.org).await?;
    let p = st
        .store
        .place(org.org_id, &code)
        .await?
        .filter(|p| p.spec.published)
        .ok_or_else(|| ApiError::not_found("place"))?;
    Ok(Json(place_dto(&p, public_base(&st))))
}
