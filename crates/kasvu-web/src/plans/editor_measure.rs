//! A draft's measure in a form of its own: names, owner units, responsible
//! person, schedule, resources, status, the rights of the child and the
//! conditions of collective impact it serves, and the indicators (from the
//! catalogue) that show whether it works. A measure keeps its key when it
//! is changed, so its evaluations and status history stay with it.

use super::editor::{editable, names_from, parse_at, refuse_frozen, save, value, Pairs};
use super::editor_views::{choice, field, messages, name_fields, Kept, MeasurePage};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::forms::Checked;
use crate::support::visibility::readable_catalogue;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::{ChildRight, FieldError, ImpactCondition, MeasureStatus, Names};
use kasvu_store::{MeasureSpec, PlanTree, StoreError};
use serde::Deserialize;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AtQuery {
    pub at: String,
}

/// The focus area (g, f) and, for a measure that exists, its index.
fn place(tree: &PlanTree, raw: &str) -> Option<(usize, usize, Option<usize>)> {
    let at = parse_at(raw)?;
    let (g, f, m) = match at.as_slice() {
        [g, f] => (*g, *f, None),
        [g, f, m] => (*g, *f, Some(*m)),
        _ => return None,
    };
    let fa = tree.goals.get(g)?.focus_areas.get(f)?;
    match m {
        Some(m) if m >= fa.measures.len() => None,
        _ => Some((g, f, m)),
    }
}

/// The form of a new measure (`at` = a focus area, `2.1`) or of one that
/// exists (`2.1.3`).
pub async fn measure_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<AtQuery>,
) -> PageResult {
    let (tree, _) = editable(&st, &ctx, id).await?;
    if tree.plan.status.is_frozen() {
        return Ok(Redirect::to(&format!("/plans/{id}")).into_response());
    }
    let Some(_) = place(&tree, &q.at) else {
        return Ok(Redirect::to(&format!("/plans/{id}/edit")).into_response());
    };
    measure_page(&st, &ctx, &tree, &q.at, Kept::default(), StatusCode::OK).await
}

async fn measure_page(
    st: &AppState,
    ctx: &Ctx,
    tree: &PlanTree,
    at: &str,
    kept: Kept,
    status: StatusCode,
) -> PageResult {
    let (g, f, m) = place(tree, at).ok_or(AppError::NotFound)?;
    let fa = &tree.goals[g].focus_areas[f];
    let spec = m.map(|m| tree.to_spec().goals[g].focus_areas[f].measures[m].clone());
    let empty = MeasureSpec {
        names: Names::default(),
        owners: Vec::new(),
        responsible: String::new(),
        schedule: String::new(),
        budget: String::new(),
        status: MeasureStatus::NotStarted,
        rights: Vec::new(),
        conditions: Vec::new(),
        indicators: Vec::new(),
        key: None,
    };
    let ms = spec.as_ref().unwrap_or(&empty);
    let mut fields = name_fields(ctx, &kept, "", &ms.names);
    for (name, v) in [
        ("responsible", &ms.responsible),
        ("schedule", &ms.schedule),
        ("budget", &ms.budget),
    ] {
        fields.push(field(ctx, &kept, "", name, v.clone()));
    }
    let org = st.store.org_tree(tree.plan.org_id).await?;
    let mut units: Vec<(String, String)> = st
        .store
        .org_units(tree.plan.org_id)
        .await?
        .into_iter()
        .filter(|u| match &tree.plan.scope {
            Some((sid, _)) => org.is_within(u.id, *sid),
            None => true,
        })
        .map(|u| {
            (
                u.code.clone(),
                format!("{} ({})", ctx.name(&u.names), u.code),
            )
        })
        .collect();
    units.sort_by(|a, b| a.1.cmp(&b.1));
    let user = ctx.user.as_ref();
    let mut indicators: Vec<(String, String)> = readable_catalogue(st, user, tree.plan.org_id)
        .await?
        .into_iter()
        .map(|i| {
            let label = format!("{} ({})", ctx.name(&i.spec.names), i.spec.code);
            (i.spec.code, label)
        })
        .collect();
    indicators.sort_by(|a, b| a.1.cmp(&b.1));
    let mut owners = choice(ctx, &kept, "", "owners", units, &ms.owners, true, false);
    owners.hint = Some(ctx.t("pe-hint-many"));
    let mut indicator_choice = choice(
        ctx,
        &kept,
        "",
        "indicators",
        indicators,
        &ms.indicators,
        true,
        false,
    );
    indicator_choice.hint = Some(ctx.t("pe-hint-many"));
    let page = MeasurePage {
        ctx,
        id: tree.plan.id,
        plan_title: ctx.name(&tree.plan.title).to_owned(),
        at: at.to_owned(),
        heading: match m {
            Some(_) => format!("{}: {}", ctx.t("pe-edit-measure"), ctx.name(&ms.names)),
            None => format!("{}: {}", ctx.t("pe-new-measure"), ctx.name(&fa.names)),
        },
        errors: kept
            .errors
            .iter()
            .map(|e| crate::support::views::FieldMessage {
                field: e.field.clone(),
                label: e.label.clone(),
                message: e.message.clone(),
            })
            .collect(),
        fields,
        status: choice(
            ctx,
            &kept,
            "",
            "status",
            MeasureStatus::ALL
                .iter()
                .map(|s| {
                    (
                        s.code().to_owned(),
                        ctx.t(&format!("measure-status-{}", s.code())),
                    )
                })
                .collect(),
            &[ms.status.code().to_owned()],
            false,
            false,
        ),
        owners,
        rights: choice(
            ctx,
            &kept,
            "",
            "rights",
            ChildRight::ALL
                .iter()
                .map(|r| (r.code().to_owned(), ctx.t(&format!("right-{}", r.code()))))
                .collect(),
            &ms.rights
                .iter()
                .map(|r| r.code().to_owned())
                .collect::<Vec<_>>(),
            true,
            true,
        ),
        conditions: choice(
            ctx,
            &kept,
            "",
            "conditions",
            ImpactCondition::ALL
                .iter()
                .map(|c| {
                    (
                        c.code().to_owned(),
                        ctx.t(&format!("condition-{}", c.code())),
                    )
                })
                .collect(),
            &ms.conditions
                .iter()
                .map(|c| c.code().to_owned())
                .collect::<Vec<_>>(),
            true,
            true,
        ),
        indicators: indicator_choice,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// Writes a new measure or changes one, keeping its key.
pub async fn save_measure(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(form)): Checked<Form<Pairs>>,
) -> PageResult {
    let (tree, user) = editable(&st, &ctx, id).await?;
    refuse_frozen(&ctx, &tree)?;
    let at = value(&form, "at");
    let (g, f, m) = place(&tree, &at).ok_or_else(|| {
        AppError::BadRequest(format!(
            "there is no place '{at}' in this plan: reload the page"
        ))
    })?;
    let all = |name: &str| crate::support::forms::all(&form, name);
    let mut errs: Vec<FieldError> = Vec::new();
    let names = names_from(&form, "name").map_err(|e| errs.push(e)).ok();
    let status = MeasureStatus::parse(&value(&form, "status"))
        .map_err(|p| errs.push(FieldError::new("status", p)))
        .ok();
    let rights: Vec<ChildRight> = all("rights")
        .iter()
        .filter_map(|r| {
            ChildRight::parse(r)
                .map_err(|p| errs.push(FieldError::new("rights", p)))
                .ok()
        })
        .collect();
    let conditions: Vec<ImpactCondition> = all("conditions")
        .iter()
        .filter_map(|c| {
            ImpactCondition::parse(c)
                .map_err(|p| errs.push(FieldError::new("conditions", p)))
                .ok()
        })
        .collect();
    let mut spec = tree.to_spec();
    let measures = &mut spec.goals[g].focus_areas[f].measures;
    let refuse = |errs: Vec<FieldError>, status| {
        let kept = Kept {
            values: form
                .iter()
                .filter(|(k, _)| k != "csrf" && k != "at")
                .cloned()
                .collect(),
            errors: messages(&ctx, "", &errs),
            form: String::new(),
        };
        measure_page(&st, &ctx, &tree, &at, kept, status)
    };
    let (Some(names), Some(status), true) = (names, status, errs.is_empty()) else {
        return refuse(errs, StatusCode::BAD_REQUEST).await;
    };
    let measure = MeasureSpec {
        names,
        owners: all("owners"),
        responsible: value(&form, "responsible").trim().to_owned(),
        schedule: value(&form, "schedule").trim().to_owned(),
        budget: value(&form, "budget").trim().to_owned(),
        status,
        rights,
        conditions,
        indicators: all("indicators"),
        // The key stays: the measure's history stays with it.
        key: m.and_then(|m| measures[m].key.clone()),
    };
    let index = match m {
        Some(m) => {
            measures[m] = measure;
            m
        }
        None => {
            measures.push(measure);
            measures.len() - 1
        }
    };
    match save(&st, &user, &tree, &spec).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/plans/{id}/edit?saved=measure#{}",
            super::editor::anchor(&[g, f, index])
        ))
        .into_response()),
        Err(StoreError::Invalid(e)) => refuse(vec![e], StatusCode::BAD_REQUEST).await,
        Err(StoreError::Conflict(e)) => refuse(vec![e], StatusCode::CONFLICT).await,
        Err(e) => Err(e.into()),
    }
}
