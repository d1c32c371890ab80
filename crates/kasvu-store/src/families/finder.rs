//! The public activity search: each organisation's published activities'
//! filter columns kept in memory, filtered there, and a page read from the database.

use super::*;
use crate::support::watch::Stamp;
use fixedbitset::FixedBitSet;
use kasvu_core::activity::{ActivityFilter, FilterColumns};
use std::collections::HashMap;

/// One published activity's filter columns. The public search filters these
/// in memory — counting the matches of a filter over a large city in SQL
/// read tens of thousands of index entries per request — and reads only the
/// page's rows from the database. The matching rules are kasvu-core's
/// [`ActivityFilter`], the same as [`conditions`] writes in SQL.
#[derive(Debug, Clone, Copy)]
struct Slim {
    id: i64,
    columns: FilterColumns,
}

impl ActivityQuery {
    /// The part of the query the public filter matches by.
    pub fn filter(&self) -> ActivityFilter {
        ActivityFilter {
            kinds: self.kinds.clone(),
            area_id: self.area_id,
            cluster_id: self.cluster_id,
            place_id: self.place_id,
            age: self.age,
            weekdays: self.weekdays,
            free_only: self.free_only,
            category: self.category,
        }
    }
}

/// Each organisation's published activities in name order, under the
/// `activity_versions` version they were read at.
#[derive(Default)]
pub(crate) struct IndexCache(std::sync::Mutex<std::collections::HashMap<i64, VersionedIndex>>);

/// An index and the version it was read at.
type VersionedIndex = (i64, std::sync::Arc<PublicIndex>);

/// An organisation's published activities in display order, with a bit
/// set over their positions for each value a public filter can name (kind,
/// category, area, cluster, each age 0–120, each weekday, free): a search
/// intersects a few sets of ~12 KB each at 100,000 entries, counts the
/// bits and reads the page's positions in display order, instead of
/// testing every entry (a third of a search's CPU at 8 clients). A place,
/// or an age outside the table, is looked for the old way: the place's own
/// positions, or every entry, tested by [`ActivityFilter::matches`]. The
/// parity test `filter_rules_agree_with_sql` holds both ways to the SQL.
#[derive(Default)]
struct PublicIndex {
    all: Vec<Slim>,
    kinds: Vec<(ActivityKind, FixedBitSet)>,
    categories: Vec<(Category, FixedBitSet)>,
    areas: HashMap<i64, FixedBitSet>,
    clusters: HashMap<i64, FixedBitSet>,
    /// `ages[a]`: the entries whose audience includes age `a`.
    ages: Vec<FixedBitSet>,
    /// `weekdays[d]`: the entries held on the day of bit `d` of the mask.
    weekdays: Vec<FixedBitSet>,
    free: FixedBitSet,
    places: HashMap<i64, Vec<u32>>,
}

/// The oldest age the bit sets have a set for (ages are checked to be at
/// most this on save).
const TABLE_AGES: i64 = 120;

impl PublicIndex {
    fn new(all: Vec<Slim>) -> PublicIndex {
        let n = all.len();
        let set = || FixedBitSet::with_capacity(n);
        let mut ix = PublicIndex {
            ages: (0..=TABLE_AGES).map(|_| set()).collect(),
            weekdays: (0..7).map(|_| set()).collect(),
            free: set(),
            ..PublicIndex::default()
        };
        for (pos, s) in all.iter().enumerate() {
            let c = &s.columns;
            mark(&mut ix.kinds, c.kind, pos, n);
            mark(&mut ix.categories, c.category, pos, n);
            ix.areas.entry(c.area_id).or_insert_with(set).insert(pos);
            if let Some(cl) = c.cluster_id {
                ix.clusters.entry(cl).or_insert_with(set).insert(pos);
            }
            if let Some(p) = c.place_id {
                ix.places.entry(p).or_default().push(pos as u32);
            }
            // The ages of the table that `age_fits` lets in.
            let lo = c.min_age.unwrap_or(0).max(0);
            let hi = c.max_age.unwrap_or(TABLE_AGES).min(TABLE_AGES);
            for age in lo..=hi {
                ix.ages[age as usize].insert(pos);
            }
            for (d, b) in ix.weekdays.iter_mut().enumerate() {
                if c.weekday_mask & (1 << d) != 0 {
                    b.insert(pos);
                }
            }
            if c.is_free {
                ix.free.insert(pos);
            }
        }
        ix.all = all;
        ix
    }
}

/// Sets bit `pos` in the set of `key` (a new set of `n` bits if it has none).
fn mark<K: PartialEq>(sets: &mut Vec<(K, FixedBitSet)>, key: K, pos: usize, n: usize) {
    match sets.iter_mut().find(|(k, _)| *k == key) {
        Some((_, b)) => b.insert(pos),
        None => {
            let mut b = FixedBitSet::with_capacity(n);
            b.insert(pos);
            sets.push((key, b));
        }
    }
}

impl PublicIndex {
    /// The positions `f` matches, or `None` when the sets cannot say (a
    /// place, an age outside the table, a day bit past Sunday).
    fn matching(&self, f: &ActivityFilter) -> Option<FixedBitSet> {
        if f.place_id.is_some() || f.weekdays & !0x7f != 0 {
            return None;
        }
        let n = self.all.len();
        let empty = FixedBitSet::with_capacity(n);
        let mut acc = FixedBitSet::with_capacity(n);
        acc.insert_range(..);
        if !f.kinds.is_empty() {
            let mut any = FixedBitSet::with_capacity(n);
            for (_, b) in self.kinds.iter().filter(|(k, _)| f.kinds.contains(k)) {
                any.union_with(b);
            }
            acc.intersect_with(&any);
        }
        if let Some(c) = f.category {
            let b = self.categories.iter().find(|(k, _)| *k == c);
            acc.intersect_with(b.map_or(&empty, |(_, b)| b));
        }
        if let Some(a) = f.area_id {
            acc.intersect_with(self.areas.get(&a).unwrap_or(&empty));
        }
        if let Some(c) = f.cluster_id {
            acc.intersect_with(self.clusters.get(&c).unwrap_or(&empty));
        }
        if let Some(age) = f.age {
            let b = usize::try_from(age).ok().and_then(|a| self.ages.get(a))?;
            acc.intersect_with(b);
        }
        if f.weekdays != 0 {
            let mut any = FixedBitSet::with_capacity(n);
            for (d, b) in self.weekdays.iter().enumerate() {
                if f.weekdays & (1 << d) != 0 {
                    any.union_with(b);
                }
            }
            acc.intersect_with(&any);
        }
        if f.free_only {
            acc.intersect_with(&self.free);
        }
        Some(acc)
    }
}

/// A query's page and how many matched in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityPage {
    pub items: Vec<std::sync::Arc<Activity>>,
    pub total: i64,
}

/// One bound value of a query put together from filters.
enum Arg {
    I(i64),
    S(String),
}

/// The query as SQL: the statuses, dates and organisers staff lists narrow
/// by, and [`ActivityFilter`]'s rules written as conditions (a parity test
/// checks that the two agree).
fn conditions(org_id: i64, q: &ActivityQuery) -> (String, Vec<Arg>) {
    let mut args = vec![Arg::I(org_id)];
    let mut conds = vec!["x.org_id = $1".to_owned()];
    // Binds `a` as the next placeholder, written where `cond` has `?`.
    fn push(conds: &mut Vec<String>, args: &mut Vec<Arg>, cond: &str, a: Arg) {
        args.push(a);
        conds.push(cond.replace('?', &format!("${}", args.len())));
    }
    match &q.statuses {
        None => push(
            &mut conds,
            &mut args,
            "x.status = ?",
            Arg::S(ActivityStatus::Published.code().into()),
        ),
        Some(list) => {
            let codes: Vec<String> = list.iter().map(|s| format!("'{}'", s.code())).collect();
            conds.push(format!("x.status IN ({})", codes.join(", ")));
        }
    }
    if !q.kinds.is_empty() {
        // Codes come from the enum, never from input.
        let codes: Vec<String> = q.kinds.iter().map(|k| format!("'{}'", k.code())).collect();
        conds.push(format!("x.kind IN ({})", codes.join(", ")));
    }
    if let Some(a) = q.area_id {
        push(&mut conds, &mut args, "x.area_id = ?", Arg::I(a));
    }
    if let Some(c) = q.cluster_id {
        push(&mut conds, &mut args, "x.cluster_id = ?", Arg::I(c));
    }
    if let Some(p) = q.place_id {
        push(&mut conds, &mut args, "x.place_id = ?", Arg::I(p));
    }
    if let Some(age) = q.age {
        push(
            &mut conds,
            &mut args,
            "(x.min_age IS NULL OR x.min_age <= ?)",
            Arg::I(age),
        );
        push(
            &mut conds,
            &mut args,
            "(x.max_age IS NULL OR x.max_age >= ?)",
            Arg::I(age),
        );
    }
    if q.weekdays != 0 {
        push(
            &mut conds,
            &mut args,
            "(x.weekday_mask & ?) <> 0",
            Arg::I(q.weekdays),
        );
    }
    if q.free_only {
        conds.push("x.is_free = 1".into());
    }
    if let Some(c) = q.category {
        push(
            &mut conds,
            &mut args,
            "x.category = ?",
            Arg::S(c.code().into()),
        );
    }
    if let Some((from, to)) = q.between {
        push(
            &mut conds,
            &mut args,
            "x.last_on >= ?",
            Arg::S(format_date(from)),
        );
        push(
            &mut conds,
            &mut args,
            "x.first_on <= ?",
            Arg::S(format_date(to)),
        );
    }
    if let Some(ids) = &q.organisers {
        if ids.is_empty() {
            conds.push("1 = 0".into());
        } else {
            let list: Vec<String> = ids.iter().map(i64::to_string).collect();
            conds.push(format!("x.organiser_id IN ({})", list.join(", ")));
        }
    }
    (conds.join(" AND "), args)
}

fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    args: &'q [Arg],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    for a in args {
        q = match a {
            Arg::I(i) => q.bind(*i),
            Arg::S(s) => q.bind(s.as_str()),
        };
    }
    q
}

pub(super) const ACTIVITY_COLUMNS: &str = "x.id, x.org_id, x.kind, x.category, x.status, x.name_fi, x.name_sv, \
     x.name_en, x.description_fi, x.description_sv, x.description_en, x.signup_fi, x.signup_sv, x.signup_en, \
     x.price_fi, x.price_sv, x.price_en, x.is_free, x.min_age, x.max_age, x.languages, x.keywords, \
     x.equipment_lent, x.organiser_id, o.code AS organiser, o.name AS organiser_name, x.provider, \
     p.code AS place, p.name_fi AS place_fi, p.name_sv AS place_sv, p.name_en AS place_en, x.location, \
     x.area_id, x.cluster_id, x.unit_id, u.code AS area, x.season_start, x.season_end, x.times, \
     x.info_url, x.source_id, x.updated_at, x.updated_by";

pub(super) const ACTIVITY_FROM: &str = "activities x LEFT JOIN actors o ON o.id = x.organiser_id \
     LEFT JOIN places p ON p.id = x.place_id JOIN org_units u ON u.id = x.unit_id";

fn split_list(s: &str) -> Vec<String> {
    s.split(';')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(super) fn activity_of(r: &AnyRow) -> Result<Activity> {
    let kind: String = r.try_get("kind")?;
    let category: String = r.try_get("category")?;
    let status: String = r.try_get("status")?;
    let place_name = Names {
        fi: r
            .try_get::<Option<String>, _>("place_fi")?
            .unwrap_or_default(),
        sv: r
            .try_get::<Option<String>, _>("place_sv")?
            .unwrap_or_default(),
        en: r
            .try_get::<Option<String>, _>("place_en")?
            .unwrap_or_default(),
    };
    let location: String = r.try_get("location")?;
    let provider: String = r.try_get("provider")?;
    let organiser_name = r
        .try_get::<Option<String>, _>("organiser_name")?
        .unwrap_or_else(|| provider.clone());
    let times: Times = serde_json::from_str(&r.try_get::<String, _>("times")?)
        .map_err(|e| StoreError::Corrupt(format!("times: {e}")))?;
    let mut a = Activity {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        status: ActivityStatus::parse(&status).map_err(|p| StoreError::corrupt("status", p))?,
        area_id: r.try_get("area_id")?,
        cluster_id: r.try_get("cluster_id")?,
        unit_id: r.try_get("unit_id")?,
        organiser_id: r.try_get("organiser_id")?,
        place_name: if place_name.fi.is_empty() {
            Names {
                fi: location.clone(),
                sv: String::new(),
                en: String::new(),
            }
        } else {
            place_name
        },
        organiser_name,
        updated_at: r.try_get("updated_at")?,
        updated_by: r.try_get("updated_by")?,
        schedule: Schedule::default(),
        spec: ActivitySpec {
            kind: ActivityKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
            category: Category::parse(&category).map_err(|p| StoreError::corrupt("category", p))?,
            name: names_of(r, "name")?,
            description: names_of(r, "description")?,
            signup: names_of(r, "signup")?,
            price: names_of(r, "price")?,
            is_free: r.try_get::<i64, _>("is_free")? == 1,
            min_age: r.try_get("min_age")?,
            max_age: r.try_get("max_age")?,
            languages: split_list(&r.try_get::<String, _>("languages")?),
            keywords: split_list(&r.try_get::<String, _>("keywords")?),
            equipment_lent: r.try_get::<i64, _>("equipment_lent")? == 1,
            organiser: r
                .try_get::<Option<String>, _>("organiser")?
                .unwrap_or_default(),
            provider,
            place: r.try_get::<Option<String>, _>("place")?.unwrap_or_default(),
            location,
            area: r.try_get("area")?,
            season_start: r
                .try_get::<Option<String>, _>("season_start")?
                .unwrap_or_default(),
            season_end: r
                .try_get::<Option<String>, _>("season_end")?
                .unwrap_or_default(),
            slots: times.slots,
            dates: times.dates,
            cancellations: times.cancellations,
            info_url: r.try_get("info_url")?,
            source_id: r
                .try_get::<Option<String>, _>("source_id")?
                .unwrap_or_default(),
        },
    };
    a.schedule = schedule_of(&a.spec).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(a)
}

impl Store {
    /// A page of activities matching `q`, by name, with the number that
    /// matched in all.
    pub async fn find_activities(&self, org_id: i64, q: &ActivityQuery) -> Result<ActivityPage> {
        if q.statuses.is_none() && q.between.is_none() && q.organisers.is_none() {
            return self.find_public(org_id, q).await;
        }
        let (cond, args) = conditions(org_id, q);
        let count_sql = format!("SELECT COUNT(*) FROM activities x WHERE {cond}");
        let total: i64 = {
            let mut cq = sqlx::query_scalar(&count_sql);
            for a in &args {
                cq = match a {
                    Arg::I(i) => cq.bind(*i),
                    Arg::S(s) => cq.bind(s.as_str()),
                };
            }
            cq.fetch_one(&self.pool).await?
        };
        let limit = q.limit.clamp(1, 1000);
        let sql = format!(
            "SELECT {ACTIVITY_COLUMNS} FROM {ACTIVITY_FROM} WHERE {cond} ORDER BY x.name_fi, x.id \
             LIMIT {limit} OFFSET {}",
            q.offset.max(0)
        );
        let rows = bind_all(sqlx::query(&sql), &args)
            .fetch_all(&self.pool)
            .await?;
        let items = rows
            .iter()
            .map(|r| activity_of(r).map(std::sync::Arc::new))
            .collect::<Result<Vec<_>>>()?;
        Ok(ActivityPage { items, total })
    }

    /// A page of the published activities matching `q` as of `versions`
    /// (from [`Store::public_versions`], read before): the public pages'
    /// search, which reads no version itself. [`Store::find_activities`]
    /// reads the version afresh, so the API sees another process's write
    /// at once.
    pub async fn find_activities_at(
        &self,
        org_id: i64,
        q: &ActivityQuery,
        versions: &crate::PublicVersions,
    ) -> Result<ActivityPage> {
        if q.statuses.is_none() && q.between.is_none() && q.organisers.is_none() {
            let stamp = versions.stamp_of(org_id);
            let index = self.public_index(org_id, Some(stamp.activities)).await?;
            return self.find_in(index, org_id, q, Some(stamp)).await;
        }
        self.find_activities(org_id, q).await
    }

    /// The published activities' index of an organisation, read again when
    /// its version has moved. The version (`known`, else read here) is read
    /// before the rows, so an index is never older than the version it is
    /// kept under; the page's rows are read afresh and checked.
    async fn public_index(
        &self,
        org_id: i64,
        known: Option<i64>,
    ) -> Result<std::sync::Arc<PublicIndex>> {
        let version: i64 = match known {
            Some(v) => v,
            None => sqlx::query_scalar("SELECT version FROM activity_versions WHERE org_id = $1")
                .bind(org_id)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or(0),
        };
        let index = self.caches.get::<IndexCache>();
        let cache = &index.0;
        if let Some((v, items)) = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&org_id)
        {
            if *v == version {
                return Ok(items.clone());
            }
        }
        let rows = sqlx::query(
            "SELECT id, kind, category, area_id, cluster_id, place_id, min_age, max_age, weekday_mask, is_free \
             FROM activities WHERE org_id = $1 AND status = 'published' ORDER BY name_fi, id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind: String = r.try_get("kind")?;
            let category: String = r.try_get("category")?;
            items.push(Slim {
                id: r.try_get("id")?,
                columns: FilterColumns {
                    kind: ActivityKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
                    category: Category::parse(&category)
                        .map_err(|p| StoreError::corrupt("category", p))?,
                    area_id: r.try_get("area_id")?,
                    cluster_id: r.try_get("cluster_id")?,
                    place_id: r.try_get("place_id")?,
                    min_age: r.try_get("min_age")?,
                    max_age: r.try_get("max_age")?,
                    weekday_mask: r.try_get("weekday_mask")?,
                    is_free: r.try_get::<i64, _>("is_free")? == 1,
                },
            });
        }
        let items = std::sync::Arc::new(PublicIndex::new(items));
        cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(org_id, (version, items.clone()));
        Ok(items)
    }

    /// The public search: matches counted in memory, the page's rows read.
    async fn find_public(&self, org_id: i64, q: &ActivityQuery) -> Result<ActivityPage> {
        let index = self.public_index(org_id, None).await?;
        self.find_in(index, org_id, q, None).await
    }

    /// The matches of `q` in `index` counted, the page's rows read (or,
    /// with a stamp, taken from the rows kept under it: see `rows.rs`).
    async fn find_in(
        &self,
        index: std::sync::Arc<PublicIndex>,
        org_id: i64,
        q: &ActivityQuery,
        stamp: Option<Stamp>,
    ) -> Result<ActivityPage> {
        let limit = q.limit.clamp(1, 1000) as usize;
        let offset = q.offset.max(0) as usize;
        let mut total = 0usize;
        let mut ids = Vec::with_capacity(limit);
        let filter = q.filter();
        if let Some(set) = index.matching(&filter) {
            total = set.count_ones(..);
            ids.extend(
                set.ones()
                    .skip(offset)
                    .take(limit)
                    .filter_map(|p| index.all.get(p))
                    .map(|s| s.id),
            );
        } else {
            let mut visit = |s: &Slim| {
                if filter.matches(&s.columns) {
                    if total >= offset && ids.len() < limit {
                        ids.push(s.id);
                    }
                    total += 1;
                }
            };
            match filter.place_id {
                Some(p) => index
                    .places
                    .get(&p)
                    .into_iter()
                    .flatten()
                    .filter_map(|p| index.all.get(*p as usize))
                    .for_each(&mut visit),
                None => index.all.iter().for_each(&mut visit),
            }
        }
        let items = if ids.is_empty() {
            Vec::new()
        } else {
            self.rows_by_id(org_id, &ids, limit, stamp).await?
        };
        Ok(ActivityPage {
            items,
            total: total as i64,
        })
    }

    // ------------------------------------------------------------ wishes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_become_numbered_placeholders_and_enum_codes() {
        let q = ActivityQuery {
            kinds: vec![ActivityKind::Hobby],
            area_id: Some(3),
            age: Some(9),
            weekdays: 0b10,
            free_only: true,
            ..ActivityQuery::default()
        };
        let (cond, args) = conditions(7, &q);
        assert_eq!(
            cond,
            "x.org_id = $1 AND x.status = $2 AND x.kind IN ('hobby') AND x.area_id = $3 AND \
             (x.min_age IS NULL OR x.min_age <= $4) AND (x.max_age IS NULL OR x.max_age >= $5) AND \
             (x.weekday_mask & $6) <> 0 AND x.is_free = 1"
        );
        assert_eq!(args.len(), 6);
    }
}
