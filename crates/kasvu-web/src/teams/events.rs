//! A team's seminars, workshops and trainings: announcing one, its page
//! with registration (the staff register themselves; the organiser adds
//! partners without an account), attendance ticked by the organiser, and
//! turnout by sector — the network's reach across professions. Names of
//! participants are shown only to those who run the team's meetings and to
//! each person their own registration.

use super::backbone::{bad, day, event_row, labels, running, EventRow};
use super::team::{actor, team_access};
use crate::support::ctx::Ctx;
use crate::support::error::{refused, AppError, PageResult};
use crate::support::forms::{Checked, SavedQuery, TokenOnly};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::backbone::turnout_by_sector;
use kasvu_core::{Problem, Sector};
use kasvu_store::{EventParticipantSpec, EventSpec, TeamEvent};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EventForm {
    pub csrf: String,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub held_on: String,
    pub starts_at: String,
    pub place: String,
    pub capacity: String,
}

pub async fn add_event(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(f)): Checked<Form<EventForm>>,
) -> PageResult {
    let acc = running(&st, &ctx, id).await?;
    let capacity = match f.capacity.trim() {
        "" => None,
        s => Some(s.parse::<i64>().map_err(|_| {
            bad(
                "capacity",
                Problem::new("err-capacity", "the capacity is from 1 to 1000")
                    .arg("max", kasvu_core::backbone::MAX_PARTICIPANTS.to_string()),
            )
        })?),
    };
    let spec = EventSpec {
        held_on: day("held_on", &f.held_on)?,
        kind: f.kind,
        title: f.title,
        description: f.description,
        starts_at: f.starts_at,
        place: f.place,
        capacity,
    };
    let event = st
        .store
        .add_team_event(&actor(&acc.user), id, &spec)
        .await
        .map_err(|e| refused(labels(), e))?;
    Ok(Redirect::to(&format!("/teams/{id}/events/{event}?saved=event")).into_response())
}

/// The event, checked to be the team's.
async fn team_event(st: &AppState, id: i64, event_id: i64) -> Result<TeamEvent, AppError> {
    match st.store.team_event(event_id).await? {
        Some(e) if e.team_id == id => Ok(e),
        _ => Err(AppError::NotFound),
    }
}

pub struct ParticipantRow {
    pub id: i64,
    pub name: String,
    pub organisation: String,
    pub sector: String,
    pub attended: bool,
    pub guest: bool,
}

pub struct TurnoutRow {
    pub sector: String,
    pub registered: usize,
    pub attended: usize,
}

#[derive(Template)]
#[template(path = "team_event.html")]
pub struct EventPage<'a> {
    pub ctx: &'a Ctx,
    pub id: i64,
    pub team: String,
    pub e: EventRow,
    pub description: String,
    pub runs: bool,
    /// The viewer's own registration.
    pub mine: Option<i64>,
    pub may_register: bool,
    /// Names: only for those who run the team's meetings.
    pub participants: Vec<ParticipantRow>,
    pub turnout: Vec<TurnoutRow>,
    pub total: TurnoutRow,
    pub sectors: Vec<(&'static str, String)>,
    pub organisation: String,
    pub saved: Option<String>,
}

pub async fn event_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, event_id)): Path<(i64, i64)>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let acc = team_access(&st, &ctx, id).await?;
    let event = team_event(&st, id, event_id).await?;
    let people = st.store.event_participants(event_id).await?;
    let mine = people
        .iter()
        .find(|p| p.user_id == Some(acc.user.id))
        .map(|p| p.id);
    let (by, total) = turnout_by_sector(people.iter().map(|p| (p.sector, p.attended)));
    let organisation = match st.store.org_unit_by_id(acc.user.org_id).await? {
        Some(u) => ctx.name(&u.names).to_owned(),
        None => String::new(),
    };
    let capacity = event.capacity.and_then(|c| u32::try_from(c).ok());
    let page = EventPage {
        id,
        team: acc.team.name.clone(),
        description: event.description.clone(),
        runs: acc.runs,
        mine,
        may_register: mine.is_none()
            && !event.cancelled
            && event.held_on >= crate::support::today()
            && kasvu_core::backbone::has_room(capacity, people.len()),
        participants: if acc.runs {
            people
                .iter()
                .map(|p| ParticipantRow {
                    id: p.id,
                    name: p.name.clone(),
                    organisation: p.organisation.clone(),
                    sector: ctx.sector(&p.sector),
                    attended: p.attended,
                    guest: p.user_id.is_none(),
                })
                .collect()
        } else {
            Vec::new()
        },
        turnout: by
            .iter()
            .map(|(s, t)| TurnoutRow {
                sector: ctx.sector(s),
                registered: t.registered,
                attended: t.attended,
            })
            .collect(),
        total: TurnoutRow {
            sector: ctx.t("event-total"),
            registered: total.registered,
            attended: total.attended,
        },
        sectors: Sector::ALL
            .iter()
            .map(|s| (s.code(), ctx.sector(s)))
            .collect(),
        organisation,
        saved: q
            .saved
            .as_deref()
            .filter(|s| {
                [
                    "event",
                    "registered",
                    "unregistered",
                    "participant",
                    "attendance",
                    "cancelled",
                ]
                .contains(s)
            })
            .map(|s| ctx.t(&format!("event-saved-{s}"))),
        e: event_row(&ctx, &event),
        ctx: &ctx,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegisterForm {
    pub csrf: String,
    pub name: String,
    pub organisation: String,
    pub sector: String,
}

fn sector(f: &RegisterForm) -> Result<Sector, AppError> {
    match f.sector.trim() {
        "" => Err(bad("sector", Problem::required())),
        s => Sector::parse(s).map_err(|p| bad("sector", p)),
    }
}

/// The viewer registers themselves.
pub async fn register(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, event_id)): Path<(i64, i64)>,
    Checked(Form(f)): Checked<Form<RegisterForm>>,
) -> PageResult {
    let acc = team_access(&st, &ctx, id).await?;
    let event = team_event(&st, id, event_id).await?;
    if event.held_on < crate::support::today() {
        return Err(bad(
            "event",
            Problem::new("err-event-past", "the event has already been held"),
        ));
    }
    let spec = EventParticipantSpec {
        user_id: Some(acc.user.id),
        name: acc.user.name.clone(),
        organisation: f.organisation.clone(),
        sector: sector(&f)?,
    };
    st.store
        .register_for_event(&actor(&acc.user), event_id, &spec)
        .await
        .map_err(|e| refused(labels(), e))?;
    Ok(Redirect::to(&format!("/teams/{id}/events/{event_id}?saved=registered")).into_response())
}

/// The organiser adds a partner without an account.
pub async fn add_participant(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, event_id)): Path<(i64, i64)>,
    Checked(Form(f)): Checked<Form<RegisterForm>>,
) -> PageResult {
    let acc = running(&st, &ctx, id).await?;
    team_event(&st, id, event_id).await?;
    let spec = EventParticipantSpec {
        user_id: None,
        name: f.name.clone(),
        organisation: f.organisation.clone(),
        sector: sector(&f)?,
    };
    st.store
        .register_for_event(&actor(&acc.user), event_id, &spec)
        .await
        .map_err(|e| refused(labels(), e))?;
    Ok(Redirect::to(&format!(
        "/teams/{id}/events/{event_id}?saved=participant#participants"
    ))
    .into_response())
}

/// Takes a registration off: one's own, or anyone's by the organiser.
pub async fn unregister(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, event_id, participant)): Path<(i64, i64, i64)>,
    _: Checked<TokenOnly>,
) -> PageResult {
    let acc = team_access(&st, &ctx, id).await?;
    let event = team_event(&st, id, event_id).await?;
    let p = st
        .store
        .event_participants(event_id)
        .await?
        .into_iter()
        .find(|p| p.id == participant)
        .ok_or(AppError::NotFound)?;
    // One's own registration, until the event is held (then it is the
    // attendance record, the organiser's to correct).
    if !acc.runs && (p.user_id != Some(acc.user.id) || event.held_on < crate::support::today()) {
        return Err(AppError::Forbidden);
    }
    st.store
        .unregister_from_event(&actor(&acc.user), participant)
        .await?;
    Ok(Redirect::to(&format!("/teams/{id}/events/{event_id}?saved=unregistered")).into_response())
}

/// Attendance as ticked: `present` repeated, one participant id each.
pub async fn attendance(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, event_id)): Path<(i64, i64)>,
    Checked(axum_extra::extract::Form(f)): Checked<axum_extra::extract::Form<AttendanceForm>>,
) -> PageResult {
    let acc = running(&st, &ctx, id).await?;
    team_event(&st, id, event_id).await?;
    let present = f
        .present
        .iter()
        .map(|s| s.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            bad(
                "attended",
                Problem::new("err-not-participant", "not registered for this event"),
            )
        })?;
    st.store
        .set_event_attendance(&actor(&acc.user), event_id, &present)
        .await
        .map_err(|e| refused(labels(), e))?;
    Ok(Redirect::to(&format!(
        "/teams/{id}/events/{event_id}?saved=attendance#participants"
    ))
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AttendanceForm {
    pub csrf: String,
    pub present: Vec<String>,
}

pub async fn cancel(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, event_id)): Path<(i64, i64)>,
    _: Checked<TokenOnly>,
) -> PageResult {
    let acc = running(&st, &ctx, id).await?;
    team_event(&st, id, event_id).await?;
    st.store
        .cancel_team_event(&actor(&acc.user), event_id)
        .await?;
    Ok(Redirect::to(&format!("/teams/{id}/events/{event_id}?saved=cancelled")).into_response())
}
