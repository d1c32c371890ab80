//! End-to-end: what operators see. `/readyz` beside `/healthz`, compressed
//! responses for clients that ask, and JSON log lines when asked.

mod common;

use common::{Server, BIN};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

async fn ready_and_compressed(db: &str) {
    let server = Server::start(db);
    let c = reqwest::Client::new();
    let r = c.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["migrations"], "current", "{body}");

    // gzip when asked, and only then.
    let r = c
        .get(server.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers().get("content-encoding").map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    let zipped = r.bytes().await.unwrap().len();
    let r = c.get(server.url("/")).send().await.unwrap();
    assert!(r.headers().get("content-encoding").is_none());
    let plain = r.bytes().await.unwrap().len();
    assert!(
        zipped * 3 < plain,
        "the home page compresses: {zipped} of {plain} bytes"
    );

    // A database whose schema is behind this binary is not ready.
    let store = kasvu_store::Store::connect(db).await.unwrap();
    store
        .raw_execute_for_tests("DELETE FROM _sqlx_migrations WHERE version = 14")
        .await
        .unwrap();
    let r = c.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["pending"], serde_json::json!([14]), "{body}");
    let r = c.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200, "alive all the same");
}

on_both_databases!(ready_and_compressed);

/// Prometheus metrics on their own address only: requests by route pattern
/// and status, latency, import jobs, the pool, the build.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_on_their_own_address() {
    let db = kasvu_store::testing::TestDb::sqlite().await;
    let server = Server::start_with(&db.url, &["--metrics-addr", "127.0.0.1:0"]);
    let metrics = server.metrics.clone().expect("a metrics address");
    let c = reqwest::Client::new();
    for path in [
        "/",
        "/units/tuira",
        "/units/tuira",
        "/units/ei-ole",
        "/no/such/page",
    ] {
        c.get(server.url(path)).send().await.unwrap();
    }
    let r = c.get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 404, "not on the public address");
    let r = c.get(&metrics).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = r.text().await.unwrap();
    for line in [
        r#"kasvu_http_requests_total{method="GET",route="/units/{code}",status="200"} 2"#,
        r#"kasvu_http_requests_total{method="GET",route="/units/{code}",status="404"} 1"#,
        r#"kasvu_http_requests_total{method="GET",route="/",status="200"} 1"#,
        r#"kasvu_import_jobs{state="running"} 0"#,
        r#"kasvu_db_pool_connections{state="max"} 8"#,
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in:\n{text}");
    }
    assert!(text.contains(r#"kasvu_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/units/{code}"}"#)
        || text.contains(r#"kasvu_http_request_duration_seconds_bucket{method="GET",route="/units/{code}",le="0.001"}"#), "{text}");
    assert!(text.contains(&format!(
        r#"kasvu_build_info{{version="{}"}} 1"#,
        env!("CARGO_PKG_VERSION")
    )));
    assert!(
        !text.contains("/no/such/page") && !text.contains("ei-ole"),
        "paths people type never become series"
    );
    db.finish().await;
}

#[test]
fn logs_are_json_lines_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("k.db").display());
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--db", &db])
        .env("KASVU_LOG_FORMAT", "json")
        .env("KASVU_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("listening on ") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60)).expect("listening");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "SIGTERM stops the server cleanly");
    let log = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        lines.iter().any(|l| l["level"] == "WARN"
            && l["message"]
                .as_str()
                .is_some_and(|m| m.contains("kasvu init"))),
        "the first-start hint is a log line: {log}"
    );
    assert!(lines.iter().any(|l| l["level"] == "INFO"
        && l["message"]
            .as_str()
            .is_some_and(|m| m.contains("listening"))));
}

/// SIGTERM while an upload is being imported: the server stops taking
/// requests, lets the import finish, and exits; the database then has the
/// whole file (a cut-short import would leave none of it: all or nothing).
async fn sigterm_during_an_import(db: &str) {
    let mut server = Server::start(db);
    // 48 units × 116 years × 12 months of a monthly count, before the demo's years.
    let mut csv = String::from("indicator,orgunit,period,value\n");
    let store = kasvu_store::Store::open(db).await.unwrap();
    let oulu = store.org_unit("oulu").await.unwrap().unwrap();
    let units: Vec<String> = store
        .org_units(oulu.org_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.level == kasvu_core::Level::Unit && u.valid.from.is_none())
        .map(|u| u.code)
        .collect();
    let mut rows = 0;
    for u in &units {
        for y in 1900..2016 {
            for m in 1..=12 {
                csv.push_str(&format!(
                    "pilot_phone_calls,{u},{y}{m:02},{}\n",
                    (y + m) % 40 + 5
                ));
                rows += 1;
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("soitot.csv");
    std::fs::write(&file, &csv).unwrap();

    let admin = common::login_demo(&server, "admin@oulu.example").await;
    let job = common::upload(&admin, &server, "soitot.csv", csv).await;
    let page = admin
        .get(server.url(&job))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("Valmis:"),
        "still running when SIGTERM comes"
    );
    let status =
        tokio::task::spawn_blocking(move || server.terminate(std::time::Duration::from_secs(150)))
            .await
            .unwrap();
    assert!(status.success(), "a clean stop: {status}");
    let (ok, out, err) = common::cli(
        &["import", "--db", db, "--dry-run", file.to_str().unwrap()],
        None,
    );
    assert!(ok, "{err}");
    assert!(
        out.contains(&format!("0 created, 0 replaced, {rows} unchanged")),
        "the whole file was stored before the server stopped: {out}"
    );
}

on_both_databases!(sigterm_during_an_import);

/// What a reader is served, for comparing two servers: the API's figures
/// and lists and the public CSV export.
const SAME_ANSWERS: &[&str] = &[
    "/api/v1/orgunits",
    "/api/v1/indicators",
    "/api/v1/data?indicator=shps_lonely_n&orgunit=itainen&period=2017",
    "/api/v1/data?indicator=lp_discussions&orgunit=etelainen&period=2024",
    "/api/v1/plans",
    "/api/v1/events",
    "/indicators/shps_lonely_n/export?format=csv",
];

async fn answers(server: &Server) -> Vec<(String, String)> {
    let c = reqwest::Client::new();
    let mut out = Vec::new();
    for path in SAME_ANSWERS {
        let r = c.get(server.url(path)).send().await.unwrap();
        let status = r.status().as_u16();
        assert_eq!(status, 200, "{path}");
        // Links name the server they were served by.
        let body = r.text().await.unwrap().replace(&server.base, "BASE");
        out.push((path.to_string(), body));
    }
    out
}

fn assert_same(a: &[(String, String)], b: &[(String, String)]) {
    for ((path, x), (_, y)) in a.iter().zip(b) {
        assert!(x == y, "{path} differs:\n{:.300}\n---\n{:.300}", x, y);
    }
}

/// `kasvu backup FILE` while serving, then serving from FILE: the same answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_backup_serves_the_same_answers() {
    let db = kasvu_store::testing::TestDb::sqlite().await;
    let server = Server::start(&db.url);
    let before = answers(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("varmuuskopio.db");
    let (ok, out, err) = common::cli(&["backup", "--db", &db.url, copy.to_str().unwrap()], None);
    assert!(ok && out.contains("Backup written"), "{err}");
    let restored = Server::start_args(&[], &format!("sqlite://{}", copy.display()));
    assert_same(&answers(&restored).await, &before);
    drop(server);
    db.finish().await;
}

/// The README's PostgreSQL backup and restore, as written there: pg_dump in
/// the custom format, pg_restore into a new database, and Kasvu serving from
/// it gives the same answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_dump_restores_to_the_same_answers() {
    let Some(db) = kasvu_store::testing::TestDb::postgres().await else {
        return;
    };
    let server = Server::start(&db.url);
    let before = answers(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("kasvu.dump");
    let run = |cmd: &str, args: &[&str]| {
        let out = Command::new(cmd).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(
        "pg_dump",
        &["--format=custom", "--file", dump.to_str().unwrap(), &db.url],
    );
    let (base, _) = db.url.rsplit_once('/').unwrap();
    let name = format!("kasvu_restored_{}", std::process::id());
    let admin = kasvu_store::Store::connect(&format!("{base}/postgres"))
        .await
        .unwrap();
    admin
        .raw_execute_for_tests(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .unwrap();
    admin
        .raw_execute_for_tests(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let restored_url = format!("{base}/{name}");
    run(
        "pg_restore",
        &[
            "--no-owner",
            "--dbname",
            &restored_url,
            dump.to_str().unwrap(),
        ],
    );
    {
        let restored = Server::start_args(&[], &restored_url);
        assert_same(&answers(&restored).await, &before);
    }
    drop(server);
    admin
        .raw_execute_for_tests(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .await
        .unwrap();
    db.finish().await;
}
