//! The leadership team as a situation room (seed 003): teams and their
//! members with the sectors at the table, meetings with agenda, minutes,
//! attendance and decisions, personal commitments reviewed at the next
//! meeting, the situation-room page, "my commitments", and calendar feeds.
//!
//! Who sees what: a team is seen by the signed-in people of its
//! organisation (and of the organisations in a learning network); its
//! minutes only by its members and the organisation's admins. Teams are set
//! up by roles that manage teams at the team's unit; meetings are run by
//! those and by the team's chair and secretary; a member records and
//! reviews their own commitments.

use crate::ctx::Ctx;
use crate::error::{AppError, PageResult};
use crate::pages::today;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use kasvu_core::role::permits;
use kasvu_core::team::{age_days, may_handle_commitment, may_run_meetings, missing_sectors};
use kasvu_core::{
    format_date, parse_date, Action, AgendaLink, ClockTime, CommitmentStatus, Level, MeetingState,
    MemberRole, Problem, Role, Schedule, Sector, TeamKind,
};
use kasvu_store::{
    Actor, Commitment, Meeting, MeetingRecord, MeetingSpec, Member, StoreError, Team, TeamSpec,
    User,
};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What the signed-in viewer may do with a team.
pub(crate) struct TeamAccess {
    pub team: Team,
    pub user: User,
    pub role: Option<MemberRole>,
    /// Sets the team up (members, schedule): ManageTeams at its unit.
    pub manages: bool,
    /// Runs its meetings: chair, secretary, or `manages`.
    pub runs: bool,
    /// Sees internal minutes: members and the organisation's admins.
    pub internal: bool,
}

impl TeamAccess {
    /// Whether the viewer may record or review this commitment.
    pub fn may_handle(&self, c: &Commitment) -> bool {
        may_handle_commitment(c.user_id == self.user.id, self.role, self.runs)
    }

    /// The commitments as rows, with review forms where the viewer may review.
    pub fn rows(&self, ctx: &Ctx, list: &[Commitment]) -> Vec<CommitmentRow> {
        list.iter()
            .map(|c| commitment_row(ctx, c, self.may_handle(c)))
            .collect()
    }
}

pub(crate) async fn team_access(
    st: &AppState,
    ctx: &Ctx,
    team_id: i64,
) -> Result<TeamAccess, AppError> {
    team_access_for(st, ctx.require_user()?.clone(), team_id).await
}

/// [`team_access`] for a user from the API.
pub(crate) async fn team_access_for(
    st: &AppState,
    user: User,
    team_id: i64,
) -> Result<TeamAccess, AppError> {
    let team = st.store.team(team_id).await?.ok_or(AppError::NotFound)?;
    let role = st.store.member_role(team.id, user.id).await?;
    let orgs = st.store.team_org_ids(&team).await?;
    if role.is_none() && !orgs.contains(&user.org_id) {
        // Another organisation's team does not exist for this viewer.
        return Err(AppError::NotFound);
    }
    let manages = user.org_id == team.org_id && {
        let tree = st.store.org_tree(user.org_id).await?;
        permits(
            &user.assignments(),
            &tree,
            Action::ManageTeams,
            team.unit_id,
        )
    };
    let internal = role.is_some() || (user.org_id == team.org_id && user.has_role(Role::Admin));
    Ok(TeamAccess {
        runs: may_run_meetings(role, manages),
        team,
        user,
        role,
        manages,
        internal,
    })
}

fn actor(u: &User) -> Actor {
    Actor::user(u.id, &u.email)
}

/// A refusal from the store as a 400 page naming the field.
pub(crate) fn refused(ctx: &Ctx, e: StoreError) -> AppError {
    match e {
        StoreError::Invalid(f) | StoreError::Conflict(f) => AppError::BadRequest(format!(
            "{}: {}",
            ctx.t(&format!("team-field-{}", field_key(&f.field))),
            ctx.lang.problem(&f.problem)
        )),
        other => other.into(),
    }
}

/// The message-id part of a field name (`questions[2].options` → `questions`).
fn field_key(field: &str) -> String {
    field
        .split(['[', '.'])
        .next()
        .unwrap_or(field)
        .replace('_', "-")
}

/// A problem with a form field, before the store is asked.
fn bad(ctx: &Ctx, field: &str, p: &Problem) -> AppError {
    AppError::BadRequest(format!(
        "{}: {}",
        ctx.t(&format!("team-field-{}", field_key(field))),
        ctx.lang.problem(p)
    ))
}

pub(crate) fn weekday_name(ctx: &Ctx, w: time::Weekday) -> String {
    ctx.t(&format!("weekday-{}", w.number_from_monday()))
}

pub(crate) fn schedule_text(ctx: &Ctx, s: &Schedule) -> String {
    let week = if s.week < 0 {
        ctx.t("team-week-last")
    } else {
        ctx.t(&format!("team-week-{}", s.week))
    };
    ctx.lang.t_args(
        "team-schedule-text",
        &[
            (
                "rhythm",
                if s.every_months == 1 {
                    ctx.t("team-every-month")
                } else {
                    ctx.lang.t_args(
                        "team-every-n-months",
                        &[("months", s.every_months.to_string())],
                    )
                },
            ),
            ("week", week),
            ("weekday", weekday_name(ctx, s.weekday)),
            ("start", s.start.to_string()),
            ("minutes", s.duration_min.to_string()),
        ],
    )
}

pub(crate) fn date_text(d: time::Date) -> String {
    format!("{}.{}.{}", d.day(), u8::from(d.month()), d.year())
}

// ---------------------------------------------------------------- teams list

pub struct TeamRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub unit: String,
    pub mine: bool,
    pub next: String,
}

#[derive(Template)]
#[template(path = "teams.html")]
pub struct TeamsPage<'a> {
    pub ctx: &'a Ctx,
    pub teams: Vec<TeamRow>,
    /// Units where the viewer may set up a team: (code, name, level).
    pub units: Vec<(String, String, String)>,
    pub kinds: Vec<(String, String)>,
    pub weekdays: Vec<(u8, String)>,
    pub weeks: Vec<(i8, String)>,
    /// "2 open", when any.
    pub open_text: String,
}

/// The weeks of a month a schedule may name.
pub(crate) fn weeks(ctx: &Ctx) -> Vec<(i8, String)> {
    let mut w: Vec<(i8, String)> = (1..=4i8)
        .map(|n| (n, ctx.t(&format!("team-week-{n}"))))
        .collect();
    w.push((-1, ctx.t("team-week-last")));
    w
}

pub async fn teams(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.require_user()?.clone();
    let mine: Vec<i64> = st
        .store
        .teams_of_user(user.id)
        .await?
        .iter()
        .map(|t| t.id)
        .collect();
    let mut rows = Vec::new();
    let mut seen = Vec::new();
    let mut all = st.store.teams(user.org_id).await?;
    // Learning networks hosted elsewhere that the viewer is a member of.
    for t in st.store.teams_of_user(user.id).await? {
        if !all.iter().any(|a| a.id == t.id) {
            all.push(t);
        }
    }
    for t in all {
        if seen.contains(&t.id) {
            continue;
        }
        seen.push(t.id);
        let next = st
            .store
            .next_meeting(t.id, today())
            .await?
            .map(|m| format!("{} {}", date_text(m.on), m.start))
            .unwrap_or_default();
        rows.push(TeamRow {
            id: t.id,
            kind: ctx.t(&format!("team-kind-{}", t.kind.code())),
            unit: ctx.name(&t.unit_names).to_owned(),
            mine: mine.contains(&t.id),
            name: t.name,
            next,
        });
    }
    let tree = st.store.org_tree(user.org_id).await?;
    let a = user.assignments();
    let units = st
        .store
        .org_units(user.org_id)
        .await?
        .into_iter()
        .filter(|u| u.level != Level::Unit && !u.valid.ended_before(today()))
        .filter(|u| permits(&a, &tree, Action::ManageTeams, u.id))
        .map(|u| {
            (
                u.code.clone(),
                ctx.name(&u.names).to_owned(),
                ctx.level(&u.level),
            )
        })
        .collect();
    let page = TeamsPage {
        ctx: &ctx,
        teams: rows,
        units,
        kinds: TeamKind::ALL
            .iter()
            .map(|k| {
                (
                    k.code().to_owned(),
                    ctx.t(&format!("team-kind-{}", k.code())),
                )
            })
            .collect(),
        weekdays: (1..=7u8)
            .map(|n| (n, ctx.t(&format!("weekday-{n}"))))
            .collect(),
        weeks: weeks(&ctx),
        open_text: match st.store.user_commitments(user.id, true).await?.len() {
            0 => String::new(),
            n => ctx
                .lang
                .t_args("my-commitments-open-count", &[("count", n.to_string())]),
        },
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TeamForm {
    pub csrf: String,
    pub kind: String,
    pub unit: String,
    pub name: String,
    pub every_months: String,
    pub week: String,
    pub weekday: String,
    pub start: String,
    pub duration_min: String,
    pub location: String,
}

fn parse_int(ctx: &Ctx, field: &str, s: &str, default: i64) -> Result<i64, AppError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(default);
    }
    t.parse().map_err(|_| {
        bad(
            ctx,
            field,
            &Problem::new("err-number", "not a number").arg("value", t),
        )
    })
}

fn parse_schedule(ctx: &Ctx, f: &TeamForm) -> Result<Schedule, AppError> {
    let d = Schedule::default();
    Schedule::new(
        parse_int(
            ctx,
            "every_months",
            &f.every_months,
            i64::from(d.every_months),
        )?,
        parse_int(ctx, "week", &f.week, i64::from(d.week))?,
        parse_int(
            ctx,
            "weekday",
            &f.weekday,
            i64::from(d.weekday.number_from_monday()),
        )?,
        if f.start.trim().is_empty() {
            "14:00"
        } else {
            &f.start
        },
        parse_int(
            ctx,
            "duration_min",
            &f.duration_min,
            i64::from(d.duration_min),
        )?,
    )
    .map_err(|(field, p)| bad(ctx, field, &p))
}

pub async fn create_team(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<TeamForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let user = ctx.require_user()?.clone();
    let kind = TeamKind::parse(&f.kind).map_err(|p| bad(&ctx, "kind", &p))?;
    let unit = st
        .store
        .org_unit(f.unit.trim())
        .await?
        .filter(|u| u.org_id == user.org_id)
        .ok_or_else(|| {
            bad(
                &ctx,
                "unit",
                &Problem::new("err-unit-missing", "no such unit").arg("value", f.unit.trim()),
            )
        })?;
    let tree = st.store.org_tree(user.org_id).await?;
    if !permits(&user.assignments(), &tree, Action::ManageTeams, unit.id) {
        return Err(AppError::Forbidden);
    }
    let spec = TeamSpec {
        kind,
        unit_code: unit.code.clone(),
        name: f.name.clone(),
        schedule: parse_schedule(&ctx, &f)?,
        location: f.location.clone(),
        anchor_on: today(),
    };
    let team = st
        .store
        .create_team(&actor(&user), &spec)
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(Redirect::to(&format!("/teams/{}?saved=created", team.id)).into_response())
}

// ---------------------------------------------------------------- one team

pub struct MemberRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub sector: String,
    pub unit: String,
    pub organisation: String,
}

pub struct MeetingRow {
    pub id: i64,
    pub when: String,
    pub state: String,
    pub state_code: &'static str,
}

pub struct CommitmentRow {
    pub id: i64,
    pub member: String,
    pub text: String,
    pub made_on: String,
    /// "41 days"
    pub age: String,
    /// "carried over 2 times", when carried.
    pub carried_text: String,
    pub status: String,
    pub status_code: &'static str,
    pub note: String,
    pub team_id: i64,
    pub team: String,
    /// Whether the viewer may review it.
    pub may_review: bool,
    /// Its review history, as text.
    pub history: Vec<String>,
}

pub(crate) fn commitment_row(ctx: &Ctx, c: &Commitment, may_review: bool) -> CommitmentRow {
    CommitmentRow {
        id: c.id,
        member: c.user_name.clone(),
        text: c.text.clone(),
        made_on: date_text(c.made_on),
        age: ctx.lang.t_args(
            "commitment-age-days",
            &[("days", age_days(c.made_on, today()).to_string())],
        ),
        carried_text: if c.carried > 0 {
            ctx.lang.t_args(
                "commitment-carried-times",
                &[("count", c.carried.to_string())],
            )
        } else {
            String::new()
        },
        status: ctx.t(&format!("commitment-status-{}", c.status.code())),
        status_code: c.status.code(),
        note: c.note.clone(),
        team_id: c.team_id,
        team: c.team_name.clone(),
        may_review,
        history: c
            .reviews
            .iter()
            .map(|r| {
                let mut s = format!(
                    "{}: {}",
                    date_text(r.on),
                    ctx.t(&format!("commitment-status-{}", r.status.code()))
                );
                if r.carry {
                    s.push_str(&format!(" ({})", ctx.t("commitment-carried-over")));
                }
                if !r.note.is_empty() {
                    s.push_str(&format!(" – {}", r.note));
                }
                s
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "team.html")]
pub struct TeamPage<'a> {
    pub ctx: &'a Ctx,
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub unit_code: String,
    pub unit: String,
    pub schedule: String,
    pub location: String,
    pub members: Vec<MemberRow>,
    pub sectors_present: Vec<String>,
    pub sectors_missing: Vec<String>,
    pub multi_professional: bool,
    pub upcoming: Vec<MeetingRow>,
    pub past: Vec<MeetingRow>,
    pub commitments: Vec<CommitmentRow>,
    pub manages: bool,
    pub runs: bool,
    pub is_member: bool,
    pub saved: Option<String>,
    /// Candidates for membership: (user id, name and e-mail).
    pub people: Vec<(i64, String)>,
    pub roles: Vec<(String, String)>,
    pub sectors: Vec<(String, String)>,
    /// Units a member may represent: (code, name).
    pub member_units: Vec<(String, String)>,
    pub weekdays: Vec<(u8, String)>,
    pub weeks: Vec<(i8, String)>,
    pub form_schedule: Schedule,
    pub next_default: (String, String, i64),
    pub ical_url: String,
    pub is_network: bool,
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

fn saved_text(ctx: &Ctx, saved: Option<&str>) -> Option<String> {
    saved
        .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(|s| ctx.t(&format!("team-saved-{s}")))
}

pub(crate) fn meeting_row(ctx: &Ctx, m: &Meeting) -> MeetingRow {
    MeetingRow {
        id: m.id,
        when: format!("{} {}", date_text(m.on), m.start),
        state: ctx.t(&format!("meeting-state-{}", m.state.code())),
        state_code: m.state.code(),
    }
}

pub async fn team(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let acc = team_access(&st, &ctx, id).await?;
    let t = &acc.team;
    let members = st.store.members(t.id).await?;
    let orgs = st.store.organisations().await?;
    let org_name = |org_id: i64| {
        orgs.iter()
            .find(|o| o.org_id == org_id)
            .map(|o| ctx.name(&o.names).to_owned())
            .unwrap_or_default()
    };
    let present: Vec<Sector> = {
        let mut s: Vec<Sector> = members.iter().map(|m| m.sector).collect();
        s.sort();
        s.dedup();
        s
    };
    let meetings = st.store.meetings(t.id).await?;
    let now = today();
    let (upcoming, past): (Vec<&Meeting>, Vec<&Meeting>) = meetings
        .iter()
        .partition(|m| m.state == MeetingState::Planned && m.on >= now);
    let mut upcoming: Vec<MeetingRow> = upcoming.iter().map(|m| meeting_row(&ctx, m)).collect();
    upcoming.reverse();
    let commitments = acc.rows(&ctx, &st.store.team_commitments(t.id, true).await?);
    let people = if acc.manages {
        let mut people = Vec::new();
        for org in st.store.team_org_ids(t).await? {
            for u in st.store.users(org).await? {
                if !u.disabled && !members.iter().any(|m| m.user_id == u.id) {
                    people.push((u.id, format!("{} ({})", u.name, u.email)));
                }
            }
        }
        people
    } else {
        Vec::new()
    };
    let member_units = if acc.manages {
        st.store
            .org_units(t.org_id)
            .await?
            .into_iter()
            .filter(|u| !u.valid.ended_before(now))
            .map(|u| (u.code.clone(), ctx.name(&u.names).to_owned()))
            .collect()
    } else {
        Vec::new()
    };
    let last = meetings
        .iter()
        .filter(|m| m.state != MeetingState::Cancelled)
        .map(|m| m.on)
        .max()
        .unwrap_or(now)
        .max(now.previous_day().unwrap_or(now));
    let next_on = t.schedule.next_after(t.anchor_on, last);
    let page = TeamPage {
        ctx: &ctx,
        id: t.id,
        name: t.name.clone(),
        kind: ctx.t(&format!("team-kind-{}", t.kind.code())),
        unit_code: t.unit_code.clone(),
        unit: ctx.name(&t.unit_names).to_owned(),
        schedule: schedule_text(&ctx, &t.schedule),
        location: t.location.clone(),
        members: members
            .iter()
            .map(|m| member_row(&ctx, m, org_name(m.org_id)))
            .collect(),
        sectors_present: present.iter().map(|s| ctx.sector(s)).collect(),
        sectors_missing: missing_sectors(&present)
            .iter()
            .map(|s| ctx.sector(s))
            .collect(),
        multi_professional: t.kind.is_multi_professional(),
        upcoming,
        past: past.iter().map(|m| meeting_row(&ctx, m)).collect(),
        commitments,
        manages: acc.manages,
        runs: acc.runs,
        is_member: acc.role.is_some(),
        saved: saved_text(&ctx, q.saved.as_deref()),
        people,
        roles: MemberRole::ALL
            .iter()
            .map(|r| {
                (
                    r.code().to_owned(),
                    ctx.t(&format!("member-role-{}", r.code())),
                )
            })
            .collect(),
        sectors: Sector::ALL
            .iter()
            .map(|s| (s.code().to_owned(), ctx.sector(s)))
            .collect(),
        member_units,
        weekdays: (1..=7u8)
            .map(|n| (n, ctx.t(&format!("weekday-{n}"))))
            .collect(),
        weeks: weeks(&ctx),
        form_schedule: t.schedule,
        next_default: (
            format_date(next_on),
            t.schedule.start.to_string(),
            i64::from(t.schedule.duration_min),
        ),
        ical_url: format!("/teams/{}/calendar.ics?token={}", t.id, t.ical_token),
        is_network: t.kind == TeamKind::LearningNetwork,
    };
    Ok(Html(page.render()?).into_response())
}

fn member_row(ctx: &Ctx, m: &Member, organisation: String) -> MemberRow {
    MemberRow {
        user_id: m.user_id,
        name: m.name.clone(),
        email: m.email.clone(),
        role: ctx.t(&format!("member-role-{}", m.role.code())),
        sector: ctx.sector(&m.sector),
        unit: m
            .unit
            .as_ref()
            .map(|(_, n)| ctx.name(n).to_owned())
            .unwrap_or_default(),
        organisation,
    }
}

pub async fn update_team(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<TeamForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let acc = team_access(&st, &ctx, id).await?;
    if !acc.manages {
        return Err(AppError::Forbidden);
    }
    let spec = TeamSpec {
        kind: acc.team.kind,
        unit_code: acc.team.unit_code.clone(),
        name: f.name.clone(),
        schedule: parse_schedule(&ctx, &f)?,
        location: f.location.clone(),
        anchor_on: acc.team.anchor_on,
    };
    st.store
        .update_team(&actor(&acc.user), id, &spec)
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(Redirect::to(&format!("/teams/{id}?saved=team")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    pub csrf: String,
    pub user: String,
    pub role: String,
    pub sector: String,
    pub unit: String,
}

pub async fn add_member(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let acc = team_access(&st, &ctx, id).await?;
    if !acc.manages {
        return Err(AppError::Forbidden);
    }
    let user_id: i64 = f
        .user
        .trim()
        .parse()
        .map_err(|_| bad(&ctx, "user", &Problem::required()))?;
    let role = MemberRole::parse(&f.role).map_err(|p| bad(&ctx, "role", &p))?;
    let sector = match f.sector.trim() {
        "" => None,
        s => Some(Sector::parse(s).map_err(|p| bad(&ctx, "sector", &p))?),
    };
    st.store
        .set_member(
            &actor(&acc.user),
            id,
            user_id,
            role,
            sector,
            Some(f.unit.as_str()),
        )
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(Redirect::to(&format!("/teams/{id}?saved=member#members")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    pub csrf: String,
}

pub async fn remove_member(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, user_id)): Path<(i64, i64)>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let acc = team_access(&st, &ctx, id).await?;
    if !acc.manages {
        return Err(AppError::Forbidden);
    }
    st.store
        .remove_member(&actor(&acc.user), id, user_id)
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(Redirect::to(&format!("/teams/{id}?saved=member-removed#members")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PlanMeetingForm {
    pub csrf: String,
    pub on: String,
    pub start: String,
    pub duration_min: String,
    pub location: String,
}

pub async fn plan_meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<PlanMeetingForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let acc = team_access(&st, &ctx, id).await?;
    if !acc.runs {
        return Err(AppError::Forbidden);
    }
    let on = parse_date(&f.on)
        .map_err(|p| bad(&ctx, "on", &p))?
        .ok_or_else(|| bad(&ctx, "on", &Problem::required()))?;
    let start = ClockTime::parse(&f.start).map_err(|p| bad(&ctx, "start", &p))?;
    let duration_min = parse_int(
        &ctx,
        "duration_min",
        &f.duration_min,
        i64::from(acc.team.schedule.duration_min),
    )?;
    let mid = st
        .store
        .plan_meeting(
            &actor(&acc.user),
            id,
            &MeetingSpec {
                on,
                start,
                duration_min,
                location: if f.location.trim().is_empty() {
                    acc.team.location.clone()
                } else {
                    f.location.clone()
                },
            },
        )
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(Redirect::to(&format!("/meetings/{mid}?saved=planned")).into_response())
}

// ---------------------------------------------------------------- a meeting

pub struct AgendaRow {
    pub title: String,
    pub link: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "meeting.html")]
pub struct MeetingPage<'a> {
    pub ctx: &'a Ctx,
    pub team_id: i64,
    pub team: String,
    pub id: i64,
    pub when: String,
    pub duration_min: i64,
    pub location: String,
    pub state: String,
    pub state_code: &'static str,
    pub agenda: Vec<AgendaRow>,
    pub decisions: Vec<String>,
    pub minutes: Option<String>,
    /// (user id, name, present)
    pub attendance: Vec<(i64, String, bool)>,
    /// Open commitments due here (made before this meeting).
    pub due: Vec<CommitmentRow>,
    /// Commitments made at this meeting.
    pub made: Vec<CommitmentRow>,
    pub runs: bool,
    pub viewer_id: i64,
    /// Members the viewer may record a commitment for: (id, name).
    pub commit_for: Vec<(i64, String)>,
    /// Things an agenda item may point at: (value, label).
    pub link_choices: Vec<(String, String)>,
    pub saved: Option<String>,
    pub states: Vec<(String, String)>,
    pub outcomes: Vec<(String, String)>,
    pub review_meeting: String,
    pub review_back: String,
}

async fn meeting_for(
    st: &AppState,
    ctx: &Ctx,
    meeting_id: i64,
) -> Result<(Meeting, TeamAccess), AppError> {
    let m = st
        .store
        .meeting(meeting_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let acc = team_access(st, ctx, m.team_id).await?;
    Ok((m, acc))
}

/// Where an agenda item's link goes, and its label.
async fn agenda_link(
    st: &AppState,
    ctx: &Ctx,
    team: &Team,
    kind: AgendaLink,
    r: &str,
) -> Result<(String, String), AppError> {
    Ok(match kind {
        AgendaLink::Indicator => {
            let name = st
                .store
                .indicator(r)
                .await?
                .map(|i| ctx.name(&i.spec.names).to_owned())
                .unwrap_or_else(|| r.to_owned());
            (
                format!(
                    "/indicators/{}?unit={}",
                    crate::ctx::url_encode(r),
                    team.unit_code
                ),
                name,
            )
        }
        AgendaLink::Measure => {
            let id: i64 = r.parse().unwrap_or(-1);
            match st.store.measure_plan(id).await? {
                Some((plan_id, names)) => (
                    format!("/plans/{plan_id}#measure-{id}"),
                    ctx.name(&names).to_owned(),
                ),
                None => (String::new(), r.to_owned()),
            }
        }
        AgendaLink::Round => {
            let id: i64 = r.parse().unwrap_or(-1);
            let title = st
                .store
                .round(id)
                .await?
                .map(|x| x.title)
                .unwrap_or_else(|| r.to_owned());
            (format!("/feedback/{id}"), title)
        }
    })
}

pub async fn meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let (m, acc) = meeting_for(&st, &ctx, id).await?;
    let members = st.store.members(m.team_id).await?;
    let mut agenda = Vec::new();
    for a in &m.agenda {
        let link = match &a.link {
            Some((k, r)) => Some(agenda_link(&st, &ctx, &acc.team, *k, r).await?),
            None => None,
        };
        agenda.push(AgendaRow {
            title: a.title.clone(),
            link,
        });
    }
    let all = st.store.team_commitments(m.team_id, false).await?;
    let row = |c: &Commitment| commitment_row(&ctx, c, acc.may_handle(c));
    let due = all
        .iter()
        .filter(|c| {
            (c.status == CommitmentStatus::Open
                && c.made_on < m.on
                && c.made_meeting_id != Some(m.id))
                || c.closed_meeting_id == Some(m.id)
        })
        .map(row)
        .collect();
    let made = all
        .iter()
        .filter(|c| c.made_meeting_id == Some(m.id))
        .map(row)
        .collect();
    let commit_for = members
        .iter()
        .filter(|mb| acc.runs || mb.user_id == acc.user.id)
        .map(|mb| (mb.user_id, mb.name.clone()))
        .collect();
    let mut link_choices = Vec::new();
    if acc.runs {
        for ind in st.store.indicators().await?.iter() {
            link_choices.push((
                format!("indicator:{}", ind.spec.code),
                format!(
                    "{}: {}",
                    ctx.t("agenda-link-indicator"),
                    ctx.name(&ind.spec.names)
                ),
            ));
        }
        for om in st.store.open_measures(acc.team.org_id).await? {
            link_choices.push((
                format!("measure:{}", om.id),
                format!("{}: {}", ctx.t("agenda-link-measure"), ctx.name(&om.names)),
            ));
        }
        for r in st.store.rounds(acc.team.org_id).await? {
            link_choices.push((
                format!("round:{}", r.id),
                format!("{}: {}", ctx.t("agenda-link-round"), r.title),
            ));
        }
    }
    let page = MeetingPage {
        ctx: &ctx,
        team_id: acc.team.id,
        team: acc.team.name.clone(),
        id: m.id,
        when: format!("{} {}", date_text(m.on), m.start),
        duration_min: m.duration_min,
        location: m.location.clone(),
        state: ctx.t(&format!("meeting-state-{}", m.state.code())),
        state_code: m.state.code(),
        agenda,
        decisions: m.decisions.clone(),
        minutes: acc.internal.then(|| m.minutes.clone()),
        attendance: members
            .iter()
            .map(|mb| {
                (
                    mb.user_id,
                    mb.name.clone(),
                    m.attendance.contains(&mb.user_id),
                )
            })
            .collect(),
        due,
        made,
        runs: acc.runs,
        viewer_id: acc.user.id,
        commit_for,
        link_choices,
        saved: saved_text(&ctx, q.saved.as_deref()),
        states: MeetingState::ALL
            .iter()
            .map(|s| {
                (
                    s.code().to_owned(),
                    ctx.t(&format!("meeting-state-{}", s.code())),
                )
            })
            .collect(),
        outcomes: outcomes(&ctx),
        review_meeting: m.id.to_string(),
        review_back: format!("/meetings/{}", m.id),
    };
    Ok(Html(page.render()?).into_response())
}

fn outcomes(ctx: &Ctx) -> Vec<(String, String)> {
    CommitmentStatus::OUTCOMES
        .iter()
        .map(|s| {
            (
                s.code().to_owned(),
                ctx.t(&format!("commitment-status-{}", s.code())),
            )
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AgendaForm {
    pub csrf: String,
    pub title: String,
    pub link: String,
}

pub async fn add_agenda_item(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AgendaForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let (m, acc) = meeting_for(&st, &ctx, id).await?;
    if !acc.runs {
        return Err(AppError::Forbidden);
    }
    let link = match f.link.trim() {
        "" => None,
        l => {
            let (k, r) = l.split_once(':').ok_or_else(|| {
                bad(
                    &ctx,
                    "link",
                    &Problem::new("err-agenda-link", "no such link").arg("value", l),
                )
            })?;
            Some((
                AgendaLink::parse(k).map_err(|p| bad(&ctx, "link", &p))?,
                r.to_owned(),
            ))
        }
    };
    st.store
        .add_agenda_item(&actor(&acc.user), m.id, &f.title, link)
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(Redirect::to(&format!("/meetings/{id}?saved=agenda#agenda")).into_response())
}

/// The record form: state, minutes and who was there (`present` repeats).
pub async fn record_meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum_extra::extract::Form(f): axum_extra::extract::Form<RecordForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let (m, acc) = meeting_for(&st, &ctx, id).await?;
    if !acc.runs {
        return Err(AppError::Forbidden);
    }
    let state = MeetingState::parse(&f.state).map_err(|p| bad(&ctx, "state", &p))?;
    let attendance = f
        .present
        .iter()
        .map(|s| s.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            bad(
                &ctx,
                "attendance",
                &Problem::new("err-not-member", "not a member"),
            )
        })?;
    st.store
        .record_meeting(
            &actor(&acc.user),
            m.id,
            &MeetingRecord {
                state,
                minutes: f.minutes.clone(),
                attendance,
            },
        )
        .await
        .map_err(|e| refused(&ctx, e))?;
    if state == MeetingState::Held {
        // The next meeting is planned by the schedule once this one is held.
        st.store
            .ensure_next_meeting(
                &actor(&acc.user),
                acc.team.id,
                m.on.next_day().unwrap_or(m.on),
            )
            .await?;
    }
    Ok(Redirect::to(&format!("/meetings/{id}?saved=record")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RecordForm {
    pub csrf: String,
    pub state: String,
    pub minutes: String,
    pub present: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    pub csrf: String,
    pub text: String,
}

pub async fn add_decision(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<DecisionForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let (m, acc) = meeting_for(&st, &ctx, id).await?;
    if !acc.runs {
        return Err(AppError::Forbidden);
    }
    st.store
        .add_decision(&actor(&acc.user), m.id, &f.text)
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(Redirect::to(&format!("/meetings/{id}?saved=decision#decisions")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommitForm {
    pub csrf: String,
    pub member: String,
    pub text: String,
}

/// A member's promise, made at this meeting (due at the next one).
pub async fn make_commitment(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CommitForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let (m, acc) = meeting_for(&st, &ctx, id).await?;
    let owner: i64 = match f.member.trim() {
        "" => acc.user.id,
        s => s
            .parse()
            .map_err(|_| bad(&ctx, "user", &Problem::required()))?,
    };
    if !may_handle_commitment(owner == acc.user.id, acc.role, acc.runs) {
        return Err(AppError::Forbidden);
    }
    st.store
        .make_commitment(
            &actor(&acc.user),
            m.team_id,
            owner,
            &f.text,
            Some(m.id),
            m.on.max(today()),
        )
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(Redirect::to(&format!("/meetings/{id}?saved=commitment#made")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewForm {
    pub csrf: String,
    pub status: String,
    pub note: String,
    pub carry: String,
    pub meeting: String,
    pub back: String,
}

/// Marks a commitment done / partly / not done (optionally carried over).
pub async fn review_commitment(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ReviewForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
    let c = st.store.commitment(id).await?.ok_or(AppError::NotFound)?;
    let acc = team_access(&st, &ctx, c.team_id).await?;
    if !acc.may_handle(&c) {
        return Err(AppError::Forbidden);
    }
    let status = CommitmentStatus::parse(&f.status).map_err(|p| bad(&ctx, "status", &p))?;
    let meeting_id = match f.meeting.trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .map_err(|_| bad(&ctx, "meeting", &Problem::required()))?,
        ),
    };
    st.store
        .review_commitment(
            &actor(&acc.user),
            id,
            meeting_id,
            status,
            &f.note,
            !f.carry.is_empty(),
        )
        .await
        .map_err(|e| refused(&ctx, e))?;
    let back = crate::ctx::safe_next(Some(f.back.as_str()));
    let back = if back == "/" {
        "/my/commitments".to_owned()
    } else {
        back
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}saved=review")).into_response())
}

// ---------------------------------------------------------------- my commitments

#[derive(Template)]
#[template(path = "my_commitments.html")]
pub struct MyCommitmentsPage<'a> {
    pub ctx: &'a Ctx,
    pub open: Vec<(CommitmentRow, String, bool)>,
    pub closed: Vec<CommitmentRow>,
    pub teams: Vec<(i64, String, String)>,
    pub ical_url: String,
    pub saved: Option<String>,
    pub outcomes: Vec<(String, String)>,
    pub review_meeting: String,
    pub review_back: String,
}

/// Days before a meeting when its open commitments show as due soon.
pub const DUE_SOON_DAYS: i64 = 7;

pub async fn my_commitments(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let user = ctx.require_user()?.clone();
    let all = st.store.user_commitments(user.id, false).await?;
    let mut next_of: BTreeMap<i64, Option<Meeting>> = BTreeMap::new();
    let mut teams = Vec::new();
    for t in st.store.teams_of_user(user.id).await? {
        let next = st.store.next_meeting(t.id, today()).await?;
        teams.push((
            t.id,
            t.name.clone(),
            next.as_ref()
                .map(|m| format!("{} {}", date_text(m.on), m.start))
                .unwrap_or_else(|| ctx.t("team-no-meeting")),
        ));
        next_of.insert(t.id, next);
    }
    let mut open = Vec::new();
    let mut closed = Vec::new();
    for c in &all {
        let row = commitment_row(&ctx, c, true);
        if c.status == CommitmentStatus::Open {
            let next = next_of.get(&c.team_id).cloned().flatten();
            let (due, soon) = match next {
                Some(m) => (
                    format!("{} {}", date_text(m.on), m.start),
                    (m.on - today()).whole_days() <= DUE_SOON_DAYS,
                ),
                None => (ctx.t("team-no-meeting"), false),
            };
            open.push((row, due, soon));
        } else {
            closed.push(row);
        }
    }
    closed.reverse();
    let token = st.store.calendar_token(user.id).await?;
    let page = MyCommitmentsPage {
        ctx: &ctx,
        open,
        closed,
        teams,
        ical_url: format!("/my/calendar.ics?token={token}"),
        saved: saved_text(&ctx, q.saved.as_deref()),
        outcomes: outcomes(&ctx),
        review_meeting: String::new(),
        review_back: "/my/commitments".into(),
    };
    Ok(Html(page.render()?).into_response())
}

/// Every code that becomes part of a message id, for the catalogue test.
#[cfg(test)]
pub fn dynamic_message_ids() -> Vec<String> {
    use kasvu_core::{QuestionKind, TargetGroup};
    let mut ids = Vec::new();
    ids.extend(TeamKind::CODES.iter().map(|c| format!("team-kind-{c}")));
    ids.extend(
        kasvu_core::actor::Audience::CODES
            .iter()
            .map(|c| format!("audience-{c}")),
    );
    for f in [
        "code",
        "name",
        "sector",
        "unit",
        "offer",
        "languages",
        "opening-hours",
        "phone",
        "email",
        "website",
        "contact-person",
        "contact-phone",
        "contact-email",
        "confirmed-on",
        "areas",
    ] {
        ids.push(format!("actor-{f}"));
    }
    for s in ["confirmed", "proposed", "approved", "rejected"] {
        ids.push(format!("actor-saved-{s}"));
    }
    ids.extend(
        kasvu_core::project::ProjectState::CODES
            .iter()
            .map(|c| format!("project-state-{c}")),
    );
    ids.extend(MemberRole::CODES.iter().map(|c| format!("member-role-{c}")));
    ids.extend(
        MeetingState::CODES
            .iter()
            .map(|c| format!("meeting-state-{c}")),
    );
    ids.extend(
        CommitmentStatus::CODES
            .iter()
            .map(|c| format!("commitment-status-{c}")),
    );
    ids.extend(
        TargetGroup::CODES
            .iter()
            .map(|c| format!("target-group-{c}")),
    );
    ids.extend(
        QuestionKind::CODES
            .iter()
            .map(|c| format!("question-kind-{c}")),
    );
    ids.extend((1..=7).map(|n| format!("weekday-{n}")));
    ids.extend((1..=4).map(|n| format!("team-week-{n}")));
    ids.extend((1..=5).flat_map(|n| [format!("scale-{n}"), format!("smiley-{n}")]));
    // The network's knowledge: link sources, step kinds, result kinds,
    // the map form's fields and notices.
    ids.extend(
        kasvu_core::network::LinkSource::CODES
            .iter()
            .map(|c| format!("link-{}", c.replace('_', "-"))),
    );
    ids.extend(
        kasvu_core::path::StepKind::CODES
            .iter()
            .map(|c| format!("step-{c}")),
    );
    ids.extend(
        kasvu_core::search::SearchKind::CODES
            .iter()
            .map(|c| format!("search-kind-{c}")),
    );
    for f in [
        "from",
        "to",
        "kind",
        "note",
        "saved-linked",
        "saved-unlinked",
    ] {
        ids.push(format!("map-{f}"));
    }
    // Fields named in the refusals of the path, practice and project forms
    // (`crate::knowledge_forms::field_label`).
    for f in [
        "code",
        "need",
        "intro",
        "area",
        "steps",
        "kind",
        "what",
        "how",
        "actor",
        "staff-note",
    ] {
        ids.push(format!("path-{f}"));
    }
    for f in [
        "code",
        "name",
        "description",
        "target-group",
        "problem",
        "how-to",
        "resources",
        "evidence",
        "in-use",
        "units",
        "projects",
    ] {
        ids.push(format!("practice-{f}"));
    }
    for f in [
        "name",
        "cost-lines",
        "original-budget",
        "realised-costs",
        "funding",
        "external-funding",
        "start-on",
        "end-on",
        "links",
        "title",
        "url",
        "units",
        "actors",
        "plan-goals",
        "plan",
        "goal",
    ] {
        ids.push(format!("project-{f}"));
    }
    for s in ["upcoming", "open", "closed"] {
        ids.push(format!("round-state-{s}"));
        ids.push(format!("round-public-{s}"));
    }
    for s in [
        "created",
        "team",
        "member",
        "member-removed",
        "planned",
        "agenda",
        "record",
        "decision",
        "commitment",
        "review",
        "round",
        "response",
        "shares",
        "participant",
    ] {
        ids.push(format!("team-saved-{s}"));
    }
    // Fields the store names in its refusals.
    for f in [
        "kind",
        "unit",
        "name",
        "location",
        "user",
        "sector",
        "duration_min",
        "attendance",
        "minutes",
        "title",
        "link",
        "decision",
        "text",
        "meeting",
        "status",
        "note",
        "intro",
        "opens_on",
        "closes_on",
        "questions",
        "team_id",
        "round",
        "nonce",
        "answers",
        "question",
        "response",
        "team",
        "org",
        "units",
        "indicators",
        "every_months",
        "week",
        "weekday",
        "start",
        "on",
    ] {
        ids.push(format!("team-field-{}", field_key(f)));
    }
    ids.extend(
        [
            "team-schedule-text",
            "team-every-month",
            "team-every-n-months",
            "my-commitments-open-count",
            "commitment-age-days",
            "commitment-carried-times",
            "round-chart-desc",
        ]
        .map(String::from),
    );
    ids
}

// ---------------------------------------------------------------- calendar feeds

#[derive(Deserialize, Default)]
pub struct TokenQuery {
    pub token: Option<String>,
}

fn ics_events(team: &Team, meetings: &[Meeting]) -> Vec<kasvu_io::ics::IcsEvent> {
    let stamp = time::OffsetDateTime::now_utc().unix_timestamp();
    meetings
        .iter()
        .map(|m| kasvu_io::ics::IcsEvent {
            uid: format!("meeting-{}@kasvu", m.id),
            on: m.on,
            start: m.start,
            duration_min: m.duration_min,
            summary: team.name.clone(),
            description: m
                .agenda
                .iter()
                .enumerate()
                .map(|(i, a)| format!("{}. {}", i + 1, a.title))
                .collect::<Vec<_>>()
                .join("\n"),
            location: m.location.clone(),
            cancelled: m.state == MeetingState::Cancelled,
            stamp,
        })
        .collect()
}

pub(crate) fn ics_response(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// A team's meetings as iCalendar: for a signed-in viewer of the team, or
/// with the team's feed secret (calendar apps cannot sign in).
pub async fn team_calendar(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<TokenQuery>,
) -> PageResult {
    let team = match q.token.as_deref() {
        Some(tok) => st
            .store
            .team_by_ical_token(tok)
            .await?
            .filter(|t| t.id == id)
            .ok_or(AppError::NotFound)?,
        None => team_access(&st, &ctx, id).await?.team,
    };
    let meetings = st.store.meetings(team.id).await?;
    Ok(ics_response(kasvu_io::ics::calendar(
        &team.name,
        &ics_events(&team, &meetings),
    )))
}

/// A person's meetings across their teams, with their feed secret.
pub async fn my_calendar(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TokenQuery>,
) -> PageResult {
    let user_id = match q.token.as_deref() {
        Some(tok) => st
            .store
            .user_by_calendar_token(tok)
            .await?
            .ok_or(AppError::NotFound)?,
        None => ctx.require_user()?.id,
    };
    let mut events = Vec::new();
    for t in st.store.teams_of_user(user_id).await? {
        let meetings = st.store.meetings(t.id).await?;
        events.extend(ics_events(&t, &meetings));
    }
    Ok(ics_response(kasvu_io::ics::calendar("Kasvu", &events)))
}
