//! The organisation feature (`src/org`): the public home and unit pages and
//! the org-unit API.

mod common;

use common::{anonymous, App};
use serde_json::json;

/// The organisation overview is Finnish, lists the four areas of the demo
/// city and marks the demo data as illustrative; a unit page shows its
/// place in the tree and no people.
async fn public_home_and_unit_pages(app: &App) {
    let c = anonymous();
    let r = app.get(&c, "/organisation").await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .expect("CSP is text")
            .contains("default-src 'none'"),
        "the strict policy is set by the app itself"
    );
    let home = r.text().await.expect("home body");
    assert!(home.contains("<html lang=\"fi\">"));
    for area in [
        "Keskinen alue",
        "Pohjoinen alue",
        "Itäinen alue",
        "Eteläinen alue",
    ] {
        assert!(home.contains(area), "{area} in the overview");
    }
    assert!(home.contains("esittelyaineistoa"), "demo data is marked");

    let area = app.page(&c, "/units/keskinen").await;
    assert!(area.contains("Tuiran palvelukeskittymä") && area.contains("Tuiran koulu"));
    assert!(
        !area.contains("aluepaallikko.keskinen@oulu.example"),
        "people are not public"
    );
    assert_eq!(app.get(&c, "/units/no-such-unit").await.status(), 404);
}

/// The API lists and reads units without signing in.
async fn api_reads_units(app: &App) {
    let school = app.api(None, "/api/v1/orgunits/tuiran-koulu").await;
    assert_eq!(school["names"]["fi"], "Tuiran koulu");
    assert_eq!(school["code"], "tuiran-koulu");
    let all = app.api(None, "/api/v1/orgunits?org=oulu").await;
    let all = all.as_array().expect("a list of units");
    assert_eq!(
        all.iter().filter(|u| u["level"] == "area").count(),
        4,
        "Oulu's four areas"
    );
    let missing = anonymous()
        .get(app.url("/api/v1/orgunits?org=nowhere"))
        .send()
        .await
        .expect("GET unknown organisation");
    assert_eq!(missing.status(), 404);
    let e: serde_json::Value = missing.json().await.expect("JSON error");
    assert_eq!(e["error"], "not_found");
}

/// Writing units through the API needs a token of someone allowed: none is
/// 401, a viewer's is 403 with the JSON error, and nothing changes; an
/// admin's creates the unit.
async fn api_writes_need_the_right_role(app: &App) {
    let body = json!({"code": "api-yksikko", "parent": "tuira", "level": "unit", "kind": "ngo", "names": {"fi": "API-yksikkö"}});
    let c = anonymous();
    let r = c
        .post(app.url("/api/v1/orgunits"))
        .json(&body)
        .send()
        .await
        .expect("anonymous POST");
    assert_eq!(r.status(), 401);
    let viewer = app.api_token("katselija@oulu.example").await;
    let r = c
        .post(app.url("/api/v1/orgunits"))
        .bearer_auth(&viewer)
        .json(&body)
        .send()
        .await
        .expect("viewer POST");
    assert_eq!(r.status(), 403);
    let e: serde_json::Value = r.json().await.expect("JSON error");
    assert_eq!(e["error"], "forbidden");
    let r = c
        .get(app.url("/api/v1/orgunits/api-yksikko"))
        .send()
        .await
        .expect("GET");
    assert_eq!(r.status(), 404, "the refused write changed nothing");

    let admin = app.api_token("admin@oulu.example").await;
    let r = c
        .post(app.url("/api/v1/orgunits"))
        .bearer_auth(&admin)
        .json(&body)
        .send()
        .await
        .expect("admin POST");
    assert_eq!(r.status(), 201, "the admin creates the unit");
    let made = app.api(None, "/api/v1/orgunits/api-yksikko").await;
    assert_eq!(made["names"]["fi"], "API-yksikkö");
    assert!(app
        .page(&anonymous(), "/units/api-yksikko")
        .await
        .contains("API-yksikkö"));
}

/// Issue 17's scope escape, as the attacker did it: the regional planner of
/// Pohjoinen replaces a cluster of their area with `"level":"organisation",
/// "parent":null`. It used to answer 200 and leave a third organisation that
/// not even the admin could move back. Now the unit stays where it was, for
/// the planner and for the admin alike (organisations come from the CLI).
async fn a_unit_cannot_be_made_an_organisation(app: &App) {
    let before = organisations(app).await;
    let c = anonymous();
    let escape = json!({"code": "kiiminki", "parent": null, "level": "organisation",
        "names": {"fi": "Kiimingin palvelukeskittymä"}});
    for who in ["suunnittelija.pohjoinen@oulu.example", "admin@oulu.example"] {
        let token = app.api_token(who).await;
        let r = c
            .put(app.url("/api/v1/orgunits/kiiminki"))
            .bearer_auth(&token)
            .json(&escape)
            .send()
            .await
            .expect("PUT");
        assert_eq!(r.status(), 400, "{who} may not detach a unit from its tree");
        let e: serde_json::Value = r.json().await.expect("JSON error");
        assert_eq!(e["field"], "parent_code", "{e}");
        let unit = app.api(None, "/api/v1/orgunits/kiiminki").await;
        assert_eq!(unit["parent"], "pohjoinen", "{who}: the unit did not move");
        assert_eq!(unit["level"], "cluster");
    }
    assert_eq!(organisations(app).await, before, "no new organisation");
    // The organisation itself cannot be hung under one of its units either.
    let admin = app.api_token("admin@oulu.example").await;
    let r = c
        .put(app.url("/api/v1/orgunits/oulu"))
        .bearer_auth(&admin)
        .json(
            &json!({"code": "oulu", "parent": "pohjoinen", "level": "area",
            "names": {"fi": "Oulun kaupunki"}}),
        )
        .send()
        .await
        .expect("PUT oulu");
    assert_eq!(r.status(), 400);
    assert_eq!(
        app.api(None, "/api/v1/orgunits/oulu").await["level"],
        "organisation"
    );
}

async fn organisations(app: &App) -> Vec<String> {
    let units = app.api(None, "/api/v1/orgunits").await;
    units
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|u| u["level"] == "organisation")
                .filter_map(|u| u["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

on_both_databases!(
    public_home_and_unit_pages,
    api_reads_units,
    api_writes_need_the_right_role,
    a_unit_cannot_be_made_an_organisation
);
