//! The account feature (`src/account`): signing in and out, the language
//! switch and changing one's own password.

mod common;

use common::{anonymous, csrf_of, location, App};

/// Whether the client's session is live (the account page answers rather
/// than sending to the login page).
async fn signed_in(app: &App, c: &reqwest::Client) -> bool {
    app.get(c, "/account").await.status() == 200
}

/// The login form refuses a POST without its CSRF token (403) and a wrong
/// password (401, in Finnish); the right password signs in and the account
/// page shows who.
async fn sign_in_checks_csrf_and_password(app: &App) {
    let c = anonymous();
    let page = app.page(&c, "/login").await;
    assert!(page.contains("<html lang=\"fi\">"));
    let token = csrf_of(&page);
    let r = app
        .post_without_csrf(
            &c,
            "/login",
            &[
                ("email", "katselija@oulu.example"),
                ("password", "demo-katselija-2026"),
            ],
        )
        .await;
    assert_eq!(r.status(), 403);
    assert!(!signed_in(app, &c).await, "no session without the token");

    let r = app
        .post_with_csrf(
            &c,
            "/login",
            &token,
            &[
                ("email", "katselija@oulu.example"),
                ("password", "wrong password"),
            ],
        )
        .await;
    assert_eq!(r.status(), 401);
    let body = r.text().await.expect("login page");
    assert!(body.contains("Sähköposti tai salasana on väärä"));
    assert!(!signed_in(app, &c).await);

    let viewer = app.login("katselija@oulu.example").await;
    let account = app.page(&viewer, "/account").await;
    assert!(account.contains("Ville Katselija"));
}

/// Signing out needs the session's CSRF token: a wrong one is 403 and the
/// session stays; the right one ends it.
async fn sign_out_checks_csrf(app: &App) {
    let c = app.login("admin@oulu.example").await;
    let r = app
        .post_with_csrf(&c, "/logout", &"x".repeat(64), &[])
        .await;
    assert_eq!(r.status(), 403);
    assert!(signed_in(app, &c).await, "still signed in");
    let r = app.post(&c, "/logout", &[]).await;
    assert_eq!(r.status(), 303);
    assert!(!signed_in(app, &c).await, "signed out");
    let r = app.get(&c, "/account").await;
    assert_eq!(location(&r), "/login?next=/account");
}

/// The language switch goes back where it was asked to, never off the
/// site, and the page is then in Swedish.
async fn language_switch(app: &App) {
    let c = anonymous();
    let r = app.get(&c, "/lang/sv?next=/units/keskinen").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/units/keskinen");
    let page = app.page(&c, "/units/keskinen").await;
    assert!(page.contains("<html lang=\"sv\">") && page.contains("Centrala området"));
    let r = app.get(&c, "/lang/en?next=//evil.example").await;
    assert_eq!(location(&r), "/", "no open redirect");
    assert_eq!(app.get(&c, "/lang/de").await.status(), 404);
}

/// Changing one's password: a wrong current password is refused (400) and
/// changes nothing; the right one saves, keeps this session, ends the
/// other, and the new password signs in.
async fn change_own_password(app: &App) {
    let email = "tyontekija.kaakkuri@oulu.example";
    let new = "Kolme vihreää kettua hyppää aidan yli";
    let laptop = app.login(email).await;
    let phone = app.login(email).await;
    let r = app
        .post(
            &laptop,
            "/account/password",
            &[
                ("current", "ei tämä ole se"),
                ("password", new),
                ("password_repeat", new),
            ],
        )
        .await;
    assert_eq!(r.status(), 400);
    let body = r.text().await.expect("account page");
    assert!(body.contains("Nykyinen salasana ei ole oikein"));
    assert!(signed_in(app, &phone).await, "a refusal changes nothing");

    let r = app
        .post(
            &laptop,
            "/account/password",
            &[
                ("current", common::demo_password(email)),
                ("password", new),
                ("password_repeat", new),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/account?saved=1");
    assert!(signed_in(app, &laptop).await, "this session stays");
    assert!(!signed_in(app, &phone).await, "the other one ends");
    let again = app.login_with(email, new).await;
    assert!(signed_in(app, &again).await);
}

on_both_databases!(
    sign_in_checks_csrf_and_password,
    sign_out_checks_csrf,
    language_switch,
    change_own_password
);
