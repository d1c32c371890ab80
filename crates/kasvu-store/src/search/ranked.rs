//! One page of search results with the total and the facet counts, all
//! decided in the database: the matches are counted grouped by their
//! (kind, sector, areas) combination, numbered in `search_groups` — a few
//! hundred groups however many entries match — and
//! only the page's rows are read, ranked in SQL by the same score as
//! [`Query::score`] (3 for a query word in the title, 1 elsewhere), then by
//! kind and id. Both databases compute the same integers, so they answer
//! alike; neither's own relevance (bm25, ts_rank) is used for that reason.

use super::{visible, Reader, SearchHit};
use crate::support::db::{Backend, Store};
use crate::support::error::{Result, StoreError};
use kasvu_core::search::{Query, SearchKind};
use sqlx::Row;
use std::collections::BTreeMap;

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
        let mut out = SearchResults::default();
        if q.is_empty() {
            return Ok(out);
        }
        let public = visible(reader);
        let (from, expr, find, materialized) = match self.backend() {
            // Each match is read from the narrow `search_entries_match`
            // index (visibility, group, title stems), never the wide row;
            // `+` keeps the other conditions from becoming more seeks.
            Backend::Sqlite => (
                format!(
                    "FROM search_fts JOIN search_entries e INDEXED BY search_entries_match \
                     ON e.id = search_fts.rowid WHERE search_fts MATCH $1{}",
                    public.replace("e.", "+e.")
                ),
                q.fts5(),
                "instr",
                "NOT MATERIALIZED",
            ),
            Backend::Postgres => (
                format!(
                    "FROM search_entries e \
                     WHERE to_tsvector('simple', e.stems) @@ to_tsquery('simple', $1){public}"
                ),
                q.tsquery(),
                "strpos",
                "MATERIALIZED",
            ),
        };

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
                            "{find}(' ' || e.title_stems || ' ', {}) > 0",
                            literal(&format!(" {v} "))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" OR ");
                format!("(CASE WHEN {any} THEN 3 ELSE 1 END)")
            })
            .collect::<Vec<_>>()
            .join(" + ");
        let mut kinds: Vec<SearchKind> = SearchKind::ALL.to_vec();
        kinds.sort();
        let rank = format!(
            "CASE g.kind {} ELSE {} END",
            kinds
                .iter()
                .enumerate()
                .map(|(i, k)| format!("WHEN {} THEN {i}", literal(k.code())))
                .collect::<Vec<_>>()
                .join(" "),
            kinds.len()
        );
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
                " AND {find}(' ' || g.areas || ' ', ${}) > 0",
                binds.len() + 2
            ));
        }
        if !filter.sector.is_empty() {
            binds.push(filter.sector.clone());
            chosen.push_str(&format!(" AND g.sector = ${}", binds.len() + 2));
        }
        // The matches as (id, group, score) — on SQLite read twice rather
        // than materialised (writing them out cost more than a second pass
        // over the narrow index), on PostgreSQL once: counted by group — a few hundred rows however
        // many match, each with its group's texts — and ranked for the page.
        let sql = format!(
            "WITH m AS {materialized} (SELECT e.id AS id, e.group_id AS group_id, \
             CAST({score} AS BIGINT) AS score {from}) \
             SELECT 0 AS id, g.kind AS kind, g.sector AS sector, g.areas AS areas, c.n AS n \
             FROM (SELECT group_id, COUNT(*) AS n FROM m GROUP BY group_id) c \
             JOIN search_groups g ON g.id = c.group_id \
             UNION ALL SELECT * FROM (SELECT m.id AS id, g.kind AS kind, g.sector AS sector, \
             g.areas AS areas, m.score AS n FROM m JOIN search_groups g ON g.id = m.group_id \
             WHERE 1 = 1{chosen} ORDER BY m.score DESC, {rank}, m.id LIMIT {limit} OFFSET {offset}) AS page"
        );
        let mut query = sqlx::query(&sql).bind(&expr).bind(org_id);
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
            if filter.keeps(kind, &sector, &areas, Facet::None) {
                out.total += n;
            }
            if filter.keeps(kind, &sector, &areas, Facet::Kind) {
                *out.kinds.entry(code.clone()).or_insert(0) += n;
            }
            if filter.keeps(kind, &sector, &areas, Facet::Area) {
                for a in &areas {
                    *out.areas.entry((*a).to_owned()).or_insert(0) += n;
                }
            }
            if !sector.is_empty() && filter.keeps(kind, &sector, &areas, Facet::Sector) {
                *out.sectors.entry(sector.clone()).or_insert(0) += n;
            }
        }
        // A UNION keeps no order: the page is put back in it here.
        out.hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.kind.cmp(&b.kind))
                .then(a.id.cmp(&b.id))
        });
        Ok(out)
    }
}
