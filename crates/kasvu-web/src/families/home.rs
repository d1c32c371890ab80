//! The public home for families at `/` (and `/o/{org}` for each further
//! organisation of the installation): find a hobby, this week's activities
//! near you, meeting places, where to start when worried, and the wish
//! form, in plain language. The organisation overview is staff's
//! (`/organisation`).

use super::calendar::occurrences_of;
use super::cards::{filter_query, Filter};
use super::site::{org_and_units, place_groups, PlaceGroup};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::{date_label, lt, LText};
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse};
use kasvu_store::OrgUnit;
use serde::Deserialize;
use std::sync::Arc;

/// Most of this week's activities the home shows (the calendar has the rest).
pub const WEEK_ITEMS: usize = 6;

/// The home's own filter: the place for "this week near you".
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct HomeQuery {
    pub area: String,
}

pub struct WeekItem {
    pub id: i64,
    pub day: String,
    pub time: String,
    pub name: LText,
    pub place: LText,
}

#[derive(Template)]
#[template(path = "families_home.html")]
pub struct FamiliesHome<'a> {
    pub ctx: &'a Ctx,
    /// The organisation's name, shown under the heading.
    pub org_name: String,
    /// `?org=CODE&` for links into the public pages of a further
    /// organisation; empty for the first.
    pub org_q: String,
    /// The organisation's code when it is not the first (hidden form field).
    pub org_code: String,
    pub areas: Vec<PlaceGroup>,
    pub area: String,
    pub area_name: String,
    pub week: Vec<WeekItem>,
    pub more_this_week: bool,
    /// The other organisations' homes: (href, name).
    pub others: Vec<(String, String)>,
}

/// `/`: the families' home of the viewer's organisation (the first).
pub async fn home(State(st): State<AppState>, ctx: Ctx, Query(q): Query<HomeQuery>) -> PageResult {
    let orgs = st.store.organisations().await?;
    if orgs.is_empty() {
        // A fresh installation: the overview says how to begin.
        let page = crate::support::views::HomePage {
            ctx: &ctx,
            orgs: Vec::new(),
        };
        return Ok(Html(page.render()?).into_response());
    }
    let (org, units) = org_and_units(&st, &ctx).await?;
    render(&st, &ctx, &orgs, &org, &units, q, true).await
}

/// `/o/{code}`: the families' home of one organisation of the installation.
pub async fn org_home(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<HomeQuery>,
) -> PageResult {
    let orgs = st.store.organisations().await?;
    let org = orgs
        .iter()
        .find(|o| o.code.eq_ignore_ascii_case(code.trim()) && !o.valid.ended_before(today()))
        .cloned()
        .ok_or(AppError::NotFound)?;
    let units = Arc::new(st.store.org_units(org.org_id).await?);
    let first = orgs.first().is_some_and(|o| o.id == org.id);
    render(&st, &ctx, &orgs, &org, &units, q, first).await
}

async fn render(
    st: &AppState,
    ctx: &Ctx,
    orgs: &[OrgUnit],
    org: &OrgUnit,
    units: &[OrgUnit],
    q: HomeQuery,
    first: bool,
) -> PageResult {
    let areas = place_groups(ctx, units);
    // Only a current area or cluster narrows the week; anything else
    // (an ended cluster, a typo) shows the whole organisation's.
    let area = areas
        .iter()
        .flat_map(|g| {
            std::iter::once((g.code.as_str(), g.name.as_str()))
                .chain(g.clusters.iter().map(|(c, n)| (c.as_str(), n.as_str())))
        })
        .find(|(c, _)| *c == q.area.trim())
        .map(|(c, n)| (c.to_owned(), n.to_owned()));
    let filter = Filter {
        area: area.as_ref().map(|(c, _)| c.clone()).unwrap_or_default(),
        ..Filter::default()
    };
    let query = filter_query(&filter, units, None)
        .map_err(|(f, p)| AppError::Internal(format!("home filter {f}: {}", p.english)))?;
    let from = today();
    let to = from + time::Duration::days(6);
    let off = st.store.days_off(org.org_id).await?;
    let (found, _) = occurrences_of(st, org.org_id, query, from, to, &off).await?;
    let more_this_week = found.iter().filter(|(o, _)| !o.cancelled).count() > WEEK_ITEMS;
    let week = found
        .iter()
        .filter(|(o, _)| !o.cancelled)
        .take(WEEK_ITEMS)
        .map(|(o, a)| WeekItem {
            id: a.id,
            day: format!(
                "{} {}",
                ctx.t(&format!("weekday-{}", o.on.weekday().number_from_monday())),
                date_label(ctx.lang, o.on)
            ),
            time: format!("{}–{}", o.starts, o.ends),
            name: lt(ctx, &a.spec.name),
            place: lt(ctx, &a.place_name),
        })
        .collect();
    let others = orgs
        .iter()
        .filter(|o| o.id != org.id && !o.valid.ended_before(today()))
        .map(|o| {
            let first_org = orgs.first().is_some_and(|f| f.id == o.id);
            (
                if first_org {
                    "/".to_owned()
                } else {
                    format!("/o/{}", o.code)
                },
                ctx.name(&o.names).to_owned(),
            )
        })
        .collect();
    let (area, area_name) = area.unwrap_or_default();
    let page = FamiliesHome {
        ctx,
        org_name: ctx.name(&org.names).to_owned(),
        org_q: if first {
            String::new()
        } else {
            format!("org={}&", org.code)
        },
        org_code: if first {
            String::new()
        } else {
            org.code.clone()
        },
        areas,
        area,
        area_name,
        week,
        more_this_week,
        others,
    };
    Ok(Html(page.render()?).into_response())
}
