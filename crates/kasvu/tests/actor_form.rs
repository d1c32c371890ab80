//! The register's form through the real binary on both databases: an
//! actor added and edited by hand by someone who may import the register,
//! a refusal that names the field beside it and changes nothing, a taken
//! code refused, people who may not keep the register refused before
//! anything is read, and the new actor found by search.

mod common;

use common::{csrf_of, demo_password, login, Server};

async fn text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String, String) {
    let r = c.post(url).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    let to = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, to, r.text().await.unwrap())
}

fn circus<'a>(csrf: &'a str, offer: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("code", "sirkus-kupla"),
        ("name", "Sirkuskoulu Kupla"),
        ("sector", "third_sector"),
        ("unit", ""),
        ("offer", offer),
        ("audiences", "school_age"),
        ("audiences", "teens"),
        ("themes", "sirkus, liikunta"),
        ("languages", "fi, en"),
        ("opening_hours", "ti ja to 17–19"),
        ("areas", "tuira"),
        ("phone", "08 000 7777"),
        ("email", email),
        ("website", "https://kupla.example"),
        ("contact_person", ""),
        ("contact_phone", ""),
        ("contact_email", ""),
    ]
}

async fn actors_by_form(db: &str) {
    let s = Server::start(db);
    let admin = "admin@oulu.example";
    let c = login(&s, admin, demo_password(admin)).await;
    let (st, page) = text(&c, s.url("/actors")).await;
    assert_eq!(st, 200);
    assert!(page.contains("href=\"/actors/new\""), "the form is offered");
    let (st, form) = text(&c, s.url("/actors/new")).await;
    assert_eq!(st, 200);
    assert!(form.contains("<label for=\"code\">"), "labelled fields");
    let csrf = csrf_of(&form);

    // A refusal names its field beside it and stores nothing.
    let (st, _, page) = post(
        &c,
        s.url("/actors/new"),
        &circus(&csrf, "Sirkuskerhoja", "ei-osoite"),
    )
    .await;
    assert_eq!(st, 400);
    assert!(
        page.contains("id=\"email-error\""),
        "the error beside the field"
    );
    assert!(page.contains("aria-invalid=\"true\""));
    assert!(
        page.contains("href=\"#email\""),
        "the summary links to the field"
    );
    assert!(
        page.contains("value=\"Sirkuskoulu Kupla\""),
        "what was typed is kept"
    );
    let (st, _) = text(&c, s.url("/actors/sirkus-kupla")).await;
    assert_eq!(st, 404, "nothing was stored");

    // Added.
    let (st, to, _) = post(
        &c,
        s.url("/actors/new"),
        &circus(
            &csrf,
            "Sirkuskerhoja lapsille ja nuorille",
            "info@kupla.example",
        ),
    )
    .await;
    assert_eq!(
        (st, to.as_str()),
        (303, "/actors/sirkus-kupla?saved=created")
    );
    let (st, page) = text(&c, s.url("/actors/sirkus-kupla?saved=created")).await;
    assert_eq!(st, 200);
    assert!(page.contains("Sirkuskerhoja lapsille ja nuorille"));
    assert!(page.contains("info@kupla.example"));
    assert!(page.contains("Toimija lisättiin rekisteriin."));
    // The same code again is refused, naming the code.
    let (st, _, page) = post(
        &c,
        s.url("/actors/new"),
        &circus(&csrf, "Toinen", "info@kupla.example"),
    )
    .await;
    assert_eq!(st, 400);
    assert!(page.contains("id=\"code-error\""));

    // Edited; a refused edit changes nothing.
    let (st, form) = text(&c, s.url("/actors/sirkus-kupla/edit")).await;
    assert_eq!(st, 200);
    assert!(form.contains("Sirkuskerhoja lapsille ja nuorille"));
    let (st, _, page) = post(
        &c,
        s.url("/actors/sirkus-kupla/edit"),
        &circus(&csrf, "Muutettu tarjonta", "huono osoite"),
    )
    .await;
    assert_eq!(st, 400);
    assert!(page.contains("id=\"email-error\""));
    let (_, page) = text(&c, s.url("/actors/sirkus-kupla")).await;
    assert!(
        !page.contains("Muutettu tarjonta"),
        "a refused edit changes nothing"
    );
    let (st, to, _) = post(
        &c,
        s.url("/actors/sirkus-kupla/edit"),
        &circus(&csrf, "Sirkus- ja akrobatiakerhoja", "info@kupla.example"),
    )
    .await;
    assert_eq!(
        (st, to.as_str()),
        (303, "/actors/sirkus-kupla?saved=updated")
    );
    let (_, page) = text(&c, s.url("/actors/sirkus-kupla")).await;
    assert!(page.contains("Sirkus- ja akrobatiakerhoja"));

    // Found by search, by an inflected word, by anyone.
    let anon = common::client();
    let (_, page) = text(&anon, s.url("/search?q=sirkuskouluun")).await;
    assert!(
        page.contains("href=\"/actors/sirkus-kupla\""),
        "found by search"
    );
    let (_, page) = text(&anon, s.url("/search?q=akrobatiakerhoja")).await;
    assert!(
        page.contains("href=\"/actors/sirkus-kupla\""),
        "the edit is indexed"
    );

    // Who may not keep the register is refused.
    let (st, to, _) = post(&anon, s.url("/actors/new"), &circus("x", "x", "")).await;
    assert!(
        st == 403 || (st == 303 && to.starts_with("/login")),
        "{st} {to}"
    );
    let (st, _) = text(&anon, s.url("/actors/new")).await;
    assert!(st == 303 || st == 401 || st == 403, "{st}");
    let viewer = "katselija@oulu.example";
    let v = login(&s, viewer, demo_password(viewer)).await;
    let (st, _) = text(&v, s.url("/actors/new")).await;
    assert_eq!(st, 403);
    let (_, page) = text(&v, s.url("/actors")).await;
    let vcsrf = csrf_of(&page);
    let (st, _, _) = post(
        &v,
        s.url("/actors/sirkus-kupla/edit"),
        &circus(&vcsrf, "Viewer's change", "info@kupla.example"),
    )
    .await;
    assert_eq!(st, 403);
    // A manager of another area may not edit Tuira's entry.
    let other = "aluepaallikko.etelainen@oulu.example";
    let m = login(&s, other, demo_password(other)).await;
    let (st, _) = text(&m, s.url("/actors/sirkus-kupla/edit")).await;
    assert_eq!(st, 403);
    let (_, page) = text(&c, s.url("/actors/sirkus-kupla")).await;
    assert!(!page.contains("Viewer's change"));

    // Shared by two areas: Keskinen's manager may edit it, but not drop
    // Eteläinen's part (Kaakkuri) of it.
    let mut both = circus(&csrf, "Sirkus- ja akrobatiakerhoja", "info@kupla.example");
    both.push(("areas", "kaakkuri"));
    let (st, _, _) = post(&c, s.url("/actors/sirkus-kupla/edit"), &both).await;
    assert_eq!(st, 303);
    let keskinen = "aluepaallikko.keskinen@oulu.example";
    let k = login(&s, keskinen, demo_password(keskinen)).await;
    let (st, page) = text(&k, s.url("/actors/sirkus-kupla/edit")).await;
    assert_eq!(st, 200, "an area of the entry is Keskinen's");
    let kcsrf = csrf_of(&page);
    let (st, _, page) = post(
        &k,
        s.url("/actors/sirkus-kupla/edit"),
        &circus(&kcsrf, "Vain Tuirassa", "info@kupla.example"),
    )
    .await;
    assert_eq!(st, 400, "dropping another area's part is refused");
    assert!(
        page.contains("id=\"areas-error\""),
        "named beside the areas"
    );
    let (_, page) = text(&c, s.url("/actors/sirkus-kupla")).await;
    assert!(
        !page.contains("Vain Tuirassa"),
        "the refused edit changed nothing"
    );
    both[5] = ("offer", "Sirkusta kahdella alueella");
    both[0] = ("csrf", &kcsrf);
    let (st, _, _) = post(&k, s.url("/actors/sirkus-kupla/edit"), &both).await;
    assert_eq!(st, 303, "keeping both areas is allowed");
}

on_both_databases!(actors_by_form);
