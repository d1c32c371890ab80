//! The indicator catalogue: reads, and the all-or-nothing upsert used by the
//! CSV import, the admin form and the demo loader. Every change is audited.

use crate::support::audit::{write_audit, AuditWrite};
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
use crate::support::ImportSummary;
use crate::{now, Actor};
use kasvu_core::{
    check_ratio_counts, code_key, Aggregation, Cadence, Counts, Direction, ExternalCode,
    FieldError, IndicatorSpec, Names, Problem, Source, ValueUnit,
};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// An indicator as stored: its spec plus the ids the spec's codes point to.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: i64,
    pub spec: IndicatorSpec,
    pub numerator_id: Option<i64>,
    pub denominator_id: Option<i64>,
    pub not_above_id: Option<i64>,
    /// The count's rate (see [`IndicatorSpec::rate`]).
    pub rate_id: Option<i64>,
}

impl Indicator {
    pub fn code(&self) -> &str {
        &self.spec.code
    }
}

const SELECT_INDICATORS: &str = "SELECT i.id, i.code, i.name_fi, i.name_sv, i.name_en, i.definition_fi, \
    i.definition_sv, i.definition_en, i.unit, i.source, i.cadence, i.aggregation, i.direction, \
    i.numerator_id, n.code AS numerator_code, i.denominator_id, d.code AS denominator_code, i.factor, \
    i.by_sex, i.by_grade, i.by_age_group, i.min_value, i.max_value, i.not_above_id, \
    a.code AS not_above_code, i.themes, i.not_needed_note, i.counts, i.reported_by, \
    i.denominator_age_group, i.rate_id, r.code AS rate_code \
    FROM indicators i LEFT JOIN indicators n ON n.id = i.numerator_id \
    LEFT JOIN indicators d ON d.id = i.denominator_id LEFT JOIN indicators a ON a.id = i.not_above_id \
    LEFT JOIN indicators r ON r.id = i.rate_id";

fn corrupt(code: &str, p: Problem) -> StoreError {
    StoreError::Corrupt(format!("indicator {code}: {p}"))
}

fn row_to_indicator(r: &AnyRow) -> Result<Indicator> {
    let code: String = r.try_get("code")?;
    let get = |col: &str| -> Result<String> { Ok(r.try_get::<String, _>(col)?) };
    let flag = |col: &str| -> Result<bool> { Ok(r.try_get::<i64, _>(col)? != 0) };
    let themes: String = r.try_get("themes")?;
    Ok(Indicator {
        id: r.try_get("id")?,
        numerator_id: r.try_get("numerator_id")?,
        denominator_id: r.try_get("denominator_id")?,
        not_above_id: r.try_get("not_above_id")?,
        rate_id: r.try_get("rate_id")?,
        spec: IndicatorSpec {
            names: Names {
                fi: get("name_fi")?,
                sv: get("name_sv")?,
                en: get("name_en")?,
            },
            definitions: Names {
                fi: get("definition_fi")?,
                sv: get("definition_sv")?,
                en: get("definition_en")?,
            },
            unit: ValueUnit::parse(&get("unit")?).map_err(|p| corrupt(&code, p))?,
            source: Source::parse(&get("source")?).map_err(|p| corrupt(&code, p))?,
            counts: Counts::parse(&get("counts")?).map_err(|p| corrupt(&code, p))?,
            cadence: Cadence::parse(&get("cadence")?).map_err(|p| corrupt(&code, p))?,
            aggregation: Aggregation::parse(&get("aggregation")?).map_err(|p| corrupt(&code, p))?,
            direction: Direction::parse(&get("direction")?).map_err(|p| corrupt(&code, p))?,
            numerator: r.try_get("numerator_code")?,
            denominator: r.try_get("denominator_code")?,
            factor: r.try_get("factor")?,
            denominator_age_group: Some(get("denominator_age_group")?).filter(|g| !g.is_empty()),
            rate: r.try_get("rate_code")?,
            by_sex: flag("by_sex")?,
            by_grade: flag("by_grade")?,
            by_age_group: flag("by_age_group")?,
            min_value: r.try_get("min_value")?,
            max_value: r.try_get("max_value")?,
            not_above: r.try_get("not_above_code")?,
            external_codes: Vec::new(),
            themes: themes
                .split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            not_needed_note: get("not_needed_note")?,
            reported_by: get("reported_by")?
                .split(';')
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(|k| kasvu_core::UnitKind::parse(k).map_err(|p| corrupt(&code, p)))
                .collect::<Result<_>>()?,
            code,
        },
    })
}

pub(crate) async fn load_catalogue(conn: &mut AnyConnection) -> Result<Vec<Indicator>> {
    let rows = sqlx::query(&format!("{SELECT_INDICATORS} ORDER BY i.code"))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = rows
        .iter()
        .map(row_to_indicator)
        .collect::<Result<Vec<_>>>()?;
    let codes = sqlx::query(
        "SELECT indicator_id, scheme, code FROM indicator_external_codes ORDER BY scheme",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut by_id: HashMap<i64, Vec<ExternalCode>> = HashMap::new();
    for r in codes {
        by_id
            .entry(r.try_get("indicator_id")?)
            .or_default()
            .push(ExternalCode {
                scheme: r.try_get("scheme")?,
                code: r.try_get("code")?,
            });
    }
    for i in &mut out {
        i.spec.external_codes = by_id.remove(&i.id).unwrap_or_default();
    }
    Ok(out)
}

fn snapshot(s: &IndicatorSpec) -> serde_json::Value {
    serde_json::json!({
        "code": s.code,
        "name_fi": s.names.fi, "name_sv": s.names.sv, "name_en": s.names.en,
        "definition_fi": s.definitions.fi, "definition_sv": s.definitions.sv,
        "definition_en": s.definitions.en,
        "unit": s.unit.code(), "source": s.source.code(), "counts": s.counts.code(),
        "cadence": s.cadence.code(),
        "aggregation": s.aggregation.code(), "direction": s.direction.code(),
        "numerator": s.numerator, "denominator": s.denominator, "factor": s.factor,
        "denominator_age_group": s.denominator_age_group, "rate": s.rate,
        "by_sex": s.by_sex, "by_grade": s.by_grade, "by_age_group": s.by_age_group,
        "min_value": s.min_value, "max_value": s.max_value, "not_above": s.not_above,
        "external_codes": ExternalCode::format_list(&s.external_codes),
        "themes": s.themes.join(";"), "not_needed_note": s.not_needed_note,
        "reported_by": s.reported_by.iter().map(|k| k.code()).collect::<Vec<_>>().join(";"),
    })
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds $1–$21 of the indicator INSERT and UPDATE. Not a cached prepared
/// statement: see [`crate::support::db::NULLABLE_FLOAT`].
fn bind_spec<'q>(q: AnyQuery<'q>, spec: &IndicatorSpec, t: i64) -> AnyQuery<'q> {
    q.persistent(false)
        .bind(spec.names.fi.clone())
        .bind(spec.names.sv.clone())
        .bind(spec.names.en.clone())
        .bind(spec.definitions.fi.clone())
        .bind(spec.definitions.sv.clone())
        .bind(spec.definitions.en.clone())
        .bind(spec.unit.code())
        .bind(spec.source.code())
        .bind(spec.cadence.code())
        .bind(spec.aggregation.code())
        .bind(spec.direction.code())
        .bind(spec.factor)
        .bind(i64::from(spec.by_sex))
        .bind(i64::from(spec.by_grade))
        .bind(i64::from(spec.by_age_group))
        .bind(spec.min_value)
        .bind(spec.max_value)
        .bind(spec.themes.join(";"))
        .bind(spec.not_needed_note.clone())
        .bind(t)
        .bind(spec.counts.code())
}

fn row_error(row: usize, field: &str, p: Problem) -> StoreError {
    StoreError::Row {
        row,
        error: FieldError::new(field, p),
    }
}

impl Store {
    /// The whole catalogue, ordered by code.
    pub async fn indicators(&self) -> Result<Vec<Indicator>> {
        let cache = self.measure_cache();
        let mut conn = self.pool.acquire().await?;
        let version = crate::measure::cache::version(&mut conn).await?;
        if let Some(c) = cache.catalogue(version) {
            return Ok(c.as_ref().clone());
        }
        let c = load_catalogue(&mut conn).await?;
        cache.put_catalogue(version, std::sync::Arc::new(c.clone()));
        Ok(c)
    }

    pub async fn indicator(&self, code: &str) -> Result<Option<Indicator>> {
        Ok(self
            .indicators()
            .await?
            .into_iter()
            .find(|i| kasvu_core::same_code(&i.spec.code, code)))
    }

    /// Creates or updates every indicator in one transaction; the first bad
    /// row rolls everything back and is named. Numerators, denominators and
    /// cross-checks may name indicators of the same file or of the catalogue.
    pub async fn import_indicators(
        &self,
        actor: &Actor,
        rows: &[(usize, IndicatorSpec)],
        dry_run: bool,
    ) -> Result<ImportSummary> {
        let mut tx = self.begin_write().await?;
        let existing: HashMap<String, Indicator> = load_catalogue(&mut tx)
            .await?
            .into_iter()
            .map(|i| (code_key(&i.spec.code), i))
            .collect();
        let mut keys: HashMap<String, usize> = HashMap::new();
        for (row, spec) in rows {
            spec.check().map_err(|e| StoreError::Row {
                row: *row,
                error: e,
            })?;
            // `Lonely` beside `lonely` is the same code written twice.
            if let Some(first) = keys.insert(code_key(&spec.code), *row) {
                return Err(row_error(
                    *row,
                    "code",
                    Problem::new(
                        "err-code-twice",
                        format!("code '{}' is also on row {first}", spec.code),
                    )
                    .arg("value", spec.code.as_str())
                    .arg("row", first.to_string()),
                ));
            }
        }
        // Codes are matched without regard to case: every code of the file
        // (its own and its references) is rewritten to the spelling stored
        // in the catalogue, or else to the spelling of the row that defines
        // it, so that what follows compares codes exactly.
        let spelling = |code: &str| -> String {
            let key = code_key(code);
            existing
                .get(&key)
                .map(|i| i.spec.code.clone())
                .or_else(|| {
                    rows.iter()
                        .find(|(_, s)| code_key(&s.code) == key)
                        .map(|(_, s)| s.code.trim().to_owned())
                })
                .unwrap_or_else(|| code.trim().to_owned())
        };
        let canonical: Vec<(usize, IndicatorSpec)> = rows
            .iter()
            .map(|(row, s)| {
                let mut s = s.clone();
                s.code = spelling(&s.code);
                for c in [
                    &mut s.numerator,
                    &mut s.denominator,
                    &mut s.not_above,
                    &mut s.rate,
                ] {
                    *c = c.as_deref().map(&spelling);
                }
                (*row, s)
            })
            .collect();
        let rows = canonical.as_slice();
        let existing: HashMap<String, Indicator> = existing
            .into_values()
            .map(|i| (i.spec.code.clone(), i))
            .collect();
        let in_file: HashMap<&str, usize> = rows
            .iter()
            .map(|(row, s)| (s.code.as_str(), *row))
            .collect();
        // Every referenced code must exist, and a ratio's parts must be
        // plain values of the same cadence (not ratios themselves).
        let lookup = |code: &str| -> Option<IndicatorSpec> {
            rows.iter()
                .find(|(_, s)| s.code == code)
                .map(|(_, s)| s.clone())
                .or_else(|| existing.get(code).map(|i| i.spec.clone()))
        };
        for (row, spec) in rows {
            for (field, code) in [
                ("numerator", &spec.numerator),
                ("denominator", &spec.denominator),
                ("not_above", &spec.not_above),
                ("rate", &spec.rate),
            ] {
                let Some(code) = code else { continue };
                let Some(other) = lookup(code) else {
                    return Err(row_error(
                        *row,
                        field,
                        Problem::new(
                            "err-indicator-missing",
                            format!("there is no indicator '{code}'"),
                        )
                        .arg("value", code.as_str()),
                    ));
                };
                if field == "rate" {
                    // The rate is the ratio of this count to something.
                    if !other.is_ratio() || other.numerator.as_deref() != Some(&spec.code) {
                        return Err(row_error(
                            *row,
                            field,
                            Problem::new(
                                "err-rate-not-ratio",
                                format!(
                                    "'{code}' is not a ratio whose numerator is '{}'",
                                    spec.code
                                ),
                            )
                            .arg("value", code.as_str()),
                        ));
                    }
                    continue;
                }
                if field == "denominator"
                    && spec.denominator_age_group.is_some()
                    && !other.by_age_group
                {
                    return Err(row_error(
                        *row,
                        "denominator_age_group",
                        Problem::new(
                            "err-denominator-age-group",
                            format!("'{code}' has no breakdown by age group"),
                        )
                        .arg("value", code.as_str()),
                    ));
                }
                if field != "not_above" && other.is_ratio() {
                    return Err(row_error(
                        *row,
                        field,
                        Problem::new(
                            "err-ratio-of-ratio",
                            format!("'{code}' is a ratio itself; a ratio is made of plain values"),
                        )
                        .arg("value", code.as_str()),
                    ));
                }
                if other.cadence != spec.cadence {
                    return Err(row_error(
                        *row,
                        field,
                        Problem::new(
                            "err-cadence-mismatch",
                            format!(
                                "'{code}' is measured {}, this one {}",
                                other.cadence, spec.cadence
                            ),
                        )
                        .arg("value", code.as_str()),
                    ));
                }
            }
            if let Some(old) = existing.get(&spec.code) {
                if old.spec.aggregation != spec.aggregation || old.spec.cadence != spec.cadence {
                    let has_values: Option<i64> = sqlx::query_scalar(
                        "SELECT 1 FROM data_values WHERE indicator_id = $1 LIMIT 1",
                    )
                    .bind(old.id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if has_values.is_some() {
                        return Err(row_error(
                            *row,
                            if old.spec.cadence != spec.cadence { "cadence" } else { "aggregation" },
                            Problem::new(
                                "err-indicator-has-values",
                                "the cadence and aggregation of an indicator with values cannot change; define a new indicator",
                            ),
                        ));
                    }
                }
            }
            for ec in &spec.external_codes {
                let owner: Option<String> = sqlx::query_scalar(
                    "SELECT i.code FROM indicator_external_codes e JOIN indicators i ON i.id = e.indicator_id \
                     WHERE e.scheme = $1 AND e.code = $2",
                )
                .bind(&ec.scheme)
                .bind(&ec.code)
                .fetch_optional(&mut *tx)
                .await?;
                let taken_in_file = rows
                    .iter()
                    .any(|(r, s)| r != row && s.external_codes.iter().any(|o| o == ec));
                let taken = owner.as_ref().is_some_and(|o| {
                    o != &spec.code
                        && !rows
                            .iter()
                            .any(|(_, s)| &s.code == o && !s.external_codes.contains(ec))
                });
                if taken || taken_in_file {
                    return Err(StoreError::Row {
                        row: *row,
                        error: FieldError::new(
                            "external_codes",
                            Problem::new(
                                "err-external-code-taken",
                                format!(
                                    "{}:{} already belongs to another indicator",
                                    ec.scheme, ec.code
                                ),
                            )
                            .arg("value", format!("{}:{}", ec.scheme, ec.code))
                            .arg("unit", owner.unwrap_or_default()),
                        ),
                    });
                }
            }
        }

        // A ratio counts people when either part does, activities otherwise
        // (kasvu-core's ratio_counts), including a stored ratio whose part
        // this file changes. Missing parts were reported above.
        let counts_of = |code: &Option<String>| code.as_deref().and_then(&lookup).map(|s| s.counts);
        for (row, spec) in rows.iter().filter(|(_, s)| s.is_ratio()) {
            if let (Some(n), Some(d)) = (counts_of(&spec.numerator), counts_of(&spec.denominator)) {
                check_ratio_counts(spec.counts, n, d)
                    .map_err(|error| StoreError::Row { row: *row, error })?;
            }
        }
        let mut stored_ratios: Vec<&Indicator> = existing
            .values()
            .filter(|i| i.spec.is_ratio() && !in_file.contains_key(i.spec.code.as_str()))
            .collect();
        stored_ratios.sort_by(|a, b| a.spec.code.cmp(&b.spec.code));
        for ratio in stored_ratios {
            let (Some(n), Some(d)) = (
                counts_of(&ratio.spec.numerator),
                counts_of(&ratio.spec.denominator),
            ) else {
                continue;
            };
            if check_ratio_counts(ratio.spec.counts, n, d).is_ok() {
                continue;
            }
            let part_row = rows.iter().find(|(_, s)| {
                Some(&s.code) == ratio.spec.numerator.as_ref()
                    || Some(&s.code) == ratio.spec.denominator.as_ref()
            });
            if let Some((row, _)) = part_row {
                return Err(row_error(
                    *row,
                    "counts",
                    Problem::new(
                        "err-ratio-counts",
                        format!(
                            "the ratio '{}' counts {} and is made of this indicator: \
                             change the ratio too",
                            ratio.spec.code, ratio.spec.counts
                        ),
                    )
                    .arg("value", ratio.spec.code.as_str())
                    .arg("expected", kasvu_core::ratio_counts(n, d).code()),
                ));
            }
        }

        let mut summary = ImportSummary::default();
        let t = now();
        let mut ids: HashMap<String, i64> =
            existing.iter().map(|(c, i)| (c.clone(), i.id)).collect();
        // First pass: the rows themselves; second: the references between them.
        let mut changed = Vec::new();
        for (_, spec) in rows {
            let old = existing.get(&spec.code);
            if old.is_some_and(|o| &o.spec == spec) {
                summary.unchanged += 1;
                continue;
            }
            let id = match old {
                Some(o) => {
                    bind_spec(sqlx::query(
                        "UPDATE indicators SET name_fi = $1, name_sv = $2, name_en = $3, definition_fi = $4, \
                         definition_sv = $5, definition_en = $6, unit = $7, source = $8, cadence = $9, \
                         aggregation = $10, direction = $11, factor = $12, by_sex = $13, by_grade = $14, \
                         by_age_group = $15, min_value = $16, max_value = $17, themes = $18, \
                         not_needed_note = $19, updated_at = $20, counts = $21, numerator_id = NULL, \
                         denominator_id = NULL, not_above_id = NULL, rate_id = NULL WHERE id = $22",
                    ), spec, t)
                    .bind(o.id)
                    .execute(&mut *tx)
                    .await?;
                    summary.updated += 1;
                    o.id
                }
                None => {
                    let id: i64 = bind_spec(sqlx::query(
                        "INSERT INTO indicators (name_fi, name_sv, name_en, definition_fi, definition_sv, \
                         definition_en, unit, source, cadence, aggregation, direction, factor, by_sex, by_grade, \
                         by_age_group, min_value, max_value, themes, not_needed_note, created_at, updated_at, counts, \
                         code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
                         $18, $19, $20, $20, $21, $22) RETURNING id",
                    ), spec, t)
                    .bind(spec.code.clone())
                    .fetch_one(&mut *tx)
                    .await?
                    .try_get("id")?;
                    summary.created += 1;
                    id
                }
            };
            ids.insert(spec.code.clone(), id);
            sqlx::query("UPDATE indicators SET reported_by = $1 WHERE id = $2")
                .bind(
                    spec.reported_by
                        .iter()
                        .map(|k| k.code())
                        .collect::<Vec<_>>()
                        .join(";"),
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM indicator_external_codes WHERE indicator_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            changed.push((id, spec, old));
        }
        for (id, spec, _) in &changed {
            for ec in &spec.external_codes {
                sqlx::query(
                    "INSERT INTO indicator_external_codes (indicator_id, scheme, code) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(&ec.scheme)
                .bind(&ec.code)
                .execute(&mut *tx)
                .await?;
            }
            let id_of = |c: &Option<String>| c.as_ref().and_then(|c| ids.get(c).copied());
            sqlx::query(
                "UPDATE indicators SET numerator_id = $1, denominator_id = $2, not_above_id = $3, \
                 rate_id = $4, denominator_age_group = $5 WHERE id = $6",
            )
            .bind(id_of(&spec.numerator))
            .bind(id_of(&spec.denominator))
            .bind(id_of(&spec.not_above))
            .bind(id_of(&spec.rate))
            .bind(spec.denominator_age_group.clone().unwrap_or_default())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        for (_, spec, old) in &changed {
            write_audit(
                &mut tx,
                actor,
                AuditWrite {
                    org_id: None,
                    entity: "indicator",
                    key: &spec.code,
                    action: if old.is_some() { "update" } else { "create" },
                    old: old.map(|o| snapshot(&o.spec)),
                    new: Some(snapshot(spec)),
                },
            )
            .await?;
        }
        if dry_run {
            tx.rollback().await?;
        } else {
            crate::measure::cache::bump(&mut tx).await?;
            tx.commit().await?;
            self.index_indicators().await?;
        }
        Ok(summary)
    }
}
