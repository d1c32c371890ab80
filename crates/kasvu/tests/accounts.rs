//! End-to-end: accounts without a database console. An empty installation
//! says how to start; `kasvu init` and `kasvu user add` print one-time
//! links; people set and change passwords in the browser; admins make reset
//! links; a new password ends the person's other sessions.

mod common;

use common::{cli, client, csrf_of, login, Server};
use kasvu_store::Store;

/// The link a CLI command printed.
fn link_in(out: &str) -> String {
    out.split_whitespace()
        .find(|w| w.contains("/password/"))
        .unwrap_or_else(|| panic!("no link in: {out}"))
        .to_owned()
}

/// The path of a link, for this test's server.
fn path_of(link: &str) -> String {
    let i = link.find("/password/").expect("a password link");
    link[i..].to_owned()
}

async fn get(c: &reqwest::Client, server: &Server, path: &str) -> (u16, String) {
    let r = c.get(server.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(
    c: &reqwest::Client,
    server: &Server,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let r = c.post(server.url(path)).form(form).send().await.unwrap();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (r.status().as_u16(), location, r.text().await.unwrap())
}

/// Whether the client's session is still signed in.
async fn signed_in(c: &reqwest::Client, server: &Server) -> bool {
    let r = c.get(server.url("/account")).send().await.unwrap();
    r.status() == 200
}

const STRONG: &str = "revontulet loistavat rovaniemen yllä";
const STRONGER: &str = "poro juoksee ounasvaaran rinteessä";

async fn accounts_from_first_start(db: &str) {
    let server = Server::start_args(&[], db);
    let anon = client();
    let (status, home) = get(&anon, &server, "/").await;
    assert_eq!(status, 200);
    assert!(
        home.contains("kasvu init --org"),
        "an empty installation says how to start"
    );

    let (ok, out, err) = cli(
        &[
            "init",
            "--db",
            db,
            "--org",
            "rovaniemi",
            "--name",
            "Rovaniemen kaupunki",
            "--admin-email",
            "Admin@Rovaniemi.example",
            "--admin-name",
            "Pääkäyttäjä",
            "--public-url",
            "https://kasvu.rovaniemi.example/",
        ],
        None,
    );
    assert!(ok, "{err}");
    let link = link_in(&out);
    assert!(
        link.starts_with("https://kasvu.rovaniemi.example/password/"),
        "{link}"
    );
    let (ok, _, err) = cli(
        &[
            "init",
            "--db",
            db,
            "--org",
            "kemi",
            "--name",
            "Kemi",
            "--admin-email",
            "x@kemi.example",
        ],
        None,
    );
    assert!(
        !ok && err.contains("already has users"),
        "init works once: {err}"
    );

    // The admin sets a password through the link, once.
    let path = path_of(&link);
    let (status, form) = get(&anon, &server, &path).await;
    assert_eq!(status, 200);
    assert!(form.contains("admin@rovaniemi.example"), "{form}");
    let csrf = csrf_of(&form);
    let (status, _, page) = post(
        &anon,
        &server,
        &path,
        &[
            ("csrf", &csrf),
            ("password", "salasana2026"),
            ("password_repeat", "salasana2026"),
        ],
    )
    .await;
    assert_eq!(status, 400, "a guessable password is refused");
    assert!(page.contains("liian helppo arvata"), "named in Finnish");
    let (status, _, page) = post(
        &anon,
        &server,
        &path,
        &[
            ("csrf", &csrf),
            ("password", STRONG),
            ("password_repeat", "jotain muuta kokonaan"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("Salasanat eivät ole samat"), "{page}");
    let (status, location, _) = post(
        &anon,
        &server,
        &path,
        &[
            ("csrf", &csrf),
            ("password", STRONG),
            ("password_repeat", STRONG),
        ],
    )
    .await;
    assert_eq!((status, location.as_str()), (303, "/login?password_set=1"));
    let (status, page) = get(&anon, &server, &path).await;
    assert_eq!(status, 410, "a used link is gone");
    assert!(page.contains("vanhentunut tai jo käytetty"));

    // Signed in twice (a laptop and a phone); changing the password on one
    // ends the other.
    let laptop = login(&server, "admin@rovaniemi.example", STRONG).await;
    let phone = login(&server, "admin@rovaniemi.example", STRONG).await;
    let (status, page) = get(&laptop, &server, "/account").await;
    assert_eq!(status, 200);
    assert!(page.contains("Pääkäyttäjä") && page.contains("Rovaniemen kaupunki"));
    let csrf = csrf_of(&page);
    let (status, _, page) = post(
        &laptop,
        &server,
        "/account/password",
        &[
            ("csrf", &csrf),
            ("current", "ei tämä ole se"),
            ("password", STRONGER),
            ("password_repeat", STRONGER),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("Nykyinen salasana ei ole oikein"), "{page}");
    assert!(
        signed_in(&phone, &server).await,
        "a refusal changes nothing"
    );
    let (status, location, _) = post(
        &laptop,
        &server,
        "/account/password",
        &[
            ("csrf", &csrf),
            ("current", STRONG),
            ("password", STRONGER),
            ("password_repeat", STRONGER),
        ],
    )
    .await;
    assert_eq!((status, location.as_str()), (303, "/account?saved=1"));
    assert!(signed_in(&laptop, &server).await, "this session stays");
    assert!(!signed_in(&phone, &server).await, "the other one ends");

    // A user added without a password gets a link; an admin's reset link
    // replaces it; the person's old password keeps working until then.
    let (ok, out, err) = cli(
        &[
            "user",
            "add",
            "--db",
            db,
            "--email",
            "ohjaaja@rovaniemi.example",
            "--name",
            "Ohjaaja",
            "--role",
            "viewer",
            "--org",
            "rovaniemi",
        ],
        None,
    );
    assert!(ok, "{err}");
    let cli_link = link_in(&out);
    let store = Store::open(db).await.unwrap();
    let viewer = store
        .user_by_email("ohjaaja@rovaniemi.example")
        .await
        .unwrap()
        .unwrap();
    let (_, users) = get(&laptop, &server, "/admin/users").await;
    let action = format!("/admin/users/{}/password-link", viewer.id);
    assert!(
        users.contains(&action),
        "the users page offers a reset link"
    );
    let (status, _, page) = post(&laptop, &server, &action, &[("csrf", &csrf)]).await;
    assert_eq!(status, 200);
    let admin_link = page
        .split('"')
        .find(|w| w.contains("/password/"))
        .expect("the link is shown")
        .to_owned();
    let (status, _) = get(&anon, &server, &path_of(&cli_link)).await;
    assert_eq!(status, 410, "the new link replaces the earlier one");
    let (status, _) = get(&anon, &server, &path_of(&admin_link)).await;
    assert_eq!(status, 200);
    // Another organisation's admin or a viewer cannot make links.
    let (status, _, _) = post(
        &phone,
        &server,
        &action,
        &[("csrf", "0".repeat(64).as_str())],
    )
    .await;
    assert!(status == 403 || status == 303, "{status}");

    // The CLI sets a password from standard input, strength checked, and
    // every session of that person ends.
    let (ok, _, err) = cli(
        &[
            "user",
            "password",
            "--db",
            db,
            "--email",
            "admin@rovaniemi.example",
        ],
        Some("rovaniemi2026\n"),
    );
    assert!(!ok && err.contains("too easy to guess"), "{err}");
    assert!(
        signed_in(&laptop, &server).await,
        "a refusal changes nothing"
    );
    let (ok, out, err) = cli(
        &[
            "user",
            "password",
            "--db",
            db,
            "--email",
            "admin@rovaniemi.example",
        ],
        Some("tunturi tuulee talvella kovaa\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("sessions have ended"), "{out}");
    assert!(!signed_in(&laptop, &server).await);
    login(
        &server,
        "admin@rovaniemi.example",
        "tunturi tuulee talvella kovaa",
    )
    .await;

    // Every change is in the audit log, no secret in it.
    let log = store
        .audit_entries(&kasvu_store::AuditFilter {
            org_id: viewer.org_id,
            entity: Some("user".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "password_link",
            "set_password_by_link",
            "change_password",
            "create",
            "password_link",
            "password_link",
            "set_password"
        ]
    );
    let text = format!("{log:?}");
    assert!(!text.contains("argon2") && !text.contains(&path_of(&admin_link)[10..]));
}

on_both_databases!(accounts_from_first_start);

/// With single sign-on set and passwords switched off, the sign-in page
/// offers only the provider and a password is refused; a provider that does
/// not answer gets a clear message; SSO without a public address does not
/// start, nor does a server listening beyond this machine without one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_sign_in_can_be_switched_off() {
    let db = kasvu_store::testing::TestDb::sqlite().await;
    let (ok, _, err) = cli(
        &[
            "serve",
            "--db",
            &db.url,
            "--oidc-issuer",
            "http://127.0.0.1:9",
            "--oidc-client-id",
            "kasvu",
        ],
        None,
    );
    assert!(
        !ok && err.contains("--oidc-issuer needs --public-url"),
        "{err}"
    );
    // Listening beyond this machine needs the public address: links that
    // leave the site are never made from a request's Host header.
    let (ok, _, err) = cli(&["serve", "--db", &db.url, "--addr", "0.0.0.0:0"], None);
    assert!(!ok && err.contains("--public-url"), "{err}");
    let (ok, _, err) = cli(
        &[
            "serve",
            "--db",
            &db.url,
            "--public-url",
            "ftp://kasvu.example",
        ],
        None,
    );
    assert!(!ok && err.contains("must be an http"), "{err}");
    // Nothing listens on port 9: discovery fails at the first sign-in.
    let server = Server::start_with(
        &db.url,
        &[
            "--public-url",
            "http://127.0.0.1:9999",
            "--oidc-issuer",
            "http://127.0.0.1:9",
            "--oidc-client-id",
            "kasvu",
            "--disable-password-login",
        ],
    );
    let c = client();
    let (status, page) = get(&c, &server, "/login").await;
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/login/sso?next="), "{page}");
    assert!(!page.contains("name=\"password\""), "no password form");
    // A form that still has this browser's CSRF token: the wish form.
    let csrf = csrf_of(&get(&c, &server, "/wish").await.1);
    let (status, _, page) = post(
        &c,
        &server,
        "/login",
        &[
            ("csrf", &csrf),
            ("email", "admin@oulu.example"),
            ("password", "demo-admin-2026"),
            ("next", "/"),
        ],
    )
    .await;
    assert_eq!(status, 403, "a right password is refused all the same");
    assert!(page.contains("organisaation tunnuksella, ei salasanalla"));
    let (status, page) = get(&c, &server, "/login/sso?next=/").await;
    assert_eq!(status, 502);
    assert!(page.contains("Tunnistuspalveluun ei juuri nyt saatu yhteyttä"));
    db.finish().await;
}
