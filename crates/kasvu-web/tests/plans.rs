//! The welfare plan feature (`src/plans`): the public results chain, the
//! plan API, follow-up of measures by their owners and new versions.

mod common;

use common::{anonymous, App};
use serde_json::Value;

/// The id of the demo city's plan in force (`lanu-2022`), from the API.
async fn main_plan(app: &App) -> i64 {
    let plans = app.api(None, "/api/v1/plans").await;
    let main = plans
        .as_array()
        .expect("a list of plans")
        .iter()
        .find(|p| p["code"] == "lanu-2022")
        .cloned()
        .expect("the demo plan is listed");
    assert_eq!(main["status"], "in_force");
    main["id"].as_i64().expect("a numeric id")
}

/// The id of the measure whose name is `name` on a results-chain page.
fn measure_id(page: &str, name: &str) -> String {
    let at = page
        .find(name)
        .unwrap_or_else(|| panic!("{name} on the page"));
    let marker = "id=\"measure-";
    let start = page[..at].rfind(marker).expect("the measure's id") + marker.len();
    let len = page[start..].find('"').expect("end of the id");
    page[start..start + len].to_owned()
}

/// The plan page draws the chain from the aim through goals to measures
/// linked to their indicators; the status filter narrows the measures; an
/// unknown plan is 404.
async fn results_chain_page(app: &App) {
    let c = anonymous();
    let list = app.page(&c, "/plans").await;
    assert!(list.contains("Voimassa"), "the plan in force");
    let path = format!("/plans/{}", main_plan(app).await);
    let page = app.page(&c, &path).await;
    assert!(
        page.contains("Hyvinvoiva lapsi, nuori, perhe ja yhteisö"),
        "the aim"
    );
    for goal in [
        "Alueen hyvinvointitiedon hyödyntäminen",
        "Välittävän toimintakulttuurin rakentaminen",
        "Osallisuuden ja vaikuttamisen vahvistaminen",
    ] {
        assert!(page.contains(goal), "{goal}");
    }
    assert!(page.contains("href=\"/indicators/shps_hobby\""));
    let done = app.page(&c, &format!("{path}?status=done")).await;
    assert!(done.contains("Pilottipuhelin perheiden"));
    assert!(done.contains("Toimenpiteitä 1:"), "only the finished one");
    assert_eq!(app.get(&c, "/plans/999999").await.status(), 404);
}

/// The plan API gives the organisation's plan and the four regional ones,
/// and the plan's tree with its three goals.
async fn plan_api(app: &App) {
    let plans = app.api(None, "/api/v1/plans").await;
    assert_eq!(plans.as_array().map(Vec::len), Some(5));
    let id = main_plan(app).await;
    let tree: Value = app.api(None, &format!("/api/v1/plans/{id}")).await;
    assert_eq!(tree["goals"].as_array().map(Vec::len), Some(3));
}

/// A Tuira leadership-team member records the status of a measure owned in
/// Tuira (303, the note is then public) but not of one owned in Kaakkuri
/// (403); without the CSRF token nothing is recorded.
async fn measure_follow_up_by_owner(app: &App) {
    let path = format!("/plans/{}", main_plan(app).await);
    let page = app.page(&anonymous(), &path).await;
    let school = measure_id(&page, "Hyvinvointikoulun toimintamalli");
    let phone = measure_id(&page, "Pilottipuhelin perheiden");
    let note = "Käytössä kaikilla luokilla";
    let form = [("status", "done"), ("note", note)];
    let member = app.login("johtotiimi.tuira@oulu.example").await;

    let own = format!("{path}/measures/{school}/status");
    let r = app.post_without_csrf(&member, &own, &form).await;
    assert_eq!(r.status(), 403);
    assert!(!app.page(&anonymous(), &path).await.contains(note));

    let other = format!("{path}/measures/{phone}/status");
    assert_eq!(app.post(&member, &other, &form).await.status(), 403);
    assert!(!app.page(&anonymous(), &path).await.contains(note));

    assert_eq!(app.post(&member, &own, &form).await.status(), 303);
    assert!(app.page(&anonymous(), &path).await.contains(note));
}

/// The admin starts a new draft version (303 to it); the draft is not
/// public; staff may not start one.
async fn new_version_is_a_private_draft(app: &App) {
    let path = format!("/plans/{}", main_plan(app).await);
    let staff = app.login("tyontekija.kaakkuri@oulu.example").await;
    let r = app.post(&staff, &format!("{path}/versions"), &[]).await;
    assert_eq!(r.status(), 403);

    let admin = app.login("admin@oulu.example").await;
    let r = app.post(&admin, &format!("{path}/versions"), &[]).await;
    assert_eq!(r.status(), 303);
    let to = common::location(&r);
    let draft = to.split('?').next().expect("a path").to_owned();
    assert_ne!(draft, path);
    let page = app.page(&admin, &draft).await;
    assert!(page.contains("Luonnos") && page.contains("Perhekeskustoiminta"));
    assert_eq!(
        app.get(&anonymous(), &draft).await.status(),
        404,
        "drafts are not public"
    );
}

on_both_databases!(
    results_chain_page,
    plan_api,
    measure_follow_up_by_owner,
    new_version_is_a_private_draft
);
