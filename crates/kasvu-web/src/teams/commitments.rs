//! Personal commitments: made at a meeting, reviewed at the next, and "my
//! commitments" across teams.

use super::meetings::{meeting_for, outcomes};
use super::team::{actor, bad, team_access};
use super::team_page::{commitment_row, saved_text, CommitmentRow};
use crate::support::ctx::{Ctx, SignedIn};
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::format::date_label;
use crate::support::forms::Checked;
use crate::support::forms::SavedQuery;
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::team::may_handle_commitment;
use kasvu_core::{CommitmentStatus, Problem};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommitForm {
    pub csrf: String,
    pub member: String,
    pub text: String,
}

/// A member's promise, made at this meeting: due at the meeting after it,
/// whether recorded before, during or after this one.
pub async fn make_commitment(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(f)): Checked<Form<CommitForm>>,
) -> PageResult {
    let (m, acc) = meeting_for(&st, &ctx, id).await?;
    if let Some(g) = f.member.trim().strip_prefix("guest:") {
        // A guest's promise, recorded by the member who runs the meeting.
        if !acc.runs || acc.role.is_none() {
            return Err(AppError::Forbidden);
        }
        let guest_id: i64 = g
            .parse()
            .map_err(|_| bad(&ctx, "user", &Problem::required()))?;
        match st.store.guest(guest_id).await? {
            Some(g) if g.team_id == m.team_id && !g.removed => {}
            _ => return Err(bad(&ctx, "user", &Problem::required())),
        }
        st.store
            .make_guest_commitment(
                &actor(&acc.user),
                guest_id,
                acc.user.id,
                &f.text,
                Some(m.id),
                today(),
            )
            .await
            .map_err(|e| refused(Labels::Team, e))?;
        return Ok(Redirect::to(&format!("/meetings/{id}?saved=commitment#made")).into_response());
    }
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
            today(),
        )
        .await
        .map_err(|e| refused(Labels::Team, e))?;
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
    Checked(Form(f)): Checked<Form<ReviewForm>>,
) -> PageResult {
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
        .map_err(|e| refused(Labels::Team, e))?;
    let back = crate::support::ctx::safe_next(Some(f.back.as_str()));
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

/// A person's commitments: the open ones with the meeting each is due at
/// (and whether that is soon), the closed ones, and their teams with the
/// next meeting. "My commitments" and "My work" show the same.
pub(crate) struct MyCommitments {
    pub open: Vec<(CommitmentRow, String, bool)>,
    pub closed: Vec<CommitmentRow>,
    pub teams: Vec<(i64, String, String)>,
}

pub(crate) async fn commitments_of(
    st: &AppState,
    ctx: &Ctx,
    user_id: i64,
) -> Result<MyCommitments, AppError> {
    let all = st.store.user_commitments(user_id, false).await?;
    let mut teams = Vec::new();
    for t in st.store.teams_of_user(user_id).await? {
        let next = st.store.next_meeting(t.id, today()).await?;
        teams.push((
            t.id,
            t.name.clone(),
            next.as_ref()
                .map(|m| format!("{} {}", date_label(ctx.lang, m.on), m.start))
                .unwrap_or_else(|| ctx.t("team-no-meeting")),
        ));
    }
    let mut open = Vec::new();
    let mut closed = Vec::new();
    for c in &all {
        let row = commitment_row(ctx, c, true);
        if c.status == CommitmentStatus::Open {
            // Due at the meeting after the one it was made (or carried) at:
            // the one rule of `kasvu_core::team`, computed by the store.
            let soon = (c.due_on - today()).whole_days() <= DUE_SOON_DAYS;
            let due = row.due.clone();
            open.push((row, due, soon));
        } else {
            closed.push(row);
        }
    }
    closed.reverse();
    Ok(MyCommitments {
        open,
        closed,
        teams,
    })
}

pub async fn my_commitments(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let MyCommitments {
        open,
        closed,
        teams,
    } = commitments_of(&st, &ctx, user.id).await?;
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
