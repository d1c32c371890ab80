//! End-to-end: the real binary on a free port, spoken to over HTTP.

mod common;

use common::{client, csrf, csrf_of, demo_password, login, token_for, Server};
use serde_json::{json, Value};

async fn public_pages_headers_and_health(db: &str) {
    let s = Server::start(db);
    let c = client();
    let r = c.get(s.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    let home = r.text().await.unwrap();
    assert!(home.contains("<html lang=\"fi\">"));
    for area in [
        "Keskinen alue",
        "Pohjoinen alue",
        "Itäinen alue",
        "Eteläinen alue",
    ] {
        assert!(home.contains(area), "{area} on the home page");
    }
    assert!(
        home.contains("esittelyaineistoa"),
        "demo data is marked as illustrative"
    );
    assert!(!home.contains("<script"), "no scripts");
    assert!(
        !home.contains("Kelan Oulun palvelupiste"),
        "the home's place choices list areas and clusters only"
    );
    let overview = c
        .get(s.url("/organisation"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        overview.contains("<a href=\"/units/keskinen\">Keskinen alue</a>")
            && !overview.contains("Kelan Oulun palvelupiste"),
        "the overview's area cards list service clusters only"
    );

    let area = c
        .get(s.url("/units/keskinen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(area.contains("Tuiran palvelukeskittymä") && area.contains("Tuiran koulu"));
    assert!(
        area.contains("Kulttuuripalvelut"),
        "centralised services take part in every area"
    );
    assert!(
        area.contains("Hietasaaren palvelukeskittymä") && area.contains("31.7.2023"),
        "ended cluster kept as history"
    );
    assert!(
        !area.contains("2023-07-31"),
        "its end date as Finns write it, not ISO"
    );
    assert!(
        !area.contains("aluepaallikko.keskinen@oulu.example"),
        "people are not public"
    );
    let unit = c
        .get(s.url("/units/tuiran-koulu"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(unit.contains("Sivistys- ja kulttuuripalvelut") && unit.contains("Koulu"));

    assert_eq!(
        c.get(s.url("/units/no-such-unit"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        c.get(s.url("/no/such/page")).send().await.unwrap().status(),
        404
    );
    let h: Value = c
        .get(s.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["database"], "ok");
    // The hashed stylesheet is served and cacheable.
    let css_href = home
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let css = c.get(s.url(&css_href)).send().await.unwrap();
    assert_eq!(css.status(), 200);
    assert!(css.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
}

async fn language_switch_and_accept_language(db: &str) {
    let s = Server::start(db);
    let c = client();
    let r = c
        .get(s.url("/lang/sv?next=/units/keskinen"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/units/keskinen");
    let page = c
        .get(s.url("/units/keskinen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("<html lang=\"sv\">")
            && page.contains("Centrala området")
            && page.contains("Startsida")
    );
    let r = c
        .get(s.url("/lang/en?next=//evil.example"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/", "no open redirect");
    // Browsers drop tab, CR and LF from URLs: /<tab>/evil.example is //evil.example.
    for next in [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "/%0a",
    ] {
        let r = c
            .get(s.url(&format!("/lang/en?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "{next}: a redirect, not a 500");
        assert_eq!(r.headers()["location"], "/", "{next}: no open redirect");
    }
    let en = client()
        .get(s.url("/"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("<html lang=\"en\">") && en.contains("Central area"));
    assert_eq!(
        client()
            .get(s.url("/lang/de"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn login_logout_csrf_and_throttling(db: &str) {
    let s = Server::start(db);
    let c = client();
    let page = c
        .get(s.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_of(&page);
    // Without the CSRF token the form is refused.
    let r = c
        .post(s.url("/login"))
        .form(&[
            ("email", "admin@oulu.example"),
            ("password", "demo-admin-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(s.url("/login"))
        .form(&[
            ("csrf", token.as_str()),
            ("email", "admin@oulu.example"),
            ("password", "wrong password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Sähköposti tai salasana on väärä"));
    assert_eq!(
        c.get(s.url("/admin/audit")).send().await.unwrap().status(),
        303,
        "still signed out"
    );

    let admin = login(&s, "admin@oulu.example", "demo-admin-2026").await;
    let r = admin.get(s.url("/admin/audit")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let t = csrf(&s, &admin).await;
    assert_eq!(
        admin
            .post(s.url("/logout"))
            .form(&[("csrf", "x".repeat(64))])
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        admin
            .post(s.url("/logout"))
            .form(&[("csrf", t.as_str())])
            .send()
            .await
            .unwrap()
            .status(),
        303
    );
    let r = admin.get(s.url("/admin/audit")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login?next=%2Fadmin%2Faudit")
            || r.headers()["location"]
                .to_str()
                .unwrap()
                .starts_with("/login?next=/admin/audit")
    );

    // Five failures for one address, then even the right password waits.
    let c = client();
    let token = csrf_of(
        &c.get(s.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    for _ in 0..5 {
        let r = c
            .post(s.url("/login"))
            .form(&[
                ("csrf", token.as_str()),
                ("email", "katselija@oulu.example"),
                ("password", "not the password"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = c
        .post(s.url("/login"))
        .form(&[
            ("csrf", token.as_str()),
            ("email", "katselija@oulu.example"),
            ("password", "demo-katselija-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
}

/// Every write route of the pages and the API, with a body that would succeed
/// for someone allowed. (method, path, form or JSON body)
fn write_routes(user_id: i64, role_id: i64) -> Vec<(&'static str, String, Value)> {
    let unit_form = json!({"code": "uusi-yksikko", "parent_code": "tuira", "level": "unit", "kind": "ngo", "name_fi": "Uusi"});
    let edit_form = json!({"parent_code": "tuira", "level": "unit", "kind": "school", "name_fi": "Tuiran koulu 2"});
    vec![
        ("form", "/admin/units".into(), unit_form),
        ("form", "/admin/units/tuiran-koulu".into(), edit_form),
        (
            "form",
            "/admin/users".into(),
            json!({"email": "uusi@oulu.example", "name": "Uusi", "role": "staff", "org": "tuira", "password": "salasana-123"}),
        ),
        (
            "form",
            format!("/admin/users/{user_id}/roles"),
            json!({"role": "viewer", "scope": "tuira"}),
        ),
        (
            "form",
            format!("/admin/users/{user_id}/roles/{role_id}/delete"),
            json!({}),
        ),
        (
            "form",
            format!("/admin/users/{user_id}/status"),
            json!({"disabled": "true"}),
        ),
    ]
}

fn api_writes() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "POST",
            "/api/v1/orgunits",
            json!({"code": "api-yksikko", "parent": "tuira", "level": "unit", "kind": "ngo", "names": {"fi": "API"}}),
        ),
        (
            "PUT",
            "/api/v1/orgunits/tuiran-koulu",
            json!({"parent": "tuira", "level": "unit", "kind": "school", "names": {"fi": "Tuiran koulu 3"}}),
        ),
        (
            "POST",
            "/api/v1/users",
            json!({"email": "api@oulu.example", "name": "API", "role": "staff", "scope": "tuira"}),
        ),
    ]
}

async fn post_form(
    s: &Server,
    c: &reqwest::Client,
    path: &str,
    body: &Value,
) -> reqwest::StatusCode {
    let token = csrf(s, c).await;
    let mut form: Vec<(String, String)> = vec![("csrf".into(), token)];
    if let Value::Object(m) = body {
        form.extend(
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())),
        );
    }
    c.post(s.url(path))
        .form(&form)
        .send()
        .await
        .unwrap()
        .status()
}

async fn every_write_route_checks_roles(db: &str) {
    let s = Server::start(db);
    let admin_token = token_for(db, "admin@oulu.example");
    let api = client();
    let users: Value = api
        .get(s.url("/api/v1/users"))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let staff = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "tyontekija.kaakkuri@oulu.example")
        .unwrap();
    let staff_id = staff["id"].as_i64().unwrap();
    // The role id is not in the API; read it from the admin page's remove form.
    let admin = login(&s, "admin@oulu.example", "demo-admin-2026").await;
    let page = admin
        .get(s.url("/admin/users"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = format!("/admin/users/{staff_id}/roles/");
    let role_id: i64 = page
        .split(&prefix)
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    for who in [
        "katselija@oulu.example",
        "aluepaallikko.etelainen@oulu.example",
        "tyontekija.kaakkuri@oulu.example",
    ] {
        let c = login(&s, who, demo_password(who)).await;
        for (_, path, body) in write_routes(staff_id, role_id) {
            assert_eq!(
                post_form(&s, &c, &path, &body).await,
                403,
                "{who} POST {path}"
            );
        }
        let token = token_for(db, who);
        for (method, path, body) in api_writes() {
            let req = if method == "POST" {
                api.post(s.url(path))
            } else {
                api.put(s.url(path))
            };
            let r = req.bearer_auth(&token).json(&body).send().await.unwrap();
            assert_eq!(r.status(), 403, "{who} {method} {path}");
            let e: Value = r.json().await.unwrap();
            assert_eq!(e["error"], "forbidden");
        }
    }
    // Signed out: pages send to the login page, the API answers 401.
    let anon = client();
    for (_, path, body) in write_routes(staff_id, role_id) {
        let st = post_form(&s, &anon, &path, &body).await;
        assert!(st == 303 || st == 403, "anonymous POST {path}: {st}");
    }
    for (method, path, body) in api_writes() {
        let req = if method == "POST" {
            api.post(s.url(path))
        } else {
            api.put(s.url(path))
        };
        assert_eq!(
            req.json(&body).send().await.unwrap().status(),
            401,
            "anonymous {method} {path}"
        );
    }
    // Nothing changed.
    let school: Value = api
        .get(s.url("/api/v1/orgunits/tuiran-koulu"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(school["names"]["fi"], "Tuiran koulu");

    // The area manager of Keskinen edits Keskinen (Tuira is in it) but not users.
    let kesk = login(
        &s,
        "aluepaallikko.keskinen@oulu.example",
        "demo-keskinen-2026",
    )
    .await;
    let routes = write_routes(staff_id, role_id);
    assert_eq!(post_form(&s, &kesk, &routes[0].1, &routes[0].2).await, 303);
    assert_eq!(post_form(&s, &kesk, &routes[1].1, &routes[1].2).await, 303);
    assert_eq!(post_form(&s, &kesk, &routes[2].1, &routes[2].2).await, 403);
    // ...but cannot move a Keskinen unit into Eteläinen.
    let mv = json!({"parent_code": "kaakkuri", "level": "unit", "kind": "school", "name_fi": "Tuiran koulu 2"});
    assert_eq!(
        post_form(&s, &kesk, "/admin/units/tuiran-koulu", &mv).await,
        403
    );
    // And the admin may do all of them.
    for (_, path, body) in routes.iter().skip(2) {
        assert_eq!(
            post_form(&s, &admin, path, body).await,
            303,
            "admin POST {path}"
        );
    }
    let log: Value = api
        .get(s.url("/api/v1/audit?limit=20"))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let log = log.as_array().unwrap();
    let by_manager = log
        .iter()
        .filter(|e| e["actor"] == "aluepaallikko.keskinen@oulu.example")
        .count();
    assert_eq!(by_manager, 2, "the manager's two changes are audited");
    let rename = log
        .iter()
        .find(|e| e["entity_key"] == "tuiran-koulu" && e["action"] == "update")
        .unwrap();
    assert_eq!(rename["old_value"]["name_fi"], "Tuiran koulu");
    assert_eq!(rename["new_value"]["name_fi"], "Tuiran koulu 2");
}

async fn forms_reject_bad_input_and_change_nothing(db: &str) {
    let s = Server::start(db);
    let admin = login(&s, "admin@oulu.example", "demo-admin-2026").await;
    let token = csrf(&s, &admin).await;
    let r = admin
        .post(s.url("/admin/units"))
        .form(&[
            ("csrf", token.as_str()),
            ("code", "Huono Tunnus"),
            ("parent_code", "tuira"),
            ("level", "unit"),
            ("kind", ""),
            ("name_fi", ""),
            ("valid_from", "2025-02-30"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(page.contains("Lomakkeessa on virheitä"));
    for field in [
        "code-error",
        "kind-error",
        "name_fi-error",
        "valid_from-error",
    ] {
        assert!(page.contains(&format!("id=\"{field}\"")), "{field} shown");
    }
    assert!(
        page.contains("value=\"Huono Tunnus\""),
        "what was typed is kept"
    );
    // A cluster cannot go under a unit; a taken code is a conflict.
    let r = admin
        .post(s.url("/admin/units"))
        .form(&[
            ("csrf", token.as_str()),
            ("code", "x"),
            ("parent_code", "tuiran-koulu"),
            ("level", "cluster"),
            ("name_fi", "X"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = admin
        .post(s.url("/admin/units"))
        .form(&[
            ("csrf", token.as_str()),
            ("code", "tuiran-pk"),
            ("parent_code", "tuira"),
            ("level", "unit"),
            ("kind", "daycare"),
            ("name_fi", "X"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let r = admin
        .post(s.url("/admin/users"))
        .form(&[
            ("csrf", token.as_str()),
            ("email", "not-an-email"),
            ("name", ""),
            ("role", "king"),
            ("org", "tuira"),
            ("password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    for field in ["email-error", "name-error", "role-error", "password-error"] {
        assert!(page.contains(&format!("id=\"{field}\"")), "{field} shown");
    }
    let audit: Value = client()
        .get(s.url("/api/v1/audit?limit=1000"))
        .bearer_auth(token_for(db, "admin@oulu.example"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        audit
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor"] == "demo" || e["entity"] == "api_token"),
        "nothing changed"
    );
    // The admin cannot lock themselves out.
    let users: Value = client()
        .get(s.url("/api/v1/me"))
        .bearer_auth(token_for(db, "admin@oulu.example"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me = users["id"].as_i64().unwrap();
    let r = admin
        .post(s.url(&format!("/admin/users/{me}/status")))
        .form(&[("csrf", token.as_str()), ("disabled", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

async fn api_reads_writes_and_errors(db: &str) {
    let s = Server::start(db);
    let c = client();
    let doc: Value = c
        .get(s.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        doc["openapi"].as_str().map(|v| v.starts_with("3.")),
        Some(true)
    );
    assert!(doc["paths"]["/api/v1/orgunits/{code}"]["get"].is_object());
    let all: Value = c
        .get(s.url("/api/v1/orgunits?org=oulu"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.iter().filter(|u| u["level"] == "area").count(), 4);
    let oulu = all.iter().find(|u| u["code"] == "oulu").unwrap();
    assert!(oulu["external_codes"]
        .as_array()
        .unwrap()
        .contains(&json!("kunta:564")));
    let e = c
        .get(s.url("/api/v1/orgunits?org=nowhere"))
        .send()
        .await
        .unwrap();
    assert_eq!(e.status(), 404);
    assert_eq!(e.json::<Value>().await.unwrap()["error"], "not_found");
    assert_eq!(
        c.get(s.url("/api/v1/me"))
            .bearer_auth("kasvu_not_a_token")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    let token = token_for(db, "aluepaallikko.keskinen@oulu.example");
    let me: Value = c
        .get(s.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"][0]["scope"], "keskinen");
    let new = json!({"code": "toppilan-kerho", "parent": "toppila", "level": "unit", "kind": "culture_sports", "names": {"fi": "Toppilan kerho", "en": "Toppila club"}, "external_codes": ["oma:1"]});
    let r = c
        .post(s.url("/api/v1/orgunits"))
        .bearer_auth(&token)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let u: Value = r.json().await.unwrap();
    assert_eq!(u["sector"], "city_central");
    let r = c
        .post(s.url("/api/v1/orgunits"))
        .bearer_auth(&token)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let mut bad = new.clone();
    bad["code"] = json!("another");
    bad["level"] = json!("castle");
    let r = c
        .post(s.url("/api/v1/orgunits"))
        .bearer_auth(&token)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let e: Value = r.json().await.unwrap();
    assert_eq!(
        (e["error"].as_str(), e["field"].as_str()),
        (Some("bad_request"), Some("level"))
    );
    let r = c
        .put(s.url("/api/v1/orgunits/nowhere"))
        .bearer_auth(&token)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let mut ended = new.clone();
    ended["valid_to"] = json!("2026-01-31");
    let r = c
        .put(s.url("/api/v1/orgunits/toppilan-kerho"))
        .bearer_auth(&token)
        .json(&ended)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["valid_to"], "2026-01-31");
    let r = c
        .get(s.url("/api/v1/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "users are for admins");
}

/// The `lang`s of the elements around the first `text` in `html`,
/// outermost (the page's `<html lang>`) first.
fn langs_around(html: &str, text: &str) -> Vec<String> {
    let Some(at) = html.find(text) else {
        return vec![];
    };
    const VOID: [&str; 11] = [
        "br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area", "base",
    ];
    // The open elements at `at`, with their lang if any.
    let mut open: Vec<(String, Option<String>)> = Vec::new();
    let mut rest = &html[..at];
    while let Some(lt) = rest.find('<') {
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else { break };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(i) = open.iter().rposition(|(n, _)| *n == name) {
                open.truncate(i);
            }
            continue;
        }
        let name: String = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if VOID.contains(&name.as_str()) || tag.ends_with('/') {
            continue;
        }
        let lang = tag
            .split(" lang=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .map(str::to_owned);
        open.push((name, lang));
    }
    open.into_iter().filter_map(|(_, l)| l).collect()
}

/// Content staff wrote in Finnish is marked `lang="fi"` on Swedish and
/// English pages, and carries no extra `lang` on Finnish pages (WCAG 3.1.2).
async fn finnish_parts_are_marked(db: &str) {
    let s = Server::start(db);
    let admin = login(
        &s,
        "admin@oulu.example",
        demo_password("admin@oulu.example"),
    )
    .await;
    let get = |c: &reqwest::Client, path: String| {
        let c = c.clone();
        let url = s.url(&path);
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let list = get(&admin, "/projects".into()).await;
    let named = list
        .find("Pohjois-Suomen Lasten Kaste")
        .expect("the demo project");
    let link = list[..named].rfind("href=\"/projects/").expect("its link");
    let id: String = list[link + "href=\"/projects/".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(!id.is_empty(), "{list}");
    let parts: [(String, &str); 6] = [
        (
            format!("/projects/{id}"),
            "Oulun kaupungin koordinoima hanke",
        ),
        (
            "/actors/mll-tuira".into(),
            "Perhekahvila, lastenhoitoapu ja vertaisryhmät vanhemmille",
        ),
        (
            "/actors".into(),
            "Perhekahvila, lastenhoitoapu ja vertaisryhmät vanhemmille",
        ),
        (
            "/practices/lp-toimintamalli".into(),
            "Strukturoitu keskustelu, jossa vanhempi",
        ),
        ("/projects".into(), "Pohjois-Suomen Lasten Kaste"),
        ("/activities/manage".into(), "Joululoma"),
    ];
    for lang in ["sv", "en", "fi"] {
        let r = admin
            .get(s.url(&format!("/lang/{lang}?next=/")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        for (path, text) in &parts {
            let page = get(&admin, path.clone()).await;
            assert!(
                page.contains(&format!("<html lang=\"{lang}\"")),
                "{path} in {lang}"
            );
            assert!(page.contains(text), "{path} in {lang} shows {text:?}");
            let langs = langs_around(&page, text);
            let want: &[&str] = if lang == "fi" { &["fi"] } else { &[lang, "fi"] };
            assert_eq!(langs, want, "{text:?} on {path} in {lang}");
        }
    }
    // The helper itself: a closed element's lang does not count.
    let sv = "<html lang=\"sv\"><p>x <span lang=\"fi\">hei</span></p>";
    assert_eq!(langs_around(sv, "hei"), ["sv", "fi"]);
    let closed = "<html lang=\"sv\"><p lang=\"fi\">a<br></p><p>hei</p>";
    assert_eq!(langs_around(closed, "hei"), ["sv"]);
}

on_both_databases!(
    finnish_parts_are_marked,
    public_pages_headers_and_health,
    language_switch_and_accept_language,
    login_logout_csrf_and_throttling,
    every_write_route_checks_roles,
    forms_reject_bad_input_and_change_nothing,
    api_reads_writes_and_errors,
);
