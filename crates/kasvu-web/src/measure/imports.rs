//! Importing a file of values in the web: the upload starts a job on the
//! server and the browser is sent to the job's page, which shows a progress
//! bar. It never reloads itself (WCAG 2.2.1): a small same-origin script
//! asks `/imports/{id}/status` (JSON) every second and updates the bar and
//! a polite status line; without scripts, a "check again" link reloads it
//! when the reader wants. A finished job links to the indicators and units
//! it wrote values of. The import is the CLI's (same
//! formats, same all-or-nothing rule, same audit; the Dimensions field is
//! the CLI's `--dim`), limited to the units the
//! user may enter data for; a refused file is answered with 400 and the
//! message naming its row or cell and field.
//!
//! A job runs in the server that took the upload, and its state is kept in
//! the database (written a few times a second while it runs), so its page
//! is served by whichever server behind a load balancer is asked. Finished
//! jobs are forgotten after an hour; the audit log is the lasting record.

use crate::i18n::Lang;
use crate::measure::api::{entry_guard, locked_before};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::upload::error_text;
use crate::support::upload::CheckedUpload;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use kasvu_core::role::permits;
use kasvu_core::{Action, Problem};
use kasvu_io::values::Format;
use kasvu_io::ImportError;
use kasvu_store::{Actor, WriteOptions, WriteSummary};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often a running job's progress is written to the database.
const PROGRESS_EVERY: Duration = Duration::from_millis(300);

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum JobState {
    /// Reading and checking rows: how many so far, of how many (when known).
    Checking { done: usize, total: Option<usize> },
    /// Every row is checked; the values and roll-ups are being written.
    Writing { rows: usize },
    Done {
        summary: WriteSummary,
        secs: f64,
        /// The indicators and units values were written of (ids).
        #[serde(default)]
        indicators: Vec<i64>,
        #[serde(default)]
        units: Vec<i64>,
    },
    /// The refusal as shown to people, in each language (written when it
    /// happened, naming the file, row or cell, and field).
    Failed { fi: String, sv: String, en: String },
}

impl JobState {
    fn failed(e: &ImportError) -> JobState {
        JobState::Failed {
            fi: error_text(Lang::Fi, e),
            sv: error_text(Lang::Sv, e),
            en: error_text(Lang::En, e),
        }
    }

    fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

#[derive(Debug, Clone)]
pub struct Job {
    pub id: String,
    pub file: String,
    pub dry_run: bool,
    pub state: JobState,
}

impl Job {
    fn of(row: kasvu_store::ImportJobRow) -> Result<Job, AppError> {
        let state = serde_json::from_str(&row.state)
            .map_err(|e| AppError::Internal(format!("import job {}: {e}", row.id)))?;
        Ok(Job {
            id: row.id,
            file: row.file,
            dry_run: row.dry_run,
            state,
        })
    }
}

/// The jobs this process runs, counted (their state is in the database).
#[derive(Clone, Default)]
pub struct ImportJobs(Arc<JobCounters>);

/// Import jobs one process runs at once. Each job's memory is bounded by
/// the import limits; this bounds their sum (a third upload waits for its
/// uploader to try again, with a message saying so).
pub const MAX_RUNNING_IMPORTS: usize = 2;

struct JobCounters {
    running: AtomicUsize,
    done: AtomicUsize,
    failed: AtomicUsize,
    slots: Arc<tokio::sync::Semaphore>,
}

impl Default for JobCounters {
    fn default() -> Self {
        JobCounters {
            running: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            slots: Arc::new(tokio::sync::Semaphore::new(MAX_RUNNING_IMPORTS)),
        }
    }
}

/// Jobs of this process: running now, and ended well or refused since it started.
#[derive(Debug, Default, Clone, Copy)]
pub struct JobCounts {
    pub running: usize,
    pub done: usize,
    pub failed: usize,
}

impl ImportJobs {
    pub fn counts(&self) -> JobCounts {
        JobCounts {
            running: self.0.running.load(Ordering::SeqCst),
            done: self.0.done.load(Ordering::SeqCst),
            failed: self.0.failed.load(Ordering::SeqCst),
        }
    }
}

/// The user, when they may enter data somewhere in their organisation.
async fn importer(st: &AppState, ctx: &Ctx) -> Result<kasvu_store::User, AppError> {
    let user = ctx.require_user()?.clone();
    let tree = st.store.org_tree(user.org_id).await?;
    let a = user.assignments();
    if user
        .roles
        .iter()
        .any(|r| permits(&a, &tree, Action::EnterData, r.scope_id))
    {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

pub struct JobRow {
    pub id: String,
    pub file: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "imports.html")]
pub struct ImportsPage<'a> {
    pub ctx: &'a Ctx,
    pub jobs: Vec<JobRow>,
    pub error: Option<String>,
    pub file_hint: String,
}

fn status_text(lang: Lang, j: &Job) -> String {
    match &j.state {
        JobState::Checking { done, .. } => {
            lang.t_args("import-checking", &[("done", done.to_string())])
        }
        JobState::Writing { rows } => lang.t_args("import-writing", &[("rows", rows.to_string())]),
        JobState::Done { summary, .. } => summary_text(lang, summary, j.dry_run),
        JobState::Failed { .. } => lang.t("import-failed"),
    }
}

fn summary_text(lang: Lang, s: &WriteSummary, dry_run: bool) -> String {
    lang.t_args(
        if dry_run {
            "import-done-dry-run"
        } else {
            "import-done"
        },
        &[
            ("created", s.created.to_string()),
            ("replaced", s.replaced.to_string()),
            ("unchanged", s.unchanged.to_string()),
        ],
    )
}

pub async fn imports_page(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let user = importer(&st, &ctx).await?;
    render_list(&st, &ctx, user.id, None, StatusCode::OK).await
}

async fn render_list(
    st: &AppState,
    ctx: &Ctx,
    user_id: i64,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let mut jobs = Vec::new();
    for row in st.store.import_jobs_of(user_id).await? {
        let j = Job::of(row)?;
        jobs.push(JobRow {
            status: status_text(ctx.lang, &j),
            id: j.id,
            file: j.file,
        });
    }
    let page = ImportsPage {
        ctx,
        jobs,
        error,
        file_hint: ctx.lang.t_args(
            "import-file-hint",
            &[("max", crate::support::upload::max_upload_mb(st).to_string())],
        ),
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn upload(
    State(st): State<AppState>,
    ctx: Ctx,
    CheckedUpload(upload): CheckedUpload,
) -> PageResult {
    let user = importer(&st, &ctx).await?;
    let lang = ctx.lang;
    let refuse =
        |message: String| render_list(&st, &ctx, user.id, Some(message), StatusCode::BAD_REQUEST);
    if upload.bytes.is_empty() || upload.file_name.is_empty() {
        return refuse(lang.t("import-no-file")).await;
    }
    let format = match upload.field("format") {
        "" => match Format::detect(&upload.file_name, &upload.bytes) {
            Some(f) => f,
            None => {
                return refuse(lang.t_args(
                    "import-unknown-format",
                    &[("file", upload.file_name.clone())],
                ))
                .await
            }
        },
        "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        "sotkanet" => Format::Sotkanet,
        "jsonstat" => Format::JsonStat,
        other => {
            return refuse(lang.problem(&Problem::not_one_of(
                other,
                &["csv", "xlsx", "sotkanet", "jsonstat"],
            )))
            .await
        }
    };
    // JSON-stat dimensions mapped by hand, as the CLI's `--dim` takes them.
    let dims = match kasvu_io::jsonstat::parse_dims(upload.field("dims")) {
        Ok(d) => d,
        Err(p) => return refuse(lang.problem(&p)).await,
    };
    // A CSV file is read as it is written, so its size is known only by
    // its lines; the other formats report their total themselves.
    let total = (format == Format::Csv)
        .then(|| bytecount_lines(&upload.bytes).saturating_sub(1))
        .filter(|n| *n > 0);
    let opts =
        WriteOptions {
            locked_before: locked_before(&user, st.config.lock_after_days),
            guard: Some(entry_guard(&st, &user).await.map_err(|_| {
                AppError::Internal("could not read the organisation's tree".into())
            })?),
            source: upload.file_name.clone(),
            dry_run: !upload.field("dry_run").is_empty(),
        };
    let Ok(slot) = st.jobs.0.slots.clone().try_acquire_owned() else {
        return render_list(
            &st,
            &ctx,
            user.id,
            Some(lang.t_args("import-busy", &[("max", MAX_RUNNING_IMPORTS.to_string())])),
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    };
    let id = kasvu_store::random_token()[..24].to_owned();
    st.store
        .start_import_job(
            &id,
            user.id,
            &upload.file_name,
            !upload.field("dry_run").is_empty(),
            &JobState::Checking { done: 0, total }.json(),
        )
        .await?;
    let counters = st.jobs.0.clone();
    let limits = st.config.import_limits;
    counters.running.fetch_add(1, Ordering::SeqCst);
    let store = st.store.clone();
    let actor = Actor::user(user.id, &user.email);
    let job_id = id.clone();
    tokio::spawn(async move {
        let started = Instant::now();
        let dry_run = opts.dry_run;
        let scheme = Some(upload.field("scheme").trim()).filter(|s| !s.is_empty());
        // The import reports progress to this channel; a writer stores the
        // latest a few times a second (never from inside the import).
        let (tx, mut rx) = tokio::sync::watch::channel(None::<JobState>);
        let writer = {
            let (store, id) = (store.clone(), job_id.clone());
            tokio::spawn(async move {
                // Ends when the import drops its sender.
                while rx.changed().await.is_ok() {
                    let latest = rx.borrow_and_update().clone();
                    if let Some(state) = latest {
                        if let Err(e) = store.set_import_job(&id, &state.json(), false).await {
                            tracing::warn!("import job {id}: progress not stored: {e}");
                        }
                    }
                    tokio::time::sleep(PROGRESS_EVERY).await;
                }
            })
        };
        let mut touched = kasvu_io::values::Touched::default();
        let result = kasvu_io::values::import_touching(
            &store,
            &actor,
            &upload.bytes,
            &upload.file_name,
            format,
            scheme,
            &dims,
            opts,
            &limits,
            &mut |done, known| {
                let total = known.or(total);
                let state = match total {
                    Some(t) if done >= t => JobState::Writing { rows: done },
                    _ => JobState::Checking { done, total },
                };
                tx.send_replace(Some(state));
            },
            &mut touched,
        )
        .await;
        drop(tx);
        let _ = writer.await;
        let end = match &result {
            Ok(summary) => {
                counters.done.fetch_add(1, Ordering::SeqCst);
                JobState::Done {
                    summary: *summary,
                    secs: started.elapsed().as_secs_f64(),
                    indicators: touched.indicators.iter().copied().collect(),
                    units: touched.units.iter().copied().collect(),
                }
            }
            Err(error) => {
                counters.failed.fetch_add(1, Ordering::SeqCst);
                JobState::failed(error)
            }
        };
        if let Err(e) = store.set_import_job(&job_id, &end.json(), true).await {
            tracing::error!("import job {job_id}: its end was not stored: {e}");
        }
        counters.running.fetch_sub(1, Ordering::SeqCst);
        drop(slot);
        // The figures are in: their small numbers are protected now, in
        // the background, rather than by the first dashboard to ask (about
        // a minute at 10 M values on the benchmark's machine). One pass at
        // a time for the whole server; a dashboard asking meanwhile waits
        // for the table in hand instead of protecting it again; the years
        // are kept for the next start.
        if result.is_ok_and(|s| !dry_run && s.created + s.replaced + s.removed > 0) {
            store.protect_ahead_in_background(kasvu_store::ProtectScope::Indicators(
                touched.indicators,
            ));
        }
    });
    Ok(Redirect::to(&format!("/imports/{id}")).into_response())
}

/// Lines in a file (the last one may lack its newline).
fn bytecount_lines(bytes: &[u8]) -> usize {
    let n = bytes.iter().filter(|b| **b == b'\n').count();
    if bytes.last().is_some_and(|b| *b != b'\n') {
        n + 1
    } else {
        n
    }
}

/// A job as its page and its status endpoint show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JobView {
    pub running: bool,
    /// Progress bar value and maximum; no value = indeterminate.
    pub value: Option<usize>,
    pub max: usize,
    pub status: String,
    pub error: Option<String>,
    pub finished: bool,
    /// What the finished job changed: the indicators and units.
    pub links: Vec<JobLink>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct JobLink {
    pub href: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "import_job.html")]
pub struct JobPage<'a> {
    pub ctx: &'a Ctx,
    pub id: String,
    pub file: String,
    pub v: JobView,
}

/// Whether a job still runs, and its progress bar's value (none while the
/// amount of work is unknown: an indeterminate bar) and maximum.
fn bar(state: &JobState) -> (bool, Option<usize>, usize) {
    match state {
        JobState::Checking {
            done,
            total: Some(t),
        } => (true, Some((*done).min(*t)), *t),
        JobState::Checking { .. } | JobState::Writing { .. } => (true, None, 1),
        JobState::Done { .. } => (false, Some(1), 1),
        JobState::Failed { .. } => (false, None, 1),
    }
}

/// Links shown of each kind at most (a national file touches hundreds of units).
const MAX_LINKS: usize = 12;

/// The pages of what a finished job changed.
async fn links(st: &AppState, ctx: &Ctx, state: &JobState) -> Result<Vec<JobLink>, AppError> {
    let JobState::Done {
        indicators, units, ..
    } = state
    else {
        return Ok(vec![]);
    };
    let mut out = Vec::new();
    if !indicators.is_empty() {
        for i in st
            .store
            .indicators()
            .await?
            .iter()
            .filter(|i| indicators.contains(&i.id))
            .take(MAX_LINKS)
        {
            out.push(JobLink {
                href: format!("/indicators/{}", i.spec.code),
                text: ctx.name(&i.spec.names).to_owned(),
            });
        }
    }
    if !units.is_empty() {
        let user = ctx.require_user()?;
        for u in st
            .store
            .org_units(user.org_id)
            .await?
            .iter()
            .filter(|u| units.contains(&u.id))
            .take(MAX_LINKS)
        {
            out.push(JobLink {
                href: format!("/units/{}/dashboard", u.code),
                text: ctx.lang.t_args(
                    "import-unit-link",
                    &[("unit", ctx.name(&u.names).to_owned())],
                ),
            });
        }
    }
    Ok(out)
}

/// The user's own job, and how it shows.
async fn job_view(st: &AppState, ctx: &Ctx, id: &str) -> Result<(Job, JobView), AppError> {
    let user = ctx.require_user()?;
    let job = match st.store.import_job(id).await? {
        Some(row) if row.user_id == user.id => Job::of(row)?,
        _ => return Err(AppError::NotFound),
    };
    let lang = ctx.lang;
    let (running, value, max) = bar(&job.state);
    let error = match &job.state {
        JobState::Failed { fi, sv, en } => Some(
            match lang {
                Lang::Fi => fi,
                Lang::Sv => sv,
                Lang::En => en,
            }
            .clone(),
        ),
        _ => None,
    };
    let mut status = status_text(lang, &job);
    if let JobState::Done { secs, .. } = &job.state {
        status.push(' ');
        status.push_str(&lang.t_args(
            "import-took",
            &[(
                "secs",
                crate::support::format::format_number(lang, *secs, 1),
            )],
        ));
    }
    let links = if job.dry_run {
        vec![]
    } else {
        links(st, ctx, &job.state).await?
    };
    let view = JobView {
        running,
        value,
        max,
        status,
        finished: !running && error.is_none(),
        error,
        links,
    };
    Ok((job, view))
}

pub async fn job_page(State(st): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let (job, v) = job_view(&st, &ctx, &id).await?;
    let page = JobPage {
        ctx: &ctx,
        id: job.id.clone(),
        file: job.file.clone(),
        v,
    };
    let code = if matches!(job.state, JobState::Failed { .. }) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((code, Html(page.render()?)).into_response())
}

/// The job's progress as JSON, for the page's script: `running`, the bar's
/// `value` and `max`, the `status` line, the `error` of a refused file,
/// and the `links` to what a finished job changed, in the reader's language.
pub async fn job_status(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> PageResult {
    let (_, v) = job_view(&st, &ctx, &id).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/json"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::to_string(&v).map_err(|e| AppError::Internal(e.to_string()))?,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_follows_the_job() {
        let checking = |done, total| JobState::Checking { done, total };
        assert_eq!(bar(&checking(5000, Some(20000))), (true, Some(5000), 20000));
        assert_eq!(
            bar(&checking(25000, Some(20000))),
            (true, Some(20000), 20000)
        );
        assert_eq!(bar(&checking(5000, None)), (true, None, 1), "unknown size");
        assert_eq!(bar(&JobState::Writing { rows: 9 }), (true, None, 1));
        let done = JobState::Done {
            summary: WriteSummary::default(),
            secs: 1.0,
            indicators: vec![],
            units: vec![],
        };
        assert_eq!(bar(&done), (false, Some(1), 1));
    }

    #[test]
    fn an_error_names_where_then_what_in_the_language() {
        let e = ImportError::field(
            "a.csv",
            3,
            kasvu_core::FieldError::new(
                "value",
                Problem::new("err-number", "not a number").arg("value", "x"),
            ),
        );
        let fi = error_text(Lang::Fi, &e);
        assert!(fi.starts_with("a.csv, rivi 3, kenttä ”value”: "), "{fi}");
        assert!(error_text(Lang::En, &e).starts_with("a.csv, row 3, field “value”: "));
    }

    #[test]
    fn lines_with_and_without_a_final_newline() {
        assert_eq!(bytecount_lines(b"a\nb\n"), 2);
        assert_eq!(bytecount_lines(b"a\nb"), 2);
        assert_eq!(bytecount_lines(b""), 0);
    }
}
