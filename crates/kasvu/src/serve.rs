//! `kasvu serve`: the web app, its listeners and its orderly shutdown.

use crate::*;

/// The address links that leave the site are made from (feedback QR codes,
/// password links, events' `@id`): `--public-url`, or — only when Kasvu
/// listens on a loopback address, as on a laptop — that address. Never a
/// request's `Host` header, which any client can set: behind a proxy the
/// links would follow whatever a client wrote there.
pub(crate) fn public_address(given: Option<&str>, addr: SocketAddr) -> Result<String> {
    match given {
        Some(u) => {
            let url = u.trim().trim_end_matches('/');
            let parsed: axum::http::Uri = url
                .parse()
                .map_err(|e| anyhow::anyhow!("--public-url '{u}' is not an address: {e}"))?;
            if !matches!(parsed.scheme_str(), Some("http" | "https")) || parsed.host().is_none() {
                bail!("--public-url '{u}' must be an http:// or https:// address with a host");
            }
            Ok(url.to_owned())
        }
        None if addr.ip().is_loopback() => Ok(format!("http://{addr}")),
        None => bail!(
            "--public-url (KASVU_PUBLIC_URL) is needed when Kasvu listens on {addr}: links that \
             leave the site (feedback QR codes, password links, events) are made from it, never \
             from a request's Host header"
        ),
    }
}

pub(crate) async fn serve(
    db: DbArg,
    args: ServeArgs,
    mail: MailArgs,
    import_limits: kasvu_io::Limits,
) -> Result<()> {
    let ServeArgs {
        addr,
        demo,
        secure_cookies,
        lock_after_days,
        public_url,
        max_answers_per_client,
        actor_review_days,
        max_wishes_per_client,
        metrics_addr,
        oidc_issuer,
        oidc_client_id,
        oidc_client_secret,
        disable_password_login,
        city_name,
        logo,
        brand_color,
    } = args;
    // Checked first: a refused colour or logo stops the start at once.
    let brand = kasvu_web::support::brand::Brand::new(
        city_name.as_deref(),
        logo.as_deref(),
        brand_color.as_deref(),
    )?;
    let oidc = match (oidc_issuer, oidc_client_id) {
        (Some(issuer), Some(client_id)) => {
            let Some(public) = public_url.as_deref() else {
                bail!("--oidc-issuer needs --public-url: the provider sends people back to PUBLIC_URL/login/sso/callback");
            };
            let settings = kasvu_web::sso::OidcSettings {
                issuer,
                client_id,
                client_secret: oidc_client_secret,
            };
            Some(std::sync::Arc::new(
                kasvu_web::sso::Oidc::new(settings, public).map_err(|e| anyhow::anyhow!(e))?,
            ))
        }
        _ => None,
    };
    let started = std::time::Instant::now();
    let (store, recorded_threshold) = open_server(&db).await?;
    if demo && store.is_empty().await? {
        kasvu_io::demo::load(&store).await?;
        tracing::info!(
            "loaded the Oulu demo data; sign in as e.g. {} / {}",
            kasvu_io::demo::USERS[0].email,
            kasvu_io::demo::USERS[0].password
        );
    }
    if !store.has_users().await? {
        tracing::warn!(
            "this installation has no users yet. Create the organisation and its first admin with \
             `kasvu init --org CODE --name NAME --admin-email E-MAIL` (it prints a one-time link \
             for the admin to set a password), or start with --demo to try Kasvu with the Oulu demo data"
        );
    }
    if store.search_needs_rebuild().await? {
        // A database from before search existed (or restored from a
        // backup without it, or from before hobbies, places, teams,
        // meetings and feedback were searched): build the index from what
        // is stored.
        let n = store.reindex_search().await?;
        if n > 0 {
            tracing::info!("built the search index ({n} entries)");
        }
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let public_url = Some(public_address(public_url.as_deref(), local)?);
    let state = kasvu_web::AppState {
        store,
        config: kasvu_web::WebConfig {
            secure_cookies,
            lock_after_days,
            public_url,
            max_answers_per_client,
            actor_review_days,
            max_wishes_per_client,
            oidc,
            password_login: !disable_password_login,
            import_limits,
            mailer: mail.mailer()?,
            brand: std::sync::Arc::new(brand),
            ..Default::default()
        },
        jobs: Default::default(),
        trees: Default::default(),
        pages: Default::default(),
        metrics: Default::default(),
    };
    if let Some(mailer) = mail.mailer()? {
        // Reminders go out hourly; each commitment once per meeting.
        let (store, days) = (state.store.clone(), mail.remind_days);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                tick.tick().await;
                let today = kasvu_core::clock::today();
                match kasvu_io::mail::send_reminders(&store, &mailer, today, days).await {
                    Ok(s) if s.messages > 0 => tracing::info!(
                        "sent {} reminder(s) for {} commitment(s)",
                        s.messages,
                        s.commitments
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!("reminders failed: {e}"),
                }
            }
        });
    }
    if let Some(addr) = metrics_addr {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} for metrics"))?;
        let local = listener.local_addr()?;
        let app = kasvu_web::metrics::app(state.clone());
        tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!("the metrics listener stopped: {e}");
            }
        });
        tracing::info!("metrics on http://{local}/metrics");
        println!("metrics on http://{local}/metrics");
    }
    let shutdown = shutdown_signal()?;
    record_server_threshold(&state.store, db.suppress_below, recorded_threshold).await;
    tracing::info!(
        "Kasvu listening on http://{local} (database {}, ready in {} ms)",
        db.db,
        started.elapsed().as_millis()
    );
    // Tests and scripts read this line to find the port when started on :0.
    println!("listening on http://{local}");
    let jobs = state.jobs.clone();
    axum::serve(
        listener,
        kasvu_web::app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    // Uploads run as jobs beside the requests: let the running ones finish
    // (each is one transaction, so one cut short stores nothing, but a
    // finished one is what its uploader expects).
    let deadline = std::time::Instant::now() + IMPORT_DRAIN;
    let running = jobs.counts().running;
    if running > 0 {
        tracing::info!("waiting for {running} running import(s) to finish");
    }
    while jobs.counts().running > 0 {
        if std::time::Instant::now() >= deadline {
            tracing::warn!(
                "stopping with {} import(s) unfinished: they are not applied (all or nothing)",
                jobs.counts().running
            );
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    Ok(())
}

/// How long a stopping server waits for running imports.
pub(crate) const IMPORT_DRAIN: std::time::Duration = std::time::Duration::from_secs(120);

/// Ctrl-C or SIGTERM (what service managers send) stops the server
/// gracefully. The handlers are installed here, before the server says it
/// listens, so a signal sent as soon as it does is never taken by the
/// default action (which would end the process on the spot).
pub(crate) fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
        let mut int = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
        Ok(async move {
            tokio::select! {
                _ = term.recv() => {},
                _ = int.recv() => {},
            }
            tracing::info!("shutting down: finishing the requests in flight");
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
