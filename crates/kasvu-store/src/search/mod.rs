//! The search index: one row per searchable thing with the stems Kasvu
//! computed (`kasvu_core::search`), matched by SQLite FTS5 or a PostgreSQL
//! tsvector index. [`Store::search_page`] (in `ranked`) counts the facets and
//! ranks in the database and reads only the page shown; [`Store::search_as`]
//! reads every match (for the tests that compare the two). The score is
//! Kasvu's own, computed alike in both databases, so both answer alike.
//! Rows are written in the same transaction as what they describe.

use crate::support::db::{names_of, Backend, Store};
use crate::support::error::{Result, StoreError};
use kasvu_core::search::{joined, stems, Lang, Query, SearchKind};
use kasvu_core::Names;
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeSet, HashMap};

mod ranked;
pub use ranked::{SearchFilter, SearchResults};

/// On SQLite an entry's full-text rowid is `kind_rank << 59 | id << 24 |
/// group_id` (migration 0036), so a match is counted and ranked from the
/// rowid alone: these give back its parts.
const ENTRY_OF_ROWID: &str = "((search_fts.rowid >> 24) & 34359738367)";
const GROUP_BITS: u32 = 24;
const ID_BITS: u32 = 35;

/// What is indexed of one thing.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    /// 0: shared by every organisation.
    pub org_id: i64,
    pub kind: SearchKind,
    /// Its code or id, as its page's address uses it.
    pub key: String,
    pub title: Names,
    pub body: String,
    /// An actor's sector code, or empty.
    pub sector: String,
    /// Codes of the areas and clusters it concerns.
    pub areas: Vec<String>,
    /// Shown to everyone (otherwise only to the organisation's signed-in people).
    pub public: bool,
    /// The team whose members may find it, whatever their organisation
    /// (a team and its meetings); 0: none.
    pub team_id: i64,
    /// Only the members of `team_id` may find it (a meeting's agenda,
    /// decisions and minutes), not the organisation's other people.
    pub members_only: bool,
}

impl SearchDoc {
    /// A document of `kind` with nothing but its address, hidden from all
    /// but the organisation's people; the features fill in the rest.
    pub fn new(org_id: i64, kind: SearchKind, key: impl Into<String>) -> SearchDoc {
        SearchDoc {
            org_id,
            kind,
            key: key.into(),
            title: Names::default(),
            body: String::new(),
            sector: String::new(),
            areas: Vec::new(),
            public: false,
            team_id: 0,
            members_only: false,
        }
    }
}

/// Who is searching: what of the index they may find beyond the public.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reader {
    /// One of the organisation's signed-in people.
    pub internal: bool,
    /// The teams they are a member of (of any organisation).
    pub teams: Vec<i64>,
}

/// A matching entry, with only what facets and ordering need (a query may
/// match thousands; titles and texts are read for the page shown, with
/// [`Store::search_details`]).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub id: i64,
    pub kind: SearchKind,
    pub sector: String,
    pub areas: Vec<String>,
    pub score: u32,
}

/// What a shown result needs: its page's key, title and indexed text.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDetail {
    pub key: String,
    pub title: Names,
    pub body: String,
}

/// The condition (` AND …`) that keeps what `reader` may find, on the
/// columns of `alias` (an entry or its group: both have them); `org` is the
/// organisation's id (a parameter such as `$2`, or a number).
pub(crate) fn visible_on(reader: &Reader, alias: &str, org: &str) -> String {
    let own = if reader.internal {
        format!("{alias}.org_id IN ({org}, 0) AND {alias}.members_only = 0")
    } else {
        format!("{alias}.org_id IN ({org}, 0) AND {alias}.public = 1")
    };
    // The team ids come from the store (the reader's memberships), never from input.
    if reader.teams.is_empty() {
        format!(" AND {own}")
    } else {
        let teams = reader
            .teams
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        format!(" AND (({own}) OR ({alias}.team_id <> 0 AND {alias}.team_id IN ({teams})))")
    }
}

/// [`visible_on`] an entry `e`, the organisation bound as `$2`.
pub(crate) fn visible(reader: &Reader) -> String {
    visible_on(reader, "e", "$2")
}

/// A kind's place among equal scores: results of the same score come in
/// the order of [`SearchKind`]'s declaration, then as indexed. Stored with
/// each group (SQLite keeps it in the top bits of the full-text rowid: at
/// most 16 kinds, checked when compiled).
pub(crate) fn kind_rank(kind: SearchKind) -> i64 {
    const _: () = assert!(SearchKind::ALL.len() <= 16, "a kind's rank has 4 bits");
    let mut kinds: Vec<SearchKind> = SearchKind::ALL.to_vec();
    kinds.sort();
    kinds
        .iter()
        .position(|k| *k == kind)
        .and_then(|i| i64::try_from(i).ok())
        .unwrap_or(i64::MAX)
}

/// Writes (or rewrites) a thing's row.
pub(crate) async fn put(conn: &mut AnyConnection, doc: &SearchDoc) -> Result<()> {
    let mut title: BTreeSet<String> = stems(&doc.title.fi, Lang::Fi);
    title.extend(stems(&doc.title.sv, Lang::Sv));
    title.extend(stems(&doc.title.en, Lang::En));
    let mut all = title.clone();
    all.extend(stems(&doc.body, Lang::Fi));
    remove(conn, doc.org_id, doc.kind, &doc.key).await?;
    let areas = doc.areas.join(" ");
    // The entry's combination of what decides visibility and the facets,
    // numbered once (see `ranked`).
    let (public, members_only) = (i64::from(doc.public), i64::from(doc.members_only));
    sqlx::query(
        "INSERT INTO search_groups (org_id, kind, kind_rank, sector, areas, public, members_only, team_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (org_id, kind, sector, areas, public, members_only, team_id) DO NOTHING",
    )
    .bind(doc.org_id)
    .bind(doc.kind.code())
    .bind(kind_rank(doc.kind))
    .bind(&doc.sector)
    .bind(&areas)
    .bind(public)
    .bind(members_only)
    .bind(doc.team_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO search_entries (org_id, kind, key, title_fi, title_sv, title_en, body, sector, areas, \
         public, title_stems, stems, team_id, members_only, group_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
         (SELECT g.id FROM search_groups g WHERE g.org_id = $1 AND g.kind = $2 AND g.sector = $8 \
          AND g.areas = $9 AND g.public = $10 AND g.members_only = $14 AND g.team_id = $13))",
    )
    .bind(doc.org_id)
    .bind(doc.kind.code())
    .bind(&doc.key)
    .bind(&doc.title.fi)
    .bind(&doc.title.sv)
    .bind(&doc.title.en)
    .bind(&doc.body)
    .bind(&doc.sector)
    .bind(&areas)
    .bind(public)
    .bind(joined(&title))
    .bind(joined(&all))
    .bind(doc.team_id)
    .bind(members_only)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes a thing's row.
pub(crate) async fn remove(
    conn: &mut AnyConnection,
    org_id: i64,
    kind: SearchKind,
    key: &str,
) -> Result<()> {
    sqlx::query("DELETE FROM search_entries WHERE org_id = $1 AND kind = $2 AND key = $3")
        .bind(org_id)
        .bind(kind.code())
        .bind(key)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Removes all rows of one kind of an organisation (before rewriting them).
pub(crate) async fn remove_kind(
    conn: &mut AnyConnection,
    org_id: i64,
    kind: SearchKind,
) -> Result<()> {
    sqlx::query("DELETE FROM search_entries WHERE org_id = $1 AND kind = $2")
        .bind(org_id)
        .bind(kind.code())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// Every entry of the organisation (and the shared ones) that matches
    /// all words of the query, best first: title matches above the rest,
    /// then by kind, then as indexed. `internal` includes what only the
    /// organisation's signed-in people may see.
    pub async fn search(&self, org_id: i64, q: &Query, internal: bool) -> Result<Vec<SearchHit>> {
        self.search_as(
            org_id,
            q,
            &Reader {
                internal,
                teams: Vec::new(),
            },
        )
        .await
    }

    /// [`Store::search`] for a reader who may also be a member of teams:
    /// what each entry allows is checked here, at query time. Public
    /// entries for everyone; the organisation's others for its people
    /// (not those kept to a team's members); a team's entries for its
    /// members, whatever their organisation.
    pub async fn search_as(
        &self,
        org_id: i64,
        q: &Query,
        reader: &Reader,
    ) -> Result<Vec<SearchHit>> {
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let public = visible(reader);
        // Every match comes back packed into one text value (a line per
        // match, fields split by '|'; none of them can hold either), so a
        // query matching thousands costs one row through the driver, not
        // thousands.
        let packed =
            "e.id || '|' || e.kind || '|' || e.sector || '|' || e.areas || '|' || e.title_stems";
        let (sql, expr) = match self.backend() {
            Backend::Sqlite => (
                format!(
                    "SELECT group_concat({packed}, char(10)) AS packed FROM search_fts \
                     JOIN search_entries e ON e.id = {ENTRY_OF_ROWID} \
                     WHERE search_fts MATCH $1{public}"
                ),
                q.fts5(),
            ),
            Backend::Postgres => (
                format!(
                    "SELECT string_agg({}, E'\\n') AS packed FROM search_entries e \
                     WHERE to_tsvector('simple', e.stems) @@ to_tsquery('simple', $1){public}",
                    packed.replacen("e.id", "e.id::text", 1)
                ),
                q.tsquery(),
            ),
        };
        let packed: Option<String> = sqlx::query_scalar(&sql)
            .bind(expr)
            .bind(org_id)
            .fetch_one(&self.pool)
            .await?;
        let packed = packed.unwrap_or_default();
        let mut hits = Vec::new();
        for line in packed.lines().filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.splitn(5, '|').collect();
            let [id, kind, sector, areas, title_stems] = f[..] else {
                return Err(StoreError::Corrupt(format!("search entry '{line}'")));
            };
            hits.push(SearchHit {
                id: id
                    .parse()
                    .map_err(|_| StoreError::Corrupt(format!("search entry id '{id}'")))?,
                kind: SearchKind::parse(kind).map_err(|p| StoreError::corrupt("kind", p))?,
                sector: sector.to_owned(),
                areas: areas
                    .split(' ')
                    .filter(|a| !a.is_empty())
                    .map(str::to_owned)
                    .collect(),
                score: q.score(title_stems),
            });
        }
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.kind.cmp(&b.kind))
                .then(a.id.cmp(&b.id))
        });
        Ok(hits)
    }

    /// The key, title and indexed text of the results shown.
    pub async fn search_details(&self, ids: &[i64]) -> Result<HashMap<i64, SearchDetail>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        // The ids come from `search`, never from input.
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let mut out = HashMap::new();
        for r in sqlx::query(&format!(
            "SELECT id, key, title_fi, title_sv, title_en, body FROM search_entries WHERE id IN ({list})"
        ))
        .fetch_all(&self.pool)
        .await?
        {
            out.insert(
                r.try_get("id")?,
                SearchDetail {
                    key: r.try_get("key")?,
                    title: names_of(&r, "title")?,
                    body: r.try_get("body")?,
                },
            );
        }
        Ok(out)
    }

    /// How many entries the index holds.
    pub async fn search_size(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM search_entries")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Writes index rows directly, in one transaction (for rebuilding and
    /// for the benchmark's generated entries).
    pub async fn put_search_docs(&self, docs: &[SearchDoc]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for d in docs {
            put(&mut tx, d).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Replaces the rows of one kind of an organisation's things (0: the
    /// shared catalogue) with `docs`, in one transaction. The features call
    /// this with their own documents, so the index needs to know none of them.
    pub(crate) async fn replace_search_kind(
        &self,
        org_id: i64,
        kind: SearchKind,
        docs: &[SearchDoc],
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        remove_kind(&mut tx, org_id, kind).await?;
        for d in docs {
            put(&mut tx, d).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the whole index with `docs`, in one transaction.
    pub(crate) async fn replace_search_index(&self, docs: &[SearchDoc]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM search_entries")
            .execute(&mut *tx)
            .await?;
        // Whatever a migration asked for is done when this commits.
        sqlx::query("DELETE FROM search_rebuild_pending")
            .execute(&mut *tx)
            .await?;
        for d in docs {
            put(&mut tx, d).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
