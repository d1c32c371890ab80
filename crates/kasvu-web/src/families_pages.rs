//! The public pages for families (seeds 000/001/004): the hobby treasure
//! chest, the activity calendars of areas and clusters with their
//! iCalendar feeds, meeting places and family centres, and the
//! "what would you like to do?" wish form. No sign-in; only published
//! entries are read. Content is shown in the reader's language when the
//! organiser gave it, else in Finnish marked with `lang="fi"`.

use crate::ctx::Ctx;
use crate::error::{AppError, PageResult};
use crate::pages::{area_choices, today};
use crate::team_pages::{date_text, ics_response};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::activity::{
    occurrences, weekday_bit, ActivityKind, AgeGroup, Category, Occurrence, PlaceKind,
};
use kasvu_core::{Level, Names, Problem};
use kasvu_store::{Activity, ActivityQuery, OrgUnit, Place, WishSpec};
use serde::Deserialize;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use time::{Date, Month};

/// Hobbies per page of the treasure chest.
pub const PAGE_SIZE: i64 = 20;
/// Most activities a calendar month or feed reads.
const CALENDAR_LIMIT: i64 = 1000;
/// Days a feed reaches back and ahead.
const FEED_BACK_DAYS: i64 = 7;
const FEED_AHEAD_DAYS: i64 = 180;
/// Wishes one client may send in ten minutes.
pub const MAX_WISHES_PER_CLIENT: usize = 5;
const WISH_WINDOW: Duration = Duration::from_secs(600);
/// A team sees what wishes say only when at least this many came from the area.
pub const MIN_WISHES_FOR_TEXT: i64 = 5;

type Trees = std::collections::HashMap<i64, Arc<Vec<OrgUnit>>>;

/// The organisations and their units as the public pages read them (the
/// hobby search under load spent most of its time in these lookups, not in
/// the search), and whether the database holds demo data (every page says
/// so). Kept only while the database's `tree_version` stays the same, so a
/// change made through any process sharing the database shows at once.
#[derive(Clone, Default)]
pub struct TreeCache(Arc<Mutex<Option<TreesAt>>>);

/// What was read at one `tree_version`.
struct TreesAt {
    version: i64,
    demo: Option<bool>,
    orgs: Option<Arc<Vec<OrgUnit>>>,
    trees: Trees,
}

impl TreeCache {
    /// Works on what is kept for `version`, forgetting what was kept for
    /// another. (Data read after reading `version` is never older than it.)
    fn at<T>(&self, version: i64, f: impl FnOnce(&mut TreesAt) -> T) -> T {
        let mut g = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = match g.take() {
            Some(c) if c.version == version => c,
            _ => TreesAt {
                version,
                demo: None,
                orgs: None,
                trees: Trees::new(),
            },
        };
        f(g.insert(kept))
    }

    /// Whether the database holds demo data.
    pub(crate) async fn demo(&self, store: &kasvu_store::Store) -> bool {
        let Ok(version) = store.tree_version().await else {
            return store.has_demo_data().await.unwrap_or(false);
        };
        if let Some(d) = self.at(version, |c| c.demo) {
            return d;
        }
        let d = store.has_demo_data().await.unwrap_or(false);
        self.at(version, |c| c.demo = Some(d));
        d
    }
}

/// The viewer's organisation (a signed-in person's own, else the first by
/// name) and its units.
pub(crate) async fn org_and_units(
    st: &AppState,
    ctx: &Ctx,
) -> Result<(OrgUnit, Arc<Vec<OrgUnit>>), AppError> {
    let version = st.store.tree_version().await?;
    let orgs = match st.trees.at(version, |c| c.orgs.clone()) {
        Some(o) => o,
        None => {
            let o = Arc::new(st.store.organisations().await?);
            st.trees.at(version, |c| c.orgs = Some(o.clone()));
            o
        }
    };
    let at = ctx
        .user
        .as_ref()
        .and_then(|u| orgs.iter().position(|o| o.org_id == u.org_id))
        .unwrap_or(0);
    let org = orgs.get(at).cloned().ok_or(AppError::NotFound)?;
    let units = match st.trees.at(version, |c| c.trees.get(&org.org_id).cloned()) {
        Some(u) => u,
        None => {
            let u = Arc::new(st.store.org_units(org.org_id).await?);
            st.trees
                .at(version, |c| c.trees.insert(org.org_id, u.clone()));
            u
        }
    };
    Ok((org, units))
}

/// Text in the reader's language, or in Finnish when the organiser gave no
/// translation; `lang` is the text's own language, written on its element
/// so screen readers pronounce it right, and `foreign` lets a page say so.
#[derive(Debug, Clone, Default)]
pub struct LText {
    pub text: String,
    pub lang: &'static str,
    pub foreign: bool,
}

impl LText {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

pub(crate) fn lt(ctx: &Ctx, n: &Names) -> LText {
    let code = ctx.lang_code();
    let own = match code {
        "sv" => &n.sv,
        "en" => &n.en,
        _ => &n.fi,
    };
    if own.is_empty() && !n.fi.is_empty() && code != "fi" {
        LText {
            text: n.fi.clone(),
            lang: "fi",
            foreign: true,
        }
    } else {
        LText {
            text: own.clone(),
            lang: code,
            foreign: false,
        }
    }
}

fn weekday_no(d: time::Weekday) -> u8 {
    d.number_from_monday()
}

/// "7–12", "7+", "–12" or the words for every age.
pub(crate) fn ages_text(ctx: &Ctx, min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a}–{b}"),
        (Some(a), None) => format!("{a}+"),
        (None, Some(b)) => format!("0–{b}"),
        (None, None) => ctx.t("activity-all-ages"),
    }
}

/// The times of an activity in words: weekly slots, then dates (at most
/// `max`, then "…").
pub(crate) fn times_text(ctx: &Ctx, a: &Activity, max: usize) -> Vec<String> {
    let mut out: Vec<String> = a
        .schedule
        .slots
        .iter()
        .map(|s| {
            format!(
                "{} {}–{}",
                ctx.t(&format!("weekday-{}", weekday_no(s.weekday))),
                s.starts,
                s.ends
            )
        })
        .collect();
    for d in &a.schedule.dates {
        out.push(if d.ends_on == d.on {
            format!("{} {}–{}", date_text(d.on), d.starts, d.ends)
        } else {
            format!(
                "{} {} – {} {}",
                date_text(d.on),
                d.starts,
                date_text(d.ends_on),
                d.ends
            )
        });
    }
    if out.len() > max {
        out.truncate(max);
        out.push("…".into());
    }
    out
}

/// An activity as a card in a list.
pub struct ActivityCard {
    pub id: i64,
    pub name: LText,
    pub kind: String,
    pub category: String,
    pub times: Vec<String>,
    pub season: String,
    pub place: LText,
    pub area: String,
    pub ages: String,
    pub free: bool,
    pub price: LText,
    pub languages: String,
    pub equipment_lent: bool,
    pub organiser: String,
    pub status: String,
    pub pending: bool,
}

fn unit_name(units: &[OrgUnit], ctx: &Ctx, id: i64) -> String {
    units
        .iter()
        .find(|u| u.id == id)
        .map(|u| ctx.name(&u.names).to_owned())
        .unwrap_or_default()
}

pub(crate) fn card(ctx: &Ctx, a: &Activity, units: &[OrgUnit]) -> ActivityCard {
    ActivityCard {
        id: a.id,
        name: lt(ctx, &a.spec.name),
        kind: ctx.t(&format!("activity-kind-{}", a.spec.kind.code())),
        category: ctx.t(&format!("category-{}", a.spec.category.code())),
        times: times_text(ctx, a, 3),
        season: match a.schedule.season {
            Some((from, to)) if !a.schedule.slots.is_empty() => {
                format!("{}–{}", date_text(from), date_text(to))
            }
            _ => String::new(),
        },
        place: lt(ctx, &a.place_name),
        area: unit_name(units, ctx, a.cluster_id.unwrap_or(a.area_id)),
        ages: ages_text(ctx, a.spec.min_age, a.spec.max_age),
        free: a.spec.is_free,
        price: lt(ctx, &a.spec.price),
        languages: a.spec.languages.join(", "),
        equipment_lent: a.spec.equipment_lent,
        organiser: a.organiser_name.clone(),
        status: ctx.t(&format!("activity-status-{}", a.status.code())),
        pending: a.status != kasvu_core::activity::ActivityStatus::Published,
    }
}

/// The filters of the treasure chest, the calendars and the feeds, as typed
/// in the address.
#[derive(Debug, Deserialize, Default, Clone)]
#[serde(default)]
pub struct Filter {
    pub area: String,
    pub age: String,
    pub day: String,
    pub free: String,
    #[serde(rename = "type")]
    pub category: String,
    pub kind: String,
    pub place: String,
    pub month: String,
    pub view: String,
    pub page: String,
}

impl Filter {
    /// The address's query for the same filters (without page and view).
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("area", &self.area),
            ("age", &self.age),
            ("day", &self.day),
            ("free", &self.free),
            ("type", &self.category),
            ("kind", &self.kind),
            ("place", &self.place),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", crate::ctx::url_encode(v.trim())));
            }
        }
        parts.join("&")
    }
}

/// A filter turned into a store query; the error names the field.
pub(crate) async fn query_of(
    st: &AppState,
    org_id: i64,
    f: &Filter,
    units: &[OrgUnit],
) -> Result<Result<ActivityQuery, (&'static str, Problem)>, kasvu_store::StoreError> {
    let place = match f.place.trim() {
        "" => None,
        code => Some(
            st.store
                .place(org_id, code)
                .await?
                .filter(|p| p.spec.published),
        ),
    };
    Ok(filter_query(f, units, place))
}

/// A filter as a store query, with the place it names already looked up
/// (`Some(None)`: a place that is not there or not public).
fn filter_query(
    f: &Filter,
    units: &[OrgUnit],
    place: Option<Option<Place>>,
) -> Result<ActivityQuery, (&'static str, Problem)> {
    let mut q = ActivityQuery {
        limit: PAGE_SIZE,
        ..ActivityQuery::default()
    };
    let area = f.area.trim();
    if !area.is_empty() {
        let u = units
            .iter()
            .find(|u| u.code == area)
            .ok_or_else(|| ("area", unknown(area)))?;
        match u.level {
            Level::Area => q.area_id = Some(u.id),
            Level::Cluster => q.cluster_id = Some(u.id),
            _ => return Err(("area", unknown(area))),
        }
    }
    q.age = kasvu_core::activity::parse_age(&f.age).map_err(|p| ("age", p))?;
    let day = f.day.trim();
    if !day.is_empty() {
        let n: i64 = day.parse().map_err(|_| ("day", unknown(day)))?;
        let wd = kasvu_core::team::weekday_from_number(n).map_err(|p| ("day", p))?;
        q.weekdays = weekday_bit(wd);
    }
    q.free_only = matches!(f.free.trim(), "1" | "on" | "true");
    let cat = f.category.trim();
    if !cat.is_empty() {
        q.category = Some(Category::parse(cat).map_err(|p| ("type", p))?);
    }
    let kind = f.kind.trim();
    if !kind.is_empty() {
        q.kinds = vec![ActivityKind::parse(kind).map_err(|p| ("kind", p))?];
    }
    if let Some(p) = place {
        let p = p.ok_or_else(|| ("place", unknown(f.place.trim())))?;
        q.place_id = Some(p.id);
    }
    Ok(q)
}

fn unknown(v: &str) -> Problem {
    Problem::new(
        "err-filter-value",
        format!("'{v}' is not one of the choices"),
    )
    .arg("value", v)
}

/// The choices of the filter form.
pub struct FilterForm {
    pub areas: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
    pub kinds: Vec<(String, String)>,
    pub days: Vec<(String, String)>,
}

fn filter_form(ctx: &Ctx, units: &[OrgUnit]) -> FilterForm {
    FilterForm {
        areas: area_choices(ctx, units),
        categories: Category::ALL
            .iter()
            .map(|c| {
                (
                    c.code().to_owned(),
                    ctx.t(&format!("category-{}", c.code())),
                )
            })
            .collect(),
        kinds: ActivityKind::ALL
            .iter()
            .map(|k| {
                (
                    k.code().to_owned(),
                    ctx.t(&format!("activity-kind-{}", k.code())),
                )
            })
            .collect(),
        days: (1..=7)
            .map(|n| (n.to_string(), ctx.t(&format!("weekday-{n}"))))
            .collect(),
    }
}

// ------------------------------------------------------------- hub page

#[derive(Template)]
#[template(path = "families.html")]
pub struct FamiliesPage<'a> {
    pub ctx: &'a Ctx,
    pub areas: Vec<(String, String)>,
}

pub async fn families(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let (_, units) = org_and_units(&st, &ctx).await?;
    let page = FamiliesPage {
        ctx: &ctx,
        areas: area_choices(&ctx, &units),
    };
    Ok(Html(page.render()?).into_response())
}

// ------------------------------------------------------------ hobbies

#[derive(Template)]
#[template(path = "hobbies.html")]
pub struct HobbiesPage<'a> {
    pub ctx: &'a Ctx,
    pub f: Filter,
    pub form: FilterForm,
    pub error: Option<(String, String)>,
    pub cards: Vec<ActivityCard>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub query: String,
}

impl HobbiesPage<'_> {
    fn page_link(&self, n: i64) -> String {
        if self.query.is_empty() {
            format!("/hobbies?page={n}")
        } else {
            format!("/hobbies?{}&page={n}", self.query)
        }
    }
    pub fn prev_link(&self) -> String {
        self.page_link(self.page - 1)
    }
    pub fn next_link(&self) -> String {
        self.page_link(self.page + 1)
    }
    pub fn error_on(&self, field: &str) -> bool {
        self.error.as_ref().is_some_and(|(f, _)| f == field)
    }
}

/// The hobby treasure chest: hobbies and clubs filtered by area, age, day,
/// price and type, twenty to a page.
pub async fn hobbies(State(st): State<AppState>, ctx: Ctx, Query(f): Query<Filter>) -> PageResult {
    let (org, units) = org_and_units(&st, &ctx).await?;
    let page_no: i64 = f.page.trim().parse().unwrap_or(1).clamp(1, 100_000);
    let (cards, total, error) = match query_of(&st, org.org_id, &f, &units).await? {
        Ok(mut q) => {
            q.kinds = vec![ActivityKind::Hobby];
            q.offset = (page_no - 1) * PAGE_SIZE;
            let found = st.store.find_activities(org.org_id, &q).await?;
            let cards = found.items.iter().map(|a| card(&ctx, a, &units)).collect();
            (cards, found.total, None)
        }
        Err((field, p)) => (vec![], 0, Some((field.to_owned(), ctx.lang.problem(&p)))),
    };
    let page = HobbiesPage {
        ctx: &ctx,
        form: filter_form(&ctx, &units),
        query: Filter {
            kind: String::new(),
            ..f.clone()
        }
        .query(),
        f,
        error,
        cards,
        total,
        page: page_no,
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
    };
    Ok(Html(page.render()?).into_response())
}

// ----------------------------------------------------------- activity

pub struct OccurrenceRow {
    pub date: String,
    pub weekday: String,
    pub time: String,
    pub cancelled: bool,
    pub note: String,
}

#[derive(Template)]
#[template(path = "activity.html")]
pub struct ActivityPage<'a> {
    pub ctx: &'a Ctx,
    pub c: ActivityCard,
    pub description: LText,
    pub signup: LText,
    pub all_times: Vec<String>,
    pub place_code: String,
    pub address: String,
    pub access: LText,
    pub directions: LText,
    pub organiser_code: String,
    pub info_url: String,
    pub upcoming: Vec<OccurrenceRow>,
    pub fallback: bool,
    pub may_edit: bool,
}

fn occurrence_row(ctx: &Ctx, o: &Occurrence, note: &str) -> OccurrenceRow {
    OccurrenceRow {
        date: date_text(o.on),
        weekday: ctx.t(&format!("weekday-{}", weekday_no(o.on.weekday()))),
        time: if o.ends_on == o.on {
            format!("{}–{}", o.starts, o.ends)
        } else {
            format!("{} – {} {}", o.starts, date_text(o.ends_on), o.ends)
        },
        cancelled: o.cancelled,
        note: if o.cancelled {
            note.to_owned()
        } else {
            String::new()
        },
    }
}

/// An activity's own page: everything a family needs to go, and its next
/// times with cancellations. Unpublished entries only for those who may
/// edit them.
pub async fn activity(State(st): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (org, units) = org_and_units(&st, &ctx).await?;
    let a = st
        .store
        .activity(org.org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let may_edit = crate::families_forms::may_edit(&st, &ctx, &a).await?;
    if a.status != kasvu_core::activity::ActivityStatus::Published && !may_edit {
        return Err(AppError::NotFound);
    }

    let place = match a.spec.place.as_str() {
        "" => None,
        code => st.store.place(org.org_id, code).await?,
    };
    let from = today();
    let to = from + time::Duration::days(60);
    let cancelled = a.cancelled();
    let upcoming = occurrences(&a.schedule, from, to, &cancelled)
        .iter()
        .take(12)
        .map(|o| {
            let note = a
                .spec
                .cancellations
                .iter()
                .find(|c| c.on == kasvu_core::format_date(o.on))
                .map(|c| c.note.as_str())
                .unwrap_or("");
            occurrence_row(&ctx, o, note)
        })
        .collect();
    let c = card(&ctx, &a, &units);
    let description = lt(&ctx, &a.spec.description);
    let signup = lt(&ctx, &a.spec.signup);
    let (access, directions) = match &place {
        Some(p) => (lt(&ctx, &p.spec.access), lt(&ctx, &p.spec.directions)),
        None => (LText::default(), LText::default()),
    };
    let fallback = [&c.name, &description, &signup, &access, &directions]
        .iter()
        .any(|t| t.foreign);
    let page = ActivityPage {
        ctx: &ctx,
        all_times: times_text(&ctx, &a, 60),
        description,
        signup,
        place_code: place
            .as_ref()
            .filter(|p| p.spec.published)
            .map(|p| p.spec.code.clone())
            .unwrap_or_default(),
        address: place
            .as_ref()
            .map(|p| p.spec.address.clone())
            .unwrap_or_default(),
        access,
        directions,
        organiser_code: a.spec.organiser.clone(),
        info_url: a.spec.info_url.clone(),
        upcoming,
        fallback,
        may_edit,
        c,
    };
    Ok(Html(page.render()?).into_response())
}

// ------------------------------------------------------------ calendar

pub struct CalendarItem {
    pub id: i64,
    pub time: String,
    pub name: LText,
    pub place: LText,
    pub kind: String,
    pub cancelled: bool,
}

pub struct CalendarDay {
    pub date: String,
    pub day: u8,
    pub weekday: String,
    pub in_month: bool,
    pub is_today: bool,
    pub items: Vec<CalendarItem>,
}

#[derive(Template)]
#[template(path = "calendar.html")]
pub struct CalendarPage<'a> {
    pub ctx: &'a Ctx,
    pub f: Filter,
    pub form: FilterForm,
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
const CALENDAR_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

fn parse_month(s: &str) -> Option<Date> {
    let (y, m) = s.trim().split_once('-')?;
    let y: i32 = y.parse().ok().filter(|y| CALENDAR_YEARS.contains(y))?;
    let m: u8 = m.parse().ok()?;
    Date::from_calendar_date(y, Month::try_from(m).ok()?, 1).ok()
}

fn month_code(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), u8::from(d.month()))
}

/// The occurrences of the activities matching `q` from `from` to `to`, in
/// time order, with the activity each belongs to.
async fn occurrences_of(
    st: &AppState,
    org_id: i64,
    mut q: ActivityQuery,
    from: Date,
    to: Date,
) -> Result<(Vec<(Occurrence, Arc<Activity>)>, bool), AppError> {
    q.between = Some((from, to));
    q.limit = CALENDAR_LIMIT;
    q.offset = 0;
    let page = st.store.find_activities(org_id, &q).await?;
    let truncated = page.total > CALENDAR_LIMIT;
    let mut out = Vec::new();
    for a in page.items.into_iter().map(Arc::new) {
        let cancelled = a.cancelled();
        for o in occurrences(&a.schedule, from, to, &cancelled) {
            out.push((o, a.clone()));
        }
    }
    out.sort_by(|x, y| {
        (x.0.on, x.0.starts, &x.1.spec.name.fi).cmp(&(y.0.on, y.0.starts, &y.1.spec.name.fi))
    });
    Ok((out, truncated))
}

/// The activity calendar of the city, an area or a cluster: a month as a
/// grid or as a list by day, cancellations shown, and its iCalendar feed.
pub async fn calendar(State(st): State<AppState>, ctx: Ctx, Query(f): Query<Filter>) -> PageResult {
    let (org, units) = org_and_units(&st, &ctx).await?;
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
    let (found, truncated, error) = match query_of(&st, org.org_id, &f, &units).await? {
        Ok(q) => {
            let (o, t) = occurrences_of(&st, org.org_id, q, first, last).await?;
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
        name: lt(&ctx, &a.spec.name),
        place: lt(&ctx, &a.place_name),
        kind: ctx.t(&format!("activity-kind-{}", a.spec.kind.code())),
        cancelled: o.cancelled,
    };
    let day_of = |d: Date, items: Vec<CalendarItem>| CalendarDay {
        date: date_text(d),
        day: d.day(),
        weekday: ctx.t(&format!("weekday-{}", weekday_no(d.weekday()))),
        in_month: d.month() == first.month(),
        is_today: d == now,
        items,
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
    let page = CalendarPage {
        ctx: &ctx,
        form: filter_form(&ctx, &units),
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
    Ok(Html(page.render()?).into_response())
}

/// The iCalendar events of occurrences.
fn ics_events(ctx: &Ctx, found: &[(Occurrence, Arc<Activity>)]) -> Vec<kasvu_io::ics::IcsEvent> {
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
    let (found, _) = occurrences_of(
        &st,
        org.org_id,
        q,
        now - time::Duration::days(FEED_BACK_DAYS),
        now + time::Duration::days(FEED_AHEAD_DAYS),
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
    let found: Vec<(Occurrence, Arc<Activity>)> = occurrences(
        &a.schedule,
        now - time::Duration::days(FEED_BACK_DAYS),
        now + time::Duration::days(FEED_AHEAD_DAYS * 2),
        &cancelled,
    )
    .into_iter()
    .map(|o| (o, a.clone()))
    .collect();
    Ok(ics_response(kasvu_io::ics::calendar(
        &lt(&ctx, &a.spec.name).text,
        &ics_events(&ctx, &found),
    )))
}

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

fn place_card(ctx: &Ctx, p: &Place, units: &[OrgUnit]) -> PlaceCard {
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
}

#[derive(Template)]
#[template(path = "places.html")]
pub struct PlacesPage<'a> {
    pub ctx: &'a Ctx,
    pub f: PlaceFilter,
    pub areas: Vec<(String, String)>,
    pub kinds: Vec<(String, String)>,
    pub cards: Vec<PlaceCard>,
}

/// Meeting places and family centres: where, when open, what happens there.
pub async fn places(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(f): Query<PlaceFilter>,
) -> PageResult {
    let (org, units) = org_and_units(&st, &ctx).await?;
    let area = units.iter().find(|u| u.code == f.area.trim());
    let cards = st
        .store
        .places(org.org_id, true)
        .await?
        .iter()
        .filter(|p| area.is_none_or(|u| p.area_id == u.id || p.cluster_id == Some(u.id)))
        .filter(|p| f.kind.trim().is_empty() || p.spec.kind.code() == f.kind.trim())
        .map(|p| place_card(&ctx, p, &units))
        .collect();
    let page = PlacesPage {
        ctx: &ctx,
        areas: area_choices(&ctx, &units),
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
    Ok(Html(page.render()?).into_response())
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
    let (found, _) =
        occurrences_of(&st, org.org_id, q, now, now + time::Duration::days(14)).await?;
    let upcoming = found
        .iter()
        .take(30)
        .map(|(o, a)| UpcomingItem {
            id: a.id,
            date: date_text(o.on),
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

// --------------------------------------------------------------- wishes

#[derive(Template)]
#[template(path = "wish.html")]
pub struct WishPage<'a> {
    pub ctx: &'a Ctx,
    pub areas: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
    pub age_groups: Vec<(String, String)>,
    pub max_text: usize,
    pub thanks: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WishQuery {
    pub thanks: String,
}

/// "What would you like to do?": no sign-in and nothing that tells who
/// sent it.
pub async fn wish_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<WishQuery>,
) -> PageResult {
    let (_, units) = org_and_units(&st, &ctx).await?;
    let page = WishPage {
        ctx: &ctx,
        areas: area_choices(&ctx, &units),
        categories: Category::ALL
            .iter()
            .filter(|c| **c != Category::Support)
            .map(|c| {
                (
                    c.code().to_owned(),
                    ctx.t(&format!("wish-category-{}", c.code())),
                )
            })
            .collect(),
        age_groups: AgeGroup::ALL
            .iter()
            .map(|g| {
                (
                    g.code().to_owned(),
                    ctx.t(&format!("age-group-{}", g.code())),
                )
            })
            .collect(),
        max_text: kasvu_store::MAX_WISH_TEXT,
        thanks: q.thanks == "1",
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn send_wish(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let get = |k: &str| crate::knowledge_forms::field(&fields, k);
    ctx.check_csrf(&get("csrf"))?;
    if !st
        .store
        .rate_allow(
            &format!("wish:{}", ctx.client_ip),
            st.config.max_wishes_per_client,
            WISH_WINDOW.as_secs() as i64,
        )
        .await?
    {
        return Err(AppError::TooManyRequests);
    }
    let (org, _) = org_and_units(&st, &ctx).await?;
    let bad = |field: &str, p: Problem| {
        AppError::BadRequest(format!(
            "{}: {}",
            ctx.t(&format!("wish-field-{field}")),
            ctx.lang.problem(&p)
        ))
    };
    let mut categories = Vec::new();
    for (_, v) in fields.iter().filter(|(k, _)| k == "category") {
        let c = Category::parse(v).map_err(|p| bad("categories", p))?;
        if !categories.contains(&c) {
            categories.push(c);
        }
    }
    let age_group = AgeGroup::parse(&get("age_group")).map_err(|p| bad("age-group", p))?;
    let spec = WishSpec {
        area: get("area"),
        age_group,
        categories,
        text: get("text"),
    };
    st.store
        .add_wish(org.org_id, &spec)
        .await
        .map_err(|e| match e {
            kasvu_store::StoreError::Invalid(f) => bad(&f.field.replace('_', "-"), f.problem),
            other => other.into(),
        })?;
    Ok(Redirect::to("/wish?thanks=1").into_response())
}

/// Message ids built from codes on these pages.
#[cfg(test)]
pub fn dynamic_message_ids() -> Vec<String> {
    let mut ids = Vec::new();
    ids.extend(
        ActivityKind::CODES
            .iter()
            .map(|c| format!("activity-kind-{c}")),
    );
    ids.extend(Category::CODES.iter().map(|c| format!("category-{c}")));
    ids.extend(Category::CODES.iter().map(|c| format!("wish-category-{c}")));
    ids.extend(PlaceKind::CODES.iter().map(|c| format!("place-kind-{c}")));
    ids.extend(AgeGroup::CODES.iter().map(|c| format!("age-group-{c}")));
    ids.extend(
        kasvu_core::activity::ActivityStatus::CODES
            .iter()
            .map(|c| format!("activity-status-{c}")),
    );
    ids.extend((1..=7).map(|n| format!("weekday-short-{n}")));
    ids.extend(
        ["hobbies-found", "places-found", "wishes-count"]
            .iter()
            .map(|s| (*s).to_owned()),
    );
    for f in ["categories", "age-group", "area", "text"] {
        ids.push(format!("wish-field-{f}"));
    }
    ids
}
