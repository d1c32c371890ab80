//! A meeting: agenda, minutes, attendance, decisions, recorded by those who
//! run the team's meetings; internal parts only for members and admins.

use super::team::{actor, bad, team_access, TeamAccess};
use super::team_page::{commitment_row, saved_text, CommitmentRow};
use crate::support::ctx::Ctx;
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::format::date_label;
use crate::support::forms::Checked;
use crate::support::forms::SavedQuery;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::{AgendaLink, CommitmentStatus, MeetingState, Problem};
use kasvu_store::{Commitment, Meeting, MeetingRecord, Team};
use serde::Deserialize;

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
    /// Members (and, for those who run the meeting, guests as
    /// `guest:{id}`) the viewer may record a commitment for: (value, name).
    pub commit_for: Vec<(String, String)>,
    /// The team's guests: (id, name, present).
    pub guests: Vec<(i64, String, bool)>,
    /// What may be e-mailed to the guests now: `agenda` or `minutes`.
    pub guest_mail: Option<&'static str>,
    /// Whether an SMTP server is configured.
    pub mail_ready: bool,
    /// Things an agenda item may point at: (value, label).
    pub link_choices: Vec<(String, String)>,
    pub saved: Option<String>,
    pub states: Vec<(String, String)>,
    pub outcomes: Vec<(String, String)>,
    pub review_meeting: String,
    pub review_back: String,
}

pub(super) async fn meeting_for(
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
pub(super) async fn agenda_link(
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
                    crate::support::ctx::url_encode(r),
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
    // Due here (kasvu_core::team::due_meeting), or reviewed here.
    let due = all
        .iter()
        .filter(|c| {
            (c.status == CommitmentStatus::Open && c.due_meeting_id == Some(m.id))
                || c.closed_meeting_id == Some(m.id)
                || c.reviews.iter().any(|r| r.meeting_id == Some(m.id))
        })
        .map(row)
        .collect();
    let made = all
        .iter()
        .filter(|c| c.made_meeting_id == Some(m.id))
        .map(row)
        .collect();
    let guests = st.store.guests(m.team_id).await?;
    let mut commit_for: Vec<(String, String)> = members
        .iter()
        .filter(|mb| acc.runs || mb.user_id == acc.user.id)
        .map(|mb| (mb.user_id.to_string(), mb.name.clone()))
        .collect();
    if acc.runs && acc.role.is_some() {
        commit_for.extend(guests.iter().map(|g| {
            (
                format!("guest:{}", g.id),
                format!("{} ({})", g.name, ctx.t("guest-tag")),
            )
        }));
    }
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
        when: format!("{} {}", date_label(ctx.lang, m.on), m.start),
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
        guests: guests
            .iter()
            .map(|g| (g.id, g.name.clone(), m.guest_attendance.contains(&g.id)))
            .collect(),
        guest_mail: match m.state {
            _ if guests.is_empty() || !acc.runs => None,
            MeetingState::Planned => Some("agenda"),
            MeetingState::Held => Some("minutes"),
            MeetingState::Cancelled => None,
        },
        mail_ready: st.config.mailer.is_some(),
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

pub(super) fn outcomes(ctx: &Ctx) -> Vec<(String, String)> {
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
    Checked(Form(f)): Checked<Form<AgendaForm>>,
) -> PageResult {
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
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/meetings/{id}?saved=agenda#agenda")).into_response())
}

/// The record form: state, minutes and who was there (`present` repeats).
pub async fn record_meeting(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(axum_extra::extract::Form(f)): Checked<axum_extra::extract::Form<RecordForm>>,
) -> PageResult {
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
    let guests = f
        .guest_present
        .iter()
        .map(|s| s.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            bad(
                &ctx,
                "guests",
                &Problem::new("err-not-guest", "not a guest of the team"),
            )
        })?;
    st.store
        .record_meeting_with_guests(
            &actor(&acc.user),
            m.id,
            &MeetingRecord {
                state,
                minutes: f.minutes.clone(),
                attendance,
            },
            Some(&guests),
        )
        .await
        .map_err(|e| refused(Labels::Team, e))?;
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
    /// Guests present (guest ids).
    pub guest_present: Vec<String>,
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
    Checked(Form(f)): Checked<Form<DecisionForm>>,
) -> PageResult {
    let (m, acc) = meeting_for(&st, &ctx, id).await?;
    if !acc.runs {
        return Err(AppError::Forbidden);
    }
    st.store
        .add_decision(&actor(&acc.user), m.id, &f.text)
        .await
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/meetings/{id}?saved=decision#decisions")).into_response())
}
