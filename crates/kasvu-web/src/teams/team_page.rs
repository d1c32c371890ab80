//! One team's page: members, the sectors at the table, meetings, open
//! commitments; changes to the team and planning its next meeting.

use super::team::{
    actor, bad, parse_int, parse_schedule, schedule_text, team_access, weeks, TeamForm,
};
use crate::support::ctx::Ctx;
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::format::date_label;
use crate::support::forms::SavedQuery;
use crate::support::forms::{Checked, TokenOnly};
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::team::{age_days, missing_sectors};
use kasvu_core::{
    format_date, parse_date, ClockTime, MeetingState, MemberRole, Problem, Schedule, Sector,
    TeamKind,
};
use kasvu_store::{Commitment, Meeting, MeetingSpec, Member, TeamSpec};
use serde::Deserialize;

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
    /// The day of the meeting where it is due (open ones).
    pub due: String,
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
        made_on: date_label(ctx.lang, c.made_on),
        due: date_label(ctx.lang, c.due_on),
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
                    date_label(ctx.lang, r.on),
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
    /// Partners at the table without an account.
    pub guests: Vec<super::guests::GuestRow>,
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

pub(super) fn saved_text(ctx: &Ctx, saved: Option<&str>) -> Option<String> {
    saved
        .filter(|s| s.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
        .map(|s| ctx.t(&format!("team-saved-{s}")))
}

pub(crate) fn meeting_row(ctx: &Ctx, m: &Meeting) -> MeetingRow {
    MeetingRow {
        id: m.id,
        when: format!("{} {}", date_label(ctx.lang, m.on), m.start),
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
    let guests = st.store.guests(t.id).await?;
    let orgs = st.store.organisations().await?;
    let org_name = |org_id: i64| {
        orgs.iter()
            .find(|o| o.org_id == org_id)
            .map(|o| ctx.name(&o.names).to_owned())
            .unwrap_or_default()
    };
    let present: Vec<Sector> = {
        // Guests bring their sector to the table too (Kela, a parish).
        let mut s: Vec<Sector> = members
            .iter()
            .map(|m| m.sector)
            .chain(guests.iter().map(|g| g.sector))
            .collect();
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
        guests: guests
            .iter()
            .map(|g| super::guests::guest_row(&ctx, g, acc.runs))
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

pub(super) fn member_row(ctx: &Ctx, m: &Member, organisation: String) -> MemberRow {
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
    Checked(Form(f)): Checked<Form<TeamForm>>,
) -> PageResult {
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
        .map_err(|e| refused(Labels::Team, e))?;
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
    Checked(Form(f)): Checked<Form<MemberForm>>,
) -> PageResult {
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
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/teams/{id}?saved=member#members")).into_response())
}

pub async fn remove_member(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, user_id)): Path<(i64, i64)>,
    _: Checked<TokenOnly>,
) -> PageResult {
    let acc = team_access(&st, &ctx, id).await?;
    if !acc.manages {
        return Err(AppError::Forbidden);
    }
    st.store
        .remove_member(&actor(&acc.user), id, user_id)
        .await
        .map_err(|e| refused(Labels::Team, e))?;
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
    Checked(Form(f)): Checked<Form<PlanMeetingForm>>,
) -> PageResult {
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
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/meetings/{mid}?saved=planned")).into_response())
}
