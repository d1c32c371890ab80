//! The register of regional actors in pages: the public list with filters by
//! sector, area and audience and a flag on entries not confirmed within the
//! review age; an actor's page (a private contact person's details only for
//! the organisation's signed-in people); updates proposed by the actor's own
//! staff and approved or rejected by the area's managers; import (all or
//! nothing) and export as CSV and XLSX.

use crate::support::access::is_staff_of;
use crate::support::access::viewer_org;
use crate::support::ctx::{Ctx, SignedIn};
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::format::date_label;
use crate::support::forms::SavedQuery;
use crate::support::forms::{Checked, TokenOnly};
use crate::support::responses::download;
use crate::support::today;
use crate::support::upload::CheckedUpload;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use kasvu_core::actor::{parse_list, review_due, Audience};
use kasvu_core::role::permits;
use kasvu_core::{Action, Sector};
use kasvu_store::{Actor, ActorEntry, ActorSpec, OrgUnit, User};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActorFilter {
    pub sector: String,
    pub area: String,
    pub audience: String,
}

pub struct ActorRow {
    pub code: String,
    pub name: String,
    pub sector: String,
    pub offer: String,
    pub areas: String,
    pub languages: String,
    pub confirmed: String,
    pub review_due: bool,
}

#[derive(Template)]
#[template(path = "actors.html")]
pub struct ActorsPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<ActorRow>,
    pub filter: ActorFilter,
    pub sectors: Vec<(String, String)>,
    pub areas: Vec<(String, String)>,
    pub audiences: Vec<(String, String)>,
    pub due_count: usize,
    pub may_import: bool,
    pub saved: Option<String>,
}

/// Who approves changes to an entry: roles that edit the tree at one of its
/// areas (at the organisation, for an entry without areas).
pub(crate) fn approves(st_tree: &kasvu_core::OrgTree, user: &User, e: &ActorEntry) -> bool {
    user.org_id == e.org_id
        && if e.areas.is_empty() {
            permits(&user.assignments(), st_tree, Action::EditTree, e.org_id)
        } else {
            e.areas
                .iter()
                .any(|(id, _)| permits(&user.assignments(), st_tree, Action::EditTree, *id))
        }
}

fn names_of(units: &[OrgUnit], ctx: &Ctx, codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| {
            units
                .iter()
                .find(|u| kasvu_core::same_code(&u.code, c))
                .map(|u| ctx.name(&u.names).to_owned())
                .unwrap_or_else(|| c.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn actors(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(f): Query<ActorFilter>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let org = viewer_org(&st, &ctx).await?;
    let entries = st.store.actors(org.org_id).await?;
    let tree = st.store.org_tree(org.org_id).await?;
    let units = st.store.org_units(org.org_id).await?;
    let area = units
        .iter()
        .find(|u| kasvu_core::same_code(&u.code, &f.area));
    let audience = Audience::parse(&f.audience).ok();
    let sector = Sector::parse(&f.sector).ok();
    let now = today();
    let days = st.config.actor_review_days;
    let rows: Vec<ActorRow> = entries
        .iter()
        .filter(|e| sector.is_none_or(|s| e.spec.sector == s))
        .filter(|e| audience.is_none_or(|a| e.spec.audiences.contains(&a)))
        .filter(|e| {
            area.is_none_or(|a| {
                e.areas
                    .iter()
                    .any(|(u, _)| tree.is_within(*u, a.id) || tree.is_within(a.id, *u))
            })
        })
        .map(|e| ActorRow {
            code: e.spec.code.clone(),
            name: e.spec.name.clone(),
            sector: ctx.sector(&e.spec.sector),
            offer: e.spec.offer.chars().take(160).collect(),
            areas: names_of(&units, &ctx, &e.spec.areas),
            languages: e.spec.languages.join(", "),
            confirmed: date_label(ctx.lang, e.confirmed_on),
            review_due: review_due(e.confirmed_on, now, days),
        })
        .collect();
    let may_import = match &ctx.user {
        Some(u) if u.org_id == org.org_id => {
            u.roles.iter().any(|r| r.role.allows(Action::EditTree))
        }
        _ => false,
    };
    let page = ActorsPage {
        ctx: &ctx,
        due_count: rows.iter().filter(|r| r.review_due).count(),
        rows,
        sectors: Sector::ALL
            .iter()
            .map(|s| (s.code().to_owned(), ctx.sector(s)))
            .collect(),
        areas: crate::support::access::area_choices(&ctx, &units),
        audiences: Audience::ALL
            .iter()
            .map(|a| {
                (
                    a.code().to_owned(),
                    ctx.t(&format!("audience-{}", a.code())),
                )
            })
            .collect(),
        filter: f,
        may_import,
        saved: q
            .saved
            .as_deref()
            .filter(|s| *s == "imported")
            .map(|_| ctx.t("actors-imported")),
    };
    Ok(Html(page.render()?).into_response())
}

/// A proposal's changes: (field label, value now, value proposed).
pub type Changes = Vec<(String, String, String)>;

#[derive(Template)]
#[template(path = "actor.html")]
pub struct ActorPage<'a> {
    pub ctx: &'a Ctx,
    pub e: ActorSpec,
    pub sector: String,
    pub audiences: String,
    pub areas: String,
    pub confirmed: String,
    pub review_due: bool,
    /// The private contact person's details, for signed-in staff of the organisation.
    pub private: bool,
    pub approves: bool,
    pub proposes: bool,
    /// Pending proposals: (id, proposer, changes (field label, old, new)).
    pub proposals: Vec<(i64, String, Changes)>,
    pub saved: Option<String>,
}

async fn entry_for(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
) -> Result<(ActorEntry, OrgUnit), AppError> {
    let org = viewer_org(st, ctx).await?;
    let e = st
        .store
        .actor_entry(org.org_id, code)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((e, org))
}

/// The fields a proposal may change, with their labels' message ids.
const PROPOSED: &[(&str, &str)] = &[
    ("offer", "actor-offer"),
    ("opening_hours", "actor-opening-hours"),
    ("languages", "actor-languages"),
    ("phone", "actor-phone"),
    ("email", "actor-email"),
    ("website", "actor-website"),
    ("contact_person", "actor-contact-person"),
    ("contact_phone", "actor-contact-phone"),
    ("contact_email", "actor-contact-email"),
];

fn field_value(s: &ActorSpec, f: &str) -> String {
    match f {
        "offer" => s.offer.clone(),
        "opening_hours" => s.opening_hours.clone(),
        "languages" => s.languages.join(";"),
        "phone" => s.phone.clone(),
        "email" => s.email.clone(),
        "website" => s.website.clone(),
        "contact_person" => s.contact_person.clone(),
        "contact_phone" => s.contact_phone.clone(),
        _ => s.contact_email.clone(),
    }
}

pub async fn actor(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let (e, org) = entry_for(&st, &ctx, &code).await?;
    let tree = st.store.org_tree(org.org_id).await?;
    let units = st.store.org_units(org.org_id).await?;
    let user = ctx.user.as_ref().filter(|u| u.org_id == org.org_id);
    let approver = user.is_some_and(|u| approves(&tree, u, &e));
    let proposals = if approver {
        st.store
            .pending_proposals(e.id)
            .await?
            .into_iter()
            .map(|p| {
                let changes = PROPOSED
                    .iter()
                    .filter_map(|(f, label)| {
                        let (old, new) = (field_value(&e.spec, f), field_value(&p.spec, f));
                        (old != new).then(|| (ctx.t(label), old, new))
                    })
                    .collect();
                (p.id, p.proposer, changes)
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = ActorPage {
        ctx: &ctx,
        sector: ctx.sector(&e.spec.sector),
        audiences: e
            .spec
            .audiences
            .iter()
            .map(|a| ctx.t(&format!("audience-{}", a.code())))
            .collect::<Vec<_>>()
            .join(", "),
        areas: names_of(&units, &ctx, &e.spec.areas),
        confirmed: date_label(ctx.lang, e.confirmed_on),
        review_due: review_due(e.confirmed_on, today(), st.config.actor_review_days),
        private: user.is_some(),
        approves: approver,
        proposes: user.is_some_and(|u| is_staff_of(&tree, u, &e)),
        proposals,
        saved: q
            .saved
            .as_deref()
            .filter(|s| {
                matches!(
                    *s,
                    "confirmed" | "proposed" | "approved" | "rejected" | "created" | "updated"
                )
            })
            .map(|s| ctx.t(&format!("actor-saved-{s}"))),
        e: e.spec,
    };
    Ok(Html(page.render()?).into_response())
}

/// The signed-in user and the entry, when `allowed` lets them change it.
async fn for_change(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    allowed: fn(&kasvu_core::OrgTree, &User, &ActorEntry) -> bool,
) -> Result<(User, ActorEntry), AppError> {
    let user = ctx.require_user()?.clone();
    let (e, org) = entry_for(st, ctx, code).await?;
    let tree = st.store.org_tree(org.org_id).await?;
    if !allowed(&tree, &user, &e) {
        return Err(AppError::Forbidden);
    }
    Ok((user, e))
}

pub async fn confirm(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    _: Checked<TokenOnly>,
) -> PageResult {
    let (user, e) = for_change(&st, &ctx, &code, approves).await?;
    st.store
        .confirm_actor(&Actor::user(user.id, &user.email), e.id, today())
        .await?;
    Ok(Redirect::to(&format!("/actors/{code}?saved=confirmed")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProposalForm {
    pub csrf: String,
    pub offer: String,
    pub opening_hours: String,
    pub languages: String,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub contact_email: String,
}

/// The actor's staff propose an update; it waits for the area's approval.
pub async fn propose(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Checked(axum::Form(f)): Checked<axum::Form<ProposalForm>>,
) -> PageResult {
    let (user, e) = for_change(&st, &ctx, &code, is_staff_of).await?;
    let spec = ActorSpec {
        offer: f.offer,
        opening_hours: f.opening_hours,
        languages: parse_list(&f.languages.replace(',', ";")),
        phone: f.phone,
        email: f.email,
        website: f.website,
        contact_person: f.contact_person,
        contact_phone: f.contact_phone,
        contact_email: f.contact_email,
        confirmed_on: String::new(),
        ..e.spec.clone()
    };
    st.store
        .propose_actor_update(&Actor::user(user.id, &user.email), e.id, &spec, today())
        .await
        .map_err(|err| refused(Labels::Actor, err))?;
    Ok(Redirect::to(&format!("/actors/{code}?saved=proposed")).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    pub csrf: String,
    pub decision: String,
}

pub async fn decide(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((code, proposal)): Path<(String, i64)>,
    Checked(axum::Form(f)): Checked<axum::Form<DecisionForm>>,
) -> PageResult {
    let (user, e) = for_change(&st, &ctx, &code, approves).await?;
    if !st
        .store
        .pending_proposals(e.id)
        .await?
        .iter()
        .any(|p| p.id == proposal)
    {
        return Err(AppError::NotFound);
    }
    let approve = f.decision == "approve";
    st.store
        .decide_proposal(
            &Actor::user(user.id, &user.email),
            proposal,
            approve,
            today(),
        )
        .await
        .map_err(|err| refused(Labels::Actor, err))?;
    let saved = if approve { "approved" } else { "rejected" };
    Ok(Redirect::to(&format!("/actors/{code}?saved={saved}")).into_response())
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    pub format: Option<String>,
}

/// The register as CSV or XLSX; the private contact columns only for the
/// organisation's signed-in people.
pub async fn export(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let org = viewer_org(&st, &ctx).await?;
    let entries = st.store.actors(org.org_id).await?;
    let private = ctx.user.as_ref().is_some_and(|u| u.org_id == org.org_id);
    Ok(match q.format.as_deref() {
        Some("xlsx") => download(
            kasvu_io::actors_csv::to_xlsx(&entries, private).map_err(AppError::Internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "actors.xlsx".into(),
        ),
        _ => download(
            kasvu_io::actors_csv::to_csv(&entries, private),
            "text/csv; charset=utf-8",
            "actors.csv".into(),
        ),
    })
}

/// Imports a register file, all or nothing; for roles that edit the tree,
/// and every row's areas must be within their scope.
pub async fn import(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    CheckedUpload(upload): CheckedUpload,
) -> PageResult {
    // Who keeps the register nowhere is refused before the file is read;
    // a manager's rows outside their areas are refused row by row below.
    if !user.roles.iter().any(|r| r.role.allows(Action::EditTree)) {
        return Err(AppError::Forbidden);
    }
    let rows =
        kasvu_io::actors_csv::parse(&upload.bytes, &upload.file_name, &st.config.import_limits)
            .map_err(|e| AppError::BadRequest(crate::support::upload::error_text(ctx.lang, &e)))?;
    let tree = st.store.org_tree(user.org_id).await?;
    let units = st.store.org_units(user.org_id).await?;
    for (row, spec) in &rows {
        let ids: Vec<i64> = if spec.areas.is_empty() {
            vec![user.org_id]
        } else {
            spec.areas
                .iter()
                .filter_map(|c| {
                    units
                        .iter()
                        .find(|u| kasvu_core::same_code(&u.code, c))
                        .map(|u| u.id)
                })
                .collect()
        };
        if ids.is_empty()
            || !ids
                .iter()
                .all(|id| permits(&user.assignments(), &tree, Action::EditTree, *id))
        {
            return Err(AppError::BadRequest(ctx.lang.t_args(
                "actors-import-scope",
                &[("row", row.to_string()), ("file", upload.file_name.clone())],
            )));
        }
    }
    st.store
        .import_actors(
            &Actor::user(user.id, &user.email),
            user.org_id,
            &rows,
            today(),
        )
        .await
        .map_err(|e| {
            AppError::BadRequest(crate::support::upload::error_text(
                ctx.lang,
                &kasvu_io::import_error_from_store(&upload.file_name, e),
            ))
        })?;
    Ok(Redirect::to("/actors?saved=imported").into_response())
}
