//! Issue 20 end to end, through the real binary on SQLite and PostgreSQL:
//! a promise recorded on the upcoming meeting's page is due at the meeting
//! after it (in the meeting pages, "my commitments" and the calendar feed),
//! as is one carried over there; and partners without an account (guests)
//! added by the chair, present at a meeting, with a commitment, getting the
//! minutes and reminders by e-mail — while a member who does not run the
//! team can neither add guests nor see their addresses.

mod common;

use common::{cli, csrf_of, decode_qp, demo_password, login, smtp_sink, Server};

async fn get(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(c: &reqwest::Client, url: String, form: &[(&str, String)]) -> (u16, String) {
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

/// The part of a page from the element with id `from` to the one with id `to`.
fn section<'a>(page: &'a str, from: &str, to: &str) -> &'a str {
    let a = page
        .find(&format!("id=\"{from}\""))
        .unwrap_or_else(|| panic!("no #{from}"));
    let b = page[a..]
        .find(&format!("id=\"{to}\""))
        .map(|b| a + b)
        .unwrap_or(page.len());
    &page[a..b]
}

/// The day of a meeting from its page's heading (`… 8.12.2026 14:00`), as
/// (the page's label, ISO date).
fn meeting_day(page: &str) -> (String, String) {
    let h1 = &page[page.find("<h1>").unwrap()..page.find("</h1>").unwrap()];
    let words: Vec<&str> = h1.split_whitespace().collect();
    let label = words[words.len() - 2].to_owned();
    let p: Vec<u32> = label.split('.').map(|x| x.parse().unwrap()).collect();
    (label, format!("{}-{:02}-{:02}", p[2], p[1], p[0]))
}

async fn team_and_next(s: &Server, c: &reqwest::Client) -> (i64, i64) {
    let (_, teams) = get(c, s.url("/teams")).await;
    // Tuira's leadership team: the link just before its name (the demo has
    // the other areas' teams, the steering group and a forum too).
    let name = teams
        .find(">Tuiran palvelukeskittymän johtotiimi<")
        .expect("Tuira's team in the list");
    let link = teams[..name].rfind("/teams/").expect("its link");
    let team = first_id(&teams[link..], "/teams/");
    let (_, page) = get(c, s.url(&format!("/teams/{team}"))).await;
    let next = first_id(section(&page, "upcoming", "past"), "/meetings/");
    (team, next)
}

/// Holds a meeting (all members present, and these guests) and returns the
/// next one planned by the schedule.
async fn hold(
    s: &Server,
    c: &reqwest::Client,
    csrf: &str,
    team: i64,
    meeting: i64,
    minutes: &str,
    guests: &[i64],
) -> i64 {
    let (_, page) = get(c, s.url(&format!("/meetings/{meeting}"))).await;
    let mut form: Vec<(&str, String)> = vec![
        ("csrf", csrf.to_owned()),
        ("state", "held".into()),
        ("minutes", minutes.into()),
    ];
    for p in ids_after(&page, "id=\"present-") {
        form.push(("present", p.to_string()));
    }
    for g in guests {
        form.push(("guest_present", g.to_string()));
    }
    let (st, body) = post(c, s.url(&format!("/meetings/{meeting}/record")), &form).await;
    assert_eq!(st, 303, "{body}");
    let (_, page) = get(c, s.url(&format!("/teams/{team}"))).await;
    let after = first_id(section(&page, "upcoming", "past"), "/meetings/");
    assert_ne!(after, meeting);
    after
}

async fn promise_on_the_upcoming_meeting_is_due_at_the_one_after(db: &str) {
    let s = Server::start(db);
    let (juha, csrf) = as_user(&s, "johtotiimi.tuira@oulu.example").await;
    let (team, next) = team_and_next(&s, &juha).await;

    // Recorded on the upcoming meeting's page, before it is held.
    let promise = "Selvitan koulun kerhotilojen iltakayton";
    let (st, loc) = post(
        &juha,
        s.url(&format!("/meetings/{next}/commitments")),
        &[("csrf", csrf.clone()), ("text", promise.into())],
    )
    .await;
    assert_eq!(st, 303, "{loc}");
    let (_, page) = get(&juha, s.url(&format!("/meetings/{next}"))).await;
    assert!(
        !section(&page, "due", "made").contains(promise),
        "not due at the meeting it was made at"
    );
    assert!(section(&page, "made", "decisions").contains(promise));
    // Noora's promise from last month is due here; carried over here, it
    // is due at the meeting after.
    let due_here = section(&page, "due", "made");
    assert!(due_here.contains("Kutsun perhekeskuksen"));
    let carried = {
        let at = due_here.find("Kutsun perhekeskuksen").unwrap();
        let start = due_here[..at].rfind("id=\"commitment-").unwrap();
        first_id(&due_here[start..], "id=\"commitment-")
    };
    let (st, _) = post(
        &juha,
        s.url(&format!("/commitments/{carried}/review")),
        &[
            ("csrf", csrf.clone()),
            ("status", "partly".into()),
            ("carry", "1".into()),
            ("meeting", next.to_string()),
        ],
    )
    .await;
    assert_eq!(st, 303);

    let third = hold(&s, &juha, &csrf, team, next, "Pidetty.", &[]).await;
    let (_, page) = get(&juha, s.url(&format!("/meetings/{third}"))).await;
    let due_third = section(&page, "due", "made");
    assert!(due_third.contains(promise), "due at the meeting after");
    assert!(due_third.contains("Kutsun perhekeskuksen"), "carried over");
    let (label, _) = meeting_day(&page);

    // "My commitments" says the same day, and the calendar feed lists the
    // promise at that meeting.
    let (_, my) = get(&juha, s.url("/my/commitments")).await;
    let item = {
        let at = my.find(promise).unwrap();
        &my[at..at + my[at..].find("</li>").unwrap()]
    };
    assert!(item.contains(&label), "due {label}: {item}");
    let at = my.find("/my/calendar.ics?token=").unwrap();
    let feed = &my[at..at + my[at..].find('"').unwrap()];
    let ics = common::client()
        .get(s.url(feed))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("\r\n ", "");
    let event = ics
        .split("BEGIN:VEVENT")
        .find(|e| e.contains(&format!("meeting-{third}@")))
        .expect("the third meeting in the feed");
    assert!(event.contains(promise), "{event}");
    let before = ics
        .split("BEGIN:VEVENT")
        .find(|e| e.contains(&format!("meeting-{next}@")))
        .unwrap();
    assert!(!before.contains(promise));
}

async fn guests_get_the_minutes_and_reminders(db: &str) {
    let (port, got) = smtp_sink().await;
    let url = format!("smtp://127.0.0.1:{port}");
    let s = Server::start_with(db, &["--smtp-url", &url]);
    let (juha, csrf) = as_user(&s, "johtotiimi.tuira@oulu.example").await;
    let (noora, noora_csrf) = as_user(&s, "neuvola.tuira@oulu.example").await;
    let (team, next) = team_and_next(&s, &juha).await;
    let guest_form = |csrf: &str, email: &str| {
        vec![
            ("csrf", csrf.to_owned()),
            ("name", "Heli Hyvinvointi".to_owned()),
            ("organisation", "Lastensuojelujarjesto ry".to_owned()),
            ("sector", "third_sector".to_owned()),
            ("email", email.to_owned()),
        ]
    };

    // A member who does not run the team: no guests added, no addresses.
    let (st, _) = post(
        &noora,
        s.url(&format!("/teams/{team}/guests")),
        &guest_form(&noora_csrf, "heli@jarjesto.example"),
    )
    .await;
    assert_eq!(st, 403);
    let (_, page) = get(&noora, s.url(&format!("/teams/{team}"))).await;
    assert!(page.contains("Kaisa Kelanen"), "guests are listed");
    assert!(!page.contains("kaisa.kelanen@kela.example"));
    assert!(!page.contains("Heli Hyvinvointi"));
    let (_, page) = get(&juha, s.url(&format!("/teams/{team}"))).await;
    assert!(
        page.contains("kaisa.kelanen@kela.example"),
        "the chair sees it"
    );

    // Bad input names the field and adds nothing; a login is not a guest.
    let (st, body) = post(
        &juha,
        s.url(&format!("/teams/{team}/guests")),
        &guest_form(&csrf, "no address"),
    )
    .await;
    assert_eq!(st, 400);
    assert!(body.contains("Sähköposti"), "names the field");
    let (st, _) = post(
        &juha,
        s.url(&format!("/teams/{team}/guests")),
        &guest_form(&csrf, "neuvola.tuira@oulu.example"),
    )
    .await;
    assert_eq!(st, 400, "someone with an account is added as a member");
    let (_, page) = get(&juha, s.url(&format!("/teams/{team}"))).await;
    assert!(!page.contains("Heli Hyvinvointi"));

    // Added through the form.
    let (st, loc) = post(
        &juha,
        s.url(&format!("/teams/{team}/guests")),
        &guest_form(&csrf, "heli@jarjesto.example"),
    )
    .await;
    assert_eq!(st, 303, "{loc}");
    let (_, page) = get(&juha, s.url(&format!("/teams/{team}"))).await;
    let heli = {
        let at = page.find("Heli Hyvinvointi").unwrap();
        let start = page[..at].rfind("id=\"guest-").unwrap();
        first_id(&page[start..], "id=\"guest-")
    };
    assert!(page.contains("heli@jarjesto.example"));
    let (_, page) = get(&noora, s.url(&format!("/teams/{team}"))).await;
    assert!(page.contains("Heli Hyvinvointi"));
    assert!(!page.contains("heli@jarjesto.example"));

    // The chair records the guest's promise on the upcoming meeting; a
    // member cannot.
    let promise = "Tuon jarjeston kesakerhot aktiviteettikalenteriin";
    let (st, _) = post(
        &noora,
        s.url(&format!("/meetings/{next}/commitments")),
        &[
            ("csrf", noora_csrf.clone()),
            ("member", format!("guest:{heli}")),
            ("text", "x".into()),
        ],
    )
    .await;
    assert_eq!(st, 403);
    let (st, _) = post(
        &juha,
        s.url(&format!("/meetings/{next}/commitments")),
        &[
            ("csrf", csrf.clone()),
            ("member", format!("guest:{heli}")),
            ("text", promise.into()),
        ],
    )
    .await;
    assert_eq!(st, 303);
    let (_, page) = get(&juha, s.url(&format!("/meetings/{next}"))).await;
    assert!(section(&page, "made", "decisions").contains("Heli Hyvinvointi"));
    let (label, iso) = meeting_day(&page);

    // Held, with the guest present; the minutes go to the guests.
    let minutes = "Sovittiin yhteisesta kesakerhosta koulun pihalla.";
    let third = hold(&s, &juha, &csrf, team, next, minutes, &[heli]).await;
    let (_, page) = get(&juha, s.url(&format!("/meetings/{next}"))).await;
    assert!(page.contains(&format!(
        "id=\"guest-present-{heli}\" name=\"guest_present\" value=\"{heli}\" checked"
    )));
    let (st, _) = post(
        &noora,
        s.url(&format!("/meetings/{next}/guest-mail")),
        &[("csrf", noora_csrf.clone()), ("what", "minutes".into())],
    )
    .await;
    assert_eq!(st, 403);
    let (st, body) = post(
        &juha,
        s.url(&format!("/meetings/{next}/guest-mail")),
        &[("csrf", csrf.clone()), ("what", "agenda".into())],
    )
    .await;
    assert_eq!(st, 400, "no agenda after the meeting: {body}");
    let sent_before = got.lock().unwrap().len();
    let (st, loc) = post(
        &juha,
        s.url(&format!("/meetings/{next}/guest-mail")),
        &[("csrf", csrf.clone()), ("what", "minutes".into())],
    )
    .await;
    assert_eq!(st, 303, "{loc}");
    assert!(loc.contains("saved=guest-mail-minutes"));
    let mails: Vec<String> = got.lock().unwrap()[sent_before..].to_vec();
    assert_eq!(mails.len(), 3, "Heli and the two demo guests");
    let to_heli = mails
        .iter()
        .find(|m| m.contains("To: heli@jarjesto.example"))
        .expect("Heli got the minutes");
    let text = decode_qp(to_heli);
    assert!(
        text.contains("Tuiran palvelukeskittymän johtotiimi"),
        "{text}"
    );
    assert!(text.contains(&iso), "the meeting's day {iso} ({label})");
    assert!(text.contains(minutes), "{text}");
    assert!(!to_heli.contains("kaisa.kelanen"), "one guest per message");
    // Once: sending again sends nothing.
    let (st, _) = post(
        &juha,
        s.url(&format!("/meetings/{next}/guest-mail")),
        &[("csrf", csrf.clone()), ("what", "minutes".into())],
    )
    .await;
    assert_eq!(st, 303);
    assert_eq!(got.lock().unwrap().len(), sent_before + 3);

    // The reminder of the guest's promise goes to the guest before the
    // meeting where it is due (the one after the meeting it was made at).
    let (_, page) = get(&juha, s.url(&format!("/meetings/{third}"))).await;
    assert!(section(&page, "due", "made").contains(promise));
    let before = got.lock().unwrap().len();
    let db_s = db.to_owned();
    let (ok, out, err) = tokio::task::spawn_blocking(move || {
        cli(
            &[
                "remind",
                "--db",
                &db_s,
                "--smtp-url",
                &url,
                "--remind-days",
                "80",
            ],
            None,
        )
    })
    .await
    .unwrap();
    assert!(ok, "{err}");
    let mails: Vec<String> = got.lock().unwrap()[before..].to_vec();
    let reminder = mails
        .iter()
        .find(|m| m.contains("To: heli@jarjesto.example"))
        .unwrap_or_else(|| panic!("Heli's reminder: {out}"));
    let text = decode_qp(reminder);
    assert!(text.contains(promise), "{text}");
    assert!(text.contains("Tuiran palvelukeskittymän johtotiimi"));
}

on_both_databases!(
    promise_on_the_upcoming_meeting_is_due_at_the_one_after,
    guests_get_the_minutes_and_reminders
);
