//! Every route of the app is added through [`Routes`] and [`Methods`], thin
//! wrappers over axum's `Router` and `MethodRouter` that also keep the list
//! of (method, path) they were given. axum cannot be asked for its routes;
//! this list is how the access test (`tests/access.rs`) walks every route
//! the app really serves, so a new route without an entry in its table of
//! who may read and write fails it. Features write
//! `.route("/x", get(a).post(b))` exactly as with axum.

use crate::AppState;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;
use axum::Router;

/// One method of one path, as served.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    pub method: Method,
    /// The path pattern, e.g. `/feedback/{id}`.
    pub path: String,
}

/// The handlers of one path, by method.
pub(crate) struct Methods {
    inner: MethodRouter<AppState>,
    methods: Vec<Method>,
}

macro_rules! method {
    ($name:ident, $method:ident) => {
        #[doc = concat!("A `", stringify!($method), "` handler.")]
        // The set is complete as axum's is; features use what they need.
        #[allow(dead_code)]
        pub(crate) fn $name<H, T>(handler: H) -> Methods
        where
            H: Handler<T, AppState>,
            T: 'static,
        {
            Methods {
                inner: axum::routing::$name(handler),
                methods: vec![Method::$method],
            }
        }

        impl Methods {
            #[doc = concat!("Adds a `", stringify!($method), "` handler.")]
            #[allow(dead_code)]
            pub(crate) fn $name<H, T>(mut self, handler: H) -> Methods
            where
                H: Handler<T, AppState>,
                T: 'static,
            {
                self.inner = self.inner.$name(handler);
                self.methods.push(Method::$method);
                self
            }
        }
    };
}

method!(get, GET);
method!(post, POST);
method!(put, PUT);
method!(delete, DELETE);

impl Methods {
    /// Lifts axum's 2 MB body limit for these handlers (uploads): they read
    /// the body themselves, refusing it past the file size setting
    /// (`support/upload.rs`), under the app's outer limit.
    pub(crate) fn without_body_limit(mut self) -> Methods {
        self.inner = self.inner.layer(axum::extract::DefaultBodyLimit::disable());
        self
    }
}

/// A router that knows its routes.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    list: Vec<Route>,
}

impl Routes {
    pub(crate) fn new() -> Routes {
        Routes::default()
    }

    pub(crate) fn route(mut self, path: &'static str, methods: Methods) -> Routes {
        self.router = self.router.route(path, methods.inner);
        self.list
            .extend(methods.methods.into_iter().map(|method| Route {
                method,
                path: path.to_owned(),
            }));
        self
    }

    pub(crate) fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }

    /// `other`'s routes under `prefix` (e.g. the API under `/api/v1`).
    pub(crate) fn nest(mut self, prefix: &'static str, other: Routes) -> Routes {
        self.router = self.router.nest(prefix, other.router);
        self.list.extend(other.list.into_iter().map(|r| Route {
            method: r.method,
            path: format!("{prefix}{}", r.path),
        }));
        self
    }

    /// Changes the axum router (a fallback, a layer) without adding routes.
    pub(crate) fn map_router(
        mut self,
        f: impl FnOnce(Router<AppState>) -> Router<AppState>,
    ) -> Routes {
        self.router = f(self.router);
        self
    }

    pub(crate) fn into_router(self) -> Router<AppState> {
        self.router
    }

    /// Every (method, path) added, sorted.
    pub fn list(&self) -> Vec<Route> {
        let mut l = self.list.clone();
        l.sort();
        l.dedup();
        l
    }
}
