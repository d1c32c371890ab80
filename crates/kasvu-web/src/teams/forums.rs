//! Children's and young people's forums: the public "you said, we did"
//! page of a forum — what the young people proposed and what the adults
//! answered — and the forms to record and answer proposals, for the
//! forum's adult members and those who manage teams at its unit. No page
//! names a child: a proposal is the forum's.

use super::team::{actor, team_access};
use crate::support::ctx::Ctx;
use crate::support::error::{refused, AppError, Labels, PageResult};
use crate::support::format::date_label;
use crate::support::forms::{Checked, SavedQuery};
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::forum::{may_record_proposals, ProposalStatus};
use kasvu_core::{FieldError, Problem, TeamKind};
use kasvu_store::{AnswerSpec, ForumProposal, ProposalSpec, Team};
use serde::Deserialize;

/// The forum, or 404 for a team of another kind.
async fn forum(st: &AppState, id: i64) -> Result<Team, AppError> {
    match st.store.team(id).await? {
        Some(t) if t.kind == TeamKind::YouthForum => Ok(t),
        _ => Err(AppError::NotFound),
    }
}

/// The forum, when the signed-in viewer records and answers its proposals.
async fn writable_forum(st: &AppState, ctx: &Ctx, id: i64) -> Result<Team, AppError> {
    let acc = team_access(st, ctx, id).await?;
    if acc.team.kind != TeamKind::YouthForum {
        return Err(AppError::NotFound);
    }
    if !may_record_proposals(acc.role.is_some(), acc.manages) {
        return Err(AppError::Forbidden);
    }
    Ok(acc.team)
}

/// A refused form field, named as the form names it.
fn bad(field: &str, p: Problem) -> AppError {
    refused(
        Labels::Form("forum".into()),
        kasvu_store::StoreError::Invalid(FieldError::new(field, p)),
    )
}

fn parse_day(field: &str, s: &str) -> Result<time::Date, AppError> {
    Ok(kasvu_core::parse_date(s)
        .map_err(|p| bad(field, p))?
        .unwrap_or_else(today))
}

pub struct ForumRow {
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub proposals: usize,
    pub answered: usize,
}

#[derive(Template)]
#[template(path = "forums.html")]
pub struct ForumsPage<'a> {
    pub ctx: &'a Ctx,
    pub forums: Vec<ForumRow>,
}

/// The organisation's children's and young people's forums.
pub async fn forums(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let org = crate::support::access::viewer_org(&st, &ctx).await?;
    let mut rows = Vec::new();
    for t in st.store.teams(org.org_id).await? {
        if t.kind != TeamKind::YouthForum {
            continue;
        }
        let all = st.store.forum_proposals(t.id).await?;
        rows.push(ForumRow {
            id: t.id,
            unit: ctx.name(&t.unit_names).to_owned(),
            name: t.name,
            proposals: all.len(),
            answered: all
                .iter()
                .filter(|p| p.status != ProposalStatus::Waiting)
                .count(),
        });
    }
    let page = ForumsPage {
        ctx: &ctx,
        forums: rows,
    };
    Ok(Html(page.render()?).into_response())
}

pub struct ProposalRow {
    pub id: i64,
    pub text: String,
    pub proposed_on: String,
    pub source: String,
    pub status: String,
    pub status_code: &'static str,
    pub answered: bool,
    pub response: String,
    pub reason: String,
    pub answered_on: String,
    pub answered_role: String,
    /// (link, name) of the plan measure that takes it forward.
    pub measure: Option<(String, String)>,
}

fn row(ctx: &Ctx, p: ForumProposal) -> ProposalRow {
    ProposalRow {
        id: p.id,
        proposed_on: date_label(ctx.lang, p.proposed_on),
        status: ctx.t(&format!("forum-status-{}", p.status.code())),
        status_code: p.status.code(),
        answered: p.status != ProposalStatus::Waiting,
        answered_on: p
            .answered_on
            .map(|d| date_label(ctx.lang, d))
            .unwrap_or_default(),
        measure: p.measure.map(|(id, plan, names)| {
            (
                format!("/plans/{plan}#measure-{id}"),
                ctx.name(&names).to_owned(),
            )
        }),
        text: p.text,
        source: p.source,
        response: p.response,
        reason: p.reason,
        answered_role: p.answered_role,
    }
}

#[derive(Template)]
#[template(path = "forum.html")]
pub struct ForumPage<'a> {
    pub ctx: &'a Ctx,
    pub id: i64,
    pub name: String,
    pub unit: String,
    pub proposals: Vec<ProposalRow>,
    /// The viewer records and answers proposals.
    pub may_write: bool,
    /// (id, name) of the measures of the plans in force, to link to.
    pub measures: Vec<(i64, String)>,
    /// (code, label) of the statuses an answer gives.
    pub statuses: Vec<(&'static str, String)>,
    pub today: String,
    pub saved: Option<String>,
}

/// A forum's proposals and the answers: public.
pub async fn forum_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let team = forum(&st, id).await?;
    let may_write = match ctx.user {
        Some(_) => match team_access(&st, &ctx, id).await {
            Ok(acc) => may_record_proposals(acc.role.is_some(), acc.manages),
            Err(AppError::NotFound) => false,
            Err(e) => return Err(e),
        },
        None => false,
    };
    let measures = if may_write {
        st.store
            .open_measures(team.org_id)
            .await?
            .into_iter()
            // The answers are public: only a public plan's measures.
            .filter(|m| m.public)
            .map(|m| (m.id, ctx.name(&m.names).to_owned()))
            .collect()
    } else {
        Vec::new()
    };
    let proposals = st
        .store
        .forum_proposals(id)
        .await?
        .into_iter()
        .map(|p| row(&ctx, p))
        .collect();
    let page = ForumPage {
        id,
        unit: ctx.name(&team.unit_names).to_owned(),
        name: team.name,
        proposals,
        may_write,
        measures,
        statuses: ProposalStatus::ANSWERS
            .iter()
            .map(|s| (s.code(), ctx.t(&format!("forum-status-{}", s.code()))))
            .collect(),
        today: kasvu_core::format_date(today()),
        saved: match q.saved.as_deref() {
            Some("proposal") => Some(ctx.t("forum-saved-proposal")),
            Some("answer") => Some(ctx.t("forum-saved-answer")),
            _ => None,
        },
        ctx: &ctx,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProposalForm {
    pub csrf: String,
    pub text: String,
    pub source: String,
    pub proposed_on: String,
    pub measure: String,
}

/// Records what the young people proposed.
pub async fn record_proposal(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(f)): Checked<Form<ProposalForm>>,
) -> PageResult {
    let team = writable_forum(&st, &ctx, id).await?;
    let measure_id = match f.measure.trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .map_err(|_| bad("measure", Problem::required()))?,
        ),
    };
    let spec = ProposalSpec {
        text: f.text,
        source: f.source,
        proposed_on: parse_day("proposed_on", &f.proposed_on)?,
        meeting_id: None,
        measure_id,
    };
    let user = ctx.require_user()?;
    st.store
        .record_proposal(&actor(user), team.id, &spec, today())
        .await
        .map_err(|e| refused(Labels::Form("forum".into()), e))?;
    Ok(Redirect::to(&format!("/forums/{id}?saved=proposal#proposals")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnswerForm {
    pub csrf: String,
    pub status: String,
    pub response: String,
    pub reason: String,
    pub role: String,
}

/// Answers a proposal ("you said, we did"), or changes the answer.
pub async fn answer_proposal(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, proposal)): Path<(i64, i64)>,
    Checked(Form(f)): Checked<Form<AnswerForm>>,
) -> PageResult {
    let team = writable_forum(&st, &ctx, id).await?;
    let p = st
        .store
        .forum_proposal(proposal)
        .await?
        .filter(|p| p.team_id == team.id)
        .ok_or(AppError::NotFound)?;
    let user = ctx.require_user()?;
    st.store
        .answer_proposal(
            &actor(user),
            p.id,
            &AnswerSpec {
                status: f.status,
                response: f.response,
                reason: f.reason,
                answered_role: f.role,
                answered_on: today(),
            },
        )
        .await
        .map_err(|e| refused(Labels::Form("forum".into()), e))?;
    Ok(Redirect::to(&format!("/forums/{id}?saved=answer#proposal-{}", p.id)).into_response())
}
