//! The welfare plan's pages end to end through the real binary, on SQLite
//! and PostgreSQL: the demo plan's results chain from the aim to measures
//! with their indicators, and its filters.

mod common;

use common::{client, Server};

async fn text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn results_chain(db: &str) {
    let s = Server::start(db);
    let c = client();
    let (status, list) = text(&c, s.url("/plans")).await;
    assert_eq!(status, 200);
    let at = list
        .find("href=\"/plans/")
        .expect("the demo plan is listed")
        + 6;
    let path = list[at..at + list[at..].find('"').unwrap()].to_owned();
    assert!(list.contains("Voimassa"), "in force");

    let (status, page) = text(&c, s.url(&path)).await;
    assert_eq!(status, 200);
    for goal in [
        "Alueen hyvinvointitiedon hyödyntäminen",
        "Välittävän toimintakulttuurin rakentaminen",
        "Osallisuuden ja vaikuttamisen vahvistaminen",
    ] {
        assert!(page.contains(goal), "{goal}");
    }
    assert!(
        page.contains("Hyvinvoiva lapsi, nuori, perhe ja yhteisö"),
        "the aim"
    );
    assert!(page.contains("Perhekeskustoiminta"), "a focus area");
    assert!(
        page.contains("href=\"/indicators/shps_hobby\""),
        "evidence links to its indicator"
    );
    assert!(page.contains("Toimenpiteitä 12:"), "{page}");
    assert!(
        page.contains("Pilotti päättyi"),
        "the status log's latest note is shown"
    );
    // Filters: by the right of the child, by status, by owner unit.
    let (_, hobbies) = text(&c, s.url(&format!("{path}?right=sports_and_hobbies"))).await;
    assert!(hobbies.contains("Maksuttomat kerhot koulupäivän yhteydessä"));
    assert!(!hobbies.contains("Pilottipuhelin perheiden"));
    let (_, done) = text(&c, s.url(&format!("{path}?status=done"))).await;
    assert!(done.contains("Pilottipuhelin perheiden"));
    assert!(done.contains("Toimenpiteitä 1:"));
    let (_, owned) = text(&c, s.url(&format!("{path}?owner=kulttuuripalvelut"))).await;
    assert!(owned.contains("Taideneuvola"));
    assert!(!owned.contains("Pilottipuhelin perheiden"));
    let (_, none) = text(&c, s.url(&format!("{path}?status=dropped"))).await;
    assert!(none.contains("Valinnoilla ei löytynyt toimenpiteitä"));
    assert_eq!(text(&c, s.url("/plans/999999")).await.0, 404);
}

on_both_databases!(results_chain);
