//! Kasvu's web app: server-rendered pages (fi/sv/en, accessible, no
//! JavaScript needed, strict CSP) and the JSON API v1. Handlers are thin:
//! they parse input, ask the domain core who may act, and call the store.

// Shared pieces; features import only these (and `AppState`).
pub mod support;

// One folder per feature, each with its pages, forms, API handlers and
// `routes()`. A feature does not reach into another's files
// (`tests/layout.rs` keeps it so).
pub mod account;
mod admin;
mod families;
mod feedback;
mod knowledge;
mod library;
mod measure;
mod network;
mod org;
mod plans;
mod teams;

// The composition of the JSON API and its OpenAPI document.
pub mod openapi;

#[cfg(test)]
mod catalogue_tests;

pub use account::sso;
pub use families::PageCache;
pub use support::{i18n, metrics};

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Router;
use kasvu_store::Store;
use std::sync::LazyLock;
use std::time::Duration;
use support::routes::{get, Routes};
use tower_http::set_header::SetResponseHeaderLayer;

pub use families::MAX_WISHES_PER_CLIENT;
pub use feedback::MAX_ANSWERS_PER_CLIENT;
pub use support::ctx::Ctx;
pub use support::error::AppError;
pub use support::memory::keep_large_blocks_out_of_the_heaps;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Hours a session lasts.
    pub session_hours: i64,
    /// Failed logins per account from one client address (or from one
    /// browser the owner has signed in with) allowed within the window.
    pub max_login_failures: i64,
    /// Failed logins per client address allowed within the window.
    pub max_login_failures_per_ip: i64,
    /// Failed logins per account from browsers it has never signed in with,
    /// whatever their addresses, allowed within the window. Its owner's own
    /// browsers (device cookies) are never held back by these.
    pub max_login_failures_per_account: i64,
    /// Days a browser stays known to its owner after a sign-in.
    pub trusted_device_days: i64,
    /// The throttling window in seconds.
    pub login_window_secs: i64,
    /// Periods that ended more than this many days ago are locked for
    /// data entry, except for admins.
    pub lock_after_days: i64,
    /// The public address (e.g. https://kasvu.ouka.fi) for links that leave
    /// the site, such as feedback QR codes; never taken from a request.
    pub public_url: Option<String>,
    /// Feedback answers one client may send to one round in ten minutes.
    pub max_answers_per_client: usize,
    /// Register entries not confirmed within this many days are flagged.
    pub actor_review_days: i64,
    /// Wishes one client may send in ten minutes.
    pub max_wishes_per_client: usize,
    /// Single sign-on through the organisation's OpenID Connect provider.
    pub oidc: Option<std::sync::Arc<sso::Oidc>>,
    /// Whether people may sign in with a password (off when every account
    /// signs in through the provider).
    pub password_login: bool,
    /// What an uploaded file may be and hold (size, rows, cells, unpacked
    /// XLSX parts, JSON depth and length); each import is refused naming
    /// the limit it passed.
    pub import_limits: kasvu_io::Limits,
    /// Where e-mail to a team's guests goes out from (agenda, minutes), when
    /// an SMTP server is configured.
    pub mailer: Option<kasvu_io::mail::Mailer>,
    /// The city's name, logo and colour (none: Kasvu's own).
    pub brand: std::sync::Arc<support::brand::Brand>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_hours: 12,
            max_login_failures: 5,
            max_login_failures_per_ip: 50,
            max_login_failures_per_account: 50,
            trusted_device_days: 180,
            login_window_secs: 15 * 60,
            lock_after_days: 90,
            public_url: None,
            max_answers_per_client: feedback::MAX_ANSWERS_PER_CLIENT,
            actor_review_days: kasvu_core::actor::DEFAULT_REVIEW_DAYS,
            max_wishes_per_client: families::MAX_WISHES_PER_CLIENT,
            oidc: None,
            password_login: true,
            import_limits: kasvu_io::Limits::default(),
            mailer: None,
            brand: Default::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: WebConfig,
    /// Imports started in the web, for their progress pages.
    pub jobs: measure::ImportJobs,
    /// The organisations and their units for the public pages, briefly kept.
    pub trees: families::TreeCache,
    /// Rendered public pages for visitors, kept while what they show is unchanged.
    pub pages: families::PageCache,
    /// Requests, latency, jobs and the pool, for `/metrics`.
    pub metrics: metrics::Metrics,
}

const CSS: &str = include_str!("../static/kasvu.css");

/// The stylesheet's URL carries a hash of its content so it can be cached forever.
pub static CSS_PATH: LazyLock<String> = LazyLock::new(|| {
    use sha2::Digest;
    let h = hex::encode(sha2::Sha256::digest(CSS.as_bytes()));
    format!("/static/kasvu.{}.css", &h[..12])
});

const PROGRESS_JS: &str = include_str!("../static/import-progress.js");

/// The import progress page's script, content-hashed like the stylesheet:
/// the only script Kasvu serves, and no page needs it to work.
pub static PROGRESS_JS_PATH: LazyLock<String> = LazyLock::new(|| {
    use sha2::Digest;
    let h = hex::encode(sha2::Sha256::digest(PROGRESS_JS.as_bytes()));
    format!("/static/import-progress.{}.js", &h[..12])
});

async fn progress_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        PROGRESS_JS,
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        CSS,
    )
        .into_response()
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.health().await {
        Ok(()) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"status":"ok","database":"ok"}"#,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("health check failed: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"status":"error","database":"unreachable"}"#,
            )
                .into_response()
        }
    }
}

/// Ready to serve: the database answers and its schema is the one this
/// binary expects (a load balancer sends no traffic to a node that is not).
async fn readyz(State(state): State<AppState>) -> Response {
    let json = [(header::CONTENT_TYPE, "application/json")];
    match state.store.pending_migrations().await {
        Ok(pending) if pending.is_empty() => (
            StatusCode::OK,
            json,
            r#"{"status":"ready","database":"ok","migrations":"current"}"#.to_owned(),
        )
            .into_response(),
        Ok(pending) => (
            StatusCode::SERVICE_UNAVAILABLE,
            json,
            serde_json::json!({
                "status": "not ready",
                "database": "ok",
                "migrations": "pending",
                "pending": pending,
            })
            .to_string(),
        )
            .into_response(),
        Err(e) => {
            tracing::error!("readiness check failed: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                json,
                r#"{"status":"not ready","database":"unreachable"}"#.to_owned(),
            )
                .into_response()
        }
    }
}

pub(crate) fn render_error_page(ctx: &Ctx, status: StatusCode, detail: Option<String>) -> Response {
    let page = support::views::ErrorPage {
        ctx,
        title: ctx.t(&format!("error-{}", status.as_u16())),
        detail,
    };
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!("error page failed to render: {e}");
            status.into_response()
        }
    }
}

/// The security headers of every response. Scripts only from Kasvu's own
/// files (the import progress page's, which asks its status endpoint on the
/// same origin); nothing inline.
pub const CSP: &str =
    "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; \
                       img-src 'self' data:; form-action 'self'; \
                       frame-ancestors 'none'; base-uri 'none'";

fn security_headers(router: Router) -> Router {
    let headers: [(&str, &str); 6] = [
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
        ("cross-origin-opener-policy", "same-origin"),
    ];
    headers.into_iter().fold(router, |r, (name, value)| {
        r.layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ))
    })
}

/// Every feature's pages.
fn features() -> Routes {
    Routes::new()
        .merge(org::routes())
        .merge(measure::routes())
        .merge(plans::routes())
        .merge(teams::routes())
        .merge(feedback::routes())
        .merge(network::routes())
        .merge(knowledge::routes())
        .merge(library::routes())
        .merge(families::routes())
        .merge(account::routes())
        .merge(admin::routes())
}

/// Every route: the health checks, the stylesheet, the API and the pages
/// (`pages` adds what pages share: the context middleware).
fn composed(pages: impl FnOnce(Router<AppState>) -> Router<AppState>) -> Routes {
    Routes::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(&CSS_PATH, get(stylesheet))
        .route("/brand.css", get(support::brand::stylesheet))
        .route("/brand/logo", get(support::brand::logo))
        .route(&PROGRESS_JS_PATH, get(progress_script))
        .nest("/api/v1", openapi::routes())
        .merge(features().map_router(|r| pages(r.fallback(org::not_found))))
}

/// Every (method, path) the app serves, as its router was built: what the
/// access test walks.
pub fn routes() -> Vec<support::routes::Route> {
    composed(|r| r).list()
}

/// The whole app.
pub fn app(state: AppState) -> Router {
    app_with(state, Router::new())
}

/// The whole app and `extra` routes, which are served behind the same
/// layers as the stylesheet (metrics, body limit, timeout, trace,
/// compression, security headers) but without the pages' context: the
/// hobby benchmark's static page is measured through everything any
/// response of this server passes, not beside it.
pub fn app_with(state: AppState, extra: Router<AppState>) -> Router {
    let upload_bytes = state.config.import_limits.file_bytes;
    let context = state.clone();
    let router = composed(move |pages| {
        pages.layer(axum::middleware::from_fn_with_state(
            context,
            support::ctx::context,
        ))
    })
    .into_router()
    .merge(extra)
    .with_state(state.clone())
    .layer(axum::middleware::from_fn_with_state(
        state,
        support::metrics::track,
    ))
    // Forms and JSON stay under axum's own 2 MB default; only the
    // upload routes lift it, up to this one (the file size setting).
    .layer(tower_http::limit::RequestBodyLimitLayer::new(
        support::upload::body_limit(upload_bytes),
    ))
    .layer(tower_http::timeout::TimeoutLayer::with_status_code(
        axum::http::StatusCode::REQUEST_TIMEOUT,
        Duration::from_secs(60),
    ))
    // Under /api, what the layers above answer is the JSON error too.
    .layer(axum::middleware::from_fn(support::api::json_errors))
    .layer(tower_http::trace::TraceLayer::new_for_http())
    // Pages, JSON and CSV compress to a fifth or less; gzip when the
    // client asks for it (small bodies are left alone by the layer).
    .layer(tower_http::compression::CompressionLayer::new());
    security_headers(router)
}
