//! In-process handler tests: the app from `kasvu_web::app` on a free port
//! over a fresh test database with the Oulu demo data, spoken to over HTTP.
//! The end-to-end tests through the real binary (CLI, `serve`) stay in
//! `crates/kasvu/tests`.

// Each test file uses only some of the helpers.
#![allow(dead_code)]

use kasvu_store::testing::TestDb;
use kasvu_store::{Actor, Store};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

/// The running app: its address, the store under it (for setting up what
/// the pages cannot, such as API tokens) and the server task.
pub struct App {
    pub base: String,
    pub store: Store,
    server: tokio::task::JoinHandle<()>,
}

/// Loads the Oulu demo data into `db` the way `kasvu serve --demo` does and
/// starts the app on 127.0.0.1:0.
pub async fn spawn_app(db: &TestDb) -> App {
    spawn_app_with(db, kasvu_web::WebConfig::default()).await
}

/// The same with settings of the test's own.
pub async fn spawn_app_with(db: &TestDb, config: kasvu_web::WebConfig) -> App {
    let store = db.store.clone();
    kasvu_io::demo::load(&store)
        .await
        .expect("load the Oulu demo data");
    // `serve` builds the search index when it is empty; do the same so the
    // search pages see what a demo installation sees.
    if store.search_size().await.expect("search index size") == 0 {
        store
            .reindex_search()
            .await
            .expect("build the search index");
    }
    let state = kasvu_web::AppState {
        store: store.clone(),
        config,
        jobs: Default::default(),
        trees: Default::default(),
        pages: Default::default(),
        metrics: Default::default(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a free port");
    let addr = listener.local_addr().expect("local address");
    let app = kasvu_web::app(state);
    // The context middleware reads the client address from ConnectInfo
    // (login throttling per address), as under `serve`.
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .expect("serve the app");
    });
    App {
        base: format!("http://{addr}"),
        store,
        server,
    }
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Stops the server so the test database can be closed and dropped.
    pub fn stop(&self) {
        self.server.abort();
    }

    /// GET; panics only when the request itself fails.
    pub async fn get(&self, c: &Client, path: &str) -> Response {
        c.get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// GET that must answer 200; the body.
    pub async fn page(&self, c: &Client, path: &str) -> String {
        let r = self.get(c, path).await;
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.text().await.expect("page body")
    }

    /// GET of a JSON API route that must answer 200, with a bearer token
    /// (or none).
    pub async fn api(&self, token: Option<&str>, path: &str) -> Value {
        let mut req = anonymous().get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.expect("API request");
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.expect("JSON body")
    }

    /// Signs in through the login form as a demo user with their demo
    /// password; the client keeps the session cookie.
    pub async fn login(&self, email: &str) -> Client {
        self.login_with(email, demo_password(email)).await
    }

    /// Signs in through the login form with this password.
    pub async fn login_with(&self, email: &str, password: &str) -> Client {
        let c = anonymous();
        let token = csrf_of(&self.page(&c, "/login").await);
        let r = c
            .post(self.url("/login"))
            .form(&[
                ("csrf", token.as_str()),
                ("email", email),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("POST /login");
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "sign in as {email}");
        c
    }

    /// The client's CSRF token, read from a form on `page` (the sign-out
    /// form of any page when signed in, the login form when not).
    pub async fn csrf(&self, c: &Client, page: &str) -> String {
        csrf_of(&self.page(c, page).await)
    }

    /// POSTs a form with the client's valid CSRF token (read from `/` when
    /// signed in, else from `/login`) added.
    pub async fn post(&self, c: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        let home = self.page(c, "/").await;
        let token = if home.contains("name=\"csrf\"") {
            csrf_of(&home)
        } else {
            self.csrf(c, "/login").await
        };
        self.post_with_csrf(c, path, &token, form).await
    }

    /// POSTs a form with exactly this CSRF token (to test wrong ones).
    pub async fn post_with_csrf(
        &self,
        c: &Client,
        path: &str,
        token: &str,
        form: &[(&str, &str)],
    ) -> Response {
        let mut fields = vec![("csrf", token)];
        fields.extend_from_slice(form);
        c.post(self.url(path))
            .form(&fields)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// POSTs a form without any CSRF field.
    pub async fn post_without_csrf(
        &self,
        c: &Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> Response {
        c.post(self.url(path))
            .form(form)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// A bearer token for the API, made as `kasvu token create` makes it.
    pub async fn api_token(&self, email: &str) -> String {
        let user = self
            .store
            .user_by_email(email)
            .await
            .expect("look up user")
            .unwrap_or_else(|| panic!("no user {email}"));
        self.store
            .create_api_token(&Actor::system("test"), user.id, "in-process test")
            .await
            .expect("create API token")
    }
}

/// A browser-like client: keeps cookies, does not follow redirects (tests
/// assert them).
pub fn anonymous() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// The CSRF token of the first form on a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let i = html
        .find(marker)
        .expect("page has a form with a CSRF token")
        + marker.len();
    html[i..i + 64].to_owned()
}

/// Where a redirect points.
pub fn location(r: &Response) -> String {
    r.headers()
        .get("location")
        .expect("a Location header")
        .to_str()
        .expect("Location is text")
        .to_owned()
}

pub fn demo_password(email: &str) -> &'static str {
    kasvu_io::demo::USERS
        .iter()
        .find(|u| u.email == email)
        .map(|u| u.password)
        .unwrap_or_else(|| panic!("not a demo user: {email}"))
}

/// Runs each async test (taking `&App`) on SQLite and on PostgreSQL, each
/// over its own fresh database with the demo data. PostgreSQL is required
/// when `KASVU_TEST_PG` is set, else skipped with a note when no server
/// answers (`TestDb::postgres`).
#[macro_export]
macro_rules! on_both_databases {
    ($($test:ident),+ $(,)?) => {
        $(
        mod $test {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = kasvu_store::testing::TestDb::sqlite().await;
                let app = $crate::common::spawn_app(&db).await;
                super::$test(&app).await;
                app.stop();
                db.finish().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = kasvu_store::testing::TestDb::postgres().await {
                    let app = $crate::common::spawn_app(&db).await;
                    super::$test(&app).await;
                    app.stop();
                    db.finish().await;
                }
            }
        }
        )+
    };
}
