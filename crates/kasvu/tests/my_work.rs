//! "My work", the signed-in home, end to end on SQLite and PostgreSQL:
//! signing in lands there unless a page was asked for, anonymous visitors
//! are sent to sign in, and each person sees their own commitments,
//! meetings and approvals — not anyone else's.

mod common;

use common::{client, csrf_of, demo_password, login, Server};

async fn get(c: &reqwest::Client, s: &Server, path: &str) -> (u16, String, String) {
    let r = c.get(s.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, location, r.text().await.unwrap())
}

/// Signs in through the form with `next`; the redirect's target.
async fn sign_in_to(s: &Server, email: &str, next: &str) -> String {
    let c = client();
    let (_, _, page) = get(&c, s, "/login").await;
    let r = c
        .post(s.url("/login"))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("email", email),
            ("password", demo_password(email)),
            ("next", next),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{email} signs in");
    r.headers()["location"].to_str().unwrap().to_owned()
}

async fn my_work_is_each_persons_own(db: &str) {
    let s = Server::start(db);

    // Anonymous: sent to sign in, and back here afterwards.
    let (status, location, _) = get(&client(), &s, "/my").await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/login?next="), "{location}");
    assert!(
        location.contains("%2Fmy") || location.contains("/my"),
        "{location}"
    );

    // Signing in with no page asked for (or only the front page) lands on
    // "My work"; a page asked for is kept.
    let nurse = "neuvola.tuira@oulu.example";
    assert_eq!(sign_in_to(&s, nurse, "").await, "/my");
    assert_eq!(sign_in_to(&s, nurse, "/").await, "/my");
    assert_eq!(sign_in_to(&s, nurse, "/teams").await, "/teams");
    assert_eq!(
        sign_in_to(&s, nurse, "//evil.example").await,
        "/my",
        "no open redirect"
    );

    // A leadership-team member: her own promise with the meeting it is due
    // at, not the chair's; her team's next meeting with its agenda.
    let c = login(&s, nurse, demo_password(nurse)).await;
    let (status, _, page) = get(&c, &s, "/my").await;
    assert_eq!(status, 200);
    assert!(page.contains("<h1>Oma työ</h1>"), "{page}");
    assert!(page.contains("href=\"/my\""), "My work in the navigation");
    assert!(
        page.contains("href=\"/my/commitments\""),
        "My commitments in the navigation"
    );
    assert!(page.contains("Kutsun perhekeskuksen työntekijän mukaan vanhempainiltaan."));
    assert!(
        !page.contains("Järjestän LP-keskustelukoulutuksen"),
        "the chair's promise"
    );
    assert!(page.contains("Tuiran palvelukeskittymän johtotiimi"));
    assert!(
        page.contains("href=\"/meetings/"),
        "the next meeting is linked"
    );
    assert!(
        page.contains("Lupausten toteutuminen"),
        "the next meeting's agenda"
    );
    // She approves nothing: the pending activity of Kaakkuri is not hers.
    assert!(!page.contains("Nikkarikerho"));
    assert!(page.contains("Mikään ei odota hyväksyntääsi."));

    // Eteläinen's area manager: the activity waiting for his approval, his
    // area's leadership team and the steering group, no promises (and says
    // so), and not Tuira's team.
    let south = "aluepaallikko.etelainen@oulu.example";
    let c = login(&s, south, demo_password(south)).await;
    let (status, _, page) = get(&c, &s, "/my").await;
    assert_eq!(status, 200);
    assert!(page.contains("Nikkarikerho"), "{page}");
    assert!(page.contains("href=\"/activities/"));
    assert!(page.contains("Sinulla ei ole avoimia sitoumuksia."));
    assert!(page.contains("Eteläisen alueen johtotiimi"));
    assert!(page.contains("monialainen ohjausryhmä"));
    let (before_bulletins, bulletins) = page
        .split_once("id=\"my-bulletins\"")
        .expect("the bulletins section");
    assert!(
        !before_bulletins.contains("Tuiran palvelukeskittymän johtotiimi"),
        "not Tuira's team's meetings"
    );
    assert!(!page.contains("Kutsun perhekeskuksen"));
    // Tuira's staff bulletin reaches the organisation's staff; its members-only one does not.
    assert!(bulletins.contains("Kevään yhteinen seminaari"));
    assert!(!bulletins.contains("Palautekyselyn tulokset tiimille"));

    // Keskinen's manager does not approve Kaakkuri's activities.
    let centre = "aluepaallikko.keskinen@oulu.example";
    let c = login(&s, centre, demo_password(centre)).await;
    let (_, _, page) = get(&c, &s, "/my").await;
    assert!(!page.contains("Nikkarikerho"));

    // In English too.
    let (_, _, page) = get(&c, &s, "/lang/en?next=/my").await;
    let _ = page;
    let (_, _, page) = get(&c, &s, "/my").await;
    assert!(page.contains("<h1>My work</h1>"), "{page}");
}

on_both_databases!(my_work_is_each_persons_own);
