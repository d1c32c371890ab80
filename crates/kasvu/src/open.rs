//! Opening the database for a command, at the small-number threshold the
//! server recorded (migration 0038) unless the command is given one.

use crate::*;

/// Opens the database for a command, at the threshold it is given or, if
/// none, the one the server recorded: an export or an import's protection
/// ahead then hides what the server hides.
pub(crate) async fn open(db: &DbArg) -> Result<Store> {
    let (store, recorded) = open_at(db).await?;
    let threshold = match (db.suppress_below, recorded) {
        (Some(given), Some(server)) if given != server => {
            eprintln!(
                "Note: the server of this database hides counts below {server}; this command \
                 uses --suppress-below {given}{}.",
                if given < server {
                    ", so what it writes out may show counts the server hides"
                } else {
                    ""
                }
            );
            given
        }
        (Some(given), _) => given,
        (None, Some(server)) => server,
        (None, None) => kasvu_core::measure::DEFAULT_THRESHOLD,
    };
    Ok(store.with_threshold(threshold))
}

/// Opens the database for `kasvu serve` at the threshold it is given or,
/// if none, the one the servers last started with but never below the
/// default (a restart that forgets `KASVU_SUPPRESS_BELOW` does not quietly
/// serve more, and a lower one must be given at every start); the
/// threshold recorded before.
pub(crate) async fn open_server(db: &DbArg) -> Result<(Store, Option<f64>)> {
    let (store, recorded) = open_at(db).await?;
    let default = kasvu_core::measure::DEFAULT_THRESHOLD;
    let threshold = db
        .suppress_below
        .unwrap_or_else(|| recorded.map_or(default, |r| r.max(default)));
    Ok((store.with_threshold(threshold), recorded))
}

/// Records the server's threshold for the other commands, once the server
/// is about to serve (a start that fails — its port taken by the running
/// server, say — leaves the running one's), and says which it is. Not
/// recorded is a warning, not a failed start: a long import from the
/// command line holds SQLite's write lock for minutes.
pub(crate) async fn record_server_threshold(
    store: &Store,
    given: Option<f64>,
    recorded: Option<f64>,
) {
    let threshold = store.threshold();
    let default = kasvu_core::measure::DEFAULT_THRESHOLD;
    if let Err(e) = store.record_threshold().await {
        tracing::warn!(
            "small numbers below {threshold} are suppressed, but this could not be recorded \
             for the command line ({e}); it uses the last start's until the next start"
        );
        return;
    }
    match (given, recorded) {
        (Some(_), Some(before)) if before != threshold => tracing::warn!(
            "small numbers below {threshold} are suppressed (--suppress-below); the last start \
             suppressed below {before}"
        ),
        (None, Some(before)) if before != threshold => tracing::warn!(
            "small numbers below {threshold} are suppressed (the default: no --suppress-below \
             given, and the last start's {before} was lower)"
        ),
        (None, Some(_)) if threshold != default => tracing::warn!(
            "small numbers below {threshold} are suppressed, as at the last start (no \
             --suppress-below given)"
        ),
        _ => tracing::info!("small numbers below {threshold} are suppressed"),
    }
}

/// The database opened, and the threshold its servers recorded.
pub(crate) async fn open_at(db: &DbArg) -> Result<(Store, Option<f64>)> {
    if let Some(t) = db.suppress_below {
        if !(t >= 1.0 && t.is_finite()) {
            bail!("--suppress-below must be 1 or more");
        }
    }
    let store = Store::open(&db.db)
        .await
        .with_context(|| format!("cannot open the database {}", db.db))?;
    let recorded = match store.recorded_threshold().await {
        Ok(r) => r,
        // Given one, the command goes on (and `serve` records it anew).
        Err(e) if db.suppress_below.is_some() => {
            eprintln!("Note: the threshold recorded by the server is not readable ({e}).");
            None
        }
        Err(e) => bail!(
            "cannot read the small-number threshold recorded in {} ({e}); give \
             --suppress-below N (`kasvu serve --suppress-below N` records it anew)",
            db.db
        ),
    };
    Ok((store, recorded))
}
