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

/// A browser-like client whose requests come from `ip` (any 127.x address
/// reaches the test server on this machine).
fn client_from(ip: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(std::net::IpAddr::from(ip))
        .build()
        .expect("HTTP client")
}

async fn try_password(app: &App, c: &reqwest::Client, email: &str, password: &str) -> u16 {
    let token = csrf_of(&app.page(c, "/login").await);
    app.post_with_csrf(
        c,
        "/login",
        &token,
        &[("email", email), ("password", password)],
    )
    .await
    .status()
    .as_u16()
}

/// Issue 17: five wrong passwords from anywhere used to lock the real owner
/// out for 15 minutes. Now an address that guesses is held back (429 after
/// five), a swarm of addresses closes the account to unknown browsers after
/// 50, and the owner's own browser — one that has signed in before — still
/// signs in with the right password.
async fn strangers_cannot_lock_the_owner_out(app: &App) {
    let email = "katselija@oulu.example";
    let password = common::demo_password(email);
    let own = client_from([127, 0, 0, 1]);
    assert_eq!(try_password(app, &own, email, password).await, 303);
    let _ = app.post(&own, "/logout", &[]).await;

    let guesser = client_from([127, 0, 0, 2]);
    for _ in 0..5 {
        assert_eq!(try_password(app, &guesser, email, "arvaus").await, 401);
    }
    assert_eq!(
        try_password(app, &guesser, email, password).await,
        429,
        "the guessing address waits, even with the right password"
    );
    // The same guesses from the owner's address, in a stranger's browser:
    // still only that browser-and-address pair is held back.
    let neighbour = client_from([127, 0, 0, 1]);
    for _ in 0..5 {
        assert_eq!(try_password(app, &neighbour, email, "arvaus").await, 401);
    }
    assert_eq!(try_password(app, &neighbour, email, password).await, 429);
    assert_eq!(
        try_password(app, &own, email, password).await,
        303,
        "the owner"
    );
    let _ = app.post(&own, "/logout", &[]).await;

    // A swarm: 40 more failures from eight more addresses make 50.
    for last in 3..=10 {
        let c = client_from([127, 0, 0, last]);
        for _ in 0..5 {
            assert_eq!(try_password(app, &c, email, "arvaus").await, 401);
        }
    }
    let fresh = client_from([127, 0, 0, 11]);
    assert_eq!(
        try_password(app, &fresh, email, password).await,
        429,
        "the account is closed to browsers it has never signed in with"
    );
    assert_eq!(
        try_password(app, &own, email, password).await,
        303,
        "but never to the owner's own browser"
    );
    // The owner's browser counts its own failures.
    let _ = app.post(&own, "/logout", &[]).await;
    for _ in 0..5 {
        assert_eq!(try_password(app, &own, email, "kirjoitusvirhe").await, 401);
    }
    assert_eq!(try_password(app, &own, email, password).await, 429);
}

on_both_databases!(
    strangers_cannot_lock_the_owner_out,
    sign_in_checks_csrf_and_password,
    sign_out_checks_csrf,
    language_switch,
    change_own_password
);
