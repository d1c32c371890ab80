//! The public hobby search's and calendar's rendered-page cache through the
//! real binary on both databases: a kept page changes right after staff
//! publish, edit or withdraw a hobby (or add a break) through this server;
//! each language has its own page; a signed-in person never gets a
//! visitor's page, nor a visitor theirs; a bad filter still names its
//! field (and is never kept); spellings of one search share a page (the
//! calendar's counted through `/metrics`).

mod common;

use common::{csrf_of, get_page as get, login_demo, post_form as post, Server};

fn form_of<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, x)| (*k, x.as_str())).collect()
}

/// The names of the hobby cards on a treasure chest page.
fn card_names(page: &str) -> Vec<String> {
    page.split("<li class=\"card\">")
        .skip(1)
        .filter_map(|c| {
            let rest = &c[c.find("lang=\"")?..];
            Some(rest[rest.find('>')? + 1..rest.find("</a>")?].to_owned())
        })
        .collect()
}

const SEARCH: &str = "/hobbies?area=tuira&day=6";

/// A free Saturday hobby in Tuira for 3–12-year-olds, as its form sends it.
fn entry(csrf: &str, name: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_owned()),
        ("kind", "hobby".into()),
        ("category", "sports".into()),
        ("name_fi", name.into()),
        ("organiser", "mll-tuira".into()),
        ("area", "tuira".into()),
        ("place", "tuiran-perhekeskus".into()),
        ("is_free", "1".into()),
        ("min_age", "3".into()),
        ("max_age", "12".into()),
        ("season_start", "2026-09-01".into()),
        ("season_end", "2027-05-31".into()),
        ("slot_weekday_1", "6".into()),
        ("slot_starts_1", "10:00".into()),
        ("slot_ends_1", "11:00".into()),
        ("slot_weekday_2", String::new()),
        ("slot_starts_2", String::new()),
        ("slot_ends_2", String::new()),
    ]
}

async fn cached_pages_follow_writes(db: &str) {
    let s = Server::start(db);
    let anon = common::client();

    // Kept: the same search twice, and spelt otherwise, is the same page
    // (rendered for the normalised address, which its links carry).
    let (st, first) = get(&anon, s.url(SEARCH)).await;
    assert_eq!(st, 200);
    assert!(
        first.contains("next=/hobbies%3Farea%3Dtuira%26day%3D6"),
        "{first}"
    );
    let (_, again) = get(&anon, s.url(SEARCH)).await;
    assert_eq!(again, first);
    let (_, respelt) = get(&anon, s.url("/hobbies?day=%206&free=&area=tuira&page=1")).await;
    assert_eq!(respelt, first, "one search, one page");
    let before = card_names(&first);
    assert!(!before.contains(&"Välkkyjumppa".to_owned()));

    // Published by the area's manager on this server: on the next request.
    let mll = login_demo(&s, "mll.tuira@oulu.example").await;
    let (_, form) = get(&mll, s.url("/activities/edit")).await;
    let csrf = csrf_of(&form);
    let entry = |name: &str| entry(&csrf, name);
    let new = entry("Välkkyjumppa");
    let (st, location) = post(&mll, s.url("/activities/save"), &form_of(&new)).await;
    assert_eq!(st, 303, "{location}");
    let id = location.trim_start_matches("/activities/").to_owned();
    let (_, p) = get(&anon, s.url(SEARCH)).await;
    assert_eq!(card_names(&p), before, "waiting for approval: not shown");

    let manager = login_demo(&s, "aluepaallikko.keskinen@oulu.example").await;
    let (_, manage) = get(&manager, s.url("/activities/manage")).await;
    let mcsrf = csrf_of(&manage);
    let status_url = s.url(&format!("/activities/{id}/status"));
    let (st, _) = post(
        &manager,
        status_url.clone(),
        &[("csrf", &mcsrf), ("status", "published")],
    )
    .await;
    assert_eq!(st, 303);
    let (_, p) = get(&anon, s.url(SEARCH)).await;
    assert!(
        card_names(&p).contains(&"Välkkyjumppa".to_owned()),
        "published: shown at once, {:?}",
        card_names(&p)
    );

    // Edited (the organiser's edit waits again), then published again
    // under its new name.
    let mut edit = entry("Välkkyjumppa ja leikit");
    edit.push(("id", id.clone()));
    let (st, _) = post(&mll, s.url("/activities/save"), &form_of(&edit)).await;
    assert_eq!(st, 303);
    let (_, p) = get(&anon, s.url(SEARCH)).await;
    assert_eq!(card_names(&p), before, "the edit waits: not shown");
    let (st, _) = post(
        &manager,
        status_url.clone(),
        &[("csrf", &mcsrf), ("status", "published")],
    )
    .await;
    assert_eq!(st, 303);
    let (_, p) = get(&anon, s.url(SEARCH)).await;
    assert!(card_names(&p).contains(&"Välkkyjumppa ja leikit".to_owned()));
    assert!(!card_names(&p).contains(&"Välkkyjumppa".to_owned()));

    // Withdrawn: gone at once.
    let (st, _) = post(
        &manager,
        status_url.clone(),
        &[("csrf", &mcsrf), ("status", "withdrawn")],
    )
    .await;
    assert_eq!(st, 303);
    let (_, p) = get(&anon, s.url(SEARCH)).await;
    assert_eq!(card_names(&p), before, "withdrawn: gone");

    // Two languages, two pages (each kept, neither served for the other).
    let sv = common::client();
    sv.get(s.url("/lang/sv")).send().await.expect("language");
    let (_, fi_page) = get(&anon, s.url(SEARCH)).await;
    let (_, sv_page) = get(&sv, s.url(SEARCH)).await;
    assert!(fi_page.contains("<html lang=\"fi\">"));
    assert!(sv_page.contains("<html lang=\"sv\">"));
    assert_ne!(fi_page, sv_page);
    let (_, fi_again) = get(&anon, s.url(SEARCH)).await;
    assert!(fi_again.contains("<html lang=\"fi\">"));
    assert_eq!(card_names(&fi_again).len(), card_names(&sv_page).len());

    // Staff never get a visitor's kept page, nor visitors staff's: the
    // visitor's page was kept above; the manager's has their header, name
    // and token, and the visitor's still has none of them afterwards.
    let (_, staff_page) = get(&manager, s.url(SEARCH)).await;
    assert!(staff_page.contains("staff-header"));
    assert!(staff_page.contains(&mcsrf));
    let (_, visitor_page) = get(&anon, s.url(SEARCH)).await;
    assert!(!visitor_page.contains("staff-header"));
    assert!(!visitor_page.contains(&mcsrf));
    assert!(!visitor_page.contains("action=\"/logout\""));
    assert_eq!(visitor_page, fi_again);
    // A visitor's own token is in a cookie only, never in a kept page.
    let other = common::client();
    let r = other.get(s.url(SEARCH)).send().await.expect("a page");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("kasvu_csrf="))
        .map(|v| v["kasvu_csrf=".len()..v.find(';').unwrap_or(v.len())].to_owned())
        .expect("a new visitor gets a CSRF cookie");
    let body = r.text().await.expect("a body");
    assert!(!body.contains(&cookie));
    assert_eq!(
        body, fi_again,
        "the kept page, the new visitor's cookie beside it"
    );

    // A bad filter still names its field (and is not mistaken for a page
    // of results), every time.
    for _ in 0..2 {
        let (st, p) = get(&anon, s.url("/hobbies?age=yhdeks%C3%A4n&area=tuira")).await;
        assert_eq!(st, 400, "a bad request");
        assert!(p.contains("role=\"alert\""));
        assert!(
            p.contains("value=\"yhdeksän\" aria-invalid=\"true\""),
            "{p}"
        );
        assert!(card_names(&p).is_empty());
    }
}

on_both_databases!(cached_pages_follow_writes);

/// January 2027 in Tuira as a list, and as the month grid.
const MONTH_LIST: &str = "/calendar?area=tuira&month=2027-01&view=list";
const MONTH_GRID: &str = "/calendar?area=tuira&month=2027-01";

/// (pages served from the cache, pages rendered) since the server started,
/// from its `/metrics`.
async fn lookups(s: &Server) -> (u64, u64) {
    let url = s.metrics.clone().expect("started with --metrics-addr");
    let text = common::client()
        .get(url)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("a body");
    let count = |state: &str| -> u64 {
        let name = format!("kasvu_page_cache_lookups{{state=\"{state}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(name.as_str()))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {text}"))
    };
    (count("hit"), count("miss"))
}

async fn cached_calendar_follows_writes(db: &str) {
    let s = Server::start_with(db, &["--metrics-addr", "127.0.0.1:0"]);
    let anon = common::client();

    // Kept, and one page for every spelling of the same month and filter
    // (rendered for the normalised address its links carry).
    let (st, first) = get(&anon, s.url(MONTH_LIST)).await;
    assert_eq!(st, 200);
    assert!(
        first.contains("next=/calendar%3Fmonth%3D2027-01%26view%3Dlist%26area%3Dtuira"),
        "{first}"
    );
    let (hits, misses) = lookups(&s).await;
    assert!(misses >= 1, "the first was rendered");
    let (_, again) = get(&anon, s.url(MONTH_LIST)).await;
    assert_eq!(again, first);
    let (_, respelt) = get(
        &anon,
        s.url("/calendar?view=list&area=%20tuira&month=2027-1&page=3&free="),
    )
    .await;
    assert_eq!(respelt, first, "one month, one page");
    assert_eq!(
        lookups(&s).await,
        (hits + 2, misses),
        "both served from the cache"
    );
    let (_, grid) = get(&anon, s.url(MONTH_GRID)).await;
    assert_ne!(grid, first, "the grid is a page of its own");
    assert!(!first.contains("Lauantaijumppa") && !grid.contains("Lauantaijumppa"));

    // Published on this server: in the kept month at once, every Saturday.
    let mll = login_demo(&s, "mll.tuira@oulu.example").await;
    let (_, form) = get(&mll, s.url("/activities/edit")).await;
    let new = entry(&csrf_of(&form), "Lauantaijumppa");
    let (st, location) = post(&mll, s.url("/activities/save"), &form_of(&new)).await;
    assert_eq!(st, 303, "{location}");
    let id = location.trim_start_matches("/activities/").to_owned();
    let manager = login_demo(&s, "aluepaallikko.keskinen@oulu.example").await;
    let (_, manage) = get(&manager, s.url("/activities/manage")).await;
    let mcsrf = csrf_of(&manage);
    let (st, _) = post(
        &manager,
        s.url(&format!("/activities/{id}/status")),
        &[("csrf", &mcsrf), ("status", "published")],
    )
    .await;
    assert_eq!(st, 303);
    let (_, list) = get(&anon, s.url(MONTH_LIST)).await;
    // January 2027 has five Saturdays; the demo's Christmas break may take
    // the first.
    let saturdays = list.matches("Lauantaijumppa").count();
    assert!((4..=5).contains(&saturdays), "{saturdays}: {list}");
    let (_, grid) = get(&anon, s.url(MONTH_GRID)).await;
    assert!(grid.contains("Lauantaijumppa"));
    assert!(!grid.contains("Talvitauko kokeilu"));

    // A break added by the city's admin: the kept grid says so at once, and
    // the list loses that Saturday's session.
    let admin = login_demo(&s, "admin@oulu.example").await;
    let (_, manage) = get(&admin, s.url("/activities/manage")).await;
    let (st, _) = post(
        &admin,
        s.url("/activities/breaks"),
        &[
            ("csrf", &csrf_of(&manage)),
            ("first", "2027-01-09"),
            ("last", "2027-01-10"),
            ("name", "Talvitauko kokeilu"),
        ],
    )
    .await;
    assert_eq!(st, 303);
    let (_, grid) = get(&anon, s.url(MONTH_GRID)).await;
    assert!(grid.contains("Talvitauko kokeilu"), "{grid}");
    let (_, list) = get(&anon, s.url(MONTH_LIST)).await;
    assert_eq!(
        list.matches("Lauantaijumppa").count(),
        saturdays - 1,
        "no session on 9 January"
    );

    // Staff get their own page; the visitor's kept one has none of it.
    let (_, staff) = get(&manager, s.url(MONTH_LIST)).await;
    assert!(staff.contains("staff-header") && staff.contains(&mcsrf));
    let (_, visitor) = get(&anon, s.url(MONTH_LIST)).await;
    assert!(!visitor.contains("staff-header") && !visitor.contains(&mcsrf));
    assert_eq!(visitor, list);

    // Another language, another page.
    let sv = common::client();
    sv.get(s.url("/lang/sv")).send().await.expect("language");
    let (_, sv_page) = get(&sv, s.url(MONTH_LIST)).await;
    assert!(sv_page.contains("<html lang=\"sv\">"));
    let (_, fi_page) = get(&anon, s.url(MONTH_LIST)).await;
    assert!(fi_page.contains("<html lang=\"fi\">"));

    // A bad filter names its field every time, and its page is never kept.
    let (hits, misses) = lookups(&s).await;
    for _ in 0..2 {
        let (st, p) = get(&anon, s.url("/calendar?age=yhdeks%C3%A4n&area=tuira")).await;
        assert_eq!(st, 400, "a bad request");
        assert!(p.contains("role=\"alert\""));
        assert!(
            p.contains("value=\"yhdeksän\" aria-invalid=\"true\""),
            "{p}"
        );
    }
    assert_eq!(lookups(&s).await, (hits, misses + 2), "rendered both times");
}

on_both_databases!(cached_calendar_follows_writes);
