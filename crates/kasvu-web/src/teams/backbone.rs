//! A team's backbone work on one page (`/teams/{id}/work`, seed 003's
//! "toimintasuunnitelma, aikataulut, ohjeistukset ja tiedotteet" and "yhteiset
//! seminaarit, työpajat ja koulutustilaisuudet"): the action plan, the
//! bulletins, the events and the team's documents. Everyone who sees the
//! team reads it (members-only bulletins and documents: its members and the
//! organisation's admins); those who run its meetings write it.

use super::team::{actor, team_access, TeamAccess};
use crate::library::{doc_access, documents_view, DocumentsView};
use crate::support::ctx::Ctx;
use crate::support::error::{refused, AppError, Labels, PageResult};
use crate::support::format::date_label;
use crate::support::forms::{Checked, SavedQuery, TokenOnly};
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::backbone::{ActionStatus, BulletinAudience, EventKind};
use kasvu_core::document::DocTarget;
use kasvu_core::{FieldError, Problem};
use kasvu_store::{ActionSpec, BulletinSpec, StoreError};
use serde::Deserialize;

pub(super) fn labels() -> Labels {
    Labels::Form("backbone".into())
}

/// A refused form field, named as the form names it.
pub(super) fn bad(field: &str, p: Problem) -> AppError {
    refused(labels(), StoreError::Invalid(FieldError::new(field, p)))
}

/// An optional date field ("" is none).
pub(super) fn optional_day(field: &str, s: &str) -> Result<Option<time::Date>, AppError> {
    kasvu_core::parse_date(s).map_err(|p| bad(field, p))
}

/// A required date field.
pub(super) fn day(field: &str, s: &str) -> Result<time::Date, AppError> {
    optional_day(field, s)?.ok_or_else(|| bad(field, Problem::required()))
}

/// The team, when the viewer runs its meetings.
pub(super) async fn running(st: &AppState, ctx: &Ctx, id: i64) -> Result<TeamAccess, AppError> {
    let acc = team_access(st, ctx, id).await?;
    if !acc.runs {
        return Err(AppError::Forbidden);
    }
    Ok(acc)
}

pub struct ActionRow {
    pub id: i64,
    pub title: String,
    pub detail: String,
    pub responsible: String,
    pub due: String,
    pub due_value: String,
    pub status: String,
    pub status_code: &'static str,
}

pub struct BulletinRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub published: String,
    pub author: String,
    pub members_only: bool,
}

pub struct EventRow {
    pub id: i64,
    pub kind: String,
    pub kind_code: &'static str,
    pub title: String,
    pub when: String,
    pub place: String,
    pub seats: String,
    pub attended: i64,
    pub cancelled: bool,
    pub past: bool,
}

#[derive(Template)]
#[template(path = "team_work.html")]
pub struct WorkPage<'a> {
    pub ctx: &'a Ctx,
    pub id: i64,
    pub name: String,
    pub runs: bool,
    pub actions: Vec<ActionRow>,
    pub bulletins: Vec<BulletinRow>,
    pub events: Vec<EventRow>,
    pub docs: DocumentsView,
    pub statuses: Vec<(&'static str, String)>,
    pub audiences: Vec<(&'static str, String)>,
    pub kinds: Vec<(&'static str, String)>,
    pub today: String,
    pub saved: Option<String>,
}

pub(super) fn event_row(ctx: &Ctx, e: &kasvu_store::TeamEvent) -> EventRow {
    EventRow {
        id: e.id,
        kind: ctx.t(&format!("event-kind-{}", e.kind.code())),
        kind_code: e.kind.code(),
        title: e.title.clone(),
        when: format!("{} {}", date_label(ctx.lang, e.held_on), e.starts_at),
        place: e.place.clone(),
        seats: match e.capacity {
            Some(c) => format!("{} / {c}", e.registered),
            None => e.registered.to_string(),
        },
        attended: e.attended,
        cancelled: e.cancelled,
        past: e.held_on < today(),
    }
}

pub async fn work(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let acc = team_access(&st, &ctx, id).await?;
    let actions = st
        .store
        .team_actions(id)
        .await?
        .into_iter()
        .map(|a| ActionRow {
            id: a.id,
            due: a
                .due_on
                .map(|d| date_label(ctx.lang, d))
                .unwrap_or_default(),
            due_value: a.due_on.map(kasvu_core::format_date).unwrap_or_default(),
            status: ctx.t(&format!("action-status-{}", a.status.code())),
            status_code: a.status.code(),
            title: a.title,
            detail: a.detail,
            responsible: a.responsible,
        })
        .collect();
    let bulletins = st
        .store
        .bulletins(id, acc.internal)
        .await?
        .into_iter()
        .map(|b| BulletinRow {
            id: b.id,
            published: date_label(ctx.lang, b.published_on),
            members_only: b.audience == BulletinAudience::Members,
            title: b.title,
            body: b.body,
            author: b.author,
        })
        .collect();
    let events = st
        .store
        .team_events(id)
        .await?
        .iter()
        .map(|e| event_row(&ctx, e))
        .collect();
    let access = doc_access(&st, &ctx, DocTarget::Team, id).await?;
    let docs = documents_view(&st, &ctx, DocTarget::Team, id, &access, q.saved.as_deref()).await?;
    let page = WorkPage {
        id,
        name: acc.team.name.clone(),
        runs: acc.runs,
        actions,
        bulletins,
        events,
        docs,
        statuses: ActionStatus::ALL
            .iter()
            .map(|s| (s.code(), ctx.t(&format!("action-status-{}", s.code()))))
            .collect(),
        audiences: BulletinAudience::ALL
            .iter()
            .map(|a| (a.code(), ctx.t(&format!("bulletin-audience-{}", a.code()))))
            .collect(),
        kinds: EventKind::ALL
            .iter()
            .map(|k| (k.code(), ctx.t(&format!("event-kind-{}", k.code()))))
            .collect(),
        today: kasvu_core::format_date(today()),
        saved: q
            .saved
            .as_deref()
            .filter(|s| ["action", "bulletin", "event"].contains(s))
            .map(|s| ctx.t(&format!("backbone-saved-{s}"))),
        ctx: &ctx,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    pub csrf: String,
    pub title: String,
    pub detail: String,
    pub responsible: String,
    pub due_on: String,
    pub status: String,
}

fn action_spec(f: ActionForm) -> Result<ActionSpec, AppError> {
    Ok(ActionSpec {
        due_on: optional_day("due_on", &f.due_on)?,
        title: f.title,
        detail: f.detail,
        responsible: f.responsible,
        status: if f.status.trim().is_empty() {
            ActionStatus::Planned.code().to_owned()
        } else {
            f.status
        },
    })
}

pub async fn add_action(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(f)): Checked<Form<ActionForm>>,
) -> PageResult {
    let acc = running(&st, &ctx, id).await?;
    st.store
        .add_team_action(&actor(&acc.user), id, &action_spec(f)?)
        .await
        .map_err(|e| refused(labels(), e))?;
    Ok(Redirect::to(&format!("/teams/{id}/work?saved=action#actions")).into_response())
}

/// The action, checked to be the team's.
async fn team_action(st: &AppState, id: i64, action_id: i64) -> Result<(), AppError> {
    match st.store.team_action(action_id).await? {
        Some(a) if a.team_id == id => Ok(()),
        _ => Err(AppError::NotFound),
    }
}

pub async fn update_action(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action_id)): Path<(i64, i64)>,
    Checked(Form(f)): Checked<Form<ActionForm>>,
) -> PageResult {
    let acc = running(&st, &ctx, id).await?;
    team_action(&st, id, action_id).await?;
    st.store
        .update_team_action(&actor(&acc.user), action_id, &action_spec(f)?)
        .await
        .map_err(|e| refused(labels(), e))?;
    Ok(Redirect::to(&format!("/teams/{id}/work?saved=action#action-{action_id}")).into_response())
}

pub async fn remove_action(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, action_id)): Path<(i64, i64)>,
    _: Checked<TokenOnly>,
) -> PageResult {
    let acc = running(&st, &ctx, id).await?;
    team_action(&st, id, action_id).await?;
    st.store
        .remove_team_action(&actor(&acc.user), action_id)
        .await?;
    Ok(Redirect::to(&format!("/teams/{id}/work?saved=action#actions")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BulletinForm {
    pub csrf: String,
    pub title: String,
    pub body: String,
    pub audience: String,
}

pub async fn publish_bulletin(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(f)): Checked<Form<BulletinForm>>,
) -> PageResult {
    let acc = running(&st, &ctx, id).await?;
    st.store
        .publish_bulletin(
            &actor(&acc.user),
            id,
            acc.user.id,
            &BulletinSpec {
                title: f.title,
                body: f.body,
                audience: f.audience,
                published_on: today(),
            },
        )
        .await
        .map_err(|e| refused(labels(), e))?;
    Ok(Redirect::to(&format!("/teams/{id}/work?saved=bulletin#bulletins")).into_response())
}

pub async fn remove_bulletin(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, bulletin_id)): Path<(i64, i64)>,
    _: Checked<TokenOnly>,
) -> PageResult {
    let acc = running(&st, &ctx, id).await?;
    match st.store.bulletin(bulletin_id).await? {
        Some(b) if b.team_id == id => {}
        _ => return Err(AppError::NotFound),
    }
    st.store
        .remove_bulletin(&actor(&acc.user), bulletin_id)
        .await?;
    Ok(Redirect::to(&format!("/teams/{id}/work?saved=bulletin#bulletins")).into_response())
}
