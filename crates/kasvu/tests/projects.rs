//! The project database through the real binary on both databases: seed
//! 004's project with its figures exactly as given and the percentages
//! computed, the filters and totals per portfolio, and a new project through
//! the API refused when its figures are inconsistent.

mod common;

use common::{token_for, Server};

/// A page's text with non-breaking spaces (between digit groups, before
/// € and %) read as spaces.
async fn text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (
        r.status().as_u16(),
        r.text().await.unwrap().replace('\u{a0}', " "),
    )
}

async fn project_database(db: &str) {
    let s = Server::start(db);
    let c = common::client();
    let (st, list) = text(&c, s.url("/projects")).await;
    assert_eq!(st, 200, "public, like the city's own project database");
    assert!(list.contains("Pohjois-Suomen Lasten Kaste"));
    let (_, page) = text(&c, s.url("/projects/1")).await;
    // Seed 004's figures as given; percentages computed from them.
    for figure in [
        "536 666 €",
        "521 264 €",
        "97,13 %",
        "390 948 €",
        "243 188 €",
        "243 792 €",
        "100,25 %",
        "182 844 €",
        "75,00 %",
    ] {
        assert!(page.contains(figure), "{figure}");
    }
    assert!(page.contains("Yhteinen tietovaranto alueellisista toimijoista"));
    assert!(page.contains("Juhani Jarva"));
    // Filters: portfolio, state, funder, area, year.
    for (query, expect_seed, expect_other) in [
        ("portfolio=Hyvinvointisalkku+2014-2020", true, false),
        ("state=ongoing", false, true),
        ("funder=STM+Kaste-ohjelma", true, false),
        ("area=kaakkuri", true, true),
        ("area=tuira", false, true),
        ("year=2015", true, false),
        ("year=2025", false, true),
    ] {
        let (_, l) = text(&c, s.url(&format!("/projects?{query}"))).await;
        let table = &l[l.find("<tbody>").map_or(0, |i| i)..];
        assert_eq!(table.contains("Lasten Kaste"), expect_seed, "{query}");
        assert_eq!(
            table.contains("Harrastamisen aarrearkku"),
            expect_other,
            "{query}"
        );
    }
    let (_, l) = text(&c, s.url("/projects?portfolio=Hyvinvointisalkku+2014-2020")).await;
    let totals = &l[l.find("id=\"totals\"").unwrap()..];
    assert!(
        totals.contains("765 056 €") && totals.contains("98,10 %"),
        "totals per portfolio"
    );

    // The API: computed percentages; a new project with inconsistent figures is refused.
    let api: serde_json::Value = c
        .get(s.url("/api/v1/projects/1"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["cost_lines"][0]["realised_costs"], 521264.0);
    assert!((api["cost_lines"][0]["realised_percent"].as_f64().unwrap() - 97.13).abs() < 0.005);
    let admin = token_for(db, "admin@oulu.example");
    let mut new = serde_json::json!({
        "name": "Perhekeskuskokeilu", "state": "planned", "portfolios": ["Hyvinvointisalkku 2021-2026"],
        "cost_lines": [{ "name": "Koko hanke", "original_budget": "100 000", "realised_costs": "0",
                         "funding": "50 000", "external_funding": "60 000" }]
    });
    let r = c
        .post(s.url("/api/v1/projects"))
        .bearer_auth(&admin)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["field"],
        "cost_lines[1].external_funding"
    );
    new["cost_lines"][0]["external_funding"] = "25 000".into();
    let viewer = token_for(db, "katselija@oulu.example");
    let r = c
        .post(s.url("/api/v1/projects"))
        .bearer_auth(&viewer)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(s.url("/api/v1/projects"))
        .bearer_auth(&admin)
        .json(&new)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let all: serde_json::Value = c
        .get(s.url("/api/v1/projects"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 3);
}

on_both_databases!(project_database);
