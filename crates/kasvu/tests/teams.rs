//! The situation room end to end, through the real binary on SQLite and
//! PostgreSQL: the commitment cycle across two meetings, calendar feeds that
//! parse, e-mail reminders arriving at a local SMTP sink, anonymous feedback
//! (no login, one-time form tokens, floods refused, closed rounds refused,
//! small numbers hidden), and who may see and do what, across roles and
//! organisations.

mod common;

use common::{cli, csrf_of, demo_password, login, smtp_sink, Server};

async fn get(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String) {
    let r = c.post(url).form(form).send().await.unwrap();
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

async fn as_user(s: &Server, email: &str) -> (reqwest::Client, String) {
    let c = login(s, email, demo_password(email)).await;
    let (_, page) = get(&c, s.url("/teams")).await;
    let csrf = csrf_of(&page);
    (c, csrf)
}

/// The numbers after `prefix` in links of a page, in order.
fn ids_after(page: &str, prefix: &str) -> Vec<i64> {
    page.match_indices(prefix)
        .filter_map(|(i, _)| {
            let rest = &page[i + prefix.len()..];
            let end = rest.find(|c: char| !c.is_ascii_digit())?;
            rest[..end].parse().ok()
        })
        .collect()
}

fn first_id(page: &str, prefix: &str) -> i64 {
    *ids_after(page, prefix)
        .first()
        .unwrap_or_else(|| panic!("no {prefix} link"))
}

/// The id of the commitment whose text starts with `text` on a page.
fn commitment_id(page: &str, text: &str) -> i64 {
    let at = page
        .find(text)
        .unwrap_or_else(|| panic!("no commitment '{text}'"));
    let start = page[..at]
        .rfind("id=\"commitment-")
        .expect("commitment item");
    first_id(&page[start..], "id=\"commitment-")
}

/// Tuira's leadership team on the teams list: the link just before its
/// name (the demo has the areas' teams, the steering group and a forum too).
fn tuira_team(list: &str) -> i64 {
    let name = list
        .find(">Tuiran palvelukeskittymän johtotiimi<")
        .expect("Tuira's team in the list");
    let link = list[..name].rfind("/teams/").expect("its link");
    first_id(&list[link..], "/teams/")
}

async fn commitment_cycle_across_two_meetings(db: &str) {
    let s = Server::start(db);
    let (juha, juha_csrf) = as_user(&s, "johtotiimi.tuira@oulu.example").await;
    let (noora, noora_csrf) = as_user(&s, "neuvola.tuira@oulu.example").await;

    let (st, teams) = get(&juha, s.url("/teams")).await;
    assert_eq!(st, 200);
    let team = tuira_team(&teams);
    let (_, page) = get(&juha, s.url(&format!("/teams/{team}"))).await;
    // The Kela contact sits at the table as a guest: no sector is missing.
    assert!(
        !page.contains("Monialaisesta tiimistä puuttuu"),
        "the Kela guest completes the table"
    );
    assert!(page.contains("Kaisa Kelanen"));
    // The next meeting (planned) is listed first under upcoming.
    let next = first_id(&page[page.find("id=\"upcoming\"").unwrap()..], "/meetings/");

    // At the next meeting Noora reports her promise partly done and carries it.
    let (_, meeting) = get(&noora, s.url(&format!("/meetings/{next}"))).await;
    assert!(
        meeting.contains("Kutsun perhekeskuksen"),
        "her promise is due here"
    );
    let mine = commitment_id(&meeting, "Kutsun perhekeskuksen");
    let mikko = commitment_id(&meeting, "Selvitän, voiko MLL");
    let (st, _) = post(
        &noora,
        s.url(&format!("/commitments/{mikko}/review")),
        &[("csrf", &noora_csrf), ("status", "done")],
    )
    .await;
    assert_eq!(st, 403, "a member reviews only her own commitments");
    let next_s = next.to_string();
    let (st, loc) = post(
        &noora,
        s.url(&format!("/commitments/{mine}/review")),
        &[
            ("csrf", &noora_csrf),
            ("status", "partly"),
            ("note", "Sovittu tammikuulle"),
            ("carry", "1"),
            ("meeting", &next_s),
            ("back", &format!("/meetings/{next}")),
        ],
    )
    .await;
    assert_eq!(st, 303, "{loc}");
    assert!(loc.starts_with(&format!("/meetings/{next}")));
    let (st, bad) = post(
        &noora,
        s.url(&format!("/commitments/{mine}/review")),
        &[("csrf", &noora_csrf), ("status", "done"), ("carry", "1")],
    )
    .await;
    assert_eq!(st, 400, "done cannot be carried: {bad}");

    // A member cannot run the meeting; the chair records it as held.
    let (st, _) = post(
        &noora,
        s.url(&format!("/meetings/{next}/decisions")),
        &[("csrf", &noora_csrf), ("text", "x")],
    )
    .await;
    assert_eq!(st, 403);
    let (_, meeting) = get(&juha, s.url(&format!("/meetings/{next}"))).await;
    let present: Vec<i64> = ids_after(&meeting, "id=\"present-");
    assert_eq!(present.len(), 4, "four members to tick");
    let mut form: Vec<(&str, String)> = vec![
        ("csrf", juha_csrf.clone()),
        ("state", "held".into()),
        ("minutes", "Käytiin lupaukset läpi.".into()),
    ];
    for p in &present[..3] {
        form.push(("present", p.to_string()));
    }
    let r = juha
        .post(s.url(&format!("/meetings/{next}/record")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (st, _) = post(
        &juha,
        s.url(&format!("/meetings/{next}/decisions")),
        &[
            ("csrf", &juha_csrf),
            ("text", "Perhekahvila kouluun kokeiluna"),
        ],
    )
    .await;
    assert_eq!(st, 303);

    // Holding it planned the one after, where the carried promise is due.
    let (_, page) = get(&juha, s.url(&format!("/teams/{team}"))).await;
    let third = first_id(&page[page.find("id=\"upcoming\"").unwrap()..], "/meetings/");
    assert_ne!(third, next);
    let (_, meeting) = get(&juha, s.url(&format!("/meetings/{third}"))).await;
    assert!(meeting.contains("Kutsun perhekeskuksen"), "carried over");
    assert!(meeting.contains("siirretty 1 kertaa"));
    let (_, my) = get(&noora, s.url("/my/commitments")).await;
    assert!(my.contains("siirretty 1 kertaa"));
    assert!(my.contains("Osittain"), "its history shows the partly");
    // The chair marks it done at the third meeting; it leaves the open list.
    let third_s = third.to_string();
    let (st, _) = post(
        &juha,
        s.url(&format!("/commitments/{mine}/review")),
        &[
            ("csrf", &juha_csrf),
            ("status", "done"),
            ("meeting", &third_s),
        ],
    )
    .await;
    assert_eq!(st, 303);
    let (_, my) = get(&noora, s.url("/my/commitments")).await;
    let open = &my[my.find("id=\"open\"").unwrap()..my.find("id=\"teams\"").unwrap()];
    assert!(!open.contains("Kutsun perhekeskuksen"));
    // A new promise at the third meeting belongs to a member.
    let (st, _) = post(
        &noora,
        s.url(&format!("/meetings/{third}/commitments")),
        &[
            ("csrf", &noora_csrf),
            ("text", "Vien palautteen neuvolan tiimiin"),
        ],
    )
    .await;
    assert_eq!(st, 303);
    let (_, room) = get(&juha, s.url(&format!("/teams/{team}/room"))).await;
    assert!(room.contains("Vien palautteen neuvolan tiimiin"));
    assert!(room.contains("Lapset puheeksi"), "the cluster's indicators");
    assert!(room.contains("Lasten palaute"), "the open feedback round");

    // Minutes are the team's: a viewer of the organisation sees the meeting, not them.
    let (viewer, _) = as_user(&s, "katselija@oulu.example").await;
    let (st, m) = get(&viewer, s.url(&format!("/meetings/{next}"))).await;
    assert_eq!(st, 200);
    assert!(!m.contains("Käytiin lupaukset läpi."));
    let (_, m) = get(&noora, s.url(&format!("/meetings/{next}"))).await;
    assert!(m.contains("Käytiin lupaukset läpi."));

    // Calendar feeds parse: the team's by its secret, a person's by theirs.
    let (_, page) = get(&juha, s.url(&format!("/teams/{team}"))).await;
    let at = page.find("calendar.ics?token=").unwrap();
    let feed_path = &page[page[..at].rfind('"').unwrap() + 1..page[at..].find('"').unwrap() + at];
    let anon = common::client();
    let r = anon.get(s.url(feed_path)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let cal: icalendar::Calendar = r.text().await.unwrap().parse().expect("the feed parses");
    let events: Vec<_> = cal.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(events.len(), 3, "three meetings");
    let (st, _) = get(
        &anon,
        s.url(&format!("/teams/{team}/calendar.ics?token=wrong")),
    )
    .await;
    assert_eq!(st, 404);
    let (st, _) = get(&anon, s.url(&format!("/teams/{team}/calendar.ics"))).await;
    assert_eq!(st, 303, "no secret, no session: to the login");
    let (_, my) = get(&noora, s.url("/my/commitments")).await;
    let at = my.find("/my/calendar.ics?token=").unwrap();
    let path = &my[at..at + my[at..].find('"').unwrap()];
    let body = anon
        .get(s.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let cal: icalendar::Calendar = body.parse().expect("the personal feed parses");
    assert_eq!(
        cal.components.iter().filter_map(|c| c.as_event()).count(),
        3
    );
}

async fn reminders_reach_the_smtp_sink(db: &str) {
    let _s = Server::start(db); // loads the demo
    let (port, got) = smtp_sink().await;
    let url = format!("smtp://127.0.0.1:{port}");
    let run = |db: String, url: String| {
        tokio::task::spawn_blocking(move || {
            cli(
                &[
                    "remind",
                    "--db",
                    &db,
                    "--smtp-url",
                    &url,
                    "--remind-days",
                    "45",
                ],
                None,
            )
        })
    };
    let (ok, out, err) = run(db.to_owned(), url.clone()).await.unwrap();
    assert!(ok, "{err}");
    assert!(
        out.contains("sent 3 reminder message(s) covering 3 commitment(s)"),
        "{out}"
    );
    let mails = got.lock().unwrap().clone();
    assert_eq!(mails.len(), 3, "one per member with an open promise");
    let noora = mails
        .iter()
        .find(|m| m.contains("neuvola.tuira@oulu.example"))
        .expect("Noora got hers");
    assert!(noora.contains("Kutsun perhekeskuksen"));
    assert!(!noora.contains("Selvitän"), "only her own");
    // Each commitment is reminded once per meeting.
    let (ok, out, _) = run(db.to_owned(), url).await.unwrap();
    assert!(ok);
    assert!(out.contains("sent 0 reminder"), "{out}");
    assert_eq!(got.lock().unwrap().len(), 3);
    // Without SMTP the command says what is missing.
    let (ok, _, err) = cli(&["remind", "--db", db], None);
    assert!(!ok);
    assert!(err.contains("--smtp-url"));
}

fn answer_token(page: &str) -> String {
    let at = page.find("/a/").expect("answer link");
    page[at + 3..at + 3 + 64].to_owned()
}

fn nonce_of(page: &str) -> String {
    let marker = "name=\"nonce\" value=\"";
    let i = page.find(marker).expect("nonce") + marker.len();
    page[i..i + 64].to_owned()
}

async fn anonymous_feedback(db: &str) {
    let s = Server::start_with(db, &["--max-answers-per-client", "3"]);
    let (juha, juha_csrf) = as_user(&s, "johtotiimi.tuira@oulu.example").await;
    let (_, list) = get(&juha, s.url("/feedback")).await;
    let ids = ids_after(&list, "/feedback/");
    let (open_id, closed_id) = (ids[0], ids[1]);
    let (_, open_page) = get(&juha, s.url(&format!("/feedback/{open_id}"))).await;
    assert!(open_page.contains("<svg role=\"img\""), "a QR code");
    let token = answer_token(&open_page);
    let (_, closed_page) = get(&juha, s.url(&format!("/feedback/{closed_id}"))).await;
    let closed_token = answer_token(&closed_page);

    // Anyone answers without signing in; the form asks nothing personal.
    let anon = common::client();
    let (st, form) = get(&anon, s.url(&format!("/a/{token}"))).await;
    assert_eq!(st, 200);
    assert!(!form.contains("type=\"email\"") && !form.contains("name=\"name\""));
    let qids = ids_after(&form, "name=\"q");
    assert_eq!(qids.len() / 5, 1, "five smileys for question one");
    let (q1, q2) = (qids[0], *qids.last().unwrap());
    let nonce = nonce_of(&form);
    let (n1, n2) = (format!("q{q1}"), format!("q{q2}"));
    let answer = [
        (n1.as_str(), "1"),
        (n2.as_str(), "3"),
        ("nonce", nonce.as_str()),
    ];
    let (st, thanks) = post(&anon, s.url(&format!("/a/{token}")), &answer).await;
    assert_eq!(st, 200, "{thanks}");
    assert!(thanks.contains("Kiitos"));
    // The same form again counts once.
    let (st, _) = post(&anon, s.url(&format!("/a/{token}")), &answer).await;
    assert_eq!(st, 200);
    // An answer that does not fit names the question; nothing is stored.
    let fresh = nonce_of(&get(&anon, s.url(&format!("/a/{token}"))).await.1);
    let (st, msg) = post(
        &anon,
        s.url(&format!("/a/{token}")),
        &[(n1.as_str(), "9"), ("nonce", fresh.as_str())],
    )
    .await;
    assert_eq!(st, 400);
    assert!(msg.contains("Kysymys 1"), "{msg}");
    // The fourth post from this client within the window is refused.
    let (st, _) = post(
        &anon,
        s.url(&format!("/a/{token}")),
        &[(n1.as_str(), "5"), ("nonce", fresh.as_str())],
    )
    .await;
    assert_eq!(st, 429);
    // A closed round takes no answers.
    let (st, page) = get(&anon, s.url(&format!("/a/{closed_token}"))).await;
    assert_eq!(st, 200);
    assert!(page.contains("päättynyt") && !page.contains("name=\"nonce\""));
    let (st, _) = post(
        &anon,
        s.url(&format!("/a/{closed_token}")),
        &[("nonce", "0123456789abcdef0123")],
    )
    .await;
    assert_eq!(st, 400);

    // Results: nine demo answers plus one real; floods and repeats lost nothing and added nothing.
    let (_, res) = get(&juha, s.url(&format!("/feedback/{open_id}"))).await;
    let facts = &res[res.find("class=\"facts\"").unwrap()..res.find("id=\"share\"").unwrap()];
    assert!(facts.contains("<dd>10</dd>"), "{facts}");
    // The one "very bad" is hidden (1 < 5), and so is a complement.
    assert!(res.contains("piilotettu"));
    let csv = juha
        .get(s.url(&format!("/feedback/{open_id}/results.csv")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let first = csv.lines().nth(1).unwrap();
    assert!(
        first.starts_with("1;Miltä koulussa tuntuu?;1;;1;10;"),
        "{first}"
    );
    let xlsx = juha
        .get(s.url(&format!("/feedback/{open_id}/results.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));

    // The published response and results are public; free text is not.
    let (st, public) = get(&anon, s.url(&format!("/a/{closed_token}/results"))).await;
    assert_eq!(st, 200);
    assert!(public.contains("Te sanoitte"));
    assert!(!public.contains("Iltapäivätoiminnasta enemmän tietoa"));
    let (st, _) = get(&anon, s.url(&format!("/a/{token}/results"))).await;
    assert_eq!(st, 404, "not published yet");
    // The chair cannot publish while the round is open (issue 18: anyone
    // could send answers and read the others' off the difference); a
    // draft of the response is kept, and nothing is public.
    let (st, msg) = post(
        &juha,
        s.url(&format!("/feedback/{open_id}/response")),
        &[
            ("csrf", &juha_csrf),
            ("response", "Kiitos! Välituntileikit kaikille."),
            ("publish", "1"),
        ],
    )
    .await;
    assert_eq!(st, 400);
    assert!(msg.contains("kun kysely on päättynyt"), "{msg}");
    let (st, _) = post(
        &juha,
        s.url(&format!("/feedback/{open_id}/response")),
        &[
            ("csrf", &juha_csrf),
            ("response", "Kiitos! Välituntileikit kaikille."),
        ],
    )
    .await;
    assert_eq!(st, 303);
    let (st, _) = get(&anon, s.url(&format!("/a/{token}/results"))).await;
    assert_eq!(st, 404, "a draft is not public");

    // A new round by the chair for the team; bad input names the field and stores nothing.
    let team = tuira_team(&get(&juha, s.url("/teams")).await.1).to_string();
    let (st, msg) = post(
        &juha,
        s.url("/feedback"),
        &[
            ("csrf", &juha_csrf),
            ("team", &team),
            ("title", "Henkilöstön palaute"),
            ("unit", "tuira"),
            ("target_group", "staff"),
            ("opens_on", "2026-12-01"),
            ("closes_on", "2026-11-01"),
            ("q1_kind", "scale"),
            ("q1_text", "Yhteistyö toimii"),
        ],
    )
    .await;
    assert_eq!(st, 400);
    assert!(msg.contains("Päättyy"), "{msg}");
    let (_, list) = get(&juha, s.url("/feedback")).await;
    assert_eq!(ids_after(&list, "/feedback/").len(), 2);
    let (viewer, viewer_csrf) = as_user(&s, "katselija@oulu.example").await;
    let (st, _) = post(
        &viewer,
        s.url("/feedback"),
        &[
            ("csrf", &viewer_csrf),
            ("title", "x"),
            ("unit", "tuira"),
            ("target_group", "staff"),
            ("opens_on", "2026-12-01"),
            ("closes_on", "2026-12-10"),
            ("q1_kind", "scale"),
            ("q1_text", "x"),
        ],
    )
    .await;
    assert_eq!(st, 403, "a viewer does not start rounds");
    // Free text is for the team: the viewer's results page has none.
    let (_, r) = get(&viewer, s.url(&format!("/feedback/{closed_id}"))).await;
    assert!(!r.contains("Iltapäivätoiminnasta enemmän tietoa"));
    let (_, r) = get(&juha, s.url(&format!("/feedback/{closed_id}"))).await;
    assert!(r.contains("Iltapäivätoiminnasta enemmän tietoa"));
}

/// Another organisation's people see none of Oulu's teams, meetings or rounds.
async fn organisations_are_isolated(db: &str) {
    let s = Server::start(db);
    let (juha, _) = as_user(&s, "johtotiimi.tuira@oulu.example").await;
    let (_, teams) = get(&juha, s.url("/teams")).await;
    let team = tuira_team(&teams);
    let (_, page) = get(&juha, s.url(&format!("/teams/{team}"))).await;
    let meeting = first_id(&page, "/meetings/");
    let (_, rounds) = get(&juha, s.url("/feedback")).await;
    let round = first_id(&rounds, "/feedback/");
    let commitment = first_id(
        &get(&juha, s.url("/my/commitments")).await.1,
        "/commitments/",
    );

    // Soite's admin: in the same installation, and in a learning network with Oulu.
    let other = login(
        &s,
        "admin@soite.example",
        demo_password("admin@soite.example"),
    )
    .await;
    let (_, list) = get(&other, s.url("/teams")).await;
    assert!(!list.contains(&format!("/teams/{team}\"")));
    let csrf = csrf_of(&list);
    for path in [
        format!("/teams/{team}"),
        format!("/teams/{team}/room"),
        format!("/teams/{team}/calendar.ics"),
        format!("/meetings/{meeting}"),
        format!("/feedback/{round}"),
        format!("/feedback/{round}/results.csv"),
        format!("/feedback/{round}/results.xlsx"),
    ] {
        let (st, _) = get(&other, s.url(&path)).await;
        assert_eq!(st, 404, "{path}");
    }
    for path in [
        format!("/teams/{team}/members"),
        format!("/teams/{team}/meetings"),
        format!("/meetings/{meeting}/decisions"),
        format!("/meetings/{meeting}/commitments"),
        format!("/meetings/{meeting}/agenda"),
        format!("/commitments/{commitment}/review"),
        format!("/feedback/{round}/response"),
    ] {
        let (st, _) = post(
            &other,
            s.url(&path),
            &[("csrf", &csrf), ("text", "x"), ("status", "done")],
        )
        .await;
        assert_eq!(st, 404, "{path}");
    }
    // Signed out, staff pages send to the login.
    let anon = common::client();
    for path in [
        "/teams",
        "/my/commitments",
        "/feedback",
        &format!("/teams/{team}/room"),
    ] {
        let r = anon.get(s.url(path)).send().await.unwrap();
        assert!(
            matches!(r.status().as_u16(), 303 | 401),
            "{path}: {}",
            r.status()
        );
    }
}

/// The same rules through the JSON API with bearer tokens.
async fn team_api(db: &str) {
    let s = Server::start(db);
    let juha = common::token_for(db, "johtotiimi.tuira@oulu.example");
    let noora = common::token_for(db, "neuvola.tuira@oulu.example");
    let viewer = common::token_for(db, "katselija@oulu.example");
    let c = common::client();
    let get_json = |token: String, path: &str| {
        let req = c.get(s.url(path)).bearer_auth(token);
        async move {
            let r = req.send().await.unwrap();
            (
                r.status().as_u16(),
                r.json::<serde_json::Value>().await.unwrap_or_default(),
            )
        }
    };
    let (st, _) = get_json(String::new(), "/api/v1/teams").await;
    assert_eq!(st, 401);
    let (st, teams) = get_json(juha.clone(), "/api/v1/teams").await;
    assert_eq!(st, 200);
    let team = teams
        .as_array()
        .and_then(|t| t.iter().find(|t| t["unit"] == "tuira"))
        .expect("Tuira's team");
    let id = team["id"].as_i64().unwrap();
    assert_eq!(team["unit"], "tuira");
    assert_eq!(team["missing_sectors"], serde_json::json!(["kela"]));
    assert_eq!(team["members"].as_array().unwrap().len(), 4);
    // Minutes: the team's members see them, a viewer does not.
    let (_, meetings) = get_json(juha.clone(), &format!("/api/v1/teams/{id}/meetings")).await;
    let held = meetings
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["state"] == "held")
        .unwrap()
        .clone();
    assert!(held["minutes"]
        .as_str()
        .unwrap()
        .contains("LP-keskustelujen"));
    let (_, meetings) = get_json(viewer.clone(), &format!("/api/v1/teams/{id}/meetings")).await;
    let held_v = meetings
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["state"] == "held")
        .unwrap()
        .clone();
    assert!(held_v["minutes"].is_null());

    // Commitments: one's own; not for someone else unless running the meeting.
    let (_, open) = get_json(juha.clone(), &format!("/api/v1/teams/{id}/commitments")).await;
    assert_eq!(open.as_array().unwrap().len(), 3);
    let juha_id = open
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["user"] == "Juha Johtotiimi")
        .unwrap()["user_id"]
        .as_i64()
        .unwrap();
    let r = c
        .post(s.url(&format!("/api/v1/teams/{id}/commitments")))
        .bearer_auth(&noora)
        .json(&serde_json::json!({ "text": "Juhan puolesta", "user_id": juha_id }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let r = c
        .post(s.url(&format!("/api/v1/teams/{id}/commitments")))
        .bearer_auth(&noora)
        .json(&serde_json::json!({ "text": "Kokoan neuvolan palautteet" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let cid = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, mine) = get_json(noora.clone(), "/api/v1/me/commitments").await;
    assert!(mine.as_array().unwrap().iter().any(|c| c["id"] == cid));
    let review = |body: serde_json::Value| {
        c.post(s.url(&format!("/api/v1/commitments/{cid}/review")))
            .bearer_auth(&noora)
            .json(&body)
            .send()
    };
    let r = review(serde_json::json!({ "status": "maybe" }))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["field"],
        "status"
    );
    assert_eq!(
        review(serde_json::json!({ "status": "done", "note": "Tehty" }))
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        review(serde_json::json!({ "status": "done" }))
            .await
            .unwrap()
            .status(),
        409
    );

    // Feedback results: hidden counts are null; free text is the team's.
    let (_, rounds) = get_json(juha.clone(), "/api/v1/rounds").await;
    let closed = rounds
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["state"] == "closed")
        .unwrap()
        .clone();
    assert!(closed["response"].as_str().unwrap().contains("Te sanoitte"));
    let rid = closed["id"].as_i64().unwrap();
    let (st, res) = get_json(juha.clone(), &format!("/api/v1/rounds/{rid}/results")).await;
    assert_eq!(st, 200);
    assert_eq!(res["responses"], 23);
    assert!(
        res["questions"][0]["counts"][1].is_null(),
        "2 of 23 is hidden"
    );
    assert_eq!(res["questions"][2]["texts"].as_array().unwrap().len(), 6);
    let (_, res) = get_json(viewer.clone(), &format!("/api/v1/rounds/{rid}/results")).await;
    assert!(res["questions"][2]["texts"].as_array().unwrap().is_empty());
    // A viewer may not start a round; the chair may, for the team.
    let round = serde_json::json!({
        "unit": "tuira", "title": "Kumppanien palaute", "target_group": "partners",
        "opens_on": "2026-12-01", "closes_on": "2026-12-31",
        "questions": [{ "kind": "scale", "text": "Yhteistyö toimii" }]
    });
    let r = c
        .post(s.url("/api/v1/rounds"))
        .bearer_auth(&viewer)
        .json(&round)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let mut with_team = round.clone();
    with_team["team_id"] = serde_json::json!(id);
    let r = c
        .post(s.url("/api/v1/rounds"))
        .bearer_auth(&juha)
        .json(&with_team)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let mut bad = with_team.clone();
    bad["questions"] =
        serde_json::json!([{ "kind": "single", "text": "Kumpi?", "options": ["a"] }]);
    let r = c
        .post(s.url("/api/v1/rounds"))
        .bearer_auth(&juha)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["field"],
        "questions[1].options"
    );
}

/// Soite and Oulu compare what each agreed to share, and nothing else.
async fn learning_network_shares_only_what_is_agreed(db: &str) {
    let s = Server::start(db);
    let (soite, soite_csrf) = as_user(&s, "admin@soite.example").await;
    let (juha, juha_csrf) = as_user(&s, "johtotiimi.tuira@oulu.example").await;
    let (_, list) = get(&soite, s.url("/teams")).await;
    let ids = ids_after(&list, "/teams/");
    assert_eq!(ids.len(), 1, "Soite sees the network only: {list}");
    let net = ids[0];
    let (_, oulu_list) = get(&juha, s.url("/teams")).await;
    let tuira = ids_after(&oulu_list, "/teams/")
        .into_iter()
        .find(|t| *t != net)
        .unwrap();
    let (st, _) = get(&soite, s.url(&format!("/teams/{tuira}"))).await;
    assert_eq!(st, 404, "Oulu's own team stays Oulu's");

    let section = |page: &str, code: &str| -> String {
        let at = page
            .find(&format!("id=\"ind-{code}\""))
            .unwrap_or_else(|| panic!("no {code}"));
        let end = page[at..]
            .find("</table>")
            .map(|e| e + at)
            .unwrap_or(page.len());
        page[at..end].to_owned()
    };
    let (st, page) = get(&soite, s.url(&format!("/teams/{net}/network"))).await;
    assert_eq!(st, 200);
    let lp = section(&page, "lp_discussions");
    assert!(lp.contains("Kokkolan keskustan") && lp.contains("Tuiran") && lp.contains("Kaakkurin"));
    let phone = section(&page, "pilot_phone_calls");
    assert!(
        phone.contains("Tuiran") && !phone.contains("Kokkola"),
        "Soite did not share it"
    );
    let shared = &page[page.find("id=\"shared\"").unwrap()..page.find("id=\"my-share\"").unwrap()];
    assert!(!shared.contains("SHL-asiakkuudet"), "nobody shared it");

    // Soite's admin takes one indicator back; Oulu's people cannot change Soite's choice.
    let form: Vec<(&str, &str)> = vec![
        ("csrf", &soite_csrf),
        ("unit", "soite-kokkola-keskusta"),
        ("indicator", "lp_discussions"),
    ];
    let r = soite
        .post(s.url(&format!("/teams/{net}/network/share")))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, page) = get(&juha, s.url(&format!("/teams/{net}/network"))).await;
    assert!(!section(&page, "lp_trained_share").contains("Kokkola"));
    assert!(section(&page, "lp_discussions").contains("Kokkola"));
    let bad: Vec<(&str, &str)> = vec![
        ("csrf", &juha_csrf),
        ("unit", "tuira"),
        ("indicator", "shl_clients"),
    ];
    let r = juha
        .post(s.url(&format!("/teams/{net}/network/share")))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        403,
        "only an admin of a participant chooses its shares"
    );
    let bad: Vec<(&str, &str)> = vec![
        ("csrf", &soite_csrf),
        ("unit", "tuira"),
        ("indicator", "lp_discussions"),
    ];
    let r = soite
        .post(s.url(&format!("/teams/{net}/network/share")))
        .form(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "Soite cannot bring Oulu's units");
    let r = soite
        .post(s.url(&format!("/teams/{net}/network/participants")))
        .form(&[("csrf", soite_csrf.as_str()), ("org", "oulu")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "the host's managers invite");

    // The API serves the same figures.
    let token = common::token_for(db, "admin@soite.example");
    let figures: serde_json::Value = common::client()
        .get(s.url(&format!("/api/v1/teams/{net}/network")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let soite_rows: Vec<&serde_json::Value> = figures
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["organisation"] == "soite")
        .collect();
    assert_eq!(soite_rows.len(), 1);
    assert_eq!(soite_rows[0]["indicator"], "lp_discussions");
    assert!(soite_rows[0]["value"].as_f64().is_some());
}

on_both_databases!(
    learning_network_shares_only_what_is_agreed,
    team_api,
    commitment_cycle_across_two_meetings,
    reminders_reach_the_smtp_sink,
    anonymous_feedback,
    organisations_are_isolated
);
