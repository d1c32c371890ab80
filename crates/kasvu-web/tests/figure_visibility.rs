//! Whose figures are public (issue 18, item 4): the demo's Soite keeps
//! every figure it does not share in the learning network for signed-in
//! users, Oulu's stay public. Anonymous readers get none of Soite's other
//! figures from the API, pages, exports, dashboards or comparisons; signed-in
//! users of any organisation get them; only the organisation's admin changes
//! the choice, on its page or over the API.

mod common;

use common::{anonymous, location, App};
use serde_json::{json, Value};

/// A Soite family centre's calls to the pilot phone: not shared, so
/// signed-in only in the demo.
const PRIVATE: &str =
    "/api/v1/data?indicator=pilot_phone_calls&orgunit=soite-perhekeskus-kokkola&period=2025";

async fn status(app: &App, token: Option<&str>, path: &str) -> (u16, Value) {
    let mut req = anonymous().get(app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("API request");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

async fn put(app: &App, token: &str, org: &str, codes: &[&str]) -> (u16, Value) {
    let r = anonymous()
        .put(app.url(&format!("/api/v1/orgs/{org}/figure-visibility")))
        .bearer_auth(token)
        .json(&json!({ "signed_in_only": codes }))
        .send()
        .await
        .expect("PUT");
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(Value::Null))
}

/// The API answers an anonymous reader 404, as for an unknown figure, and
/// a signed-in user of either organisation the figure; shared and Oulu's
/// figures stay public.
async fn api_refuses_signed_in_only_figures_to_anonymous_readers(app: &App) {
    let (s, body) = status(app, None, PRIVATE).await;
    assert_eq!(s, 404, "{body}");
    assert_eq!(body["error"], json!("not_found"));
    for email in ["admin@soite.example", "katselija@oulu.example"] {
        let token = app.api_token(email).await;
        let figure = app.api(Some(&token), PRIVATE).await;
        assert!(figure["value"].as_f64().is_some(), "{email}: {figure}");
    }
    // A bad token is no sign-in.
    let (s, _) = status(app, Some("not-a-token"), PRIVATE).await;
    assert_eq!(s, 404);
    // Shared in the network: public.
    let shared = app
        .api(
            None,
            "/api/v1/data?indicator=lp_discussions&orgunit=soite-koulu-kokkola&period=2025",
        )
        .await;
    assert!(shared["value"].as_f64().is_some(), "{shared}");
    // Oulu's figures are public.
    let oulu = app
        .api(
            None,
            "/api/v1/data?indicator=pilot_phone_calls&orgunit=oulu&period=2025",
        )
        .await;
    assert!(oulu["value"].as_f64().is_some(), "{oulu}");
    // The choice is no secret.
    let choice = app.api(None, "/api/v1/orgs/soite/figure-visibility").await;
    let list = choice["signed_in_only"].as_array().expect("a list");
    assert!(list.contains(&json!("pilot_phone_calls")));
    assert!(!list.contains(&json!("lp_discussions")));
    let oulu = app.api(None, "/api/v1/orgs/oulu/figure-visibility").await;
    assert_eq!(oulu["signed_in_only"], json!([]));
}

/// The indicator page shows an anonymous reader a notice instead of the
/// figures, and no downloads; the export and the dashboard hold them back
/// too; a signed-in reader gets everything.
async fn pages_hold_back_signed_in_only_figures(app: &App) {
    let anon = anonymous();
    let page = app
        .page(
            &anon,
            "/indicators/pilot_phone_calls?unit=soite-perhekeskus-kokkola",
        )
        .await;
    assert!(page.contains("sign-in-to-see"), "the notice");
    assert!(
        page.contains("vain kirjautuneille käyttäjille"),
        "in the reader's language"
    );
    assert!(!page.contains("<table class=\"data-table\">"), "no table");
    assert!(!page.contains("role=\"img\""), "no chart");
    assert!(!page.contains("/export?"), "no downloads");
    let export = "/indicators/pilot_phone_calls/export?format=csv&org=soite";
    assert_eq!(app.get(&anon, export).await.status(), 404);
    let dash = app
        .page(&anon, "/units/soite-perhekeskus-kokkola/dashboard")
        .await;
    assert!(!dash.contains("Pilottipuhelimen"), "left out");
    // Oulu's page is public.
    let oulu = app
        .page(&anon, "/indicators/pilot_phone_calls?unit=oulu")
        .await;
    assert!(!oulu.contains("sign-in-to-see"));
    assert!(oulu.contains("<table class=\"data-table\">"));

    let soite = app.login("admin@soite.example").await;
    let page = app
        .page(
            &soite,
            "/indicators/pilot_phone_calls?unit=soite-perhekeskus-kokkola",
        )
        .await;
    assert!(!page.contains("sign-in-to-see"));
    assert!(page.contains("<table class=\"data-table\">"));
    assert_eq!(app.get(&soite, export).await.status(), 200);
    let dash = app
        .page(&soite, "/units/soite-perhekeskus-kokkola/dashboard")
        .await;
    assert!(dash.contains("Pilottipuhelimen"));
    // Signed in to another organisation is signed in.
    let oulu_viewer = app.login("katselija@oulu.example").await;
    assert_eq!(app.get(&oulu_viewer, export).await.status(), 200);
}

/// Soite's admin changes the choice on the form (which shows it back), and
/// the readers see the change; a non-admin is refused.
async fn the_form_round_trips_for_the_admin_only(app: &App) {
    let admin = app.login("admin@soite.example").await;
    let form = app.page(&admin, "/admin/figure-visibility").await;
    assert!(form.contains("<legend>"), "a fieldset per group");
    assert!(form.contains(
        "id=\"fv-pilot_phone_calls\" name=\"signed_in_only\" value=\"pilot_phone_calls\" checked"
    ));
    assert!(
        form.contains("id=\"fv-lp_discussions\" name=\"signed_in_only\" value=\"lp_discussions\">")
    );
    assert!(form.contains("<label for=\"fv-pilot_phone_calls\">"));

    let r = app
        .post(
            &admin,
            "/admin/figure-visibility",
            &[("signed_in_only", "shl_clients")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/admin/figure-visibility?saved=1");
    let form = app.page(&admin, "/admin/figure-visibility?saved=1").await;
    assert!(form.contains("role=\"status\""));
    assert!(form.contains("value=\"shl_clients\" checked"));
    assert!(form.contains("value=\"pilot_phone_calls\">"));
    // Now public…
    let (s, _) = status(app, None, PRIVATE).await;
    assert_eq!(s, 200);
    // …and this one not.
    let (s, _) = status(
        app,
        None,
        "/api/v1/data?indicator=shl_clients&orgunit=soite-perhekeskus-kokkola&period=2025",
    )
    .await;
    assert_eq!(s, 404);
    let audit = app.page(&admin, "/admin/audit").await;
    assert!(audit.contains("figure_visibility: pilot_phone_calls"));

    // Someone who is not the organisation's admin may not change it.
    let viewer = app.login("katselija@oulu.example").await;
    let r = app.post(&viewer, "/admin/figure-visibility", &[]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(
        app.get(&viewer, "/admin/figure-visibility").await.status(),
        403
    );
    // Anonymous: sent to sign in.
    let r = app
        .post(&anonymous(), "/admin/figure-visibility", &[])
        .await;
    assert!(location(&r).starts_with("/login"));
}

/// Over the API: only the organisation's own admin; an unknown indicator
/// is refused and changes nothing; the comparison follows the choice.
async fn the_api_sets_it_for_the_admin_only(app: &App) {
    let oulu_admin = app.api_token("admin@oulu.example").await;
    let soite_admin = app.api_token("admin@soite.example").await;
    let viewer = app.api_token("katselija@oulu.example").await;
    let (s, body) = put(app, &soite_admin, "oulu", &["lp_discussions"]).await;
    assert_eq!(s, 403, "{body}");
    let (s, _) = put(app, &viewer, "oulu", &["lp_discussions"]).await;
    assert_eq!(s, 403);
    let (s, body) = put(app, &oulu_admin, "oulu", &["lp_discussions", "nope"]).await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(body["field"], json!("signed_in_only"));
    let (s, _) = put(app, &oulu_admin, "nowhere", &[]).await;
    assert_eq!(s, 404);
    let r = anonymous()
        .put(app.url("/api/v1/orgs/oulu/figure-visibility"))
        .json(&json!({ "signed_in_only": [] }))
        .send()
        .await
        .expect("PUT");
    assert_eq!(r.status(), 401);

    let (s, body) = put(app, &oulu_admin, "oulu", &["lp_discussions"]).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["signed_in_only"], json!(["lp_discussions"]));
    let (s, _) = status(
        app,
        None,
        "/api/v1/data?indicator=lp_discussions&orgunit=oulu&period=2025",
    )
    .await;
    assert_eq!(s, 404);
    // The comparison (of the first organisation for anonymous readers).
    let compare = app
        .page(&anonymous(), "/compare?indicator=lp_discussions")
        .await;
    assert!(compare.contains("sign-in-to-see"));
    assert!(!compare.contains("<table class=\"data-table\">"));
    let signed_in = app.login("katselija@oulu.example").await;
    let compare = app
        .page(&signed_in, "/compare?indicator=lp_discussions")
        .await;
    assert!(!compare.contains("sign-in-to-see"));
    let (s, _) = put(app, &oulu_admin, "oulu", &[]).await;
    assert_eq!(s, 200);
    let (s, _) = status(
        app,
        None,
        "/api/v1/data?indicator=lp_discussions&orgunit=oulu&period=2025",
    )
    .await;
    assert_eq!(s, 200);
}

/// A public plan shows an anonymous reader no evidence or impact from an
/// indicator its organisation keeps for signed-in users; a signed-in reader
/// sees it.
async fn public_plans_leave_out_signed_in_only_figures(app: &App) {
    let plans = app.api(None, "/api/v1/plans").await;
    let id = plans
        .as_array()
        .expect("a list of plans")
        .iter()
        .find(|p| p["code"] == "lanu-2022")
        .and_then(|p| p["id"].as_i64())
        .expect("the demo plan");
    let path = format!("/plans/{id}");
    let link = "href=\"/indicators/shps_lonely\"";
    let anon = anonymous();
    assert!(
        app.page(&anon, &path).await.contains(link),
        "public at first"
    );
    let admin = app.api_token("admin@oulu.example").await;
    let (s, _) = put(app, &admin, "oulu", &["shps_lonely"]).await;
    assert_eq!(s, 200);
    assert!(!app.page(&anon, &path).await.contains(link), "left out");
    let viewer = app.login("katselija@oulu.example").await;
    assert!(app.page(&viewer, &path).await.contains(link), "signed in");
}

on_both_databases!(
    public_plans_leave_out_signed_in_only_figures,
    api_refuses_signed_in_only_figures_to_anonymous_readers,
    pages_hold_back_signed_in_only_figures,
    the_form_round_trips_for_the_admin_only,
    the_api_sets_it_for_the_admin_only
);
