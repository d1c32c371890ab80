//! Signing in and out, and the language switch.

use crate::i18n::Lang;
use crate::support::ctx::{
    safe_next, session_cookie, Ctx, CSRF_COOKIE, LANG_COOKIE, SESSION_COOKIE,
};
use crate::support::error::{AppError, PageResult};
use crate::support::forms::{Checked, TokenOnly};
use crate::support::views::LoginPage;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
    /// Set after a password was set through a link: say so above the form.
    password_set: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Where a person goes after signing in: the page they asked for, or "My
/// work" when they asked for none (or only the front page).
pub(crate) fn after_sign_in(next: Option<&str>) -> String {
    match safe_next(next) {
        n if n == "/" => "/my".to_owned(),
        n => n,
    }
}

pub async fn login_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NextQuery>,
) -> PageResult {
    let next = safe_next(q.next.as_deref());
    if ctx.user.is_some() {
        return Ok(Redirect::to(&after_sign_in(Some(&next))).into_response());
    }
    let page = LoginPage {
        ctx: &ctx,
        email: String::new(),
        next,
        error: None,
        notice: q.password_set.map(|_| ctx.t("password-set-done")),
        sso: st.config.oidc.is_some(),
        password: st.config.password_login,
    };
    Ok(Html(page.render()?).into_response())
}

fn login_failed(
    st: &AppState,
    ctx: &Ctx,
    form: &LoginForm,
    status: StatusCode,
    key: &str,
) -> PageResult {
    let page = LoginPage {
        ctx,
        email: form.email.trim().to_owned(),
        next: safe_next(Some(&form.next)),
        error: Some(ctx.t(key)),
        notice: None,
        sso: st.config.oidc.is_some(),
        password: st.config.password_login,
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn login(
    State(st): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Checked(Form(form)): Checked<Form<LoginForm>>,
) -> PageResult {
    if !st.config.password_login {
        return login_failed(
            &st,
            &ctx,
            &form,
            StatusCode::FORBIDDEN,
            "login-password-off",
        );
    }
    // Who may try again, when (OWASP's "device cookies"): a browser its
    // owner has signed in with counts its failures alone; any other client
    // counts them per account and address, per address, and per account
    // across addresses. So guessing is slowed from everywhere, and nobody
    // can lock the owner out of the browsers they use.
    let email = form.email.trim().to_lowercase();
    let device = match jar.get(DEVICE_COOKIE) {
        Some(c) => match st.store.trusted_device(c.value()).await? {
            Some(d) if st.store.user_by_email(&email).await?.map(|u| u.id) == Some(d.user_id) => {
                Some(d)
            }
            _ => None,
        },
        None => None,
    };
    let since = time::OffsetDateTime::now_utc().unix_timestamp() - st.config.login_window_secs;
    let keys: Vec<(String, i64)> = match &device {
        Some(d) => vec![(d.key.clone(), st.config.max_login_failures)],
        None => vec![
            (
                format!("email-ip:{email}|{}", ctx.client_ip),
                st.config.max_login_failures,
            ),
            (
                format!("ip:{}", ctx.client_ip),
                st.config.max_login_failures_per_ip,
            ),
            (
                format!("email:{email}"),
                st.config.max_login_failures_per_account,
            ),
        ],
    };
    for (key, limit) in &keys {
        if st.store.login_failures_since(key, since).await? >= *limit {
            return login_failed(
                &st,
                &ctx,
                &form,
                StatusCode::TOO_MANY_REQUESTS,
                "login-throttled",
            );
        }
    }
    let Some(user) = st.store.authenticate(&form.email, &form.password).await? else {
        let keys: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
        st.store.record_login_failure(&keys).await?;
        return login_failed(&st, &ctx, &form, StatusCode::UNAUTHORIZED, "login-failed");
    };
    // This browser's and this address's slate is clean again; the
    // account-wide count of strangers' failures runs out by itself.
    st.store.clear_login_failures(&keys[0].0).await?;
    let jar = if device.is_some() {
        jar
    } else {
        let token = st
            .store
            .trust_device(user.id, st.config.trusted_device_days * 86_400)
            .await?;
        jar.add(device_cookie(
            token,
            st.config.secure_cookies,
            st.config.trusted_device_days,
        ))
    };
    let jar = start_session(&st, &ctx, jar, &user).await?;
    Ok((jar, Redirect::to(&after_sign_in(Some(&form.next)))).into_response())
}

/// The cookie that marks a browser its owner has signed in with. Sent only
/// to the sign-in form; it proves nothing by itself (a password is still
/// needed) and only keeps the owner's browser clear of strangers' failures.
const DEVICE_COOKIE: &str = "kasvu_device";

fn device_cookie(token: String, secure: bool, days: i64) -> Cookie<'static> {
    Cookie::build((DEVICE_COOKIE, token))
        .path("/login")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(time::Duration::days(days))
        .build()
}

/// Signs a person in, however they proved who they are: a new session id
/// at every sign-in (no session fixation), the anonymous CSRF cookie gone.
pub(crate) async fn start_session(
    st: &AppState,
    ctx: &Ctx,
    jar: CookieJar,
    user: &kasvu_store::User,
) -> Result<CookieJar, AppError> {
    if let Some(old) = &ctx.session_token {
        st.store.delete_session(old).await?;
    }
    let (token, _csrf) = st
        .store
        .create_session(user.id, st.config.session_hours * 3600)
        .await?;
    Ok(jar
        .add(session_cookie(token, st.config.secure_cookies))
        .remove(Cookie::build(CSRF_COOKIE).path("/").build()))
}

pub async fn logout(
    State(st): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    _: Checked<TokenOnly>,
) -> PageResult {
    if let Some(token) = &ctx.session_token {
        st.store.delete_session(token).await?;
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/").build());
    Ok((jar, Redirect::to("/")).into_response())
}

pub async fn set_language(
    jar: CookieJar,
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
) -> PageResult {
    let lang = Lang::parse(&code).ok_or(AppError::NotFound)?;
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    Ok((jar.add(cookie), Redirect::to(&safe_next(q.next.as_deref()))).into_response())
}
