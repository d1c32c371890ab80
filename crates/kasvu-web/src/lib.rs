//! Kasvu's web app: server-rendered pages (fi/sv/en, accessible, no
//! JavaScript needed, strict CSP) and the JSON API v1. Handlers are thin:
//! they parse input, ask the domain core who may act, and call the store.

mod account;
mod actor_pages;
mod admin;
pub mod api;
mod auth;
mod charts;
mod compare_page;
mod ctx;
mod entry_pages;
mod error;
mod events_api;
mod families_forms;
mod families_pages;
mod feedback_pages;
pub mod i18n;
pub mod import_pages;
mod knowledge_api;
mod knowledge_forms;
mod knowledge_pages;
mod map_page;
mod measure_api;
mod measure_pages;
pub mod metrics;
mod network_page;
mod pages;
mod plan_api;
mod plan_pages;
mod project_pages;
mod room_page;
pub mod sso;
mod target_pages;
mod team_api;
mod team_pages;
mod views;

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use kasvu_store::Store;
use std::sync::LazyLock;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;

pub use ctx::Ctx;
pub use error::AppError;
pub use families_pages::MAX_WISHES_PER_CLIENT;
pub use feedback_pages::MAX_ANSWERS_PER_CLIENT;

#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Hours a session lasts.
    pub session_hours: i64,
    /// Failed logins per e-mail address allowed within the window.
    pub max_login_failures: i64,
    /// Failed logins per client address allowed within the window.
    pub max_login_failures_per_ip: i64,
    /// The throttling window in seconds.
    pub login_window_secs: i64,
    /// Periods that ended more than this many days ago are locked for
    /// data entry, except for admins.
    pub lock_after_days: i64,
    /// The public address (e.g. https://kasvu.ouka.fi) for links that leave
    /// the site, such as feedback QR codes; else taken from the request.
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
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_hours: 12,
            max_login_failures: 5,
            max_login_failures_per_ip: 50,
            login_window_secs: 15 * 60,
            lock_after_days: 90,
            public_url: None,
            max_answers_per_client: feedback_pages::MAX_ANSWERS_PER_CLIENT,
            actor_review_days: kasvu_core::actor::DEFAULT_REVIEW_DAYS,
            max_wishes_per_client: families_pages::MAX_WISHES_PER_CLIENT,
            oidc: None,
            password_login: true,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: WebConfig,
    /// Imports started in the web, for their progress pages.
    pub jobs: import_pages::ImportJobs,
    /// The organisations and their units for the public pages, briefly kept.
    pub trees: families_pages::TreeCache,
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
    let page = views::ErrorPage {
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

/// The security headers of every response. No script runs on Kasvu's pages,
/// so the policy allows none.
pub const CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
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

/// The whole app.
pub fn app(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(pages::home))
        .route("/units/{code}", get(pages::unit))
        .route("/units/{code}/dashboard", get(measure_pages::dashboard))
        .route(
            "/units/{code}/entry",
            get(entry_pages::entry_form).post(entry_pages::save_entry),
        )
        .route(
            "/units/{code}/targets",
            get(target_pages::targets_page).post(target_pages::set_target),
        )
        .route(
            "/units/{code}/targets/remove",
            post(target_pages::remove_target),
        )
        .route("/units/{code}/analysis", post(target_pages::set_analysis))
        .route("/compare", get(compare_page::compare))
        .route("/plans", get(plan_pages::plans))
        .route("/plans/{id}", get(plan_pages::plan))
        .route("/plans/{id}/report", get(plan_pages::report))
        .route(
            "/plans/{id}/versions/compare",
            get(plan_pages::compare_versions),
        )
        .route("/plans/{id}/report.xlsx", get(plan_pages::report_xlsx))
        .route("/plans/{id}/report.pdf", get(plan_pages::report_pdf))
        .route("/plans/{id}/status", post(plan_pages::set_status))
        .route("/plans/{id}/versions", post(plan_pages::new_version))
        .route("/plans/{id}/content", post(plan_pages::replace_content))
        .route(
            "/plans/{id}/measures/{measure_id}/status",
            post(plan_pages::set_measure_status),
        )
        .route(
            "/plans/{id}/measures/{measure_id}/evaluation",
            post(plan_pages::set_evaluation),
        )
        .route(
            "/imports",
            get(import_pages::imports_page)
                .post(import_pages::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    import_pages::MAX_UPLOAD_BYTES,
                )),
        )
        .route("/imports/{id}", get(import_pages::job_page))
        .route("/actors", get(actor_pages::actors))
        .route("/actors/export", get(actor_pages::export))
        .route(
            "/actors/import",
            post(actor_pages::import).layer(axum::extract::DefaultBodyLimit::max(
                import_pages::MAX_UPLOAD_BYTES,
            )),
        )
        .route("/actors/{code}", get(actor_pages::actor))
        .route("/actors/{code}/confirm", post(actor_pages::confirm))
        .route("/actors/{code}/propose", post(actor_pages::propose))
        .route(
            "/actors/{code}/proposals/{proposal}",
            post(actor_pages::decide),
        )
        .route("/network", get(map_page::map))
        .route("/network/links", post(map_page::add_link))
        .route("/network/links/{id}/remove", post(map_page::remove_link))
        .route("/paths", get(knowledge_pages::paths))
        .route("/paths/edit", get(knowledge_forms::edit_path))
        .route("/paths/save", post(knowledge_forms::save_path))
        .route("/practices/edit", get(knowledge_forms::edit_practice))
        .route("/practices/save", post(knowledge_forms::save_practice))
        .route("/paths/{code}", get(knowledge_pages::path))
        .route("/practices", get(knowledge_pages::practices))
        .route("/practices/{code}", get(knowledge_pages::practice))
        .route("/search", get(knowledge_pages::search))
        .route("/families", get(families_pages::families))
        .route("/hobbies", get(families_pages::hobbies))
        .route("/calendar", get(families_pages::calendar))
        .route("/calendar.ics", get(families_pages::calendar_feed))
        .route("/places", get(families_pages::places))
        .route("/places/{code}", get(families_pages::place))
        .route(
            "/wish",
            get(families_pages::wish_form).post(families_pages::send_wish),
        )
        .route("/activities/manage", get(families_forms::manage))
        .route("/activities/edit", get(families_forms::edit))
        .route("/activities/save", post(families_forms::save))
        .route("/activities/guidance", post(families_forms::set_guidance))
        .route("/activities/{id}", get(families_pages::activity))
        .route(
            "/activities/{id}/calendar.ics",
            get(families_pages::activity_feed),
        )
        .route("/activities/{id}/status", post(families_forms::set_status))
        .route("/projects", get(project_pages::projects))
        .route("/projects/edit", get(knowledge_forms::edit_project))
        .route("/projects/save", post(knowledge_forms::save_project))
        .route("/projects/{id}", get(project_pages::project))
        .route("/indicators", get(measure_pages::indicators))
        .route("/indicators/{code}", get(measure_pages::indicator))
        .route("/indicators/{code}/export", get(measure_pages::export))
        .route(
            "/teams",
            get(team_pages::teams).post(team_pages::create_team),
        )
        .route(
            "/teams/{id}",
            get(team_pages::team).post(team_pages::update_team),
        )
        .route("/teams/{id}/members", post(team_pages::add_member))
        .route(
            "/teams/{id}/members/{user_id}/remove",
            post(team_pages::remove_member),
        )
        .route("/teams/{id}/meetings", post(team_pages::plan_meeting))
        .route("/teams/{id}/calendar.ics", get(team_pages::team_calendar))
        .route("/teams/{id}/room", get(room_page::room))
        .route("/teams/{id}/network", get(network_page::network))
        .route("/teams/{id}/network/share", post(network_page::set_share))
        .route(
            "/teams/{id}/network/participants",
            post(network_page::add_participant),
        )
        .route("/meetings/{id}", get(team_pages::meeting))
        .route("/meetings/{id}/agenda", post(team_pages::add_agenda_item))
        .route("/meetings/{id}/record", post(team_pages::record_meeting))
        .route("/meetings/{id}/decisions", post(team_pages::add_decision))
        .route(
            "/meetings/{id}/commitments",
            post(team_pages::make_commitment),
        )
        .route(
            "/commitments/{id}/review",
            post(team_pages::review_commitment),
        )
        .route(
            "/feedback",
            get(feedback_pages::rounds).post(feedback_pages::create_round),
        )
        .route("/feedback/{id}", get(feedback_pages::round))
        .route(
            "/feedback/{id}/results.csv",
            get(feedback_pages::results_csv),
        )
        .route(
            "/feedback/{id}/results.xlsx",
            get(feedback_pages::results_xlsx),
        )
        .route(
            "/feedback/{id}/response",
            post(feedback_pages::set_response),
        )
        .route(
            "/a/{token}",
            get(feedback_pages::answer_form).post(feedback_pages::submit_answer),
        )
        .route("/a/{token}/results", get(feedback_pages::public_results))
        .route("/my/commitments", get(team_pages::my_commitments))
        .route("/my/calendar.ics", get(team_pages::my_calendar))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/login/sso", get(sso::start))
        .route("/login/sso/callback", get(sso::callback))
        .route("/lang/{code}", get(auth::set_language))
        .route("/account", get(account::account))
        .route("/account/password", post(account::change_password))
        .route(
            "/password/{token}",
            get(account::link_form).post(account::set_by_link),
        )
        .route("/admin/units", get(admin::units).post(admin::create_unit))
        .route("/admin/units/new", get(admin::new_unit))
        .route("/admin/units/{code}", post(admin::update_unit))
        .route("/admin/units/{code}/edit", get(admin::edit_unit))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{id}/roles", post(admin::add_role))
        .route(
            "/admin/users/{id}/roles/{role_id}/delete",
            post(admin::remove_role),
        )
        .route("/admin/users/{id}/status", post(admin::set_status))
        .route(
            "/admin/users/{id}/password-link",
            post(admin::password_link),
        )
        .route("/admin/audit", get(admin::audit))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ctx::context,
        ));
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(CSS_PATH.as_str(), get(stylesheet))
        .nest("/api/v1", api::router())
        .merge(pages)
        .with_state(state.clone())
        .layer(axum::middleware::from_fn_with_state(state, metrics::track))
        // Forms and JSON stay under axum's own 2 MB default; only the
        // import upload raises its limit, up to this one.
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            import_pages::MAX_UPLOAD_BYTES + 64 * 1024,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        // Pages, JSON and CSV compress to a fifth or less; gzip when the
        // client asks for it (small bodies are left alone by the layer).
        .layer(tower_http::compression::CompressionLayer::new());
    security_headers(router)
}
