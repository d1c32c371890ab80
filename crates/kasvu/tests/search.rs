//! Site search through the real binary on both databases: a hobby and a
//! good practice found by inflected Finnish words and labelled by type,
//! the type filter, and what only some readers may find — a leadership
//! team for the organisation's people, its meetings for its members, an
//! activity waiting for approval for no one.

mod common;

use common::{demo_password, login, token_for, Server};

async fn get(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The addresses of the results on a search page.
fn result_links(page: &str) -> Vec<String> {
    let Some(start) = page.find("<ol class=\"search-results\">") else {
        return Vec::new();
    };
    let list = &page[start
        ..page[start..]
            .find("</ol>")
            .map_or(page.len(), |e| start + e)];
    list.split("<a href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

async fn search_finds_what_the_reader_may_see(db: &str) {
    let s = Server::start(db);
    let anon = common::client();
    // "taidekerhoon" (into the art club) finds the demo art club.
    let (st, page) = get(&anon, s.url("/search?q=taidekerhoon")).await;
    assert_eq!(st, 200);
    let links = result_links(&page);
    assert!(
        links.iter().any(|l| l.starts_with("/activities/")),
        "{links:?}"
    );
    assert!(
        page.contains("<mark>Taidekerho</mark> 7–10-vuotiaille"),
        "highlighted title"
    );
    assert!(page.contains("Harrastus tai tapahtuma"), "labelled by type");
    // The type filter keeps only hobbies.
    let (_, only) = get(&anon, s.url("/search?q=kerho&kind=activity")).await;
    let kept = result_links(&only);
    assert!(!kept.is_empty());
    assert!(
        kept.iter().all(|l| l.starts_with("/activities/")),
        "{kept:?}"
    );
    assert!(only.contains("aria-current=\"true\""));
    // A practice by an inflected word of its text.
    let (_, page) = get(&anon, s.url("/search?q=haavoittuvuuksista")).await;
    assert!(
        result_links(&page).contains(&"/practices/lp-toimintamalli".to_owned()),
        "{:?}",
        result_links(&page)
    );
    // A published feedback round's response is public; its free texts are not.
    let (_, page) = get(&anon, s.url("/search?q=vanhempainiltoihin")).await;
    let links = result_links(&page);
    assert!(
        links
            .iter()
            .any(|l| l.starts_with("/a/") && l.ends_with("/results")),
        "{links:?}"
    );
    let round = links.iter().find(|l| l.starts_with("/a/")).unwrap();
    let (st, _) = get(&anon, s.url(round)).await;
    assert_eq!(st, 200, "the result leads to the public results");
    // The leadership team: not for the public, found by the organisation's people.
    let (_, page) = get(&anon, s.url("/search?q=johtotiimiin")).await;
    assert!(
        !result_links(&page).iter().any(|l| l.starts_with("/teams/")),
        "a team is not public"
    );
    let viewer = "katselija@oulu.example";
    let staff = login(&s, viewer, demo_password(viewer)).await;
    let (_, page) = get(&staff, s.url("/search?q=johtotiimiin")).await;
    assert!(
        result_links(&page).iter().any(|l| l.starts_with("/teams/")),
        "{:?}",
        result_links(&page)
    );
    // A meeting's minutes: for the team's members only.
    let (_, page) = get(&staff, s.url("/search?q=tiedotus&kind=meeting")).await;
    assert!(result_links(&page).is_empty(), "not a member");
    let member = "johtotiimi.tuira@oulu.example";
    let m = login(&s, member, demo_password(member)).await;
    let (_, page) = get(&m, s.url("/search?q=tiedotus&kind=meeting")).await;
    let links = result_links(&page);
    assert!(
        links.iter().any(|l| l.starts_with("/meetings/")),
        "{links:?}"
    );
    let (st, _) = get(&m, s.url(&links[0])).await;
    assert_eq!(st, 200, "the member may open the meeting found");
    // The API answers each reader as the page does: the meeting for the
    // member's token, not for another person's of the organisation, nor
    // for no token.
    let api = reqwest::Client::new();
    let url = s.url("/api/v1/search?q=tiedotus&kind=meeting");
    for (token, found) in [
        (Some(token_for(db, member)), true),
        (Some(token_for(db, viewer)), false),
        (None, false),
    ] {
        let mut r = api.get(&url);
        if let Some(t) = &token {
            r = r.bearer_auth(t);
        }
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 200);
        let v: serde_json::Value = r.json().await.unwrap();
        let meetings = v["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["href"].as_str().unwrap_or("").starts_with("/meetings/"))
            .count();
        assert_eq!(meetings > 0, found, "token {}: {v}", token.is_some());
    }
}

on_both_databases!(search_finds_what_the_reader_may_see);
