//! A person's own account: changing one's password (the current one
//! required; every other session ends) and setting a password through a
//! one-time link (from `kasvu user add`, `kasvu init` or an admin's reset).

use crate::support::ctx::{Ctx, SignedIn};
use crate::support::error::{AppError, PageResult};
use crate::support::forms::Checked;
use crate::support::forms::SavedQuery;
use crate::support::views::{FieldMessage, HasErrors};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::{FieldError, Password, Problem};
use kasvu_store::StoreError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage<'a> {
    pub ctx: &'a Ctx,
    /// The person's roles as "role – unit".
    pub roles: Vec<String>,
    pub errors: Vec<FieldMessage>,
    pub saved: bool,
}

impl HasErrors for AccountPage<'_> {
    fn errors(&self) -> &[FieldMessage] {
        &self.errors
    }
}

#[derive(Template)]
#[template(path = "password_set.html")]
pub struct SetPasswordPage<'a> {
    pub ctx: &'a Ctx,
    /// The link's token, for the form's action; empty when the link is dead.
    pub token: String,
    pub email: String,
    pub errors: Vec<FieldMessage>,
}

impl HasErrors for SetPasswordPage<'_> {
    fn errors(&self) -> &[FieldMessage] {
        &self.errors
    }
}

fn messages(ctx: &Ctx, errs: &[FieldError]) -> Vec<FieldMessage> {
    errs.iter()
        .map(|e| FieldMessage {
            field: e.field.clone(),
            label: ctx.t(&format!("field-{}", e.field.replace('_', "-"))),
            message: ctx.lang.problem(&e.problem),
        })
        .collect()
}

/// The new password twice: strong enough, and the same both times.
fn new_password(
    new: &str,
    repeat: &str,
    context: &[&str],
    errs: &mut Vec<FieldError>,
) -> Option<Password> {
    match Password::parse_new(new, context) {
        Err(p) => {
            errs.push(FieldError::new("password", p));
            None
        }
        Ok(_) if new != repeat => {
            errs.push(FieldError::new(
                "password_repeat",
                Problem::new("err-password-repeat", "the two passwords differ"),
            ));
            None
        }
        Ok(p) => Some(p),
    }
}

async fn account_page(
    ctx: &Ctx,
    errs: &[FieldError],
    saved: bool,
    status: StatusCode,
) -> PageResult {
    let user = ctx.require_user()?;
    let roles = user
        .roles
        .iter()
        .map(|r| format!("{} – {}", ctx.role(&r.role), ctx.name(&r.scope_names)))
        .collect();
    let page = AccountPage {
        ctx,
        roles,
        errors: messages(ctx, errs),
        saved,
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn account(ctx: Ctx, Query(q): Query<SavedQuery>) -> PageResult {
    account_page(&ctx, &[], q.saved.is_some(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

pub async fn change_password(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(ref user): SignedIn,
    Checked(Form(form)): Checked<Form<ChangeForm>>,
) -> PageResult {
    let session = ctx.session_token.as_deref().ok_or(AppError::Unauthorized)?;
    let mut errs = Vec::new();
    if form.current.is_empty() {
        errs.push(FieldError::new("current", Problem::required()));
    }
    let password = new_password(
        &form.password,
        &form.password_repeat,
        &[&user.email, &user.name],
        &mut errs,
    );
    let (Some(password), true) = (password, errs.is_empty()) else {
        return account_page(&ctx, &errs, false, StatusCode::BAD_REQUEST).await;
    };
    match st
        .store
        .change_own_password(user.id, &form.current, &password, session)
        .await
    {
        Ok(()) => Ok(Redirect::to("/account?saved=1").into_response()),
        Err(StoreError::Invalid(e)) => {
            account_page(&ctx, &[e], false, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn link_page(
    ctx: &Ctx,
    token: &str,
    email: Option<String>,
    errs: &[FieldError],
    status: StatusCode,
) -> PageResult {
    let page = SetPasswordPage {
        ctx,
        token: if email.is_some() {
            token.to_owned()
        } else {
            String::new()
        },
        email: email.unwrap_or_default(),
        errors: messages(ctx, errs),
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// A link's page: the form when the link is live, else a page that says it
/// has expired or been used (410 Gone) and who can send a new one.
pub async fn link_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    match st.store.password_link_user(&token).await? {
        Some(u) => link_page(&ctx, &token, Some(u.email), &[], StatusCode::OK).await,
        None => link_page(&ctx, &token, None, &[], StatusCode::GONE).await,
    }
}

#[derive(Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

pub async fn set_by_link(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Checked(Form(form)): Checked<Form<LinkForm>>,
) -> PageResult {
    let Some(user) = st.store.password_link_user(&token).await? else {
        return link_page(&ctx, &token, None, &[], StatusCode::GONE).await;
    };
    let mut errs = Vec::new();
    let password = new_password(
        &form.password,
        &form.password_repeat,
        &[&user.email, &user.name],
        &mut errs,
    );
    let (Some(password), true) = (password, errs.is_empty()) else {
        return link_page(
            &ctx,
            &token,
            Some(user.email),
            &errs,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    match st.store.use_password_link(&token, &password).await? {
        // Signing in is the person's next step, with the new password.
        Some(_) => Ok(Redirect::to("/login?password_set=1").into_response()),
        None => link_page(&ctx, &token, None, &[], StatusCode::GONE).await,
    }
}
