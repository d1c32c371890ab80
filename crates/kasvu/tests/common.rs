//! Starts the real `kasvu` binary on a free port for end-to-end tests.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

pub const BIN: &str = env!("CARGO_BIN_EXE_kasvu");

pub struct Server {
    pub base: String,
    /// The metrics address, when started with `--metrics-addr`.
    pub metrics: Option<String>,
    child: Child,
}

impl Server {
    /// `kasvu serve --demo` on 127.0.0.1:0 with the given database.
    pub fn start(db_url: &str) -> Server {
        Server::start_with(db_url, &[])
    }

    /// Like [`Server::start`], with more arguments to `serve`.
    pub fn start_with(db_url: &str, extra: &[&str]) -> Server {
        Server::start_args(&[&["--demo"], extra].concat(), db_url)
    }

    /// `kasvu serve` on 127.0.0.1:0 with exactly these arguments (no demo
    /// unless they say so).
    pub fn start_args(args: &[&str], db_url: &str) -> Server {
        let addr: &[&str] = if args.contains(&"--addr") {
            &[]
        } else {
            &["--addr", "127.0.0.1:0"]
        };
        let mut child = Command::new(BIN)
            .args(["serve", "--db", db_url])
            .args(addr)
            .args(args)
            .env("KASVU_LOG", "warn")
            // The tests say which threshold they mean.
            .env_remove("KASVU_SUPPRESS_BELOW")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start kasvu");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(addr) = line.strip_prefix("listening on ") {
                    let _ = tx.send((true, addr.to_owned()));
                } else if let Some(url) = line.strip_prefix("metrics on ") {
                    let _ = tx.send((false, url.to_owned()));
                }
            }
        });
        let mut metrics = None;
        let base = loop {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok((true, base)) => break base,
                Ok((false, url)) => metrics = Some(url),
                Err(_) => panic!("kasvu did not start listening within 60 s"),
            }
        };
        Server {
            base,
            metrics,
            child,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends SIGTERM (what a service manager sends) and waits for the
    /// process to end; its exit status.
    pub fn terminate(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let until = std::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for kasvu") {
                return status;
            }
            assert!(
                std::time::Instant::now() < until,
                "kasvu did not stop within {timeout:?} of SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The CSRF token of the first form on a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let i = html
        .find(marker)
        .expect("page has a form with a CSRF token")
        + marker.len();
    html[i..i + 64].to_owned()
}

/// Signs in through the login form; returns the client.
pub async fn login(server: &Server, email: &str, password: &str) -> reqwest::Client {
    let c = client();
    let page = c
        .get(server.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let r = c
        .post(server.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "login as {email}");
    c
}

/// The client's CSRF token: from the sign-out form when signed in, else the login form.
pub async fn csrf(server: &Server, c: &reqwest::Client) -> String {
    let page = c
        .get(server.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    if page.contains("name=\"csrf\"") {
        return csrf_of(&page);
    }
    csrf_of(
        &c.get(server.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    )
}

/// Signs in as a demo user with their demo password.
pub async fn login_demo(server: &Server, email: &str) -> reqwest::Client {
    login(server, email, demo_password(email)).await
}

pub fn demo_password(email: &str) -> &'static str {
    kasvu_io_demo_password(email)
}

fn kasvu_io_demo_password(email: &str) -> &'static str {
    kasvu_io::demo::USERS
        .iter()
        .find(|u| u.email == email)
        .map(|u| u.password)
        .unwrap_or_else(|| panic!("not a demo user: {email}"))
}

/// Runs the CLI and returns (success, stdout, stderr).
pub fn cli(args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .env("KASVU_LOG", "warn")
        .env_remove("KASVU_SUPPRESS_BELOW")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kasvu");
    if let Some(s) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(s.as_bytes())
            .expect("write stdin");
    } else {
        drop(child.stdin.take());
    }
    let out = child.wait_with_output().expect("kasvu output");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A bearer token for a user, made with `kasvu token create`.
pub fn token_for(db: &str, email: &str) -> String {
    let (ok, out, err) = cli(&["token", "create", "--db", db, "--email", email], None);
    assert!(ok, "{err}");
    out.trim().to_owned()
}

/// Runs an async end-to-end story (taking the database URL) on SQLite and PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($story:ident),+ $(,)?) => {
        $(
        mod $story {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = kasvu_store::testing::TestDb::sqlite().await;
                super::$story(&db.url).await;
                db.finish().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(db) = kasvu_store::testing::TestDb::postgres().await {
                    super::$story(&db.url).await;
                    db.finish().await;
                }
            }
        }
        )+
    };
}

/// A minimal SMTP server (for the reminders) that accepts every message and keeps it.
pub async fn smtp_sink() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let store = got.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = tokio::io::BufReader::new(r).lines();
                let _ = w.write_all(b"220 sink ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(d) = data.as_mut() {
                        if line == "." {
                            store.lock().unwrap().push(data.take().unwrap_or_default());
                            let _ = w.write_all(b"250 OK\r\n").await;
                        } else {
                            d.push_str(&line);
                            d.push('\n');
                        }
                        continue;
                    }
                    let cmd = line.to_ascii_uppercase();
                    let reply: &[u8] = if cmd.starts_with("EHLO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if cmd.starts_with("DATA") {
                        data = Some(String::new());
                        b"354 go on\r\n"
                    } else if cmd.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    let _ = w.write_all(reply).await;
                }
            });
        }
    });
    (port, got)
}

/// Uploads a values file at `/imports` as the signed-in client; the job
/// page's path the server redirects to.
pub async fn upload(c: &reqwest::Client, server: &Server, name: &str, body: String) -> String {
    let page = c
        .get(server.url("/imports"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf_of(&page))
        .part(
            "file",
            reqwest::multipart::Part::bytes(body.into_bytes()).file_name(name.to_owned()),
        );
    let r = c
        .post(server.url("/imports"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "the import of {name} started");
    r.headers()["location"].to_str().unwrap().to_owned()
}

/// Quoted-printable as lettre writes a body with non-ASCII letters.
pub fn decode_qp(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A page's status and body.
pub async fn get_page(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.expect("request");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

/// Posts a form: the status, and the redirect's target for a 303 or else
/// the body.
pub async fn post_form(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String) {
    let r = c.post(url).form(form).send().await.expect("request");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = r.text().await.unwrap_or_default();
    (status, if status == 303 { location } else { body })
}
