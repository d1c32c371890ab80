//! `kasvu`: the web app and its command-line tools.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use kasvu_core::{Email, Password, Role};
use kasvu_io::{import_error_from_store, orgunits_csv};
use kasvu_store::{Actor, NewUser, Store};
use std::io::Read;
use std::net::SocketAddr;

mod args;
mod data;
mod open;
mod serve;

pub(crate) use args::*;
pub(crate) use data::*;
pub(crate) use open::*;
pub(crate) use serve::*;

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

pub(crate) fn cli_actor() -> Actor {
    Actor::system(&format!(
        "cli:{}",
        std::env::var("USER").unwrap_or_else(|_| "unknown".into())
    ))
}

pub(crate) fn main() -> std::process::ExitCode {
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

pub(crate) async fn start() -> std::process::ExitCode {
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

pub(crate) async fn run(cli: Cli) -> Result<()> {
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
pub(crate) async fn init(
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
