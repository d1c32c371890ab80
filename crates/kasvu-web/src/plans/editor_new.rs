//! A new plan from a form: the organisation's plan, or a regional
//! development plan for an area or cluster drawn from the organisation's
//! plan (its goals and focus areas are copied in to start from). Who may:
//! roles that manage plans at the unit the plan is for
//! (`kasvu_core::plan::may_manage`), checked here, never taken from the form.

use super::editor::{names_from, parent_tree, value, visibility_options, Pairs};
use super::editor_views::{choice, field, messages, Kept, NewPlanPage};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::forms::Checked;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::plan::may_manage;
use kasvu_core::{FieldError, Level, Names, PlanPeriod, PlanVisibility, Problem};
use kasvu_store::{FocusAreaSpec, GoalSpec, PlanSpec, StoreError, User};

/// Where the user may make a plan: `""` for the organisation, else area and
/// cluster codes, with their names.
async fn scopes(st: &AppState, ctx: &Ctx, user: &User) -> Result<Vec<(String, String)>, AppError> {
    let tree = st.store.org_tree(user.org_id).await?;
    let a = user.assignments();
    let mut out = Vec::new();
    if may_manage(&a, &tree, user.org_id, None) {
        out.push((String::new(), ctx.t("pe-scope-organisation")));
    }
    let mut units: Vec<(String, String)> = st
        .store
        .org_units(user.org_id)
        .await?
        .into_iter()
        .filter(|u| matches!(u.level, Level::Area | Level::Cluster))
        .filter(|u| may_manage(&a, &tree, user.org_id, Some(u.id)))
        .map(|u| (u.code.clone(), ctx.name(&u.names).to_owned()))
        .collect();
    units.sort_by(|a, b| a.1.cmp(&b.1));
    out.extend(units);
    Ok(out)
}

async fn new_page(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
    scope_options: Vec<(String, String)>,
    kept: Kept,
    status: StatusCode,
) -> PageResult {
    let year = crate::support::today().year();
    let mut fields = vec![field(ctx, &kept, "", "code", String::new())];
    fields[0].hint = Some(ctx.t("pe-hint-code"));
    fields[0].required = true;
    for name in ["title_fi", "title_sv", "title_en"] {
        let mut f = field(ctx, &kept, "", name, String::new());
        f.required = name == "title_fi";
        fields.push(f);
    }
    let mut aim = field(ctx, &kept, "", "aim_fi", String::new());
    aim.kind = "textarea";
    fields.push(aim);
    for (name, y) in [("start_year", year + 1), ("end_year", year + 4)] {
        let mut f = field(ctx, &kept, "", name, y.to_string());
        f.kind = "number";
        f.required = true;
        fields.push(f);
    }
    let mut parents: Vec<(String, String)> = st
        .store
        .plans(user.org_id)
        .await?
        .into_iter()
        .filter(|p| p.scope.is_none())
        .map(|p| {
            (
                p.code.clone(),
                format!("{} ({})", ctx.name(&p.title), p.code),
            )
        })
        .collect();
    parents.dedup_by(|a, b| a.0 == b.0);
    parents.insert(0, (String::new(), "–".to_owned()));
    let mut scope = choice(ctx, &kept, "", "scope", scope_options, &[], false, false);
    scope.hint = Some(ctx.t("pe-hint-scope"));
    let mut parent = choice(ctx, &kept, "", "parent", parents, &[], false, false);
    parent.hint = Some(ctx.t("pe-hint-parent"));
    let visibility = choice(
        ctx,
        &kept,
        "",
        "visibility",
        visibility_options(ctx),
        &[PlanVisibility::Public.code().to_owned()],
        false,
        false,
    );
    let page = NewPlanPage {
        ctx,
        errors: kept.errors,
        fields,
        scope,
        parent,
        visibility,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// The form of a new plan.
pub async fn new_plan(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.require_user()?.clone();
    let options = scopes(&st, &ctx, &user).await?;
    if options.is_empty() {
        return Err(AppError::Forbidden);
    }
    new_page(&st, &ctx, &user, options, Kept::default(), StatusCode::OK).await
}

/// Creates the plan as a draft and opens it in the editor.
pub async fn create_plan(
    State(st): State<AppState>,
    ctx: Ctx,
    Checked(Form(form)): Checked<Form<Pairs>>,
) -> PageResult {
    let user = ctx.require_user()?.clone();
    let options = scopes(&st, &ctx, &user).await?;
    if options.is_empty() {
        return Err(AppError::Forbidden);
    }
    let scope = value(&form, "scope").trim().to_owned();
    let parent = value(&form, "parent").trim().to_owned();
    let mut errs = Vec::new();
    // The scope must be one the user may plan for: never the form's word.
    if !options.iter().any(|(c, _)| *c == scope) {
        errs.push(FieldError::new(
            "scope",
            Problem::new(
                "err-pe-scope",
                "your roles do not allow making a plan for this unit",
            )
            .arg("value", scope.as_str()),
        ));
    }
    if !scope.is_empty() && parent.is_empty() {
        errs.push(FieldError::new("parent", Problem::required()));
    }
    let title = names_from(&form, "title").map_err(|e| errs.push(e)).ok();
    let aim_fi = value(&form, "aim_fi");
    let aim = if aim_fi.trim().is_empty() {
        Some(Names::default())
    } else {
        names_from(&form, "aim").map_err(|e| errs.push(e)).ok()
    };
    let year = |name: &str, errs: &mut Vec<FieldError>| {
        let v = value(&form, name);
        v.trim()
            .parse::<i32>()
            .map_err(|_| {
                errs.push(FieldError::new(
                    name,
                    Problem::new("err-pe-year", format!("'{v}' is not a year"))
                        .arg("value", v.trim()),
                ))
            })
            .ok()
    };
    let (start, end) = (year("start_year", &mut errs), year("end_year", &mut errs));
    let period = match (start, end) {
        (Some(s), Some(e)) => PlanPeriod::new(s, e)
            .map_err(|p| errs.push(FieldError::new("end_year", p)))
            .ok(),
        _ => None,
    };
    let visibility = PlanVisibility::parse(&value(&form, "visibility"))
        .map_err(|p| errs.push(FieldError::new("visibility", p)))
        .ok();
    let refuse = |errs: Vec<FieldError>, status: StatusCode| {
        let kept = Kept {
            values: form.iter().filter(|(k, _)| k != "csrf").cloned().collect(),
            errors: messages(&ctx, "", &errs),
            form: String::new(),
        };
        new_page(&st, &ctx, &user, options.clone(), kept, status)
    };
    let (Some(title), Some(aim), Some(period), Some(visibility), true) =
        (title, aim, period, visibility, errs.is_empty())
    else {
        return refuse(errs, StatusCode::BAD_REQUEST).await;
    };
    // A regional plan starts from the organisation plan's goals and focus
    // areas (the ones it may have).
    let goals = if scope.is_empty() {
        Vec::new()
    } else {
        match parent_tree(&st, user.org_id, &parent).await? {
            Some(t) => t
                .goals
                .iter()
                .map(|g| GoalSpec {
                    names: g.names.clone(),
                    focus_areas: g
                        .focus_areas
                        .iter()
                        .map(|f| FocusAreaSpec {
                            names: f.names.clone(),
                            measures: Vec::new(),
                        })
                        .collect(),
                })
                .collect(),
            None => Vec::new(),
        }
    };
    let spec = PlanSpec {
        code: value(&form, "code").trim().to_owned(),
        title,
        aim,
        period,
        goals,
        impacts: Vec::new(),
        scope: (!scope.is_empty()).then_some(scope.clone()),
        parent: (!scope.is_empty()).then_some(parent.clone()),
        visibility,
        strengths: Vec::new(),
        challenges: Vec::new(),
        structures: Vec::new(),
    };
    match st
        .store
        .create_plan(
            &kasvu_store::Actor::user(user.id, &user.email),
            user.org_id,
            &spec,
        )
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/plans/{id}/edit?saved=created")).into_response()),
        Err(StoreError::Invalid(e)) => refuse(vec![e], StatusCode::BAD_REQUEST).await,
        Err(StoreError::Conflict(e)) => refuse(vec![e], StatusCode::CONFLICT).await,
        Err(e) => Err(e.into()),
    }
}
