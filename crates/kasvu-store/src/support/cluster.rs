//! What several `kasvu serve` processes on one database share, so that they
//! behave as one: the org tree's version (for caches), locks for tasks that
//! must run once (the reminder sweep), rate limits, and the settings the
//! servers run with (for the command line beside them).

use crate::now;
use crate::support::credentials::random_token;
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
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

    /// The small-number threshold the servers of this database last
    /// started with (migration 0038), if one has started since.
    pub async fn recorded_threshold(&self) -> Result<Option<f64>> {
        let text: Option<String> =
            sqlx::query_scalar("SELECT value FROM server_settings WHERE name = 'suppress_below'")
                .fetch_optional(&self.pool)
                .await?;
        text.map(|t| {
            t.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 1.0)
                .ok_or_else(|| StoreError::Corrupt(format!("server_settings suppress_below: {t}")))
        })
        .transpose()
    }

    /// Records this store's threshold as the servers' (`kasvu serve` at its
    /// start): what it was before, if it was recorded.
    pub async fn record_threshold(&self) -> Result<Option<f64>> {
        // An unreadable value is what this write mends: not an error here.
        let before = self.recorded_threshold().await.ok().flatten();
        sqlx::query(
            "INSERT INTO server_settings (name, value, updated_at) VALUES ('suppress_below', $1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(self.threshold.to_string())
        .bind(now())
        .execute(&self.pool)
        .await?;
        Ok(before)
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

/// An import job as stored (see `kasvu-web`'s `import_pages.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportJobRow {
    pub id: String,
    pub user_id: i64,
    pub file: String,
    pub dry_run: bool,
    /// Unix seconds.
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// The web's JSON of the job's state.
    pub state: String,
}

/// How long a finished job is kept for its page.
const KEEP_FINISHED_SECS: i64 = 3600;

fn job_of(r: &sqlx::any::AnyRow) -> Result<ImportJobRow> {
    use sqlx::Row;
    let dry: i64 = r.try_get("dry_run")?;
    Ok(ImportJobRow {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        file: r.try_get("file")?,
        dry_run: dry != 0,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
        state: r.try_get("state")?,
    })
}

const SELECT_JOBS: &str =
    "SELECT id, user_id, file, dry_run, started_at, finished_at, state FROM import_jobs";

impl Store {
    /// Records a job that starts now (and forgets jobs that ended over an hour ago).
    pub async fn start_import_job(
        &self,
        id: &str,
        user_id: i64,
        file: &str,
        dry_run: bool,
        state: &str,
    ) -> Result<()> {
        let t = now();
        sqlx::query("DELETE FROM import_jobs WHERE finished_at < $1")
            .bind(t - KEEP_FINISHED_SECS)
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO import_jobs (id, user_id, file, dry_run, started_at, state) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(user_id)
        .bind(file)
        .bind(i64::from(dry_run))
        .bind(t)
        .bind(state)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Stores how far a job has come; `finished` when it has ended.
    pub async fn set_import_job(&self, id: &str, state: &str, finished: bool) -> Result<()> {
        sqlx::query("UPDATE import_jobs SET state = $1, finished_at = $2 WHERE id = $3")
            .bind(state)
            .bind(finished.then(now))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn import_job(&self, id: &str) -> Result<Option<ImportJobRow>> {
        let row = sqlx::query(&format!("{SELECT_JOBS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(job_of).transpose()
    }

    /// A person's jobs of the last hour, newest first.
    pub async fn import_jobs_of(&self, user_id: i64) -> Result<Vec<ImportJobRow>> {
        let rows = sqlx::query(&format!(
            "{SELECT_JOBS} WHERE user_id = $1 AND (finished_at IS NULL OR finished_at >= $2) \
             ORDER BY started_at DESC, id"
        ))
        .bind(user_id)
        .bind(now() - KEEP_FINISHED_SECS)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(job_of).collect()
    }
}
