//! One page of search results with the total and the facet counts, all
//! decided in the database, reading only the page's rows. The score is
//! [`Query::score`]'s (3 for a query word in the title, 1 elsewhere), equal
//! scores by kind, then id; both databases compute the same integers, so
//! they answer alike (neither's own relevance, bm25 or ts_rank, is used).
//!
//! Every entry belongs to a group: one combination of what decides who may
//! find it and its facets (organisation, kind, sector, areas, public,
//! members only, team), numbered in `search_groups` — a few hundred per
//! organisation however many entries. Matches are counted by group.
//!
//! - **SQLite** (`fts5`): the full-text rowid is `kind_rank << 59 | id <<
//!   24 | group` (migration 0036), so no match is looked up in
//!   `search_entries`: the matches' groups are read off the rowids (one
//!   text of numbers, tallied here), which groups the reader may see and
//!   the filter keeps is decided from the groups (cached: a group never
//!   changes), and the page is the rowids in order — first the matches with
//!   a query word in the title (a column filter), then the rest, which
//!   FTS5 gives in rowid order, so the page stops after its rows.
//! - **PostgreSQL**: the matches found by the GIN index are materialised
//!   once as (id, group, score), counted by group and ranked for the page.

use super::{visible, Reader, SearchHit, GROUP_BITS, ID_BITS};
use crate::support::db::{Backend, Store};
use crate::support::error::{Result, StoreError};
use kasvu_core::search::{Query, SearchKind};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, PoisonError, RwLock};

/// The facet choices of a search (empty: not chosen).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    pub kind: Option<SearchKind>,
    /// An area's or cluster's code: entries that list it.
    pub area: String,
    pub sector: String,
}

impl SearchFilter {
    /// Does an entry of this kind, sector and areas pass the choices? The
    /// facet of `skip` is left out (its counts are taken over the others).
    fn keeps(&self, kind: SearchKind, sector: &str, areas: &[&str], skip: Facet) -> bool {
        (skip == Facet::Kind || self.kind.is_none_or(|k| k == kind))
            && (skip == Facet::Area || self.area.is_empty() || areas.contains(&self.area.as_str()))
            && (skip == Facet::Sector || self.sector.is_empty() || sector == self.sector)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Facet {
    None,
    Kind,
    Area,
    Sector,
}

/// A page of results with the counts the search page shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    /// Matches that pass the filter.
    pub total: usize,
    /// Matches per kind code among those the other choices keep.
    pub kinds: BTreeMap<String, usize>,
    /// Matches per area code among those the other choices keep.
    pub areas: BTreeMap<String, usize>,
    /// Matches per (non-empty) sector among those the other choices keep.
    pub sectors: BTreeMap<String, usize>,
    /// The page asked for, best first.
    pub hits: Vec<SearchHit>,
}

/// A stem as an SQL string literal (stems hold only letters and digits;
/// quotes are doubled all the same).
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// One group of entries (see the module's text). Groups are only ever
/// added, never changed or removed, so once read a group can be kept.
#[derive(Debug)]
struct Group {
    org_id: i64,
    kind: SearchKind,
    sector: String,
    areas: Vec<String>,
    public: bool,
    members_only: bool,
    team_id: i64,
}

impl Group {
    /// Whether `reader`, searching in `org_id`, may find the group's entries:
    /// the condition of [`super::visible_on`], on the group's own values.
    fn seen_by(&self, reader: &Reader, org_id: i64) -> bool {
        let own = (self.org_id == org_id || self.org_id == 0)
            && if reader.internal {
                !self.members_only
            } else {
                self.public
            };
        own || (self.team_id != 0 && reader.teams.contains(&self.team_id))
    }
}

/// The groups read so far, by id (a store's cache; see [`Group`]).
#[derive(Default)]
pub(crate) struct GroupCache(RwLock<HashMap<i64, Arc<Group>>>);

/// Each rowid's group in a comma-separated list of them (SQLite's
/// `group_concat`), counted.
fn tally(list: &str, into: &mut HashMap<i64, usize>) -> Result<()> {
    for g in list.split(',').filter(|g| !g.is_empty()) {
        let g: i64 = g
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("search group '{g}'")))?;
        *into.entry(g).or_insert(0) += 1;
    }
    Ok(())
}

impl SearchResults {
    /// Adds `n` matches of one group to the total and the facet counts the
    /// filter's other choices keep.
    fn count(
        &mut self,
        filter: &SearchFilter,
        kind: SearchKind,
        sector: &str,
        areas: &[&str],
        n: usize,
    ) {
        if filter.keeps(kind, sector, areas, Facet::None) {
            self.total += n;
        }
        if filter.keeps(kind, sector, areas, Facet::Kind) {
            *self.kinds.entry(kind.code().to_owned()).or_insert(0) += n;
        }
        if filter.keeps(kind, sector, areas, Facet::Area) {
            for a in areas {
                *self.areas.entry((*a).to_owned()).or_insert(0) += n;
            }
        }
        if !sector.is_empty() && filter.keeps(kind, sector, areas, Facet::Sector) {
            *self.sectors.entry(sector.to_owned()).or_insert(0) += n;
        }
    }

    /// A UNION keeps no order: the page is put back in it.
    fn sort_page(&mut self) {
        self.hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.kind.cmp(&b.kind))
                .then(a.id.cmp(&b.id))
        });
    }
}

impl Store {
    /// The matches of `q` that `reader` may find and `filter` keeps,
    /// `limit` of them from `offset`, best first (the order of
    /// [`Store::search_as`]), with the total and the facet counts.
    pub async fn search_page(
        &self,
        org_id: i64,
        q: &Query,
        reader: &Reader,
        filter: &SearchFilter,
        offset: usize,
        limit: usize,
    ) -> Result<SearchResults> {
        if q.is_empty() {
            return Ok(SearchResults::default());
        }
        match self.backend() {
            Backend::Sqlite => {
                self.page_fts5(org_id, q, reader, filter, offset, limit)
                    .await
            }
            Backend::Postgres => {
                self.page_tsvector(org_id, q, reader, filter, offset, limit)
                    .await
            }
        }
    }

    /// The groups of these ids, from the cache or read (and kept).
    async fn groups(&self, ids: impl Iterator<Item = i64>) -> Result<HashMap<i64, Arc<Group>>> {
        let cache = self.caches.get::<GroupCache>();
        let mut out = HashMap::new();
        let mut missing = Vec::new();
        {
            let known = cache.0.read().unwrap_or_else(PoisonError::into_inner);
            for id in ids {
                match known.get(&id) {
                    Some(g) => {
                        out.insert(id, Arc::clone(g));
                    }
                    None => missing.push(id.to_string()),
                }
            }
        }
        if missing.is_empty() {
            return Ok(out);
        }
        // The ids come from the index's rowids, never from input.
        let rows = sqlx::query(&format!(
            "SELECT id, org_id, kind, sector, areas, public, members_only, team_id \
             FROM search_groups WHERE id IN ({})",
            missing.join(",")
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut known = cache.0.write().unwrap_or_else(PoisonError::into_inner);
        for r in rows {
            let id: i64 = r.try_get("id")?;
            let code: String = r.try_get("kind")?;
            let areas: String = r.try_get("areas")?;
            let public: i64 = r.try_get("public")?;
            let members_only: i64 = r.try_get("members_only")?;
            let g = Arc::new(Group {
                org_id: r.try_get("org_id")?,
                kind: SearchKind::parse(&code).map_err(|p| StoreError::corrupt("kind", p))?,
                sector: r.try_get("sector")?,
                areas: areas
                    .split(' ')
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect(),
                public: public != 0,
                members_only: members_only != 0,
                team_id: r.try_get("team_id")?,
            });
            known.insert(id, Arc::clone(&g));
            out.insert(id, g);
        }
        // A group asked for and not found is noticed by the caller.
        Ok(out)
    }

    /// [`Store::search_page`] on SQLite: see the module's text.
    async fn page_fts5(
        &self,
        org_id: i64,
        q: &Query,
        reader: &Reader,
        filter: &SearchFilter,
        offset: usize,
        limit: usize,
    ) -> Result<SearchResults> {
        let mut out = SearchResults::default();
        let all = q.fts5();
        // Per query word: the entries with it in the title.
        let titled: Vec<String> = q
            .words
            .iter()
            .map(|w| {
                let alts: Vec<String> = w
                    .variants
                    .iter()
                    .map(|v| format!("\"{}\"", v.replace('"', "\"\"")))
                    .collect();
                format!("title_stems : ({})", alts.join(" OR "))
            })
            .collect();
        let any_title = titled.join(" OR ");
        // Above: a query word in the title (scores above the rest). Below:
        // none (each word scores 1).
        let above = format!("({all}) AND ({any_title})");
        let below = format!("({all}) NOT ({any_title})");
        let group = format!("(rowid & {})", (1i64 << GROUP_BITS) - 1);
        let sql = format!(
            "SELECT 0 AS part, COALESCE(group_concat({group}), '') AS list FROM search_fts \
             WHERE search_fts MATCH {} \
             UNION ALL SELECT 1, COALESCE(group_concat({group}), '') FROM search_fts \
             WHERE search_fts MATCH {}",
            literal(&all),
            literal(&above)
        );
        let (mut matches, mut titles) = (HashMap::new(), HashMap::new());
        for r in sqlx::query(&sql).fetch_all(&self.pool).await? {
            let part: i64 = r.try_get("part")?;
            let list: String = r.try_get("list")?;
            tally(&list, if part == 0 { &mut matches } else { &mut titles })?;
        }
        let groups = self.groups(matches.keys().copied()).await?;
        // The groups whose entries the reader may find and the filter keeps.
        let mut chosen: Vec<i64> = Vec::new();
        let mut above_count = 0;
        for (id, n) in &matches {
            let Some(g) = groups.get(id) else {
                return Err(StoreError::Corrupt(format!("search group {id}")));
            };
            if !g.seen_by(reader, org_id) {
                continue;
            }
            let areas: Vec<&str> = g.areas.iter().map(String::as_str).collect();
            out.count(filter, g.kind, &g.sector, &areas, *n);
            if filter.keeps(g.kind, &g.sector, &areas, Facet::None) {
                chosen.push(*id);
                above_count += titles.get(id).copied().unwrap_or(0);
            }
        }
        if chosen.is_empty() || offset >= out.total {
            return Ok(out);
        }
        chosen.sort_unstable();
        let chosen = chosen
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        // A chosen kind is a range of rowids, which FTS5 seeks to.
        let kind_range = match filter.kind {
            Some(k) => {
                let r = super::kind_rank(k);
                format!(
                    " AND rowid BETWEEN {} AND {}",
                    r << 59,
                    (r << 59) | ((1i64 << 59) - 1)
                )
            }
            None => String::new(),
        };
        let words = q.words.len();
        let mut parts = Vec::new();
        // The page's places [offset, offset + limit): those before
        // `above_count` are matches with a title word, ranked by score; the
        // rest come from the others, in rowid order.
        let end = offset.saturating_add(limit);
        let above_take = end.min(above_count).saturating_sub(offset);
        if above_take > 0 {
            // With one word every such match scores 3 and FTS5 gives them
            // in rowid order; with more, a match scores the words' count
            // plus 2 for each word in its title: it is found once per such
            // word, and those finds are counted.
            let part = if words == 1 {
                format!(
                    "SELECT * FROM (SELECT rowid AS r, 3 AS score FROM search_fts \
                     WHERE search_fts MATCH {} AND {group} IN ({chosen}){kind_range} \
                     ORDER BY rowid LIMIT {above_take} OFFSET {offset})",
                    literal(&above)
                )
            } else {
                let each: Vec<String> = titled
                    .iter()
                    .map(|t| {
                        format!(
                            "SELECT rowid AS r FROM search_fts WHERE search_fts MATCH {} \
                             AND {group} IN ({chosen}){kind_range}",
                            literal(&format!("({all}) AND ({t})"))
                        )
                    })
                    .collect();
                format!(
                    "SELECT * FROM (SELECT r, {words} + 2 * COUNT(*) AS score FROM ({}) AS t \
                     GROUP BY r ORDER BY score DESC, r LIMIT {above_take} OFFSET {offset})",
                    each.join(" UNION ALL ")
                )
            };
            parts.push(part);
        }
        let below_from = offset.max(above_count);
        let below_take = end.min(out.total).saturating_sub(below_from);
        if below_take > 0 {
            parts.push(format!(
                "SELECT * FROM (SELECT rowid AS r, {words} AS score FROM search_fts \
                 WHERE search_fts MATCH {} AND {group} IN ({chosen}){kind_range} \
                 ORDER BY rowid LIMIT {below_take} OFFSET {})",
                literal(&below),
                below_from - above_count
            ));
        }
        if parts.is_empty() {
            return Ok(out);
        }
        let id_mask = (1i64 << ID_BITS) - 1;
        for r in sqlx::query(&parts.join(" UNION ALL "))
            .fetch_all(&self.pool)
            .await?
        {
            let rowid: i64 = r.try_get("r")?;
            let score: i64 = r.try_get("score")?;
            let g = groups
                .get(&(rowid & ((1i64 << GROUP_BITS) - 1)))
                .ok_or_else(|| StoreError::Corrupt(format!("search rowid {rowid}")))?;
            out.hits.push(SearchHit {
                id: (rowid >> GROUP_BITS) & id_mask,
                kind: g.kind,
                sector: g.sector.clone(),
                areas: g.areas.clone(),
                score: u32::try_from(score)
                    .map_err(|_| StoreError::Corrupt("search score".into()))?,
            });
        }
        out.sort_page();
        Ok(out)
    }

    /// [`Store::search_page`] on PostgreSQL: see the module's text.
    async fn page_tsvector(
        &self,
        org_id: i64,
        q: &Query,
        reader: &Reader,
        filter: &SearchFilter,
        offset: usize,
        limit: usize,
    ) -> Result<SearchResults> {
        let mut out = SearchResults::default();
        let public = visible(reader);
        let from = format!(
            "FROM search_entries e \
             WHERE to_tsvector('simple', e.stems) @@ to_tsquery('simple', $1){public}"
        );
        // Kasvu's score of a match, as `Query::score` computes it.
        let score = q
            .words
            .iter()
            .map(|w| {
                let any = w
                    .variants
                    .iter()
                    .map(|v| {
                        format!(
                            "strpos(' ' || e.title_stems || ' ', {}) > 0",
                            literal(&format!(" {v} "))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" OR ");
                format!("(CASE WHEN {any} THEN 3 ELSE 1 END)")
            })
            .collect::<Vec<_>>()
            .join(" + ");
        // The facet choices, on the match's group `g`; what they bind
        // comes after the query and the org.
        let mut chosen = String::new();
        let mut binds: Vec<String> = Vec::new();
        if let Some(k) = filter.kind {
            binds.push(k.code().to_owned());
            chosen.push_str(&format!(" AND g.kind = ${}", binds.len() + 2));
        }
        if filter.area.contains(' ') {
            // No listed area code holds a space.
            chosen.push_str(" AND 1 = 0");
        } else if !filter.area.is_empty() {
            binds.push(format!(" {} ", filter.area));
            chosen.push_str(&format!(
                " AND strpos(' ' || g.areas || ' ', ${}) > 0",
                binds.len() + 2
            ));
        }
        if !filter.sector.is_empty() {
            binds.push(filter.sector.clone());
            chosen.push_str(&format!(" AND g.sector = ${}", binds.len() + 2));
        }
        // The matches as (id, group, score), materialised once: counted by
        // group — a few hundred rows however many match, each with its
        // group's texts — and ranked for the page.
        let sql = format!(
            "WITH m AS MATERIALIZED (SELECT e.id AS id, e.group_id AS group_id, \
             CAST({score} AS BIGINT) AS score {from}) \
             SELECT 0 AS id, g.kind AS kind, g.sector AS sector, g.areas AS areas, c.n AS n \
             FROM (SELECT group_id, COUNT(*) AS n FROM m GROUP BY group_id) c \
             JOIN search_groups g ON g.id = c.group_id \
             UNION ALL SELECT * FROM (SELECT m.id AS id, g.kind AS kind, g.sector AS sector, \
             g.areas AS areas, m.score AS n FROM m JOIN search_groups g ON g.id = m.group_id \
             WHERE 1 = 1{chosen} ORDER BY m.score DESC, g.kind_rank, m.id \
             LIMIT {limit} OFFSET {offset}) AS page"
        );
        let mut query = sqlx::query(&sql).bind(q.tsquery()).bind(org_id);
        for b in &binds {
            query = query.bind(b);
        }
        for r in query.fetch_all(&self.pool).await? {
            let id: i64 = r.try_get("id")?;
            let code: String = r.try_get("kind")?;
            let kind = SearchKind::parse(&code).map_err(|p| StoreError::corrupt("kind", p))?;
            let sector: String = r.try_get("sector")?;
            let areas: String = r.try_get("areas")?;
            let areas: Vec<&str> = areas.split(' ').filter(|a| !a.is_empty()).collect();
            let n: i64 = r.try_get("n")?;
            if id != 0 {
                out.hits.push(SearchHit {
                    id,
                    kind,
                    areas: areas.iter().map(|a| (*a).to_owned()).collect(),
                    sector,
                    score: u32::try_from(n)
                        .map_err(|_| StoreError::Corrupt("search score".into()))?,
                });
                continue;
            }
            let n = usize::try_from(n).map_err(|_| StoreError::Corrupt("search count".into()))?;
            out.count(filter, kind, &sector, &areas, n);
        }
        out.sort_page();
        Ok(out)
    }
}
