//! The feedback feature (`src/feedback`): rounds run by a team, answered
//! anonymously through a one-time form, with results and a published
//! response.

mod common;

use common::{anonymous, App};

/// The numbers after `prefix` in a page, in order.
fn ids_after(page: &str, prefix: &str) -> Vec<i64> {
    page.match_indices(prefix)
        .filter_map(|(i, _)| {
            let rest = &page[i + prefix.len()..];
            let end = rest.find(|c: char| !c.is_ascii_digit())?;
            rest[..end].parse().ok()
        })
        .collect()
}

/// The answer link's token on a round's page.
fn answer_token(page: &str) -> String {
    let at = page.find("/a/").expect("answer link");
    page[at + 3..at + 3 + 64].to_owned()
}

fn nonce_of(page: &str) -> String {
    let marker = "name=\"nonce\" value=\"";
    let i = page.find(marker).expect("a nonce") + marker.len();
    page[i..i + 64].to_owned()
}

/// The demo's open and closed rounds (ids and answer tokens) as the Tuira
/// team's chair sees them, with the chair's client.
struct Rounds {
    chair: reqwest::Client,
    open: i64,
    open_token: String,
    closed_token: String,
}

async fn rounds(app: &App) -> Rounds {
    let chair = app.login("johtotiimi.tuira@oulu.example").await;
    let ids = ids_after(&app.page(&chair, "/feedback").await, "/feedback/");
    let (open, closed) = (ids[0], ids[1]);
    let open_page = app.page(&chair, &format!("/feedback/{open}")).await;
    assert!(open_page.contains("<svg role=\"img\""), "a QR code");
    let closed_page = app.page(&chair, &format!("/feedback/{closed}")).await;
    Rounds {
        chair,
        open,
        open_token: answer_token(&open_page),
        closed_token: answer_token(&closed_page),
    }
}

/// How many answered, from the facts on the round's results page.
async fn answers(app: &App, r: &Rounds) -> String {
    let page = app.page(&r.chair, &format!("/feedback/{}", r.open)).await;
    let from = page.find("class=\"facts\"").expect("facts");
    let to = page.find("id=\"share\"").expect("share section");
    page[from..to].to_owned()
}

/// Anyone answers without signing in and the form asks nothing personal;
/// the answer counts once even when the same form is sent twice.
async fn anonymous_answer_counts_once(app: &App) {
    let r = rounds(app).await;
    assert!(
        answers(app, &r).await.contains("<dd>9</dd>"),
        "nine demo answers"
    );
    let anon = anonymous();
    let path = format!("/a/{}", r.open_token);
    let form = app.page(&anon, &path).await;
    assert!(!form.contains("type=\"email\"") && !form.contains("name=\"name\""));
    let q1 = ids_after(&form, "name=\"q")[0];
    let nonce = nonce_of(&form);
    let field = format!("q{q1}");
    let answer = [(field.as_str(), "4"), ("nonce", nonce.as_str())];
    for _ in 0..2 {
        let res = anon
            .post(app.url(&path))
            .form(&answer)
            .send()
            .await
            .expect("POST answer");
        assert_eq!(res.status(), 200);
        assert!(res.text().await.expect("thanks").contains("Kiitos"));
    }
    assert!(
        answers(app, &r).await.contains("<dd>10</dd>"),
        "one more, once"
    );
}

/// An answer out of range names the question and stores nothing; a closed
/// round offers no form and refuses answers.
async fn bad_answers_and_closed_rounds_are_refused(app: &App) {
    let r = rounds(app).await;
    let anon = anonymous();
    let path = format!("/a/{}", r.open_token);
    let form = app.page(&anon, &path).await;
    let field = format!("q{}", ids_after(&form, "name=\"q")[0]);
    let nonce = nonce_of(&form);
    let res = anon
        .post(app.url(&path))
        .form(&[(field.as_str(), "9"), ("nonce", nonce.as_str())])
        .send()
        .await
        .expect("POST answer");
    assert_eq!(res.status(), 400);
    assert!(res.text().await.expect("form").contains("Kysymys 1"));
    assert!(
        answers(app, &r).await.contains("<dd>9</dd>"),
        "nothing stored"
    );

    // Issue 18's padding: a nonce of one's own making is no form at all.
    let res = anon
        .post(app.url(&format!("/a/{}", r.open_token)))
        .form(&[(field.as_str(), "4"), ("nonce", "itse-keksitty-0123456789")])
        .send()
        .await
        .expect("POST with a made-up nonce");
    assert_eq!(res.status(), 400);
    assert!(res.text().await.expect("page").contains("vanhentunut"));
    assert!(
        answers(app, &r).await.contains("<dd>9</dd>"),
        "nothing stored"
    );

    let closed = format!("/a/{}", r.closed_token);
    let page = app.page(&anon, &closed).await;
    assert!(page.contains("päättynyt") && !page.contains("name=\"nonce\""));
    let res = anon
        .post(app.url(&closed))
        .form(&[("nonce", "0123456789abcdef0123")])
        .send()
        .await
        .expect("POST to a closed round");
    assert_eq!(res.status(), 400);
}

/// The open round's results are not public, and cannot be published while
/// answers may still come (400, naming why; issue 18: anyone could add
/// answers and read the others' off the difference). The chair may keep a
/// draft (303); nothing is public. A viewer may not start a round (403).
async fn chair_publishes_response(app: &App) {
    let r = rounds(app).await;
    let anon = anonymous();
    let public = format!("/a/{}/results", r.open_token);
    assert_eq!(app.get(&anon, &public).await.status(), 404, "not yet");
    let text = "Kiitos! Välituntileikit kaikille.";
    let path = format!("/feedback/{}/response", r.open);
    let res = app
        .post(&r.chair, &path, &[("response", text), ("publish", "1")])
        .await;
    assert_eq!(res.status(), 400);
    assert!(res
        .text()
        .await
        .expect("page")
        .contains("kun kysely on päättynyt"));
    let res = app.post(&r.chair, &path, &[("response", text)]).await;
    assert_eq!(res.status(), 303, "a draft");
    assert_eq!(
        app.get(&anon, &public).await.status(),
        404,
        "still not public"
    );

    let viewer = app.login("katselija@oulu.example").await;
    let res = app
        .post(
            &viewer,
            "/feedback",
            &[
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
    assert_eq!(res.status(), 403, "a viewer does not start rounds");
}

/// Issue 18: the wishes on `/feedback` showed area totals of 1 and
/// category counts of 1. Every count shown there is now at least the
/// threshold; smaller ones say so.
async fn wishes_show_no_small_counts(app: &App) {
    let admin = app.login("admin@oulu.example").await;
    let page = app.page(&admin, "/feedback").await;
    let wishes = &page[page.find("id=\"wishes\"").expect("the wishes")..];
    for n in 1..5 {
        assert!(
            !wishes.contains(&format!("<td class=\"num\">{n}</td>")),
            "a count of {n} among the wishes"
        );
        assert!(
            !wishes.contains(&format!(": {n} toive")),
            "an area total of {n}"
        );
    }
}

on_both_databases!(
    wishes_show_no_small_counts,
    anonymous_answer_counts_once,
    bad_answers_and_closed_rounds_are_refused,
    chair_publishes_response
);
