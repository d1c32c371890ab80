//! What the server is doing, in the Prometheus text format: requests by
//! route and status, their latency, import jobs, the database pool and the
//! build. Served on an address of its own (`--metrics-addr`), for a scraper
//! on the internal network, never on the public one.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::{text::encode, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's pattern (`/units/{code}`), never the path itself, so the
    /// number of series stays bounded whatever is requested.
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    import_jobs: Family<StateLabels, Gauge>,
    pool: Family<StateLabels, Gauge>,
    pages: Family<StateLabels, Gauge>,
}

/// The server's metrics; cheap to clone.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s, doubling.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("kasvu");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        let latency =
            Family::<RouteLabels, Histogram>::new_with_constructor(latency_histogram as fn() -> _);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route",
            latency.clone(),
        );
        let import_jobs = Family::<StateLabels, Gauge>::default();
        registry.register(
            "import_jobs",
            "Import jobs run by this process: running now, and ended well (done) or refused (failed) since it started",
            import_jobs.clone(),
        );
        let pool = Family::<StateLabels, Gauge>::default();
        registry.register(
            "db_pool_connections",
            "Database connections of this process, by state (idle, in_use, max)",
            pool.clone(),
        );
        let pages = Family::<StateLabels, Gauge>::default();
        registry.register(
            "page_cache_lookups",
            "Public pages asked for by visitors who are not signed in since this process started: served from the rendered-page cache (hit) or rendered (miss)",
            pages.clone(),
        );
        registry.register(
            "build",
            "The running build",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        Metrics(Arc::new(Inner {
            registry,
            requests,
            latency,
            import_jobs,
            pool,
            pages,
        }))
    }
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        self.0
            .requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.0
            .latency
            .get_or_create(&RouteLabels {
                method: method.to_owned(),
                route: route.to_owned(),
            })
            .observe(secs);
    }
}

/// Counts every request by its route's pattern; requests that match no
/// route are counted as `fallback`.
pub async fn track(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "fallback".to_owned());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    st.metrics.observe(
        &method,
        &route,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    res
}

async fn scrape(State(st): State<AppState>) -> Response {
    let m = &st.metrics.0;
    let jobs = st.jobs.counts();
    for (state, n) in [
        ("running", jobs.running),
        ("done", jobs.done),
        ("failed", jobs.failed),
    ] {
        m.import_jobs
            .get_or_create(&StateLabels { state })
            .set(n as i64);
    }
    let (size, idle, max) = st.store.pool_stats();
    for (state, n) in [
        ("idle", idle as i64),
        ("in_use", i64::from(size) - idle as i64),
        ("max", i64::from(max)),
    ] {
        m.pool.get_or_create(&StateLabels { state }).set(n);
    }
    let (hits, misses) = st.pages.hits_and_misses();
    for (state, n) in [("hit", hits), ("miss", misses)] {
        m.pages
            .get_or_create(&StateLabels { state })
            .set(i64::try_from(n).unwrap_or(i64::MAX));
    }
    let mut body = String::new();
    if let Err(e) = encode(&mut body, &m.registry) {
        tracing::error!("metrics failed to encode: {e}");
        return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// The metrics endpoint alone, for its own listener.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(state)
}
