//! Teams (leadership teams, the steering group, learning networks), their
//! members, meetings with agenda, minutes, attendance and decisions, and the
//! members' personal commitments with their reviews. Who may do what is
//! decided by the caller with [`kasvu_core::team`]; the store keeps the data
//! whole: a commitment belongs to a member, a meeting to its team, and a
//! team's members to its organisation (a learning network's also to its
//! participating organisations). Every change is audited.

use crate::support::audit::audit_change as audit;
use crate::support::credentials::random_token;
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::team::{parse_text, MAX_TEXT};
use kasvu_core::{
    format_date, AgendaLink, ClockTime, CommitmentStatus, Level, MeetingState, MemberRole, Names,
    Problem, Schedule, Sector, TeamKind,
};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;

/// What a team is, as set up by whoever manages teams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamSpec {
    pub kind: TeamKind,
    /// The cluster, area or organisation the team is for.
    pub unit_code: String,
    pub name: String,
    pub schedule: Schedule,
    pub location: String,
    /// The month the schedule counts from (every n months).
    pub anchor_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: i64,
    pub org_id: i64,
    pub kind: TeamKind,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_names: Names,
    pub name: String,
    pub schedule: Schedule,
    pub location: String,
    pub anchor_on: Date,
    /// The secret part of the team's calendar feed URL.
    pub ical_token: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    pub org_id: i64,
    pub name: String,
    pub email: String,
    pub role: MemberRole,
    pub sector: Sector,
    /// The unit the member represents: (code, names).
    pub unit: Option<(String, Names)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItem {
    pub id: i64,
    pub title: String,
    pub link: Option<(AgendaLink, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: i64,
    pub team_id: i64,
    pub on: Date,
    pub start: ClockTime,
    pub duration_min: i64,
    pub location: String,
    pub state: MeetingState,
    /// Internal: shown only to the team and admins.
    pub minutes: String,
    pub attendance: Vec<i64>,
    /// Guests present (guest ids).
    pub guest_attendance: Vec<i64>,
    pub agenda: Vec<AgendaItem>,
    pub decisions: Vec<String>,
}

/// When and where a meeting is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingSpec {
    pub on: Date,
    pub start: ClockTime,
    pub duration_min: i64,
    pub location: String,
}

/// What is recorded of a meeting once it is held (or cancelled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    pub state: MeetingState,
    pub minutes: String,
    /// Members present (user ids); each must be a member.
    pub attendance: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub meeting_id: Option<i64>,
    pub on: Date,
    pub status: CommitmentStatus,
    pub note: String,
    pub carry: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub user_id: i64,
    pub user_name: String,
    /// A guest's commitment (then `user_id` is the member who recorded it
    /// and `user_name` the guest's name).
    pub guest_id: Option<i64>,
    pub made_meeting_id: Option<i64>,
    /// The day it was recorded.
    pub made_on: Date,
    /// It is due at the first meeting after this day (the meeting it was
    /// made at, or where it was last carried over).
    pub due_after: Date,
    /// The day of the meeting where it is due (kasvu_core::team::due_meeting).
    pub due_on: Date,
    /// That meeting, or `None` when it is not planned yet.
    pub due_meeting_id: Option<i64>,
    pub text: String,
    pub status: CommitmentStatus,
    /// How many meetings it has been carried over.
    pub carried: i64,
    pub closed_meeting_id: Option<i64>,
    pub note: String,
    pub reviews: Vec<Review>,
}

/// An organisation taking part in a learning network: the units it brings
/// and the indicators it agreed to share with the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub org_id: i64,
    pub org_code: String,
    pub org_names: Names,
    /// (id, code, names) of the units compared.
    pub units: Vec<(i64, String, Names)>,
    /// Indicator codes shared.
    pub shared: Vec<String>,
}

/// The longest team name and meeting location.
pub const MAX_NAME: usize = 200;
/// The longest minutes.
pub const MAX_MINUTES: usize = 50_000;

use crate::support::db::stored_date as date_of;
pub use forums::{AnswerSpec, ForumProposal, ProposalSpec};

mod backbone;
mod events;
pub use backbone::{ActionSpec, Bulletin, BulletinSpec, TeamAction};
pub use events::{EventParticipant, EventParticipantSpec, EventSpec, TeamEvent};
mod calendar;
mod commitments;
mod guests;
pub use guests::{Guest, GuestMail, GuestSpec, MAX_GUESTS};
mod forums;
mod meetings;
mod membership;
mod reminders;
mod search_docs;
mod shares;

fn check_location(s: &str) -> Result<String> {
    let t = s.trim();
    if t.chars().count() > MAX_NAME {
        return Err(StoreError::invalid("location", Problem::too_long(MAX_NAME)));
    }
    Ok(t.to_owned())
}

const SELECT_TEAMS: &str = "SELECT t.id, t.org_id, t.kind, t.unit_id, u.code, u.name_fi, u.name_sv, u.name_en, \
     t.name, t.every_months, t.week, t.weekday, t.start_time, t.duration_min, t.location, t.anchor_on, t.ical_token \
     FROM teams t JOIN org_units u ON u.id = t.unit_id";

fn team_of(r: &AnyRow) -> Result<Team> {
    let kind: String = r.try_get("kind")?;
    let schedule = Schedule::new(
        r.try_get("every_months")?,
        r.try_get("week")?,
        r.try_get("weekday")?,
        &r.try_get::<String, _>("start_time")?,
        r.try_get("duration_min")?,
    )
    .map_err(|(f, p)| StoreError::corrupt(f, p))?;
    Ok(Team {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        kind: TeamKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
        unit_id: r.try_get("unit_id")?,
        unit_code: r.try_get("code")?,
        unit_names: crate::support::db::names_of(r, "name")?,
        name: r.try_get("name")?,
        schedule,
        location: r.try_get("location")?,
        anchor_on: date_of(&r.try_get::<String, _>("anchor_on")?)?,
        ical_token: r.try_get("ical_token")?,
    })
}

async fn team_in(conn: &mut AnyConnection, id: i64) -> Result<Team> {
    let row = sqlx::query(&format!("{SELECT_TEAMS} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("team {id}")))?;
    team_of(&row)
}

/// The unit a team is for: (id, org_id), checked against the team's kind.
async fn team_unit(conn: &mut AnyConnection, kind: TeamKind, code: &str) -> Result<(i64, i64)> {
    let row = sqlx::query("SELECT id, org_id, level FROM org_units WHERE lower(code) = $1")
        .bind(kasvu_core::code_key(code))
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| {
            StoreError::invalid(
                "unit",
                Problem::new("err-unit-missing", format!("there is no org unit '{code}'"))
                    .arg("value", code),
            )
        })?;
    let level: String = row.try_get("level")?;
    let level = Level::parse(&level).map_err(|p| StoreError::corrupt("level", p))?;
    kind.check_scope(level)
        .map_err(|p| StoreError::invalid("unit", p))?;
    Ok((row.try_get("id")?, row.try_get("org_id")?))
}

fn check_spec(spec: &TeamSpec) -> Result<(String, String)> {
    let name = parse_text(&spec.name, MAX_NAME).map_err(|p| StoreError::invalid("name", p))?;
    Ok((name, check_location(&spec.location)?))
}

fn team_snapshot(t: &TeamSpec) -> serde_json::Value {
    json!({
        "kind": t.kind.code(), "unit": t.unit_code, "name": t.name.trim(),
        "every_months": t.schedule.every_months, "week": t.schedule.week,
        "weekday": t.schedule.weekday.number_from_monday(),
        "start": t.schedule.start.to_string(), "duration_min": t.schedule.duration_min,
        "location": t.location.trim(), "anchor_on": format_date(t.anchor_on),
    })
}

async fn member_role_in(
    conn: &mut AnyConnection,
    team_id: i64,
    user_id: i64,
) -> Result<Option<MemberRole>> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT member_role FROM team_members WHERE team_id = $1 AND user_id = $2",
    )
    .bind(team_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    role.map(|r| MemberRole::parse(&r).map_err(|p| StoreError::corrupt("member_role", p)))
        .transpose()
}

async fn meeting_team(conn: &mut AnyConnection, meeting_id: i64) -> Result<(Team, MeetingState)> {
    let row = sqlx::query("SELECT team_id, state FROM meetings WHERE id = $1")
        .bind(meeting_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("meeting {meeting_id}")))?;
    let state: String = row.try_get("state")?;
    Ok((
        team_in(conn, row.try_get("team_id")?).await?,
        MeetingState::parse(&state).map_err(|p| StoreError::corrupt("state", p))?,
    ))
}
