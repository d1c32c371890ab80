//! (f) The public hobby search under concurrent load versus a static page
//! of the same size served by the same server:
//! `kasvu-bench hobbies --entries 100000 --clients 8 --seconds 10`.
//!
//! The database holds N published hobbies spread over 4 areas and 12
//! clusters, ages 0–17, one or two weekly times, half of them free, eleven
//! types. Kasvu's whole web app (its middleware, the families' page handler,
//! the template) serves both the searches and, on a route added for the
//! benchmark, a fixed HTML body as long as a typical result page; the same
//! client load is put on each for the same time. Searches draw a filter mix
//! like families use: an area or a cluster, an age, often a day, sometimes
//! "free" or a type.

use anyhow::{Context, Result};
use kasvu_core::activity::{ActivityKind, ActivityStatus, Category};
use kasvu_core::{Level, Names, Sector};
use kasvu_store::{ActivitySpec, Actor, ActorSpec, OrgUnitSpec, SlotSpec, Store};
use std::sync::Arc;
use std::time::{Duration, Instant};

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

const AREAS: usize = 4;
const CLUSTERS_PER_AREA: usize = 3;
const NAMES: &[&str] = &[
    "Sählykerho",
    "Taidekerho",
    "Koodikerho",
    "Kuoro",
    "Partio",
    "Luontokerho",
    "Lautapelit",
    "Nikkarit",
    "Teatteri",
    "Sirkus",
    "Uinti",
    "Jalkapallo",
];

fn spec(rng: &mut Rng, i: usize) -> ActivitySpec {
    let area = rng.below(AREAS);
    let cluster = rng.below(CLUSTERS_PER_AREA + 1);
    let min = rng.below(15) as i64;
    let free = rng.below(2) == 0;
    let slots = (0..1 + rng.below(2))
        .map(|_| {
            let h = 14 + rng.below(6);
            SlotSpec {
                weekday: 1 + rng.below(7) as i64,
                starts: format!("{h:02}:00"),
                ends: format!("{h:02}:45"),
            }
        })
        .collect();
    ActivitySpec {
        kind: ActivityKind::Hobby,
        category: Category::ALL[rng.below(Category::ALL.len())],
        name: Names {
            fi: format!("{} {i}", NAMES[rng.below(NAMES.len())]),
            sv: String::new(),
            en: String::new(),
        },
        description: Names {
            fi: "Harrastus lapsille ja nuorille, tule kokeilemaan.".into(),
            ..Names::default()
        },
        signup: Names::default(),
        price: if free {
            Names::default()
        } else {
            Names {
                fi: "30 € / kausi".into(),
                ..Names::default()
            }
        },
        is_free: free,
        min_age: Some(min),
        max_age: Some(min + 2 + rng.below(6) as i64),
        languages: vec!["fi".into()],
        keywords: vec![],
        equipment_lent: rng.below(3) == 0,
        organiser: "seura".into(),
        provider: String::new(),
        place: String::new(),
        location: "Koulun liikuntasali".into(),
        area: if cluster == CLUSTERS_PER_AREA {
            format!("b-area-{area}")
        } else {
            format!("b-cl-{area}-{cluster}")
        },
        season_start: "2026-08-15".into(),
        season_end: "2027-05-31".into(),
        slots,
        dates: vec![],
        cancellations: vec![],
        info_url: String::new(),
        source_id: format!("bench:{i}"),
    }
}

async fn fill(store: &Store, n: usize) -> Result<()> {
    let cli = Actor::system("bench");
    let mut rows = vec![(1, unit("b-org", None, Level::Organisation)?)];
    for a in 0..AREAS {
        rows.push((
            rows.len() + 1,
            unit(&format!("b-area-{a}"), Some("b-org"), Level::Area)?,
        ));
        for c in 0..CLUSTERS_PER_AREA {
            rows.push((
                rows.len() + 1,
                unit(
                    &format!("b-cl-{a}-{c}"),
                    Some(&format!("b-area-{a}")),
                    Level::Cluster,
                )?,
            ));
        }
    }
    store
        .import_org_units(&cli, &rows, false, &mut |_| {})
        .await?;
    let org = store.org_unit("b-org").await?.context("org")?.org_id;
    let seura = ActorSpec {
        code: "seura".into(),
        name: "Urheiluseura".into(),
        sector: Sector::ThirdSector,
        unit: String::new(),
        offer: "Harrastuksia".into(),
        audiences: vec![],
        themes: vec![],
        languages: vec![],
        opening_hours: String::new(),
        areas: vec![],
        phone: String::new(),
        email: String::new(),
        website: String::new(),
        contact_person: String::new(),
        contact_phone: String::new(),
        contact_email: String::new(),
        confirmed_on: String::new(),
    };
    store
        .save_actor(&cli, org, &seura, kasvu_core::clock::today())
        .await?;
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let started = Instant::now();
    let mut done = 0;
    while done < n {
        let batch: Vec<ActivitySpec> = (done..(done + 5000).min(n))
            .map(|i| spec(&mut rng, i))
            .collect();
        store
            .save_activities(&cli, org, &batch, ActivityStatus::Published, &|_| {})
            .await?;
        done += batch.len();
        eprint!("\r  {done}/{n} hobbies stored");
    }
    eprintln!(" in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn unit(code: &str, parent: Option<&str>, level: Level) -> Result<OrgUnitSpec> {
    crate::unit(code, parent, level)
}

fn query(rng: &mut Rng) -> String {
    let mut q = Vec::new();
    let a = rng.below(AREAS);
    if rng.below(2) == 0 {
        q.push(format!("area=b-area-{a}"));
    } else {
        q.push(format!("area=b-cl-{a}-{}", rng.below(CLUSTERS_PER_AREA)));
    }
    q.push(format!("age={}", 4 + rng.below(14)));
    if rng.below(3) > 0 {
        q.push(format!("day={}", 1 + rng.below(7)));
    }
    if rng.below(3) == 0 {
        q.push("free=1".into());
    }
    if rng.below(4) == 0 {
        q.push(format!(
            "type={}",
            Category::ALL[rng.below(Category::ALL.len())].code()
        ));
    }
    format!("/hobbies?{}", q.join("&"))
}

struct Load {
    requests: usize,
    seconds: f64,
    p50: Duration,
    p99: Duration,
    bytes: usize,
}

/// `seed` picks the clients' searches: the warm-up draws other searches
/// than the measured run, so the page cache is not filled in advance with
/// exactly the searches the run asks for.
async fn load(base: &str, clients: usize, seconds: u64, search: bool, seed: u64) -> Result<Load> {
    let http = reqwest::Client::new();
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let http = http.clone();
        let base = base.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng(seed.wrapping_mul(0x1000_0001) ^ (0x9e37_79b9 + c as u64));
            let mut times = Vec::new();
            let mut bytes = 0;
            while Instant::now() < until {
                let path = if search {
                    query(&mut rng)
                } else {
                    "/bench-static".to_owned()
                };
                let t = Instant::now();
                let r = http.get(format!("{base}{path}")).send().await?;
                anyhow::ensure!(r.status().is_success(), "{path}: {}", r.status());
                bytes += r.bytes().await?.len();
                times.push(t.elapsed());
            }
            anyhow::Ok((times, bytes))
        }));
    }
    let mut all = Vec::new();
    let mut bytes = 0;
    for t in tasks {
        let (times, b) = t.await??;
        all.extend(times);
        bytes += b;
    }
    let seconds = started.elapsed().as_secs_f64();
    all.sort();
    Ok(Load {
        requests: all.len(),
        seconds,
        p50: crate::percentile(&all, 0.5),
        p99: crate::percentile(&all, 0.99),
        bytes: bytes / all.len().max(1),
    })
}

/// What one database measured: each round's searches/static ratio, and
/// the median round's ratio, search p99 and page-cache hit rate.
struct Measured {
    ratios: Vec<f64>,
    ratio: f64,
    p99: Duration,
    hit_rate: f64,
}

/// Measures one database in `rounds` rounds, each the static page then the
/// searches for `seconds` (new searches every round; the page cache keeps
/// what earlier rounds filled). This VM's speed moves by half from hour to
/// hour and by a fifth from run to run, so one round is one sample and the
/// median of several is the figure.
async fn run_on(
    label: &str,
    store: Store,
    n: usize,
    clients: usize,
    seconds: u64,
    page_cache: bool,
    rounds: u64,
) -> Result<Measured> {
    fill(&store, n).await?;
    let pages = if page_cache {
        kasvu_web::PageCache::default()
    } else {
        kasvu_web::PageCache::with_bytes(0)
    };
    let state = kasvu_web::AppState {
        store,
        config: kasvu_web::WebConfig::default(),
        jobs: Default::default(),
        trees: Default::default(),
        pages: pages.clone(),
        metrics: Default::default(),
    };
    // A typical result page's size, for the static page.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let body: Arc<std::sync::Mutex<axum::body::Bytes>> = Arc::default();
    let static_body = body.clone();
    // The static page passes the same layers as every response of the
    // server (not the pages' context, which reads the visitor's session
    // and language): merged after them, it was measured beside the server.
    let app = kasvu_web::app_with(
        state,
        axum::Router::new().route(
            "/bench-static",
            axum::routing::get(move || {
                let b = static_body.lock().map(|b| b.clone()).unwrap_or_default();
                async move { axum::response::Html(b) }
            }),
        ),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let base = format!("http://{addr}");
    let http = reqwest::Client::new();
    let mut rng = Rng(42);
    let mut sizes = Vec::new();
    for _ in 0..50 {
        sizes.push(
            http.get(format!("{base}{}", query(&mut rng)))
                .send()
                .await?
                .bytes()
                .await?
                .len(),
        );
    }
    sizes.sort_unstable();
    let typical = sizes[sizes.len() / 2];
    if let Ok(mut b) = body.lock() {
        *b = ("<!DOCTYPE html><html lang=\"fi\"><title>x</title><p>".to_owned()
            + &"x".repeat(typical.saturating_sub(60)))
            .into();
    }
    // Warm up both, then measure each alone.
    load(&base, clients, 2, true, 1).await?;
    load(&base, clients, 2, false, 1).await?;
    let mut all = Vec::new();
    for round in 0..rounds.max(1) {
        let stat = load(&base, clients, seconds, false, 2 + round).await?;
        let (hits0, misses0) = pages.hits_and_misses();
        let srch = load(&base, clients, seconds, true, 2 + round).await?;
        let (hits, misses) = pages.hits_and_misses();
        let (hits, misses) = (hits - hits0, misses - misses0);
        let hit_rate = hits as f64 / (hits + misses).max(1) as f64;
        let rate = |l: &Load| l.requests as f64 / l.seconds;
        let name = if rounds > 1 {
            format!("{label}, round {}", round + 1)
        } else {
            label.to_owned()
        };
        println!(
            "| {name} | hobby search | {n} | {clients} | {:.0} | {} | {} | {} B |",
            rate(&srch),
            crate::ms(srch.p50),
            crate::ms(srch.p99),
            srch.bytes
        );
        println!(
            "| {name} | static page, same size | – | {clients} | {:.0} | {} | {} | {} B |",
            rate(&stat),
            crate::ms(stat.p50),
            crate::ms(stat.p99),
            stat.bytes
        );
        println!(
            "| {name} | **ratio** | | | **{:.2}×** | | | |",
            rate(&srch) / rate(&stat)
        );
        let (kept, bytes) = pages.size();
        eprintln!(
            "  {name}: page cache {} ({hits} hits, {misses} misses, {:.1} % hits); {kept} pages, {:.1} MB kept",
            if page_cache { "on" } else { "off" },
            hit_rate * 100.0,
            bytes as f64 / 1e6
        );
        all.push((rate(&srch) / rate(&stat), srch.p99, hit_rate));
    }
    let ratios: Vec<f64> = all.iter().map(|r| r.0).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (ratio, p99, hit_rate) = all[all.len() / 2];
    if rounds > 1 {
        println!("| {label} | **median of {rounds} rounds** | | | **{ratio:.2}×** | | | |");
    }
    Ok(Measured {
        ratios,
        ratio,
        p99,
        hit_rate,
    })
}

pub async fn run(
    n: usize,
    clients: usize,
    seconds: u64,
    with_pg: bool,
    page_cache: bool,
    rounds: u64,
) -> Result<()> {
    println!("| Database | Served | Hobbies | Clients | Requests/s | p50 | p99 | Page |");
    println!("|---|---|---|---|---|---|---|---|");
    let dir = tempfile::tempdir()?;
    // KASVU_BENCH_DB keeps the SQLite file (for EXPLAIN QUERY PLAN afterwards).
    let path = std::env::var("KASVU_BENCH_DB")
        .unwrap_or_else(|_| dir.path().join("hobbies.db").display().to_string());
    let url = format!("sqlite://{path}");
    let store = Store::open(&url).await?;
    let mut results = vec![(
        "sqlite",
        run_on("SQLite", store, n, clients, seconds, page_cache, rounds).await?,
    )];
    if with_pg {
        if let Some(pg) = kasvu_store::testing::TestDb::postgres().await {
            let r = run_on(
                "PostgreSQL",
                pg.store.clone(),
                n,
                clients,
                seconds,
                page_cache,
                rounds,
            )
            .await?;
            results.push(("postgres", r));
            pg.finish().await;
        } else {
            eprintln!("PostgreSQL not reachable: measured SQLite only");
        }
    }
    // Lines a script can read (the goal: ratio ≥ 0.3, p99 ≤ 10 ms).
    println!();
    // With several rounds, the median round's figures, and every round's
    // ratio after them.
    for (db, m) in results {
        println!("hobby-ratio {db} {:.3}", m.ratio);
        println!("hobby-p99-ms {db} {:.2}", m.p99.as_secs_f64() * 1e3);
        println!("hobby-hit-rate {db} {:.3}", m.hit_rate);
        if m.ratios.len() > 1 {
            let each: Vec<String> = m.ratios.iter().map(|r| format!("{r:.3}")).collect();
            println!("hobby-ratio-rounds {db} {}", each.join(" "));
        }
    }
    Ok(())
}
