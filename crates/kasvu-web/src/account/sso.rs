//! Single sign-on through the organisation's OpenID Connect provider (the
//! city's Microsoft Entra ID, say): the authorization code flow with PKCE,
//! the provider found by discovery from its issuer URL, and the ID token's
//! signature, issuer, audience, expiry and nonce checked by the
//! `openidconnect` crate. A verified e-mail address is matched to an existing
//! Kasvu user; signing in never creates one (an admin adds people and their
//! roles as before).

use crate::support::ctx::{safe_next, Ctx};
use crate::support::error::{AppError, PageResult};
use crate::support::views::LoginPage;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use kasvu_store::SsoLogin;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use serde::Deserialize;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The cookie that ties a sign-in's return to the browser that started it.
const BROWSER_COOKIE: &str = "kasvu_sso";
/// How long a person may spend at the provider.
const LOGIN_TTL_SECS: i64 = 10 * 60;
/// How long the provider's metadata and keys are reused before discovery
/// runs again (keys rotate; a day-old key set would refuse new tokens).
const METADATA_TTL: Duration = Duration::from_secs(3600);

/// The provider's settings, from `--oidc-issuer`, `--oidc-client-id`,
/// `--oidc-client-secret`.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
}

/// The provider and what discovery found out about it.
pub struct Oidc {
    settings: OidcSettings,
    redirect: RedirectUrl,
    http: openidconnect::reqwest::Client,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.settings.issuer)
            .field("client_id", &self.settings.client_id)
            .finish_non_exhaustive()
    }
}

/// Why a sign-in through the provider did not succeed; each has its own
/// message for the person, and the details go to the log.
#[derive(Debug)]
enum SsoError {
    /// The provider could not be reached or discovered.
    Unavailable(String),
    /// The sign-in is unknown, used, too old or from another browser.
    Expired,
    /// The provider said no (the person cancelled, say).
    Provider(String),
    /// The answer did not verify: signature, issuer, audience, expiry, nonce.
    Invalid(String),
    /// No (verified) e-mail address in the ID token.
    NoEmail,
    /// No enabled Kasvu user has this e-mail address.
    UnknownUser(String),
}

impl std::fmt::Display for SsoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SsoError::Unavailable(d) => write!(f, "provider unavailable: {d}"),
            SsoError::Expired => f.write_str("unknown, used or expired state, or another browser"),
            SsoError::Provider(d) => write!(f, "the provider refused: {d}"),
            SsoError::Invalid(d) => write!(f, "the ID token did not verify: {d}"),
            SsoError::NoEmail => f.write_str("no verified e-mail claim"),
            SsoError::UnknownUser(e) => write!(f, "no enabled user {e}"),
        }
    }
}

impl Oidc {
    /// Checks the settings; discovery happens at the first sign-in (and again
    /// every hour), so Kasvu starts even while the provider is down.
    pub fn new(settings: OidcSettings, public_url: &str) -> Result<Oidc, String> {
        IssuerUrl::new(settings.issuer.clone()).map_err(|e| format!("--oidc-issuer: {e}"))?;
        let redirect = RedirectUrl::new(format!(
            "{}/login/sso/callback",
            public_url.trim_end_matches('/')
        ))
        .map_err(|e| format!("--public-url: {e}"))?;
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would open the server to SSRF.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Oidc {
            settings,
            redirect,
            http,
            metadata: Mutex::new(None),
        })
    }

    async fn metadata(&self) -> Result<CoreProviderMetadata, SsoError> {
        let mut kept = self.metadata.lock().await;
        if let Some((at, m)) = kept.as_ref() {
            if at.elapsed() < METADATA_TTL {
                return Ok(m.clone());
            }
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone())
            .map_err(|e| SsoError::Unavailable(e.to_string()))?;
        let m = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| SsoError::Unavailable(format!("discovery: {e}")))?;
        *kept = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    /// Forgets the metadata, so the next sign-in discovers again (after a
    /// token signed with a key not seen yet).
    async fn forget(&self) {
        *self.metadata.lock().await = None;
    }
}

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

fn login_page(ctx: &Ctx, st: &AppState, status: StatusCode, error: String) -> PageResult {
    let page = LoginPage {
        ctx,
        email: String::new(),
        next: "/".into(),
        error: Some(error),
        notice: None,
        sso: st.config.oidc.is_some(),
        password: st.config.password_login,
    };
    Ok((status, Html(page.render()?)).into_response())
}

fn refuse(ctx: &Ctx, st: &AppState, e: SsoError) -> PageResult {
    let (status, message) = match &e {
        SsoError::Unavailable(_) => (StatusCode::BAD_GATEWAY, ctx.t("sso-unavailable")),
        SsoError::Expired => (StatusCode::BAD_REQUEST, ctx.t("sso-expired")),
        SsoError::Provider(_) => (StatusCode::UNAUTHORIZED, ctx.t("sso-provider-refused")),
        SsoError::Invalid(_) => (StatusCode::UNAUTHORIZED, ctx.t("sso-invalid")),
        SsoError::NoEmail => (StatusCode::UNAUTHORIZED, ctx.t("sso-no-email")),
        SsoError::UnknownUser(email) => (
            StatusCode::FORBIDDEN,
            ctx.lang
                .t_args("sso-unknown-user", &[("email", email.clone())]),
        ),
    };
    tracing::warn!("single sign-on refused: {e}");
    login_page(ctx, st, status, message)
}

/// Leaves for the provider: a fresh state, nonce and PKCE verifier are kept
/// in the database, tied to this browser by a cookie.
pub async fn start(
    State(st): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Query(q): Query<StartQuery>,
) -> PageResult {
    let oidc = st.config.oidc.clone().ok_or(AppError::NotFound)?;
    let metadata = match oidc.metadata().await {
        Ok(m) => m,
        Err(e) => return refuse(&ctx, &st, e),
    };
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(oidc.settings.client_id.clone()),
        oidc.settings.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(oidc.redirect.clone());
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let browser = kasvu_store::random_token();
    st.store
        .save_sso_login(
            state.secret(),
            &browser,
            &SsoLogin {
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                next_path: safe_next(q.next.as_deref()),
            },
            LOGIN_TTL_SECS,
        )
        .await?;
    // Lax: sent on the provider's top-level redirect back, not on other sites' requests.
    let cookie = Cookie::build((BROWSER_COOKIE, browser))
        .path("/login/sso")
        .http_only(true)
        .secure(st.config.secure_cookies)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(LOGIN_TTL_SECS))
        .build();
    Ok((jar.add(cookie), Redirect::to(url.as_str())).into_response())
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Back from the provider: the code is exchanged (with the PKCE verifier),
/// the ID token verified, and its verified e-mail matched to a user.
pub async fn callback(
    State(st): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Query(q): Query<CallbackQuery>,
) -> PageResult {
    let oidc = st.config.oidc.clone().ok_or(AppError::NotFound)?;
    let browser = jar
        .get(BROWSER_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let jar = jar.remove(Cookie::build(BROWSER_COOKIE).path("/login/sso").build());
    let login = match &q.state {
        Some(state) if !browser.is_empty() => st.store.take_sso_login(state, &browser).await?,
        _ => None,
    };
    let Some(login) = login else {
        return Ok((jar, refuse(&ctx, &st, SsoError::Expired)?).into_response());
    };
    if let Some(error) = q.error {
        let detail = format!("{error}: {}", q.error_description.unwrap_or_default());
        return Ok((jar, refuse(&ctx, &st, SsoError::Provider(detail))?).into_response());
    }
    let Some(code) = q.code else {
        return Ok((
            jar,
            refuse(&ctx, &st, SsoError::Provider("no code".into()))?,
        )
            .into_response());
    };
    let email = match verified_email(&oidc, code, login.pkce_verifier, login.nonce).await {
        Ok(email) => email,
        Err(e) => {
            if matches!(e, SsoError::Invalid(_)) {
                oidc.forget().await;
            }
            return Ok((jar, refuse(&ctx, &st, e)?).into_response());
        }
    };
    let user = match st.store.user_by_email(&email).await? {
        Some(u) if !u.disabled => u,
        _ => return Ok((jar, refuse(&ctx, &st, SsoError::UnknownUser(email))?).into_response()),
    };
    let jar = crate::account::sign_in::start_session(&st, &ctx, jar, &user).await?;
    tracing::info!("signed in through the identity provider: {}", user.email);
    Ok((
        jar,
        Redirect::to(&super::sign_in::after_sign_in(Some(&login.next_path))),
    )
        .into_response())
}

async fn verified_email(
    oidc: &Oidc,
    code: String,
    verifier: String,
    nonce: String,
) -> Result<String, SsoError> {
    let client = CoreClient::from_provider_metadata(
        oidc.metadata().await?,
        ClientId::new(oidc.settings.client_id.clone()),
        oidc.settings.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(oidc.redirect.clone());
    let request = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| SsoError::Unavailable(format!("no token endpoint: {e}")))?;
    let tokens = request
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&oidc.http)
        .await
        .map_err(|e| SsoError::Provider(format!("token request: {e}")))?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| SsoError::Invalid("no ID token".into()))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(nonce))
        .map_err(|e| SsoError::Invalid(e.to_string()))?;
    if claims.email_verified() == Some(false) {
        return Err(SsoError::NoEmail);
    }
    claims
        .email()
        .map(|e| e.as_str().trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .ok_or(SsoError::NoEmail)
}
