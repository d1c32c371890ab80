//! Guests at a team's table (Kela, NGOs, parishes without a Kasvu account):
//! added, edited and removed by whoever runs the team's meetings, who alone
//! see their e-mail addresses; the agenda and the minutes e-mailed to them.

use super::meetings::meeting_for;
use super::team::{actor, bad, team_access};
use crate::support::ctx::Ctx;
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::forms::{Checked, TokenOnly};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use kasvu_core::{MeetingState, Problem, Sector};
use kasvu_io::mail::send_to_guests;
use kasvu_store::{Guest, GuestMail, GuestSpec};
use serde::Deserialize;

/// A guest in the team's member list.
pub struct GuestRow {
    pub id: i64,
    pub name: String,
    pub organisation: String,
    pub sector: String,
    pub sector_code: &'static str,
    /// Only for those who run the team's meetings (personal data).
    pub email: Option<String>,
}

pub(super) fn guest_row(ctx: &Ctx, g: &Guest, runs: bool) -> GuestRow {
    GuestRow {
        id: g.id,
        name: g.name.clone(),
        organisation: g.organisation.clone(),
        sector: ctx.sector(&g.sector),
        sector_code: g.sector.code(),
        email: runs.then(|| g.email.clone()),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GuestForm {
    pub csrf: String,
    pub name: String,
    pub organisation: String,
    pub sector: String,
    pub email: String,
}

fn spec(ctx: &Ctx, f: &GuestForm) -> Result<GuestSpec, AppError> {
    Ok(GuestSpec {
        name: f.name.clone(),
        organisation: f.organisation.clone(),
        sector: match f.sector.trim() {
            "" => return Err(bad(ctx, "sector", &Problem::required())),
            s => Sector::parse(s).map_err(|p| bad(ctx, "sector", &p))?,
        },
        email: f.email.clone(),
    })
}

pub async fn add_guest(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(f)): Checked<Form<GuestForm>>,
) -> PageResult {
    let acc = team_access(&st, &ctx, id).await?;
    if !acc.runs {
        return Err(AppError::Forbidden);
    }
    st.store
        .add_guest(&actor(&acc.user), id, &spec(&ctx, &f)?)
        .await
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/teams/{id}?saved=guest#guests")).into_response())
}

/// The guest, checked to be the team's and the viewer to run its meetings.
async fn guest_of_team(
    st: &AppState,
    ctx: &Ctx,
    id: i64,
    guest_id: i64,
) -> Result<super::team::TeamAccess, AppError> {
    let acc = team_access(st, ctx, id).await?;
    if !acc.runs {
        return Err(AppError::Forbidden);
    }
    match st.store.guest(guest_id).await? {
        Some(g) if g.team_id == id && !g.removed => Ok(acc),
        _ => Err(AppError::NotFound),
    }
}

pub async fn update_guest(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, guest_id)): Path<(i64, i64)>,
    Checked(Form(f)): Checked<Form<GuestForm>>,
) -> PageResult {
    let acc = guest_of_team(&st, &ctx, id, guest_id).await?;
    st.store
        .update_guest(&actor(&acc.user), guest_id, &spec(&ctx, &f)?)
        .await
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/teams/{id}?saved=guest#guests")).into_response())
}

pub async fn remove_guest(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, guest_id)): Path<(i64, i64)>,
    _: Checked<TokenOnly>,
) -> PageResult {
    let acc = guest_of_team(&st, &ctx, id, guest_id).await?;
    st.store
        .remove_guest(&actor(&acc.user), guest_id)
        .await
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/teams/{id}?saved=guest-removed#guests")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct GuestMailForm {
    pub csrf: String,
    /// agenda or minutes
    pub what: String,
}

/// The longest a page waits for the SMTP server before it reports.
const SEND_TIMEOUT_SECS: u64 = 30;

/// E-mails a planned meeting's agenda, or a held one's minutes, to the
/// team's guests who have not had it yet; reports what was sent and who
/// could not be reached.
pub async fn mail_guests(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(f)): Checked<Form<GuestMailForm>>,
) -> PageResult {
    let (m, acc) = meeting_for(&st, &ctx, id).await?;
    if !acc.runs {
        return Err(AppError::Forbidden);
    }
    let what = match (f.what.as_str(), m.state) {
        ("agenda", MeetingState::Planned) => GuestMail::Agenda,
        ("minutes", MeetingState::Held) => GuestMail::Minutes,
        _ => {
            return Err(bad(
                &ctx,
                "guest_mail",
                &Problem::new(
                    "err-guest-mail",
                    "the agenda goes before a meeting, the minutes after it is held",
                ),
            ))
        }
    };
    let Some(mailer) = st.config.mailer.as_ref() else {
        return Err(AppError::BadRequest(ctx.t("guest-mail-no-smtp")));
    };
    // One sending per meeting at a time, across processes: a double click
    // must not mail every guest twice before the first send is marked.
    let lock_secs = i64::try_from(SEND_TIMEOUT_SECS).unwrap_or(30) + 30;
    let Some(lock) = st
        .store
        .try_lock_task(&format!("guest-mail-{}", m.id), lock_secs)
        .await?
    else {
        return Err(AppError::BadRequest(ctx.t("guest-mail-busy")));
    };
    let sent = tokio::time::timeout(
        std::time::Duration::from_secs(SEND_TIMEOUT_SECS),
        send_to_guests(&st.store, mailer, &actor(&acc.user), m.id, what),
    )
    .await;
    st.store.unlock_task(lock).await?;
    match sent {
        Ok(Ok(s)) if s.failed.is_empty() => Ok(Redirect::to(&format!(
            "/meetings/{id}?saved=guest-mail-{}#guest-mail",
            what.code()
        ))
        .into_response()),
        Ok(Ok(s)) => Err(AppError::BadRequest(ctx.lang.t_args(
            "guest-mail-failed",
            &[("names", s.failed.join(", ")), ("sent", s.sent.to_string())],
        ))),
        Ok(Err(e)) => {
            tracing::warn!("mail to guests of meeting {id} failed: {e}");
            Err(AppError::BadRequest(ctx.t("guest-mail-error")))
        }
        Err(_) => Err(AppError::BadRequest(ctx.t("guest-mail-timeout"))),
    }
}
