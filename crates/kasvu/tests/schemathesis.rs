//! The API is exactly its document: schemathesis (from PyPI, the version
//! pinned below) generates requests from `/api/v1/openapi.json` and checks
//! every answer of the real binary (`serve --demo`, a temporary SQLite
//! database) against the document, with an admin's bearer token, every
//! check on, a fixed seed and a fixed number of examples per operation.
//!
//! `KASVU_TEST_SCHEMATHESIS=/path/to/schemathesis` (CI: `.ci/run` installs
//! it in a virtualenv) makes the test required. Otherwise it runs when a
//! `schemathesis` of the pinned version is on the PATH, and is skipped with
//! a note when not (`pip install schemathesis==4.32.5`).
//!
//! The requests are destructive (PUT, POST, DELETE with generated data):
//! they go to the throwaway demo database only. `schemathesis.toml` beside
//! this file lets the operations whose acceptance depends on what is stored
//! (an org unit or indicator that must exist, rules across fields) answer
//! a schema-valid request with 400, and says why for each.

mod common;

use std::io::Write;
use std::process::Command;

/// The version the test and CI use: another one generates other cases.
const VERSION: &str = "4.32.5";
/// Examples per operation: the 47 operations take about 70 s on two cores
/// (about 5,500 requests).
const MAX_EXAMPLES: &str = "50";
const SEED: &str = "20261202";

/// The schemathesis executable, or `None` (with a note) when it is missing
/// and not required.
fn schemathesis() -> Option<String> {
    let required = std::env::var("KASVU_TEST_SCHEMATHESIS")
        .ok()
        .filter(|v| !v.is_empty());
    let exe = required.clone().unwrap_or_else(|| "schemathesis".into());
    let version = Command::new(&exe)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    match version {
        Some(v) if v.contains(VERSION) => Some(exe),
        found => {
            let what = match found {
                Some(v) => format!("{exe} is {}, not {VERSION}", v.trim()),
                None => format!("{exe} does not run"),
            };
            assert!(
                required.is_none(),
                "KASVU_TEST_SCHEMATHESIS is set but {what}"
            );
            let _ = writeln!(
                std::io::stderr(),
                "\nNOTE: schemathesis test skipped: {what} (pip install schemathesis=={VERSION}, \
                 or KASVU_TEST_SCHEMATHESIS=/path/to/schemathesis).\n"
            );
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_as_its_openapi_document_says() {
    let Some(exe) = schemathesis() else {
        return;
    };
    let db = kasvu_store::testing::TestDb::sqlite().await;
    let server = common::Server::start(&db.url);
    // The demo is loaded once the server listens; the admin exists now.
    let token = common::token_for(&db.url, "admin@oulu.example");
    let work = tempfile::tempdir().expect("a temporary directory");
    let started = std::time::Instant::now();
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemathesis.toml");
    let out = Command::new(&exe)
        .args(["--config-file", config])
        .args(["run", &server.url("/api/v1/openapi.json")])
        .args(["--checks", "all"])
        .args(["--seed", SEED, "--max-examples", MAX_EXAMPLES])
        .args(["--generation-database", "none", "--workers", "1"])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--request-timeout", "30", "--no-color"])
        .current_dir(work.path())
        .output()
        .expect("run schemathesis");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let _ = writeln!(
        std::io::stderr(),
        "schemathesis ran {:.0} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        out.status.success(),
        "schemathesis found failures:\n{stdout}\n{stderr}"
    );
    drop(server);
    db.finish().await;
}
