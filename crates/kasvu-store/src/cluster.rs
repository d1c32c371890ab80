//! What several `kasvu serve` processes on one database share, so that they
//! behave as one: the org tree's version (for caches), locks for tasks that
//! must run once (the reminder sweep), and rate limits.

use crate::credentials::random_token;
use crate::db::Store;
use crate::error::Result;
use crate::now;
use sqlx::AnyConnection;

/// Bumps the org tree's version: the last statement of a transaction that
/// writes org units, so every process's cache of the tree is refreshed.
pub(crate) async fn bump_tree_version(conn: &mut AnyConnection) -> Result<()> {
    sqlx::query("UPDATE tree_version SET version = version + 1 WHERE id = 1")
        .execute(conn)
        .await?;
    Ok(())
}

/// A held task lock; [`Store::unlock_task`] gives it back.
#[derive(Debug)]
pub struct TaskLock {
    pub name: String,
    holder: String,
}

impl Store {
    /// The org tree's version; read it *before* the data it guards.
    pub async fn tree_version(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT version FROM tree_version WHERE id = 1")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Takes the lock `name` for at most `secs` seconds, unless another
    /// holder has it and its time has not run out. One statement, so two
    /// processes asking at once cannot both get it.
    pub async fn try_lock_task(&self, name: &str, secs: i64) -> Result<Option<TaskLock>> {
        let holder = random_token();
        let t = now();
        let got = sqlx::query(
            "INSERT INTO task_locks (name, holder, until) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until \
             WHERE task_locks.until < $4",
        )
        .bind(name)
        .bind(&holder)
        .bind(t + secs)
        .bind(t)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok((got == 1).then(|| TaskLock {
            name: name.to_owned(),
            holder,
        }))
    }

    /// Gives a task lock back (only its own holder can).
    pub async fn unlock_task(&self, lock: TaskLock) -> Result<()> {
        sqlx::query("DELETE FROM task_locks WHERE name = $1 AND holder = $2")
            .bind(&lock.name)
            .bind(&lock.holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Counts an event for `key` unless `max` were counted within the last
    /// `window_secs` seconds; shared by every process on the database.
    pub async fn rate_allow(&self, key: &str, max: usize, window_secs: i64) -> Result<bool> {
        let t = now();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM rate_events WHERE key = $1 AND at <= $2")
            .bind(key)
            .bind(t - window_secs)
            .execute(&mut *tx)
            .await?;
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_events WHERE key = $1")
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
        if n >= max as i64 {
            return Ok(false);
        }
        sqlx::query("INSERT INTO rate_events (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(t)
            .execute(&mut *tx)
            .await?;
        // Now and then, forget every key's old events so the table stays small.
        if rand::random::<u8>() == 0 {
            sqlx::query("DELETE FROM rate_events WHERE at < $1")
                .bind(t - 86_400)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
