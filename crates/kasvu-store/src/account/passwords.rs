//! Passwords without a database console: one-time links to set or reset a
//! password, a person changing their own, and the rule that a new password
//! ends every other session of that person.

use crate::account::users::User;
use crate::support::audit::{write_audit, AuditWrite};
use crate::support::credentials::{hash_password, random_token, token_hash, verify_password};
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::{Password, Problem};
use serde_json::json;
use sqlx::{AnyConnection, Row};

/// How long a set-password link lasts unless told otherwise: three days, so
/// one sent on a Friday still works on Monday.
pub const PASSWORD_LINK_HOURS: i64 = 72;

/// Stores the new hash and ends the user's sessions, all but `keep` (the
/// session of a person changing their own password). Audited without the hash.
async fn store_password(
    conn: &mut AnyConnection,
    actor: &Actor,
    user: &User,
    password: &Password,
    keep: Option<&str>,
    action: &str,
) -> Result<u64> {
    let hash = hash_password(password.expose())?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user.id)
        .execute(&mut *conn)
        .await?;
    let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user.id)
        .bind(keep.map(token_hash).unwrap_or_default())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    // A link not yet used is no longer needed once a password is set.
    sqlx::query("UPDATE password_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now())
        .bind(user.id)
        .execute(&mut *conn)
        .await?;
    write_audit(
        conn,
        actor,
        AuditWrite {
            org_id: Some(user.org_id),
            entity: "user",
            key: &user.email,
            action,
            old: None,
            new: Some(json!({ "sessions_ended": ended })),
        },
    )
    .await?;
    Ok(ended)
}

async fn user_for(conn: &mut AnyConnection, user_id: i64) -> Result<User> {
    crate::account::users::user_in(conn, user_id)
        .await?
        .ok_or_else(|| StoreError::NotFound("user".into()))
}

impl Store {
    /// Sets a user's password (the CLI, an admin) and ends all their sessions.
    pub async fn set_password(
        &self,
        actor: &Actor,
        user_id: i64,
        password: &Password,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let user = user_for(&mut tx, user_id).await?;
        store_password(&mut tx, actor, &user, password, None, "set_password").await?;
        tx.commit().await?;
        Ok(())
    }

    /// A signed-in person changes their own password. The current one must
    /// match; every other session of theirs ends, the one in `keep` stays.
    pub async fn change_own_password(
        &self,
        user_id: i64,
        current: &str,
        new: &Password,
        keep: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let user = user_for(&mut tx, user_id).await?;
        let hash: Option<String> =
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
        if !hash.is_some_and(|h| verify_password(current, &h)) {
            return Err(StoreError::invalid(
                "current",
                Problem::new("err-password-current", "the current password is not right"),
            ));
        }
        if current == new.expose() {
            return Err(StoreError::invalid(
                "password",
                Problem::new(
                    "err-password-same",
                    "the new password must differ from the current one",
                ),
            ));
        }
        let actor = Actor::user(user.id, &user.email);
        store_password(&mut tx, &actor, &user, new, Some(keep), "change_password").await?;
        tx.commit().await?;
        Ok(())
    }

    /// A one-time link token for a user to set a password, valid for `hours`.
    /// Any earlier unused link of the user stops working. Audited; the token
    /// is shown only here (only its hash is stored).
    pub async fn create_password_link(
        &self,
        actor: &Actor,
        user_id: i64,
        hours: i64,
    ) -> Result<String> {
        let token = random_token();
        let t = now();
        let mut tx = self.begin_write().await?;
        let user = user_for(&mut tx, user_id).await?;
        if user.disabled {
            return Err(StoreError::invalid(
                "email",
                Problem::new("err-user-disabled", "the user is disabled")
                    .arg("value", user.email.as_str()),
            ));
        }
        sqlx::query("DELETE FROM password_links WHERE expires_at < $1")
            .bind(t)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE password_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
        )
        .bind(t)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO password_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(t)
        .bind(t + hours * 3600)
        .execute(&mut *tx)
        .await?;
        write_audit(
            &mut tx,
            actor,
            AuditWrite {
                org_id: Some(user.org_id),
                entity: "user",
                key: &user.email,
                action: "password_link",
                old: None,
                new: Some(json!({ "valid_hours": hours })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The user a live (unused, unexpired) link belongs to.
    pub async fn password_link_user(&self, token: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT l.user_id FROM password_links l JOIN users u ON u.id = l.user_id \
             WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(token_hash(token))
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => self.user(r.try_get("user_id")?).await,
            None => Ok(None),
        }
    }

    /// Sets the password through a link, once: the link is spent in the same
    /// transaction (two tabs racing get one success), and all the user's
    /// sessions end. `None` when the link is unknown, used or expired.
    pub async fn use_password_link(
        &self,
        token: &str,
        password: &Password,
    ) -> Result<Option<User>> {
        let t = now();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE password_links SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(t)
        .bind(token_hash(token))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let user = user_for(&mut tx, row.try_get("user_id")?).await?;
        if user.disabled {
            return Ok(None);
        }
        let actor = Actor::user(user.id, &user.email);
        store_password(
            &mut tx,
            &actor,
            &user,
            password,
            None,
            "set_password_by_link",
        )
        .await?;
        tx.commit().await?;
        Ok(Some(user))
    }

    /// Whether the installation has any user yet (for the first-start hint).
    pub async fn has_users(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }
}
