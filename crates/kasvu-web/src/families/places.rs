//! Meeting places and one place's page with what happens there.

use super::calendar::occurrences_of;
use super::cards::{unit_name, weekday_no};
use super::page_cache::{cached_page, PageKind};
use super::site::{org_and_units, org_and_units_at};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::date_label;
use crate::support::format::lt;
use crate::support::format::LText;
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse};
use kasvu_core::activity::PlaceKind;
use kasvu_store::{ActivityQuery, OrgUnit, Place};
use serde::Deserialize;

// -------------------------------------------------------------- places

pub struct PlaceCard {
    pub code: String,
    pub name: LText,
    pub kind: String,
    pub address: String,
    pub area: String,
    pub hours: LText,
    pub what: LText,
}

pub(super) fn place_card(ctx: &Ctx, p: &Place, units: &[OrgUnit]) -> PlaceCard {
    PlaceCard {
        code: p.spec.code.clone(),
        name: lt(ctx, &p.spec.name),
        kind: ctx.t(&format!("place-kind-{}", p.spec.kind.code())),
        address: p.spec.address.clone(),
        area: unit_name(units, ctx, p.cluster_id.unwrap_or(p.area_id)),
        hours: lt(ctx, &p.spec.hours),
        what: lt(ctx, &p.spec.what),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PlaceFilter {
    pub area: String,
    pub kind: String,
    /// A further organisation's code (read by `org_and_units`).
    pub org: String,
}

#[derive(Template)]
#[template(path = "places.html")]
pub struct PlacesPage<'a> {
    pub ctx: &'a Ctx,
    pub f: PlaceFilter,
    pub areas: Vec<super::site::PlaceGroup>,
    pub kinds: Vec<(String, String)>,
    pub cards: Vec<PlaceCard>,
}

impl PlaceFilter {
    /// The filter in one spelling (values trimmed, the organisation as
    /// `site::org_param` takes it, lower case) and as an address query:
    /// the page cache's key and the address the page is rendered for.
    fn normalised(&self, org: Option<&str>) -> (PlaceFilter, String) {
        let f = PlaceFilter {
            area: self.area.trim().to_owned(),
            kind: self.kind.trim().to_owned(),
            org: org.map(str::to_ascii_lowercase).unwrap_or_default(),
        };
        let q = [("area", &f.area), ("kind", &f.kind), ("org", &f.org)]
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", crate::support::ctx::url_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        (f, q)
    }
}

/// Meeting places and family centres: where, when open, what happens there.
/// A visitor's page comes from the page cache while the public versions
/// (which a place's save bumps) stay the same.
pub async fn places(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(f): Query<PlaceFilter>,
) -> PageResult {
    let versions = st.store.public_versions().await?;
    let (f, q) = f.normalised(super::site::org_param(&ctx.path).as_deref());
    let (st, versions) = (&st, &versions);
    cached_page(
        &st.pages,
        ctx,
        PageKind::Places,
        "/places",
        q,
        versions.fingerprint,
        |ctx| async move { places_page(st, &ctx, f, versions).await },
    )
    .await
}

/// The places' list rendered (always kept: its filters only narrow it).
async fn places_page(
    st: &AppState,
    ctx: &Ctx,
    f: PlaceFilter,
    versions: &kasvu_store::PublicVersions,
) -> Result<(String, bool), AppError> {
    let (org, units) = org_and_units_at(st, ctx, versions).await?;
    let area = units.iter().find(|u| u.code == f.area);
    let cards = st
        .store
        .places(org.org_id, true)
        .await?
        .iter()
        .filter(|p| area.is_none_or(|u| p.area_id == u.id || p.cluster_id == Some(u.id)))
        .filter(|p| f.kind.is_empty() || p.spec.kind.code() == f.kind)
        .map(|p| place_card(ctx, p, &units))
        .collect();
    let page = PlacesPage {
        ctx,
        areas: super::site::place_groups(ctx, &units),
        kinds: PlaceKind::ALL
            .iter()
            .map(|k| {
                (
                    k.code().to_owned(),
                    ctx.t(&format!("place-kind-{}", k.code())),
                )
            })
            .collect(),
        cards,
        f,
    };
    Ok((page.render()?, true))
}

pub struct UpcomingItem {
    pub id: i64,
    pub date: String,
    pub weekday: String,
    pub time: String,
    pub name: LText,
    pub cancelled: bool,
}

#[derive(Template)]
#[template(path = "place.html")]
pub struct PlacePage<'a> {
    pub ctx: &'a Ctx,
    pub c: PlaceCard,
    pub directions: LText,
    pub access: LText,
    pub runner: Option<(String, String)>,
    pub phone: String,
    pub tel: String,
    pub website: String,
    pub upcoming: Vec<UpcomingItem>,
}

pub async fn place(State(st): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> PageResult {
    let (org, units) = org_and_units(&st, &ctx).await?;
    let p = st
        .store
        .place(org.org_id, &code)
        .await?
        .filter(|p| p.spec.published)
        .ok_or(AppError::NotFound)?;

    let runner = match p.spec.actor.as_str() {
        "" => None,
        c => st
            .store
            .actors(org.org_id)
            .await?
            .into_iter()
            .find(|a| a.spec.code == c)
            .map(|a| (a.spec.code, a.spec.name)),
    };
    let now = today();
    let q = ActivityQuery {
        place_id: Some(p.id),
        ..ActivityQuery::default()
    };
    let (found, _) = occurrences_of(
        &st,
        org.org_id,
        q,
        now,
        now + time::Duration::days(14),
        &st.store.days_off(org.org_id).await?,
    )
    .await?;
    let upcoming = found
        .iter()
        .take(30)
        .map(|(o, a)| UpcomingItem {
            id: a.id,
            date: date_label(ctx.lang, o.on),
            weekday: ctx.t(&format!("weekday-{}", weekday_no(o.on.weekday()))),
            time: format!("{}–{}", o.starts, o.ends),
            name: lt(&ctx, &a.spec.name),
            cancelled: o.cancelled,
        })
        .collect();
    let page = PlacePage {
        ctx: &ctx,
        c: place_card(&ctx, &p, &units),
        directions: lt(&ctx, &p.spec.directions),
        access: lt(&ctx, &p.spec.access),
        runner,
        tel: p
            .spec
            .phone
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect(),
        phone: p.spec.phone.clone(),
        website: p.spec.website.clone(),
        upcoming,
    };
    Ok(Html(page.render()?).into_response())
}
