//! Activities: checking and writing them whole, their status, reading one.

use super::*;

// ------------------------------------------------------------ activities

/// Every week on `weekday` (1 = Monday … 7 = Sunday), `HH:MM`–`HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotSpec {
    pub weekday: i64,
    pub starts: String,
    pub ends: String,
}

/// A dated occurrence; `ends_on` empty means the same day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateSpec {
    pub on: String,
    pub starts: String,
    #[serde(default)]
    pub ends_on: String,
    pub ends: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelSpec {
    pub on: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivitySpec {
    pub kind: ActivityKind,
    pub category: Category,
    pub name: Names,
    #[serde(default)]
    pub description: Names,
    /// How to sign up ("no sign-up, just come", a web form, a phone number).
    #[serde(default)]
    pub signup: Names,
    /// What it costs, when not free.
    #[serde(default)]
    pub price: Names,
    #[serde(default)]
    pub is_free: bool,
    #[serde(default)]
    pub min_age: Option<i64>,
    #[serde(default)]
    pub max_age: Option<i64>,
    /// Languages it is run in (fi, sv, en …).
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Whether equipment is lent (skates, instruments, sticks).
    #[serde(default)]
    pub equipment_lent: bool,
    /// The organiser from the register (its code).
    #[serde(default)]
    pub organiser: String,
    /// The organiser's name when it is not in the register (imported events).
    #[serde(default)]
    pub provider: String,
    /// The place from the places list (its code).
    #[serde(default)]
    pub place: String,
    /// Where, in words, when the place is not on the list (a park, a bus stop).
    #[serde(default)]
    pub location: String,
    /// The area, cluster or unit it belongs to (its code).
    pub area: String,
    /// YYYY-MM-DD; needed with weekly slots.
    #[serde(default)]
    pub season_start: String,
    #[serde(default)]
    pub season_end: String,
    #[serde(default)]
    pub slots: Vec<SlotSpec>,
    #[serde(default)]
    pub dates: Vec<DateSpec>,
    #[serde(default)]
    pub cancellations: Vec<CancelSpec>,
    #[serde(default)]
    pub info_url: String,
    /// The event's id in the system it was imported from (Linked Events).
    #[serde(default)]
    pub source_id: String,
}

/// An activity's times as stored (the `times` column's JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Times {
    #[serde(default)]
    pub(super) slots: Vec<SlotSpec>,
    #[serde(default)]
    pub(super) dates: Vec<DateSpec>,
    #[serde(default)]
    pub(super) cancellations: Vec<CancelSpec>,
}

/// A stored activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub id: i64,
    pub org_id: i64,
    pub status: ActivityStatus,
    pub spec: ActivitySpec,
    pub schedule: Schedule,
    pub area_id: i64,
    pub cluster_id: Option<i64>,
    pub unit_id: i64,
    pub organiser_id: Option<i64>,
    /// The place's or the register's names, for lists.
    pub place_name: Names,
    pub organiser_name: String,
    pub updated_at: i64,
    pub updated_by: String,
}

impl Activity {
    /// The cancelled dates.
    pub fn cancelled(&self) -> Vec<Date> {
        self.spec
            .cancellations
            .iter()
            .filter_map(|c| parse_date(&c.on).ok().flatten())
            .collect()
    }
}

fn clock(field: &str, s: &str) -> Result<ClockTime> {
    ClockTime::parse(s).map_err(|p| StoreError::invalid(field, p))
}

fn date_at(field: &str, s: &str) -> Result<Date> {
    parse_date(s)
        .map_err(|p| StoreError::invalid(field, p))?
        .ok_or_else(|| StoreError::invalid(field, Problem::required()))
}

/// The schedule a spec describes; the error names the field.
pub fn schedule_of(s: &ActivitySpec) -> Result<Schedule> {
    let season = match (s.season_start.trim(), s.season_end.trim()) {
        ("", "") => None,
        (a, b) => Some((date_at("season_start", a)?, date_at("season_end", b)?)),
    };
    let mut slots = Vec::new();
    for (i, sl) in s.slots.iter().enumerate() {
        let at = |f: &str| format!("slots[{}].{f}", i + 1);
        slots.push(WeeklySlot {
            weekday: weekday_from_number(sl.weekday)
                .map_err(|p| StoreError::invalid(&at("weekday"), p))?,
            starts: clock(&at("starts"), &sl.starts)?,
            ends: clock(&at("ends"), &sl.ends)?,
        });
    }
    let mut dates = Vec::new();
    for (i, d) in s.dates.iter().enumerate() {
        let at = |f: &str| format!("dates[{}].{f}", i + 1);
        let on = date_at(&at("on"), &d.on)?;
        dates.push(DatedTime {
            on,
            starts: clock(&at("starts"), &d.starts)?,
            ends_on: if d.ends_on.trim().is_empty() {
                on
            } else {
                date_at(&at("ends_on"), &d.ends_on)?
            },
            ends: clock(&at("ends"), &d.ends)?,
        });
    }
    let schedule = Schedule {
        season,
        slots,
        dates,
    };
    check_schedule(&schedule).map_err(|(f, p)| {
        // The times' own fields: an end before its start names the end.
        let field = if f.starts_with("slots[") || f.starts_with("dates[") {
            format!("{f}.ends")
        } else {
            f
        };
        StoreError::invalid(&field, p)
    })?;
    Ok(schedule)
}

/// Checks an activity whole; the error names the field (`dates[1].ends`,
/// `max_age`, `price.fi`).
pub fn check_activity(s: &ActivitySpec) -> Result<(ActivitySpec, Schedule)> {
    let schedule = schedule_of(s)?;
    check_ages(s.min_age, s.max_age).map_err(|(f, p)| StoreError::invalid(f, p))?;
    check_price(s.is_free, &s.price.fi).map_err(|p| StoreError::invalid("price.fi", p))?;
    if s.organiser.trim().is_empty() && s.provider.trim().is_empty() {
        return Err(StoreError::invalid("organiser", Problem::required()));
    }
    if s.place.trim().is_empty() && s.location.trim().is_empty() {
        return Err(StoreError::invalid("place", Problem::required()));
    }
    let languages = kasvu_core::actor::parse_languages(&s.languages.join(";"))
        .map_err(|p| StoreError::invalid("languages", p))?;
    let mut cancellations: Vec<CancelSpec> = Vec::new();
    for (i, c) in s.cancellations.iter().enumerate() {
        let field = format!("cancellations[{}]", i + 1);
        let on = date_at(&format!("{field}.on"), &c.on)?;
        if !cancellations.iter().any(|k| k.on == format_date(on)) {
            cancellations.push(CancelSpec {
                on: format_date(on),
                note: line(&format!("{field}.note"), &c.note)?,
            });
        }
    }
    cancellations.sort_by(|a, b| a.on.cmp(&b.on));
    let keywords = kasvu_core::actor::parse_list(&s.keywords.join(";"));
    let norm = ActivitySpec {
        kind: s.kind,
        category: s.category,
        name: names("name", &s.name, true, MAX_LINE)?,
        description: names("description", &s.description, false, MAX_TEXT)?,
        signup: names("signup", &s.signup, false, MAX_TEXT)?,
        price: names("price", &s.price, false, MAX_LINE)?,
        is_free: s.is_free,
        min_age: s.min_age,
        max_age: s.max_age,
        languages,
        keywords,
        equipment_lent: s.equipment_lent,
        organiser: s.organiser.trim().to_owned(),
        provider: line("provider", &s.provider)?,
        place: s.place.trim().to_owned(),
        location: line("location", &s.location)?,
        area: s.area.trim().to_owned(),
        season_start: schedule
            .season
            .map(|x| format_date(x.0))
            .unwrap_or_default(),
        season_end: schedule
            .season
            .map(|x| format_date(x.1))
            .unwrap_or_default(),
        slots: s
            .slots
            .iter()
            .zip(&schedule.slots)
            .map(|(raw, sl)| SlotSpec {
                weekday: raw.weekday,
                starts: sl.starts.to_string(),
                ends: sl.ends.to_string(),
            })
            .collect(),
        dates: schedule
            .dates
            .iter()
            .map(|d| DateSpec {
                on: format_date(d.on),
                starts: d.starts.to_string(),
                ends_on: format_date(d.ends_on),
                ends: d.ends.to_string(),
            })
            .collect(),
        cancellations,
        info_url: check_url("info_url", &s.info_url)?,
        source_id: line("source_id", &s.source_id)?,
    };
    Ok((norm, schedule))
}

/// What a list of activities is narrowed to. Empty fields do not narrow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityQuery {
    pub kinds: Vec<ActivityKind>,
    /// An area's or a cluster's id: its own and its clusters' activities.
    pub area_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub place_id: Option<i64>,
    pub age: Option<i64>,
    /// A mask of weekday bits; any of them.
    pub weekdays: i64,
    pub free_only: bool,
    pub category: Option<Category>,
    /// Happening on some day from–to (both included).
    pub between: Option<(Date, Date)>,
    /// `None`: published only (the public). Staff lists name the statuses.
    pub statuses: Option<Vec<ActivityStatus>>,
    /// Only those of these organisers (the register's ids).
    pub organisers: Option<Vec<i64>>,
    pub limit: i64,
    pub offset: i64,
}

impl Store {
    /// Writes an activity whole: a new one (`id` None) or the one with `id`
    /// of the organisation. `status` is what the caller may give: pending for
    /// an organiser, published when an approver publishes.
    pub async fn save_activity(
        &self,
        actor: &Actor,
        org_id: i64,
        id: Option<i64>,
        spec: &ActivitySpec,
        status: ActivityStatus,
    ) -> Result<i64> {
        let (s, schedule) = check_activity(spec)?;
        let mut tx = self.begin_write().await?;
        let id = self
            .write_activity(&mut tx, actor, org_id, id, &s, &schedule, status)
            .await?;
        tx.commit().await?;
        self.note_public_write();
        Ok(id)
    }

    /// Writes many activities in one transaction (an import): all or none.
    /// An entry with a `source_id` already stored replaces that entry.
    /// `progress` is told after each entry.
    pub async fn save_activities(
        &self,
        actor: &Actor,
        org_id: i64,
        specs: &[ActivitySpec],
        status: ActivityStatus,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<(usize, usize)> {
        let mut checked = Vec::with_capacity(specs.len());
        for (i, spec) in specs.iter().enumerate() {
            checked.push(check_activity(spec).map_err(|e| e.at_row(i + 1))?);
        }
        let mut tx = self.begin_write().await?;
        let (mut created, mut updated) = (0, 0);
        for (i, (s, schedule)) in checked.iter().enumerate() {
            let existing: Option<i64> = if s.source_id.is_empty() {
                None
            } else {
                sqlx::query_scalar("SELECT id FROM activities WHERE org_id = $1 AND source_id = $2")
                    .bind(org_id)
                    .bind(&s.source_id)
                    .fetch_optional(&mut *tx)
                    .await?
            };
            if existing.is_some() {
                updated += 1;
            } else {
                created += 1;
            }
            self.write_activity(&mut tx, actor, org_id, existing, s, schedule, status)
                .await
                .map_err(|e| e.at_row(i + 1))?;
            progress(i + 1);
        }
        tx.commit().await?;
        self.note_public_write();
        Ok((created, updated))
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_activity(
        &self,
        tx: &mut AnyConnection,
        actor: &Actor,
        org_id: i64,
        id: Option<i64>,
        s: &ActivitySpec,
        schedule: &Schedule,
        status: ActivityStatus,
    ) -> Result<i64> {
        let (unit_id, area_id, cluster_id) = area_of(tx, org_id, &s.area, "area").await?;
        let organiser_id = match s.organiser.as_str() {
            "" => None,
            c => Some(crate::support::db::actor_in(tx, org_id, c, "organiser").await?),
        };
        let place_id: Option<i64> = match s.place.as_str() {
            "" => None,
            c => Some(
                sqlx::query_scalar("SELECT id FROM places WHERE org_id = $1 AND code = $2")
                    .bind(org_id)
                    .bind(c)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| {
                        StoreError::invalid(
                            "place",
                            Problem::new("err-place-missing", format!("there is no place '{c}'"))
                                .arg("value", c),
                        )
                    })?,
            ),
        };
        let (first, last) = span(schedule).ok_or_else(|| {
            StoreError::invalid(
                "times",
                Problem::new("err-no-times", "give at least one weekly time or one date"),
            )
        })?;
        let who = actor.label.clone();
        let times_json = serde_json::to_string(&Times {
            slots: s.slots.clone(),
            dates: s.dates.clone(),
            cancellations: s.cancellations.clone(),
        })
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let values = "kind = $2, category = $3, status = $4, name_fi = $5, name_sv = $6, name_en = $7, \
             description_fi = $8, description_sv = $9, description_en = $10, signup_fi = $11, signup_sv = $12, \
             signup_en = $13, price_fi = $14, price_sv = $15, price_en = $16, is_free = $17, min_age = $18, \
             max_age = $19, languages = $20, keywords = $21, equipment_lent = $22, organiser_id = $23, \
             provider = $24, place_id = $25, location = $26, area_id = $27, cluster_id = $28, unit_id = $29, \
             season_start = $30, season_end = $31, weekday_mask = $32, first_on = $33, last_on = $34, \
             info_url = $35, source_id = $36, updated_by = $37, updated_at = $38, times = $39";
        let sql = match id {
            Some(_) => format!("UPDATE activities SET {values} WHERE id = $40 AND org_id = $1 RETURNING id"),
            None => "INSERT INTO activities (org_id, kind, category, status, name_fi, name_sv, name_en, \
                 description_fi, description_sv, description_en, signup_fi, signup_sv, signup_en, price_fi, \
                 price_sv, price_en, is_free, min_age, max_age, languages, keywords, equipment_lent, organiser_id, \
                 provider, place_id, location, area_id, cluster_id, unit_id, season_start, season_end, \
                 weekday_mask, first_on, last_on, info_url, source_id, updated_by, updated_at, times, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, \
                 $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, \
                 $39, $37) RETURNING id"
                .to_owned(),
        };
        let q = sqlx::query_scalar(&sql)
            .bind(org_id)
            .bind(s.kind.code())
            .bind(s.category.code())
            .bind(status.code())
            .bind(&s.name.fi)
            .bind(&s.name.sv)
            .bind(&s.name.en)
            .bind(&s.description.fi)
            .bind(&s.description.sv)
            .bind(&s.description.en)
            .bind(&s.signup.fi)
            .bind(&s.signup.sv)
            .bind(&s.signup.en)
            .bind(&s.price.fi)
            .bind(&s.price.sv)
            .bind(&s.price.en)
            .bind(i64::from(s.is_free))
            .bind(s.min_age)
            .bind(s.max_age)
            .bind(s.languages.join(";"))
            .bind(s.keywords.join(";"))
            .bind(i64::from(s.equipment_lent))
            .bind(organiser_id)
            .bind(&s.provider)
            .bind(place_id)
            .bind(&s.location)
            .bind(area_id)
            .bind(cluster_id)
            .bind(unit_id)
            .bind((!s.season_start.is_empty()).then_some(s.season_start.as_str()))
            .bind((!s.season_end.is_empty()).then_some(s.season_end.as_str()))
            .bind(weekday_mask(schedule))
            .bind(format_date(first))
            .bind(format_date(last))
            .bind(&s.info_url)
            .bind((!s.source_id.is_empty()).then_some(s.source_id.as_str()))
            .bind(&who)
            .bind(now())
            .bind(times_json);
        let q = match id {
            Some(i) => q.bind(i),
            None => q,
        };
        let id: i64 = q
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("activity {}", id.unwrap_or_default())))?;
        super::search_docs::index_activity(tx, org_id, id, s, status).await?;
        bump_version(tx, org_id).await?;
        audit_change(
            tx,
            actor,
            org_id,
            "activity",
            &id.to_string(),
            "save",
            json!({ "status": status.code(), "spec": s }),
        )
        .await?;
        Ok(id)
    }

    /// Publishes or withdraws an activity (the area's approval).
    pub async fn set_activity_status(
        &self,
        actor: &Actor,
        org_id: i64,
        id: i64,
        status: ActivityStatus,
    ) -> Result<()> {
        // Read before the write: the index row is rewritten from it.
        let spec = self.activity(org_id, id).await?.map(|a| a.spec);
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE activities SET status = $1, approved_by = $2, updated_at = $3 WHERE id = $4 AND org_id = $5",
        )
        .bind(status.code())
        .bind(&actor.label)
        .bind(now())
        .bind(id)
        .bind(org_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!("activity {id}")));
        }
        if let Some(spec) = &spec {
            super::search_docs::index_activity(&mut tx, org_id, id, spec, status).await?;
        }
        bump_version(&mut tx, org_id).await?;
        audit_change(
            &mut tx,
            actor,
            org_id,
            "activity",
            &id.to_string(),
            "status",
            json!({ "status": status.code() }),
        )
        .await?;
        tx.commit().await?;
        self.note_public_write();
        Ok(())
    }

    /// One activity of an organisation with its schedule, whatever its status.
    pub async fn activity(&self, org_id: i64, id: i64) -> Result<Option<Activity>> {
        let row = sqlx::query(&format!(
            "SELECT {ACTIVITY_COLUMNS} FROM {ACTIVITY_FROM} WHERE x.org_id = $1 AND x.id = $2"
        ))
        .bind(org_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(activity_of).transpose()
    }
}
