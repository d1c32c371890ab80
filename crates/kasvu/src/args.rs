//! The command line: its commands and their arguments (clap).

use crate::*;

pub(crate) const DEFAULT_DB: &str = "sqlite://kasvu.db";

#[derive(Parser)]
#[command(
    name = "kasvu",
    version,
    about = "Kasvu: regional, multi-professional work for the well-being of children, young people and families"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(clap::Args, Clone)]
pub(crate) struct DbArg {
    /// Database URL: sqlite://FILE (created when missing) or postgres://USER@HOST/DB.
    #[arg(long, env = "KASVU_DB", default_value = DEFAULT_DB)]
    pub(crate) db: String,
    /// Small-number suppression: counts below this are never served or exported [default: the
    /// threshold `kasvu serve` last started with on this database, else 5]. `serve` records it;
    /// other commands use the recorded one unless given, and say so when given another.
    #[arg(long, env = "KASVU_SUPPRESS_BELOW")]
    pub(crate) suppress_below: Option<f64>,
}

#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "KASVU_ADDR", default_value = "127.0.0.1:8080")]
    pub(crate) addr: SocketAddr,
    /// Load the Oulu demo data when the database is empty.
    #[arg(long)]
    pub(crate) demo: bool,
    /// Mark cookies Secure (set when Kasvu is served over HTTPS).
    #[arg(long, env = "KASVU_SECURE_COOKIES")]
    pub(crate) secure_cookies: bool,
    /// Periods that ended more than this many days ago are locked for data entry, except for admins.
    #[arg(long, env = "KASVU_LOCK_AFTER_DAYS", default_value_t = 90)]
    pub(crate) lock_after_days: i64,
    /// The public address of the site (for feedback QR codes and links in e-mail).
    #[arg(long, env = "KASVU_PUBLIC_URL")]
    pub(crate) public_url: Option<String>,
    /// Feedback answers one client may send to one round in ten minutes.
    #[arg(long, env = "KASVU_MAX_ANSWERS_PER_CLIENT", default_value_t = kasvu_web::MAX_ANSWERS_PER_CLIENT)]
    pub(crate) max_answers_per_client: usize,
    /// Register entries not confirmed within this many days are flagged for review.
    #[arg(long, env = "KASVU_ACTOR_REVIEW_DAYS", default_value_t = kasvu_core::actor::DEFAULT_REVIEW_DAYS)]
    pub(crate) actor_review_days: i64,
    /// Wishes one client may send in ten minutes.
    #[arg(long, env = "KASVU_MAX_WISHES_PER_CLIENT", default_value_t = kasvu_web::MAX_WISHES_PER_CLIENT)]
    pub(crate) max_wishes_per_client: usize,
    /// Serve Prometheus metrics at http://ADDR/metrics, on an address of
    /// their own (an internal one: they are not for the public). Off by default.
    #[arg(long, env = "KASVU_METRICS_ADDR")]
    pub(crate) metrics_addr: Option<SocketAddr>,
    /// Single sign-on: the issuer URL of the organisation's OpenID Connect
    /// provider (e.g. https://login.microsoftonline.com/TENANT/v2.0). Needs
    /// --public-url, --oidc-client-id and usually --oidc-client-secret.
    #[arg(long, env = "KASVU_OIDC_ISSUER", requires = "oidc_client_id")]
    pub(crate) oidc_issuer: Option<String>,
    /// The client id Kasvu is registered with at the provider.
    #[arg(long, env = "KASVU_OIDC_CLIENT_ID", requires = "oidc_issuer")]
    pub(crate) oidc_client_id: Option<String>,
    /// The client secret (better given in the environment than on the command line).
    #[arg(long, env = "KASVU_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub(crate) oidc_client_secret: Option<String>,
    /// Refuse password sign-in: everyone signs in through the provider.
    #[arg(long, env = "KASVU_DISABLE_PASSWORD_LOGIN", requires = "oidc_issuer")]
    pub(crate) disable_password_login: bool,
    /// The city's name, shown in the header and page titles instead of "Kasvu".
    #[arg(long, env = "KASVU_CITY_NAME")]
    pub(crate) city_name: Option<String>,
    /// A logo file (.png, .jpg, .webp or .svg, at most 512 KB) shown in the header.
    #[arg(long, env = "KASVU_LOGO")]
    pub(crate) logo: Option<std::path::PathBuf>,
    /// The header's and buttons' colour, e.g. #005a8c; refused unless white
    /// text on it keeps a contrast of 4.5:1 (WCAG AA).
    #[arg(long, env = "KASVU_BRAND_COLOR")]
    pub(crate) brand_color: Option<String>,
}

/// The limits on imported files (`kasvu_io::Limits`); each refusal names
/// the limit it passed. The same flags for `serve` (uploads) and `import`.
#[derive(clap::Args, Clone)]
pub(crate) struct LimitsArgs {
    /// The largest file imported or uploaded, in MB.
    #[arg(long, env = "KASVU_MAX_FILE_MB", default_value_t = kasvu_io::Limits::default().file_bytes / MB)]
    pub(crate) max_file_mb: usize,
    /// The most one part of an XLSX workbook may unpack to, in MB.
    #[arg(long, env = "KASVU_MAX_XLSX_PART_MB", default_value_t = kasvu_io::Limits::default().xlsx_part_bytes / MB as u64)]
    pub(crate) max_xlsx_part_mb: u64,
    /// The most all parts of an XLSX workbook may unpack to together, in MB.
    #[arg(long, env = "KASVU_MAX_XLSX_UNPACKED_MB", default_value_t = kasvu_io::Limits::default().xlsx_total_bytes / MB as u64)]
    pub(crate) max_xlsx_unpacked_mb: u64,
    /// Columns of a table: a value in a column past this is refused.
    #[arg(long, env = "KASVU_MAX_COLUMNS", default_value_t = kasvu_io::Limits::default().columns)]
    pub(crate) max_columns: usize,
    /// Rows of a table (the header is row 1).
    #[arg(long, env = "KASVU_MAX_ROWS", default_value_t = kasvu_io::Limits::default().rows)]
    pub(crate) max_rows: usize,
    /// Non-empty cells of an XLSX sheet, and cells of a JSON-stat dataset.
    #[arg(long, env = "KASVU_MAX_CELLS", default_value_t = kasvu_io::Limits::default().cells)]
    pub(crate) max_cells: usize,
    /// Bytes in one cell or field.
    #[arg(long, env = "KASVU_MAX_FIELD_BYTES", default_value_t = kasvu_io::Limits::default().field_bytes)]
    pub(crate) max_field_bytes: usize,
    /// Nesting of JSON arrays and objects (at most 128, serde_json's own limit).
    #[arg(long, env = "KASVU_MAX_JSON_DEPTH", default_value_t = kasvu_io::Limits::default().json_depth as u64, value_parser = clap::value_parser!(u64).range(1..=128))]
    pub(crate) max_json_depth: u64,
    /// Values in a JSON document (numbers, strings, arrays, objects and keys).
    #[arg(long, env = "KASVU_MAX_JSON_VALUES", default_value_t = kasvu_io::Limits::default().json_values)]
    pub(crate) max_json_values: usize,
}

pub(crate) const MB: usize = 1024 * 1024;

impl LimitsArgs {
    pub(crate) fn limits(&self) -> kasvu_io::Limits {
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
pub(crate) struct MailArgs {
    /// SMTP server for reminders: smtp://HOST:PORT (plain, a local relay),
    /// smtp://HOST:587?tls=required or smtps://USER:PASSWORD@HOST:465.
    /// Without it, reminders are shown in the app only.
    #[arg(long, env = "KASVU_SMTP_URL")]
    pub(crate) smtp_url: Option<String>,
    /// Sender of reminders.
    #[arg(
        long,
        env = "KASVU_MAIL_FROM",
        default_value = "Kasvu <kasvu@localhost>"
    )]
    pub(crate) mail_from: String,
    /// Remind of commitments due at meetings this many days ahead.
    #[arg(long, env = "KASVU_REMIND_DAYS", default_value_t = 3)]
    pub(crate) remind_days: i64,
    /// The site's address for links in the messages.
    #[arg(
        long = "mail-link-url",
        env = "KASVU_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub(crate) link_url: String,
}

impl MailArgs {
    pub(crate) fn mailer(&self) -> Result<Option<kasvu_io::mail::Mailer>> {
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
pub(crate) enum Command {
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
pub(crate) enum UserCommand {
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
pub(crate) struct LinkArgs {
    /// The site's public address, for the set-password link.
    #[arg(
        long,
        env = "KASVU_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub(crate) public_url: String,
    /// Hours the set-password link works.
    #[arg(long, default_value_t = kasvu_store::PASSWORD_LINK_HOURS, value_parser = clap::value_parser!(i64).range(1..=24 * 30))]
    pub(crate) link_hours: i64,
}

impl LinkArgs {
    /// Creates a link for the user and says how to use it.
    pub(crate) async fn print_link(&self, store: &Store, user: &kasvu_store::User) -> Result<()> {
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

#[derive(Subcommand)]
pub(crate) enum TokenCommand {
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
pub(crate) enum ImportKind {
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
pub(crate) enum ValuesFormat {
    Csv,
    Xlsx,
    Sotkanet,
    Jsonstat,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ExportFormatArg {
    Csv,
    Xlsx,
    Jsonstat,
}
