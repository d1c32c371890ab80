//! The per-request context of a page: who is signed in, their CSRF token,
//! the language, and whether demo data is shown.

use crate::i18n::Lang;
use crate::support::error::{AppError, ErrorMarker};
use crate::{render_error_page, AppState};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use kasvu_core::{Action, Level, Names, Role, Sector, UnitKind};
use kasvu_store::User;

pub const SESSION_COOKIE: &str = "kasvu_session";
pub const CSRF_COOKIE: &str = "kasvu_csrf";
pub const LANG_COOKIE: &str = "kasvu_lang";

#[derive(Clone, Debug)]
pub struct Ctx {
    pub user: Option<User>,
    pub csrf: String,
    pub lang: Lang,
    /// Path and query of this request (for the language switch and login).
    pub path: String,
    pub session_token: Option<String>,
    pub demo: bool,
    /// Whether the user may edit some part of the tree / is an admin (navigation).
    pub can_edit_tree: bool,
    /// Whether some role lets the user enter indicator values (navigation).
    pub can_enter_data: bool,
    pub is_admin: bool,
    /// The client's address (for login throttling).
    pub client_ip: String,
    /// The installation's name, logo and colour.
    pub brand: std::sync::Arc<crate::support::brand::Brand>,
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
    /// A message with a `count` argument ("12 hobbies").
    pub fn t_n(&self, key: &str, n: impl std::borrow::Borrow<i64>) -> String {
        self.lang.t_count(key, *n.borrow())
    }
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
    pub fn name<'a>(&self, n: &'a Names) -> &'a str {
        n.get(self.lang.code())
    }
    pub fn level(&self, l: &Level) -> String {
        self.t(&format!("level-{}", l.code()))
    }
    pub fn kind(&self, k: &UnitKind) -> String {
        self.t(&format!("kind-{}", k.code()))
    }
    pub fn sector(&self, s: &Sector) -> String {
        self.t(&format!("sector-{}", s.code()))
    }
    pub fn role(&self, r: &Role) -> String {
        self.t(&format!("role-{}", r.code()))
    }
    pub fn other_langs(&self) -> Vec<Lang> {
        Lang::ALL.into_iter().filter(|l| *l != self.lang).collect()
    }
    /// The current path, URL-encoded for a `next=` parameter.
    pub fn next_param(&self) -> String {
        url_encode(&self.path)
    }
    /// The stylesheet's content-hashed URL.
    pub fn css(&self) -> &'static str {
        crate::CSS_PATH.as_str()
    }
    /// The site's name: the city's when set, else "Kasvu".
    pub fn site_name(&self) -> &str {
        self.brand.site_name()
    }
    /// Whether the installation has a logo (served from `/brand/logo`).
    pub fn has_logo(&self) -> bool {
        self.brand.logo.is_some()
    }
    /// The brand stylesheet's address, when a colour is set.
    pub fn brand_css(&self) -> Option<String> {
        self.brand.css_path()
    }
    /// The import progress script's content-hashed URL.
    pub fn progress_js(&self) -> &'static str {
        crate::PROGRESS_JS_PATH.as_str()
    }
    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }
    pub fn user_name(&self) -> &str {
        self.user.as_ref().map(|u| u.name.as_str()).unwrap_or("")
    }

    /// Checks that a user is signed in.
    pub fn require_user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthorized)
    }

    /// Checks a CSRF token from a form.
    pub(in crate::support) fn check_csrf(&self, token: &str) -> Result<(), AppError> {
        if !self.csrf.is_empty() && constant_time_eq(self.csrf.as_bytes(), token.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Percent-encodes a string for a query parameter (RFC 3986 unreserved kept).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `next=` target is followed only when it is a path on this site.
/// A path on this site to go to next, or `/`. Browsers drop tab, CR and LF
/// from URLs (so `/\t/evil.example` is `//evil.example`, another site), and
/// a control character cannot stand in a `Location` header: any of them
/// makes the path unsafe, as do `//` and `\\`.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal("no request context".into()))
    }
}

/// The signed-in user: the extractor for pages that need one. A visitor who
/// is not signed in is sent to the sign-in page (and back here after it).
pub struct SignedIn(pub User);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .and_then(|c| c.user.clone())
            .map(SignedIn)
            .ok_or(AppError::Unauthorized)
    }
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

fn csrf_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((CSRF_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .build()
}

/// Builds the context for every page request and renders error pages.
pub async fn context(
    State(state): State<AppState>,
    jar: CookieJar,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let lang = jar
        .get(LANG_COOKIE)
        .and_then(|c| Lang::parse(c.value()))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    let mut ctx = Ctx {
        brand: state.config.brand.clone(),
        user: None,
        csrf: String::new(),
        lang,
        path,
        session_token: None,
        demo: false,
        can_edit_tree: false,
        can_enter_data: false,
        is_admin: false,
        client_ip: req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_default(),
    };
    if let Some(c) = jar.get(SESSION_COOKIE) {
        match state.store.session(c.value()).await {
            Ok(Some((user, csrf))) => {
                ctx.csrf = csrf;
                ctx.session_token = Some(c.value().to_owned());
                ctx.is_admin = user.has_role(Role::Admin);
                ctx.can_edit_tree = user.roles.iter().any(|r| r.role.allows(Action::EditTree));
                ctx.can_enter_data = user.roles.iter().any(|r| r.role.allows(Action::EnterData));
                ctx.user = Some(user);
            }
            Ok(None) => {}
            // Not an anonymous visit: the person is signed in and the
            // database did not answer, so they see an error, not the
            // sign-in page.
            Err(e) => {
                tracing::error!("session lookup failed: {e}");
                return render_error_page(&ctx, StatusCode::INTERNAL_SERVER_ERROR, None);
            }
        }
    }
    let mut new_csrf = None;
    if ctx.user.is_none() {
        match jar.get(CSRF_COOKIE) {
            Some(c) if c.value().len() == 64 => ctx.csrf = c.value().to_owned(),
            _ => {
                let t = kasvu_store::random_token();
                ctx.csrf = t.clone();
                new_csrf = Some(t);
            }
        }
    }
    ctx.demo = state.trees.demo(&state.store).await;
    req.extensions_mut().insert(ctx.clone());
    let mut res = next.run(req).await;
    if let Some(marker) = res.extensions().get::<ErrorMarker>().cloned() {
        res = if marker.status == StatusCode::UNAUTHORIZED {
            Redirect::to(&format!("/login?next={}", ctx.next_param())).into_response()
        } else {
            render_error_page(&ctx, marker.status, marker.detail.map(|d| d.text(&ctx)))
        };
    }
    if let Some(t) = new_csrf {
        if let Ok(v) =
            HeaderValue::from_str(&csrf_cookie(t, state.config.secure_cookies).to_string())
        {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    if ctx.user.is_some() {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod next_tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site() {
        for ok in ["/", "/units/tuira?x=1", "/hobbies?q=taide%20kerho"] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/ok\u{0}",
            "/\u{7f}",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
