//! Admin pages: edit the org tree (within one's scope), manage users and
//! read the audit log (admins). Every write checks the role on the server.

use super::views::{level_choices, AdminUnitsPage, Choice, TreeRow, UnitFormPage};
use crate::i18n::Lang;
use crate::support::ctx::{Ctx, SignedIn};
use crate::support::error::{AppError, PageResult};
use crate::support::forms::Checked;
use crate::support::forms::SavedQuery;
use crate::support::today;
use crate::support::views::{FieldMessage, UnitView};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::role::permits;
use kasvu_core::{
    Action, ExternalCode, FieldError, Level, Names, OrgCode, OrgTree, Problem, Sector, UnitKind,
    ValidRange,
};
use kasvu_store::{OrgUnit, OrgUnitSpec, StoreError, User};
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
    /// What families call the area or cluster ("Tuira, Toppila").
    pub everyday_name: String,
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
            everyday_name: u.everyday_name.clone(),
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
        take(
            &mut errs,
            "everyday_name",
            kasvu_store::check_everyday_name(&self.everyday_name),
        );
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
pub(super) fn take<T>(errs: &mut Vec<FieldError>, field: &str, r: Result<T, Problem>) -> Option<T> {
    r.map_err(|p| errs.push(FieldError::new(field, p))).ok()
}

/// An optional field: empty is `Some(None)`; a bad value is `None` with the problem recorded.
pub(super) fn optional<T>(
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

pub(super) fn field_label(lang: Lang, field: &str) -> String {
    lang.t(&format!("field-{}", field.replace('_', "-")))
}

pub(super) fn messages(lang: Lang, errs: &[FieldError]) -> Vec<FieldMessage> {
    errs.iter()
        .map(|e| FieldMessage {
            field: e.field.clone(),
            label: field_label(lang, &e.field),
            message: lang.problem(&e.problem),
        })
        .collect()
}

/// The organisation's tree and units, for a signed-in user.
pub(super) async fn my_org(
    st: &AppState,
    user: &User,
) -> Result<(OrgTree, Vec<OrgUnit>), AppError> {
    Ok((
        st.store.org_tree(user.org_id).await?,
        st.store.org_units(user.org_id).await?,
    ))
}

pub(super) fn can(user: &User, tree: &OrgTree, action: Action, unit: &OrgUnit) -> bool {
    unit.org_id == user.org_id && permits(&user.assignments(), tree, action, unit.id)
}

/// Units in tree order with their depth.
pub(super) fn tree_order(units: &[OrgUnit]) -> Vec<(&OrgUnit, usize)> {
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

pub(super) fn indented(u: &OrgUnit, depth: usize, lang: Lang) -> String {
    format!(
        "{}{} ({})",
        "— ".repeat(depth),
        u.names.get(lang.code()),
        lang.t(&format!("level-{}", u.level.code()))
    )
}

pub async fn units(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(ref user): SignedIn,
    Query(q): Query<SavedQuery>,
) -> PageResult {
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
pub(super) struct Scope<'a> {
    user: &'a User,
    tree: &'a OrgTree,
    units: &'a [OrgUnit],
}

pub(super) fn unit_form_page(
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
    SignedIn(ref user): SignedIn,
    Query(q): Query<NewQuery>,
) -> PageResult {
    if !ctx.can_edit_tree {
        return Err(AppError::Forbidden);
    }
    let (tree, units) = my_org(&st, user).await?;
    let parent = q.parent.unwrap_or_default();
    let level = match units
        .iter()
        .find(|u| kasvu_core::same_code(&u.code, &parent))
        .map(|u| u.level)
    {
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
pub(super) fn store_field_error(e: StoreError) -> Result<(FieldError, StatusCode), AppError> {
    match e {
        StoreError::Invalid(f) => Ok((f, StatusCode::BAD_REQUEST)),
        StoreError::Conflict(f) => Ok((f, StatusCode::CONFLICT)),
        other => Err(other.into()),
    }
}

pub async fn create_unit(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(ref user): SignedIn,
    Checked(Form(form)): Checked<Form<UnitForm>>,
) -> PageResult {
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
        Some(p) => units
            .iter()
            .find(|u| kasvu_core::same_code(&u.code, p.as_str())),
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
        Ok(u) => {
            st.store
                .set_everyday_name(
                    &kasvu_store::Actor::user(user.id, &user.email),
                    &u.code,
                    &form.everyday_name,
                )
                .await?;
            Ok(Redirect::to(&format!("/admin/units?saved={}", u.code)).into_response())
        }
        Err(e) => {
            let (f, status) = store_field_error(e)?;
            bad(form, vec![f], status)
        }
    }
}

pub(super) async fn editable(
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
    SignedIn(ref user): SignedIn,
    Path(code): Path<String>,
) -> PageResult {
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
    SignedIn(ref user): SignedIn,
    Path(code): Path<String>,
    Checked(Form(mut form)): Checked<Form<UnitForm>>,
) -> PageResult {
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
        let new_parent = spec.parent.as_ref().and_then(|p| {
            units
                .iter()
                .find(|u| kasvu_core::same_code(&u.code, p.as_str()))
        });
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
        Ok((u, _)) => {
            if u.parent_code != unit.parent_code {
                // A move sets every protected year aside: protected again
                // in the background rather than by the next dashboards.
                st.store
                    .protect_ahead_in_background(kasvu_store::ProtectScope::Everything);
            }
            st.store
                .set_everyday_name(
                    &kasvu_store::Actor::user(user.id, &user.email),
                    &u.code,
                    &form.everyday_name,
                )
                .await?;
            Ok(Redirect::to(&format!("/admin/units?saved={}", u.code)).into_response())
        }
        Err(e) => {
            let (f, status) = store_field_error(e)?;
            bad(form, vec![f], status)
        }
    }
}
