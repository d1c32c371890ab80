//! Runs the browser tests (`e2e/browser.test.mjs`, Node + playwright-core +
//! axe-core in Debian's headless Chromium) against the real binary.
//!
//! With `KASVU_TEST_BROWSER=1` (CI) they are required. Otherwise they run
//! when Chromium and the e2e packages are installed, and are skipped with a
//! note when not (`apt-get install chromium` and `npm ci --prefix e2e`).

mod common;

use std::io::Write;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Chromium, Node and the e2e packages, or `None` (with a note) when they
/// are missing and not required.
fn browser_setup() -> Option<(PathBuf, String)> {
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
        return None;
    }
    Some((e2e, chromium))
}

/// Runs one e2e script with Node's test runner and checks that every
/// `test(` in it ran and passed.
fn run_script(e2e: &Path, script: &str, env: &[(&str, &str)]) {
    let out = Command::new("node")
        .args([
            "--test",
            "--test-reporter=spec",
            "--test-timeout=600000",
            script,
        ])
        .current_dir(e2e)
        .envs(env.iter().copied())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    let text = std::fs::read_to_string(e2e.join(script)).expect("read the script");
    let expected = text.matches("\ntest(").count();
    assert!(
        stdout.contains(&format!("pass {expected}")) && stdout.contains("fail 0"),
        "all {expected} tests of {script} ran:\n{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_tests_in_headless_chromium() {
    let Some((e2e, chromium)) = browser_setup() else {
        return;
    };
    let db = kasvu_store::testing::TestDb::sqlite().await;
    // A real SMTP conversation: the test that sends a meeting's minutes to
    // the team's guests from the page is checked against what arrived.
    let (port, mails) = common::smtp_sink().await;
    let server = common::Server::start_with(
        &db.url,
        &["--smtp-url", &format!("smtp://127.0.0.1:{port}")],
    );
    // A second installation with the city's name, logo and colour.
    let brand_db = kasvu_store::testing::TestDb::sqlite().await;
    let logo = std::env::temp_dir().join(format!("kasvu-browser-logo-{}.svg", std::process::id()));
    std::fs::write(
        &logo,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#ffffff"/></svg>"##,
    )
    .expect("write the logo");
    let branded = common::Server::start_with(
        &brand_db.url,
        &[
            "--city-name",
            "Oulun kaupunki",
            "--brand-color",
            "#0b5394",
            "--logo",
            logo.to_str().expect("a UTF-8 path"),
        ],
    );
    tokio::task::block_in_place(|| {
        run_script(
            &e2e,
            "browser.test.mjs",
            &[
                ("BASE_URL", &server.base),
                ("BRAND_URL", &branded.base),
                ("CHROMIUM_PATH", &chromium),
            ],
        )
    });
    let mails = mails.lock().map(|m| m.clone()).unwrap_or_default();
    let to_kela = mails
        .iter()
        .find(|m| m.contains("To: kaisa.kelanen@kela.example"))
        .map(|m| common::decode_qp(m))
        .unwrap_or_else(|| panic!("the guest from Kela got no mail; {} mails", mails.len()));
    assert!(
        to_kela.contains("Käytiin läpi syksyn LP-keskustelujen määrät"),
        "the minutes, as held, in the guest's mail:\n{to_kela}"
    );
    drop(server);
    drop(branded);
    let _ = std::fs::remove_file(&logo);
    db.finish().await;
    brand_db.finish().await;
}

/// Single sign-on through a real OpenID Connect provider (`oidc-provider`
/// from npm, run by Node): sign in and out, and the refusals.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_sign_on_through_a_real_provider() {
    let Some((e2e, chromium)) = browser_setup() else {
        return;
    };
    // Kasvu's address must be known before it starts: the provider has its
    // redirect URI, and Kasvu its public URL.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut provider = Command::new("node")
        .arg("oidc-provider.mjs")
        .current_dir(&e2e)
        .env("REDIRECT_URI", format!("{base}/login/sso/callback"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the OpenID Connect provider");
    let mut out = BufReader::new(provider.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("the provider's issuer");
    // Keep reading what it prints, so it never writes into a closed pipe.
    std::thread::spawn(move || for _ in out.lines().map_while(Result::ok) {});
    let issuer = line
        .trim()
        .strip_prefix("issuer ")
        .unwrap_or_else(|| panic!("no issuer in {line:?}"))
        .to_owned();
    let db = kasvu_store::testing::TestDb::sqlite().await;
    let addr = format!("127.0.0.1:{port}");
    let server = common::Server::start_args(
        &[
            "--demo",
            "--addr",
            &addr,
            "--public-url",
            &base,
            "--oidc-issuer",
            &issuer,
            "--oidc-client-id",
            "kasvu",
            "--oidc-client-secret",
            "kasvu-test-secret",
        ],
        &db.url,
    );
    assert_eq!(server.base, base);
    run_script(
        &e2e,
        "sso.test.mjs",
        &[
            ("BASE_URL", &server.base),
            ("PROVIDER_URL", &issuer),
            ("CHROMIUM_PATH", &chromium),
        ],
    );
    let _ = provider.kill();
    let _ = provider.wait();
    drop(server);
    db.finish().await;
}
