//! What families find on the public pages: places (meeting places, family
//! centres) and activities (hobbies, events, recurring groups, mobile
//! services' visits), children's wishes, and the organisation's public
//! settings. An activity is written whole from an [`ActivitySpec`]; the
//! organiser's entries wait as `pending` until the area approves them, and
//! only `published` entries are ever read for the public.

use crate::audit::audit_change;
use crate::db::{checked_names as names, names_of, unit_in, Store};
use crate::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::activity::{
    check_ages, check_price, check_schedule, span, weekday_mask, ActivityKind, ActivityStatus,
    Category, DatedTime, PlaceKind, Schedule, WeeklySlot,
};
use kasvu_core::team::weekday_from_number;
use kasvu_core::{format_date, parse_date, ClockTime, Level, Names, OrgCode, Problem};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;

const MAX_TEXT: usize = 4000;
const MAX_LINE: usize = 300;
/// Most characters of a wish's own words.
pub const MAX_WISH_TEXT: usize = 200;

fn line(field: &str, v: &str) -> Result<String> {
    if v.chars().count() > MAX_LINE {
        return Err(StoreError::invalid(field, Problem::too_long(MAX_LINE)));
    }
    Ok(v.trim().to_owned())
}

fn check_url(field: &str, v: &str) -> Result<String> {
    kasvu_core::actor::check_url(v).map_err(|p| StoreError::invalid(field, p))?;
    line(field, v)
}

/// The area and cluster of an org unit given as an activity's or place's
/// area: an area, a cluster (its area above it), or a unit inside either.
async fn area_of(
    conn: &mut AnyConnection,
    org_id: i64,
    code: &str,
    field: &str,
) -> Result<(i64, i64, Option<i64>)> {
    let unit = unit_in(conn, org_id, code, field).await?;
    let mut id = unit;
    let mut cluster = None;
    // Walk up at most a few levels: unit → cluster → area.
    for _ in 0..4 {
        let row = sqlx::query("SELECT level, parent_id FROM org_units WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        let level: String = row.try_get("level")?;
        let parent: Option<i64> = row.try_get("parent_id")?;
        match Level::parse(&level).map_err(|p| StoreError::corrupt("level", p))? {
            Level::Area => return Ok((unit, id, cluster)),
            Level::Cluster => cluster = Some(id),
            Level::Organisation => break,
            Level::Unit => {}
        }
        match parent {
            Some(p) => id = p,
            None => break,
        }
    }
    Err(StoreError::invalid(
        field,
        Problem::new(
            "err-area-level",
            format!("'{code}' is not an area, a cluster or a unit in one"),
        )
        .arg("value", code.trim()),
    ))
}

// ---------------------------------------------------------------- places

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceSpec {
    pub code: String,
    pub kind: PlaceKind,
    pub name: Names,
    /// The area, cluster or unit it is in (its code).
    pub area: String,
    #[serde(default)]
    pub address: String,
    /// When it is open.
    #[serde(default)]
    pub hours: Names,
    /// What happens there.
    #[serde(default)]
    pub what: Names,
    /// How to get there (bus lines, parking, entrance).
    #[serde(default)]
    pub directions: Names,
    /// Accessibility of the place (step-free entrance, toilet, hearing loop).
    #[serde(default)]
    pub access: Names,
    /// Who runs it: the register's actor (its code).
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub published: bool,
    /// The place's id in the system it was imported from.
    #[serde(default)]
    pub source_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub id: i64,
    pub spec: PlaceSpec,
    pub area_id: i64,
    pub cluster_id: Option<i64>,
}

fn check_place(s: &PlaceSpec) -> Result<PlaceSpec> {
    let code = OrgCode::parse(&s.code).map_err(|p| StoreError::invalid("code", p))?;
    kasvu_core::actor::check_phone(&s.phone).map_err(|p| StoreError::invalid("phone", p))?;
    Ok(PlaceSpec {
        code: code.as_str().to_owned(),
        kind: s.kind,
        name: names("name", &s.name, true, MAX_LINE)?,
        area: s.area.trim().to_owned(),
        address: line("address", &s.address)?,
        hours: names("hours", &s.hours, false, MAX_TEXT)?,
        what: names("what", &s.what, false, MAX_TEXT)?,
        directions: names("directions", &s.directions, false, MAX_TEXT)?,
        access: names("access", &s.access, false, MAX_TEXT)?,
        actor: s.actor.trim().to_owned(),
        phone: s.phone.trim().to_owned(),
        website: check_url("website", &s.website)?,
        published: s.published,
        source_id: line("source_id", &s.source_id)?,
    })
}

const PLACE_COLUMNS: &str = "p.id, p.code, p.kind, p.name_fi, p.name_sv, p.name_en, p.area_id, \
     p.cluster_id, u.code AS area, p.address, p.hours_fi, p.hours_sv, p.hours_en, p.what_fi, p.what_sv, \
     p.what_en, p.directions_fi, p.directions_sv, p.directions_en, p.access_fi, p.access_sv, p.access_en, \
     a.code AS actor, p.phone, p.website, p.published, p.source_id";

fn place_of(r: &AnyRow) -> Result<Place> {
    let kind: String = r.try_get("kind")?;
    Ok(Place {
        id: r.try_get("id")?,
        area_id: r.try_get("area_id")?,
        cluster_id: r.try_get("cluster_id")?,
        spec: PlaceSpec {
            code: r.try_get("code")?,
            kind: PlaceKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
            name: names_of(r, "name")?,
            area: r.try_get("area")?,
            address: r.try_get("address")?,
            hours: names_of(r, "hours")?,
            what: names_of(r, "what")?,
            directions: names_of(r, "directions")?,
            access: names_of(r, "access")?,
            actor: r.try_get::<Option<String>, _>("actor")?.unwrap_or_default(),
            phone: r.try_get("phone")?,
            website: r.try_get("website")?,
            published: r.try_get::<i64, _>("published")? == 1,
            source_id: r
                .try_get::<Option<String>, _>("source_id")?
                .unwrap_or_default(),
        },
    })
}

// ------------------------------------------------------------ activities

/// Every week on `weekday` (1 = Monday … 7 = Sunday), `HH:MM`–`HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotSpec {
    pub weekday: i64,
    pub starts: String,
    pub ends: String,
}

/// A dated occurrence; `ends_on` empty means the same day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateSpec {
    pub on: String,
    pub starts: String,
    #[serde(default)]
    pub ends_on: String,
    pub ends: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelSpec {
    pub on: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitySpec {
    pub kind: ActivityKind,
    pub category: Category,
    pub name: Names,
    #[serde(default)]
    pub description: Names,
    /// How to sign up ("no sign-up, just come", a web form, a phone number).
    #[serde(default)]
    pub signup: Names,
    /// What it costs, when not free.
    #[serde(default)]
    pub price: Names,
    #[serde(default)]
    pub is_free: bool,
    #[serde(default)]
    pub min_age: Option<i64>,
    #[serde(default)]
    pub max_age: Option<i64>,
    /// Languages it is run in (fi, sv, en …).
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Whether equipment is lent (skates, instruments, sticks).
    #[serde(default)]
    pub equipment_lent: bool,
    /// The organiser from the register (its code).
    #[serde(default)]
    pub organiser: String,
    /// The organiser's name when it is not in the register (imported events).
    #[serde(default)]
    pub provider: String,
    /// The place from the places list (its code).
    #[serde(default)]
    pub place: String,
    /// Where, in words, when the place is not on the list (a park, a bus stop).
    #[serde(default)]
    pub location: String,
    /// The area, cluster or unit it belongs to (its code).
    pub area: String,
    /// YYYY-MM-DD; needed with weekly slots.
    #[serde(default)]
    pub season_start: String,
    #[serde(default)]
    pub season_end: String,
    #[serde(default)]
    pub slots: Vec<SlotSpec>,
    #[serde(default)]
    pub dates: Vec<DateSpec>,
    #[serde(default)]
    pub cancellations: Vec<CancelSpec>,
    #[serde(default)]
    pub info_url: String,
    /// The event's id in the system it was imported from (Linked Events).
    #[serde(default)]
    pub source_id: String,
}

/// An activity's times as stored (the `times` column's JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Times {
    #[serde(default)]
    slots: Vec<SlotSpec>,
    #[serde(default)]
    dates: Vec<DateSpec>,
    #[serde(default)]
    cancellations: Vec<CancelSpec>,
}

/// A stored activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub id: i64,
    pub org_id: i64,
    pub status: ActivityStatus,
    pub spec: ActivitySpec,
    pub schedule: Schedule,
    pub area_id: i64,
    pub cluster_id: Option<i64>,
    pub unit_id: i64,
    pub organiser_id: Option<i64>,
    /// The place's or the register's names, for lists.
    pub place_name: Names,
    pub organiser_name: String,
    pub updated_at: i64,
    pub updated_by: String,
}

impl Activity {
    /// The cancelled dates.
    pub fn cancelled(&self) -> Vec<Date> {
        self.spec
            .cancellations
            .iter()
            .filter_map(|c| parse_date(&c.on).ok().flatten())
            .collect()
    }
}

fn clock(field: &str, s: &str) -> Result<ClockTime> {
    ClockTime::parse(s).map_err(|p| StoreError::invalid(field, p))
}

fn date_at(field: &str, s: &str) -> Result<Date> {
    parse_date(s)
        .map_err(|p| StoreError::invalid(field, p))?
        .ok_or_else(|| StoreError::invalid(field, Problem::required()))
}

/// The schedule a spec describes; the error names the field.
pub fn schedule_of(s: &ActivitySpec) -> Result<Schedule> {
    let season = match (s.season_start.trim(), s.season_end.trim()) {
        ("", "") => None,
        (a, b) => Some((date_at("season_start", a)?, date_at("season_end", b)?)),
    };
    let mut slots = Vec::new();
    for (i, sl) in s.slots.iter().enumerate() {
        let at = |f: &str| format!("slots[{}].{f}", i + 1);
        slots.push(WeeklySlot {
            weekday: weekday_from_number(sl.weekday)
                .map_err(|p| StoreError::invalid(&at("weekday"), p))?,
            starts: clock(&at("starts"), &sl.starts)?,
            ends: clock(&at("ends"), &sl.ends)?,
        });
    }
    let mut dates = Vec::new();
    for (i, d) in s.dates.iter().enumerate() {
        let at = |f: &str| format!("dates[{}].{f}", i + 1);
        let on = date_at(&at("on"), &d.on)?;
        dates.push(DatedTime {
            on,
            starts: clock(&at("starts"), &d.starts)?,
            ends_on: if d.ends_on.trim().is_empty() {
                on
            } else {
                date_at(&at("ends_on"), &d.ends_on)?
            },
            ends: clock(&at("ends"), &d.ends)?,
        });
    }
    let schedule = Schedule {
        season,
        slots,
        dates,
    };
    check_schedule(&schedule).map_err(|(f, p)| {
        // The times' own fields: an end before its start names the end.
        let field = if f.starts_with("slots[") || f.starts_with("dates[") {
            format!("{f}.ends")
        } else {
            f
        };
        StoreError::invalid(&field, p)
    })?;
    Ok(schedule)
}

/// Checks an activity whole; the error names the field (`dates[1].ends`,
/// `max_age`, `price.fi`).
pub fn check_activity(s: &ActivitySpec) -> Result<(ActivitySpec, Schedule)> {
    let schedule = schedule_of(s)?;
    check_ages(s.min_age, s.max_age).map_err(|(f, p)| StoreError::invalid(f, p))?;
    check_price(s.is_free, &s.price.fi).map_err(|p| StoreError::invalid("price.fi", p))?;
    if s.organiser.trim().is_empty() && s.provider.trim().is_empty() {
        return Err(StoreError::invalid("organiser", Problem::required()));
    }
    if s.place.trim().is_empty() && s.location.trim().is_empty() {
        return Err(StoreError::invalid("place", Problem::required()));
    }
    let languages = kasvu_core::actor::parse_languages(&s.languages.join(";"))
        .map_err(|p| StoreError::invalid("languages", p))?;
    let mut cancellations: Vec<CancelSpec> = Vec::new();
    for (i, c) in s.cancellations.iter().enumerate() {
        let field = format!("cancellations[{}]", i + 1);
        let on = date_at(&format!("{field}.on"), &c.on)?;
        if !cancellations.iter().any(|k| k.on == format_date(on)) {
            cancellations.push(CancelSpec {
                on: format_date(on),
                note: line(&format!("{field}.note"), &c.note)?,
            });
        }
    }
    cancellations.sort_by(|a, b| a.on.cmp(&b.on));
    let keywords = kasvu_core::actor::parse_list(&s.keywords.join(";"));
    let norm = ActivitySpec {
        kind: s.kind,
        category: s.category,
        name: names("name", &s.name, true, MAX_LINE)?,
        description: names("description", &s.description, false, MAX_TEXT)?,
        signup: names("signup", &s.signup, false, MAX_TEXT)?,
        price: names("price", &s.price, false, MAX_LINE)?,
        is_free: s.is_free,
        min_age: s.min_age,
        max_age: s.max_age,
        languages,
        keywords,
        equipment_lent: s.equipment_lent,
        organiser: s.organiser.trim().to_owned(),
        provider: line("provider", &s.provider)?,
        place: s.place.trim().to_owned(),
        location: line("location", &s.location)?,
        area: s.area.trim().to_owned(),
        season_start: schedule
            .season
            .map(|x| format_date(x.0))
            .unwrap_or_default(),
        season_end: schedule
            .season
            .map(|x| format_date(x.1))
            .unwrap_or_default(),
        slots: s
            .slots
            .iter()
            .zip(&schedule.slots)
            .map(|(raw, sl)| SlotSpec {
                weekday: raw.weekday,
                starts: sl.starts.to_string(),
                ends: sl.ends.to_string(),
            })
            .collect(),
        dates: schedule
            .dates
            .iter()
            .map(|d| DateSpec {
                on: format_date(d.on),
                starts: d.starts.to_string(),
                ends_on: format_date(d.ends_on),
                ends: d.ends.to_string(),
            })
            .collect(),
        cancellations,
        info_url: check_url("info_url", &s.info_url)?,
        source_id: line("source_id", &s.source_id)?,
    };
    Ok((norm, schedule))
}

/// What a list of activities is narrowed to. Empty fields do not narrow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityQuery {
    pub kinds: Vec<ActivityKind>,
    /// An area's or a cluster's id: its own and its clusters' activities.
    pub area_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub place_id: Option<i64>,
    pub age: Option<i64>,
    /// A mask of weekday bits; any of them.
    pub weekdays: i64,
    pub free_only: bool,
    pub category: Option<Category>,
    /// Happening on some day from–to (both included).
    pub between: Option<(Date, Date)>,
    /// `None`: published only (the public). Staff lists name the statuses.
    pub statuses: Option<Vec<ActivityStatus>>,
    /// Only those of these organisers (the register's ids).
    pub organisers: Option<Vec<i64>>,
    pub limit: i64,
    pub offset: i64,
}

/// One published activity's filter columns. The public search filters these
/// in memory — counting the matches of a filter over a large city in SQL
/// read tens of thousands of index entries per request — and reads only the
/// page's rows from the database.
#[derive(Debug, Clone, Copy)]
struct Slim {
    id: i64,
    kind: ActivityKind,
    category: Category,
    area_id: i64,
    cluster_id: Option<i64>,
    place_id: Option<i64>,
    min_age: Option<i64>,
    max_age: Option<i64>,
    mask: i64,
    free: bool,
}

impl Slim {
    fn matches(&self, q: &ActivityQuery) -> bool {
        (q.kinds.is_empty() || q.kinds.contains(&self.kind))
            && q.area_id.is_none_or(|a| self.area_id == a)
            && q.cluster_id.is_none_or(|c| self.cluster_id == Some(c))
            && q.place_id.is_none_or(|p| self.place_id == Some(p))
            && q.age
                .is_none_or(|a| kasvu_core::activity::age_fits(self.min_age, self.max_age, a))
            && (q.weekdays == 0 || self.mask & q.weekdays != 0)
            && (!q.free_only || self.free)
            && q.category.is_none_or(|c| self.category == c)
    }
}

/// Each organisation's published activities in name order, under the
/// `activity_versions` version they were read at.
#[derive(Default)]
pub(crate) struct IndexCache(std::sync::Mutex<std::collections::HashMap<i64, VersionedIndex>>);

/// An index and the version it was read at.
type VersionedIndex = (i64, std::sync::Arc<Vec<Slim>>);

/// Bumps the organisation's activity version (in the writing transaction).
async fn bump_version(tx: &mut AnyConnection, org_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO activity_versions (org_id, version) VALUES ($1, 1) \
         ON CONFLICT (org_id) DO UPDATE SET version = activity_versions.version + 1",
    )
    .bind(org_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A query's page and how many matched in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityPage {
    pub items: Vec<Activity>,
    pub total: i64,
}

/// One bound value of a query put together from filters.
enum Arg {
    I(i64),
    S(String),
}

fn conditions(org_id: i64, q: &ActivityQuery) -> (String, Vec<Arg>) {
    let mut args = vec![Arg::I(org_id)];
    let mut conds = vec!["x.org_id = $1".to_owned()];
    // Binds `a` as the next placeholder, written where `cond` has `?`.
    fn push(conds: &mut Vec<String>, args: &mut Vec<Arg>, cond: &str, a: Arg) {
        args.push(a);
        conds.push(cond.replace('?', &format!("${}", args.len())));
    }
    match &q.statuses {
        None => push(
            &mut conds,
            &mut args,
            "x.status = ?",
            Arg::S(ActivityStatus::Published.code().into()),
        ),
        Some(list) => {
            let codes: Vec<String> = list.iter().map(|s| format!("'{}'", s.code())).collect();
            conds.push(format!("x.status IN ({})", codes.join(", ")));
        }
    }
    if !q.kinds.is_empty() {
        // Codes come from the enum, never from input.
        let codes: Vec<String> = q.kinds.iter().map(|k| format!("'{}'", k.code())).collect();
        conds.push(format!("x.kind IN ({})", codes.join(", ")));
    }
    if let Some(a) = q.area_id {
        push(&mut conds, &mut args, "x.area_id = ?", Arg::I(a));
    }
    if let Some(c) = q.cluster_id {
        push(&mut conds, &mut args, "x.cluster_id = ?", Arg::I(c));
    }
    if let Some(p) = q.place_id {
        push(&mut conds, &mut args, "x.place_id = ?", Arg::I(p));
    }
    if let Some(age) = q.age {
        push(
            &mut conds,
            &mut args,
            "(x.min_age IS NULL OR x.min_age <= ?)",
            Arg::I(age),
        );
        push(
            &mut conds,
            &mut args,
            "(x.max_age IS NULL OR x.max_age >= ?)",
            Arg::I(age),
        );
    }
    if q.weekdays != 0 {
        push(
            &mut conds,
            &mut args,
            "(x.weekday_mask & ?) <> 0",
            Arg::I(q.weekdays),
        );
    }
    if q.free_only {
        conds.push("x.is_free = 1".into());
    }
    if let Some(c) = q.category {
        push(
            &mut conds,
            &mut args,
            "x.category = ?",
            Arg::S(c.code().into()),
        );
    }
    if let Some((from, to)) = q.between {
        push(
            &mut conds,
            &mut args,
            "x.last_on >= ?",
            Arg::S(format_date(from)),
        );
        push(
            &mut conds,
            &mut args,
            "x.first_on <= ?",
            Arg::S(format_date(to)),
        );
    }
    if let Some(ids) = &q.organisers {
        if ids.is_empty() {
            conds.push("1 = 0".into());
        } else {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            conds.push(format!("x.organiser_id IN ({})", list.join(", ")));
        }
    }
    (conds.join(" AND "), args)
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::I(i) => q.bind(*i),
            Arg::S(s) => q.bind(s.as_str()),
        };
    }
    q
}

const ACTIVITY_COLUMNS: &str = "x.id, x.org_id, x.kind, x.category, x.status, x.name_fi, x.name_sv, \
     x.name_en, x.description_fi, x.description_sv, x.description_en, x.signup_fi, x.signup_sv, x.signup_en, \
     x.price_fi, x.price_sv, x.price_en, x.is_free, x.min_age, x.max_age, x.languages, x.keywords, \
     x.equipment_lent, x.organiser_id, o.code AS organiser, o.name AS organiser_name, x.provider, \
     p.code AS place, p.name_fi AS place_fi, p.name_sv AS place_sv, p.name_en AS place_en, x.location, \
     x.area_id, x.cluster_id, x.unit_id, u.code AS area, x.season_start, x.season_end, x.times, \
     x.info_url, x.source_id, x.updated_at, x.updated_by";

const ACTIVITY_FROM: &str = "activities x LEFT JOIN actors o ON o.id = x.organiser_id \
     LEFT JOIN places p ON p.id = x.place_id JOIN org_units u ON u.id = x.unit_id";

fn split_list(s: &str) -> Vec<String> {
    s.split(';')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

fn activity_of(r: &AnyRow) -> Result<Activity> {
    let kind: String = r.try_get("kind")?;
    let category: String = r.try_get("category")?;
    let status: String = r.try_get("status")?;
    let place_name = Names {
        fi: r
            .try_get::<Option<String>, _>("place_fi")?
            .unwrap_or_default(),
        sv: r
            .try_get::<Option<String>, _>("place_sv")?
            .unwrap_or_default(),
        en: r
            .try_get::<Option<String>, _>("place_en")?
            .unwrap_or_default(),
    };
    let location: String = r.try_get("location")?;
    let provider: String = r.try_get("provider")?;
    let organiser_name = r
        .try_get::<Option<String>, _>("organiser_name")?
        .unwrap_or_else(|| provider.clone());
    let times: Times = serde_json::from_str(&r.try_get::<String, _>("times")?)
        .map_err(|e| StoreError::Corrupt(format!("times: {e}")))?;
    let mut a = Activity {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        status: ActivityStatus::parse(&status).map_err(|p| StoreError::corrupt("status", p))?,
        area_id: r.try_get("area_id")?,
        cluster_id: r.try_get("cluster_id")?,
        unit_id: r.try_get("unit_id")?,
        organiser_id: r.try_get("organiser_id")?,
        place_name: if place_name.fi.is_empty() {
            Names {
                fi: location.clone(),
                sv: String::new(),
                en: String::new(),
            }
        } else {
            place_name
        },
        organiser_name,
        updated_at: r.try_get("updated_at")?,
        updated_by: r.try_get("updated_by")?,
        schedule: Schedule::default(),
        spec: ActivitySpec {
            kind: ActivityKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
            category: Category::parse(&category).map_err(|p| StoreError::corrupt("category", p))?,
            name: names_of(r, "name")?,
            description: names_of(r, "description")?,
            signup: names_of(r, "signup")?,
            price: names_of(r, "price")?,
            is_free: r.try_get::<i64, _>("is_free")? == 1,
            min_age: r.try_get("min_age")?,
            max_age: r.try_get("max_age")?,
            languages: split_list(&r.try_get::<String, _>("languages")?),
            keywords: split_list(&r.try_get::<String, _>("keywords")?),
            equipment_lent: r.try_get::<i64, _>("equipment_lent")? == 1,
            organiser: r
                .try_get::<Option<String>, _>("organiser")?
                .unwrap_or_default(),
            provider,
            place: r.try_get::<Option<String>, _>("place")?.unwrap_or_default(),
            location,
            area: r.try_get("area")?,
            season_start: r
                .try_get::<Option<String>, _>("season_start")?
                .unwrap_or_default(),
            season_end: r
                .try_get::<Option<String>, _>("season_end")?
                .unwrap_or_default(),
            slots: times.slots,
            dates: times.dates,
            cancellations: times.cancellations,
            info_url: r.try_get("info_url")?,
            source_id: r
                .try_get::<Option<String>, _>("source_id")?
                .unwrap_or_default(),
        },
    };
    a.schedule = schedule_of(&a.spec).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(a)
}

/// A wish of a child or young person: the types of things they would like to
/// do, their age group and area, and a short line in their own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WishSpec {
    pub area: String,
    pub age_group: kasvu_core::activity::AgeGroup,
    pub categories: Vec<Category>,
    pub text: String,
}

/// Wishes counted for an area (or, `area_id` None, those who named none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WishCount {
    pub area_id: Option<i64>,
    pub area: Names,
    pub wishes: i64,
    /// Per category: how many wished it.
    pub categories: Vec<(Category, i64)>,
    /// Per age group.
    pub age_groups: Vec<(kasvu_core::activity::AgeGroup, i64)>,
    /// The wishes' own words; shown only when the area has enough wishes.
    pub texts: Vec<String>,
}

/// The organisation's public settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSettings {
    /// The family social work guidance number (perhesosiaalityön neuvonta).
    #[serde(default)]
    pub guidance_phone: String,
    #[serde(default)]
    pub guidance_hours: Names,
}

impl Store {
    // ------------------------------------------------------------ places

    /// Writes a place whole (new, or replacing the place with its code).
    pub async fn save_place(&self, actor: &Actor, org_id: i64, spec: &PlaceSpec) -> Result<i64> {
        let s = check_place(spec)?;
        let mut tx = self.begin_write().await?;
        let (unit_id, area_id, cluster_id) = area_of(&mut tx, org_id, &s.area, "area").await?;
        let actor_id = match s.actor.as_str() {
            "" => None,
            c => Some(crate::db::actor_in(&mut tx, org_id, c, "actor").await?),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO places (org_id, code, kind, name_fi, name_sv, name_en, area_id, cluster_id, unit_id, \
             address, hours_fi, hours_sv, hours_en, what_fi, what_sv, what_en, directions_fi, directions_sv, \
             directions_en, access_fi, access_sv, access_en, actor_id, phone, website, published, source_id, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28) \
             ON CONFLICT (org_id, code) DO UPDATE SET kind = excluded.kind, name_fi = excluded.name_fi, \
             name_sv = excluded.name_sv, name_en = excluded.name_en, area_id = excluded.area_id, \
             cluster_id = excluded.cluster_id, unit_id = excluded.unit_id, address = excluded.address, \
             hours_fi = excluded.hours_fi, hours_sv = excluded.hours_sv, hours_en = excluded.hours_en, \
             what_fi = excluded.what_fi, what_sv = excluded.what_sv, what_en = excluded.what_en, \
             directions_fi = excluded.directions_fi, directions_sv = excluded.directions_sv, \
             directions_en = excluded.directions_en, access_fi = excluded.access_fi, \
             access_sv = excluded.access_sv, access_en = excluded.access_en, actor_id = excluded.actor_id, \
             phone = excluded.phone, website = excluded.website, published = excluded.published, \
             source_id = excluded.source_id, updated_at = excluded.updated_at RETURNING id",
        )
        .bind(org_id)
        .bind(&s.code)
        .bind(s.kind.code())
        .bind(&s.name.fi)
        .bind(&s.name.sv)
        .bind(&s.name.en)
        .bind(area_id)
        .bind(cluster_id)
        .bind(unit_id)
        .bind(&s.address)
        .bind(&s.hours.fi)
        .bind(&s.hours.sv)
        .bind(&s.hours.en)
        .bind(&s.what.fi)
        .bind(&s.what.sv)
        .bind(&s.what.en)
        .bind(&s.directions.fi)
        .bind(&s.directions.sv)
        .bind(&s.directions.en)
        .bind(&s.access.fi)
        .bind(&s.access.sv)
        .bind(&s.access.en)
        .bind(actor_id)
        .bind(&s.phone)
        .bind(&s.website)
        .bind(i64::from(s.published))
        .bind((!s.source_id.is_empty()).then_some(s.source_id.as_str()))
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        audit_change(&mut tx, actor, org_id, "place", &s.code, "save", json!(s)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// An organisation's places by name; `published_only` for the public.
    pub async fn places(&self, org_id: i64, published_only: bool) -> Result<Vec<Place>> {
        let cond = if published_only {
            " AND p.published = 1"
        } else {
            ""
        };
        let rows = sqlx::query(&format!(
            "SELECT {PLACE_COLUMNS} FROM places p JOIN org_units u ON u.id = p.unit_id \
             LEFT JOIN actors a ON a.id = p.actor_id WHERE p.org_id = $1{cond} ORDER BY p.name_fi, p.code"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(place_of).collect()
    }

    pub async fn place(&self, org_id: i64, code: &str) -> Result<Option<Place>> {
        let row = sqlx::query(&format!(
            "SELECT {PLACE_COLUMNS} FROM places p JOIN org_units u ON u.id = p.unit_id \
             LEFT JOIN actors a ON a.id = p.actor_id WHERE p.org_id = $1 AND p.code = $2"
        ))
        .bind(org_id)
        .bind(code.trim())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(place_of).transpose()
    }

    // -------------------------------------------------------- activities

    /// Writes an activity whole: a new one (`id` None) or the one with `id`
    /// of the organisation. `status` is what the caller may give: pending for
    /// an organiser, published when an approver publishes.
    pub async fn save_activity(
        &self,
        actor: &Actor,
        org_id: i64,
        id: Option<i64>,
        spec: &ActivitySpec,
        status: ActivityStatus,
    ) -> Result<i64> {
        let (s, schedule) = check_activity(spec)?;
        let mut tx = self.begin_write().await?;
        let id = self
            .write_activity(&mut tx, actor, org_id, id, &s, &schedule, status)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes many activities in one transaction (an import): all or none.
    /// An entry with a `source_id` already stored replaces that entry.
    /// `progress` is told after each entry.
    pub async fn save_activities(
        &self,
        actor: &Actor,
        org_id: i64,
        specs: &[ActivitySpec],
        status: ActivityStatus,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<(usize, usize)> {
        let mut checked = Vec::with_capacity(specs.len());
        for (i, spec) in specs.iter().enumerate() {
            checked.push(check_activity(spec).map_err(|e| e.at_row(i + 1))?);
        }
        let mut tx = self.begin_write().await?;
        let (mut created, mut updated) = (0, 0);
        for (i, (s, schedule)) in checked.iter().enumerate() {
            let existing: Option<i64> = if s.source_id.is_empty() {
                None
            } else {
                sqlx::query_scalar("SELECT id FROM activities WHERE org_id = $1 AND source_id = $2")
                    .bind(org_id)
                    .bind(&s.source_id)
                    .fetch_optional(&mut *tx)
                    .await?
            };
            if existing.is_some() {
                updated += 1;
            } else {
                created += 1;
            }
            self.write_activity(&mut tx, actor, org_id, existing, s, schedule, status)
                .await
                .map_err(|e| e.at_row(i + 1))?;
            progress(i + 1);
        }
        tx.commit().await?;
        Ok((created, updated))
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_activity(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        org_id: i64,
        id: Option<i64>,
        s: &ActivitySpec,
        schedule: &Schedule,
        status: ActivityStatus,
    ) -> Result<i64> {
        let (unit_id, area_id, cluster_id) = area_of(tx, org_id, &s.area, "area").await?;
        let organiser_id = match s.organiser.as_str() {
            "" => None,
            c => Some(crate::db::actor_in(tx, org_id, c, "organiser").await?),
        };
        let place_id: Option<i64> = match s.place.as_str() {
            "" => None,
            c => Some(
                sqlx::query_scalar("SELECT id FROM places WHERE org_id = $1 AND code = $2")
                    .bind(org_id)
                    .bind(c)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| {
                        StoreError::invalid(
                            "place",
                            Problem::new("err-place-missing", format!("there is no place '{c}'"))
                                .arg("value", c),
                        )
                    })?,
            ),
        };
        let (first, last) = span(schedule).ok_or_else(|| {
            StoreError::invalid(
                "times",
                Problem::new("err-no-times", "give at least one weekly time or one date"),
            )
        })?;
        let who = actor.label.clone();
        let times_json = serde_json::to_string(&Times {
            slots: s.slots.clone(),
            dates: s.dates.clone(),
            cancellations: s.cancellations.clone(),
        })
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let values = "kind = $2, category = $3, status = $4, name_fi = $5, name_sv = $6, name_en = $7, \
             description_fi = $8, description_sv = $9, description_en = $10, signup_fi = $11, signup_sv = $12, \
             signup_en = $13, price_fi = $14, price_sv = $15, price_en = $16, is_free = $17, min_age = $18, \
             max_age = $19, languages = $20, keywords = $21, equipment_lent = $22, organiser_id = $23, \
             provider = $24, place_id = $25, location = $26, area_id = $27, cluster_id = $28, unit_id = $29, \
             season_start = $30, season_end = $31, weekday_mask = $32, first_on = $33, last_on = $34, \
             info_url = $35, source_id = $36, updated_by = $37, updated_at = $38, times = $39";
        let sql = match id {
            Some(_) => format!("UPDATE activities SET {values} WHERE id = $40 AND org_id = $1 RETURNING id"),
            None => "INSERT INTO activities (org_id, kind, category, status, name_fi, name_sv, name_en, \
                 description_fi, description_sv, description_en, signup_fi, signup_sv, signup_en, price_fi, \
                 price_sv, price_en, is_free, min_age, max_age, languages, keywords, equipment_lent, organiser_id, \
                 provider, place_id, location, area_id, cluster_id, unit_id, season_start, season_end, \
                 weekday_mask, first_on, last_on, info_url, source_id, updated_by, updated_at, times, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
                 $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, \
                 $39, $37) RETURNING id"
                .to_owned(),
        };
        let q = sqlx::query_scalar(&sql)
            .bind(org_id)
            .bind(s.kind.code())
            .bind(s.category.code())
            .bind(status.code())
            .bind(&s.name.fi)
            .bind(&s.name.sv)
            .bind(&s.name.en)
            .bind(&s.description.fi)
            .bind(&s.description.sv)
            .bind(&s.description.en)
            .bind(&s.signup.fi)
            .bind(&s.signup.sv)
            .bind(&s.signup.en)
            .bind(&s.price.fi)
            .bind(&s.price.sv)
            .bind(&s.price.en)
            .bind(i64::from(s.is_free))
            .bind(s.min_age)
            .bind(s.max_age)
            .bind(s.languages.join(";"))
            .bind(s.keywords.join(";"))
            .bind(i64::from(s.equipment_lent))
            .bind(organiser_id)
            .bind(&s.provider)
            .bind(place_id)
            .bind(&s.location)
            .bind(area_id)
            .bind(cluster_id)
            .bind(unit_id)
            .bind((!s.season_start.is_empty()).then_some(s.season_start.as_str()))
            .bind((!s.season_end.is_empty()).then_some(s.season_end.as_str()))
            .bind(weekday_mask(schedule))
            .bind(format_date(first))
            .bind(format_date(last))
            .bind(&s.info_url)
            .bind((!s.source_id.is_empty()).then_some(s.source_id.as_str()))
            .bind(&who)
            .bind(now())
            .bind(times_json);
        let q = match id {
            Some(i) => q.bind(i),
            None => q,
        };
        let id: i64 = q
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("activity {}", id.unwrap_or_default())))?;
        bump_version(tx, org_id).await?;
        audit_change(
            tx,
            actor,
            org_id,
            "activity",
            &id.to_string(),
            "save",
            json!({ "status": status.code(), "spec": s }),
        )
        .await?;
        Ok(id)
    }

    /// Publishes or withdraws an activity (the area's approval).
    pub async fn set_activity_status(
        &self,
        actor: &Actor,
        org_id: i64,
        id: i64,
        status: ActivityStatus,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE activities SET status = $1, approved_by = $2, updated_at = $3 WHERE id = $4 AND org_id = $5",
        )
        .bind(status.code())
        .bind(&actor.label)
        .bind(now())
        .bind(id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("activity {id}")));
        }
        bump_version(&mut tx, org_id).await?;
        audit_change(
            &mut tx,
            actor,
            org_id,
            "activity",
            &id.to_string(),
            "status",
            json!({ "status": status.code() }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One activity of an organisation with its schedule, whatever its status.
    pub async fn activity(&self, org_id: i64, id: i64) -> Result<Option<Activity>> {
        let row = sqlx::query(&format!(
            "SELECT {ACTIVITY_COLUMNS} FROM {ACTIVITY_FROM} WHERE x.org_id = $1 AND x.id = $2"
        ))
        .bind(org_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(activity_of).transpose()
    }

    /// A page of activities matching `q`, by name, with the number that
    /// matched in all.
    pub async fn find_activities(&self, org_id: i64, q: &ActivityQuery) -> Result<ActivityPage> {
        if q.statuses.is_none() && q.between.is_none() && q.organisers.is_none() {
            return self.find_public(org_id, q).await;
        }
        let (cond, args) = conditions(org_id, q);
        let count_sql = format!("SELECT COUNT(*) FROM activities x WHERE {cond}");
        let total: i64 = {
            let mut cq = sqlx::query_scalar(&count_sql);
            for a in &args {
                cq = match a {
                    Arg::I(i) => cq.bind(*i),
                    Arg::S(s) => cq.bind(s.as_str()),
                };
            }
            cq.fetch_one(&self.pool).await?
        };
        let limit = q.limit.clamp(1, 1000);
        let sql = format!(
            "SELECT {ACTIVITY_COLUMNS} FROM {ACTIVITY_FROM} WHERE {cond} ORDER BY x.name_fi, x.id \
             LIMIT {limit} OFFSET {}",
            q.offset.max(0)
        );
        let rows = bind_all(sqlx::query(&sql), &args)
            .fetch_all(&self.pool)
            .await?;
        let items = rows.iter().map(activity_of).collect::<Result<Vec<_>>>()?;
        Ok(ActivityPage { items, total })
    }

    /// The published activities' index of an organisation, read again when
    /// its version has moved. The version is read before the rows, so an
    /// index is never older than the version it is kept under.
    async fn public_index(&self, org_id: i64) -> Result<std::sync::Arc<Vec<Slim>>> {
        let version: i64 =
            sqlx::query_scalar("SELECT version FROM activity_versions WHERE org_id = $1")
                .bind(org_id)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or(0);
        let cache = &self.activity_index.0;
        if let Some((v, items)) = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&org_id)
        {
            if *v == version {
                return Ok(items.clone());
            }
        }
        let rows = sqlx::query(
            "SELECT id, kind, category, area_id, cluster_id, place_id, min_age, max_age, weekday_mask, is_free \
             FROM activities WHERE org_id = $1 AND status = 'published' ORDER BY name_fi, id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind: String = r.try_get("kind")?;
            let category: String = r.try_get("category")?;
            items.push(Slim {
                id: r.try_get("id")?,
                kind: ActivityKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
                category: Category::parse(&category)
                    .map_err(|p| StoreError::corrupt("category", p))?,
                area_id: r.try_get("area_id")?,
                cluster_id: r.try_get("cluster_id")?,
                place_id: r.try_get("place_id")?,
                min_age: r.try_get("min_age")?,
                max_age: r.try_get("max_age")?,
                mask: r.try_get("weekday_mask")?,
                free: r.try_get::<i64, _>("is_free")? == 1,
            });
        }
        let items = std::sync::Arc::new(items);
        cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(org_id, (version, items.clone()));
        Ok(items)
    }

    /// The public search: matches counted in memory, the page's rows read.
    async fn find_public(&self, org_id: i64, q: &ActivityQuery) -> Result<ActivityPage> {
        let index = self.public_index(org_id).await?;
        let limit = q.limit.clamp(1, 1000) as usize;
        let offset = q.offset.max(0) as usize;
        let mut total = 0usize;
        let mut ids = Vec::with_capacity(limit);
        for s in index.iter().filter(|s| s.matches(q)) {
            if total >= offset && ids.len() < limit {
                ids.push(s.id);
            }
            total += 1;
        }
        let mut items = Vec::with_capacity(ids.len());
        if !ids.is_empty() {
            // By id alone, so the planner takes the primary key (with the
            // organisation and status in the condition SQLite preferred an
            // index on those and read every entry); both are checked below.
            // The placeholders are padded to the page size so the statement
            // is the same each time and stays prepared.
            let slots = limit.max(ids.len());
            let marks: Vec<String> = (1..=slots).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {ACTIVITY_COLUMNS} FROM {ACTIVITY_FROM} WHERE x.id IN ({})",
                marks.join(", ")
            );
            let mut query = sqlx::query(&sql);
            for i in 0..slots {
                query = query.bind(ids.get(i).copied().unwrap_or(-1));
            }
            let rows = query.fetch_all(&self.pool).await?;
            let mut found = rows
                .iter()
                .map(activity_of)
                .filter(|a| {
                    a.as_ref().map_or(true, |a| {
                        a.org_id == org_id && a.status == ActivityStatus::Published
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            for id in &ids {
                if let Some(i) = found.iter().position(|a| a.id == *id) {
                    items.push(found.swap_remove(i));
                }
            }
        }
        Ok(ActivityPage {
            items,
            total: total as i64,
        })
    }

    // ------------------------------------------------------------ wishes

    /// Stores a wish; nothing about who sent it is kept.
    pub async fn add_wish(&self, org_id: i64, w: &WishSpec) -> Result<()> {
        if w.categories.is_empty() {
            return Err(StoreError::invalid("categories", Problem::required()));
        }
        let text = w.text.trim();
        if text.chars().count() > MAX_WISH_TEXT {
            return Err(StoreError::invalid(
                "text",
                Problem::too_long(MAX_WISH_TEXT),
            ));
        }
        let mut tx = self.begin_write().await?;
        let area_id = match w.area.trim() {
            "" => None,
            c => Some(area_of(&mut tx, org_id, c, "area").await?.1),
        };
        let cats: Vec<&str> = w.categories.iter().map(|c| c.code()).collect();
        sqlx::query(
            "INSERT INTO wishes (org_id, area_id, age_group, categories, text, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(org_id)
        .bind(area_id)
        .bind(w.age_group.code())
        .bind(cats.join(";"))
        .bind(text)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The wishes per area, counts by category and age group; the texts
    /// only of areas with at least `min_for_texts` wishes.
    pub async fn wish_counts(&self, org_id: i64, min_for_texts: i64) -> Result<Vec<WishCount>> {
        let rows = sqlx::query(
            "SELECT w.area_id, u.name_fi, u.name_sv, u.name_en, w.age_group, w.categories, w.text \
             FROM wishes w LEFT JOIN org_units u ON u.id = w.area_id WHERE w.org_id = $1 \
             ORDER BY u.name_fi, w.id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<WishCount> = Vec::new();
        for r in &rows {
            let area_id: Option<i64> = r.try_get("area_id")?;
            let i = match out.iter().position(|c| c.area_id == area_id) {
                Some(i) => i,
                None => {
                    out.push(WishCount {
                        area_id,
                        area: Names {
                            fi: r
                                .try_get::<Option<String>, _>("name_fi")?
                                .unwrap_or_default(),
                            sv: r
                                .try_get::<Option<String>, _>("name_sv")?
                                .unwrap_or_default(),
                            en: r
                                .try_get::<Option<String>, _>("name_en")?
                                .unwrap_or_default(),
                        },
                        wishes: 0,
                        categories: vec![],
                        age_groups: vec![],
                        texts: vec![],
                    });
                    out.len() - 1
                }
            };
            let c = &mut out[i];
            c.wishes += 1;
            for code in r.try_get::<String, _>("categories")?.split(';') {
                let cat = Category::parse(code).map_err(|p| StoreError::corrupt("category", p))?;
                match c.categories.iter_mut().find(|(k, _)| *k == cat) {
                    Some((_, n)) => *n += 1,
                    None => c.categories.push((cat, 1)),
                }
            }
            let g = kasvu_core::activity::AgeGroup::parse(&r.try_get::<String, _>("age_group")?)
                .map_err(|p| StoreError::corrupt("age_group", p))?;
            match c.age_groups.iter_mut().find(|(k, _)| *k == g) {
                Some((_, n)) => *n += 1,
                None => c.age_groups.push((g, 1)),
            }
            let t: String = r.try_get("text")?;
            if !t.is_empty() {
                c.texts.push(t);
            }
        }
        for c in &mut out {
            c.categories
                .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            c.age_groups.sort();
            if c.wishes < min_for_texts {
                c.texts.clear();
            }
        }
        Ok(out)
    }

    // ---------------------------------------------------------- settings

    pub async fn public_settings(&self, org_id: i64) -> Result<PublicSettings> {
        let row = sqlx::query(
            "SELECT guidance_phone, guidance_hours_fi, guidance_hours_sv, guidance_hours_en \
             FROM public_settings WHERE org_id = $1",
        )
        .bind(org_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            None => PublicSettings::default(),
            Some(r) => PublicSettings {
                guidance_phone: r.try_get("guidance_phone")?,
                guidance_hours: names_of(&r, "guidance_hours")?,
            },
        })
    }

    pub async fn set_public_settings(
        &self,
        actor: &Actor,
        org_id: i64,
        s: &PublicSettings,
    ) -> Result<()> {
        kasvu_core::actor::check_phone(&s.guidance_phone)
            .map_err(|p| StoreError::invalid("guidance_phone", p))?;
        let hours = names("guidance_hours", &s.guidance_hours, false, MAX_LINE)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO public_settings (org_id, guidance_phone, guidance_hours_fi, guidance_hours_sv, \
             guidance_hours_en, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE \
             SET guidance_phone = excluded.guidance_phone, guidance_hours_fi = excluded.guidance_hours_fi, \
             guidance_hours_sv = excluded.guidance_hours_sv, guidance_hours_en = excluded.guidance_hours_en, \
             updated_at = excluded.updated_at",
        )
        .bind(org_id)
        .bind(s.guidance_phone.trim())
        .bind(&hours.fi)
        .bind(&hours.sv)
        .bind(&hours.en)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit_change(
            &mut tx,
            actor,
            org_id,
            "public_settings",
            "guidance",
            "save",
            json!(s),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_numbered_placeholders_and_enum_codes() {
        let q = ActivityQuery {
            kinds: vec![ActivityKind::Hobby],
            area_id: Some(3),
            age: Some(9),
            weekdays: 0b10,
            free_only: true,
            ..ActivityQuery::default()
        };
        let (cond, args) = conditions(7, &q);
        assert_eq!(
            cond,
            "x.org_id = $1 AND x.status = $2 AND x.kind IN ('hobby') AND x.area_id = $3 AND \
             (x.min_age IS NULL OR x.min_age <= $4) AND (x.max_age IS NULL OR x.max_age >= $5) AND \
             (x.weekday_mask & $6) <> 0 AND x.is_free = 1"
        );
        assert_eq!(args.len(), 6);
    }
}
