//! (e) Search latency over generated entries, on SQLite and (when
//! reachable, at KASVU_TEST_PG or 127.0.0.1) PostgreSQL:
//! `kasvu-bench search --entries 100000`.
//! The entries are made of Finnish words in varied inflected forms, spread
//! over the six kinds, ten areas and the sectors; the queries are base or
//! inflected forms of the same words, one or two at a time. Each query is
//! what the search page does: the database finds the candidates, Kasvu
//! ranks and counts facets, and reads the texts of the first 20.

use anyhow::Result;
use kasvu_core::search::{Query, SearchKind};
use kasvu_core::{Level, Names, Sector};
use kasvu_store::{Actor, OrgUnitSpec, SearchDoc, Store};
use std::time::{Duration, Instant};

/// Base forms with some of their inflections; the generator and the queries
/// draw from these.
const WORDS: &[&[&str]] = &[
    &[
        "perhekeskus",
        "perhekeskuksen",
        "perhekeskuksessa",
        "perhekeskukset",
    ],
    &["harrastus", "harrastuksen", "harrastukset", "harrastuksia"],
    &["koulu", "koulun", "koulussa", "kouluun"],
    &["nuori", "nuoret", "nuorten", "nuorille"],
    &["perhe", "perheen", "perheet", "perheiden"],
    &["kerho", "kerhon", "kerhossa", "kerhot"],
    &["neuvola", "neuvolan", "neuvolassa", "neuvolat"],
    &["liikunta", "liikunnan", "liikuntaa", "liikunnassa"],
    &["vanhempi", "vanhemmat", "vanhempien", "vanhemmille"],
    &[
        "hyvinvointi",
        "hyvinvoinnin",
        "hyvinvointia",
        "hyvinvoinnissa",
    ],
    &[
        "kohtaamispaikka",
        "kohtaamispaikan",
        "kohtaamispaikassa",
        "kohtaamispaikat",
    ],
    &[
        "vertaistuki",
        "vertaistuen",
        "vertaistukea",
        "vertaistuessa",
    ],
    &["kirjasto", "kirjaston", "kirjastossa", "kirjastot"],
    &["taide", "taiteen", "taidetta", "taiteessa"],
    &["musiikki", "musiikin", "musiikkia", "musiikissa"],
    &["urheilu", "urheilun", "urheilua", "urheiluseura"],
    &["päiväkoti", "päiväkodin", "päiväkodissa", "päiväkodit"],
    &[
        "oppilashuolto",
        "oppilashuollon",
        "oppilashuoltoa",
        "oppilashuollossa",
    ],
    &["kuraattori", "kuraattorin", "kuraattorit", "kuraattorille"],
    &["seurakunta", "seurakunnan", "seurakunnassa", "seurakunnat"],
    &["järjestö", "järjestön", "järjestöt", "järjestöjen"],
    &["tapahtuma", "tapahtuman", "tapahtumat", "tapahtumia"],
    &["leiri", "leirin", "leirit", "leirejä"],
    &["tuki", "tuen", "tukea", "tuessa"],
    &["ohjaus", "ohjauksen", "ohjausta", "ohjaukset"],
    &["luonto", "luonnon", "luontoa", "luonnossa"],
    &["kulttuuri", "kulttuurin", "kulttuuria", "kulttuurissa"],
    &[
        "mielenterveys",
        "mielenterveyden",
        "mielenterveyttä",
        "mielenterveydessä",
    ],
    &["lapsi", "lapset", "lasten", "lapsia"],
    &["kaveri", "kaverin", "kaverit", "kavereita"],
];

/// Words in nearly every entry (the worst case for a query: it matches most).
const COMMON: &[&str] = &["toiminta", "alueen", "palvelu"];

/// Syllables for the long tail of other words (names, places, rare terms):
/// 3,375 words of three syllables, each rare on its own.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "su", "te", "vi", "ra", "no", "pe", "ju", "hä", "ky", "sa", "to", "le",
];

fn rare(rng: &mut Rng) -> String {
    (0..3)
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect()
}

/// A small deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn word(rng: &mut Rng) -> &'static str {
    let w = WORDS[rng.below(WORDS.len())];
    w[rng.below(w.len())]
}

fn docs(org_id: i64, n: usize) -> Vec<SearchDoc> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    (0..n)
        .map(|i| {
            // A title of a topical word and a rare one; a body of 30–80 words
            // where one word in fifty is topical (so each topical word is in a
            // few per cent of the entries), one of the common words, and the
            // rest rare.
            let title = [word(&mut rng).to_owned(), rare(&mut rng)];
            let mut body: Vec<String> = (0..30 + rng.below(50))
                .map(|_| {
                    if rng.below(50) == 0 {
                        word(&mut rng).to_owned()
                    } else {
                        rare(&mut rng)
                    }
                })
                .collect();
            body.push(COMMON[rng.below(COMMON.len())].to_owned());
            let kind = SearchKind::ALL[i % SearchKind::ALL.len()];
            SearchDoc {
                org_id,
                kind,
                key: format!("g{i}"),
                title: Names {
                    fi: format!("{} {i}", title.join(" ")),
                    ..Default::default()
                },
                body: body.join(" "),
                sector: if kind == SearchKind::Actor {
                    Sector::ALL[rng.below(Sector::ALL.len())].code().to_owned()
                } else {
                    String::new()
                },
                areas: vec![format!("area-{}", rng.below(10))],
                public: rng.below(10) != 0,
                team_id: 0,
                members_only: false,
            }
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The queries: each base word and an inflected form alone, and pairs.
fn queries() -> Vec<String> {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut q: Vec<String> = WORDS.iter().map(|w| w[0].to_owned()).collect();
    q.extend(
        WORDS
            .iter()
            .map(|w| w[1 + rng.below(w.len() - 1)].to_owned()),
    );
    for _ in 0..40 {
        q.push(format!("{} {}", word(&mut rng), word(&mut rng)));
    }
    q
}

/// Results of one database.
pub struct Measured {
    pub backend: &'static str,
    pub entries: usize,
    pub load: Duration,
    pub p50: Duration,
    pub p99: Duration,
    pub mean_hits: usize,
    pub runs: usize,
    /// A word in a third of the entries: p50 and matches.
    pub broad_p50: Duration,
    pub broad_hits: usize,
}

/// What the search page does for one query: the total, facet counts and
/// first 20 ranked in the database, their texts made into highlighted snippets.
async fn one(store: &Store, org: i64, q: &str, internal: bool) -> Result<(Duration, usize)> {
    let t = Instant::now();
    let parsed = Query::parse(q);
    let reader = kasvu_store::SearchReader {
        internal,
        teams: Vec::new(),
    };
    let found = store
        .search_page(org, &parsed, &reader, &Default::default(), 0, 20)
        .await?;
    let ids: Vec<i64> = found.hits.iter().map(|h| h.id).collect();
    let details = store.search_details(&ids).await?;
    for h in &found.hits {
        let body = details.get(&h.id).map(|d| d.body.as_str()).unwrap_or("");
        std::hint::black_box(kasvu_core::search::highlight(
            &kasvu_core::search::snippet(body, &parsed, 220),
            &parsed,
        ));
    }
    Ok((t.elapsed(), found.total))
}

async fn measure(store: &Store, backend: &'static str, n: usize) -> Result<Measured> {
    let actor = Actor::system("bench");
    let mut tree = vec![(
        2,
        OrgUnitSpec {
            code: kasvu_core::OrgCode::parse("city").map_err(|p| anyhow::anyhow!("{p}"))?,
            parent: None,
            level: Level::Organisation,
            kind: None,
            sector: None,
            names: Names::parse("city", "", "")?,
            external_codes: vec![],
            valid: Default::default(),
        },
    )];
    for a in 0..10 {
        tree.push((
            a + 3,
            OrgUnitSpec {
                code: kasvu_core::OrgCode::parse(&format!("area-{a}"))
                    .map_err(|p| anyhow::anyhow!("{p}"))?,
                parent: Some(
                    kasvu_core::OrgCode::parse("city").map_err(|p| anyhow::anyhow!("{p}"))?,
                ),
                level: Level::Area,
                kind: None,
                sector: None,
                names: Names::parse(&format!("area-{a}"), "", "")?,
                external_codes: vec![],
                valid: Default::default(),
            },
        ));
    }
    store
        .import_org_units(&actor, &tree, false, &mut |_| {})
        .await?;
    let org = store
        .org_unit("city")
        .await?
        .ok_or_else(|| anyhow::anyhow!("no city"))?
        .org_id;
    let all = docs(org, n);
    let started = Instant::now();
    for (i, chunk) in all.chunks(5_000).enumerate() {
        store.put_search_docs(chunk).await?;
        eprint!("\r{backend}: indexed {} of {n}", (i + 1) * chunk.len());
    }
    eprintln!();
    let load = started.elapsed();
    let qs = queries();
    // Warm-up: one pass, not measured.
    for q in &qs {
        one(store, org, q, true).await?;
    }
    let mut times = Vec::new();
    let mut hits = 0usize;
    for round in 0..5 {
        for (i, q) in qs.iter().enumerate() {
            let (t, n) = one(store, org, q, (i + round) % 2 == 0).await?;
            times.push(t);
            hits += n;
        }
    }
    times.sort();
    let mut broad = Vec::new();
    let mut broad_hits = 0;
    for _ in 0..5 {
        for w in COMMON {
            let (t, n) = one(store, org, w, true).await?;
            broad.push(t);
            broad_hits = n;
        }
    }
    broad.sort();
    Ok(Measured {
        backend,
        entries: n,
        load,
        p50: percentile(&times, 0.5),
        p99: percentile(&times, 0.99),
        mean_hits: hits / times.len(),
        runs: times.len(),
        broad_p50: percentile(&broad, 0.5),
        broad_hits,
    })
}

pub async fn run(n: usize) -> Result<()> {
    let sqlite = kasvu_store::testing::TestDb::sqlite().await;
    let mut results = vec![measure(&sqlite.store, "SQLite (FTS5)", n).await?];
    sqlite.finish().await;
    // PostgreSQL at KASVU_TEST_PG (or 127.0.0.1), in a database of its own.
    if let Some(pg) = kasvu_store::testing::TestDb::postgres().await {
        results.push(measure(&pg.store, "PostgreSQL (tsvector)", n).await?);
        pg.finish().await;
    }
    println!("| database | entries | indexing | query p50 | query p99 | mean matches per query | queries timed | a word in a third of the entries: p50 (matches) |");
    println!("|---|---|---|---|---|---|---|---|");
    for m in results {
        println!(
            "| {} | {} | {:.1} s | {:.2} ms | {:.2} ms | {} | {} | {:.0} ms ({}) |",
            m.backend,
            m.entries,
            m.load.as_secs_f64(),
            m.p50.as_secs_f64() * 1000.0,
            m.p99.as_secs_f64() * 1000.0,
            m.mean_hits,
            m.runs,
            m.broad_p50.as_secs_f64() * 1000.0,
            m.broad_hits
        );
    }
    Ok(())
}
