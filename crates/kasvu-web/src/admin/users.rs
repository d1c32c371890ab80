//! The organisation's people: accounts, roles and their scopes, disabling.

use super::units::{can, indented, messages, my_org, store_field_error, tree_order};
use super::views::{AdminUsersPage, UserRow};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::forms::{Checked, TokenOnly};
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use kasvu_core::{Action, Email, FieldError, OrgTree, Password, Problem, Role};
use kasvu_store::{NewUser, OrgUnit, StoreError, User};
use serde::Deserialize;

// ----- users -----

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UserForm {
    pub csrf: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub org: String,
    pub password: String,
}

/// The organisation root, when the user administers it.
pub(super) async fn admin_org(
    st: &AppState,
    ctx: &Ctx,
    action: Action,
) -> Result<(User, OrgTree, Vec<OrgUnit>), AppError> {
    let user = ctx.require_user()?.clone();
    let (tree, units) = my_org(st, &user).await?;
    let root = units
        .iter()
        .find(|u| u.id == user.org_id)
        .ok_or(AppError::NotFound)?;
    if !can(&user, &tree, action, root) {
        return Err(AppError::Forbidden);
    }
    Ok((user, tree, units))
}

pub(super) async fn users_page(
    st: &AppState,
    ctx: &Ctx,
    units: &[OrgUnit],
    form: UserForm,
    errs: &[FieldError],
    notice: Option<String>,
    status: StatusCode,
) -> PageResult {
    let user = ctx.require_user()?;
    let lang = ctx.lang;
    let users = st
        .store
        .users(user.org_id)
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            roles: u
                .roles
                .iter()
                .map(|r| {
                    (
                        r.id,
                        format!(
                            "{} – {}",
                            lang.t(&format!("role-{}", r.role.code())),
                            r.scope_names.get(lang.code())
                        ),
                    )
                })
                .collect(),
            name: u.name,
            email: u.email,
            disabled: u.disabled,
        })
        .collect();
    let page = AdminUsersPage {
        ctx,
        users,
        form,
        errors: messages(lang, errs),
        roles: Role::ALL
            .iter()
            .map(|r| (r.code().to_owned(), lang.t(&format!("role-{}", r.code()))))
            .collect(),
        scopes: tree_order(units)
            .into_iter()
            .filter(|(u, _)| !u.valid.ended_before(today()))
            .map(|(u, d)| (u.code.clone(), indented(u, d, lang)))
            .collect(),
        notice,
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
}

pub async fn users(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NoticeQuery>,
) -> PageResult {
    let (_, _, units) = admin_org(&st, &ctx, Action::ManageUsers).await?;
    let notice = q.done.map(|_| ctx.t("saved"));
    users_page(
        &st,
        &ctx,
        &units,
        UserForm {
            role: "staff".into(),
            ..Default::default()
        },
        &[],
        notice,
        StatusCode::OK,
    )
    .await
}

pub async fn create_user(
    State(st): State<AppState>,
    ctx: Ctx,
    Checked(Form(form)): Checked<Form<UserForm>>,
) -> PageResult {
    let (admin, tree, units) = admin_org(&st, &ctx, Action::ManageUsers).await?;
    let mut errs = Vec::new();
    let email = Email::parse(&form.email)
        .map_err(|p| errs.push(FieldError::new("email", p)))
        .ok();
    let name = kasvu_store::parse_name(&form.name)
        .map_err(|p| errs.push(FieldError::new("name", p)))
        .ok();
    let role = Role::parse(&form.role)
        .map_err(|p| errs.push(FieldError::new("role", p)))
        .ok();
    let password = Password::parse(&form.password)
        .map_err(|p| errs.push(FieldError::new("password", p)))
        .ok();
    let scope = units
        .iter()
        .find(|u| kasvu_core::same_code(&u.code, &form.org));
    if scope.is_none() {
        errs.push(FieldError::new(
            "org",
            Problem::new("err-unit-missing", "choose a unit").arg("value", form.org.clone()),
        ));
    }
    let (Some(email), Some(name), Some(role), Some(password), Some(scope), true) =
        (email, name, role, password, scope, errs.is_empty())
    else {
        return users_page(
            &st,
            &ctx,
            &units,
            form,
            &errs,
            None,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    if !can(&admin, &tree, Action::ManageUsers, scope) {
        return Err(AppError::Forbidden);
    }
    let new = NewUser {
        email,
        name,
        password: Some(password),
        role,
        scope_code: scope.code.clone(),
    };
    match st
        .store
        .create_user(&kasvu_store::Actor::user(admin.id, &admin.email), new)
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/users?done=1").into_response()),
        Err(e) => {
            let (f, status) = store_field_error(e)?;
            users_page(&st, &ctx, &units, form, &[f], None, status).await
        }
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
}

/// The user being managed, who must be in the admin's organisation.
pub(super) async fn managed_user(st: &AppState, admin: &User, id: i64) -> Result<User, AppError> {
    match st.store.user(id).await? {
        Some(u) if u.org_id == admin.org_id => Ok(u),
        _ => Err(AppError::NotFound),
    }
}

pub async fn add_role(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(form)): Checked<Form<RoleForm>>,
) -> Result<Response, AppError> {
    let (admin, tree, units) = admin_org(&st, &ctx, Action::ManageUsers).await?;
    let target = managed_user(&st, &admin, id).await?;
    let role = Role::parse(&form.role).map_err(|p| AppError::BadRequest(ctx.lang.problem(&p)))?;
    let scope = units
        .iter()
        .find(|u| kasvu_core::same_code(&u.code, &form.scope))
        .ok_or_else(|| AppError::BadRequest(ctx.t("err-unit-missing-short")))?;
    if !can(&admin, &tree, Action::ManageUsers, scope) {
        return Err(AppError::Forbidden);
    }
    match st
        .store
        .add_role(
            &kasvu_store::Actor::user(admin.id, &admin.email),
            target.id,
            role,
            &scope.code,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/users?done=1").into_response()),
        Err(StoreError::Invalid(f)) => Err(AppError::BadRequest(ctx.lang.problem(&f.problem))),
        Err(e) => Err(e.into()),
    }
}

pub async fn remove_role(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, role_id)): Path<(i64, i64)>,
    _: Checked<TokenOnly>,
) -> PageResult {
    let (admin, _, _) = admin_org(&st, &ctx, Action::ManageUsers).await?;
    let target = managed_user(&st, &admin, id).await?;
    st.store
        .remove_role(
            &kasvu_store::Actor::user(admin.id, &admin.email),
            target.id,
            role_id,
        )
        .await?;
    Ok(Redirect::to("/admin/users?done=1").into_response())
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    disabled: String,
}

pub async fn set_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(form)): Checked<Form<StatusForm>>,
) -> PageResult {
    let (admin, _, _) = admin_org(&st, &ctx, Action::ManageUsers).await?;
    let target = managed_user(&st, &admin, id).await?;
    let disabled = form.disabled == "true";
    if disabled && target.id == admin.id {
        return Err(AppError::BadRequest(ctx.t("err-disable-self")));
    }
    st.store
        .set_user_disabled(
            &kasvu_store::Actor::user(admin.id, &admin.email),
            target.id,
            disabled,
        )
        .await?;
    Ok(Redirect::to("/admin/users?done=1").into_response())
}
