//! Sign-ins through the organisation's OpenID Connect provider, kept in the
//! database between leaving for the provider and coming back, so any server
//! behind the load balancer can finish one.

use crate::now;
use crate::support::credentials::token_hash;
use crate::support::db::Store;
use crate::support::error::Result;
use sqlx::Row;

/// A sign-in through the organisation's identity provider, between leaving
/// for the provider and coming back (see `kasvu-web`'s `sso.rs`).
#[derive(Debug, Clone)]
pub struct SsoLogin {
    pub nonce: String,
    pub pkce_verifier: String,
    pub next_path: String,
}

impl Store {
    /// Remembers a sign-in that left for the provider, for `ttl_secs`.
    pub async fn save_sso_login(
        &self,
        state: &str,
        browser: &str,
        login: &SsoLogin,
        ttl_secs: i64,
    ) -> Result<()> {
        let t = now();
        sqlx::query("DELETE FROM sso_logins WHERE expires_at < $1")
            .bind(t)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO sso_logins (state_hash, browser_hash, nonce, pkce_verifier, next_path, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash(state))
        .bind(token_hash(browser))
        .bind(&login.nonce)
        .bind(&login.pkce_verifier)
        .bind(&login.next_path)
        .bind(t + ttl_secs)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Takes (once) the sign-in with this state, when it is live and was
    /// started in the same browser.
    pub async fn take_sso_login(&self, state: &str, browser: &str) -> Result<Option<SsoLogin>> {
        let row = sqlx::query(
            "DELETE FROM sso_logins WHERE state_hash = $1 \
             RETURNING browser_hash, nonce, pkce_verifier, next_path, expires_at",
        )
        .bind(token_hash(state))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let browser_hash: String = row.try_get("browser_hash")?;
        let expires_at: i64 = row.try_get("expires_at")?;
        if expires_at < now() || browser_hash != token_hash(browser) {
            return Ok(None);
        }
        Ok(Some(SsoLogin {
            nonce: row.try_get("nonce")?,
            pkce_verifier: row.try_get("pkce_verifier")?,
            next_path: row.try_get("next_path")?,
        }))
    }
}
