//! The month calendar of activities and its iCalendar feeds.

use super::cards::{filter_form, query_of, weekday_no, Filter, FilterForm};
use super::page_cache::{cached_page, PageKind};
use super::site::{
    org_and_units, org_and_units_at, CALENDAR_LIMIT, FEED_AHEAD_DAYS, FEED_BACK_DAYS,
};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::date_label;
use crate::support::format::lt;
use crate::support::format::LText;
use crate::support::responses::ics_response;
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use kasvu_core::activity::{occurrences_off, DaysOff, Occurrence};
use kasvu_store::{Activity, ActivityQuery};
use std::sync::Arc;
use time::{Date, Month};

// ------------------------------------------------------------ calendar

pub struct CalendarItem {
    pub id: i64,
    pub time: String,
    /// The start time alone (the month grid).
    pub start: String,
    pub name: LText,
    pub place: LText,
    pub kind: String,
    /// The kind's code, for its icon (`kind-hobby` …).
    pub kind_code: &'static str,
    pub cancelled: bool,
}

pub struct CalendarDay {
    pub date: String,
    pub day: u8,
    pub weekday: String,
    pub in_month: bool,
    pub is_today: bool,
    pub items: Vec<CalendarItem>,
    /// A holiday or break: no weekly sessions.
    pub off: Option<LText>,
}

#[derive(Template)]
#[template(path = "calendar.html")]
pub struct CalendarPage<'a> {
    pub ctx: &'a Ctx,
    pub f: Filter,
    pub form: Arc<FilterForm>,
    pub error: Option<(String, String)>,
    pub month_title: String,
    pub month: String,
    pub prev_month: String,
    pub next_month: String,
    pub list_view: bool,
    /// `list` or `month`, for links that keep the view.
    pub view: &'static str,
    /// Weeks of seven days, Monday first (month view).
    pub weeks: Vec<Vec<CalendarDay>>,
    /// Days with something on (list view).
    pub days: Vec<CalendarDay>,
    pub weekday_heads: Vec<String>,
    pub query: String,
    pub truncated: bool,
    pub area_name: String,
}

impl CalendarPage<'_> {
    pub fn link(&self, month: &str, view: &str) -> String {
        let mut q = format!("/calendar?month={month}&view={view}");
        if !self.query.is_empty() {
            q.push('&');
            q.push_str(&self.query);
        }
        q
    }
    pub fn feed(&self) -> String {
        if self.query.is_empty() {
            "/calendar.ics".into()
        } else {
            format!("/calendar.ics?{}", self.query)
        }
    }
    pub fn error_on(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|(f, _)| f == field)
    }
}

/// The months a calendar can show. Beyond these a family's calendar has
/// nothing, and the date arithmetic around a month (its grid reaches into
/// the weeks before and after) stays far from the limits of the date type:
/// `?month=9999-12` used to overflow and drop the connection.
pub(super) const CALENDAR_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

pub(super) fn parse_month(s: &str) -> Option<Date> {
    let (y, m) = s.trim().split_once('-')?;
    let y: i32 = y.parse().ok().filter(|y| CALENDAR_YEARS.contains(y))?;
    let m: u8 = m.parse().ok()?;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, 1).ok()
}

pub(super) fn month_code(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// The occurrences of the activities matching `q` from `from` to `to`, in
/// time order, with the activity each belongs to.
pub(super) async fn occurrences_of(
    st: &AppState,
    org_id: i64,
    mut q: ActivityQuery,
    from: Date,
    to: Date,
    off: &DaysOff,
) -> Result<(Vec<(Occurrence, Arc<Activity>)>, bool), AppError> {
    q.between = Some((from, to));
    q.limit = CALENDAR_LIMIT;
    q.offset = 0;
    let page = st.store.find_activities(org_id, &q).await?;
    let truncated = page.total > CALENDAR_LIMIT;
    let mut out = Vec::new();
    for a in page.items {
        let cancelled = a.cancelled();
        for o in occurrences_off(&a.schedule, from, to, &cancelled, off) {
            out.push((o, a.clone()));
        }
    }
    out.sort_by(|x, y| {
        (x.0.on, x.0.starts, &x.1.spec.name.fi).cmp(&(y.0.on, y.0.starts, &y.1.spec.name.fi))
    });
    Ok((out, truncated))
}

/// A calendar's filter in one spelling (see [`Filter::normalised`]), with
/// the month it shows when one is named (a month that is not one counts as
/// none: the page shows this month either way) and the view when it is the
/// list; and its address query (month and view first, as the page's own
/// links put them, the grid's view left out): the page cache's key and the
/// path the page is rendered for.
fn calendar_filter(f: &Filter, org: Option<&str>) -> (Filter, String) {
    let mut n = f.normalised(org);
    n.page = String::new();
    n.month = parse_month(&f.month).map(month_code).unwrap_or_default();
    n.view = if f.view.trim() == "list" {
        "list".into()
    } else {
        String::new()
    };
    let q = [
        ("month", n.month.clone()),
        ("view", n.view.clone()),
        ("", n.query()),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| if k.is_empty() { v } else { format!("{k}={v}") })
    .collect::<Vec<_>>()
    .join("&");
    (n, q)
}

/// The activity calendar of the city, an area or a cluster: a month as a
/// grid or as a list by day, cancellations shown, and its iCalendar feed.
/// A visitor's page comes from the page cache while the public versions
/// (which activities, their places and breaks, organisers and the tree
/// bump) stay the same; today is in its key.
pub async fn calendar(State(st): State<AppState>, ctx: Ctx, Query(f): Query<Filter>) -> PageResult {
    // Read before anything the page shows (see `hobbies`).
    let versions = st.store.public_versions().await?;
    let (f, key_query) = calendar_filter(&f, super::site::org_param(&ctx.path).as_deref());
    let (st, versions) = (&st, &versions);
    cached_page(
        &st.pages,
        ctx,
        PageKind::Calendar,
        "/calendar",
        key_query,
        versions.fingerprint,
        |ctx| async move { calendar_page(st, &ctx, f, versions).await },
    )
    .await
}

/// A calendar month rendered, and whether its filter was good (a page that
/// names a bad filter is not kept).
async fn calendar_page(
    st: &AppState,
    ctx: &Ctx,
    f: Filter,
    versions: &kasvu_store::PublicVersions,
) -> Result<(String, bool), AppError> {
    let (org, units) = org_and_units_at(st, ctx, versions).await?;
    let now = today();
    let first = parse_month(&f.month).unwrap_or_else(|| now.replace_day(1).unwrap_or(now));
    let next = first
        .replace_day(28)
        .ok()
        .and_then(|d| (d + time::Duration::days(4)).replace_day(1).ok())
        .unwrap_or(first);
    let last = next.previous_day().unwrap_or(first);
    let prev = first
        .previous_day()
        .and_then(|d| d.replace_day(1).ok())
        .unwrap_or(first);
    let list_view = f.view.trim() == "list";
    let off = st.store.days_off(org.org_id).await?;
    let (found, truncated, error) = match query_of(st, org.org_id, &f, &units).await? {
        Ok(q) => {
            let (o, t) = occurrences_of(st, org.org_id, q, first, last, &off).await?;
            (o, t, None)
        }
        Err((field, p)) => (
            vec![],
            false,
            Some((field.to_owned(), ctx.lang.problem(&p))),
        ),
    };
    let item = |o: &Occurrence, a: &Activity| CalendarItem {
        id: a.id,
        time: format!("{}–{}", o.starts, o.ends),
        start: o.starts.to_string(),
        name: lt(ctx, &a.spec.name),
        place: lt(ctx, &a.place_name),
        kind: ctx.t(&format!("activity-kind-{}", a.spec.kind.code())),
        kind_code: a.spec.kind.code(),
        cancelled: o.cancelled,
    };
    let day_of = |d: Date, items: Vec<CalendarItem>| CalendarDay {
        date: date_label(ctx.lang, d),
        day: d.day(),
        weekday: ctx.t(&format!("weekday-{}", weekday_no(d.weekday()))),
        in_month: d.month() == first.month(),
        is_today: d == now,
        items,
        off: off.reason(d).map(|why| super::day_off_text(ctx, &why)),
    };
    let items_on = |d: Date| -> Vec<CalendarItem> {
        found
            .iter()
            .filter(|(o, _)| o.on == d)
            .map(|(o, a)| item(o, a))
            .collect()
    };
    let mut weeks = Vec::new();
    let mut days = Vec::new();
    if list_view {
        let mut d = first;
        while d <= last {
            let items = items_on(d);
            if !items.is_empty() {
                days.push(day_of(d, items));
            }
            d = d.next_day().unwrap_or(last + time::Duration::days(1));
        }
    } else {
        let mut d =
            first - time::Duration::days(i64::from(first.weekday().number_days_from_monday()));
        while d <= last {
            let mut week = Vec::with_capacity(7);
            for _ in 0..7 {
                let items = if d.month() == first.month() {
                    items_on(d)
                } else {
                    vec![]
                };
                week.push(day_of(d, items));
                d = d.next_day().unwrap_or(d);
            }
            weeks.push(week);
        }
    }
    let area_name = units
        .iter()
        .find(|u| u.code == f.area.trim())
        .map(|u| ctx.name(&u.names).to_owned())
        .unwrap_or_else(|| ctx.name(&org.names).to_owned());
    let ok = error.is_none();
    let page = CalendarPage {
        ctx,
        form: st
            .trees
            .filter_form(versions.tree, (org.org_id, ctx.lang, now), || {
                filter_form(ctx, &units)
            }),
        query: f.query(),
        error,
        month_title: format!(
            "{} {}",
            ctx.t(&format!("month-{}", u8::from(first.month()))),
            first.year()
        ),
        month: month_code(first),
        prev_month: month_code(prev),
        next_month: month_code(next),
        list_view,
        view: if list_view { "list" } else { "month" },
        weeks,
        days,
        weekday_heads: (1..=7)
            .map(|n| ctx.t(&format!("weekday-short-{n}")))
            .collect(),
        truncated,
        area_name,
        f,
    };
    Ok((page.render()?, ok))
}

/// The iCalendar events of occurrences.
pub(super) fn ics_events(
    ctx: &Ctx,
    found: &[(Occurrence, Arc<Activity>)],
) -> Vec<kasvu_io::ics::IcsEvent> {
    found
        .iter()
        .map(|(o, a)| {
            let start = kasvu_io::ics::to_utc(o.on, o.starts);
            let end = kasvu_io::ics::to_utc(o.ends_on, o.ends);
            kasvu_io::ics::IcsEvent {
                uid: format!("activity-{}-{}@kasvu", a.id, kasvu_core::format_date(o.on)),
                on: o.on,
                start: o.starts,
                duration_min: (end - start).num_minutes().max(1),
                summary: lt(ctx, &a.spec.name).text,
                description: lt(ctx, &a.spec.description).text,
                location: lt(ctx, &a.place_name).text,
                cancelled: o.cancelled,
                stamp: a.updated_at,
            }
        })
        .collect()
}

/// The feed of a calendar search (an area, a cluster, a type, a place …):
/// a week back and half a year ahead.
pub async fn calendar_feed(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(f): Query<Filter>,
) -> PageResult {
    let (org, units) = org_and_units(&st, &ctx).await?;
    let q = query_of(&st, org.org_id, &f, &units)
        .await?
        .map_err(|(field, p)| AppError::BadRequest(format!("{field}: {}", ctx.lang.problem(&p))))?;
    let now = today();
    let off = st.store.days_off(org.org_id).await?;
    let (found, _) = occurrences_of(
        &st,
        org.org_id,
        q,
        now - time::Duration::days(FEED_BACK_DAYS),
        now + time::Duration::days(FEED_AHEAD_DAYS),
        &off,
    )
    .await?;
    let name = units
        .iter()
        .find(|u| u.code == f.area.trim())
        .map(|u| ctx.name(&u.names).to_owned())
        .unwrap_or_else(|| ctx.name(&org.names).to_owned());
    Ok(ics_response(kasvu_io::ics::calendar(
        &format!("{} – {name}", ctx.t("calendar-title")),
        &ics_events(&ctx, &found),
    )))
}

/// One activity's times as a feed, for "add to my calendar".
pub async fn activity_feed(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    let (org, _) = org_and_units(&st, &ctx).await?;
    let a = Arc::new(
        st.store
            .activity(org.org_id, id)
            .await?
            .filter(|a| a.status == kasvu_core::activity::ActivityStatus::Published)
            .ok_or(AppError::NotFound)?,
    );
    let now = today();
    let cancelled = a.cancelled();
    let off = st.store.days_off(org.org_id).await?;
    let found: Vec<(Occurrence, Arc<Activity>)> = occurrences_off(
        &a.schedule,
        now - time::Duration::days(FEED_BACK_DAYS),
        now + time::Duration::days(FEED_AHEAD_DAYS * 2),
        &cancelled,
        &off,
    )
    .into_iter()
    .map(|o| (o, a.clone()))
    .collect();
    Ok(ics_response(kasvu_io::ics::calendar(
        &lt(&ctx, &a.spec.name).text,
        &ics_events(&ctx, &found),
    )))
}
