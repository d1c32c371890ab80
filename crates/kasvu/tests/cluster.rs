//! End-to-end: two `kasvu serve` processes on one PostgreSQL database, as
//! behind a load balancer, behave as one. A session made on one works on
//! the other; what is written through one is served by the other at once
//! (public pages within a second);
//! the reminder sweep sends each reminder once however many servers sweep.
//! (PostgreSQL only: it is how Kasvu grows past one machine.)

mod common;

use common::{client, login_demo, smtp_sink, token_for, Server};
use serde_json::{json, Value};

async fn get(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_behave_as_one() {
    let Some(db) = kasvu_store::testing::TestDb::postgres().await else {
        return; // the note is printed by TestDb
    };
    let a = Server::start(&db.url); // loads the demo
    let b = Server::start_args(&[], &db.url);

    // A session made on one server works on the other.
    let person = login_demo(&a, "admin@oulu.example").await;
    let (status, page) = get(&person, b.url("/account")).await;
    assert_eq!(status, 200, "signed in on B with A's session");
    assert!(page.contains("admin@oulu.example"));

    // The tree: B has read the public pages (and kept what it read); a
    // rename through A shows on B at once.
    let anon = client();
    let (_, before) = get(&anon, b.url("/hobbies")).await;
    assert!(before.contains("Keskinen"), "{before}");
    let token = token_for(&db.url, "admin@oulu.example");
    let api = reqwest::Client::new();
    let mut unit: Value = api
        .get(a.url("/api/v1/orgunits/keskinen"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    unit["names"]["fi"] = json!("Keskinen alue (uusi nimi)");
    let r = api
        .put(a.url("/api/v1/orgunits/keskinen"))
        .bearer_auth(&token)
        .json(&unit)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // B reads the versions of what public pages show at most once a
    // second (kasvu_store::PUBLIC_RECHECK), so the new name shows within it.
    let written = std::time::Instant::now();
    let mut after = String::new();
    while written.elapsed() < 2 * kasvu_store::PUBLIC_RECHECK {
        after = get(&anon, b.url("/hobbies")).await.1;
        if after.contains("Keskinen alue (uusi nimi)") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        after.contains("Keskinen alue (uusi nimi)"),
        "B serves the new name within the recheck bound"
    );

    // A figure: written through A, B's roll-up has it at once.
    let q = kasvu_core::Period::of_date(
        kasvu_core::PeriodType::Quarterly,
        kasvu_core::clock::today(),
    )
    .code();
    let y = kasvu_core::Period::of_date(kasvu_core::PeriodType::Yearly, kasvu_core::clock::today())
        .code();
    let area = format!("/api/v1/data?indicator=lp_discussions&orgunit=etelainen&period={y}");
    let figure = |s: &Server| {
        let (api, url) = (api.clone(), s.url(&area));
        async move {
            let v: Value = api.get(url).send().await.unwrap().json().await.unwrap();
            v["value"].as_f64().unwrap_or(0.0)
        }
    };
    let before = figure(&b).await;
    let r = api
        .post(a.url("/api/v1/data"))
        .bearer_auth(&token)
        .json(&json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": q, "value": 23}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    assert_eq!(
        figure(&b).await,
        before + 23.0,
        "B serves A's write at once"
    );

    // An upload taken by A has its progress page on B.
    let csv = format!(
        "indicator,orgunit,period,value\nlp_discussions,kaakkurin-koulu,{q},31\nlp_discussions,maikkulan-koulu,{q},12\n"
    );
    let job = common::upload(&person, &a, "keskustelut.csv", csv).await;
    let mut done = false;
    for _ in 0..50 {
        let (status, page) = get(&person, b.url(&job)).await;
        assert_eq!(status, 200, "B serves the job A runs");
        if page.contains("Valmis:") {
            assert!(page.contains("keskustelut.csv"));
            done = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(done, "the job ended and B says so");
    let (_, list) = get(&person, b.url("/imports")).await;
    assert!(list.contains(&job), "B lists it too");

    // Signing out on B ends the session on A too.
    let csrf = common::csrf(&b, &person).await;
    let r = person
        .post(b.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (status, _) = get(&person, a.url("/account")).await;
    assert_ne!(status, 200, "signed out everywhere");

    // Reminders: two more servers start at the same moment with SMTP, and
    // each sweeps at once; every reminder is sent once, not once per server.
    let (port, got) = smtp_sink().await;
    let smtp = format!("smtp://127.0.0.1:{port}");
    let args = ["--smtp-url", smtp.as_str(), "--remind-days", "45"];
    let url = db.url.clone();
    let (c, d) = tokio::join!(
        tokio::task::spawn_blocking({
            let url = url.clone();
            let args = args.map(str::to_owned);
            move || Server::start_args(&args.each_ref().map(String::as_str), &url)
        }),
        tokio::task::spawn_blocking({
            let args = args.map(str::to_owned);
            move || Server::start_args(&args.each_ref().map(String::as_str), &url)
        })
    );
    let (_c, _d) = (c.unwrap(), d.unwrap());
    // Both have swept once they serve; give the mails a moment to arrive.
    let mut seen = 0;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let n = got.lock().unwrap().len();
        if n == seen && n > 0 {
            break;
        }
        seen = n;
    }
    let mails = got.lock().unwrap().clone();
    assert_eq!(
        mails.len(),
        3,
        "one message per member with an open promise, from one server"
    );
    db.finish().await;
}
