//! The register of regional actors through the real binary on both
//! databases: public list and filters with review flags, private contact
//! details only for signed-in staff (pages and exports), a proposal that
//! changes nothing until the area's manager approves it, and imports that are
//! all-or-nothing and kept within the importer's areas.

mod common;

use common::{csrf_of, demo_password, login, Server};

async fn text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn as_user(s: &Server, email: &str) -> (reqwest::Client, String) {
    let c = login(s, email, demo_password(email)).await;
    let (_, page) = text(&c, s.url("/actors")).await;
    let csrf = csrf_of(&page);
    (c, csrf)
}

fn table(page: &str) -> &str {
    page.find("<tbody>").map_or("", |i| &page[i..])
}

async fn import(c: &reqwest::Client, s: &Server, csrf: &str, csv: &str) -> (u16, String) {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("toimijat.csv"),
        );
    let r = c
        .post(s.url("/actors/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn register_of_actors(db: &str) {
    let s = Server::start(db);
    let anon = common::client();
    let (st, list) = text(&anon, s.url("/actors")).await;
    assert_eq!(st, 200);
    assert!(list.contains("MLL:n Tuiran paikallisyhdistys"));
    assert!(
        !list.contains("Maija Esimerkki"),
        "a private person's name is not public"
    );
    let rows = table(&list);
    let flagged = |name: &str| {
        let at = rows.find(name).unwrap();
        let end = rows[at..].find("</tr>").unwrap() + at;
        rows[at..end].contains("tarkistettava")
    };
    assert!(flagged("Kiimingin 4H-yhdistys") && flagged("Tuiran seurakunta"));
    assert!(!flagged("MLL:n Tuiran"));
    for (query, present, absent) in [
        ("sector=parish", "Tuiran seurakunta", "MLL:n Tuiran"),
        ("audience=teens", "Kiimingin 4H", "Kelan Oulun"),
        ("area=toppila", "Tuiran perhekeskus", "MLL:n Tuiran"),
        ("area=keskinen", "Kelan Oulun", "Kiimingin 4H"),
    ] {
        let (_, l) = text(&anon, s.url(&format!("/actors?{query}"))).await;
        assert!(
            table(&l).contains(present) && !table(&l).contains(absent),
            "{query}"
        );
    }
    let (_, page) = text(&anon, s.url("/actors/mll-tuira")).await;
    assert!(!page.contains("Maija Esimerkki") && page.contains("tuira@mll.example"));
    let public_csv = text(&anon, s.url("/actors/export?format=csv")).await.1;
    assert!(!public_csv.contains("contact_person") && !public_csv.contains("Maija"));

    // Signed-in staff see the contact person, in the page and the export.
    let (viewer, _) = as_user(&s, "katselija@oulu.example").await;
    assert!(text(&viewer, s.url("/actors/mll-tuira"))
        .await
        .1
        .contains("Maija Esimerkki"));
    let staff_csv = text(&viewer, s.url("/actors/export?format=csv")).await.1;
    assert!(staff_csv.contains("contact_person") && staff_csv.contains("Maija Esimerkki"));
    let xlsx = viewer
        .get(s.url("/actors/export?format=xlsx"))
        .send()
        .await
        .unwrap();
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));

    // MLL's own people propose; nothing changes until Keskinen's manager approves.
    let (mll, mll_csrf) = as_user(&s, "mll.tuira@oulu.example").await;
    let proposal = [
        ("csrf", mll_csrf.as_str()),
        ("offer", "Perhekahvila ja vertaisryhmät"),
        ("opening_hours", "ti ja to 9–12"),
        ("languages", "fi;en;ar"),
        ("website", "https://www.mll.fi/"),
        ("email", "tuira@mll.example"),
        ("contact_person", "Maija Esimerkki"),
    ];
    let mut bad = proposal;
    bad[4] = ("website", "mll.fi");
    let r = mll
        .post(s.url("/actors/mll-tuira/propose"))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Verkkosivu"));
    let r = mll
        .post(s.url("/actors/mll-tuira/propose"))
        .form(&proposal)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = mll
        .post(s.url("/actors/kela-oulu/propose"))
        .form(&proposal)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "not Kela's staff");
    assert!(!text(&anon, s.url("/actors/mll-tuira"))
        .await
        .1
        .contains("ti ja to 9–12"));
    let (south, south_csrf) = as_user(&s, "aluepaallikko.etelainen@oulu.example").await;
    let (keskinen, k_csrf) = as_user(&s, "aluepaallikko.keskinen@oulu.example").await;
    let (_, page) = text(&keskinen, s.url("/actors/mll-tuira")).await;
    let at = page
        .find("/actors/mll-tuira/proposals/")
        .expect("the pending proposal")
        + "/actors/mll-tuira/proposals/".len();
    let pid: String = page[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let r = south
        .post(s.url(&format!("/actors/mll-tuira/proposals/{pid}")))
        .form(&[("csrf", south_csrf.as_str()), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "another area's manager");
    let r = keskinen
        .post(s.url(&format!("/actors/mll-tuira/proposals/{pid}")))
        .form(&[("csrf", k_csrf.as_str()), ("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(text(&anon, s.url("/actors/mll-tuira"))
        .await
        .1
        .contains("ti ja to 9–12"));

    // Confirming clears the review flag.
    let r = keskinen
        .post(s.url("/actors/tuiran-seurakunta/confirm"))
        .form(&[("csrf", k_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, l) = text(&anon, s.url("/actors?sector=parish")).await;
    assert!(!table(&l).contains("tarkistettava"));

    // Imports: all or nothing, the row and field named; only within one's areas.
    let header = "code,name,sector,areas,website\n";
    let (st, msg) = import(&keskinen, &s, &k_csrf, &format!("{header}nuorisotalo-tuira,Tuiran nuorisotalo,education_culture,tuira,\nkerho,Kerho,nobody,tuira,\n")).await;
    assert_eq!(st, 400);
    assert!(msg.contains("3") && msg.contains("sector"), "{msg}");
    assert!(!text(&anon, s.url("/actors"))
        .await
        .1
        .contains("Tuiran nuorisotalo"));
    let (st, msg) = import(
        &keskinen,
        &s,
        &k_csrf,
        &format!("{header}kerho,Kerho,third_sector,kaakkuri,\n"),
    )
    .await;
    assert_eq!(st, 400, "Kaakkuri is Eteläinen's: {msg}");
    let (st, _) = import(&keskinen, &s, &k_csrf, &format!("{header}nuorisotalo-tuira,Tuiran nuorisotalo,education_culture,tuira,https://example.fi\n")).await;
    assert_eq!(st, 303);
    assert!(text(&anon, s.url("/actors"))
        .await
        .1
        .contains("Tuiran nuorisotalo"));
    let (viewer_c, viewer_csrf) = as_user(&s, "katselija@oulu.example").await;
    let (st, _) = import(
        &viewer_c,
        &s,
        &viewer_csrf,
        &format!("{header}x,X,third_sector,tuira,\n"),
    )
    .await;
    assert_eq!(st, 403, "a viewer keeps the register nowhere");
}

on_both_databases!(register_of_actors);
