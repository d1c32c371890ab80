//! Runs the browser tests (`e2e/browser.test.mjs`, Node + playwright-core +
//! axe-core in Debian's headless Chromium) against the real binary.
//!
//! With `KASVU_TEST_BROWSER=1` (CI) they are required. Otherwise they run
//! when Chromium and the e2e packages are installed, and are skipped with a
//! note when not (`apt-get install chromium` and `npm ci --prefix e2e`).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_tests_in_headless_chromium() {
    let required = std::env::var("KASVU_TEST_BROWSER").is_ok_and(|v| v == "1");
    let e2e = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e");
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing: Vec<&str> = [
        (!Path::new(&chromium).exists()).then_some("Chromium"),
        (!e2e.join("node_modules/playwright-core").exists()).then_some("the e2e npm packages"),
        Command::new("node")
            .arg("--version")
            .output()
            .is_err()
            .then_some("Node.js"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        assert!(
            !required,
            "KASVU_TEST_BROWSER=1 but {} missing",
            missing.join(", ")
        );
        let _ = writeln!(
            std::io::stderr(),
            "\nNOTE: browser tests skipped: {} not installed (apt-get install chromium; npm ci --prefix e2e).\n",
            missing.join(", ")
        );
        return;
    }
    let db = kasvu_store::testing::TestDb::sqlite().await;
    let server = common::Server::start(&db.url);
    let out = Command::new("node")
        .args(["--test", "--test-reporter=spec", "browser.test.mjs"])
        .current_dir(&e2e)
        .env("BASE_URL", &server.base)
        .env("CHROMIUM_PATH", &chromium)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser tests failed:\n{stdout}\n{stderr}"
    );
    // Every test() in browser.test.mjs must have run and passed.
    let script = std::fs::read_to_string(e2e.join("browser.test.mjs")).expect("read the script");
    let expected = script.matches("\ntest(").count();
    assert!(
        stdout.contains(&format!("pass {expected}")) && stdout.contains("fail 0"),
        "all {expected} browser tests ran:\n{stdout}"
    );
    drop(server);
    db.finish().await;
}
