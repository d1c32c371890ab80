//! Data entry for a unit and period: a form with the indicators measured at
//! that period's cadence, the stored raw values filled in (only editors ever
//! see raw values). The store does the checking — numbers, min/max, the
//! "not above" cross-checks, the period lock and the unit's scope — all or
//! nothing, audited; the form shows its problems beside the fields.

use crate::i18n::Lang;
use crate::measure::api::{entry_guard, locked_before};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::{format_number, period_label};
use crate::support::forms::Checked;
use crate::support::views::{FieldMessage, HasErrors};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::role::permits;
use kasvu_core::{parse_number, Action, Period, PeriodType, Sex};
use kasvu_store::{Actor, Breakdown, Indicator, OrgUnit, StoreError, User, ValueRow, WriteOptions};
use serde::Deserialize;
use std::collections::HashMap;

/// The signed-in user and the unit, when the user may do `action` there.
pub(crate) async fn unit_for(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    action: Action,
) -> Result<(User, OrgUnit), AppError> {
    let user = ctx.require_user()?.clone();
    let unit = st.store.org_unit(code).await?.ok_or(AppError::NotFound)?;
    let tree = st.store.org_tree(user.org_id).await?;
    if unit.org_id != user.org_id || !permits(&user.assignments(), &tree, action, unit.id) {
        return Err(AppError::Forbidden);
    }
    Ok((user, unit))
}

/// The period types, shortest first (the menu's order).
const SHORTEST_FIRST: [PeriodType; 4] = [
    PeriodType::Monthly,
    PeriodType::Quarterly,
    PeriodType::SixMonthly,
    PeriodType::Yearly,
];

/// How many periods of each type the period menu offers.
fn menu_length(t: PeriodType) -> usize {
    match t {
        PeriodType::Monthly => 13,
        PeriodType::Quarterly => 8,
        PeriodType::SixMonthly => 6,
        PeriodType::Yearly => 6,
    }
}

/// The indicators this unit enters: those whose catalogue names its kind
/// among the kinds that report them, or names none (no school is offered
/// the pilot phone).
async fn entered_at(st: &AppState, unit: &OrgUnit) -> Result<Vec<Indicator>, AppError> {
    Ok(st
        .store
        .indicators()
        .await?
        .into_iter()
        .filter(|i| i.spec.entered_by(unit.kind))
        .collect())
}

/// Indicators entered by hand at this period type (ratios are computed).
fn enterable(catalogue: &[Indicator], t: PeriodType) -> impl Iterator<Item = &Indicator> {
    catalogue
        .iter()
        .filter(move |i| !i.spec.is_ratio() && i.spec.cadence.period_type() == t)
}

/// The breakdowns the form offers for an indicator: the total, and by sex
/// when the indicator has it (grades come by import: a form of 12 grades ×
/// 3 sexes would help nobody).
fn form_breakdowns(ind: &Indicator) -> Vec<Sex> {
    if ind.spec.by_sex {
        vec![Sex::Total, Sex::Male, Sex::Female]
    } else {
        vec![Sex::Total]
    }
}

fn field_id(ind: &Indicator, sex: Sex) -> String {
    format!("v-{}-{}", ind.spec.code, sex.code())
}

pub struct PeriodChoice {
    pub code: String,
    pub label: String,
}

pub struct PeriodGroup {
    pub label: String,
    pub periods: Vec<PeriodChoice>,
}

pub struct EntryField {
    pub id: String,
    pub label: String,
    pub value: String,
}

pub struct EntryRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub hint: String,
    pub fields: Vec<EntryField>,
}

#[derive(Template)]
#[template(path = "entry.html")]
pub struct EntryPage<'a> {
    pub ctx: &'a Ctx,
    pub unit_code: String,
    pub unit_name: String,
    pub period: String,
    pub period_label: String,
    pub groups: Vec<PeriodGroup>,
    pub rows: Vec<EntryRow>,
    pub locked: bool,
    pub saved: Option<String>,
    pub errors: Vec<FieldMessage>,
}

impl HasErrors for EntryPage<'_> {
    fn errors(&self) -> &[FieldMessage] {
        &self.errors
    }
}

#[derive(Deserialize, Default)]
pub struct EntryQuery {
    pub period: Option<String>,
    /// After a save: created, replaced and removed counts.
    pub created: Option<u64>,
    pub replaced: Option<u64>,
    pub removed: Option<u64>,
}

/// The period menu: recent periods of every type some indicator is entered at.
fn period_groups(
    lang: Lang,
    catalogue: &[Indicator],
    chosen: Period,
    locked_before: Option<time::Date>,
) -> Vec<PeriodGroup> {
    let today = crate::support::today();
    SHORTEST_FIRST
        .into_iter()
        .filter(|t| enterable(catalogue, *t).next().is_some() || *t == chosen.ptype())
        .map(|t| {
            let mut periods = Period::recent(t, today, menu_length(t));
            if t == chosen.ptype() && !periods.contains(&chosen) {
                periods.push(chosen);
            }
            PeriodGroup {
                label: lang.t(&format!("periodtype-{}", t.code())),
                periods: periods
                    .into_iter()
                    .map(|p| PeriodChoice {
                        code: p.code(),
                        label: if p.is_locked(locked_before) {
                            lang.t_args("entry-period-locked", &[("period", period_label(lang, p))])
                        } else {
                            period_label(lang, p)
                        },
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The default period: the previous one of the shortest cadence entered by hand.
fn default_period(catalogue: &[Indicator]) -> Period {
    let today = crate::support::today();
    SHORTEST_FIRST
        .into_iter()
        .find(|t| enterable(catalogue, *t).next().is_some())
        .map(|t| Period::of_date(t, today))
        .and_then(Period::previous)
        .unwrap_or_else(|| Period::of_date(PeriodType::Yearly, today))
}

fn hint(lang: Lang, ind: &Indicator, catalogue: &[Indicator]) -> String {
    let s = &ind.spec;
    let mut parts = Vec::new();
    if let Some(lo) = s.min_value {
        parts.push(lang.t_args("entry-hint-min", &[("min", format_number(lang, lo, 0))]));
    }
    if let Some(hi) = s.max_value {
        parts.push(lang.t_args("entry-hint-max", &[("max", format_number(lang, hi, 0))]));
    }
    if let Some(other) = s
        .not_above
        .as_deref()
        .and_then(|c| catalogue.iter().find(|i| i.spec.code == c))
    {
        parts.push(lang.t_args(
            "entry-hint-not-above",
            &[("other", other.spec.names.get(lang.code()).to_owned())],
        ));
    }
    if s.by_grade {
        parts.push(lang.t("entry-hint-grades"));
    }
    parts.join(" ")
}

/// Stored raw values of a unit and period, keyed by form field.
async fn stored(
    st: &AppState,
    catalogue: &[Indicator],
    unit_id: i64,
    period: Period,
) -> Result<HashMap<String, f64>, AppError> {
    let raw = st.store.raw_values(unit_id, period).await?;
    let mut out = HashMap::new();
    for (indicator_id, b, value, _) in raw {
        if b.grade.is_some() || b.age_group.is_some() {
            continue;
        }
        if let Some(ind) = catalogue.iter().find(|i| i.id == indicator_id) {
            out.insert(field_id(ind, b.sex), value);
        }
    }
    Ok(out)
}

fn sex_field_label(lang: Lang, ind: &Indicator, sex: Sex) -> String {
    if ind.spec.by_sex {
        lang.t(&format!("sex-{}", sex.code()))
    } else {
        lang.t("chart-value")
    }
}

struct Entry<'a> {
    st: &'a AppState,
    ctx: &'a Ctx,
    user: User,
    unit: OrgUnit,
    catalogue: Vec<Indicator>,
    period: Period,
}

impl Entry<'_> {
    fn render(
        &self,
        typed: &HashMap<String, String>,
        saved: Option<String>,
        errors: Vec<FieldMessage>,
    ) -> Result<String, AppError> {
        let lang = self.ctx.lang;
        let lock = locked_before(&self.user, self.st.config.lock_after_days);
        let rows = enterable(&self.catalogue, self.period.ptype())
            .map(|ind| EntryRow {
                code: ind.spec.code.clone(),
                name: self.ctx.name(&ind.spec.names).to_owned(),
                unit: lang.t(&format!("unit-{}", ind.spec.unit.code())),
                hint: hint(lang, ind, &self.catalogue),
                fields: form_breakdowns(ind)
                    .into_iter()
                    .map(|sex| {
                        let id = field_id(ind, sex);
                        EntryField {
                            label: sex_field_label(lang, ind, sex),
                            value: typed.get(&id).cloned().unwrap_or_default(),
                            id,
                        }
                    })
                    .collect(),
            })
            .collect();
        let page = EntryPage {
            ctx: self.ctx,
            unit_code: self.unit.code.clone(),
            unit_name: self.ctx.name(&self.unit.names).to_owned(),
            period: self.period.code(),
            period_label: period_label(lang, self.period),
            groups: period_groups(lang, &self.catalogue, self.period, lock),
            rows,
            locked: self.period.is_locked(lock),
            saved,
            errors,
        };
        Ok(page.render()?)
    }
}

fn parse_period(raw: Option<&str>, catalogue: &[Indicator]) -> Result<Period, AppError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default_period(catalogue)),
        Some(p) => Period::parse(p).map_err(|p| AppError::BadRequest(p.english)),
    }
}

pub async fn entry_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<EntryQuery>,
) -> PageResult {
    let (user, unit) = unit_for(&st, &ctx, &code, Action::EnterData).await?;
    let catalogue = entered_at(&st, &unit).await?;
    let period = parse_period(q.period.as_deref(), &catalogue)?;
    let values = stored(&st, &catalogue, unit.id, period).await?;
    let units: HashMap<String, kasvu_core::ValueUnit> = catalogue
        .iter()
        .flat_map(|i| {
            form_breakdowns(i)
                .into_iter()
                .map(|s| (field_id(i, s), i.spec.unit))
        })
        .collect();
    let typed = values
        .into_iter()
        .map(|(k, v)| {
            let decimals = match units.get(&k) {
                Some(kasvu_core::ValueUnit::Count) => 0,
                _ => 2,
            };
            // Shown as typed in the page's language, without thousands
            // separators so the value reads back unchanged.
            let text = format_number(ctx.lang, v, decimals).replace('\u{a0}', "");
            let text = if ctx.lang == Lang::En {
                text.replace(',', "")
            } else {
                text
            };
            (k, trim_zeros(&text))
        })
        .collect();
    let saved = match (q.created, q.replaced, q.removed) {
        (None, None, None) => None,
        (c, r, d) => Some(ctx.lang.t_args(
            "entry-saved",
            &[
                ("created", c.unwrap_or(0).to_string()),
                ("replaced", r.unwrap_or(0).to_string()),
                ("removed", d.unwrap_or(0).to_string()),
            ],
        )),
    };
    let e = Entry {
        st: &st,
        ctx: &ctx,
        user,
        unit,
        catalogue,
        period,
    };
    Ok(Html(e.render(&typed, saved, Vec::new())?).into_response())
}

/// "12,50" → "12,5"; "3,00" → "3".
fn trim_zeros(s: &str) -> String {
    match s.find([',', '.']) {
        Some(_) => s
            .trim_end_matches('0')
            .trim_end_matches([',', '.'])
            .to_owned(),
        None => s.to_owned(),
    }
}

pub async fn save_entry(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Checked(Form(form)): Checked<Form<Vec<(String, String)>>>,
) -> PageResult {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let (user, unit) = unit_for(&st, &ctx, &code, Action::EnterData).await?;
    let catalogue = entered_at(&st, &unit).await?;
    let period = parse_period(field("period"), &catalogue)?;
    let old = stored(&st, &catalogue, unit.id, period).await?;
    let typed: HashMap<String, String> = form
        .iter()
        .filter(|(k, _)| k.starts_with("v-"))
        .map(|(k, v)| (k.clone(), v.trim().to_owned()))
        .collect();
    let lang = ctx.lang;
    let mut rows = Vec::new();
    // Which form field each row came from, by the row's number.
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut errors = Vec::new();
    for ind in enterable(&catalogue, period.ptype()) {
        for sex in form_breakdowns(ind) {
            let id = field_id(ind, sex);
            let label = format!(
                "{}, {}",
                ctx.name(&ind.spec.names),
                sex_field_label(lang, ind, sex)
            );
            let before = old.get(&id).copied();
            // A field the form did not carry (the catalogue changed since it
            // was rendered) leaves its value alone; an emptied one removes it.
            let Some(text) = typed.get(&id) else {
                continue;
            };
            let value = match text.as_str() {
                "" if before.is_none() => continue,
                "" => None,
                text => match parse_number(text) {
                    Ok(v) if Some(v) == before => continue,
                    Ok(v) => Some(v),
                    Err(p) => {
                        errors.push(FieldMessage {
                            field: id,
                            label,
                            message: lang.problem(&p),
                        });
                        continue;
                    }
                },
            };
            fields.push((id, label));
            rows.push(ValueRow {
                row: fields.len(),
                indicator_id: ind.id,
                unit_id: unit.id,
                period,
                breakdown: Breakdown {
                    sex,
                    grade: None,
                    age_group: None,
                },
                value,
                count: None,
            });
        }
    }
    let e = Entry {
        st: &st,
        ctx: &ctx,
        user,
        unit,
        catalogue,
        period,
    };
    let refuse = |errors: Vec<FieldMessage>| -> PageResult {
        Ok((
            StatusCode::BAD_REQUEST,
            Html(e.render(&typed, None, errors)?),
        )
            .into_response())
    };
    if !errors.is_empty() {
        return refuse(errors);
    }
    let opts =
        WriteOptions {
            locked_before: locked_before(&e.user, st.config.lock_after_days),
            guard: Some(entry_guard(&st, &e.user).await.map_err(|_| {
                AppError::Internal("could not read the organisation's tree".into())
            })?),
            source: "form".into(),
            dry_run: false,
        };
    match st
        .store
        .write_values(&Actor::user(e.user.id, &e.user.email), &rows, opts)
        .await
    {
        Ok(s) => Ok(Redirect::to(&format!(
            "/units/{}/entry?period={}&created={}&replaced={}&removed={}",
            e.unit.code,
            period.code(),
            s.created,
            s.replaced,
            s.removed
        ))
        .into_response()),
        Err(StoreError::Row { row, error }) => {
            let (id, label) = fields
                .get(row.saturating_sub(1))
                .cloned()
                .unwrap_or_else(|| ("period".into(), lang.t("entry-period")));
            // The store names the other indicator of a cross-check by its
            // code; the form names it as the user sees it.
            let mut problem = error.problem;
            for (key, value) in problem.args.iter_mut() {
                if *key == "other" {
                    if let Some(i) = e.catalogue.iter().find(|i| i.spec.code == *value) {
                        *value = format!("”{}”", i.spec.names.get(lang.code()));
                    }
                }
            }
            refuse(vec![FieldMessage {
                field: id,
                label,
                message: lang.problem(&problem),
            }])
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::trim_zeros;

    #[test]
    fn trailing_zeros_go() {
        assert_eq!(trim_zeros("12,50"), "12,5");
        assert_eq!(trim_zeros("3,00"), "3");
        assert_eq!(trim_zeros("300"), "300");
        assert_eq!(trim_zeros("0.25"), "0.25");
    }
}
