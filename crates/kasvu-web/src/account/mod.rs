//! Signing in and out (password or the organisation's OpenID Connect
//! provider), the language choice, and one's own password.

pub(crate) mod my_work;
pub(crate) mod password;
pub(crate) mod sign_in;
pub mod sso;

use crate::support::routes::{get, post, Routes};

/// The feature's pages.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/login", get(sign_in::login_page).post(sign_in::login))
        .route("/logout", post(sign_in::logout))
        .route("/login/sso", get(sso::start))
        .route("/login/sso/callback", get(sso::callback))
        .route("/lang/{code}", get(sign_in::set_language))
        .route("/account", get(password::account))
        .route("/my", get(my_work::my_work))
        .route("/account/password", post(password::change_password))
        .route(
            "/password/{token}",
            get(password::link_form).post(password::set_by_link),
        )
}
