//! Calendar feeds of a team's meetings and of one's own, for any calendar
//! client (a private token in the address instead of a session).

use super::team::team_access;
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::responses::ics_response;
use crate::AppState;
use axum::extract::{Path, Query, State};
use kasvu_core::MeetingState;
use kasvu_store::{Meeting, Team};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct TokenQuery {
    pub token: Option<String>,
}

pub(super) fn ics_events(team: &Team, meetings: &[Meeting]) -> Vec<kasvu_io::ics::IcsEvent> {
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
    // Each meeting lists what the person promised to do by it (the one
    // rule of kasvu_core::team::due_meeting decides where it is due).
    let mine = st.store.user_commitments(user_id, true).await?;
    let mut events = Vec::new();
    for t in st.store.teams_of_user(user_id).await? {
        let meetings = st.store.meetings(t.id).await?;
        for (mut e, m) in ics_events(&t, &meetings).into_iter().zip(&meetings) {
            let due: Vec<String> = mine
                .iter()
                .filter(|c| c.due_meeting_id == Some(m.id))
                .map(|c| format!("- {}", c.text))
                .collect();
            if !due.is_empty() {
                if !e.description.is_empty() {
                    e.description.push_str("\n\n");
                }
                e.description.push_str(&ctx.t("commitment-due-in-calendar"));
                e.description.push('\n');
                e.description.push_str(&due.join("\n"));
            }
            events.push(e);
        }
    }
    Ok(ics_response(kasvu_io::ics::calendar("Kasvu", &events)))
}
