//! Organisers write their activities; the area approves them. An organiser
//! is anyone whose working role covers the register actor's unit (the
//! register's own rule, `actor_pages::is_staff_of`); an approver is anyone
//! who edits the tree at the activity's area or cluster. An organiser's
//! save always waits for approval; an approver may publish at once.

use crate::families::cards::{card, ActivityCard};
use crate::support::access::is_staff_of;
use crate::support::ctx::{Ctx, SignedIn};
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::forms::Checked;
use crate::support::forms::SavedQuery;
use crate::support::forms::{all, field, rows_of};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use kasvu_core::activity::{ActivityKind, ActivityStatus, Category};
use kasvu_core::role::permits;
use kasvu_core::{Action, Names, OrgTree};
use kasvu_store::{
    Activity, ActivityQuery, ActivitySpec, ActorEntry, CancelSpec, DateSpec, PublicSettings,
    SlotSpec, User,
};
use serde::Deserialize;

/// Whether the user approves activities at the unit (area, cluster or unit).
pub(crate) fn approves_at(tree: &OrgTree, user: &User, unit_id: i64) -> bool {
    permits(&user.assignments(), tree, Action::EditTree, unit_id)
}

/// The register's entries the user writes activities for.
fn organised_by<'a>(tree: &OrgTree, user: &User, actors: &'a [ActorEntry]) -> Vec<&'a ActorEntry> {
    actors
        .iter()
        .filter(|a| is_staff_of(tree, user, a))
        .collect()
}

/// Whether the viewer may edit this activity: its organiser's staff, or an
/// approver at its area.
pub(crate) async fn may_edit(st: &AppState, ctx: &Ctx, a: &Activity) -> Result<bool, AppError> {
    let Some(user) = ctx.user.as_ref().filter(|u| u.org_id == a.org_id) else {
        return Ok(false);
    };
    let tree = st.store.org_tree(user.org_id).await?;
    if approves_at(&tree, user, a.unit_id) {
        return Ok(true);
    }
    let actors = st.store.actors(user.org_id).await?;
    Ok(a.organiser_id.is_some_and(|id| {
        actors
            .iter()
            .any(|e| e.id == id && is_staff_of(&tree, user, e))
    }))
}

// ------------------------------------------------------------ manage list

#[derive(Template)]
#[template(path = "activities_manage.html")]
pub struct ManagePage<'a> {
    pub ctx: &'a Ctx,
    pub cards: Vec<(ActivityCard, bool)>,
    pub may_create: bool,
    pub saved: bool,
    pub settings: Option<PublicSettings>,
    /// The organisation's breaks, for those who keep them.
    pub breaks: Option<Vec<crate::families::breaks::BreakRow>>,
}

/// The entries the viewer organises or approves, those waiting first.
pub async fn manage(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Query(sq): Query<SavedQuery>,
) -> PageResult {
    let tree = st.store.org_tree(user.org_id).await?;
    let actors = st.store.actors(user.org_id).await?;
    let mine: Vec<i64> = organised_by(&tree, &user, &actors)
        .iter()
        .map(|a| a.id)
        .collect();
    let units = st.store.org_units(user.org_id).await?;
    let approver_anywhere = units.iter().any(|u| approves_at(&tree, &user, u.id));
    let q = ActivityQuery {
        statuses: Some(ActivityStatus::ALL.to_vec()),
        // An organiser's own entries in the database; an approver's list is
        // narrowed below to the areas they approve at.
        organisers: (!approver_anywhere).then(|| mine.clone()),
        limit: 1000,
        ..ActivityQuery::default()
    };
    let found = st.store.find_activities(user.org_id, &q).await?;
    let mut cards: Vec<(ActivityCard, bool, bool)> = found
        .items
        .iter()
        .filter_map(|a| {
            let approver = approves_at(&tree, &user, a.unit_id);
            let organiser = a.organiser_id.is_some_and(|id| mine.contains(&id));
            (approver || organiser).then(|| {
                (
                    card(&ctx, a, &units),
                    approver,
                    a.status == ActivityStatus::Pending,
                )
            })
        })
        .collect();
    cards.sort_by_key(|(_, _, pending)| !*pending);
    let is_admin = permits(&user.assignments(), &tree, Action::EditTree, user.org_id);
    let page = ManagePage {
        ctx: &ctx,
        may_create: !mine.is_empty() || units.iter().any(|u| approves_at(&tree, &user, u.id)),
        cards: cards.into_iter().map(|(c, a, _)| (c, a)).collect(),
        saved: sq.saved.as_deref() == Some("1"),
        settings: if is_admin {
            Some(st.store.public_settings(user.org_id).await?)
        } else {
            None
        },
        breaks: if is_admin {
            Some(crate::families::breaks::rows(
                &ctx,
                &st.store.activity_breaks(user.org_id).await?,
            ))
        } else {
            None
        },
    };
    Ok(Html(page.render()?).into_response())
}

// --------------------------------------------------------------- the form

pub struct SlotRow {
    pub n: usize,
    pub weekday: i64,
    pub starts: String,
    pub ends: String,
}

pub struct DateRow {
    pub n: usize,
    pub on: String,
    pub starts: String,
    pub ends_on: String,
    pub ends: String,
}

pub struct CancelRow {
    pub n: usize,
    pub on: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "activity_form.html")]
pub struct ActivityForm<'a> {
    pub ctx: &'a Ctx,
    pub id: Option<i64>,
    pub s: ActivitySpec,
    pub min_age: String,
    pub max_age: String,
    pub slots: Vec<SlotRow>,
    pub dates: Vec<DateRow>,
    pub cancels: Vec<CancelRow>,
    pub kinds: Vec<(String, String)>,
    pub categories: Vec<(String, String)>,
    pub organisers: Vec<(String, String)>,
    pub places: Vec<(String, String)>,
    pub areas: Vec<(String, String)>,
    pub days: Vec<(i64, String)>,
    pub may_publish: bool,
    pub published: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IdQuery {
    pub id: String,
}

const EMPTY_ROWS: usize = 3;

pub async fn edit(State(st): State<AppState>, ctx: Ctx, Query(q): Query<IdQuery>) -> PageResult {
    let user = ctx.require_user()?.clone();
    let tree = st.store.org_tree(user.org_id).await?;
    let existing = match q.id.trim() {
        "" => None,
        raw => {
            let id: i64 = raw.parse().map_err(|_| AppError::NotFound)?;
            let a = st
                .store
                .activity(user.org_id, id)
                .await?
                .ok_or(AppError::NotFound)?;
            if !may_edit(&st, &ctx, &a).await? {
                return Err(AppError::Forbidden);
            }
            Some(a)
        }
    };
    let actors = st.store.actors(user.org_id).await?;
    let units = st.store.org_units(user.org_id).await?;
    let approver_anywhere = units.iter().any(|u| approves_at(&tree, &user, u.id));
    let organisers: Vec<(String, String)> = if approver_anywhere {
        actors
            .iter()
            .map(|a| (a.spec.code.clone(), a.spec.name.clone()))
            .collect()
    } else {
        organised_by(&tree, &user, &actors)
            .iter()
            .map(|a| (a.spec.code.clone(), a.spec.name.clone()))
            .collect()
    };
    if organisers.is_empty() && !approver_anywhere {
        return Err(AppError::Forbidden);
    }
    let s = existing
        .as_ref()
        .map(|a| a.spec.clone())
        .unwrap_or(ActivitySpec {
            kind: ActivityKind::Hobby,
            category: Category::Sports,
            name: Names::default(),
            description: Names::default(),
            signup: Names::default(),
            price: Names::default(),
            is_free: true,
            min_age: None,
            max_age: None,
            languages: vec!["fi".into()],
            keywords: vec![],
            equipment_lent: false,
            organiser: organisers.first().map(|o| o.0.clone()).unwrap_or_default(),
            provider: String::new(),
            place: String::new(),
            location: String::new(),
            area: String::new(),
            season_start: String::new(),
            season_end: String::new(),
            slots: vec![],
            dates: vec![],
            cancellations: vec![],
            info_url: String::new(),
            source_id: String::new(),
        });
    let slots = s
        .slots
        .iter()
        .map(|x| (x.weekday, x.starts.clone(), x.ends.clone()))
        .chain(std::iter::repeat_n(
            (0, String::new(), String::new()),
            EMPTY_ROWS,
        ))
        .enumerate()
        .map(|(i, (weekday, starts, ends))| SlotRow {
            n: i + 1,
            weekday,
            starts,
            ends,
        })
        .collect();
    let empty = DateSpec {
        on: String::new(),
        starts: String::new(),
        ends_on: String::new(),
        ends: String::new(),
    };
    let dates = s
        .dates
        .iter()
        .cloned()
        .chain(std::iter::repeat_n(empty, EMPTY_ROWS))
        .enumerate()
        .map(|(i, d)| DateRow {
            n: i + 1,
            ends_on: if d.ends_on == d.on {
                String::new()
            } else {
                d.ends_on
            },
            on: d.on,
            starts: d.starts,
            ends: d.ends,
        })
        .collect();
    let cancels = s
        .cancellations
        .iter()
        .cloned()
        .chain(std::iter::repeat_n(
            CancelSpec {
                on: String::new(),
                note: String::new(),
            },
            EMPTY_ROWS,
        ))
        .enumerate()
        .map(|(i, c)| CancelRow {
            n: i + 1,
            on: c.on,
            note: c.note,
        })
        .collect();
    let page = ActivityForm {
        ctx: &ctx,
        id: existing.as_ref().map(|a| a.id),
        min_age: s.min_age.map(|a| a.to_string()).unwrap_or_default(),
        max_age: s.max_age.map(|a| a.to_string()).unwrap_or_default(),
        slots,
        dates,
        cancels,
        kinds: ActivityKind::ALL
            .iter()
            .map(|k| {
                (
                    k.code().into(),
                    ctx.t(&format!("activity-kind-{}", k.code())),
                )
            })
            .collect(),
        categories: Category::ALL
            .iter()
            .map(|c| (c.code().into(), ctx.t(&format!("category-{}", c.code()))))
            .collect(),
        organisers,
        places: st
            .store
            .places(user.org_id, false)
            .await?
            .into_iter()
            .map(|p| (p.spec.code.clone(), ctx.name(&p.spec.name).to_owned()))
            .collect(),
        areas: crate::support::access::area_choices(&ctx, &units),
        days: (1..=7)
            .map(|n| (n, ctx.t(&format!("weekday-{n}"))))
            .collect(),
        may_publish: approver_anywhere,
        published: existing
            .as_ref()
            .is_some_and(|a| a.status == ActivityStatus::Published),
        s,
    };
    Ok(Html(page.render()?).into_response())
}

fn names_from(form: &[(String, String)], prefix: &str) -> Names {
    Names {
        fi: field(form, &format!("{prefix}_fi")),
        sv: field(form, &format!("{prefix}_sv")),
        en: field(form, &format!("{prefix}_en")),
    }
}

/// An age field: empty for an open end; a number the store checks.
fn age_from(ctx: &Ctx, form: &[(String, String)], name: &str) -> Result<Option<i64>, AppError> {
    let v = field(form, name);
    if v.trim().is_empty() {
        return Ok(None);
    }
    v.trim().parse().map(Some).map_err(|_| {
        AppError::BadRequest(format!(
            "{}: {}",
            crate::support::forms::field_label(ctx, "activity", name),
            ctx.lang.problem(
                &kasvu_core::Problem::new("err-age", "an age is a whole number from 0 to 120")
                    .arg("value", v.trim())
            )
        ))
    })
}

/// The spec a form describes. Rows left empty are skipped.
fn spec_from(ctx: &Ctx, form: &[(String, String)]) -> Result<ActivitySpec, AppError> {
    let bad = |name: &str, p: kasvu_core::Problem| {
        AppError::BadRequest(format!(
            "{}: {}",
            crate::support::forms::field_label(ctx, "activity", name),
            ctx.lang.problem(&p)
        ))
    };
    let kind = ActivityKind::parse(&field(form, "kind")).map_err(|p| bad("kind", p))?;
    let category = Category::parse(&field(form, "category")).map_err(|p| bad("category", p))?;
    let mut slots = Vec::new();
    for n in 1..=rows_of(form, &["slot_weekday_", "slot_starts_", "slot_ends_"]) {
        let (w, a, b) = (
            field(form, &format!("slot_weekday_{n}")),
            field(form, &format!("slot_starts_{n}")),
            field(form, &format!("slot_ends_{n}")),
        );
        if w.trim().is_empty() && a.trim().is_empty() && b.trim().is_empty() {
            continue;
        }
        slots.push(SlotSpec {
            weekday: w.trim().parse().unwrap_or(0),
            starts: a,
            ends: b,
        });
    }
    let mut dates = Vec::new();
    for n in 1..=rows_of(form, &["date_on_", "date_starts_", "date_ends_"]) {
        let d = DateSpec {
            on: field(form, &format!("date_on_{n}")),
            starts: field(form, &format!("date_starts_{n}")),
            ends_on: field(form, &format!("date_ends_on_{n}")),
            ends: field(form, &format!("date_ends_{n}")),
        };
        if [&d.on, &d.starts, &d.ends_on, &d.ends]
            .iter()
            .all(|v| v.trim().is_empty())
        {
            continue;
        }
        dates.push(d);
    }
    let mut cancellations = Vec::new();
    for n in 1..=rows_of(form, &["cancel_on_", "cancel_note_"]) {
        let c = CancelSpec {
            on: field(form, &format!("cancel_on_{n}")),
            note: field(form, &format!("cancel_note_{n}")),
        };
        if c.on.trim().is_empty() && c.note.trim().is_empty() {
            continue;
        }
        cancellations.push(c);
    }
    let list = |name: &str| -> Vec<String> {
        field(form, name)
            .split([';', ','])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    Ok(ActivitySpec {
        kind,
        category,
        name: names_from(form, "name"),
        description: names_from(form, "description"),
        signup: names_from(form, "signup"),
        price: names_from(form, "price"),
        is_free: !all(form, "is_free").is_empty(),
        min_age: age_from(ctx, form, "min_age")?,
        max_age: age_from(ctx, form, "max_age")?,
        languages: list("languages"),
        keywords: list("keywords"),
        equipment_lent: !all(form, "equipment_lent").is_empty(),
        organiser: field(form, "organiser"),
        provider: String::new(),
        place: field(form, "place"),
        location: field(form, "location"),
        area: field(form, "area"),
        season_start: field(form, "season_start"),
        season_end: field(form, "season_end"),
        slots,
        dates,
        cancellations,
        info_url: field(form, "info_url"),
        source_id: String::new(),
    })
}

/// Saves the form. The organiser must be one the user writes for (or the
/// user approves at the activity's area); an organiser's save waits for
/// approval, an approver's is published when they tick "publish".
pub async fn save(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Checked(axum::Form(form)): Checked<axum::Form<Vec<(String, String)>>>,
) -> PageResult {
    let tree = st.store.org_tree(user.org_id).await?;
    let id = match field(&form, "id").trim() {
        "" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| AppError::NotFound)?),
    };
    if let Some(id) = id {
        let a = st
            .store
            .activity(user.org_id, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !may_edit(&st, &ctx, &a).await? {
            return Err(AppError::Forbidden);
        }
    }
    let spec = spec_from(&ctx, &form)?;
    let units = st.store.org_units(user.org_id).await?;
    let approver = units
        .iter()
        .find(|u| u.code == spec.area.trim())
        .is_some_and(|u| approves_at(&tree, &user, u.id));
    if !approver {
        let actors = st.store.actors(user.org_id).await?;
        let writes_for = organised_by(&tree, &user, &actors)
            .iter()
            .any(|a| a.spec.code == spec.organiser.trim());
        if !writes_for {
            return Err(AppError::Forbidden);
        }
    }
    let status = if approver && !all(&form, "publish").is_empty() {
        ActivityStatus::Published
    } else {
        ActivityStatus::Pending
    };
    let actor = kasvu_store::Actor::user(user.id, &user.email);
    let saved = st
        .store
        .save_activity(&actor, user.org_id, id, &spec, status)
        .await
        .map_err(|e| refused(Labels::Form("activity".into()), e))?;
    Ok(Redirect::to(&format!("/activities/{saved}")).into_response())
}

#[derive(Deserialize)]
pub struct StatusForm {
    pub status: String,
}

/// Publishes or withdraws an activity: approvers at its area only.
pub async fn set_status(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    Checked(axum::Form(f)): Checked<axum::Form<StatusForm>>,
) -> PageResult {
    let tree = st.store.org_tree(user.org_id).await?;
    let a = st
        .store
        .activity(user.org_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !approves_at(&tree, &user, a.unit_id) {
        return Err(AppError::Forbidden);
    }
    let status =
        ActivityStatus::parse(&f.status).map_err(|p| AppError::BadRequest(ctx.lang.problem(&p)))?;
    let actor = kasvu_store::Actor::user(user.id, &user.email);
    st.store
        .set_activity_status(&actor, user.org_id, id, status)
        .await?;
    Ok(Redirect::to("/activities/manage?saved=1").into_response())
}

#[derive(Deserialize)]
pub struct GuidanceForm {
    pub guidance_phone: String,
    #[serde(default)]
    pub guidance_hours_fi: String,
    #[serde(default)]
    pub guidance_hours_sv: String,
    #[serde(default)]
    pub guidance_hours_en: String,
}

/// The family social work guidance number: those who edit the tree at the
/// organisation.
pub async fn set_guidance(
    State(st): State<AppState>,
    SignedIn(user): SignedIn,
    Checked(axum::Form(f)): Checked<axum::Form<GuidanceForm>>,
) -> PageResult {
    let tree = st.store.org_tree(user.org_id).await?;
    if !approves_at(&tree, &user, user.org_id) {
        return Err(AppError::Forbidden);
    }
    let s = PublicSettings {
        guidance_phone: f.guidance_phone,
        guidance_hours: Names {
            fi: f.guidance_hours_fi,
            sv: f.guidance_hours_sv,
            en: f.guidance_hours_en,
        },
    };
    let actor = kasvu_store::Actor::user(user.id, &user.email);
    st.store
        .set_public_settings(&actor, user.org_id, &s)
        .await
        .map_err(|e| refused(Labels::Form("guidance".into()), e))?;
    Ok(Redirect::to("/activities/manage?saved=1").into_response())
}

/// Message ids of the form's fields, named in refusals.
#[cfg(test)]
pub fn dynamic_message_ids() -> Vec<String> {
    [
        "kind",
        "category",
        "name",
        "description",
        "signup",
        "price",
        "is-free",
        "min-age",
        "max-age",
        "languages",
        "keywords",
        "equipment-lent",
        "organiser",
        "place",
        "location",
        "area",
        "season-start",
        "season-end",
        "slots",
        "dates",
        "cancellations",
        "weekday",
        "starts",
        "ends",
        "ends-on",
        "on",
        "note",
        "times",
        "info-url",
        "source-id",
        "provider",
    ]
    .iter()
    .map(|f| format!("activity-{f}"))
    .chain([
        "guidance-guidance-phone".to_owned(),
        "guidance-guidance-hours".to_owned(),
        "break-first".to_owned(),
        "break-last".to_owned(),
        "break-name".to_owned(),
    ])
    .collect()
}
