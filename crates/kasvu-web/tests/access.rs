//! Who may read and write what, for every route the app serves. The routes
//! come from the app's own router (`kasvu_web::routes()`), so a route added
//! without a line in [`TABLE`] fails this test; each route is asked by eight
//! people, and each answer is held against the table.
//!
//! Writes are sent with an empty body (a form with only the CSRF token, an
//! empty JSON object, a multipart form without a file). Someone allowed then
//! gets past the access check and is stopped by validation (400) — or the
//! action is done, where it needs no input — while someone not allowed must
//! be refused before the body is looked at: 401, 403 or 404. A route that
//! validated before it checked who asks would answer 400 to both, and fail.

mod common;

use common::{anonymous, csrf_of, App};
use reqwest::{Client, Method, Response};
use serde_json::{json, Value};
use std::collections::HashMap;

/// The people who ask, in the table's column order.
const PEOPLE: [Option<&str>; 8] = [
    None,                                         // anonymous
    Some("katselija@oulu.example"),               // viewer
    Some("tyontekija.kaakkuri@oulu.example"),     // staff (Kaakkuri school, Eteläinen)
    Some("neuvola.tuira@oulu.example"),           // leadership member (Tuira)
    Some("aluepaallikko.etelainen@oulu.example"), // manager of another area
    Some("suunnittelija.pohjoinen@oulu.example"), // planner of another area
    Some("admin@soite.example"),                  // another organisation's admin
    Some("admin@oulu.example"),                   // admin
];

/// Method, route and who may use it: one letter per person of [`PEOPLE`],
/// in order — anonymous, viewer, staff, leadership member, manager of
/// another area, planner of another area, another organisation's admin,
/// admin:
/// - `Y` may: done or shown (2xx, or a redirect that is not to sign in);
/// - `R` may ask, and the input is refused (400, 409, 413, 415, 422, 429):
///   the empty input of a write someone may make, or rows outside one's
///   scope in an import;
/// - `N` may not: 401, 403, 404 or sent to sign in, before the input is read;
/// - `y` may, where an earlier `Y` may have removed the thing (404 too);
/// - `q` may: done, or asked to come back (429) while the server is busy;
/// - `*` anything but a server error (said why on the line).
///
/// The resources asked about are Tuira's (Keskinen area) unless the line
/// says otherwise: the manager and the planner of other areas are outsiders
/// to them, and so is the other organisation. Another organisation's admin
/// is `N` for Oulu's pages that are public to anonymous visitors because a
/// signed-in person sees their own organisation's public side.
#[rustfmt::skip]
const TABLE: &[(&str, &str, &str)] = &[
    ("GET", "/", "YYYYYYYY"),
    ("GET", "/a/{token}", "YYYYYYYY"),
    // anyone with the link answers; the empty answer is refused
    ("POST", "/a/{token}", "RRRRRRRR"),
    // the open round has published nothing yet
    ("GET", "/a/{token}/results", "NNNNNNNN"),
    ("GET", "/account", "NYYYYYYY"),
    ("POST", "/account/password", "NRRRRRRR"),
    ("GET", "/activities/edit", "NNNYYYYY"),
    ("POST", "/activities/guidance", "NNNNNNYY"),
    // the organisation's breaks: those who approve activities at the organisation
    ("POST", "/activities/breaks", "NNNNNNRR"),
    ("POST", "/activities/breaks/remove", "NNNNNNRR"),
    ("GET", "/activities/manage", "NYYYYYYY"),
    ("POST", "/activities/save", "NNNRNNNR"),
    ("GET", "/activities/{id}", "YYYYYYNY"),
    ("GET", "/activities/{id}/calendar.ics", "YYYYYYNY"),
    ("POST", "/activities/{id}/status", "NNNNNNNY"),
    ("GET", "/actors", "YYYYYYYY"),
    ("GET", "/actors/export", "YYYYYYYY"),
    // register keepers only; another area's manager is refused row by row (400)
    ("POST", "/actors/import", "NNNNRRRY"),
    // the register's form: roles that may import it (their own organisation's)
    ("GET", "/actors/new", "NNNNYYYY"),
    ("POST", "/actors/new", "NNNNRRRR"),
    ("GET", "/actors/{code}", "YYYYYYNY"),
    ("GET", "/actors/{code}/edit", "NNNNNNNY"),
    ("POST", "/actors/{code}/edit", "NNNNNNNR"),
    ("POST", "/actors/{code}/confirm", "NNNNNNNY"),
    ("POST", "/actors/{code}/proposals/{proposal}", "NNNNNNNY"),
    ("POST", "/actors/{code}/propose", "NNNYNNNY"),
    ("GET", "/admin/audit", "NNNNNNYY"),
    // the admin's own organisation's choice (Soite's admin sees Soite's)
    ("GET", "/admin/figure-visibility", "NNNNNNYY"),
    // an empty choice makes every figure of one's own organisation public
    ("POST", "/admin/figure-visibility", "NNNNNNYY"),
    ("GET", "/admin/units", "NNNNYYYY"),
    ("POST", "/admin/units", "NNNNNNRY"),
    ("GET", "/admin/units/new", "NNNNYYYY"),
    ("POST", "/admin/units/{code}", "NNNNNNNR"),
    ("GET", "/admin/units/{code}/edit", "NNNNNNNY"),
    ("GET", "/admin/users", "NNNNNNYY"),
    ("POST", "/admin/users", "NNNNNNRR"),
    ("POST", "/admin/users/{id}/password-link", "NNNNNNNY"),
    ("POST", "/admin/users/{id}/roles", "NNNNNNNR"),
    ("POST", "/admin/users/{id}/roles/{role_id}/delete", "NNNNNNNY"),
    ("POST", "/admin/users/{id}/status", "NNNNNNNY"),
    ("GET", "/api/v1/actors", "YYYYYYYY"),
    ("GET", "/api/v1/actors/{code}", "YYYYYYNY"),
    ("GET", "/api/v1/audit", "NNNNNNYY"),
    ("POST", "/api/v1/commitments/{id}/review", "NNNYNNNR"),
    // the figure with its query; public, small numbers hidden
    ("GET", "/api/v1/data", "YYYYYYYY"),
    // who of the organisation has reported: its own people only
    ("GET", "/api/v1/completeness", "NYYYYYNY"),
    // a dry run: a value for a unit outside one's scope is 403, as for a viewer
    ("POST", "/api/v1/data", "NNNYNNNY"),
    ("GET", "/api/v1/events", "YYYYYYYY"),
    ("GET", "/api/v1/events/{id}", "YYYYYYNY"),
    ("GET", "/api/v1/indicators", "YYYYYYYY"),
    ("GET", "/api/v1/me", "NYYYYYYY"),
    ("GET", "/api/v1/me/commitments", "NYYYYYYY"),
    ("GET", "/api/v1/network", "YYYYYYYY"),
    ("POST", "/api/v1/network/links", "NNNYNNNR"),
    // the member removes the link; the admin may, finding it gone
    ("DELETE", "/api/v1/network/links/{id}", "NNNYNNNy"),
    ("GET", "/api/v1/openapi.json", "YYYYYYYY"),
    // which of Oulu's figures are for signed-in users: no secret
    ("GET", "/api/v1/orgs/{code}/figure-visibility", "YYYYYYYY"),
    // only Oulu's admin chooses Oulu's
    ("PUT", "/api/v1/orgs/{code}/figure-visibility", "NNNNNNNY"),
    ("GET", "/api/v1/orgunits", "YYYYYYYY"),
    ("POST", "/api/v1/orgunits", "NNNNNNNY"),
    ("GET", "/api/v1/orgunits/{code}", "YYYYYYYY"),
    ("PUT", "/api/v1/orgunits/{code}", "NNNNNNNY"),
    ("GET", "/api/v1/paths", "YYYYYYYY"),
    ("GET", "/api/v1/paths/{code}", "YYYYYYNY"),
    ("PUT", "/api/v1/paths/{code}", "NNNNNNRY"),
    ("GET", "/api/v1/places", "YYYYYYYY"),
    ("GET", "/api/v1/places/{code}", "YYYYYYNY"),
    ("GET", "/api/v1/plans", "YYYYYYYY"),
    ("POST", "/api/v1/plans", "NNNNNNRR"),
    ("GET", "/api/v1/plans/{id}", "YYYYYYYY"),
    ("PUT", "/api/v1/plans/{id}", "NNNNNNNR"),
    ("POST", "/api/v1/plans/{id}/measures/{measure_id}/evaluations", "NNNYNNNY"),
    ("POST", "/api/v1/plans/{id}/measures/{measure_id}/status", "NNNYNNNY"),
    ("GET", "/api/v1/practices", "YYYYYYYY"),
    ("GET", "/api/v1/practices/{code}", "YYYYYYNY"),
    ("PUT", "/api/v1/practices/{code}", "NNNNNNRY"),
    ("GET", "/api/v1/projects", "YYYYYYYY"),
    ("POST", "/api/v1/projects", "NNNNNNRR"),
    ("GET", "/api/v1/projects/{id}", "YYYYYYYY"),
    ("GET", "/api/v1/rounds", "NYYYYYYY"),
    ("POST", "/api/v1/rounds", "NNNNNNRY"),
    ("GET", "/api/v1/rounds/{id}/results", "NYYYYYNY"),
    ("GET", "/api/v1/search", "YYYYYYYY"),
    ("GET", "/api/v1/teams", "NYYYYYYY"),
    ("GET", "/api/v1/teams/{id}", "NYYYYYNY"),
    ("GET", "/api/v1/teams/{id}/commitments", "NYYYYYNY"),
    ("POST", "/api/v1/teams/{id}/commitments", "NNNYNNNR"),
    ("GET", "/api/v1/teams/{id}/meetings", "NYYYYYNY"),
    ("GET", "/api/v1/teams/{id}/network", "NYYYYYYY"),
    ("GET", "/api/v1/users", "NNNNNNYY"),
    ("POST", "/api/v1/users", "NNNNNNRY"),
    ("GET", "/brand.css", "YYYYYYYY"),
    // the test installation has no logo
    ("GET", "/brand/logo", "NNNNNNNN"),
    ("GET", "/calendar", "YYYYYYYY"),
    ("GET", "/calendar.ics", "YYYYYYYY"),
    ("POST", "/commitments/{id}/review", "NNNRNNNR"),
    ("GET", "/compare", "YYYYYYYY"),
    ("GET", "/documents/{id}", "NNNYNNNY"),
    // the target is in the form: those who may add are refused for the missing file
    ("POST", "/documents", "NNNNNNNR"),
    ("POST", "/documents/{id}/remove", "NNNNNNNY"),
    ("GET", "/families", "YYYYYYYY"),
    ("GET", "/feedback", "NYYYYYYY"),
    ("POST", "/feedback", "NNNNNNRY"),
    ("GET", "/feedback/{id}", "NYYYYYNY"),
    ("POST", "/feedback/{id}/response", "NNNNNNNY"),
    ("GET", "/feedback/{id}/results.csv", "NYYYYYNY"),
    ("GET", "/feedback/{id}/results.xlsx", "NYYYYYNY"),
    ("GET", "/forums", "YYYYYYYY"),
    // a forum's proposals and answers are public
    ("GET", "/forums/{id}", "YYYYYYYY"),
    // Hiukkavaara's forum (Itäinen): its members and the area's backbone
    // record and answer; the admin's empty proposal and answer are refused
    ("POST", "/forums/{id}/proposals", "NNNNNNNR"),
    ("POST", "/forums/{id}/proposals/{proposal_id}/answer", "NNNNNNNR"),
    ("GET", "/healthz", "YYYYYYYY"),
    ("GET", "/hobbies", "YYYYYYYY"),
    ("GET", "/imports", "NNYYYYYY"),
    // the upload becomes a job for anyone who enters data (the job refuses rows outside their
    // scope), or waits for a free slot: two jobs run at once (429)
    ("POST", "/imports", "NNqqqqqq"),
    ("GET", "/imports/{id}", "NNNNNNNY"),
    ("GET", "/imports/{id}/status", "NNNNNNNY"),
    ("GET", "/indicators", "YYYYYYYY"),
    ("GET", "/indicators/{code}", "YYYYYYYY"),
    ("GET", "/indicators/{code}/export", "YYYYYYYY"),
    ("GET", "/lang/{code}", "YYYYYYYY"),
    ("GET", "/login", "YYYYYYYY"),
    // a wrong or empty password is 401, then 429 for the address
    ("POST", "/login", "********"),
    // single sign-on is not set up in the demo: 404 for everyone
    ("GET", "/login/sso", "NNNNNNNN"),
    // single sign-on is not set up in the demo: 404 for everyone
    ("GET", "/login/sso/callback", "NNNNNNNN"),
    ("POST", "/logout", "YYYYYYYY"),
    ("GET", "/meetings/{id}", "NYYYYYNY"),
    ("POST", "/meetings/{id}/agenda", "NNNNNNNR"),
    ("POST", "/meetings/{id}/commitments", "NNNRNNNR"),
    ("POST", "/meetings/{id}/decisions", "NNNNNNNR"),
    // guests: whoever runs the team's meetings (the admin manages teams)
    ("POST", "/meetings/{id}/guest-mail", "NNNNNNNR"),
    ("POST", "/meetings/{id}/record", "NNNNNNNR"),
    ("GET", "/my/calendar.ics", "NYYYYYYY"),
    ("GET", "/my", "NYYYYYYY"),
    ("GET", "/my/commitments", "NYYYYYYY"),
    ("GET", "/network", "YYYYYYYY"),
    ("POST", "/network/links", "NNNRNNNR"),
    // the member removes the link; the admin may, finding it gone
    ("POST", "/network/links/{id}/remove", "NNNYNNNy"),
    ("GET", "/password/{token}", "YYYYYYYY"),
    // anyone with the link; the empty password is refused
    ("POST", "/password/{token}", "RRRRRRRR"),
    ("GET", "/paths", "YYYYYYYY"),
    ("GET", "/paths/edit", "NNNNYYYY"),
    ("POST", "/paths/save", "NNNNNNRR"),
    ("GET", "/paths/{code}", "YYYYYYNY"),
    ("GET", "/o/{code}", "YYYYYYYY"),
    ("GET", "/organisation", "YYYYYYYY"),
    ("GET", "/places", "YYYYYYYY"),
    ("GET", "/places/{code}", "YYYYYYNY"),
    ("GET", "/plans", "YYYYYYYY"),
    ("GET", "/plans/{id}", "YYYYYYYY"),
    ("POST", "/plans/{id}/content", "NNNNNNNR"),
    // the plan editor: who may plan (at the organisation, or in an area for its own plan)
    ("GET", "/plans/new", "NNNNYYYY"),
    ("POST", "/plans/new", "NNNNRRRR"),
    ("GET", "/plans/{id}/edit", "NNNNNNNY"),
    ("POST", "/plans/{id}/edit/details", "NNNNNNNR"),
    ("POST", "/plans/{id}/edit/goal", "NNNNNNNR"),
    ("POST", "/plans/{id}/edit/focus", "NNNNNNNR"),
    ("GET", "/plans/{id}/edit/measure", "NNNNNNNY"),
    ("POST", "/plans/{id}/edit/measure", "NNNNNNNR"),
    ("POST", "/plans/{id}/edit/move", "NNNNNNNR"),
    ("POST", "/plans/{id}/edit/remove", "NNNNNNNR"),
    ("POST", "/plans/{id}/measures/{measure_id}/evaluation", "NNNRNNNR"),
    ("POST", "/plans/{id}/measures/{measure_id}/status", "NNNRNNNR"),
    ("GET", "/plans/{id}/report", "YYYYYYYY"),
    ("GET", "/plans/{id}/report.pdf", "YYYYYYYY"),
    ("GET", "/plans/{id}/report.xlsx", "YYYYYYYY"),
    ("POST", "/plans/{id}/status", "NNNNNNNR"),
    ("POST", "/plans/{id}/versions", "NNNNNNNY"),
    // the demo plans have one version each: nothing to compare (tests/plans.rs compares two)
    ("GET", "/plans/{id}/versions/compare", "********"),
    ("GET", "/practices", "YYYYYYYY"),
    ("GET", "/practices/edit", "NNNNNNYY"),
    ("POST", "/practices/save", "NNNNNNRR"),
    ("GET", "/practices/{code}", "YYYYYYNY"),
    ("GET", "/projects", "YYYYYYYY"),
    ("GET", "/projects/edit", "NNNNNNYY"),
    ("POST", "/projects/save", "NNNNNNRR"),
    ("GET", "/projects/{id}", "YYYYYYYY"),
    ("GET", "/readyz", "YYYYYYYY"),
    ("GET", "/search", "YYYYYYYY"),
    // the stylesheet and the script, by their content-hashed paths (see `table_path`)
    ("GET", "/static/kasvu.css", "YYYYYYYY"),
    ("GET", "/static/import-progress.js", "YYYYYYYY"),
    ("GET", "/teams", "NYYYYYYY"),
    ("POST", "/teams", "NNNNNNRY"),
    ("GET", "/teams/{id}", "NYYYYYNY"),
    ("POST", "/teams/{id}", "NNNNNNNR"),
    ("GET", "/teams/{id}/calendar.ics", "NYYYYYNY"),
    ("POST", "/teams/{id}/actions", "NNNNNNNR"),
    ("POST", "/teams/{id}/actions/{action_id}", "NNNNNNNR"),
    ("POST", "/teams/{id}/actions/{action_id}/remove", "NNNNNNNY"),
    ("POST", "/teams/{id}/bulletins", "NNNNNNNR"),
    ("POST", "/teams/{id}/bulletins/{bulletin_id}/remove", "NNNNNNNY"),
    ("POST", "/teams/{id}/events", "NNNNNNNR"),
    ("GET", "/teams/{id}/events/{event_id}", "NYYYYYNY"),
    // an empty attendance list is an answer: nobody came
    ("POST", "/teams/{id}/events/{event_id}/attendance", "NNNNNNNY"),
    ("POST", "/teams/{id}/events/{event_id}/cancel", "NNNNNNNY"),
    ("POST", "/teams/{id}/events/{event_id}/participants", "NNNNNNNR"),
    ("POST", "/teams/{id}/events/{event_id}/participants/{participant_id}/remove", "NNNNNNNY"),
    // anyone who sees the team registers; the missing sector is refused
    ("POST", "/teams/{id}/events/{event_id}/register", "NRRRRRNR"),
    ("POST", "/teams/{id}/guests", "NNNNNNNR"),
    ("POST", "/teams/{id}/guests/{guest_id}", "NNNNNNNR"),
    ("POST", "/teams/{id}/guests/{guest_id}/remove", "NNNNNNNY"),
    ("POST", "/teams/{id}/meetings", "NNNNNNNR"),
    ("POST", "/teams/{id}/members", "NNNNNNNR"),
    ("POST", "/teams/{id}/members/{user_id}/remove", "NNNNNNNY"),
    ("GET", "/teams/{id}/network", "NYYYYYYY"),
    ("POST", "/teams/{id}/network/participants", "NNNNNNNR"),
    ("POST", "/teams/{id}/network/share", "NNNNNNRR"),
    ("GET", "/teams/{id}/room", "NYYYYYNY"),
    ("GET", "/teams/{id}/work", "NYYYYYNY"),
    ("GET", "/units/{code}", "YYYYYYYY"),
    ("POST", "/units/{code}/analysis", "NNNNNNNR"),
    ("GET", "/units/{code}/dashboard", "YYYYYYYY"),
    // who of the organisation has reported: its own people only
    ("GET", "/units/{code}/completeness", "NYYYYYNY"),
    ("GET", "/units/{code}/entry", "NNNYNNNY"),
    ("POST", "/units/{code}/entry", "NNNYNNNY"),
    ("GET", "/units/{code}/targets", "NNNNNNNY"),
    ("POST", "/units/{code}/targets", "NNNNNNNR"),
    // Tuira school has no target to remove
    ("POST", "/units/{code}/targets/remove", "NNNNNNNy"),
    ("GET", "/wish", "YYYYYYYY"),
    // anyone; the empty wish is refused
    ("POST", "/wish", "RRRRRRRR"),
];

/// A person asking: their browser (cookies, CSRF token) and API token.
struct Person {
    browser: Client,
    csrf: String,
    token: Option<String>,
}

async fn person(app: &App, email: Option<&str>) -> Person {
    match email {
        None => {
            let browser = anonymous();
            let csrf = csrf_of(&app.page(&browser, "/login").await);
            Person {
                browser,
                csrf,
                token: None,
            }
        }
        Some(e) => {
            let browser = app.login(e).await;
            let csrf = csrf_of(&app.page(&browser, "/").await);
            Person {
                browser,
                csrf,
                token: Some(app.api_token(e).await),
            }
        }
    }
}

/// The first number after `prefix` in a page.
fn first_id(page: &str, prefix: &str) -> String {
    page.match_indices(prefix)
        .find_map(|(i, _)| {
            let rest = &page[i + prefix.len()..];
            let end = rest.find(|c: char| !c.is_ascii_digit())?;
            (end > 0).then(|| rest[..end].to_owned())
        })
        .unwrap_or_else(|| panic!("no {prefix}<number> on the page"))
}

/// Every `"id"` of objects in a JSON tree that hold `key`.
fn ids_with(v: &Value, key: &str, out: &mut Vec<i64>) {
    match v {
        Value::Object(m) => {
            if m.contains_key(key) {
                if let Some(id) = m.get("id").and_then(Value::as_i64) {
                    out.push(id);
                }
            }
            m.values().for_each(|x| ids_with(x, key, out));
        }
        Value::Array(a) => a.iter().for_each(|x| ids_with(x, key, out)),
        _ => {}
    }
}

/// The concrete resources the routes are asked about, by (the path segment
/// before the parameter, the parameter's name).
struct Resources {
    ids: HashMap<(&'static str, &'static str), String>,
    /// Tuira school, its path and a practice as the API serves them, to be
    /// written back as they are.
    unit: Value,
    path: Value,
    practice: Value,
}

async fn resources(app: &App) -> Resources {
    let admin = app.api_token("admin@oulu.example").await;
    let api = |path: &'static str| {
        let admin = admin.clone();
        async move { app.api(Some(&admin), path).await }
    };
    let mut res: HashMap<(&'static str, &'static str), String> = HashMap::new();

    // Tuira's leadership team, its next meeting and Noora's commitment.
    let teams = api("/api/v1/teams").await;
    let team = teams
        .as_array()
        .and_then(|t| t.iter().find(|t| t["unit"] == "tuira"))
        .and_then(|t| t["id"].as_i64())
        .expect("Tuira's team");
    let network = teams
        .as_array()
        .and_then(|t| t.iter().find(|t| t["kind"] == "learning_network"))
        .and_then(|t| t["id"].as_i64())
        .expect("the learning network");
    let forum = teams
        .as_array()
        .and_then(|t| t.iter().find(|t| t["kind"] == "youth_forum"))
        .and_then(|t| t["id"].as_i64())
        .expect("the youth forum");
    let forum_proposal = app
        .store
        .forum_proposals(forum)
        .await
        .expect("proposals")
        .first()
        .expect("a proposal")
        .id;
    let meetings = app
        .api(Some(&admin), &format!("/api/v1/teams/{team}/meetings"))
        .await;
    let meeting = meetings
        .as_array()
        .and_then(|m| m.iter().find(|m| m["state"] == "planned"))
        .and_then(|m| m["id"].as_i64())
        .expect("a planned meeting");
    let commitments = app
        .api(Some(&admin), &format!("/api/v1/teams/{team}/commitments"))
        .await;
    let commitment = commitments
        .as_array()
        .and_then(|c| c.iter().find(|c| c["user"] == "Noora Neuvola"))
        .and_then(|c| c["id"].as_i64())
        .expect("Noora's commitment");
    let users = api("/api/v1/users").await;
    let user_id = |email: &str| {
        users
            .as_array()
            .and_then(|u| u.iter().find(|u| u["email"] == email))
            .and_then(|u| u["id"].as_i64())
            .unwrap_or_else(|| panic!("no user {email}"))
    };
    let seurakunta = user_id("seurakunta.tuira@oulu.example");
    let guest = app
        .store
        .guests(team)
        .await
        .expect("guests")
        .first()
        .map(|g| g.id)
        .expect("a demo guest on Tuira's team");
    let mll = user_id("mll.tuira@oulu.example");
    // The demo's backbone work on Tuira's team: an action, a bulletin, the
    // upcoming seminar with a registration, the members-only file.
    let action = app.store.team_actions(team).await.expect("actions")[0].id;
    let bulletin = app.store.bulletins(team, true).await.expect("bulletins")[0].id;
    let seminar = app
        .store
        .team_events(team)
        .await
        .expect("events")
        .into_iter()
        .find(|e| e.registered > 0 && e.held_on > time::OffsetDateTime::now_utc().date())
        .expect("an upcoming seminar with registrations")
        .id;
    let participant = app
        .store
        .event_participants(seminar)
        .await
        .expect("participants")[0]
        .id;
    let document = app
        .store
        .documents(kasvu_core::document::DocTarget::Team, team)
        .await
        .expect("documents")
        .into_iter()
        .find(|d| d.audience == kasvu_core::document::DocAudience::Members)
        .expect("a members-only document on Tuira's team")
        .id;

    // Tuira's open feedback round and its answer link.
    let rounds = api("/api/v1/rounds").await;
    let round = rounds
        .as_array()
        .and_then(|r| r.iter().find(|r| r["state"] == "open"))
        .and_then(|r| r["id"].as_i64())
        .expect("an open round");
    let token = app
        .store
        .round(round)
        .await
        .expect("round")
        .expect("the round")
        .token;

    // Keskinen's development plan and one of its measures.
    let plans = api("/api/v1/plans").await;
    let plan = plans
        .as_array()
        .and_then(|p| p.iter().find(|p| p["scope"] == "keskinen"))
        .and_then(|p| p["id"].as_i64())
        .expect("Keskinen's plan");
    let tree = app
        .api(Some(&admin), &format!("/api/v1/plans/{plan}"))
        .await;
    let mut measures = Vec::new();
    ids_with(&tree, "owners", &mut measures);
    let measure = *measures.first().expect("a measure");

    let projects = api("/api/v1/projects").await;
    let project = projects[0]["id"].as_i64().expect("a project");
    let events = api("/api/v1/events?page_size=100").await;
    let activity = events["data"]
        .as_array()
        .and_then(|e| {
            e.iter().find(|e| {
                e["location"]["@id"]
                    .as_str()
                    .is_some_and(|l| l.contains("tuiran-"))
            })
        })
        .and_then(|e| e["id"].as_str())
        .and_then(|id| id.strip_prefix("kasvu:"))
        .expect("an activity in Tuira")
        .to_owned();

    // What the demo does not have yet: two links on the map, a proposal to
    // MLL's entry, an import job and a password link.
    let keskinen = app.login("aluepaallikko.keskinen@oulu.example").await;
    for (from, to) in [
        ("kela-oulu", "mll-tuira"),
        ("tuiran-seurakunta", "kela-oulu"),
    ] {
        let r = app
            .post(
                &keskinen,
                "/network/links",
                &[
                    ("from", from),
                    ("to", to),
                    ("kind", "referral"),
                    ("note", ""),
                ],
            )
            .await;
        assert_eq!(r.status(), 303, "link {from} → {to}");
    }
    let map = app.page(&keskinen, "/network").await;
    let link_a = first_id(&map, "/network/links/");
    let after_a = map.find(&format!("/network/links/{link_a}/")).unwrap_or(0) + 1;
    let link_b = first_id(&map[after_a..], "/network/links/");
    let mll_browser = app.login("mll.tuira@oulu.example").await;
    let r = app
        .post(
            &mll_browser,
            "/actors/mll-tuira/propose",
            &[("offer", "Perhekahvila"), ("opening_hours", "ti 9–12")],
        )
        .await;
    assert_eq!(r.status(), 303, "MLL proposes");
    let proposal = first_id(
        &app.page(&keskinen, "/actors/mll-tuira").await,
        "/actors/mll-tuira/proposals/",
    );
    let role = first_id(
        &app.page(&app.login("admin@oulu.example").await, "/admin/users")
            .await,
        &format!("/admin/users/{mll}/roles/"),
    );
    let admin_browser = app.login("admin@oulu.example").await;
    let csrf = csrf_of(&app.page(&admin_browser, "/imports").await);
    let upload = reqwest::multipart::Form::new().text("csrf", csrf).part(
        "file",
        reqwest::multipart::Part::bytes(
            b"indicator,orgunit,period,value\nlp_discussions,tuiran-koulu,2026Q3,4\n".to_vec(),
        )
        .file_name("arvot.csv"),
    );
    let r = admin_browser
        .post(app.url("/imports"))
        .multipart(upload)
        .send()
        .await
        .expect("upload");
    let job = common::location(&r)
        .rsplit('/')
        .next()
        .expect("the job's page")
        .to_owned();
    let password = app
        .store
        .create_password_link(&kasvu_store::Actor::system("test"), mll, 1)
        .await
        .expect("password link");

    for (key, value) in [
        (("a", "token"), token),
        (("activities", "id"), activity.clone()),
        (("events", "id"), format!("kasvu:{activity}")),
        (("actors", "code"), "mll-tuira".into()),
        (("proposals", "proposal"), proposal),
        (("units", "code"), "tuiran-koulu".into()),
        // the second organisation's families' home
        (("o", "code"), "soite".into()),
        (("orgunits", "code"), "tuiran-koulu".into()),
        (("users", "id"), mll.to_string()),
        (("roles", "role_id"), role),
        (("commitments", "id"), commitment.to_string()),
        (("links", "id"), link_b),
        (("paths", "code"), "huoli-koulunkaynnista".into()),
        (("places", "code"), "tuiran-perhekeskus".into()),
        (("plans", "id"), plan.to_string()),
        (("measures", "measure_id"), measure.to_string()),
        (
            ("practices", "code"),
            "alueelliset-toimintakalenterit".into(),
        ),
        (("projects", "id"), project.to_string()),
        (("rounds", "id"), round.to_string()),
        (("feedback", "id"), round.to_string()),
        (("teams", "id"), team.to_string()),
        (("members", "user_id"), seurakunta.to_string()),
        (("guests", "guest_id"), guest.to_string()),
        (("actions", "action_id"), action.to_string()),
        (("bulletins", "bulletin_id"), bulletin.to_string()),
        (("events", "event_id"), seminar.to_string()),
        (("participants", "participant_id"), participant.to_string()),
        (("documents", "id"), document.to_string()),
        (("imports", "id"), job),
        (("indicators", "code"), "child_protection_clients".into()),
        (("orgs", "code"), "oulu".into()),
        (("lang", "code"), "fi".into()),
        (("meetings", "id"), meeting.to_string()),
        (("forums", "id"), forum.to_string()),
        (("proposals", "proposal_id"), forum_proposal.to_string()),
        (("password", "token"), password),
    ] {
        res.insert(key, value);
    }
    // The page removes one link, the API the other.
    res.insert(("links", "page"), link_a);
    res.insert(("teams", "network"), network.to_string());
    Resources {
        ids: res,
        unit: api("/api/v1/orgunits/tuiran-koulu").await,
        path: api("/api/v1/paths/huoli-koulunkaynnista").await,
        practice: api("/api/v1/practices/alueelliset-toimintakalenterit").await,
    }
}

/// The route with its parameters filled in.
fn concrete(pattern: &str, res: &Resources) -> String {
    let segments: Vec<&str> = pattern.split('/').collect();
    let mut out = Vec::new();
    for (i, s) in segments.iter().enumerate() {
        match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                let before = segments[i - 1];
                let page_link = before == "links" && !pattern.starts_with("/api/");
                let network = before == "teams" && pattern.contains("/network");
                let key = if page_link {
                    ("links", "page")
                } else if network {
                    ("teams", "network")
                } else {
                    (before, name)
                };
                let value = res.ids.get(&key).cloned().unwrap_or_else(|| {
                    panic!("no resource for {{{name}}} after /{before}/ in {pattern}")
                });
                out.push(value);
            }
            None => out.push((*s).to_owned()),
        }
    }
    let query = match pattern {
        "/api/v1/data" => "?indicator=child_protection_clients&orgunit=tuira&period=2025",
        "/api/v1/completeness" => "?orgunit=tuira",
        _ => "",
    };
    out.join("/") + query
}

/// What a write sends. Where the scope of a write is in its body (the unit
/// of a new team, the area of a path) or the body must parse before anyone
/// is asked, a body that would succeed for someone allowed; else nothing.
enum Body {
    Form(Vec<(&'static str, String)>),
    Json(Value),
    /// A file upload: the file's name and bytes.
    Upload(&'static str, &'static [u8]),
    /// A multipart form's text fields without a file.
    Multipart(Vec<(&'static str, String)>),
}

fn body_for(method: &Method, pattern: &str, res: &Resources) -> Body {
    let id = |k: (&'static str, &'static str)| res.ids[&k].clone();
    let form = |pairs: &[(&'static str, &str)]| {
        Body::Form(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())
    };
    match (method.as_str(), pattern) {
        ("POST", "/activities/guidance") => form(&[
            ("guidance_phone", "08 558 41234"),
            ("guidance_hours_fi", "ma–pe 9–15"),
            ("guidance_hours_sv", ""),
            ("guidance_hours_en", ""),
        ]),
        ("POST", "/activities/save") => Body::Form(vec![("id", id(("activities", "id")))]),
        ("POST", "/activities/{id}/status") => form(&[("status", "withdrawn")]),
        ("POST", "/admin/units") => form(&[
            ("code", "taulukko-yksikko"),
            ("parent_code", "tuira"),
            ("level", "unit"),
            ("kind", "ngo"),
            ("name_fi", "Taulukon yksikkö"),
        ]),
        ("POST", "/feedback") => form(&[
            ("unit", "tuira"),
            ("title", "Taulukon kysely"),
            ("target_group", "parents"),
            ("opens_on", "2026-12-01"),
            ("closes_on", "2026-12-31"),
            ("q1_kind", "scale"),
            ("q1_text", "Arki sujuu"),
        ]),
        ("POST", "/network/links") => form(&[
            ("from", "kela-oulu"),
            ("to", "tuiran-seurakunta"),
            ("kind", "referral"),
            ("note", ""),
        ]),
        ("POST", "/teams") => form(&[
            ("kind", "cluster_leadership"),
            ("unit", "tuira"),
            ("name", "Taulukon tiimi"),
            ("every_months", "1"),
            ("week", "2"),
            ("weekday", "3"),
            ("start", "14:00"),
            ("duration_min", "90"),
            ("location", "Tuiran koulu"),
        ]),
        ("POST", "/paths/save") => form(&[("area", "tuira"), ("code", "huoli-koulunkaynnista")]),
        ("POST", "/units/{code}/targets/remove") => form(&[
            ("indicator", "child_protection_clients"),
            ("period", "2026"),
        ]),
        ("POST", "/documents") => Body::Multipart(vec![
            ("target", "team".into()),
            ("target_id", id(("teams", "id"))),
            ("title", "Taulukon asiakirja".into()),
            ("audience", "members".into()),
        ]),
        ("POST", "/actors/import") => Body::Upload(
            "toimijat.csv",
            b"code,name,sector,areas\ntaulukon-kerho,Taulukon kerho,third_sector,tuira\n",
        ),
        ("POST", "/imports") => Body::Upload(
            "arvot.csv",
            b"indicator,orgunit,period,value\nlp_discussions,tuiran-koulu,2026Q3,4\n",
        ),
        ("POST", "/api/v1/commitments/{id}/review") => Body::Json(json!({"status": "done"})),
        ("POST", "/api/v1/data") => Body::Json(json!({"dry_run": true, "values": [
            {"indicator": "lp_discussions", "orgunit": "tuiran-koulu", "period": "2026Q3", "value": 4}]})),
        ("POST", "/api/v1/network/links") => {
            Body::Json(json!({"from": "kela-oulu", "to": "tuiran-seurakunta", "kind": "referral"}))
        }
        ("POST", "/api/v1/orgunits") => {
            Body::Json(json!({"code": "taulukko-api", "parent": "tuira",
            "level": "unit", "kind": "ngo", "names": {"fi": "Taulukon API-yksikkö"}}))
        }
        ("PUT", "/api/v1/orgunits/{code}") => Body::Json(res.unit.clone()),
        ("PUT", "/api/v1/paths/{code}") => Body::Json(res.path.clone()),
        ("PUT", "/api/v1/practices/{code}") => Body::Json(res.practice.clone()),
        ("POST", "/api/v1/plans/{id}/measures/{measure_id}/evaluations") => {
            Body::Json(json!({"period": "2026", "rating": 3, "body": "Edistyy"}))
        }
        ("POST", "/api/v1/plans/{id}/measures/{measure_id}/status") => {
            Body::Json(json!({"status": "ongoing"}))
        }
        ("POST", "/api/v1/rounds") => {
            Body::Json(json!({"unit": "tuira", "title": "Taulukon kysely",
            "target_group": "partners", "opens_on": "2026-12-01", "closes_on": "2026-12-31",
            "questions": [{"kind": "scale", "text": "Yhteistyö toimii"}]}))
        }
        ("POST", "/api/v1/teams/{id}/commitments") => Body::Json(json!({"text": "Selvitän asian"})),
        ("PUT", "/api/v1/orgs/{code}/figure-visibility") => {
            Body::Json(json!({"signed_in_only": []}))
        }
        ("POST", "/api/v1/users") => Body::Json(json!({"email": "taulukko@oulu.example",
            "name": "Taulukon Testaaja", "role": "staff", "scope": "tuira"})),
        _ if pattern.starts_with("/api/") => Body::Json(json!({})),
        _ => Body::Form(Vec::new()),
    }
}

async fn ask(app: &App, p: &Person, method: &Method, path: &str, body: &Body) -> Response {
    let api = path.starts_with("/api/");
    let client = if api { anonymous() } else { p.browser.clone() };
    let mut req = client.request(method.clone(), app.url(path));
    if let Some(t) = p.token.as_ref().filter(|_| api) {
        req = req.bearer_auth(t);
    }
    if *method != Method::GET {
        req = match body {
            Body::Json(v) => req.json(v),
            Body::Form(pairs) => {
                let mut all = vec![("csrf", p.csrf.clone())];
                all.extend(pairs.iter().cloned());
                req.form(&all)
            }
            Body::Multipart(pairs) => req.multipart(pairs.iter().fold(
                reqwest::multipart::Form::new().text("csrf", p.csrf.clone()),
                |f, (k, v)| f.text(*k, v.clone()),
            )),
            Body::Upload(name, bytes) => req.multipart(
                reqwest::multipart::Form::new()
                    .text("csrf", p.csrf.clone())
                    .part(
                        "file",
                        reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(*name),
                    ),
            ),
        };
    }
    req.send()
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

/// What an answer says: `Y` done or shown, `R` the input refused (400,
/// 409, 413, 415, 422, 429), `N` refused as not theirs (401, 403, 404 or
/// sent to sign in), `E` a server error.
fn verdict(r: &Response) -> char {
    let s = r.status().as_u16();
    let to_sign_in = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .is_some_and(|l| l.starts_with("/login"));
    match s {
        500.. => 'E',
        401 | 403 | 404 => 'N',
        400..=499 => 'R',
        300..=399 if to_sign_in => 'N',
        _ => 'Y',
    }
}

/// Whether an answer is what the table declares.
fn as_declared(expected: char, got: char) -> bool {
    match expected {
        '*' => got != 'E',
        // May, where the thing may be gone (an earlier `Y` removed it).
        'y' => matches!(got, 'Y' | 'R' | 'N'),
        // May, and the server may ask to come back (429 is an `R`).
        'q' => matches!(got, 'Y' | 'R'),
        e => e == got,
    }
}

/// A served path as [`TABLE`] names it: the static files without the
/// content hash in their names (it changes with every edit of them).
fn table_path(served: &str) -> &str {
    if served == kasvu_web::CSS_PATH.as_str() {
        "/static/kasvu.css"
    } else if served == kasvu_web::PROGRESS_JS_PATH.as_str() {
        "/static/import-progress.js"
    } else {
        served
    }
}

async fn every_route_answers_as_declared(app: &App) {
    let declared: HashMap<(&str, &str), &str> =
        TABLE.iter().map(|(m, p, w)| ((*m, *p), *w)).collect();
    let served = kasvu_web::routes();
    let mut problems = Vec::new();
    for r in &served {
        if !declared.contains_key(&(r.method.as_str(), table_path(&r.path))) {
            problems.push(format!("{} {} has no line in TABLE", r.method, r.path));
        }
    }
    for (m, p, _) in TABLE {
        if !served
            .iter()
            .any(|r| r.method.as_str() == *m && table_path(&r.path) == *p)
        {
            problems.push(format!("{m} {p} is in TABLE but not served"));
        }
    }
    let print = std::env::var_os("KASVU_ACCESS_PRINT").is_some();
    if !print {
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    let res = resources(app).await;
    let mut people = Vec::new();
    for email in PEOPLE {
        people.push(person(app, email).await);
    }
    // Reads first, then writes; within a write, those refused before those
    // allowed (an allowed write may change what the others would see);
    // signing out last of all.
    let mut order: Vec<_> = served.iter().collect();
    order.sort_by_key(|r| (r.method != Method::GET, r.path == "/logout", r.path.clone()));
    let mut actual: Vec<(String, String, String)> = Vec::new();
    for r in order {
        let path = concrete(&r.path, &res);
        let body = body_for(&r.method, &r.path, &res);
        let want = declared
            .get(&(r.method.as_str(), table_path(&r.path)))
            .copied()
            .unwrap_or("????????");
        let mut who: Vec<usize> = (0..PEOPLE.len()).collect();
        who.sort_by_key(|i| matches!(want.as_bytes().get(*i), Some(b'Y' | b'y' | b'R' | b'q')));
        let mut got = ['?'; 8];
        for i in who {
            let answer = ask(app, &people[i], &r.method, &path, &body).await;
            let v = verdict(&answer);
            got[i] = v;
            let expected = want.as_bytes().get(i).map(|b| *b as char).unwrap_or('?');
            let fine = as_declared(expected, v);
            if !fine && !print {
                problems.push(format!(
                    "{} {path} as {}: {} (expected {expected})",
                    r.method,
                    PEOPLE[i].unwrap_or("anonymous"),
                    answer.status()
                ));
            }
        }
        actual.push((
            r.method.to_string(),
            table_path(&r.path).to_owned(),
            got.iter().collect(),
        ));
    }
    if print {
        actual.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
        for (m, p, g) in actual {
            println!("    (\"{m}\", \"{p}\", \"{g}\"),");
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

on_both_databases!(every_route_answers_as_declared);
