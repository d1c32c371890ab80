//! Children's and young people's forums end to end, on SQLite and
//! PostgreSQL: the public "you said, we did" page shows the demo forum's
//! proposals and answers to anyone; anonymous visitors and staff outside
//! the forum cannot write; the area's backbone (here the admin) records a
//! proposal and answers it, a bad answer is refused naming its field and
//! changes nothing, and the answer is public at once.

mod common;

use common::{client, csrf_of, demo_password, login, Server};

async fn get(c: &reqwest::Client, s: &Server, path: &str) -> (u16, String) {
    let r = c.get(s.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(c: &reqwest::Client, s: &Server, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = c.post(s.url(path)).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = r.text().await.unwrap();
    (status, if status == 303 { location } else { body })
}

/// The first number after `prefix` on a page.
fn first_id(page: &str, prefix: &str) -> i64 {
    page.match_indices(prefix)
        .find_map(|(i, _)| {
            let rest = &page[i + prefix.len()..];
            let end = rest.find(|c: char| !c.is_ascii_digit())?;
            rest[..end].parse().ok()
        })
        .unwrap_or_else(|| panic!("no {prefix}<number>"))
}

async fn you_said_we_did(db: &str) {
    let s = Server::start(db);
    let anon = client();

    // Public: the list and the forum's page, answers with their reasons.
    let (status, list) = get(&anon, &s, "/forums").await;
    assert_eq!(status, 200);
    assert!(list.contains("Hiukkavaaran nuorten raati"), "{list}");
    let id = first_id(&list, "href=\"/forums/");
    let path = format!("/forums/{id}");
    let (status, page) = get(&anon, &s, &path).await;
    assert_eq!(status, 200);
    assert!(page.contains("Sanoitte, teimme"));
    assert!(page.contains("Penkit ja katos rakennettiin kesäkuussa."));
    assert!(page.contains("Ei mahdollinen"));
    assert!(
        page.contains("radan perusparannuksessa 2028"),
        "the reason is shown"
    );
    assert!(
        page.contains("Vastasi Aluepäällikkö"),
        "who answered, by role"
    );
    assert!(page.contains("Odottaa vastausta"), "one is still waiting");
    assert!(
        page.contains("href=\"/plans/"),
        "a proposal links to its measure"
    );
    assert!(!page.contains("/proposals\""), "no form for the public");
    let before = page.matches("class=\"forum-proposal\"").count();
    assert_eq!(before, 5);

    // Anonymous and staff outside the forum cannot write.
    let csrf = csrf_of(&get(&anon, &s, "/login").await.1);
    let (status, _) = post(
        &anon,
        &s,
        &format!("{path}/proposals"),
        &[("csrf", &csrf), ("text", "Ilmaiset bussikortit")],
    )
    .await;
    assert!(matches!(status, 303 | 401 | 403), "anonymous: {status}");
    let nurse = "neuvola.tuira@oulu.example";
    let nurse_c = login(&s, nurse, demo_password(nurse)).await;
    let c = nurse_c.clone();
    let (_, page) = get(&c, &s, &path).await;
    assert!(
        !page.contains("/proposals\""),
        "no form for staff outside the forum"
    );
    let csrf = csrf_of(&page);
    let (status, _) = post(
        &c,
        &s,
        &format!("{path}/proposals"),
        &[("csrf", &csrf), ("text", "Ilmaiset bussikortit")],
    )
    .await;
    assert_eq!(status, 403);
    let waiting = first_id(&get(&anon, &s, &path).await.1, "id=\"proposal-");
    let (status, _) = post(
        &c,
        &s,
        &format!("{path}/proposals/{waiting}/answer"),
        &[
            ("csrf", &csrf),
            ("status", "done"),
            ("response", "x"),
            ("role", "x"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    let (_, page) = get(&anon, &s, &path).await;
    assert_eq!(page.matches("class=\"forum-proposal\"").count(), before);
    assert!(!page.contains("Ilmaiset bussikortit"));

    // The admin records a proposal: an empty one is refused naming the field.
    let admin = "admin@oulu.example";
    let c = login(&s, admin, demo_password(admin)).await;
    let (_, page) = get(&c, &s, &path).await;
    assert!(
        page.contains("action=\"/forums/"),
        "the forms for the backbone"
    );
    let csrf = csrf_of(&page);
    let (status, body) = post(
        &c,
        &s,
        &format!("{path}/proposals"),
        &[("csrf", &csrf), ("text", " "), ("source", "Talven raati")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("Ehdotus"), "names the field: {body}");
    let (status, location) = post(
        &c,
        &s,
        &format!("{path}/proposals"),
        &[
            ("csrf", &csrf),
            ("text", "Ilmaiset bussikortit harrastuksiin"),
            ("source", "Talven raati"),
            ("proposed_on", ""),
            ("measure", ""),
        ],
    )
    .await;
    assert_eq!(status, 303, "{location}");
    let (_, page) = get(&anon, &s, &path).await;
    assert_eq!(page.matches("class=\"forum-proposal\"").count(), before + 1);
    let new = first_id(&page, "id=\"proposal-");
    assert!(page.contains("Ilmaiset bussikortit harrastuksiin"));

    // "Not possible" needs its reason; refused, nothing changes.
    let answer = format!("{path}/proposals/{new}/answer");
    let (status, body) = post(
        &c,
        &s,
        &answer,
        &[
            ("csrf", &csrf),
            ("status", "not_possible"),
            ("response", "Selvitimme asian."),
            ("reason", ""),
            ("role", "Aluepäällikkö"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("Miksi ei ole mahdollista"), "{body}");
    let (_, page) = get(&anon, &s, &path).await;
    assert!(!page.contains("Selvitimme asian."));
    // A proposal of another forum (or none) is not found.
    let (status, _) = post(
        &c,
        &s,
        &format!("{path}/proposals/999999/answer"),
        &[("csrf", &csrf), ("status", "done")],
    )
    .await;
    assert_eq!(status, 404);

    // Answered: public at once.
    let (status, location) = post(
        &c,
        &s,
        &answer,
        &[
            ("csrf", &csrf),
            ("status", "accepted"),
            ("response", "Kokeilemme harrastusbusseja keväällä."),
            ("reason", ""),
            ("role", "Alueen suunnittelija"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.contains(&format!("#proposal-{new}")), "{location}");
    let (_, page) = get(&anon, &s, &path).await;
    assert!(page.contains("Kokeilemme harrastusbusseja keväällä."));
    assert!(page.contains("Vastasi Alueen suunnittelija"));

    // A leadership team is not a forum.
    // (Noora's only team is Tuira's leadership team.)
    let mine = get(&nurse_c, &s, "/my").await.1;
    let team = first_id(&mine, "href=\"/teams/");
    let (status, _) = get(&anon, &s, &format!("/forums/{team}")).await;
    assert_eq!(status, 404);
}

on_both_databases!(you_said_we_did);
