//! The families feature (`src/families`): the public treasure chest of
//! hobbies, places, activities written by organisers and approved by the
//! area, and children's wishes.

mod common;

use common::{anonymous, location, App};

/// The names of the hobby cards on a treasure chest page.
fn card_names(page: &str) -> Vec<String> {
    page.split("<li class=\"card\">")
        .skip(1)
        .filter_map(|c| {
            let rest = &c[c.find("lang=\"")?..];
            let start = rest.find('>')? + 1;
            let end = rest.find("</a>")?;
            Some(rest[start..end].to_owned())
        })
        .collect()
}

/// Every published hobby is on the public page (as many as the events API
/// counts), the one waiting for approval is not, and the area and age
/// filters narrow to the demo's two.
async fn treasure_chest_lists_published_hobbies(app: &App) {
    let api = app
        .api(None, "/api/v1/events?kind=hobby&page_size=100")
        .await;
    let total = api["meta"]["count"].as_i64().expect("a count");
    let anon = anonymous();
    let page = app.page(&anon, "/hobbies").await;
    assert!(page.contains(&format!("{total} harrastusta")), "{total}");
    assert_eq!(card_names(&page).len() as i64, total);
    assert!(
        !page.contains("Nikkarikerho"),
        "pending entries stay hidden"
    );
    let some = app.page(&anon, "/hobbies?area=keskinen&age=8").await;
    assert_eq!(
        card_names(&some),
        ["Lasten kuoro", "Taidekerho 7–10-vuotiaille"]
    );
    assert_eq!(app.get(&anon, "/activities/999999").await.status(), 404);
}

/// Places: the API lists the demo's four, and a place's page says where it
/// is, how to get there and what is on.
async fn places_page_and_api(app: &App) {
    let places = app.api(None, "/api/v1/places").await;
    assert_eq!(places.as_array().map(Vec::len), Some(4));
    let page = app.page(&anonymous(), "/places/tuiran-perhekeskus").await;
    assert!(page.contains("Kastellintie 4") && page.contains("Bussit 3, 4 ja 8"));
    assert!(page.contains("Perhekahvila"), "what is on there");
}

/// An organiser's new activity waits for approval (hidden from the
/// public); another area's manager may not publish it (403); the area's
/// manager does (303) and it is on the public page.
async fn organiser_writes_and_the_area_approves(app: &App) {
    let mll = app.login("mll.tuira@oulu.example").await;
    let form = [
        ("kind", "hobby"),
        ("category", "sports"),
        ("name_fi", "Perheparkour"),
        ("organiser", "mll-tuira"),
        ("area", "tuira"),
        ("place", "tuiran-perhekeskus"),
        ("is_free", "1"),
        ("min_age", "8"),
        ("max_age", "13"),
        ("season_start", "2026-09-01"),
        ("season_end", "2027-05-31"),
        ("slot_weekday_1", "6"),
        ("slot_starts_1", "10:00"),
        ("slot_ends_1", "11:00"),
    ];
    let r = app.post(&mll, "/activities/save", &form).await;
    assert_eq!(r.status(), 303);
    let path = location(&r);
    assert!(path.starts_with("/activities/"), "{path}");
    let anon = anonymous();
    assert_eq!(app.get(&anon, &path).await.status(), 404, "waits");
    let status = format!("{path}/status");
    let publish = [("status", "published")];

    let south = app.login("aluepaallikko.etelainen@oulu.example").await;
    assert_eq!(app.post(&south, &status, &publish).await.status(), 403);
    assert_eq!(app.post(&mll, &status, &publish).await.status(), 403);
    assert_eq!(app.get(&anon, &path).await.status(), 404);

    let manager = app.login("aluepaallikko.keskinen@oulu.example").await;
    assert_eq!(app.post(&manager, &status, &publish).await.status(), 303);
    assert!(app.page(&anon, &path).await.contains("Perheparkour"));
    let saturday = app.page(&anon, "/hobbies?area=tuira&day=6").await;
    assert_eq!(card_names(&saturday), ["Perheparkour"]);
}

/// A child's wish needs the form's CSRF token (403 without, nothing
/// counted); with it the wish is thanked (303) and counted for the area's
/// manager.
async fn wishes_reach_the_area(app: &App) {
    let child = anonymous();
    let token = app.csrf(&child, "/wish").await;
    let wish = [
        ("category", "culture"),
        ("age_group", "7_12"),
        ("area", "tuira"),
        ("text", "sirkuskoulu"),
    ];
    let r = app.post_without_csrf(&child, "/wish", &wish).await;
    assert_eq!(r.status(), 403);
    let manager = app.login("aluepaallikko.keskinen@oulu.example").await;
    let before = app.page(&manager, "/feedback").await;
    assert!(
        before.contains("Keskinen alue: 5 toivetta"),
        "the demo's five"
    );
    assert!(!before.contains("sirkuskoulu"));

    let r = app.post_with_csrf(&child, "/wish", &token, &wish).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/wish?thanks=1");
    let after = app.page(&manager, "/feedback").await;
    assert!(after.contains("Keskinen alue: 6 toivetta"));
    assert!(after.contains("sirkuskoulu"));
}

/// Issue 17: links in the events API followed the request's `Host`
/// header, so a client could make Kasvu serve (and a cache keep) events
/// whose `@id` points elsewhere. Links now come from the configured address
/// alone.
async fn links_never_follow_the_host_header(app: &App) {
    for path in ["/api/v1/events", "/api/v1/places"] {
        let r = anonymous()
            .get(app.url(path))
            .header("Host", "evil.example")
            .send()
            .await
            .expect("GET with a forged Host");
        assert_eq!(r.status(), 200);
        let body = r.text().await.expect("body");
        assert!(!body.contains("evil.example"), "{path}: {body:.300}");
        assert!(body.contains("\"http://localhost/"), "{path}: {body:.300}");
    }
}

on_both_databases!(
    links_never_follow_the_host_header,
    treasure_chest_lists_published_hobbies,
    places_page_and_api,
    organiser_writes_and_the_area_approves,
    wishes_reach_the_area
);
