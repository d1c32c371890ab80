//! Issue 20, item 8, end to end through the real binary on SQLite and
//! PostgreSQL: a leadership team's joint work (action plan, bulletins by
//! audience, a seminar with capacity, registration, attendance and turnout
//! by sector — names only for the organiser) and the document library
//! (files told by their content and served as attachments that run nothing, links,
//! and who may read what: the team's members, the organisation's staff,
//! everyone — never another organisation).

mod common;

use common::{client, csrf_of, demo_password, get_page as get, login, post_form as post, Server};

async fn as_user(s: &Server, email: &str) -> (reqwest::Client, String) {
    let c = login(s, email, demo_password(email)).await;
    let (_, page) = get(&c, s.url("/my")).await;
    let csrf = csrf_of(&page);
    (c, csrf)
}

fn first_id(page: &str, prefix: &str) -> i64 {
    page.match_indices(prefix)
        .find_map(|(i, _)| {
            let rest = &page[i + prefix.len()..];
            let end = rest.find(|c: char| !c.is_ascii_digit())?;
            rest[..end].parse().ok()
        })
        .unwrap_or_else(|| panic!("no {prefix}<id>"))
}

async fn tuira_team(s: &Server, c: &reqwest::Client) -> i64 {
    let (_, teams) = get(c, s.url("/teams")).await;
    let name = teams
        .find(">Tuiran palvelukeskittymän johtotiimi<")
        .expect("Tuira's team in the list");
    let link = teams[..name].rfind("/teams/").expect("its link");
    first_id(&teams[link..], "/teams/")
}

/// Posts the document form (multipart) and returns (status, location or body).
async fn add_document(
    s: &Server,
    c: &reqwest::Client,
    csrf: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> (u16, String) {
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf.to_owned());
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()),
        );
    }
    let r = c
        .post(s.url("/documents"))
        .multipart(form)
        .send()
        .await
        .unwrap();
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

async fn joint_work_of_a_leadership_team(db: &str) {
    let s = Server::start(db);
    let (chair, csrf) = as_user(&s, "johtotiimi.tuira@oulu.example").await;
    let (member, member_csrf) = as_user(&s, "neuvola.tuira@oulu.example").await;
    let (viewer, viewer_csrf) = as_user(&s, "katselija@oulu.example").await;
    let (soite, _) = as_user(&s, "admin@soite.example").await;
    let team = tuira_team(&s, &chair).await;
    let work = format!("/teams/{team}/work");

    // The demo's action plan and bulletins; members-only for members.
    let (status, page) = get(&chair, s.url(&work)).await;
    assert_eq!(status, 200);
    assert!(page.contains("Yhteinen perehdytys lapset puheeksi"));
    assert!(page.contains("Palautekyselyn tulokset tiimille"));
    let (status, page) = get(&viewer, s.url(&work)).await;
    assert_eq!(status, 200, "the organisation's staff read the joint work");
    assert!(page.contains("Kevään yhteinen seminaari"));
    assert!(
        !page.contains("Palautekyselyn tulokset tiimille"),
        "members-only bulletin"
    );
    assert!(
        !page.contains(&format!("/teams/{team}/actions\"")),
        "no forms for a reader"
    );
    assert_eq!(
        get(&soite, s.url(&work)).await.0,
        404,
        "another organisation"
    );
    assert_eq!(get(&client(), s.url(&work)).await.0, 303, "sign in first");

    // The chair adds an action; a refusal names the field.
    let (status, body) = post(
        &chair,
        s.url(&format!("/teams/{team}/actions")),
        &[
            ("csrf", &csrf),
            ("title", "Yhteinen kevätkysely"),
            ("status", "someday"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("Tilanne"), "the field is named: {body}");
    let (status, to) = post(
        &chair,
        s.url(&format!("/teams/{team}/actions")),
        &[
            ("csrf", &csrf),
            ("title", "Yhteinen kevätkysely"),
            ("responsible", "Alueen suunnittelija"),
            ("due_on", "2027-04-30"),
            ("status", "planned"),
        ],
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (303, format!("{work}?saved=action#actions").as_str())
    );
    let (_, page) = get(&chair, s.url(&work)).await;
    assert!(page.contains("Yhteinen kevätkysely") && page.contains("30.4.2027"));
    // Someone who does not run the team cannot.
    let (status, _) = post(
        &member,
        s.url(&format!("/teams/{team}/actions")),
        &[("csrf", &member_csrf), ("title", "Ei saa")],
    )
    .await;
    assert_eq!(status, 403);

    // A staff bulletin reaches the organisation's "My work".
    let (status, _) = post(
        &chair,
        s.url(&format!("/teams/{team}/bulletins")),
        &[
            ("csrf", &csrf),
            ("title", "Joulun aukioloajat"),
            ("body", "Palvelukeskus on suljettu 24.–26.12."),
            ("audience", "staff"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, my) = get(&viewer, s.url("/my")).await;
    assert!(my.contains("Joulun aukioloajat"), "on the reader's My work");
    assert!(!my.contains("Palautekyselyn tulokset tiimille"));

    // A seminar for two: registration, full, attendance, turnout.
    let (status, to) = post(
        &chair,
        s.url(&format!("/teams/{team}/events")),
        &[
            ("csrf", &csrf),
            ("kind", "workshop"),
            ("title", "Työpaja: yhteinen perehdytys"),
            ("held_on", "2030-02-12"),
            ("starts_at", "13:00"),
            ("place", "Tuiran koulu"),
            ("capacity", "2"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let event = first_id(&to, &format!("/teams/{team}/events/"));
    let event_url = format!("/teams/{team}/events/{event}");
    let register = format!("{event_url}/register");
    let (status, _) = post(
        &viewer,
        s.url(&register),
        &[
            ("csrf", &viewer_csrf),
            ("organisation", "Oulun kaupunki"),
            ("sector", "city_central"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = get(&viewer, s.url(&event_url)).await;
    assert!(page.contains("Olet ilmoittautunut"));
    let (status, _) = post(
        &viewer,
        s.url(&register),
        &[("csrf", &viewer_csrf), ("sector", "city_central")],
    )
    .await;
    assert_eq!(status, 409, "once per person");
    let (status, _) = post(
        &chair,
        s.url(&format!("{event_url}/participants")),
        &[
            ("csrf", &csrf),
            ("name", "Seija Seurakunta"),
            ("organisation", "Seurakuntayhtymä"),
            ("sector", "parish"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (status, body) = post(
        &member,
        s.url(&register),
        &[("csrf", &member_csrf), ("sector", "wellbeing_county")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("täynnä"), "full: {body}");
    let (_, page) = get(&viewer, s.url(&event_url)).await;
    assert!(
        !page.contains("Seija Seurakunta"),
        "names only for the organiser"
    );
    let (_, page) = get(&chair, s.url(&event_url)).await;
    assert!(page.contains("Seija Seurakunta"));
    let partner = first_id(
        &page[page.find("Seija Seurakunta").unwrap().saturating_sub(400)..],
        "id=\"present-",
    );
    let (status, _) = post(
        &chair,
        s.url(&format!("{event_url}/attendance")),
        &[
            ("csrf", &csrf),
            ("present", &partner.to_string()),
            ("present", &partner.to_string()),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let (_, page) = get(&viewer, s.url(&event_url)).await;
    let turnout = &page[page.find("id=\"turnout\"").unwrap()..];
    assert!(
        turnout.contains("<th scope=\"row\">Yhteensä</th><td>2</td><td>1</td>"),
        "2 registered, 1 attended"
    );
    let (status, _) = post(
        &chair,
        s.url(&format!("{event_url}/attendance")),
        &[("csrf", &csrf), ("present", "999999")],
    )
    .await;
    assert_eq!(status, 400, "a stranger's attendance is refused");
}

async fn document_library_by_audience(db: &str) {
    let s = Server::start(db);
    let (chair, csrf) = as_user(&s, "johtotiimi.tuira@oulu.example").await;
    let (member, _) = as_user(&s, "neuvola.tuira@oulu.example").await;
    let (viewer, viewer_csrf) = as_user(&s, "katselija@oulu.example").await;
    let (admin, admin_csrf) = as_user(&s, "admin@oulu.example").await;
    let (soite, _) = as_user(&s, "admin@soite.example").await;
    let team = tuira_team(&s, &chair).await;
    let team_id = team.to_string();
    let pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

    // Refusals name the field and add nothing.
    let fields = [
        ("target", "team"),
        ("target_id", team_id.as_str()),
        ("title", "Oppilashuollon käsikirja"),
        ("audience", "members"),
    ];
    let (status, body) = add_document(
        &s,
        &chair,
        &csrf,
        &fields,
        Some(("kasikirja.pdf", b"<script>alert(1)</script>")),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("Tiedosto"), "names the file field: {body}");
    let (status, _) = add_document(
        &s,
        &chair,
        &csrf,
        &fields,
        Some(("sivu.html", b"<html></html>")),
    )
    .await;
    assert_eq!(status, 400);
    let mut link_fields = fields.to_vec();
    link_fields.push(("link", "javascript:alert(1)"));
    assert_eq!(
        add_document(&s, &chair, &csrf, &link_fields, None).await.0,
        400
    );
    assert_eq!(
        add_document(&s, &chair, &csrf, &fields, None).await.0,
        400,
        "a file or a link is required"
    );
    let (status, _) = add_document(&s, &viewer, &viewer_csrf, &fields, Some(("k.pdf", pdf))).await;
    assert_eq!(status, 403, "a reader does not add");

    // Two files in one form, and anyone not signed in, are refused.
    let two = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("target", "team")
        .text("target_id", team_id.clone())
        .text("title", "Kaksi")
        .text("audience", "members")
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf.to_vec()).file_name("a.pdf"),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf.to_vec()).file_name("b.pdf"),
        );
    let r = chair
        .post(s.url("/documents"))
        .multipart(two)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400, "one file at a time");
    let anon = reqwest::multipart::Form::new().text("csrf", "x").part(
        "file",
        reqwest::multipart::Part::bytes(vec![b'a'; 4096]).file_name("a.txt"),
    );
    let r = client()
        .post(s.url("/documents"))
        .multipart(anon)
        .send()
        .await
        .unwrap();
    let to = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert!(
        r.status().as_u16() == 401 || (r.status().as_u16() == 303 && to.starts_with("/login")),
        "anonymous upload: {} {to}",
        r.status()
    );

    // The team's members-only file.
    let (status, to) = add_document(
        &s,
        &chair,
        &csrf,
        &fields,
        Some(("Oppilashuollon käsikirja.pdf", pdf)),
    )
    .await;
    assert_eq!(
        (status, to.as_str()),
        (
            303,
            format!("/teams/{team}/work?saved=document#documents").as_str()
        )
    );
    let (_, page) = get(&chair, s.url(&format!("/teams/{team}/work"))).await;
    let doc = first_id(
        &page[page
            .find("Oppilashuollon käsikirja")
            .unwrap()
            .saturating_sub(200)..],
        "/documents/",
    );
    let r = member
        .get(s.url(&format!("/documents/{doc}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "a member reads it");
    let h = |n: &str| {
        r.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(h("content-type"), "application/pdf");
    assert!(
        h("content-disposition").starts_with("attachment;"),
        "{}",
        h("content-disposition")
    );
    assert!(
        h("content-disposition").contains("filename*=UTF-8''Oppilashuollon%20k%C3%A4sikirja.pdf")
    );
    assert!(
        h("content-security-policy").starts_with("default-src 'none'"),
        "no script runs"
    );
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(r.bytes().await.unwrap().as_ref(), &pdf[..]);
    let (_, page) = get(&viewer, s.url(&format!("/teams/{team}/work"))).await;
    assert!(
        !page.contains("Oppilashuollon käsikirja"),
        "not listed for staff outside the team"
    );
    assert_eq!(
        get(&viewer, s.url(&format!("/documents/{doc}"))).await.0,
        404
    );
    assert_eq!(
        get(&soite, s.url(&format!("/documents/{doc}"))).await.0,
        404
    );
    assert_eq!(
        get(&client(), s.url(&format!("/documents/{doc}"))).await.0,
        404
    );

    // A project's public link and staff-only text file.
    let (_, projects) = get(&client(), s.url("/projects")).await;
    let project = first_id(&projects, "/projects/");
    let pid = project.to_string();
    let (status, _) = add_document(
        &s,
        &admin,
        &admin_csrf,
        &[
            ("target", "project"),
            ("target_id", &pid),
            ("title", "Loppuraportti"),
            ("audience", "public"),
            ("link", "https://www.ouka.fi/loppuraportti"),
        ],
        None,
    )
    .await;
    assert_eq!(status, 303);
    let (status, _) = add_document(
        &s,
        &admin,
        &admin_csrf,
        &[
            ("target", "project"),
            ("target_id", &pid),
            ("title", "Budjettimuistio"),
            ("audience", "staff"),
        ],
        Some(("muistio.txt", "Kustannukset jaetaan.".as_bytes())),
    )
    .await;
    assert_eq!(status, 303);
    let (_, public) = get(&client(), s.url(&format!("/projects/{project}"))).await;
    assert!(
        public.contains("href=\"https://www.ouka.fi/loppuraportti\""),
        "the public link"
    );
    assert!(
        !public.contains("Budjettimuistio"),
        "staff-only hidden from the public"
    );
    let (_, staff) = get(&viewer, s.url(&format!("/projects/{project}"))).await;
    let memo = first_id(
        &staff[staff.find("Budjettimuistio").unwrap().saturating_sub(200)..],
        "/documents/",
    );
    let (status, text) = get(&viewer, s.url(&format!("/documents/{memo}"))).await;
    assert_eq!((status, text.as_str()), (200, "Kustannukset jaetaan."));
    assert_eq!(
        get(&client(), s.url(&format!("/documents/{memo}"))).await.0,
        404
    );
    assert_eq!(
        get(&soite, s.url(&format!("/documents/{memo}"))).await.0,
        404,
        "another organisation's staff"
    );
    // Projects take no members-only documents.
    let (status, _) = add_document(
        &s,
        &admin,
        &admin_csrf,
        &[
            ("target", "project"),
            ("target_id", &pid),
            ("title", "X"),
            ("audience", "members"),
            ("link", "https://a.example/x"),
        ],
        None,
    )
    .await;
    assert_eq!(status, 400);

    // Removed: gone from the list and the download.
    let (status, _) = post(
        &chair,
        s.url(&format!("/documents/{doc}/remove")),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 303);
    assert_eq!(
        get(&member, s.url(&format!("/documents/{doc}"))).await.0,
        404
    );
}

on_both_databases!(
    joint_work_of_a_leadership_team,
    document_library_by_audience
);
