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
