//! The knowledge feature (`src/knowledge`): one-contact service paths,
//! good practices, projects and search.

mod common;

use common::{anonymous, App};
use serde_json::{json, Value};

/// The public path lists everyday support before the emergency service
/// and hides staff notes (page and API); a signed-in viewer sees them. A
/// practice links back to the project it came from.
async fn public_path_without_staff_notes(app: &App) {
    let anon = anonymous();
    let page = app.page(&anon, "/paths/huoli-koulunkaynnista").await;
    let first = page.find("LP-keskustelu").expect("the first step");
    let later = page.find("sosiaalipäivystys").expect("a later step");
    assert!(first < later, "everyday support first");
    let note = "Oppilashuollon yksilökohtainen työ";
    assert!(!page.contains(note), "staff notes are not public");
    let api = app.api(None, "/api/v1/paths/huoli-koulunkaynnista").await;
    assert!(api["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .all(|s| s["staff_note"] == ""));
    let viewer = app.login("katselija@oulu.example").await;
    assert!(app
        .page(&viewer, "/paths/huoli-koulunkaynnista")
        .await
        .contains(note));
    let practice = app.page(&anon, "/practices/lp-toimintamalli").await;
    assert!(practice.contains("Pohjois-Suomen Lasten Kaste"));
}

/// Writing a path through the API: a viewer is refused (403) and nothing
/// is stored; the area's manager stores an unpublished path (201), which
/// the public does not see but signed-in staff do.
async fn writing_paths_through_the_api(app: &App) {
    let mut path = app.api(None, "/api/v1/paths/huoli-koulunkaynnista").await;
    path["published"] = json!(false);
    let put = |token: String, body: Value| {
        anonymous()
            .put(app.url("/api/v1/paths/uusi-polku"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let viewer = app.api_token("katselija@oulu.example").await;
    let r = put(viewer, path.clone()).await.expect("PUT path");
    assert_eq!(r.status(), 403);
    let anon = anonymous();
    assert_eq!(app.get(&anon, "/paths/uusi-polku").await.status(), 404);

    let manager = app.api_token("aluepaallikko.keskinen@oulu.example").await;
    let r = put(manager, path).await.expect("PUT path");
    assert_eq!(r.status(), 201);
    assert_eq!(
        app.get(&anon, "/paths/uusi-polku").await.status(),
        404,
        "unpublished paths are not public"
    );
    let staff = app.login("katselija@oulu.example").await;
    assert_eq!(app.get(&staff, "/paths/uusi-polku").await.status(), 200);
    let public = app.api(None, "/api/v1/paths").await;
    assert!(public
        .as_array()
        .expect("a list")
        .iter()
        .all(|p| p["code"] != "uusi-polku"));
}

/// Search finds the same entries for every inflected form of a word (the
/// Finnish stemming works on both databases), best match first, and the
/// page highlights the match.
async fn search_matches_inflected_forms(app: &App) {
    let mut seen = Vec::new();
    for form in ["perhekeskus", "perhekeskukset", "Perhekeskuksessa"] {
        let r = app
            .api(None, &format!("/api/v1/search?q={form}&limit=100"))
            .await;
        let keys: Vec<String> = r["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|x| {
                let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                format!("{}:{}", text(&x["kind"]), text(&x["key"]))
            })
            .collect();
        seen.push(keys);
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    assert_eq!(
        seen[0].first().map(String::as_str),
        Some("actor:tuiran-perhekeskus")
    );
    let page = app.page(&anonymous(), "/search?q=perhekeskukset").await;
    assert!(page.contains("<mark>perhekeskus</mark>"), "highlighted");
    assert!(page.contains("role=\"search\""));
}

on_both_databases!(
    public_path_without_staff_notes,
    writing_paths_through_the_api,
    search_matches_inflected_forms
);
