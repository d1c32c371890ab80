//! Imports (org units, indicators, values, events) and exports from the
//! command line, with their progress.

use crate::*;

pub(crate) async fn import_orgunits(
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
pub(crate) fn print_warnings(warnings: &[kasvu_io::Warning]) {
    for w in warnings {
        println!("{}", kasvu_web::support::i18n::Lang::En.import_warning(w));
    }
}

/// The organisation named, or the only one.
pub(crate) async fn org_named(
    store: &kasvu_store::Store,
    code: Option<&str>,
) -> Result<kasvu_store::OrgUnit> {
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
pub(crate) async fn import_events(
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
pub(crate) fn read_input(file: &str, limits: &kasvu_io::Limits) -> Result<Vec<u8>> {
    Ok(if file == "-" {
        kasvu_io::limits::read_bounded(std::io::stdin(), "<stdin>", limits)?
    } else {
        let f = std::fs::File::open(file).with_context(|| format!("cannot open {file}"))?;
        kasvu_io::limits::read_bounded(f, file, limits)?
    })
}

pub(crate) fn display_name(file: &str) -> &str {
    if file == "-" {
        "<stdin>"
    } else {
        file
    }
}

pub(crate) async fn import_indicators(
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

pub(crate) async fn import_values(
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
pub(crate) async fn protect_after_import(
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

pub(crate) async fn export(
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
