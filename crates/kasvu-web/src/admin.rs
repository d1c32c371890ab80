//! Admin pages: edit the org tree (within one's scope), manage users and
//! read the audit log (admins). Every write checks the role on the server.

use crate::ctx::Ctx;
use crate::error::{AppError, PageResult};
use crate::i18n::Lang;
use crate::pages::today;
use crate::views::{
    level_choices, AdminUnitsPage, AdminUsersPage, AuditPage, AuditRow, Choice, FieldMessage,
    TreeRow, UnitFormPage, UnitView, UserRow,
};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use kasvu_core::role::permits;
use kasvu_core::{
    Action, Email, ExternalCode, FieldError, Level, Names, OrgCode, OrgTree, Password, Problem,
    Role, Sector, UnitKind, ValidRange,
};
use kasvu_store::{AuditFilter, NewUser, OrgUnit, OrgUnitSpec, StoreError, User};
use serde::Deserialize;

/// The unit form as typed; also what is shown again when it has errors.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct UnitForm {
    pub csrf: String,
    pub code: String,
    pub parent_code: String,
    pub level: String,
    pub kind: String,
    pub sector: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub external_codes: String,
    pub valid_from: String,
    pub valid_to: String,
}

impl UnitForm {
    fn of(u: &OrgUnit) -> Self {
        UnitForm {
            csrf: String::new(),
            code: u.code.clone(),
            parent_code: u.parent_code.clone().unwrap_or_default(),
            level: u.level.code().to_owned(),
            kind: u.kind.map(|k| k.code().to_owned()).unwrap_or_default(),
            sector: u.sector.map(|s| s.code().to_owned()).unwrap_or_default(),
            name_fi: u.names.fi.clone(),
            name_sv: u.names.sv.clone(),
            name_en: u.names.en.clone(),
            external_codes: ExternalCode::format_list(&u.external_codes),
            valid_from: u
                .valid
                .from
                .map(kasvu_core::format_date)
                .unwrap_or_default(),
            valid_to: u.valid.to.map(kasvu_core::format_date).unwrap_or_default(),
        }
    }

    /// Parses every field, collecting all problems so the form shows them at once.
    fn to_spec(&self) -> Result<OrgUnitSpec, Vec<FieldError>> {
        let mut errs = Vec::new();
        let code = take(&mut errs, "code", OrgCode::parse(&self.code));
        let parent = optional(&mut errs, "parent_code", &self.parent_code, OrgCode::parse);
        let level = take(&mut errs, "level", Level::parse(&self.level));
        let kind = optional(&mut errs, "kind", &self.kind, UnitKind::parse);
        let sector = optional(&mut errs, "sector", &self.sector, Sector::parse);
        let external_codes = take(
            &mut errs,
            "external_codes",
            ExternalCode::parse_list(&self.external_codes),
        );
        if let (Some(l), Some(k)) = (level, kind) {
            take(&mut errs, "kind", kasvu_core::check_kind(l, k));
        }
        let names = Names::parse(&self.name_fi, &self.name_sv, &self.name_en)
            .map_err(|e| errs.push(e))
            .ok();
        let valid = ValidRange::parse(&self.valid_from, &self.valid_to)
            .map_err(|e| errs.push(e))
            .ok();
        match (
            code,
            parent,
            level,
            kind,
            sector,
            names,
            external_codes,
            valid,
        ) {
            (
                Some(code),
                Some(parent),
                Some(level),
                Some(kind),
                Some(sector),
                Some(names),
                Some(external_codes),
                Some(valid),
            ) if errs.is_empty() => Ok(OrgUnitSpec {
                code,
                parent,
                level,
                kind,
                sector,
                names,
                external_codes,
                valid,
            }),
            _ => Err(errs),
        }
    }
}

/// The value, or `None` with the problem recorded against `field`.
fn take<T>(errs: &mut Vec<FieldError>, field: &str, r: Result<T, Problem>) -> Option<T> {
    r.map_err(|p| errs.push(FieldError::new(field, p))).ok()
}

/// An optional field: empty is `Some(None)`; a bad value is `None` with the problem recorded.
fn optional<T>(
    errs: &mut Vec<FieldError>,
    field: &str,
    raw: &str,
    parse: impl Fn(&str) -> Result<T, Problem>,
) -> Option<Option<T>> {
    match raw.trim() {
        "" => Some(None),
        v => take(errs, field, parse(v)).map(Some),
    }
}

fn field_label(lang: Lang, field: &str) -> String {
    lang.t(&format!("field-{}", field.replace('_', "-")))
}

fn messages(lang: Lang, errs: &[FieldError]) -> Vec<FieldMessage> {
    errs.iter()
        .map(|e| FieldMessage {
            field: e.field.clone(),
            label: field_label(lang, &e.field),
            message: lang.problem(&e.problem),
        })
        .collect()
}

/// The organisation's tree and units, for a signed-in user.
async fn my_org(st: &AppState, user: &User) -> Result<(OrgTree, Vec<OrgUnit>), AppError> {
    Ok((
        st.store.org_tree(user.org_id).await?,
        st.store.org_units(user.org_id).await?,
    ))
}

fn can(user: &User, tree: &OrgTree, action: Action, unit: &OrgUnit) -> bool {
    unit.org_id == user.org_id && permits(&user.assignments(), tree, action, unit.id)
}

/// Units in tree order with their depth.
fn tree_order(units: &[OrgUnit]) -> Vec<(&OrgUnit, usize)> {
    fn walk<'a>(
        units: &'a [OrgUnit],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(&'a OrgUnit, usize)>,
    ) {
        for u in units.iter().filter(|u| u.parent_id == parent) {
            out.push((u, depth));
            if depth < 16 {
                walk(units, Some(u.id), depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(units.len());
    let root = units.iter().find(|u| u.level == Level::Organisation);
    if let Some(r) = root {
        out.push((r, 0));
        walk(units, Some(r.id), 1, &mut out);
    }
    out
}

fn indented(u: &OrgUnit, depth: usize, lang: Lang) -> String {
    format!(
        "{}{} ({})",
        "— ".repeat(depth),
        u.names.get(lang.code()),
        lang.t(&format!("level-{}", u.level.code()))
    )
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn units(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let user = ctx.require_user()?;
    if !ctx.can_edit_tree {
        return Err(AppError::Forbidden);
    }
    let (tree, units) = my_org(&st, user).await?;
    let rows = tree_order(&units)
        .into_iter()
        .map(|(u, depth)| TreeRow {
            unit: UnitView::new(u, ctx.lang, today()),
            depth: depth.min(4),
            can_edit: can(user, &tree, Action::EditTree, u),
            can_add: u.level != Level::Unit && can(user, &tree, Action::EditTree, u),
        })
        .collect();
    let notice = q
        .saved
        .map(|c| ctx.lang.t_args("saved-unit", &[("code", c)]));
    Ok(Html(
        AdminUnitsPage {
            ctx: &ctx,
            rows,
            notice,
        }
        .render()?,
    )
    .into_response())
}

/// The signed-in user with their organisation's tree and units.
#[derive(Clone, Copy)]
struct Scope<'a> {
    user: &'a User,
    tree: &'a OrgTree,
    units: &'a [OrgUnit],
}

fn unit_form_page(
    ctx: &Ctx,
    Scope { user, tree, units }: Scope<'_>,
    form: UnitForm,
    errors: &[FieldError],
    editing: bool,
    status: StatusCode,
) -> PageResult {
    let lang = ctx.lang;
    let mut parents: Vec<Choice> = Vec::new();
    let editing_org = editing && form.level == Level::Organisation.code();
    if editing_org {
        parents.push((String::new(), "–".into()));
    }
    for (u, depth) in tree_order(units) {
        if u.level != Level::Unit
            && u.code != form.code
            && !u.valid.ended_before(today())
            && can(user, tree, Action::EditTree, u)
        {
            parents.push((u.code.clone(), indented(u, depth, lang)));
        }
    }
    let mut levels = level_choices(lang);
    if editing_org {
        levels = vec![(
            Level::Organisation.code().into(),
            lang.t("level-organisation"),
        )];
    }
    let page = UnitFormPage {
        ctx,
        editing,
        form,
        errors: messages(lang, errors),
        parents,
        levels,
        kinds: UnitKind::ALL
            .iter()
            .map(|k| (k.code().to_owned(), lang.t(&format!("kind-{}", k.code()))))
            .collect(),
        sectors: Sector::ALL
            .iter()
            .map(|s| (s.code().to_owned(), lang.t(&format!("sector-{}", s.code()))))
            .collect(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<String>,
}

pub async fn new_unit(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> PageResult {
    let user = ctx.require_user()?;
    if !ctx.can_edit_tree {
        return Err(AppError::Forbidden);
    }
    let (tree, units) = my_org(&st, user).await?;
    let parent = q.parent.unwrap_or_default();
    let level = match units.iter().find(|u| u.code == parent).map(|u| u.level) {
        Some(Level::Organisation) => Level::Area,
        Some(Level::Area) => Level::Cluster,
        _ => Level::Unit,
    };
    let form = UnitForm {
        parent_code: parent,
        level: level.code().into(),
        ..Default::default()
    };
    unit_form_page(
        &ctx,
        Scope {
            user,
            tree: &tree,
            units: &units,
        },
        form,
        &[],
        false,
        StatusCode::OK,
    )
}

/// Maps a store refusal to a form error, or passes other errors on.
fn store_field_error(e: StoreError) -> Result<(FieldError, StatusCode), AppError> {
    match e {
        StoreError::Invalid(f) => Ok((f, StatusCode::BAD_REQUEST)),
        StoreError::Conflict(f) => Ok((f, StatusCode::CONFLICT)),
        other => Err(other.into()),
    }
}

pub async fn create_unit(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(form): Form<UnitForm>,
) -> PageResult {
    let user = ctx.require_user()?;
    ctx.check_csrf(&form.csrf)?;
    let (tree, units) = my_org(&st, user).await?;
    let bad = |form: UnitForm, errs: Vec<FieldError>, status| {
        unit_form_page(
            &ctx,
            Scope {
                user,
                tree: &tree,
                units: &units,
            },
            form,
            &errs,
            false,
            status,
        )
    };
    let spec = match form.to_spec() {
        Ok(s) => s,
        Err(errs) => return bad(form, errs, StatusCode::BAD_REQUEST),
    };
    // Where the unit goes must be within the user's scope.
    let parent = match &spec.parent {
        Some(p) => units.iter().find(|u| u.code == p.as_str()),
        None => None,
    };
    let Some(parent) = parent else {
        if !ctx.can_edit_tree {
            return Err(AppError::Forbidden);
        }
        let p = Problem::new("err-parent-missing", "choose where the unit belongs")
            .arg("value", form.parent_code.clone());
        return bad(
            form,
            vec![FieldError::new("parent_code", p)],
            StatusCode::BAD_REQUEST,
        );
    };
    if !can(user, &tree, Action::EditTree, parent) {
        return Err(AppError::Forbidden);
    }
    match st
        .store
        .create_org_unit(&kasvu_store::Actor::user(user.id, &user.email), &spec)
        .await
    {
        Ok(u) => Ok(Redirect::to(&format!("/admin/units?saved={}", u.code)).into_response()),
        Err(e) => {
            let (f, status) = store_field_error(e)?;
            bad(form, vec![f], status)
        }
    }
}

async fn editable(
    st: &AppState,
    user: &User,
    code: &str,
) -> Result<(OrgTree, Vec<OrgUnit>, OrgUnit), AppError> {
    let unit = st.store.org_unit(code).await?.ok_or(AppError::NotFound)?;
    let (tree, units) = my_org(st, user).await?;
    if !can(user, &tree, Action::EditTree, &unit) {
        return Err(AppError::Forbidden);
    }
    Ok((tree, units, unit))
}

pub async fn edit_unit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> PageResult {
    let user = ctx.require_user()?;
    let (tree, units, unit) = editable(&st, user, &code).await?;
    unit_form_page(
        &ctx,
        Scope {
            user,
            tree: &tree,
            units: &units,
        },
        UnitForm::of(&unit),
        &[],
        true,
        StatusCode::OK,
    )
}

pub async fn update_unit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(mut form): Form<UnitForm>,
) -> PageResult {
    let user = ctx.require_user()?;
    ctx.check_csrf(&form.csrf)?;
    let (tree, units, unit) = editable(&st, user, &code).await?;
    form.code = unit.code.clone();
    let bad = |form: UnitForm, errs: Vec<FieldError>, status| {
        unit_form_page(
            &ctx,
            Scope {
                user,
                tree: &tree,
                units: &units,
            },
            form,
            &errs,
            true,
            status,
        )
    };
    let spec = match form.to_spec() {
        Ok(s) => s,
        Err(errs) => return bad(form, errs, StatusCode::BAD_REQUEST),
    };
    if spec.parent.as_ref().map(OrgCode::as_str) != unit.parent_code.as_deref() {
        let new_parent = spec
            .parent
            .as_ref()
            .and_then(|p| units.iter().find(|u| u.code == p.as_str()));
        if let Some(np) = new_parent {
            if !can(user, &tree, Action::EditTree, np) {
                return Err(AppError::Forbidden);
            }
        }
    }
    match st
        .store
        .update_org_unit(&kasvu_store::Actor::user(user.id, &user.email), &spec)
        .await
    {
        Ok((u, _)) => Ok(Redirect::to(&format!("/admin/units?saved={}", u.code)).into_response()),
        Err(e) => {
            let (f, status) = store_field_error(e)?;
            bad(form, vec![f], status)
        }
    }
}

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
async fn admin_org(
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

async fn users_page(
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
    Form(form): Form<UserForm>,
) -> PageResult {
    ctx.check_csrf(&form.csrf)?;
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
    let scope = units.iter().find(|u| u.code == form.org.trim());
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
    csrf: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope: String,
}

/// The user being managed, who must be in the admin's organisation.
async fn managed_user(st: &AppState, admin: &User, id: i64) -> Result<User, AppError> {
    match st.store.user(id).await? {
        Some(u) if u.org_id == admin.org_id => Ok(u),
        _ => Err(AppError::NotFound),
    }
}

pub async fn add_role(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    ctx.check_csrf(&form.csrf)?;
    let (admin, tree, units) = admin_org(&st, &ctx, Action::ManageUsers).await?;
    let target = managed_user(&st, &admin, id).await?;
    let role = Role::parse(&form.role).map_err(|p| AppError::BadRequest(ctx.lang.problem(&p)))?;
    let scope = units
        .iter()
        .find(|u| u.code == form.scope.trim())
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

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn remove_role(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, role_id)): Path<(i64, i64)>,
    Form(form): Form<CsrfOnly>,
) -> PageResult {
    ctx.check_csrf(&form.csrf)?;
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
    csrf: String,
    #[serde(default)]
    disabled: String,
}

pub async fn set_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(form): Form<StatusForm>,
) -> PageResult {
    ctx.check_csrf(&form.csrf)?;
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

#[derive(Deserialize)]
pub struct AuditQuery {
    before: Option<i64>,
}

pub async fn audit(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let (admin, _, _) = admin_org(&st, &ctx, Action::ReadAudit).await?;
    const PAGE: i64 = 100;
    let entries = st
        .store
        .audit_entries(&AuditFilter {
            org_id: admin.org_id,
            before_id: q.before,
            limit: PAGE,
            ..Default::default()
        })
        .await?;
    let older = (entries.len() as i64 == PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    let rows = entries.iter().map(AuditRow::new).collect();
    Ok(Html(
        AuditPage {
            ctx: &ctx,
            rows,
            older,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Template)]
#[template(path = "admin_password_link.html")]
pub struct PasswordLinkPage<'a> {
    pub ctx: &'a Ctx,
    pub name: String,
    pub email: String,
    pub url: String,
    pub hours: i64,
}

/// An admin makes a one-time link for a user of their organisation to set a
/// new password (a forgotten one, or a user added without one). The link is
/// shown once, to be sent to the person; the old password keeps working
/// until the link is used, and using it ends every session of the user.
pub async fn password_link(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<crate::auth::CsrfForm>,
) -> PageResult {
    ctx.check_csrf(&form.csrf)?;
    let (admin, _, _) = admin_org(&st, &ctx, Action::ManageUsers).await?;
    let target = managed_user(&st, &admin, id).await?;
    if target.disabled {
        return Err(AppError::BadRequest(ctx.t("err-user-disabled")));
    }
    let hours = kasvu_store::PASSWORD_LINK_HOURS;
    let token = st
        .store
        .create_password_link(
            &kasvu_store::Actor::user(admin.id, &admin.email),
            target.id,
            hours,
        )
        .await?;
    let page = PasswordLinkPage {
        ctx: &ctx,
        url: format!(
            "{}/password/{token}",
            crate::feedback_pages::public_base(&st, &headers)
        ),
        name: target.name,
        email: target.email,
        hours,
    };
    // The page holds a live credential: never cached or kept by a browser.
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Html(page.render()?),
    )
        .into_response())
}
