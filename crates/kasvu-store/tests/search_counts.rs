//! `Store::search_page` counts and ranks in the database; over a few
//! hundred generated entries its total, facet counts and pages must equal
//! what the full-candidate method gives (every match read with
//! `search_as`, then filtered, counted and paged in Rust), for the public,
//! staff and a team member, with and without facet choices, on both
//! databases — and both databases must give the same answers.

use kasvu_core::search::{Query, SearchKind};
use kasvu_core::Names;
use kasvu_store::{both_databases, SearchDoc, SearchFilter, SearchHit, SearchReader, Store};
use std::collections::BTreeMap;

const ORG: i64 = 7;
const TEAM: i64 = 41;
const WORDS: &[&str] = &[
    "perhekeskus",
    "perhekeskuksen",
    "nuorisotila",
    "nuorisotilassa",
    "liikunta",
    "liikuntaa",
    "kirjasto",
    "kirjastossa",
    "kerho",
    "kerhossa",
];
const AREAS: &[&str] = &["area-a", "area-b", "area-c", "area-d", "cluster-x"];
const SECTORS: &[&str] = &["municipal", "ngo", "parish"];

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn docs(n: usize) -> Vec<SearchDoc> {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    (0..n)
        .map(|i| {
            let title: Vec<&str> = (0..1 + rng.below(2))
                .map(|_| WORDS[rng.below(WORDS.len())])
                .collect();
            let body: Vec<&str> = (0..3 + rng.below(6))
                .map(|_| WORDS[rng.below(WORDS.len())])
                .collect();
            let kind = SearchKind::ALL[rng.below(SearchKind::ALL.len())];
            let areas: Vec<String> = (0..rng.below(4))
                .map(|_| AREAS[rng.below(AREAS.len())].to_owned())
                .collect();
            // Some of another organisation, some shared, most the reader's own.
            let org_id = match rng.below(10) {
                0 => 0,
                1 => 8,
                _ => ORG,
            };
            let team_id = if rng.below(5) == 0 { TEAM } else { 0 };
            SearchDoc {
                org_id,
                kind,
                key: format!("k{i}"),
                title: Names {
                    fi: format!("{} {i}", title.join(" ")),
                    ..Default::default()
                },
                body: body.join(" "),
                sector: if rng.below(2) == 0 {
                    SECTORS[rng.below(SECTORS.len())].to_owned()
                } else {
                    String::new()
                },
                areas,
                public: rng.below(3) != 0,
                team_id,
                members_only: team_id != 0 && rng.below(2) == 0,
            }
        })
        .collect()
}

/// What the search page computed before: every match, filtered, counted
/// and paged in Rust.
fn old_way(
    hits: &[SearchHit],
    f: &SearchFilter,
    offset: usize,
    limit: usize,
) -> (usize, [BTreeMap<String, usize>; 3], Vec<SearchHit>) {
    let keep = |h: &SearchHit, kind: Option<SearchKind>, area: &str, sector: &str| {
        kind.is_none_or(|k| h.kind == k)
            && (area.is_empty() || h.areas.iter().any(|a| a == area))
            && (sector.is_empty() || h.sector == sector)
    };
    let mut kinds = BTreeMap::new();
    let mut areas = BTreeMap::new();
    let mut sectors = BTreeMap::new();
    for h in hits {
        if keep(h, None, &f.area, &f.sector) {
            *kinds.entry(h.kind.code().to_owned()).or_insert(0) += 1;
        }
        if keep(h, f.kind, "", &f.sector) {
            for a in &h.areas {
                *areas.entry(a.clone()).or_insert(0) += 1;
            }
        }
        if keep(h, f.kind, &f.area, "") && !h.sector.is_empty() {
            *sectors.entry(h.sector.clone()).or_insert(0) += 1;
        }
    }
    let kept: Vec<SearchHit> = hits
        .iter()
        .filter(|h| keep(h, f.kind, &f.area, &f.sector))
        .cloned()
        .collect();
    let page = kept.iter().skip(offset).take(limit).cloned().collect();
    (kept.len(), [kinds, areas, sectors], page)
}

fn filters() -> Vec<SearchFilter> {
    let mut out = vec![SearchFilter::default()];
    for k in [SearchKind::Actor, SearchKind::Meeting] {
        out.push(SearchFilter {
            kind: Some(k),
            ..Default::default()
        });
    }
    out.push(SearchFilter {
        area: "area-b".into(),
        ..Default::default()
    });
    out.push(SearchFilter {
        sector: "ngo".into(),
        ..Default::default()
    });
    out.push(SearchFilter {
        kind: Some(SearchKind::Project),
        area: "cluster-x".into(),
        sector: "municipal".into(),
    });
    out.push(SearchFilter {
        area: "area-a area-b".into(),
        ..Default::default()
    });
    out.push(SearchFilter {
        area: "no-such".into(),
        ..Default::default()
    });
    out
}

/// Every (query, reader, filter, page) answer of `search_page`, after
/// checking each against the old way.
async fn answers(store: &Store) -> Vec<(usize, Vec<i64>)> {
    store.put_search_docs(&docs(400)).await.unwrap();
    let readers = [
        SearchReader::default(),
        SearchReader {
            internal: true,
            teams: vec![],
        },
        SearchReader {
            internal: false,
            teams: vec![TEAM],
        },
    ];
    let mut out = Vec::new();
    let mut nonempty = 0;
    for q in [
        "perhekeskus",
        "kirjastossa",
        "liikunta kerho",
        "nuorisotila perhekeskuksen kirjasto",
        "olematon",
    ] {
        let q = Query::parse(q);
        for r in &readers {
            let all = store.search_as(ORG, &q, r).await.unwrap();
            for f in filters() {
                for (offset, limit) in [(0, 20), (20, 20), (5, 3), (0, 1000), (10_000, 20)] {
                    let got = store
                        .search_page(ORG, &q, r, &f, offset, limit)
                        .await
                        .unwrap();
                    let (total, [kinds, areas, sectors], page) = old_way(&all, &f, offset, limit);
                    let at = format!("{q:?} {r:?} {f:?} {offset}+{limit}");
                    assert_eq!(got.total, total, "{at}");
                    assert_eq!(got.kinds, kinds, "{at}");
                    assert_eq!(got.areas, areas, "{at}");
                    assert_eq!(got.sectors, sectors, "{at}");
                    assert_eq!(got.hits, page, "{at}");
                    if total > 20 {
                        nonempty += 1;
                    }
                    out.push((total, got.hits.iter().map(|h| h.id).collect()));
                }
            }
        }
    }
    // The generated entries must make the comparison worth something.
    assert!(
        nonempty > 50,
        "only {nonempty} answers with more than a page"
    );
    out
}

async fn counts_equal_the_full_candidate_method(store: Store) {
    answers(&store).await;
}

both_databases!(counts_equal_the_full_candidate_method);

/// Both databases count and rank the generated entries alike.
#[tokio::test]
async fn both_databases_count_alike() {
    let Some(pg) = kasvu_store::testing::TestDb::postgres().await else {
        return;
    };
    let lite = kasvu_store::testing::TestDb::sqlite().await;
    let a = answers(&lite.store).await;
    let b = answers(&pg.store).await;
    assert_eq!(a, b);
    lite.finish().await;
    pg.finish().await;
}

/// Words that are one word to Kasvu but several tokens to SQLite's
/// tokenizer (a Devanagari vowel sign, a Hebrew point, a letter newer than
/// its Unicode tables), and quotes and operators typed into the box: every
/// query answers, and the counted page equals every match read.
async fn words_of_every_script(store: Store) {
    let titles = [
        "नमस्ते परिवार",
        "שָׁלוֹם משפחה",
        "𞤀𞤣𞤤𞤢𞤥 perhe",
        "Ǆungla² kerho",
        "\"kerho\" AND NOT perhe*",
    ];
    let docs: Vec<SearchDoc> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| SearchDoc {
            title: Names {
                fi: (*t).to_owned(),
                ..Default::default()
            },
            body: format!("{t} {t}"),
            public: true,
            ..SearchDoc::new(ORG, SearchKind::Practice, format!("w{i}"))
        })
        .collect();
    store.put_search_docs(&docs).await.unwrap();
    let reader = SearchReader::default();
    for q in titles
        .iter()
        .chain(&["नमस्ते", "שָׁלוֹם", "𞤀𞤣𞤤𞤢𞤥", "ǆungla²", "\"", "NOT", "*"])
    {
        let q = Query::parse(q);
        let all = store.search_as(ORG, &q, &reader).await.unwrap();
        let page = store
            .search_page(ORG, &q, &reader, &SearchFilter::default(), 0, 20)
            .await
            .unwrap();
        assert_eq!(page.total, all.len(), "{q:?}");
        assert_eq!(page.hits, all, "{q:?}");
    }
    // Each title's own words find it.
    for (i, t) in titles.iter().take(4).enumerate() {
        let found = store
            .search_page(
                ORG,
                &Query::parse(t),
                &reader,
                &SearchFilter::default(),
                0,
                20,
            )
            .await
            .unwrap();
        let ids: Vec<i64> = found.hits.iter().map(|h| h.id).collect();
        let keys: Vec<String> = store
            .search_details(&ids)
            .await
            .unwrap()
            .into_values()
            .map(|d| d.key)
            .collect();
        assert!(keys.contains(&format!("w{i}")), "{t}: {keys:?}");
    }
}

both_databases!(words_of_every_script);
