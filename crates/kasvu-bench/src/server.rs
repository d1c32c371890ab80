//! The real server started by the benchmark, and its first dashboard.

use anyhow::{bail, Context, Result};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts `kasvu serve` on a free port; its child process and base URL.
pub fn start(kasvu_bin: &str, db_url: &str) -> Result<(Child, String)> {
    let mut child = Command::new(kasvu_bin)
        .args(["serve", "--db", db_url, "--addr", "127.0.0.1:0"])
        .env("KASVU_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("start {kasvu_bin} (build it with cargo build --release)"))?;
    let stdout = child.stdout.take().context("stdout")?;
    use std::io::BufRead;
    let mut lines = std::io::BufReader::new(stdout).lines();
    loop {
        let line = lines.next().context("the server exited")??;
        if let Some(url) = line.strip_prefix("listening on ") {
            return Ok((child, url.to_owned()));
        }
    }
}

/// The first dashboard of a server: how long until it answered, in how
/// many requests. Protecting every indicator from cold can pass the
/// server's 60-second request timeout on a slow machine; each indicator
/// protected is kept, so asking again goes on from there.
pub async fn first_dashboard(client: &reqwest::Client, url: &str) -> Result<(Duration, u32)> {
    let t = Instant::now();
    let mut tries = 0;
    loop {
        tries += 1;
        let r = client.get(url).send().await?;
        match r.status() {
            s if s.is_success() => return Ok((t.elapsed(), tries)),
            reqwest::StatusCode::REQUEST_TIMEOUT if tries < 5 => continue,
            s => bail!("dashboard answered {s}"),
        }
    }
}
