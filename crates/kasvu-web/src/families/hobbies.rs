//! The families' hub, the hobby search and one activity's page.

use super::cards::{
    card, filter_form, query_of, times_text, weekday_no, ActivityCard, Filter, FilterForm,
};
use super::page_cache::{cached_page, PageKind};
use super::site::{org_and_units, org_and_units_at, PAGE_SIZE};
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
use kasvu_core::activity::{occurrences_off, skipped_days, ActivityKind, Occurrence};

// ------------------------------------------------------------- hub page

#[derive(Template)]
#[template(path = "families.html")]
pub struct FamiliesPage<'a> {
    pub ctx: &'a Ctx,
    pub areas: Vec<super::site::PlaceGroup>,
}

pub async fn families(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let (_, units) = org_and_units(&st, &ctx).await?;
    let page = FamiliesPage {
        ctx: &ctx,
        areas: super::site::place_groups(&ctx, &units),
    };
    Ok(Html(page.render()?).into_response())
}

// ------------------------------------------------------------ hobbies

#[derive(Template)]
#[template(path = "hobbies.html")]
pub struct HobbiesPage<'a> {
    pub ctx: &'a Ctx,
    pub f: Filter,
    pub form: std::sync::Arc<FilterForm>,
    pub error: Option<(String, String)>,
    /// The result cards as HTML (`CardHtml`, kept in the page cache).
    pub cards: Vec<std::sync::Arc<str>>,
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
/// price and type, twenty to a page. A visitor's page comes from the page
/// cache while the public versions stay the same (see `page_cache`).
pub async fn hobbies(State(st): State<AppState>, ctx: Ctx, Query(f): Query<Filter>) -> PageResult {
    // Read before anything the page shows, so that a page is never older
    // than the versions it is kept under.
    let versions = st.store.public_versions().await?;
    let f = f.normalised(super::site::org_param(&ctx.path).as_deref());
    let key_query = f.key_query();
    let (st, versions) = (&st, &versions);
    cached_page(
        &st.pages,
        ctx,
        PageKind::Hobbies,
        "/hobbies",
        key_query,
        versions.fingerprint,
        |ctx| async move { hobbies_page(st, &ctx, f, versions).await },
    )
    .await
}

/// One result card, kept per (activity, language) under the activity and
/// tree versions (`PageCache::card`): it may show only what those decide —
/// the activity's row, the units' names and the language's messages —
/// never anything of the reader, the brand, the address or the date.
#[derive(Template)]
#[template(path = "_activity_card.html")]
pub struct CardHtml<'a> {
    pub ctx: &'a Ctx,
    pub c: ActivityCard,
}

/// A results page rendered, and whether its filter was good (a page that
/// names a bad filter is not kept).
async fn hobbies_page(
    st: &AppState,
    ctx: &Ctx,
    f: Filter,
    versions: &kasvu_store::PublicVersions,
) -> Result<(String, bool), AppError> {
    let (org, units) = org_and_units_at(st, ctx, versions).await?;
    let page_no = f.page_no();
    let (cards, total, error) = match query_of(st, org.org_id, &f, &units).await? {
        Ok(mut q) => {
            q.kinds = vec![ActivityKind::Hobby];
            q.offset = (page_no - 1) * PAGE_SIZE;
            let found = st
                .store
                .find_activities_at(org.org_id, &q, versions)
                .await?;
            let stamp = versions.stamp_of(org.org_id);
            let cards = found
                .items
                .iter()
                .map(|a| {
                    st.pages.card(a.id, ctx.lang, stamp, || {
                        CardHtml {
                            ctx,
                            c: card(ctx, a, &units),
                        }
                        .render()
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            (cards, found.total, None)
        }
        Err((field, p)) => (vec![], 0, Some((field.to_owned(), ctx.lang.problem(&p)))),
    };
    let ok = error.is_none();
    let page = HobbiesPage {
        ctx,
        form: st
            .trees
            .filter_form(versions.tree, (org.org_id, ctx.lang, today()), || {
                filter_form(ctx, &units)
            }),
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
    Ok((page.render()?, ok))
}

// ----------------------------------------------------------- activity

pub struct OccurrenceRow {
    pub date: String,
    pub weekday: String,
    pub time: String,
    pub cancelled: bool,
    pub note: String,
    /// Why a weekly session is not held that day (a holiday, a break).
    pub off: Option<LText>,
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

pub(super) fn occurrence_row(ctx: &Ctx, o: &Occurrence, note: &str) -> OccurrenceRow {
    OccurrenceRow {
        date: date_label(ctx.lang, o.on),
        weekday: ctx.t(&format!("weekday-{}", weekday_no(o.on.weekday()))),
        time: if o.ends_on == o.on {
            format!("{}–{}", o.starts, o.ends)
        } else {
            format!(
                "{} – {} {}",
                o.starts,
                date_label(ctx.lang, o.ends_on),
                o.ends
            )
        },
        cancelled: o.cancelled,
        off: None,
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
    let may_edit = crate::families::forms::may_edit(&st, &ctx, &a).await?;
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
    let off = st.store.days_off(org.org_id).await?;
    let found = occurrences_off(&a.schedule, from, to, &cancelled, &off);
    // The rows end where the twelfth session is: the days off before it
    // are shown among them ("no session: Christmas Eve").
    let until = found.get(11).map(|o| o.on).unwrap_or(to);
    let mut upcoming: Vec<(time::Date, OccurrenceRow)> = found
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
            (o.on, occurrence_row(&ctx, o, note))
        })
        .collect();
    for (d, why) in skipped_days(&a.schedule, from, until, &off) {
        upcoming.push((
            d,
            OccurrenceRow {
                date: date_label(ctx.lang, d),
                weekday: ctx.t(&format!("weekday-{}", weekday_no(d.weekday()))),
                time: String::new(),
                cancelled: false,
                note: String::new(),
                off: Some(super::day_off_text(&ctx, &why)),
            },
        ));
    }
    upcoming.sort_by_key(|(d, _)| *d);
    let upcoming = upcoming.into_iter().map(|(_, r)| r).collect();
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
