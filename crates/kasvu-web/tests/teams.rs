//! The teams feature (`src/teams`): leadership teams, their meetings and
//! commitments, and the team API with its private minutes.

mod common;

use common::{anonymous, location, App};

/// The first number after `prefix` in a page.
fn first_id(page: &str, prefix: &str) -> i64 {
    page.match_indices(prefix)
        .find_map(|(i, _)| {
            let rest = &page[i + prefix.len()..];
            let end = rest.find(|c: char| !c.is_ascii_digit())?;
            rest[..end].parse().ok()
        })
        .unwrap_or_else(|| panic!("no {prefix} link"))
}

/// The id of the commitment whose text starts with `text` on a page.
fn commitment_id(page: &str, text: &str) -> i64 {
    let at = page
        .find(text)
        .unwrap_or_else(|| panic!("no commitment '{text}'"));
    let start = page[..at]
        .rfind("id=\"commitment-")
        .expect("commitment item");
    first_id(&page[start..], "id=\"commitment-")
}

/// The Tuira team and its next planned meeting, as a member sees them.
async fn next_meeting(app: &App, c: &reqwest::Client) -> (i64, i64) {
    // The demo has more teams (the areas', the steering group, a forum):
    // Tuira's is the link just before its name.
    let list = app.page(c, "/teams").await;
    let name = list
        .find(">Tuiran palvelukeskittymän johtotiimi<")
        .expect("Tuira's team in the list");
    let link = list[..name].rfind("/teams/").expect("its link");
    let team = first_id(&list[link..], "/teams/");
    let page = app.page(c, &format!("/teams/{team}")).await;
    let upcoming = page.find("id=\"upcoming\"").expect("upcoming meetings");
    (team, first_id(&page[upcoming..], "/meetings/"))
}

/// Teams are for signed-in people: signed out, to the login page; on the
/// member's team page the Kela contact, a guest without an account,
/// completes the multi-professional table (no sector is flagged missing).
async fn team_page_needs_sign_in(app: &App) {
    let r = app.get(&anonymous(), "/teams").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login?next=/teams");
    let juha = app.login("johtotiimi.tuira@oulu.example").await;
    let (team, _) = next_meeting(app, &juha).await;
    let page = app.page(&juha, &format!("/teams/{team}")).await;
    assert!(page.contains("Kaisa Kelanen") && page.contains("Kela"));
    assert!(!page.contains("Monialaisesta tiimistä puuttuu"));
}

/// A member reviews her own commitment (303, then shown as partly done on
/// her list) but not another member's (403); without the CSRF token
/// nothing is recorded.
async fn member_reviews_own_commitment_only(app: &App) {
    let noora = app.login("neuvola.tuira@oulu.example").await;
    let (_, next) = next_meeting(app, &noora).await;
    let meeting = app.page(&noora, &format!("/meetings/{next}")).await;
    let mine = commitment_id(&meeting, "Kutsun perhekeskuksen");
    let mikko = commitment_id(&meeting, "Selvitän, voiko MLL");
    let note = "Sovittu tammikuulle";

    let r = app
        .post(
            &noora,
            &format!("/commitments/{mikko}/review"),
            &[("status", "done")],
        )
        .await;
    assert_eq!(r.status(), 403, "a member reviews only her own");

    let form = [("status", "partly"), ("note", note)];
    let r = app
        .post_without_csrf(&noora, &format!("/commitments/{mine}/review"), &form)
        .await;
    assert_eq!(r.status(), 403);
    assert!(!app.page(&noora, "/my/commitments").await.contains(note));

    let r = app
        .post(&noora, &format!("/commitments/{mine}/review"), &form)
        .await;
    assert_eq!(r.status(), 303);
    let my = app.page(&noora, "/my/commitments").await;
    assert!(my.contains(note) && my.contains("Osittain"));
}

/// Only the chair records decisions: a member's is 403, the chair's is
/// saved (303) and shown on the meeting page.
async fn chair_records_decisions(app: &App) {
    let juha = app.login("johtotiimi.tuira@oulu.example").await;
    let noora = app.login("neuvola.tuira@oulu.example").await;
    let (_, next) = next_meeting(app, &juha).await;
    let path = format!("/meetings/{next}/decisions");
    let text = "Perhekahvila kouluun kokeiluna";
    let r = app.post(&noora, &path, &[("text", text)]).await;
    assert_eq!(r.status(), 403);
    assert!(!app
        .page(&juha, &format!("/meetings/{next}"))
        .await
        .contains(text));
    let r = app.post(&juha, &path, &[("text", text)]).await;
    assert_eq!(r.status(), 303);
    assert!(app
        .page(&juha, &format!("/meetings/{next}"))
        .await
        .contains(text));
}

/// The team API needs a token (401 without); a member gets the team with
/// its missing sector and the minutes of held meetings, a viewer of the
/// organisation the meetings without minutes.
async fn team_api_hides_minutes_from_outsiders(app: &App) {
    let r = anonymous()
        .get(app.url("/api/v1/teams"))
        .send()
        .await
        .expect("GET teams");
    assert_eq!(r.status(), 401);
    let juha = app.api_token("johtotiimi.tuira@oulu.example").await;
    let viewer = app.api_token("katselija@oulu.example").await;
    let teams = app.api(Some(&juha), "/api/v1/teams").await;
    let team = teams
        .as_array()
        .and_then(|t| t.iter().find(|t| t["unit"] == "tuira"))
        .expect("Tuira's team");
    assert_eq!(team["kind"], "cluster_leadership");
    assert_eq!(team["missing_sectors"], serde_json::json!(["kela"]));
    let id = team["id"].as_i64().expect("team id");
    let held = |meetings: serde_json::Value| {
        meetings
            .as_array()
            .expect("a list of meetings")
            .iter()
            .find(|m| m["state"] == "held")
            .cloned()
            .expect("a held meeting")
    };
    let path = format!("/api/v1/teams/{id}/meetings");
    let mine = held(app.api(Some(&juha), &path).await);
    assert!(mine["minutes"]
        .as_str()
        .expect("minutes for members")
        .contains("LP-keskustelujen"));
    let theirs = held(app.api(Some(&viewer), &path).await);
    assert!(theirs["minutes"].is_null(), "no minutes for a viewer");
}

/// Issue 17: the learning network's situation room is read by Soite too,
/// and used to list Oulu's feedback rounds — unpublished ones included —
/// which `/feedback/{id}` rightly hides from Soite (404). Now the room
/// shows Soite only what Soite could open; Oulu's member still sees them.
async fn network_room_hides_other_organisations_rounds(app: &App) {
    let soite = app.login("admin@soite.example").await;
    let network = first_id(&app.page(&soite, "/teams").await, "/teams/");
    let room = format!("/teams/{network}/room");
    let juha = app.login("johtotiimi.tuira@oulu.example").await;
    let ours = app.page(&juha, &room).await;
    let round = first_id(&ours, "href=\"/feedback/");
    assert_eq!(
        app.get(&soite, &format!("/feedback/{round}"))
            .await
            .status(),
        404,
        "Soite cannot open Oulu's round"
    );
    let theirs = app.page(&soite, &room).await;
    assert!(theirs.contains("Yhteisövaikuttavuuden oppimisverkosto"));
    assert!(
        !theirs.contains("href=\"/feedback/"),
        "no Oulu round in Soite's view of the room"
    );
}

on_both_databases!(
    network_room_hides_other_organisations_rounds,
    team_page_needs_sign_in,
    member_reviews_own_commitment_only,
    chair_records_decisions,
    team_api_hides_minutes_from_outsiders
);
