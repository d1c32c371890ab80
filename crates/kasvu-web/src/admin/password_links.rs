//! One-time links with which a person sets their own password.

use super::users::{admin_org, managed_user};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::forms::{Checked, TokenOnly};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use kasvu_core::Action;

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
    Path(id): Path<i64>,
    _: Checked<TokenOnly>,
) -> PageResult {
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
            crate::support::responses::public_base(&st)
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
