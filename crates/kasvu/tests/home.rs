//! The families' home through the real binary on both databases: what a
//! family finds at `/` (a hobby search with places by their everyday names,
//! this week's activities, meeting places, where to start when worried,
//! the wish form), the short public navigation and the staff's own, the
//! organisation overview at `/organisation`, a further organisation's home,
//! public choices grouped by area without ended units, an everyday name
//! edited by an admin, and a branded installation (a colour with too little
//! contrast stops the start).

mod common;

use common::{cli, csrf_of, login_demo, Server};

async fn get(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The `<select>` whose id is `id`, as text.
fn select<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<select id=\"{id}\""))
        .unwrap_or_else(|| panic!("no select #{id}"));
    let end = html[start..].find("</select>").expect("select closes") + start;
    &html[start..end]
}

/// The public choices of a place: grouped by area, by everyday names,
/// without ended units or administrative names.
fn assert_public_places(select: &str, what: &str) {
    assert!(
        select.contains("<optgroup label=\"Keskinen alue\">"),
        "{what}: areas group the choices"
    );
    let keskinen = &select[select.find("<optgroup label=\"Keskinen alue\">").unwrap()..];
    let keskinen = &keskinen[..keskinen.find("</optgroup>").unwrap()];
    assert!(
        keskinen.contains("value=\"keskinen\"") && keskinen.contains("Keskinen alue (koko alue)"),
        "{what}: the whole area is a choice in its group"
    );
    assert!(
        keskinen.contains(">Tuira, Pikisaari, Koskikeskus</option>")
            && keskinen.contains(">Toppila, Toppilansaari, Pohjankartano</option>"),
        "{what}: Keskinen's clusters by their everyday names: {keskinen}"
    );
    assert!(
        !keskinen.contains("Kaakkuri"),
        "{what}: Kaakkuri is not under Keskinen"
    );
    assert!(
        !select.contains("palvelukeskittymä"),
        "{what}: no administrative names"
    );
    assert!(
        !select.contains("hietasaari") && !select.contains("Hietasaari"),
        "{what}: Hietasaari ended in 2023"
    );
}

async fn families_home(db: &str) {
    let s = Server::start(db);
    let anon = common::client();
    let (status, home) = get(&anon, s.url("/")).await;
    assert_eq!(status, 200);
    assert!(home.contains("<h1>Tekemistä ja tukea lapsille, nuorille ja perheille</h1>"));
    // Find a hobby: a search form to the hobby search, with the place.
    assert!(home.contains("<form method=\"get\" action=\"/hobbies\""));
    assert_public_places(select(&home, "fh-area"), "the home's hobby search");
    assert_public_places(select(&home, "fh-near"), "the home's week filter");
    // This week: published activities linking to their pages and the calendar.
    let week = &home[home.find("id=\"fh-week\"").unwrap()..];
    let week = &week[..week.find("</section>").unwrap()];
    let items = week.matches("<a href=\"/activities/").count();
    assert!(
        (1..=6).contains(&items),
        "a handful of this week's activities: {items}"
    );
    assert!(week.contains("href=\"/calendar?view=list\""));
    // Meeting places, where to start when worried, the wish form.
    for href in ["/places", "/paths", "/wish"] {
        assert!(home.contains(&format!("<a href=\"{href}\">")), "{href}");
    }
    assert!(home.contains("Huolestuttaako? Aloita tästä"));
    // The public navigation is short; staff items and the API are not in it.
    for staff in [
        "/indicators",
        "/plans",
        "/actors",
        "/network",
        "/organisation\">Organisaatio",
        "openapi.json",
        "/my\"",
    ] {
        assert!(!home.contains(staff), "{staff} is not in the public header");
    }
    assert!(home.contains("<a href=\"/hobbies\">Harrastukset</a>"));
    // The other organisations of the installation have their own homes.
    assert!(home.contains("<a href=\"/o/soite\">"));

    // Near you: Tuira's week has Tuira's activities only.
    let (_, tuira) = get(&anon, s.url("/?area=tuira")).await;
    assert!(tuira.contains("Tällä viikolla: Tuira, Pikisaari, Koskikeskus"));
    let tuira_week = &tuira[tuira.find("id=\"fh-week\"").unwrap()..];
    let tuira_week = &tuira_week[..tuira_week.find("</section>").unwrap()];
    assert!(
        !tuira_week.contains("Maikkulan koulun liikuntasali"),
        "another area's activity is not near Tuira"
    );
    assert!(tuira_week.contains("calendar?view=list&amp;area=tuira"));
    // An ended cluster narrows nothing.
    let (status, hs) = get(&anon, s.url("/?area=hietasaari")).await;
    assert_eq!(status, 200);
    assert!(hs.contains("<h2 id=\"fh-week\">Tällä viikolla</h2>"));

    // The organisation overview is staff's page now, linked from their header.
    let (status, org) = get(&anon, s.url("/organisation")).await;
    assert_eq!(status, 200);
    assert!(org.contains("<a href=\"/units/keskinen\">Keskinen alue</a>"));
    assert!(org.contains("<a href=\"/units/tuira\">Tuiran palvelukeskittymä</a>"));
    assert!(org.contains("Soite"), "every organisation");
    let staff = login_demo(&s, "neuvola.tuira@oulu.example").await;
    let (_, staff_home) = get(&staff, s.url("/")).await;
    for href in [
        "/organisation",
        "/indicators",
        "/plans",
        "/my",
        "/api/v1/openapi.json",
    ] {
        assert!(
            staff_home.contains(&format!("<a href=\"{href}\">")),
            "staff see {href} in their header"
        );
    }
    assert!(staff_home.contains("site-header staff-header"));
    assert!(!home.contains("staff-header"));

    // A further organisation's home: its own places, and its links keep it.
    let (status, soite) = get(&anon, s.url("/o/soite")).await;
    assert_eq!(status, 200);
    let places = select(&soite, "fh-area");
    assert!(places.contains(">Kokkolan keskusta</option>") && !places.contains("Tuira"));
    assert!(soite.contains("<input type=\"hidden\" name=\"org\" value=\"soite\">"));
    assert!(
        soite.contains("href=\"/wish?org=soite\"") && soite.contains("href=\"/calendar?org=soite")
    );
    let (status, hobbies) = get(
        &anon,
        s.url("/hobbies?org=soite&area=soite-kokkola-keskusta"),
    )
    .await;
    assert_eq!(status, 200, "Soite's place is a choice of Soite's search");
    assert!(select(&hobbies, "f-area").contains("value=\"soite-kokkola-keskusta\" selected"));
    assert_eq!(get(&anon, s.url("/o/no-such-org")).await.0, 404);
    assert_eq!(get(&anon, s.url("/hobbies?org=no-such-org")).await.0, 404);
}

async fn public_choices_by_everyday_names(db: &str) {
    let s = Server::start(db);
    let anon = common::client();
    for (path, id) in [
        ("/hobbies", "f-area"),
        ("/calendar", "f-area"),
        ("/places", "p-area"),
        ("/wish", "w-area"),
    ] {
        let (status, page) = get(&anon, s.url(path)).await;
        assert_eq!(status, 200, "{path}");
        assert_public_places(select(&page, id), path);
    }
    let (_, wish) = get(&anon, s.url("/wish")).await;
    assert!(wish.contains("Millä alueella asut?") || wish.contains("w-area"));
    // A chosen cluster stays chosen.
    let (_, hobbies) = get(&anon, s.url("/hobbies?area=toppila")).await;
    assert!(select(&hobbies, "f-area").contains("value=\"toppila\" selected"));

    // An admin edits Tuira's everyday name on the units page.
    let admin = login_demo(&s, "admin@oulu.example").await;
    let (status, form) = get(&admin, s.url("/admin/units/tuira/edit")).await;
    assert_eq!(status, 200);
    assert!(
        form.contains("id=\"everyday_name\"")
            && form.contains("value=\"Tuira, Pikisaari, Koskikeskus\"")
    );
    let csrf = csrf_of(&form);
    let fields = [
        ("csrf", csrf.as_str()),
        ("parent_code", "keskinen"),
        ("level", "cluster"),
        ("name_fi", "Tuiran palvelukeskittymä"),
        ("name_sv", "Tuira servicekluster"),
        ("name_en", "Tuira service cluster"),
    ];
    let long = "x".repeat(121);
    let mut bad = fields.to_vec();
    bad.push(("everyday_name", &long));
    let r = admin
        .post(s.url("/admin/units/tuira"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "a name too long is refused");
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("id=\"everyday_name-error\""));
    let mut good = fields.to_vec();
    good.push(("everyday_name", "Tuira, Toppila"));
    let r = admin
        .post(s.url("/admin/units/tuira"))
        .form(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (_, places) = get(&anon, s.url("/places")).await;
    assert!(
        select(&places, "p-area").contains("value=\"tuira\">Tuira, Toppila</option>"),
        "the new everyday name shows at once"
    );

    // The org-unit import carries everyday names in an optional column.
    let csv = std::env::temp_dir().join(format!("kasvu-everyday-{}.csv", std::process::id()));
    std::fs::write(
        &csv,
        "code,parent_code,level,kind,name_fi,name_sv,name_en,external_codes,everyday_name\n\
         kaakkuri,etelainen,cluster,,Kaakkurin palvelukeskittymä,Kaakkuri servicekluster,Kaakkuri service cluster,,\"Kaakkuri, Knuutila\"\n",
    )
    .unwrap();
    let (ok, out, err) = cli(
        &[
            "import",
            "--db",
            db,
            "--kind",
            "orgunits",
            csv.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("1 everyday names set"), "{out}");
    // Written by another process (the CLI): the server reads the public
    // pages' versions again within kasvu_store::PUBLIC_RECHECK.
    let written = std::time::Instant::now();
    let mut hobbies = String::new();
    while written.elapsed() < 2 * kasvu_store::PUBLIC_RECHECK {
        hobbies = get(&anon, s.url("/hobbies")).await.1;
        if hobbies.contains("Kaakkuri, Knuutila") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        select(&hobbies, "f-area").contains("value=\"kaakkuri\">Kaakkuri, Knuutila</option>"),
        "the imported everyday name shows within the recheck bound"
    );
    let _ = std::fs::remove_file(&csv);
}

async fn branded_installation(db: &str) {
    // A colour with too little contrast with white text stops the start,
    // naming the value.
    let (ok, _, err) = cli(
        &[
            "serve",
            "--db",
            db,
            "--addr",
            "127.0.0.1:0",
            "--demo",
            "--brand-color",
            "#ffcc00",
        ],
        None,
    );
    assert!(!ok, "the server must not start");
    assert!(
        err.contains("--brand-color") && err.contains("#ffcc00") && err.contains("4.5:1"),
        "{err}"
    );
    let (ok, _, err) = cli(
        &[
            "serve",
            "--db",
            db,
            "--addr",
            "127.0.0.1:0",
            "--brand-color",
            "blue",
        ],
        None,
    );
    assert!(!ok && err.contains("'blue'"), "{err}");

    let logo = std::env::temp_dir().join(format!("kasvu-logo-{}.svg", std::process::id()));
    std::fs::write(
        &logo,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#0b5394"/></svg>"##,
    )
    .unwrap();
    let s = Server::start_with(
        db,
        &[
            "--city-name",
            "Oulun kaupunki",
            "--brand-color",
            "#0B5394",
            "--logo",
            logo.to_str().unwrap(),
        ],
    );
    let c = common::client();
    let r = c.get(s.url("/")).send().await.unwrap();
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!csp.contains("unsafe-inline"));
    let home = r.text().await.unwrap();
    assert!(home.contains("– Oulun kaupunki</title>"));
    assert!(home.contains(
        "<img class=\"logo\" src=\"/brand/logo\" alt=\"\" height=\"40\">Oulun kaupunki</a>"
    ));
    assert!(home.contains("<link rel=\"stylesheet\" href=\"/brand.css?v=0b5394\">"));
    assert!(!home.contains("style="), "no inline styles");
    let css = c.get(s.url("/brand.css?v=0b5394")).send().await.unwrap();
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(css.text().await.unwrap().contains("--brand: #0b5394;"));
    let img = c.get(s.url("/brand/logo")).send().await.unwrap();
    assert_eq!(img.status().as_u16(), 200);
    assert_eq!(img.headers()["content-type"], "image/svg+xml");
    let _ = std::fs::remove_file(&logo);
}

on_both_databases!(
    families_home,
    public_choices_by_everyday_names,
    branded_installation
);
