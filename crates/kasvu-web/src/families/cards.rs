//! Activity cards and the public filter (area, age, day, type, free of
//! charge) shared by the hobby search, the calendar and the API.

use super::site::PAGE_SIZE;
use crate::support::ctx::Ctx;
use crate::support::format::date_label;
use crate::support::format::lt;
use crate::support::format::LText;
use crate::AppState;
use kasvu_core::activity::{weekday_bit, ActivityKind, Category};
use kasvu_core::{Level, Problem};
use kasvu_store::{Activity, ActivityQuery, OrgUnit, Place};
use serde::Deserialize;

pub(super) fn weekday_no(d: time::Weekday) -> u8 {
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
            format!("{} {}–{}", date_label(ctx.lang, d.on), d.starts, d.ends)
        } else {
            format!(
                "{} {} – {} {}",
                date_label(ctx.lang, d.on),
                d.starts,
                date_label(ctx.lang, d.ends_on),
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

/// The name families know a unit by: its everyday name when it has one.
pub(super) fn unit_name(units: &[OrgUnit], ctx: &Ctx, id: i64) -> String {
    units
        .iter()
        .find(|u| u.id == id)
        .map(|u| match u.everyday_name.as_str() {
            "" => ctx.name(&u.names).to_owned(),
            e => e.to_owned(),
        })
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
                format!(
                    "{}–{}",
                    date_label(ctx.lang, from),
                    date_label(ctx.lang, to)
                )
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
    /// A further organisation's code (`/o/{code}`'s links); read by
    /// `org_and_units` from the address.
    pub org: String,
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
            ("org", &self.org),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", crate::support::ctx::url_encode(v.trim())));
            }
        }
        parts.join("&")
    }
}

impl Filter {
    /// The page number asked for (1 when none or not a number).
    pub fn page_no(&self) -> i64 {
        self.page.trim().parse().unwrap_or(1).clamp(1, 100_000)
    }

    /// The same search in one spelling, for a page cache's key and the
    /// page rendered for it: every value trimmed, "free" as `1` or nothing,
    /// the page as its number, the organisation as the one `org` actually
    /// names (`site::org_param` of the address, lower case; a value it does
    /// not take counts as none), and what a results page does not read
    /// (month, view) dropped. Two addresses with the same normalised filter
    /// get the same results page.
    pub fn normalised(&self, org: Option<&str>) -> Filter {
        let page = self.page_no();
        Filter {
            area: self.area.trim().to_owned(),
            age: self.age.trim().to_owned(),
            day: self.day.trim().to_owned(),
            free: if matches!(self.free.trim(), "1" | "on" | "true") {
                "1".into()
            } else {
                String::new()
            },
            category: self.category.trim().to_owned(),
            kind: self.kind.trim().to_owned(),
            place: self.place.trim().to_owned(),
            month: String::new(),
            view: String::new(),
            page: if page > 1 {
                page.to_string()
            } else {
                String::new()
            },
            org: org.map(str::to_ascii_lowercase).unwrap_or_default(),
        }
    }

    /// The normalised filter's address query with its page: the cache key's
    /// query and the path its page is rendered for.
    pub fn key_query(&self) -> String {
        let q = self.query();
        match (q.is_empty(), self.page.is_empty()) {
            (_, true) => q,
            (true, false) => format!("page={}", self.page),
            (false, false) => format!("{q}&page={}", self.page),
        }
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
pub(super) fn filter_query(
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

pub(super) fn unknown(v: &str) -> Problem {
    Problem::new(
        "err-filter-value",
        format!("'{v}' is not one of the choices"),
    )
    .arg("value", v)
}

/// The choices of the filter form.
pub struct FilterForm {
    pub areas: Vec<super::site::PlaceGroup>,
    pub categories: Vec<(String, String)>,
    pub kinds: Vec<(String, String)>,
    pub days: Vec<(String, String)>,
}

pub(super) fn filter_form(ctx: &Ctx, units: &[OrgUnit]) -> FilterForm {
    FilterForm {
        areas: super::site::place_groups(ctx, units),
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

#[cfg(test)]
mod tests {
    use super::Filter;

    fn f(pairs: &[(&str, &str)]) -> Filter {
        let q = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        serde_urlencoded::from_str(&q).expect("a query")
    }

    #[test]
    fn one_search_has_one_key_however_it_is_spelt() {
        let a = f(&[("area", "tuira"), ("age", "8"), ("free", "1")]);
        let b = f(&[
            ("free", "on"),
            ("age", "%208%20"),
            ("area", "tuira"),
            ("month", "2026-12"),
            ("view", "list"),
            ("page", "1"),
            ("utm", "x"),
        ]);
        assert_eq!(a.normalised(None).key_query(), "area=tuira&age=8&free=1");
        assert_eq!(
            a.normalised(None).key_query(),
            b.normalised(None).key_query()
        );
        // The page and the organisation are part of it.
        let p2 = f(&[("area", "tuira"), ("page", "2")]).normalised(None);
        assert_eq!(p2.key_query(), "area=tuira&page=2");
        assert_eq!(f(&[("page", "x")]).normalised(None).key_query(), "");
        assert_eq!(f(&[("page", "3")]).normalised(None).key_query(), "page=3");
        let soite = f(&[("area", "kokkola")]).normalised(Some("SOITE"));
        assert_eq!(soite.key_query(), "area=kokkola&org=soite");
        // A value that is not a choice stays in the key as given (trimmed),
        // so its error page names it; "free" other than on is off.
        let bad = f(&[("age", "yhdeks%C3%A4n"), ("free", "maybe")]).normalised(None);
        assert_eq!(bad.age, "yhdeksän");
        assert_eq!(bad.free, "");
        // Different searches have different keys.
        let keys: std::collections::HashSet<String> = [
            f(&[("age", "8")]),
            f(&[("age", "9")]),
            f(&[("age", "8"), ("day", "1")]),
            f(&[("age", "8"), ("type", "sports")]),
            f(&[("age", "8"), ("place", "kirjasto")]),
            f(&[("age", "8"), ("kind", "club")]),
            f(&[("age", "8"), ("free", "1")]),
        ]
        .iter()
        .map(|x| x.normalised(None).key_query())
        .collect();
        assert_eq!(keys.len(), 7);
    }
}
