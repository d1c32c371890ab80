//! The register's form: adding an actor and editing one by hand, for the
//! roles that may import the register (roles that edit the tree, each
//! entry's areas within their scope, as for an imported row). The store
//! checks the entry as it checks an imported row and audits it alike; a
//! refusal shows the form again with the error beside its field, and
//! nothing is written.

use super::register::approves;
use crate::support::access::area_choices;
use crate::support::ctx::{Ctx, SignedIn};
use crate::support::error::{AppError, PageResult};
use crate::support::forms::{all, field, Checked};
use crate::support::today;
use crate::support::views::{FieldMessage, HasErrors};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use kasvu_core::actor::{parse_list, Audience};
use kasvu_core::role::permits;
use kasvu_core::{Action, FieldError, OrgTree, Problem, Sector};
use kasvu_store::{Actor, ActorSpec, OrgUnit, StoreError, User};

#[derive(Template)]
#[template(path = "actor_form.html")]
pub struct ActorFormPage<'a> {
    pub ctx: &'a Ctx,
    pub new: bool,
    pub e: ActorSpec,
    pub errors: Vec<FieldMessage>,
    pub sectors: Vec<(String, String)>,
    pub units: Vec<(String, String)>,
    pub areas: Vec<(String, String)>,
    pub audiences: Vec<(String, String)>,
    pub chosen_audiences: Vec<String>,
}

impl HasErrors for ActorFormPage<'_> {
    fn errors(&self) -> &[FieldMessage] {
        &self.errors
    }
}

/// Whether the user keeps the register somewhere (may import it).
fn keeps_register(user: &User) -> bool {
    user.roles.iter().any(|r| r.role.allows(Action::EditTree))
}

/// Whether every area of the entry is within the user's scope (the
/// organisation, for an entry without areas), as for an imported row.
fn within_scope(tree: &OrgTree, units: &[OrgUnit], user: &User, areas: &[String]) -> bool {
    if areas.is_empty() {
        return permits(&user.assignments(), tree, Action::EditTree, user.org_id);
    }
    areas.iter().all(|c| {
        units
            .iter()
            .find(|u| kasvu_core::same_code(&u.code, c))
            .is_some_and(|u| permits(&user.assignments(), tree, Action::EditTree, u.id))
    })
}

fn blank() -> ActorSpec {
    ActorSpec {
        code: String::new(),
        name: String::new(),
        sector: Sector::ThirdSector,
        unit: String::new(),
        offer: String::new(),
        audiences: Vec::new(),
        themes: Vec::new(),
        languages: Vec::new(),
        opening_hours: String::new(),
        areas: Vec::new(),
        phone: String::new(),
        email: String::new(),
        website: String::new(),
        contact_person: String::new(),
        contact_phone: String::new(),
        contact_email: String::new(),
        confirmed_on: String::new(),
    }
}

/// A list field as typed: comma- or semicolon-separated.
fn list(form: &[(String, String)], name: &str) -> Vec<String> {
    parse_list(&field(form, name).replace(',', ";"))
}

/// The entry as sent; a choice that is not one of the offered values is
/// refused naming its field.
fn spec_from(form: &[(String, String)], code: String) -> Result<ActorSpec, FieldError> {
    let sector =
        Sector::parse(field(form, "sector").trim()).map_err(|p| FieldError::new("sector", p))?;
    let mut audiences = Vec::new();
    for a in all(form, "audiences") {
        audiences.push(Audience::parse(&a).map_err(|p| FieldError::new("audiences", p))?);
    }
    Ok(ActorSpec {
        code,
        name: field(form, "name"),
        sector,
        unit: field(form, "unit").trim().to_owned(),
        offer: field(form, "offer"),
        audiences,
        themes: list(form, "themes"),
        languages: list(form, "languages"),
        opening_hours: field(form, "opening_hours"),
        areas: all(form, "areas"),
        phone: field(form, "phone"),
        email: field(form, "email"),
        website: field(form, "website"),
        contact_person: field(form, "contact_person"),
        contact_phone: field(form, "contact_phone"),
        contact_email: field(form, "contact_email"),
        confirmed_on: String::new(),
    })
}

/// The user's tree and units, when they keep the register.
async fn keeper(st: &AppState, user: &User) -> Result<(OrgTree, Vec<OrgUnit>), AppError> {
    if !keeps_register(user) {
        return Err(AppError::Forbidden);
    }
    Ok((
        st.store.org_tree(user.org_id).await?,
        st.store.org_units(user.org_id).await?,
    ))
}

fn render(
    ctx: &Ctx,
    units: &[OrgUnit],
    new: bool,
    e: ActorSpec,
    errors: Vec<FieldError>,
) -> PageResult {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = ActorFormPage {
        ctx,
        new,
        chosen_audiences: e.audiences.iter().map(|a| a.code().to_owned()).collect(),
        e,
        errors: errors
            .iter()
            .map(|f| FieldMessage {
                field: f.field.clone(),
                label: ctx.t(&format!("actor-{}", f.field.replace('_', "-"))),
                message: ctx.lang.problem(&f.problem),
            })
            .collect(),
        sectors: Sector::ALL
            .iter()
            .map(|s| (s.code().to_owned(), ctx.sector(s)))
            .collect(),
        units: units
            .iter()
            .filter(|u| u.level == kasvu_core::Level::Unit)
            .map(|u| (u.code.clone(), ctx.name(&u.names).to_owned()))
            .collect(),
        areas: area_choices(ctx, units),
        audiences: Audience::ALL
            .iter()
            .map(|a| {
                (
                    a.code().to_owned(),
                    ctx.t(&format!("audience-{}", a.code())),
                )
            })
            .collect(),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// A store refusal as the form's error, or the error it is.
fn form_error(e: StoreError) -> Result<FieldError, AppError> {
    match e {
        StoreError::Invalid(f) | StoreError::Conflict(f) => Ok(f),
        other => Err(other.into()),
    }
}

fn out_of_scope() -> FieldError {
    FieldError::new(
        "areas",
        Problem::new(
            "err-actor-areas-scope",
            "the areas are not all within your responsibility",
        ),
    )
}

/// `GET /actors/new`
pub async fn new_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
) -> PageResult {
    let (_, units) = keeper(&st, &user).await?;
    render(&ctx, &units, true, blank(), Vec::new())
}

/// `POST /actors/new`
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Checked(axum::Form(form)): Checked<axum::Form<Vec<(String, String)>>>,
) -> PageResult {
    let (tree, units) = keeper(&st, &user).await?;
    let code = field(&form, "code").trim().to_owned();
    let spec = match spec_from(&form, code.clone()) {
        Ok(s) => s,
        Err(f) => {
            let mut shown = blank();
            shown.code = code;
            return render(&ctx, &units, true, shown, vec![f]);
        }
    };
    if !within_scope(&tree, &units, &user, &spec.areas) {
        return render(&ctx, &units, true, spec, vec![out_of_scope()]);
    }
    if let Err(e) = st
        .store
        .create_actor(
            &Actor::user(user.id, &user.email),
            user.org_id,
            &spec,
            today(),
        )
        .await
    {
        return render(&ctx, &units, true, spec, vec![form_error(e)?]);
    }
    Ok(Redirect::to(&format!(
        "/actors/{}?saved=created",
        crate::support::ctx::url_encode(&code)
    ))
    .into_response())
}

/// The entry the user may edit: of their organisation, kept by them.
async fn editable(
    st: &AppState,
    user: &User,
    code: &str,
) -> Result<(OrgTree, Vec<OrgUnit>, kasvu_store::ActorEntry), AppError> {
    let (tree, units) = keeper(st, user).await?;
    let e = st
        .store
        .actor_entry(user.org_id, code)
        .await?
        .ok_or(AppError::NotFound)?;
    if !approves(&tree, user, &e) {
        return Err(AppError::Forbidden);
    }
    Ok((tree, units, e))
}

/// `GET /actors/{code}/edit`
pub async fn edit_form(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(code): Path<String>,
) -> PageResult {
    let (_, units, e) = editable(&st, &user, &code).await?;
    render(&ctx, &units, false, e.spec, Vec::new())
}

/// `POST /actors/{code}/edit`
pub async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Path(code): Path<String>,
    Checked(axum::Form(form)): Checked<axum::Form<Vec<(String, String)>>>,
) -> PageResult {
    let (tree, units, e) = editable(&st, &user, &code).await?;
    let spec = match spec_from(&form, e.spec.code.clone()) {
        Ok(s) => s,
        Err(f) => return render(&ctx, &units, false, e.spec, vec![f]),
    };
    // Only the areas it gains or loses must be the editor's: a keeper of
    // one area edits a shared entry without dropping (or adding) another
    // area's part of it; an entry left without areas is organisation-wide.
    let changed: Vec<String> = e
        .spec
        .areas
        .iter()
        .filter(|a| !spec.areas.iter().any(|n| kasvu_core::same_code(n, a)))
        .chain(
            spec.areas
                .iter()
                .filter(|n| !e.spec.areas.iter().any(|a| kasvu_core::same_code(n, a))),
        )
        .cloned()
        .collect();
    if (spec.areas.is_empty() && !within_scope(&tree, &units, &user, &[]))
        || (!changed.is_empty() && !within_scope(&tree, &units, &user, &changed))
    {
        return render(&ctx, &units, false, spec, vec![out_of_scope()]);
    }
    if let Err(err) = st
        .store
        .save_actor(
            &Actor::user(user.id, &user.email),
            user.org_id,
            &spec,
            today(),
        )
        .await
    {
        return render(&ctx, &units, false, spec, vec![form_error(err)?]);
    }
    Ok(Redirect::to(&format!(
        "/actors/{}?saved=updated",
        crate::support::ctx::url_encode(&e.spec.code)
    ))
    .into_response())
}
