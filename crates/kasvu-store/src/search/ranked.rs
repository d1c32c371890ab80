//! One page of search results with the total and the facet counts, all
//! decided in the database: the matches are counted grouped by (kind,
//! sector, areas) — a few hundred groups however many entries match — and
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
        let (from, expr, find) = match self.backend() {
            Backend::Sqlite => (
                format!(
                    "FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid \
                     WHERE search_fts MATCH $1{public}"
                ),
                q.fts5(),
                "instr",
            ),
            Backend::Postgres => (
                format!(
                    "FROM search_entries e \
                     WHERE to_tsvector('simple', e.stems) @@ to_tsquery('simple', $1){public}"
                ),
                q.tsquery(),
                "strpos",
            ),
        };

        // The counts: one row per (kind, sector, areas) among the matches.
        let groups = sqlx::query(&format!(
            "SELECT e.kind AS kind, e.sector AS sector, e.areas AS areas, COUNT(*) AS n {from} \
             GROUP BY e.kind, e.sector, e.areas"
        ))
        .bind(&expr)
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        for r in &groups {
            let code: String = r.try_get("kind")?;
            let kind = SearchKind::parse(&code).map_err(|p| StoreError::corrupt("kind", p))?;
            let sector: String = r.try_get("sector")?;
            let areas: String = r.try_get("areas")?;
            let areas: Vec<&str> = areas.split(' ').filter(|a| !a.is_empty()).collect();
            let n = usize::try_from(r.try_get::<i64, _>("n")?)
                .map_err(|_| StoreError::Corrupt("search count".into()))?;
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
        if out.total == 0 || offset >= out.total || limit == 0 {
            return Ok(out);
        }

        // The page: ranked in SQL, only its rows read.
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
            "CASE e.kind {} ELSE {} END",
            kinds
                .iter()
                .enumerate()
                .map(|(i, k)| format!("WHEN {} THEN {i}", literal(k.code())))
                .collect::<Vec<_>>()
                .join(" "),
            kinds.len()
        );
        let mut chosen = String::new();
        let mut binds: Vec<String> = Vec::new();
        if let Some(k) = filter.kind {
            binds.push(k.code().to_owned());
            chosen.push_str(&format!(" AND e.kind = ${}", binds.len() + 2));
        }
        if !filter.area.is_empty() {
            if filter.area.contains(' ') {
                // No listed code holds a space.
                return Ok(out);
            }
            binds.push(format!(" {} ", filter.area));
            chosen.push_str(&format!(
                " AND {find}(' ' || e.areas || ' ', ${}) > 0",
                binds.len() + 2
            ));
        }
        if !filter.sector.is_empty() {
            binds.push(filter.sector.clone());
            chosen.push_str(&format!(" AND e.sector = ${}", binds.len() + 2));
        }
        let sql = format!(
            "SELECT e.id AS id, e.kind AS kind, e.sector AS sector, e.areas AS areas, \
             CAST({score} AS BIGINT) AS score {from}{chosen} \
             ORDER BY score DESC, {rank}, e.id LIMIT {limit} OFFSET {offset}"
        );
        let mut query = sqlx::query(&sql).bind(&expr).bind(org_id);
        for b in &binds {
            query = query.bind(b);
        }
        for r in query.fetch_all(&self.pool).await? {
            let kind: String = r.try_get("kind")?;
            let areas: String = r.try_get("areas")?;
            out.hits.push(SearchHit {
                id: r.try_get("id")?,
                kind: SearchKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
                sector: r.try_get("sector")?,
                areas: areas
                    .split(' ')
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect(),
                score: u32::try_from(r.try_get::<i64, _>("score")?)
                    .map_err(|_| StoreError::Corrupt("search score".into()))?,
            });
        }
        Ok(out)
    }
}
