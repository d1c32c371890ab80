//! People, their roles, sessions, API tokens and login throttling.

use crate::support::audit::{write_audit, AuditWrite};
use crate::support::credentials::{hash_password, random_token, token_hash};
use crate::support::db::{is_unique_violation, Store};
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::{Assignment, Email, FieldError, Names, Password, Problem, Role};
use serde_json::json;
use sqlx::{AnyConnection, Row};

/// One role of a user, with the unit it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRole {
    pub id: i64,
    pub role: Role,
    pub scope_id: i64,
    pub scope_code: String,
    pub scope_names: Names,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub org_id: i64,
    pub email: String,
    pub name: String,
    pub disabled: bool,
    pub roles: Vec<UserRole>,
}

impl User {
    pub fn assignments(&self) -> Vec<Assignment> {
        self.roles
            .iter()
            .map(|r| Assignment {
                role: r.role,
                scope: r.scope_id,
            })
            .collect()
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|r| r.role == role)
    }
}

pub struct NewUser {
    pub email: Email,
    pub name: String,
    pub password: Option<Password>,
    pub role: Role,
    /// Code of the org unit the role covers; the user belongs to its organisation.
    pub scope_code: String,
}

/// Validates a person's display name.
pub fn parse_name(s: &str) -> std::result::Result<String, Problem> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Problem::required());
    }
    if t.chars().count() > 200 {
        return Err(Problem::too_long(200));
    }
    if t.chars().any(char::is_control) {
        return Err(Problem::new(
            "err-control-chars",
            "contains control characters",
        ));
    }
    Ok(t.to_owned())
}

async fn roles_of(conn: &mut AnyConnection, user_ids: &[i64]) -> Result<Vec<(i64, UserRole)>> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Users of one organisation are few; one query for all of them.
    let rows = sqlx::query(
        "SELECT r.id, r.user_id, r.role, r.scope_id, u.code, u.name_fi, u.name_sv, u.name_en \
         FROM role_assignments r JOIN org_units u ON u.id = r.scope_id \
         JOIN users p ON p.id = r.user_id WHERE p.org_id = (SELECT org_id FROM users WHERE id = $1) \
         ORDER BY r.id",
    )
    .bind(user_ids[0])
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let uid: i64 = r.try_get("user_id")?;
        if !user_ids.contains(&uid) {
            continue;
        }
        let role: String = r.try_get("role")?;
        out.push((
            uid,
            UserRole {
                id: r.try_get("id")?,
                role: Role::parse(&role).map_err(|p| StoreError::Corrupt(p.to_string()))?,
                scope_id: r.try_get("scope_id")?,
                scope_code: r.try_get("code")?,
                scope_names: crate::support::db::names_of(&r, "name")?,
            },
        ));
    }
    Ok(out)
}

async fn load_users(conn: &mut AnyConnection, rows: Vec<sqlx::any::AnyRow>) -> Result<Vec<User>> {
    let mut users = rows
        .iter()
        .map(|r| {
            let disabled: Option<i64> = r.try_get("disabled_at")?;
            Ok(User {
                id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                email: r.try_get("email")?,
                name: r.try_get("name")?,
                disabled: disabled.is_some(),
                roles: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let ids: Vec<i64> = users.iter().map(|u| u.id).collect();
    for (uid, role) in roles_of(conn, &ids).await? {
        if let Some(u) = users.iter_mut().find(|u| u.id == uid) {
            u.roles.push(role);
        }
    }
    Ok(users)
}

const SELECT_USERS: &str = "SELECT id, org_id, email, name, disabled_at FROM users";

fn user_snapshot(u: &User) -> serde_json::Value {
    json!({
        "email": u.email,
        "name": u.name,
        "disabled": u.disabled,
        "roles": u.roles.iter().map(|r| format!("{}@{}", r.role, r.scope_code)).collect::<Vec<_>>(),
    })
}

pub(crate) async fn user_in(conn: &mut AnyConnection, id: i64) -> Result<Option<User>> {
    let rows = sqlx::query(&format!("{SELECT_USERS} WHERE id = $1"))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(load_users(conn, rows).await?.pop())
}

async fn scope_unit(conn: &mut AnyConnection, code: &str) -> Result<(i64, i64, kasvu_core::Level)> {
    let row = sqlx::query("SELECT id, org_id, level FROM org_units WHERE lower(code) = $1")
        .bind(kasvu_core::code_key(code))
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| {
            StoreError::invalid(
                "org",
                Problem::new("err-unit-missing", format!("there is no org unit '{code}'"))
                    .arg("value", code),
            )
        })?;
    let level: String = row.try_get("level")?;
    Ok((
        row.try_get("id")?,
        row.try_get("org_id")?,
        kasvu_core::Level::parse(&level).map_err(|p| StoreError::Corrupt(p.to_string()))?,
    ))
}

impl Store {
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> Result<User> {
        let name = parse_name(&new.name).map_err(|p| StoreError::invalid("name", p))?;
        let hash = new
            .password
            .as_ref()
            .map(|p| hash_password(p.expose()))
            .transpose()?;
        let mut tx = self.begin_write().await?;
        let (scope_id, org_id, level) = scope_unit(&mut tx, &new.scope_code).await?;
        new.role
            .check_scope(level)
            .map_err(|p| StoreError::invalid("org", p))?;
        let res = sqlx::query_scalar::<_, i64>(
            "INSERT INTO users (org_id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(org_id)
        .bind(new.email.as_str())
        .bind(&name)
        .bind(hash)
        .bind(now())
        .fetch_one(&mut *tx)
        .await;
        let id = match res {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Conflict(FieldError::new(
                    "email",
                    Problem::new(
                        "err-email-taken",
                        format!("a user with e-mail {} exists", new.email),
                    )
                    .arg("value", new.email.as_str()),
                )))
            }
            Err(e) => return Err(e.into()),
        };
        sqlx::query("INSERT INTO role_assignments (user_id, role, scope_id) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(new.role.code())
            .bind(scope_id)
            .execute(&mut *tx)
            .await?;
        let user = user_in(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::NotFound("new user".into()))?;
        write_audit(
            &mut tx,
            actor,
            AuditWrite {
                org_id: Some(org_id),
                entity: "user",
                key: &user.email,
                action: "create",
                old: None,
                new: Some(user_snapshot(&user)),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Gives a user another role. The scope must be in the user's organisation.
    pub async fn add_role(
        &self,
        actor: &Actor,
        user_id: i64,
        role: Role,
        scope_code: &str,
    ) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let before = user_in(&mut tx, user_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("user".into()))?;
        let (scope_id, org_id, level) = scope_unit(&mut tx, scope_code).await?;
        if org_id != before.org_id {
            return Err(StoreError::invalid(
                "org",
                Problem::new(
                    "err-scope-other-org",
                    "the role's unit must be in the user's own organisation",
                ),
            ));
        }
        role.check_scope(level)
            .map_err(|p| StoreError::invalid("org", p))?;
        if before
            .roles
            .iter()
            .any(|r| r.role == role && r.scope_id == scope_id)
        {
            return Ok(before);
        }
        sqlx::query("INSERT INTO role_assignments (user_id, role, scope_id) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(role.code())
            .bind(scope_id)
            .execute(&mut *tx)
            .await?;
        let after = self
            .audit_user_change(&mut tx, actor, &before, "add_role")
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn remove_role(&self, actor: &Actor, user_id: i64, role_id: i64) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let before = user_in(&mut tx, user_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("user".into()))?;
        if !before.roles.iter().any(|r| r.id == role_id) {
            return Err(StoreError::NotFound("role".into()));
        }
        sqlx::query("DELETE FROM role_assignments WHERE id = $1 AND user_id = $2")
            .bind(role_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let after = self
            .audit_user_change(&mut tx, actor, &before, "remove_role")
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Disables or re-enables a user; disabling ends their sessions and tokens.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        user_id: i64,
        disabled: bool,
    ) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let before = user_in(&mut tx, user_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("user".into()))?;
        if before.disabled == disabled {
            return Ok(before);
        }
        sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
            .bind(disabled.then(now))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(now())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        }
        let after = self
            .audit_user_change(
                &mut tx,
                actor,
                &before,
                if disabled { "disable" } else { "enable" },
            )
            .await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn audit_user_change(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        before: &User,
        action: &str,
    ) -> Result<User> {
        let after = user_in(conn, before.id)
            .await?
            .ok_or_else(|| StoreError::NotFound("user".into()))?;
        write_audit(
            conn,
            actor,
            AuditWrite {
                org_id: Some(before.org_id),
                entity: "user",
                key: &before.email,
                action,
                old: Some(user_snapshot(before)),
                new: Some(user_snapshot(&after)),
            },
        )
        .await?;
        Ok(after)
    }

    pub async fn users(&self, org_id: i64) -> Result<Vec<User>> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(&format!(
            "{SELECT_USERS} WHERE org_id = $1 ORDER BY name, email"
        ))
        .bind(org_id)
        .fetch_all(&mut *conn)
        .await?;
        load_users(&mut conn, rows).await
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let mut conn = self.pool.acquire().await?;
        user_in(&mut conn, id).await
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(&format!("{SELECT_USERS} WHERE email = $1"))
            .bind(email.trim().to_lowercase())
            .fetch_all(&mut *conn)
            .await?;
        Ok(load_users(&mut conn, rows).await?.pop())
    }

    /// The user with this e-mail and password, when enabled and the password
    /// matches. Unknown e-mails cost a hash too, so timing reveals nothing.
    pub async fn authenticate(&self, email: &str, password: &str) -> Result<Option<User>> {
        let row = sqlx::query("SELECT id, password_hash, disabled_at FROM users WHERE email = $1")
            .bind(email.trim().to_lowercase())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            let _ = crate::support::credentials::verify_password(password, DUMMY_HASH);
            return Ok(None);
        };
        let hash: Option<String> = row.try_get("password_hash")?;
        let disabled: Option<i64> = row.try_get("disabled_at")?;
        let ok = hash
            .as_deref()
            .is_some_and(|h| crate::support::credentials::verify_password(password, h));
        if !ok || disabled.is_some() {
            return Ok(None);
        }
        self.user(row.try_get("id")?).await
    }

    // ----- sessions -----

    /// Starts a session; returns (cookie token, CSRF token).
    pub async fn create_session(&self, user_id: i64, ttl_secs: i64) -> Result<(String, String)> {
        let (token, csrf) = (random_token(), random_token());
        let t = now();
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(t)
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash(&token))
            .bind(user_id)
            .bind(&csrf)
            .bind(t)
            .bind(t + ttl_secs)
            .execute(&self.pool)
            .await?;
        Ok((token, csrf))
    }

    /// The live session's user and CSRF token.
    pub async fn session(&self, token: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT s.user_id, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled_at IS NULL",
        )
        .bind(token_hash(token))
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let csrf: String = row.try_get("csrf_token")?;
        Ok(self.user(row.try_get("user_id")?).await?.map(|u| (u, csrf)))
    }

    pub async fn delete_session(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    // ----- API tokens -----

    /// Creates a bearer token for API use; only its hash is stored, so this is
    /// the one time it can be shown.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        user_id: i64,
        label: &str,
    ) -> Result<String> {
        let token = format!("kasvu_{}", random_token());
        let mut tx = self.begin_write().await?;
        let user = user_in(&mut tx, user_id)
            .await?
            .ok_or_else(|| StoreError::NotFound("user".into()))?;
        sqlx::query("INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash(&token))
            .bind(user_id)
            .bind(label)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        write_audit(
            &mut tx,
            actor,
            AuditWrite {
                org_id: Some(user.org_id),
                entity: "api_token",
                key: &user.email,
                action: "create",
                old: None,
                new: Some(json!({ "label": label })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    pub async fn user_by_api_token(&self, token: &str) -> Result<Option<User>> {
        let h = token_hash(token);
        let uid: Option<i64> = sqlx::query_scalar(
            "SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL",
        )
        .bind(&h)
        .fetch_optional(&self.pool)
        .await?;
        let Some(uid) = uid else { return Ok(None) };
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
            .bind(now())
            .bind(&h)
            .execute(&self.pool)
            .await?;
        self.user(uid).await
    }

    // ----- login throttling (shared by every web node through the database) -----

    pub async fn record_login_failure(&self, keys: &[&str]) -> Result<()> {
        let t = now();
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(t - 86_400)
            .execute(&self.pool)
            .await?;
        for k in keys {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(*k)
                .bind(t)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    pub async fn login_failures_since(&self, key: &str, since: i64) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(since)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Remembers a browser its owner signed in with (a device cookie);
    /// returns the cookie's value. Only its hash is kept.
    pub async fn trust_device(&self, user_id: i64, ttl_secs: i64) -> Result<String> {
        let (token, t) = (random_token(), now());
        sqlx::query("DELETE FROM trusted_devices WHERE expires_at < $1")
            .bind(t)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO trusted_devices (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(t)
        .bind(t + ttl_secs)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The person a live device cookie was given to, and the key its own
    /// failed sign-ins are counted under (the cookie's hash, not the cookie).
    pub async fn trusted_device(&self, token: &str) -> Result<Option<TrustedDevice>> {
        let h = token_hash(token);
        let user_id: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM trusted_devices WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(&h)
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        Ok(user_id.map(|user_id| TrustedDevice {
            user_id,
            key: format!("device:{h}"),
        }))
    }

    pub async fn clear_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// A browser its owner has signed in with before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedDevice {
    pub user_id: i64,
    /// Its failed sign-ins are counted under this key alone.
    pub key: String,
}

/// A real argon2id hash of a random string, verified against for unknown
/// e-mail addresses so that they take as long as known ones.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3qK9m2GqPz5nGm7Wq0uJmS0Hn4GhXfD8QyV1oPz3Y8E";
