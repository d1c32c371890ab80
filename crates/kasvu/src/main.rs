//! `kasvu`: the web app and its command-line tools.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use kasvu_core::{Email, Password, Role};
use kasvu_io::{import_error_from_store, orgunits_csv};
use kasvu_store::{Actor, NewUser, Store};
use std::io::Read;
use std::net::SocketAddr;

const DEFAULT_DB: &str = "sqlite://kasvu.db";

#[derive(Parser)]
#[command(
    name = "kasvu",
    version,
    about = "Kasvu: regional, multi-professional work for the well-being of children, young people and families"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct DbArg {
    /// Database URL: sqlite://FILE (created when missing) or postgres://USER@HOST/DB.
    #[arg(long, env = "KASVU_DB", default_value = DEFAULT_DB)]
    db: String,
    /// Small-number suppression: counts below this are never served or exported [default: the
    /// threshold `kasvu serve` last started with on this database, else 5]. `serve` records it;
    /// other commands use the recorded one unless given, and say so when given another.
    #[arg(long, env = "KASVU_SUPPRESS_BELOW")]
    suppress_below: Option<f64>,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "KASVU_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Load the Oulu demo data when the database is empty.
    #[arg(long)]
    demo: bool,
    /// Mark cookies Secure (set when Kasvu is served over HTTPS).
    #[arg(long, env = "KASVU_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Periods that ended more than this many days ago are locked for data entry, except for admins.
    #[arg(long, env = "KASVU_LOCK_AFTER_DAYS", default_value_t = 90)]
    lock_after_days: i64,
    /// The public address of the site (for feedback QR codes and links in e-mail).
    #[arg(long, env = "KASVU_PUBLIC_URL")]
    public_url: Option<String>,
    /// Feedback answers one client may send to one round in ten minutes.
    #[arg(long, env = "KASVU_MAX_ANSWERS_PER_CLIENT", default_value_t = kasvu_web::MAX_ANSWERS_PER_CLIENT)]
    max_answers_per_client: usize,
    /// Register entries not confirmed within this many days are flagged for review.
    #[arg(long, env = "KASVU_ACTOR_REVIEW_DAYS", default_value_t = kasvu_core::actor::DEFAULT_REVIEW_DAYS)]
    actor_review_days: i64,
    /// Wishes one client may send in ten minutes.
    #[arg(long, env = "KASVU_MAX_WISHES_PER_CLIENT", default_value_t = kasvu_web::MAX_WISHES_PER_CLIENT)]
    max_wishes_per_client: usize,
    /// Serve Prometheus metrics at http://ADDR/metrics, on an address of
    /// their own (an internal one: they are not for the public). Off by default.
    #[arg(long, env = "KASVU_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
    /// Single sign-on: the issuer URL of the organisation's OpenID Connect
    /// provider (e.g. https://login.microsoftonline.com/TENANT/v2.0). Needs
    /// --public-url, --oidc-client-id and usually --oidc-client-secret.
    #[arg(long, env = "KASVU_OIDC_ISSUER", requires = "oidc_client_id")]
    oidc_issuer: Option<String>,
    /// The client id Kasvu is registered with at the provider.
    #[arg(long, env = "KASVU_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    oidc_client_id: Option<String>,
    /// The client secret (better given in the environment than on the command line).
    #[arg(long, env = "KASVU_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// Refuse password sign-in: everyone signs in through the provider.
    #[arg(long, env = "KASVU_DISABLE_PASSWORD_LOGIN", requires = "oidc_issuer")]
    disable_password_login: bool,
    /// The city's name, shown in the header and page titles instead of "Kasvu".
    #[arg(long, env = "KASVU_CITY_NAME")]
    city_name: Option<String>,
    /// A logo file (.png, .jpg, .webp or .svg, at most 512 KB) shown in the header.
    #[arg(long, env = "KASVU_LOGO")]
    logo: Option<std::path::PathBuf>,
    /// The header's and buttons' colour, e.g. #005a8c; refused unless white
    /// text on it keeps a contrast of 4.5:1 (WCAG AA).
    #[arg(long, env = "KASVU_BRAND_COLOR")]
    brand_color: Option<String>,
}

/// The limits on imported files (`kasvu_io::Limits`); each refusal names
/// the limit it passed. The same flags for `serve` (uploads) and `import`.
#[derive(clap::Args, Clone)]
struct LimitsArgs {
    /// The largest file imported or uploaded, in MB.
    #[arg(long, env = "KASVU_MAX_FILE_MB", default_value_t = kasvu_io::Limits::default().file_bytes / MB)]
    max_file_mb: usize,
    /// The most one part of an XLSX workbook may unpack to, in MB.
    #[arg(long, env = "KASVU_MAX_XLSX_PART_MB", default_value_t = kasvu_io::Limits::default().xlsx_part_bytes / MB as u64)]
    max_xlsx_part_mb: u64,
    /// The most all parts of an XLSX workbook may unpack to together, in MB.
    #[arg(long, env = "KASVU_MAX_XLSX_UNPACKED_MB", default_value_t = kasvu_io::Limits::default().xlsx_total_bytes / MB as u64)]
    max_xlsx_unpacked_mb: u64,
    /// Columns of a table: a value in a column past this is refused.
    #[arg(long, env = "KASVU_MAX_COLUMNS", default_value_t = kasvu_io::Limits::default().columns)]
    max_columns: usize,
    /// Rows of a table (the header is row 1).
    #[arg(long, env = "KASVU_MAX_ROWS", default_value_t = kasvu_io::Limits::default().rows)]
    max_rows: usize,
    /// Non-empty cells of an XLSX sheet, and cells of a JSON-stat dataset.
    #[arg(long, env = "KASVU_MAX_CELLS", default_value_t = kasvu_io::Limits::default().cells)]
    max_cells: usize,
    /// Bytes in one cell or field.
    #[arg(long, env = "KASVU_MAX_FIELD_BYTES", default_value_t = kasvu_io::Limits::default().field_bytes)]
    max_field_bytes: usize,
    /// Nesting of JSON arrays and objects (at most 128, serde_json's own limit).
    #[arg(long, env = "KASVU_MAX_JSON_DEPTH", default_value_t = kasvu_io::Limits::default().json_depth as u64, value_parser = clap::value_parser!(u64).range(1..=128))]
    max_json_depth: u64,
    /// Values in a JSON document (numbers, strings, arrays, objects and keys).
    #[arg(long, env = "KASVU_MAX_JSON_VALUES", default_value_t = kasvu_io::Limits::default().json_values)]
    max_json_values: usize,
}

const MB: usize = 1024 * 1024;

impl LimitsArgs {
    fn limits(&self) -> kasvu_io::Limits {
        kasvu_io::Limits {
            file_bytes: self.max_file_mb.saturating_mul(MB),
            xlsx_part_bytes: self.max_xlsx_part_mb.saturating_mul(MB as u64),
            xlsx_total_bytes: self.max_xlsx_unpacked_mb.saturating_mul(MB as u64),
            columns: self.max_columns,
            rows: self.max_rows,
            cells: self.max_cells,
            field_bytes: self.max_field_bytes,
            json_depth: self.max_json_depth as usize,
            json_values: self.max_json_values,
        }
    }
}

#[derive(clap::Args)]
struct MailArgs {
    /// SMTP server for reminders: smtp://HOST:PORT (plain, a local relay),
    /// smtp://HOST:587?tls=required or smtps://USER:PASSWORD@HOST:465.
    /// Without it, reminders are shown in the app only.
    #[arg(long, env = "KASVU_SMTP_URL")]
    smtp_url: Option<String>,
    /// Sender of reminders.
    #[arg(
        long,
        env = "KASVU_MAIL_FROM",
        default_value = "Kasvu <kasvu@localhost>"
    )]
    mail_from: String,
    /// Remind of commitments due at meetings this many days ahead.
    #[arg(long, env = "KASVU_REMIND_DAYS", default_value_t = 3)]
    remind_days: i64,
    /// The site's address for links in the messages.
    #[arg(
        long = "mail-link-url",
        env = "KASVU_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    link_url: String,
}

impl MailArgs {
    fn mailer(&self) -> Result<Option<kasvu_io::mail::Mailer>> {
        self.smtp_url
            .as_deref()
            .map(|u| kasvu_io::mail::Mailer::new(u, &self.mail_from, &self.link_url))
            .transpose()
            .map_err(Into::into)
    }
}

// Parsed once at start; the serve variant's many settings (brand, sign-on,
// mail, limits) make it large, which costs nothing here.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Run the web app.
    Serve {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        args: ServeArgs,
        #[command(flatten)]
        mail: MailArgs,
        #[command(flatten)]
        limits: LimitsArgs,
    },
    /// Send the e-mail reminders of commitments due at meetings in the next
    /// days now (the server also sends them every hour when SMTP is set).
    Remind {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        mail: MailArgs,
    },
    /// Load the Oulu demo data and print the demo users and their passwords.
    Demo {
        #[command(flatten)]
        db: DbArg,
    },
    /// Create or upgrade the database schema.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Start an empty installation: create the organisation and its first
    /// admin, and print a one-time link for the admin to set a password.
    Init {
        #[command(flatten)]
        db: DbArg,
        /// Code of the organisation (e.g. oulu): lower-case letters, digits and dashes.
        #[arg(long)]
        org: String,
        /// The organisation's name in Finnish (e.g. "Oulun kaupunki").
        #[arg(long)]
        name: String,
        /// Its name in Swedish, if it has one.
        #[arg(long, default_value = "")]
        name_sv: String,
        /// Its name in English, if it has one.
        #[arg(long, default_value = "")]
        name_en: String,
        /// The first admin's e-mail address.
        #[arg(long)]
        admin_email: String,
        /// The first admin's name (defaults to the e-mail address).
        #[arg(long)]
        admin_name: Option<String>,
        #[command(flatten)]
        link: LinkArgs,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import data from a file (all-or-nothing).
    Import {
        #[command(flatten)]
        db: DbArg,
        /// What the file holds.
        #[arg(long, value_enum, default_value = "values")]
        kind: ImportKind,
        /// Format of a values file (guessed from the name and content when not given).
        #[arg(long, value_enum)]
        format: Option<ValuesFormat>,
        /// Match JSON-stat categories to external codes of this scheme (e.g. sotkanet) instead of Kasvu codes.
        #[arg(long)]
        scheme: Option<String>,
        /// JSON-stat: what a dimension Kasvu does not recognise holds, as
        /// ID=orgunit|indicator|period|sex|grade|age_group (repeatable, e.g. --dim Kouluaste=grade).
        #[arg(long = "dim", value_name = "ID=KIND")]
        dims: Vec<String>,
        /// Check the file and report what would change, storing nothing.
        #[arg(long)]
        dry_run: bool,
        /// Events: the organisation (needed when the database holds several).
        #[arg(long)]
        org: Option<String>,
        /// Events: the area or cluster the events belong to (a Kasvu export brings its own).
        #[arg(long)]
        area: Option<String>,
        /// Events: publish at once instead of leaving them for the area's approval.
        #[arg(long)]
        publish: bool,
        /// The file; - reads standard input.
        file: String,
        #[command(flatten)]
        limits: LimitsArgs,
    },
    /// Export an indicator's figures (small numbers suppressed) to standard output or a file.
    Export {
        #[command(flatten)]
        db: DbArg,
        /// Indicator code.
        #[arg(long)]
        indicator: String,
        #[arg(long, value_enum, default_value = "csv")]
        format: ExportFormatArg,
        /// Organisation code (needed when the database holds several).
        #[arg(long)]
        org: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<String>,
    },
    /// Write a consistent copy of the SQLite database to FILE (on PostgreSQL, use pg_dump).
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// The new file.
        file: String,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user with one role.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, area_manager, regional_planner, leadership_member, staff or viewer.
        #[arg(long)]
        role: String,
        /// Code of the org unit the role covers (an admin's is the organisation).
        #[arg(long)]
        org: String,
        /// Read the password from standard input. Without it, a one-time
        /// link to set a password is printed, to send to the person.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        link: LinkArgs,
    },
    /// Set a user's password from standard input (one line; it must be hard
    /// to guess), or with --link print a one-time link for them to set it.
    /// Either way, all of the user's sessions end.
    Password {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        email: String,
        /// Print a one-time set-password link instead of reading a password.
        #[arg(long)]
        link: bool,
        #[command(flatten)]
        link_args: LinkArgs,
    },
    /// List users and their roles.
    List {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(clap::Args)]
struct LinkArgs {
    /// The site's public address, for the set-password link.
    #[arg(
        long,
        env = "KASVU_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    public_url: String,
    /// Hours the set-password link works.
    #[arg(long, default_value_t = kasvu_store::PASSWORD_LINK_HOURS, value_parser = clap::value_parser!(i64).range(1..=24 * 30))]
    link_hours: i64,
}

impl LinkArgs {
    /// Creates a link for the user and says how to use it.
    async fn print_link(&self, store: &Store, user: &kasvu_store::User) -> Result<()> {
        let token = store
            .create_password_link(&cli_actor(), user.id, self.link_hours)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "Send {} this link to set a password (it works once, for {} hours):\n  {}/password/{token}",
            user.email,
            self.link_hours,
            self.public_url.trim_end_matches('/')
        );
        Ok(())
    }
}

/// One line of standard input as a new password, checked for strength
/// against what is known of the person.
fn new_password_from_stdin(email: &str, name: &str) -> Result<Password> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .context("reading the password from standard input")?;
    let line = s.lines().next().unwrap_or("");
    Password::parse_new(line, &[email, name]).map_err(|p| anyhow::anyhow!("password: {p}"))
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a bearer token for API use and print it (it is shown only once).
    Create {
        #[command(flatten)]
        db: DbArg,
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportKind {
    /// The org tree: code,parent_code,level,kind,name_fi,name_sv,name_en,external_codes[,sector,valid_from,valid_to]; after a move every table's small numbers are protected again and kept for the server
    Orgunits,
    /// The indicator catalogue: code,name_fi,name_sv,name_en,unit,cadence,aggregation,direction,numerator,denominator,factor,external_codes[,…]
    Indicators,
    /// Indicator values: CSV/XLSX long format indicator,orgunit,period,value[,sex][,grade][,age_group][,count], Sotkanet JSON or JSON-stat (2.0 datasets, 1.0 bundles); once stored, the small numbers of the tables the file named are protected and kept for the server
    Values,
    /// Events for the families' calendars: a Linked Events JSON page ({meta, data}) or list of events
    Events,
}

#[derive(Clone, Copy, ValueEnum)]
enum ValuesFormat {
    Csv,
    Xlsx,
    Sotkanet,
    Jsonstat,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormatArg {
    Csv,
    Xlsx,
    Jsonstat,
}

/// Opens the database for a command, at the threshold it is given or, if
/// none, the one the server recorded: an export or an import's protection
/// ahead then hides what the server hides.
async fn open(db: &DbArg) -> Result<Store> {
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
async fn open_server(db: &DbArg) -> Result<(Store, Option<f64>)> {
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
async fn record_server_threshold(store: &Store, given: Option<f64>, recorded: Option<f64>) {
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
async fn open_at(db: &DbArg) -> Result<(Store, Option<f64>)> {
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

fn cli_actor() -> Actor {
    Actor::system(&format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    ))
}

fn main() -> std::process::ExitCode {
    kasvu_web::keep_large_blocks_out_of_the_heaps();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(start()),
        Err(e) => {
            eprintln!("kasvu: could not start the async runtime: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn start() -> std::process::ExitCode {
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KASVU_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into()),
        )
        .with_writer(std::io::stderr);
    // JSON lines for a log collector; text for a person at a terminal.
    match std::env::var("KASVU_LOG_FORMAT").as_deref() {
        Ok("json") => logs.json().flatten_event(true).init(),
        Ok("text") | Ok("") | Err(_) => logs.init(),
        Ok(other) => {
            logs.init();
            tracing::warn!("KASVU_LOG_FORMAT={other} is not json or text; logging as text");
        }
    }
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve {
            db,
            args,
            mail,
            limits,
        } => serve(db, args, mail, limits.limits()).await,
        Command::Remind { db, mail } => {
            let store = open(&db).await?;
            let Some(mailer) = mail.mailer()? else {
                bail!("set --smtp-url (or KASVU_SMTP_URL) to send reminders");
            };
            let today = kasvu_core::clock::today();
            let s =
                kasvu_io::mail::send_reminders(&store, &mailer, today, mail.remind_days).await?;
            if s.busy {
                bail!("another process is sending reminders right now; try again in a moment");
            }
            println!(
                "sent {} reminder message(s) covering {} commitment(s)",
                s.messages, s.commitments
            );
            Ok(())
        }
        Command::Demo { db } => {
            let store = open(&db).await?;
            let s = kasvu_io::demo::load(&store).await?;
            println!(
                "Demo data loaded into {} ({} org units created, {} unchanged).",
                db.db, s.created, s.unchanged
            );
            println!("The data is illustrative. Demo users (e-mail / password / role @ unit):");
            for u in kasvu_io::demo::USERS {
                println!(
                    "  {:<40} {:<24} {} @ {}",
                    u.email, u.password, u.role, u.scope
                );
            }
            Ok(())
        }
        Command::Migrate { db } => {
            open(&db).await?;
            println!("Database {} is up to date.", db.db);
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    email,
                    name,
                    role,
                    org,
                    password_stdin,
                    link,
                },
        } => {
            let email = Email::parse(&email).map_err(|p| anyhow::anyhow!("--email: {p}"))?;
            let role = Role::parse(&role).map_err(|p| anyhow::anyhow!("--role: {p}"))?;
            let password = if password_stdin {
                Some(new_password_from_stdin(email.as_str(), &name)?)
            } else {
                None
            };
            let store = open(&db).await?;
            let u = store
                .create_user(
                    &cli_actor(),
                    NewUser {
                        email,
                        name,
                        password,
                        role,
                        scope_code: org,
                    },
                )
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "Added {} <{}> as {} @ {}.",
                u.name, u.email, role, u.roles[0].scope_code
            );
            if !password_stdin {
                link.print_link(&store, &u).await?;
            }
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Password {
                    db,
                    email,
                    link,
                    link_args,
                },
        } => {
            let store = open(&db).await?;
            let Some(u) = store.user_by_email(&email).await? else {
                bail!("--email: there is no user {email}")
            };
            if link {
                return link_args.print_link(&store, &u).await;
            }
            let password = new_password_from_stdin(&u.email, &u.name)?;
            store
                .set_password(&cli_actor(), u.id, &password)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "Set a new password for {}; their sessions have ended.",
                u.email
            );
            Ok(())
        }
        Command::Init {
            db,
            org,
            name,
            name_sv,
            name_en,
            admin_email,
            admin_name,
            link,
        } => {
            let store = open(&db).await?;
            init(
                &store,
                &org,
                [&name, &name_sv, &name_en],
                &admin_email,
                admin_name.as_deref(),
            )
            .await?;
            let Some(admin) = store.user_by_email(&admin_email).await? else {
                bail!("--admin-email: the admin was not stored");
            };
            println!(
                "Created the organisation {org} and its admin {}.",
                admin.email
            );
            link.print_link(&store, &admin).await
        }
        Command::User {
            command: UserCommand::List { db },
        } => {
            let store = open(&db).await?;
            for org in store.organisations().await? {
                println!("{} ({})", org.names.fi, org.code);
                for u in store.users(org.id).await? {
                    let roles: Vec<String> = u
                        .roles
                        .iter()
                        .map(|r| format!("{}@{}", r.role, r.scope_code))
                        .collect();
                    println!(
                        "  {:<40} {:<28} {}{}",
                        u.email,
                        u.name,
                        roles.join(", "),
                        if u.disabled { " (disabled)" } else { "" }
                    );
                }
            }
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { db, email, label },
        } => {
            let store = open(&db).await?;
            let Some(u) = store.user_by_email(&email).await? else {
                bail!("--email: there is no user {email}")
            };
            if u.disabled {
                bail!("--email: user {email} is disabled");
            }
            let token = store.create_api_token(&cli_actor(), u.id, &label).await?;
            println!("{token}");
            Ok(())
        }
        Command::Import {
            db,
            kind,
            format,
            scheme,
            dims,
            dry_run,
            org,
            area,
            publish,
            file,
            limits,
        } => {
            let limits = limits.limits();
            match kind {
                ImportKind::Events => {
                    import_events(
                        &db,
                        &file,
                        org.as_deref(),
                        area.as_deref(),
                        publish,
                        dry_run,
                        &limits,
                    )
                    .await
                }
                ImportKind::Orgunits => import_orgunits(&db, &file, dry_run, &limits).await,
                ImportKind::Indicators => import_indicators(&db, &file, dry_run, &limits).await,
                ImportKind::Values => {
                    import_values(
                        &db,
                        &file,
                        format,
                        scheme.as_deref(),
                        &dims,
                        dry_run,
                        &limits,
                    )
                    .await
                }
            }
        }
        Command::Export {
            db,
            indicator,
            format,
            org,
            output,
        } => export(&db, &indicator, format, org.as_deref(), output.as_deref()).await,
        Command::Backup { db, file } => {
            let store = open(&db).await?;
            store.backup(&file).await?;
            println!("Backup written to {file}.");
            Ok(())
        }
    }
}

/// The organisation and its first admin, in an installation that has no
/// users yet (so `init` cannot be used to slip an admin into a running one).
async fn init(
    store: &Store,
    org: &str,
    [fi, sv, en]: [&str; 3],
    admin_email: &str,
    admin_name: Option<&str>,
) -> Result<()> {
    use kasvu_core::{Level, Names, OrgCode, ValidRange};
    if store.has_users().await? {
        bail!("the database already has users: add more with `kasvu user add`");
    }
    let code = OrgCode::parse(org).map_err(|p| anyhow::anyhow!("--org: {p}"))?;
    let names = Names::parse(fi, sv, en).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let email = Email::parse(admin_email).map_err(|p| anyhow::anyhow!("--admin-email: {p}"))?;
    let admin_name = kasvu_store::parse_name(admin_name.unwrap_or(email.as_str()))
        .map_err(|p| anyhow::anyhow!("--admin-name: {p}"))?;
    let spec = kasvu_store::OrgUnitSpec {
        code,
        parent: None,
        level: Level::Organisation,
        kind: None,
        sector: None,
        names,
        external_codes: vec![],
        valid: ValidRange::default(),
    };
    store
        .create_org_unit(&cli_actor(), &spec)
        .await
        .map_err(|e| anyhow::anyhow!("--org: {e}"))?;
    store
        .create_user(
            &cli_actor(),
            NewUser {
                name: admin_name,
                email,
                password: None,
                role: Role::Admin,
                scope_code: org.to_owned(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

async fn import_orgunits(
    db: &DbArg,
    file: &str,
    dry_run: bool,
    limits: &kasvu_io::Limits,
) -> Result<()> {
    let (parsed, everyday) = if file == "-" {
        orgunits_csv::parse_with_everyday_names(std::io::stdin(), "<stdin>", limits)?
    } else {
        let f = std::fs::File::open(file).with_context(|| format!("cannot open {file}"))?;
        orgunits_csv::parse_with_everyday_names(f, file, limits)?
    };
    let rows = &parsed.rows;
    let store = open(db).await?;
    if dry_run {
        let s = store
            .import_org_units_dry_run(&cli_actor(), rows)
            .await
            .map_err(|e| import_error_from_store(file, e))?;
        println!("{file}: {} rows are valid: {} would be created, {} updated, {} unchanged. Nothing was stored (--dry-run).", rows.len(), s.created, s.updated, s.unchanged);
        print_warnings(&parsed.warnings);
        return Ok(());
    }
    let bar = ProgressBar::new(rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} rows")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(format!("importing {file}"));
    let result = store
        .import_org_units(&cli_actor(), rows, false, &mut |n| {
            bar.set_position(n as u64)
        })
        .await;
    bar.finish_and_clear();
    let s = result.map_err(|e| import_error_from_store(file, e))?;
    let mut renamed = 0;
    for (code, name) in &everyday {
        if store.set_everyday_name(&cli_actor(), code, name).await? {
            renamed += 1;
        }
    }
    println!(
        "{file}: {} created, {} updated, {} unchanged.",
        s.created, s.updated, s.unchanged
    );
    if renamed > 0 {
        println!("{file}: {renamed} everyday names set.");
    }
    print_warnings(&parsed.warnings);
    if s.moved > 0 {
        // A move sets every protected year aside.
        protect_after_import(&store, file, &kasvu_store::ProtectScope::Everything).await;
    }
    Ok(())
}

/// What an import ignored, one line each after its summary, from the
/// English catalogue (the CLI speaks English, as its errors do).
fn print_warnings(warnings: &[kasvu_io::Warning]) {
    for w in warnings {
        println!("{}", kasvu_web::support::i18n::Lang::En.import_warning(w));
    }
}

/// The organisation named, or the only one.
async fn org_named(store: &kasvu_store::Store, code: Option<&str>) -> Result<kasvu_store::OrgUnit> {
    let orgs = store.organisations().await?;
    Ok(match code {
        Some(code) => orgs
            .into_iter()
            .find(|o| kasvu_core::same_code(&o.code, code))
            .with_context(|| format!("--org: there is no organisation '{code}'"))?,
        None => match <[_; 1]>::try_from(orgs) {
            Ok([o]) => o,
            Err(_) => bail!("--org: the database holds several organisations (or none); name one"),
        },
    })
}

/// Events from a Linked Events file, all or none; an event already
/// imported (by its id) is updated in place.
async fn import_events(
    db: &DbArg,
    file: &str,
    org: Option<&str>,
    area: Option<&str>,
    publish: bool,
    dry_run: bool,
    limits: &kasvu_io::Limits,
) -> Result<()> {
    use kasvu_io::linked_events;
    let bytes = read_input(file, limits)?;
    let text = String::from_utf8(bytes).with_context(|| format!("{file}: not UTF-8 text"))?;
    let events = linked_events::parse(&text, file, limits)?;
    let mut specs = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        if area.is_none() && e.kasvu.is_none() {
            bail!(
                "{file}, event {}: --area is needed (the event names no Kasvu area)",
                i + 1
            );
        }
        specs.push(linked_events::from_event(
            e,
            area.unwrap_or_default(),
            file,
            i + 1,
        )?);
    }
    if dry_run {
        for (i, s) in specs.iter().enumerate() {
            kasvu_store::check_activity(s)
                .map_err(|e| import_error_from_store(file, e.at_row(i + 1)))?;
        }
        println!(
            "{file}: {} events are valid. Nothing was stored (--dry-run).",
            specs.len()
        );
        return Ok(());
    }
    let store = open(db).await?;
    let org = org_named(&store, org).await?;
    let bar = ProgressBar::new(specs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} events")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(format!("importing {file}"));
    let status = if publish {
        kasvu_core::activity::ActivityStatus::Published
    } else {
        kasvu_core::activity::ActivityStatus::Pending
    };
    let result = store
        .save_activities(&cli_actor(), org.org_id, &specs, status, &|n| {
            bar.set_position(n as u64)
        })
        .await;
    bar.finish_and_clear();
    let (created, updated) = result.map_err(|e| import_error_from_store(file, e))?;
    println!(
        "{file}: {created} events created, {updated} updated ({}).",
        if publish {
            "published"
        } else {
            "waiting for the area's approval"
        }
    );
    Ok(())
}

/// The file or standard input, refused unread past the file size limit.
fn read_input(file: &str, limits: &kasvu_io::Limits) -> Result<Vec<u8>> {
    Ok(if file == "-" {
        kasvu_io::limits::read_bounded(std::io::stdin(), "<stdin>", limits)?
    } else {
        let f = std::fs::File::open(file).with_context(|| format!("cannot open {file}"))?;
        kasvu_io::limits::read_bounded(f, file, limits)?
    })
}

fn display_name(file: &str) -> &str {
    if file == "-" {
        "<stdin>"
    } else {
        file
    }
}

async fn import_indicators(
    db: &DbArg,
    file: &str,
    dry_run: bool,
    limits: &kasvu_io::Limits,
) -> Result<()> {
    let name = display_name(file);
    let rows = kasvu_io::indicators_csv::parse(&read_input(file, limits)?, name, limits)?;
    let store = open(db).await?;
    let s = store
        .import_indicators(&cli_actor(), &rows, dry_run)
        .await
        .map_err(|e| import_error_from_store(name, e))?;
    println!(
        "{name}: {} created, {} updated, {} unchanged.{}",
        s.created,
        s.updated,
        s.unchanged,
        if dry_run {
            " Nothing was stored (--dry-run)."
        } else {
            ""
        }
    );
    Ok(())
}

async fn import_values(
    db: &DbArg,
    file: &str,
    format: Option<ValuesFormat>,
    scheme: Option<&str>,
    dims: &[String],
    dry_run: bool,
    limits: &kasvu_io::Limits,
) -> Result<()> {
    use kasvu_io::values::Format;
    let name = display_name(file);
    let mut mapped = Vec::new();
    for d in dims {
        match kasvu_io::jsonstat::parse_dims(d) {
            Ok(m) => mapped.extend(m),
            Err(p) => bail!("--dim {d}: {}", p.english),
        }
    }
    let bytes = read_input(file, limits)?;
    let format = match format {
        Some(ValuesFormat::Csv) => Format::Csv,
        Some(ValuesFormat::Xlsx) => Format::Xlsx,
        Some(ValuesFormat::Sotkanet) => Format::Sotkanet,
        Some(ValuesFormat::Jsonstat) => Format::JsonStat,
        None => match Format::detect(name, &bytes) {
            Some(f) => f,
            None => {
                bail!("{name}: cannot tell the format; give --format csv|xlsx|sotkanet|jsonstat")
            }
        },
    };
    let store = open(db).await?;
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let started = std::time::Instant::now();
    let mut touched = kasvu_io::values::Touched::default();
    let result = kasvu_io::values::import_touching(
        &store,
        &cli_actor(),
        &bytes,
        name,
        format,
        scheme,
        &mapped,
        kasvu_store::WriteOptions {
            source: name.to_owned(),
            dry_run,
            ..Default::default()
        },
        limits,
        &mut |done, total| match total {
            Some(t) => bar.set_message(format!("importing {name}: {done}/{t} values checked")),
            None => bar.set_message(format!("importing {name}: {done} values checked")),
        },
        &mut touched,
    )
    .await;
    bar.finish_and_clear();
    let s = result?;
    println!(
        "{name}: {} created, {} replaced, {} unchanged in {:.1} s.{}",
        s.created,
        s.replaced,
        s.unchanged,
        started.elapsed().as_secs_f64(),
        if dry_run {
            " Nothing was stored (--dry-run)."
        } else {
            ""
        }
    );
    if !dry_run && s.created + s.replaced + s.removed > 0 {
        protect_after_import(
            &store,
            name,
            &kasvu_store::ProtectScope::Indicators(touched.indicators),
        )
        .await;
    }
    Ok(())
}

/// Protects the small numbers of the tables `ahead` names (in every
/// organisation, as a year's version is per indicator) once an import is
/// stored — the values' indicators, or every table after a unit moved —
/// and keeps the result in the database, so that the server's first
/// dashboard does not (at 10 M values that took about a minute on the
/// benchmark's machine). Years already kept at their version are only
/// read. The import itself has been stored: a failure here is reported and
/// changes nothing but that first dashboard's time.
async fn protect_after_import(
    store: &kasvu_store::Store,
    name: &str,
    ahead: &kasvu_store::ProtectScope,
) {
    let tables = |n: usize| format!("{n} table{}", if n == 1 { "" } else { "s" });
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar.set_message("protecting small numbers for the dashboards");
    let started = std::time::Instant::now();
    let result = store
        .protect_ahead(ahead, &mut |done, total| {
            bar.set_message(format!(
                "protecting small numbers for the dashboards: {done}/{total} tables"
            ))
        })
        .await;
    bar.finish_and_clear();
    match result {
        // Nothing that counts people (activities only): nothing to say.
        Ok(done) if done.tables == 0 => {}
        Ok(done) if done.not_kept == 0 => println!(
            "{name}: small numbers protected in {} in {:.1} s, kept for the server.",
            tables(done.tables),
            started.elapsed().as_secs_f64()
        ),
        Ok(done) => println!(
            "{name}: small numbers protected in {} in {:.1} s; {} of them could not be \
             protected or kept now (the database busy, or an error), so the server protects \
             those when first asked.",
            tables(done.tables),
            started.elapsed().as_secs_f64(),
            done.not_kept
        ),
        Err(e) => eprintln!(
            "{name}: the import is stored, but protecting small numbers ahead failed ({e}); \
             the first dashboard will do it."
        ),
    }
}

async fn export(
    db: &DbArg,
    indicator: &str,
    format: ExportFormatArg,
    org: Option<&str>,
    output: Option<&str>,
) -> Result<()> {
    let store = open(db).await?;
    let Some(ind) = store.indicator(indicator).await? else {
        bail!("--indicator: there is no indicator '{indicator}'")
    };
    let orgs = store.organisations().await?;
    let org = match org {
        Some(code) => orgs
            .into_iter()
            .find(|o| kasvu_core::same_code(&o.code, code))
            .with_context(|| format!("--org: there is no organisation '{code}'"))?,
        None => match <[_; 1]>::try_from(orgs) {
            Ok([o]) => o,
            Err(_) => bail!("--org: the database holds several organisations (or none); name one"),
        },
    };
    let rows = store.served_table(&ind, org.id).await?;
    let bytes = match format {
        ExportFormatArg::Csv => kasvu_io::export::to_csv(&ind, &rows),
        ExportFormatArg::Xlsx => {
            kasvu_io::export::to_xlsx(&ind, &rows).map_err(anyhow::Error::msg)?
        }
        ExportFormatArg::Jsonstat => {
            serde_json::to_vec_pretty(&kasvu_io::export::to_jsonstat(&ind, &rows, "fi"))?
        }
    };
    match output {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("cannot write {path}"))?;
            eprintln!("{} figures of {indicator} written to {path}.", rows.len());
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(())
}

/// The address links that leave the site are made from (feedback QR codes,
/// password links, events' `@id`): `--public-url`, or — only when Kasvu
/// listens on a loopback address, as on a laptop — that address. Never a
/// request's `Host` header, which any client can set: behind a proxy the
/// links would follow whatever a client wrote there.
fn public_address(given: Option<&str>, addr: SocketAddr) -> Result<String> {
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

async fn serve(
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
const IMPORT_DRAIN: std::time::Duration = std::time::Duration::from_secs(120);

/// Ctrl-C or SIGTERM (what service managers send) stops the server
/// gracefully. The handlers are installed here, before the server says it
/// listens, so a signal sent as soon as it does is never taken by the
/// default action (which would end the process on the spot).
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
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
