//! The Oulu demo data: the city's four areas, plausible service clusters and
//! units of many kinds and sectors, and a demo user for every role. The data
//! is illustrative (the UI says so); the tree goes through the same importer
//! as a city's own spreadsheet.

use crate::{import_error_from_store, indicators_csv, orgunits_csv, ImportError};
use kasvu_core::{Email, Level, Password, Period, Role, Sex, UnitKind};
use kasvu_store::{
    Actor, Breakdown, ImportSummary, Indicator, NewUser, OrgUnit, Store, StoreError, Target,
    ValueRow, WriteOptions,
};
use std::collections::{BTreeMap, HashMap};

pub const ORG_UNITS_CSV: &str = include_str!("../demo/oulu_orgunits.csv");

/// What families call the demo's service clusters: the neighbourhoods
/// each serves (public filters and the wish form offer these under their
/// area). Areas keep their names, which are everyday ones in each language.
pub const EVERYDAY_NAMES: &[(&str, &str)] = &[
    ("tuira", "Tuira, Pikisaari, Koskikeskus"),
    ("toppila", "Toppila, Toppilansaari, Pohjankartano"),
    ("hietasaari", "Hietasaari, Nallikari"),
    ("haukipudas", "Haukipudas, Kello, Martinniemi"),
    ("kiiminki", "Kiiminki, Jääli"),
    ("pateniemi", "Pateniemi, Rajakylä, Herukka"),
    ("hiukkavaara", "Hiukkavaara, Korvensuora"),
    ("kaukovainio", "Kaukovainio, Höyhtyä, Peltola"),
    ("kaakkuri", "Kaakkuri, Lassinkallio"),
    ("oulunsalo", "Oulunsalo, Salonpää"),
    ("maikkula", "Maikkula, Myllyoja"),
    ("soite-kokkola-keskusta", "Kokkolan keskusta"),
];

/// A second organisation, Soite (seed 003's learning network), so the demo
/// shows a network across organisations and what stays isolated.
pub const SOITE_ORG_UNITS_CSV: &str = include_str!("../demo/soite_orgunits.csv");

/// A demo user: e-mail, name, role, scope, password.
pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub scope: &'static str,
    pub password: &'static str,
}

pub const USERS: &[DemoUser] = &[
    DemoUser {
        email: "admin@oulu.example",
        name: "Anna Ylläpitäjä",
        role: Role::Admin,
        scope: "oulu",
        password: "demo-admin-2026",
    },
    DemoUser {
        email: "aluepaallikko.keskinen@oulu.example",
        name: "Kaisa Keskinen",
        role: Role::AreaManager,
        scope: "keskinen",
        password: "demo-keskinen-2026",
    },
    DemoUser {
        email: "aluepaallikko.etelainen@oulu.example",
        name: "Eero Eteläinen",
        role: Role::AreaManager,
        scope: "etelainen",
        password: "demo-etelainen-2026",
    },
    DemoUser {
        email: "suunnittelija.pohjoinen@oulu.example",
        name: "Pirjo Pohjola",
        role: Role::RegionalPlanner,
        scope: "pohjoinen",
        password: "demo-pohjoinen-2026",
    },
    DemoUser {
        email: "johtotiimi.tuira@oulu.example",
        name: "Juha Johtotiimi",
        role: Role::LeadershipMember,
        scope: "tuira",
        password: "demo-johtotiimi-2026",
    },
    DemoUser {
        email: "neuvola.tuira@oulu.example",
        name: "Noora Neuvola",
        role: Role::LeadershipMember,
        scope: "tuira",
        password: "demo-neuvola-2026",
    },
    DemoUser {
        email: "mll.tuira@oulu.example",
        name: "Mikko Järjestö",
        role: Role::LeadershipMember,
        scope: "tuira",
        password: "demo-mll-2026",
    },
    DemoUser {
        email: "seurakunta.tuira@oulu.example",
        name: "Saara Seurakunta",
        role: Role::LeadershipMember,
        scope: "tuira",
        password: "demo-seurakunta-2026",
    },
    DemoUser {
        email: "tyontekija.kaakkuri@oulu.example",
        name: "Tiina Työntekijä",
        role: Role::Staff,
        scope: "kaakkurin-koulu",
        password: "demo-tyontekija-2026",
    },
    DemoUser {
        email: "admin@soite.example",
        name: "Sanna Soite",
        role: Role::Admin,
        scope: "soite",
        password: "demo-soite-2026",
    },
    DemoUser {
        email: "katselija@oulu.example",
        name: "Ville Katselija",
        role: Role::Viewer,
        scope: "oulu",
        password: "demo-katselija-2026",
    },
];

#[derive(Debug)]
pub enum DemoError {
    Import(ImportError),
    Store(StoreError),
}

impl std::fmt::Display for DemoError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DemoError::Import(e) => write!(f, "{e}"),
            DemoError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DemoError {}

/// Loads the demo tree and users. Safe to run again: the tree import is
/// idempotent and users that exist are left as they are.
pub async fn load(store: &Store) -> Result<ImportSummary, DemoError> {
    let actor = Actor::system("demo");
    let rows = orgunits_csv::parse(
        ORG_UNITS_CSV.as_bytes(),
        "demo/oulu_orgunits.csv",
        &crate::Limits::default(),
    )
    .map_err(DemoError::Import)?
    .rows;
    let summary = store
        .import_org_units(&actor, &rows, true, &mut |_| {})
        .await
        .map_err(|e| DemoError::Import(import_error_from_store("demo/oulu_orgunits.csv", e)))?;
    let soite = orgunits_csv::parse(
        SOITE_ORG_UNITS_CSV.as_bytes(),
        "demo/soite_orgunits.csv",
        &crate::Limits::default(),
    )
    .map_err(DemoError::Import)?
    .rows;
    store
        .import_org_units(&actor, &soite, true, &mut |_| {})
        .await
        .map_err(|e| DemoError::Import(import_error_from_store("demo/soite_orgunits.csv", e)))?;
    for (code, name) in EVERYDAY_NAMES {
        store
            .set_everyday_name(&actor, code, name)
            .await
            .map_err(DemoError::Store)?;
    }
    for u in USERS {
        if store
            .user_by_email(u.email)
            .await
            .map_err(DemoError::Store)?
            .is_some()
        {
            continue;
        }
        let email = Email::parse(u.email)
            .map_err(|p| DemoError::Store(StoreError::Corrupt(p.to_string())))?;
        let password = Password::parse(u.password)
            .map_err(|p| DemoError::Store(StoreError::Corrupt(p.to_string())))?;
        store
            .create_user(
                &actor,
                NewUser {
                    email,
                    name: u.name.into(),
                    password: Some(password),
                    role: u.role,
                    scope_code: u.scope.into(),
                },
            )
            .await
            .map_err(DemoError::Store)?;
    }
    load_measurement(store, &actor).await?;
    load_plan(store, &actor).await?;
    load_actors(store, &actor).await?;
    load_projects(store, &actor).await?;
    load_network(store, &actor).await?;
    load_families(store, &actor).await?;
    crate::demo_teams::load(store, &actor)
        .await
        .map_err(DemoError::Store)?;
    load_figure_visibility(store, &actor)
        .await
        .map_err(DemoError::Store)?;
    Ok(summary)
}

/// Soite keeps its figures for signed-in users, except the indicators it
/// shares in the learning network; Oulu's stay public. Set once: an admin's
/// later choice is left as it is when the demo is loaded again.
async fn load_figure_visibility(store: &Store, actor: &Actor) -> Result<(), StoreError> {
    let Some(soite) = store.org_unit("soite").await? else {
        return Ok(());
    };
    if !store
        .signed_in_only_indicators(soite.org_id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let private: std::collections::HashSet<i64> = store
        .indicators()
        .await?
        .iter()
        .filter(|i| !crate::demo_teams::SOITE_SHARED.contains(&i.spec.code.as_str()))
        .map(|i| i.id)
        .collect();
    store
        .set_signed_in_only_indicators(actor, soite.org_id, &private)
        .await?;
    Ok(())
}

/// Oulu's children's and youth welfare plan 2022–2026 (seeds 000/001): the
/// three goals with their focus areas, measures drawn from the seeds.
pub const PLAN_JSON: &str = include_str!("../demo/oulu_plan.json");

/// Seed 004's project (its figures exactly as the seed gives them) and one
/// illustrative project more.
pub const PROJECTS_JSON: &str = include_str!("../demo/oulu_projects.json");

/// The register of regional actors: a few of Oulu's, one left unconfirmed
/// for two years so the register shows its review flag.
pub const ACTORS_CSV: &str = include_str!("../demo/oulu_actors.csv");

/// The network's knowledge: collaborations entered by hand, two one-contact
/// paths (school attendance; a family in crisis), and good practices with
/// the projects they came from (by the project's name).
pub const NETWORK_JSON: &str = include_str!("../demo/oulu_network.json");

#[derive(serde::Deserialize)]
struct DemoCollaboration {
    from: String,
    to: String,
    kind: kasvu_core::network::LinkSource,
    note: String,
}

#[derive(serde::Deserialize)]
struct DemoPractice {
    #[serde(flatten)]
    spec: kasvu_store::PracticeSpec,
    from_projects: Vec<String>,
}

#[derive(serde::Deserialize)]
struct DemoNetwork {
    collaborations: Vec<DemoCollaboration>,
    paths: Vec<kasvu_store::PathSpec>,
    practices: Vec<DemoPractice>,
}

async fn load_network(store: &Store, actor: &Actor) -> Result<(), DemoError> {
    let Some(oulu) = store.org_unit("oulu").await.map_err(DemoError::Store)? else {
        return Ok(());
    };
    let org = oulu.org_id;
    if !store
        .practices(org)
        .await
        .map_err(DemoError::Store)?
        .is_empty()
    {
        return Ok(());
    }
    let file = "demo/oulu_network.json";
    let net: DemoNetwork = serde_json::from_str(NETWORK_JSON)
        .map_err(|e| DemoError::Import(ImportError::file(file, e.to_string())))?;
    let fail = |e: StoreError| DemoError::Import(import_error_from_store(file, e));
    for c in &net.collaborations {
        store
            .add_collaboration(actor, org, &c.from, &c.to, c.kind, &c.note)
            .await
            .map_err(fail)?;
    }
    for p in &net.paths {
        store.save_path(actor, org, p).await.map_err(fail)?;
    }
    let projects = store.projects(org).await.map_err(DemoError::Store)?;
    for p in &net.practices {
        let mut spec = p.spec.clone();
        spec.projects = projects
            .iter()
            .filter(|x| p.from_projects.contains(&x.name))
            .map(|x| x.id)
            .collect();
        store.save_practice(actor, org, &spec).await.map_err(fail)?;
    }
    Ok(())
}

/// The families' pages: places, activities (seasons and dates set around
/// today so the demo calendar is never empty), a few wishes and the
/// guidance number.
pub const FAMILIES_JSON: &str = include_str!("../demo/oulu_families.json");

#[derive(serde::Deserialize)]
struct DemoDate {
    days: i64,
    starts: String,
    ends: String,
}

#[derive(serde::Deserialize)]
struct DemoActivity {
    #[serde(flatten)]
    spec: kasvu_store::ActivitySpec,
    /// The season runs from two months ago to eight months ahead.
    #[serde(default)]
    school_year: bool,
    /// Dated times this many days from today.
    #[serde(default)]
    in_days: Vec<DemoDate>,
    /// Cancel the first time at least three days ahead.
    #[serde(default)]
    cancel_next: bool,
    /// Left waiting for the area's approval.
    #[serde(default)]
    pending: bool,
}

#[derive(serde::Deserialize)]
struct DemoWish {
    area: String,
    age_group: kasvu_core::activity::AgeGroup,
    categories: Vec<kasvu_core::activity::Category>,
    text: String,
}

#[derive(serde::Deserialize)]
struct DemoFamilies {
    guidance: kasvu_store::PublicSettings,
    places: Vec<kasvu_store::PlaceSpec>,
    activities: Vec<DemoActivity>,
    wishes: Vec<DemoWish>,
}

/// Oulu's school breaks 2026–2027: no weekly hobby sessions then.
const OULU_BREAKS: [(&str, &str, &str); 4] = [
    ("2026-10-19", "2026-10-23", "Syysloma"),
    ("2026-12-21", "2027-01-06", "Joululoma"),
    ("2027-03-08", "2027-03-12", "Talviloma"),
    ("2027-03-25", "2027-03-29", "Pääsiäisloma"),
];

async fn load_families(store: &Store, actor: &Actor) -> Result<(), DemoError> {
    use kasvu_core::activity::ActivityStatus;
    let Some(oulu) = store.org_unit("oulu").await.map_err(DemoError::Store)? else {
        return Ok(());
    };
    let org = oulu.org_id;
    if !store
        .places(org, false)
        .await
        .map_err(DemoError::Store)?
        .is_empty()
    {
        return Ok(());
    }
    let file = "demo/oulu_families.json";
    let demo: DemoFamilies = serde_json::from_str(FAMILIES_JSON)
        .map_err(|e| DemoError::Import(ImportError::file(file, e.to_string())))?;
    let fail = |e: StoreError| DemoError::Import(import_error_from_store(file, e));
    store
        .set_public_settings(actor, org, &demo.guidance)
        .await
        .map_err(fail)?;
    for p in &demo.places {
        store.save_place(actor, org, p).await.map_err(fail)?;
    }
    // Oulu's school breaks of the year 2026–2027 (public holidays are built in).
    for (first, last, name) in OULU_BREAKS {
        let day = |s: &str| kasvu_core::parse_date(s).ok().flatten();
        if let (Some(first), Some(last)) = (day(first), day(last)) {
            store
                .add_activity_break(actor, org, first, last, name)
                .await
                .map_err(fail)?;
        }
    }
    let today = kasvu_core::clock::today();
    for a in &demo.activities {
        let mut spec = a.spec.clone();
        if a.school_year {
            spec.season_start = kasvu_core::format_date(today - time::Duration::days(60));
            spec.season_end = kasvu_core::format_date(today + time::Duration::days(240));
        }
        for d in &a.in_days {
            spec.dates.push(kasvu_store::DateSpec {
                on: kasvu_core::format_date(today + time::Duration::days(d.days)),
                starts: d.starts.clone(),
                ends_on: String::new(),
                ends: d.ends.clone(),
            });
        }
        if a.cancel_next {
            let schedule = kasvu_store::schedule_of(&spec).map_err(fail)?;
            let from = today + time::Duration::days(3);
            if let Some(o) = kasvu_core::activity::occurrences(
                &schedule,
                from,
                from + time::Duration::days(14),
                &[],
            )
            .first()
            {
                spec.cancellations.push(kasvu_store::CancelSpec {
                    on: kasvu_core::format_date(o.on),
                    note: "Ohjaaja on sairaana.".into(),
                });
            }
        }
        let status = if a.pending {
            ActivityStatus::Pending
        } else {
            ActivityStatus::Published
        };
        store
            .save_activity(actor, org, None, &spec, status)
            .await
            .map_err(fail)?;
    }
    for w in &demo.wishes {
        store
            .add_wish(
                org,
                &kasvu_store::WishSpec {
                    area: w.area.clone(),
                    age_group: w.age_group,
                    categories: w.categories.clone(),
                    text: w.text.clone(),
                },
            )
            .await
            .map_err(fail)?;
    }
    Ok(())
}

async fn load_actors(store: &Store, actor: &Actor) -> Result<(), DemoError> {
    let Some(oulu) = store.org_unit("oulu").await.map_err(DemoError::Store)? else {
        return Ok(());
    };
    if !store
        .actors(oulu.org_id)
        .await
        .map_err(DemoError::Store)?
        .is_empty()
    {
        return Ok(());
    }
    let file = "demo/oulu_actors.csv";
    let rows = crate::actors_csv::parse(ACTORS_CSV.as_bytes(), file, &crate::Limits::default())
        .map_err(DemoError::Import)?;
    store
        .import_actors(actor, oulu.org_id, &rows, kasvu_core::clock::today())
        .await
        .map_err(|e| DemoError::Import(import_error_from_store(file, e)))?;
    Ok(())
}

async fn load_projects(store: &Store, actor: &Actor) -> Result<(), DemoError> {
    let Some(oulu) = store.org_unit("oulu").await.map_err(DemoError::Store)? else {
        return Ok(());
    };
    if !store
        .projects(oulu.org_id)
        .await
        .map_err(DemoError::Store)?
        .is_empty()
    {
        return Ok(());
    }
    let specs: Vec<kasvu_store::ProjectSpec> =
        serde_json::from_str(PROJECTS_JSON).map_err(|e| {
            DemoError::Import(ImportError::file("demo/oulu_projects.json", e.to_string()))
        })?;
    for spec in &specs {
        store
            .create_project(actor, oulu.org_id, spec)
            .await
            .map_err(DemoError::Store)?;
    }
    Ok(())
}

/// Each area's regional development plan 2024–2026, drawn from the plan.
pub const REGIONAL_PLANS_JSON: &str = include_str!("../demo/oulu_regional_plans.json");

async fn load_regional_plans(store: &Store, actor: &Actor, org_id: i64) -> Result<(), DemoError> {
    let specs: Vec<kasvu_store::PlanSpec> =
        serde_json::from_str(REGIONAL_PLANS_JSON).map_err(|e| {
            DemoError::Import(ImportError::file(
                "demo/oulu_regional_plans.json",
                e.to_string(),
            ))
        })?;
    for spec in specs {
        create_in_force(
            store,
            actor,
            org_id,
            &spec,
            time::macros::date!(2024 - 02 - 05),
            "Esimerkki: alueen johtotiimi 5.2.2024",
        )
        .await?;
    }
    Ok(())
}

/// Writes a demo plan, approved on `approved_on` and put in force.
async fn create_in_force(
    store: &Store,
    actor: &Actor,
    org_id: i64,
    spec: &kasvu_store::PlanSpec,
    approved_on: time::Date,
    decision: &str,
) -> Result<i64, DemoError> {
    let id = store
        .create_plan(actor, org_id, spec)
        .await
        .map_err(DemoError::Store)?;
    store
        .set_plan_status(
            actor,
            id,
            kasvu_core::PlanStatus::Approved,
            Some(approved_on),
            decision,
        )
        .await
        .map_err(DemoError::Store)?;
    store
        .set_plan_status(actor, id, kasvu_core::PlanStatus::InForce, None, "")
        .await
        .map_err(DemoError::Store)?;
    Ok(id)
}

/// Loads the demo plan, approved (illustratively) and in force, with a few
/// status log entries. Skipped when the plan is already there.
async fn load_plan(store: &Store, actor: &Actor) -> Result<(), DemoError> {
    let spec: kasvu_store::PlanSpec = serde_json::from_str(PLAN_JSON)
        .map_err(|e| DemoError::Import(ImportError::file("demo/oulu_plan.json", e.to_string())))?;
    let org = store
        .org_unit("oulu")
        .await
        .map_err(DemoError::Store)?
        .ok_or_else(|| DemoError::Store(StoreError::NotFound("org unit oulu".into())))?;
    let plans = store.plans(org.org_id).await.map_err(DemoError::Store)?;
    if plans.iter().any(|p| p.code == spec.code) {
        return Ok(());
    }
    let id = create_in_force(
        store,
        actor,
        org.org_id,
        &spec,
        time::macros::date!(2022 - 06 - 13),
        "Esimerkki: kaupunginvaltuusto 13.6.2022",
    )
    .await?;
    let tree = store
        .plan_tree(id)
        .await
        .map_err(DemoError::Store)?
        .ok_or_else(|| DemoError::Store(StoreError::NotFound("demo plan".into())))?;
    let notes = [
        (
            "Pilottipuhelin",
            "Pilotti päättyi; puhelin jäi perhesosiaalityön pysyväksi palveluksi.",
        ),
        (
            "Lapset puheeksi",
            "Koulutukset jatkuvat; LP-keskustelut kirjataan neljännesvuosittain.",
        ),
    ];
    let evaluations = [
        (
            "Kouluterveyskyselyn aluetulokset",
            4,
            "Vuoden 2025 tulokset käsiteltiin kaikissa johtotiimeissä; jokainen palvelukeskittymä valitsi yhden teeman seurattavaksi.",
        ),
        (
            "Lapset puheeksi",
            3,
            "Keskusteluja käydään aiempaa enemmän, mutta koulutetun henkilöstön osuus vaihtelee yksiköittäin.",
        ),
    ];
    for (_, _, m) in tree.measures() {
        if let Some((_, note)) = notes.iter().find(|(k, _)| m.names.fi.starts_with(k)) {
            store
                .set_measure_status(actor, m.id, m.status, note)
                .await
                .map_err(DemoError::Store)?;
        }
        if let Some((_, rating, body)) = evaluations
            .iter()
            .find(|(k, _, _)| m.names.fi.starts_with(k))
        {
            let year = Period::year(2025)
                .map_err(|p| DemoError::Store(StoreError::Corrupt(p.to_string())))?;
            store
                .set_evaluation(actor, m.id, year, *rating, body, &m.indicators)
                .await
                .map_err(DemoError::Store)?;
        }
    }
    load_regional_plans(store, actor, org.org_id).await
}

pub const INDICATORS_CSV: &str = include_str!("../demo/oulu_indicators.csv");

/// A sex and grade of the School Health Promotion Survey (`None`: all grades).
type SurveyCell = (Sex, Option<u8>);

/// A small deterministic generator, so the demo is the same on every machine.
struct Noise(u64);

impl Noise {
    fn new(key: &str) -> Noise {
        // FNV-1a of the key as the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in key.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Noise(h | 1)
    }

    /// A value in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn periods(from: &str, to: &str) -> Vec<Period> {
    let (Ok(a), Ok(b)) = (Period::parse(from), Period::parse(to)) else {
        return Vec::new();
    };
    (0..=(b.index() - a.index()))
        .filter_map(|i| a.offset(i))
        .collect()
}

/// Seed 003's indicators with several years of plausible values, School
/// Health Promotion Survey shares by area, sex and grade, a few targets and
/// written conclusions. Idempotent.
async fn load_measurement(store: &Store, actor: &Actor) -> Result<(), DemoError> {
    let file = "demo/oulu_indicators.csv";
    let rows = indicators_csv::parse(INDICATORS_CSV.as_bytes(), file, &crate::Limits::default())
        .map_err(DemoError::Import)?;
    store
        .import_indicators(actor, &rows, false)
        .await
        .map_err(|e| DemoError::Import(import_error_from_store(file, e)))?;
    let cat: HashMap<String, Indicator> = store
        .indicators()
        .await
        .map_err(DemoError::Store)?
        .into_iter()
        .map(|i| (i.spec.code.clone(), i))
        .collect();
    let Some(org) = store.org_unit("oulu").await.map_err(DemoError::Store)? else {
        return Ok(());
    };
    let mut units = store.org_units(org.id).await.map_err(DemoError::Store)?;
    // Soite's units get figures too: the learning network compares them.
    if let Some(soite) = store.org_unit("soite").await.map_err(DemoError::Store)? {
        units.extend(store.org_units(soite.id).await.map_err(DemoError::Store)?);
    }
    let of_kind = |kinds: &[UnitKind]| -> Vec<&OrgUnit> {
        units
            .iter()
            .filter(|u| u.kind.is_some_and(|k| kinds.contains(&k)) && u.valid.to.is_none())
            .collect()
    };
    let areas: Vec<&OrgUnit> = units.iter().filter(|u| u.level == Level::Area).collect();
    let mut out: Vec<ValueRow> = Vec::new();
    let mut push = |ind: &str, unit: i64, period: Period, b: Breakdown, value: f64| {
        if let Some(i) = cat.get(ind) {
            out.push(ValueRow {
                row: out.len() + 1,
                indicator_id: i.id,
                unit_id: unit,
                period,
                breakdown: b,
                value: Some(value.round().max(0.0)),
                count: None,
            });
        }
    };
    for u in of_kind(&[UnitKind::FamilyCentre]) {
        for (t, p) in periods("202301", "202610").into_iter().enumerate() {
            let mut n = Noise::new(&format!("phone{}{p}", u.code));
            let summer = if p.number() == 7 { 0.5 } else { 1.0 };
            push(
                "pilot_phone_calls",
                u.id,
                p,
                Breakdown::total(),
                (30.0 + t as f64 * 0.6 + n.next() * 12.0) * summer,
            );
        }
        for (t, p) in periods("2022S1", "2026S1").into_iter().enumerate() {
            let mut n = Noise::new(&format!("shl{}{p}", u.code));
            push(
                "shl_clients",
                u.id,
                p,
                Breakdown::total(),
                70.0 - t as f64 * 2.5 + n.next() * 10.0,
            );
        }
    }
    for u in of_kind(&[UnitKind::School, UnitKind::DayCare]) {
        for (t, p) in periods("2022Q1", "2026Q3").into_iter().enumerate() {
            let mut n = Noise::new(&format!("lp{}{p}", u.code));
            let summer = if p.number() == 3 { 0.4 } else { 1.0 };
            push(
                "lp_discussions",
                u.id,
                p,
                Breakdown::total(),
                (8.0 + t as f64 * 0.8 + n.next() * 6.0) * summer,
            );
            if u.kind == Some(UnitKind::School) {
                push(
                    "expert_groups",
                    u.id,
                    p,
                    Breakdown::total(),
                    1.0 + n.next() * 7.0,
                );
                // Pupils, so small quarters are hidden — with the cells
                // that would give them away across schools and quarters.
                push(
                    "school_counsellor_clients",
                    u.id,
                    p,
                    Breakdown::total(),
                    (2.0 + n.next() * 12.0) * summer,
                );
            }
        }
    }
    for u in of_kind(&[UnitKind::School, UnitKind::DayCare, UnitKind::FamilyCentre]) {
        let mut n = Noise::new(&format!("staff{}", u.code));
        let size = 15.0 + n.next() * 40.0;
        for (t, p) in periods("2022S1", "2026S1").into_iter().enumerate() {
            let staff = (size + n.next() * 3.0).round();
            let share = (0.2 + t as f64 * 0.06 + n.next() * 0.05).min(0.95);
            push("staff", u.id, p, Breakdown::total(), staff);
            push(
                "lp_trained",
                u.id,
                p,
                Breakdown::total(),
                (staff * share).floor(),
            );
        }
    }
    let mut areas_sum: BTreeMap<Period, f64> = BTreeMap::new();
    for a in &areas {
        let mut n = Noise::new(&format!("yearly{}", a.code));
        let base = 250.0 + n.next() * 200.0;
        for (t, p) in periods("2019", "2025").into_iter().enumerate() {
            let clients = (base * (1.0 - t as f64 * 0.03) + n.next() * 20.0).round();
            if a.org_id == org.id {
                *areas_sum.entry(p).or_default() += clients;
            }
            push(
                "child_protection_clients",
                a.id,
                p,
                Breakdown::total(),
                clients,
            );
            push(
                "specialised_care_clients",
                a.id,
                p,
                Breakdown::total(),
                base * 0.25 * (1.0 + t as f64 * 0.04) + n.next() * 8.0,
            );
        }
        for year in [2017, 2019, 2021, 2023, 2025] {
            let Ok(p) = Period::year(year) else { continue };
            // (respondents, lonely, hobby, talk) per sex and grade, then the sums.
            let mut cells: HashMap<SurveyCell, [f64; 4]> = HashMap::new();
            for sex in [Sex::Male, Sex::Female] {
                for grade in [8u8, 9] {
                    let mut n = Noise::new(&format!("shps{}{year}{sex}{grade}", a.code));
                    let resp = (120.0 + n.next() * 120.0).round();
                    let covid = if year == 2021 { 1.4 } else { 1.0 };
                    let girls = if sex == Sex::Female { 1.5 } else { 1.0 };
                    let mut lonely = (resp * (0.07 + n.next() * 0.04) * covid * girls).round();
                    if a.code == "itainen" && year == 2017 && sex == Sex::Male && grade == 8 {
                        lonely = 4.0; // a small count: shows suppression in the demo
                    }
                    let hobby =
                        (resp * (0.78 + n.next() * 0.1 + f64::from(year - 2017) * 0.005)).round();
                    let talk = (resp * (0.6 + n.next() * 0.12)).round();
                    cells.insert((sex, Some(grade)), [resp, lonely, hobby, talk]);
                }
            }
            let leaves: Vec<(SurveyCell, [f64; 4])> = cells.iter().map(|(k, v)| (*k, *v)).collect();
            for ((sex, grade), v) in leaves {
                for key in [(Sex::Total, grade), (sex, None), (Sex::Total, None)] {
                    let e = cells.entry(key).or_insert([0.0; 4]);
                    for i in 0..4 {
                        e[i] += v[i];
                    }
                }
            }
            for ((sex, grade), v) in cells {
                let b = Breakdown {
                    sex,
                    grade,
                    age_group: None,
                };
                push("shps_respondents", a.id, p, b.clone(), v[0]);
                push("shps_lonely_n", a.id, p, b.clone(), v[1]);
                push("shps_hobby_n", a.id, p, b.clone(), v[2]);
                push("shps_talk_n", a.id, p, b, v[3]);
            }
        }
    }
    // Statistics Finland's population at the end of the year, by area, sex
    // and age group: the denominator of rates per 1,000 children, so that
    // areas of different size compare. Oulu has ~210,000 inhabitants and
    // ~45,000 aged 0–17; the areas differ in size by 2–3×.
    for a in areas.iter().filter(|a| a.org_id == org.id) {
        let Some(share) = POPULATION_SHARES
            .iter()
            .find(|(code, _)| a.code == *code)
            .map(|(_, s)| *s)
        else {
            continue;
        };
        for (t, p) in periods("2019", "2025").into_iter().enumerate() {
            let mut n = Noise::new(&format!("population{}{p}", a.code));
            // The city grows a little, its children a little less.
            let everyone = 204_000.0 * (1.0 + t as f64 * 0.005) * share;
            let children = 45_800.0 * (1.0 - t as f64 * 0.004) * share;
            let mut sums = [[0.0; 2]; 2]; // [0-17, everyone][male, female]
            for (group, part) in CHILD_AGE_GROUPS {
                let total = (children * part * (0.98 + n.next() * 0.04)).round();
                let male = (total * 0.512).round();
                let by_sex = [male, total - male];
                for (i, sex) in [Sex::Male, Sex::Female].into_iter().enumerate() {
                    sums[0][i] += by_sex[i];
                    let b = Breakdown {
                        sex,
                        grade: None,
                        age_group: Some((*group).to_owned()),
                    };
                    push("population", a.id, p, b, by_sex[i]);
                }
                let b = Breakdown {
                    sex: Sex::Total,
                    grade: None,
                    age_group: Some((*group).to_owned()),
                };
                push("population", a.id, p, b, total);
            }
            let adults = (everyone - sums[0][0] - sums[0][1]).max(0.0);
            let adult_men = (adults * 0.496).round();
            sums[1] = [
                sums[0][0] + adult_men,
                sums[0][1] + adults.round() - adult_men,
            ];
            for (age_group, [male, female]) in [(Some("0-17"), sums[0]), (None, sums[1])] {
                for (sex, v) in [
                    (Sex::Male, male),
                    (Sex::Female, female),
                    (Sex::Total, male + female),
                ] {
                    let b = Breakdown {
                        sex,
                        grade: None,
                        age_group: age_group.map(str::to_owned),
                    };
                    push("population", a.id, p, b, v);
                }
            }
        }
    }
    // Sotkanet's official figure for the city (THL's register counts
    // clients the areas' own statistics place nowhere, so it is a little
    // more than their sum): the city's reported figure, served as itself
    // beside the areas' sum rather than added to it.
    for (p, sum) in areas_sum
        .iter()
        .filter(|(p, _)| p.code().as_str() >= "2023")
    {
        push(
            "child_protection_clients",
            org.id,
            *p,
            Breakdown::total(),
            (sum * 1.04).round(),
        );
    }
    store
        .write_values(
            actor,
            &out,
            WriteOptions {
                source: "demo".into(),
                ..Default::default()
            },
        )
        .await
        .map_err(DemoError::Store)?;
    for (ind, period, value, note) in [
        (
            "lp_trained_share",
            "2026S1",
            60.0,
            "Kaikissa yksiköissä vähintään 60 % henkilöstöstä LP-koulutettu.",
        ),
        (
            "child_protection_clients",
            "2026",
            1000.0,
            "Lastensuojelun avohuollon asiakkuudet kääntyvät laskuun.",
        ),
        (
            "shps_lonely",
            "2025",
            9.0,
            "Yksinäisyyden kokemus palaa koronaa edeltävälle tasolle.",
        ),
        (
            "shps_hobby",
            "2025",
            90.0,
            "Harrastamisen aarrearkku: jokaisella lapsella mieluisa harrastus.",
        ),
    ] {
        let (Some(i), Ok(p)) = (cat.get(ind), Period::parse(period)) else {
            continue;
        };
        store
            .set_target(
                actor,
                i.id,
                org.id,
                &Target {
                    period: p,
                    value,
                    baseline_period: None,
                    note: note.into(),
                },
            )
            .await
            .map_err(DemoError::Store)?;
    }
    for (area, text) in CONCLUSIONS {
        let (Some(a), Ok(p)) = (areas.iter().find(|a| a.code == *area), Period::year(2025)) else {
            continue;
        };
        store
            .set_analysis(actor, a.id, p, text)
            .await
            .map_err(DemoError::Store)?;
    }
    Ok(())
}

/// Each Oulu area's share of the city's population (illustrative: the
/// largest is 2.6 times the smallest).
const POPULATION_SHARES: &[(&str, f64)] = &[
    ("keskinen", 0.36),
    ("pohjoinen", 0.30),
    ("itainen", 0.20),
    ("etelainen", 0.14),
];

/// The age groups of children the demo's population is given by, with
/// their shares of the 0–17-year-olds; `0-17` is their sum.
const CHILD_AGE_GROUPS: &[(&str, f64)] = &[("0-6", 0.37), ("7-12", 0.35), ("13-17", 0.28)];

/// Written analysis and conclusions per area for 2025 (illustrative).
const CONCLUSIONS: &[(&str, &str)] = &[
    ("keskinen", "Kouluterveyskyselyn 2025 tulosten mukaan yksinäisyyden kokemus on vähentynyt vuodesta 2021, mutta tytöillä se on yhä yleisempää kuin pojilla. LP-keskusteluja käydään aiempaa enemmän, ja palvelukeskittymien johtotiimit jatkavat keskusteluja kaikissa kouluissa. Johtopäätös: kohdennetaan ryhmätoimintaa 8. luokan tytöille ja seurataan vaikutusta kevään 2027 kyselyssä."),
    ("pohjoinen", "Harrastamisen osuus on kasvanut, mikä näkyy myös alueen harrastustarjonnan käytössä. Lastensuojelun avohuollon asiakkuudet ovat laskeneet kolmena vuotena peräkkäin. Johtopäätös: perhekeskuksen ja koulujen yhteistyö toimii; ylläpidetään yhden yhteyden periaatetta ja vahvistetaan kolmannen sektorin kohtaamispaikkoja."),
    ("itainen", "Vastaajamäärät ovat pienempiä kuin muilla alueilla, joten osa luvuista on tietosuojasyistä piilotettu. Puhelinohjauksen käyttö on kasvanut tasaisesti. Johtopäätös: markkinoidaan pilottipuhelinta edelleen ja kootaan palautetta perheiltä seuraavassa palautekierroksessa."),
    ("etelainen", "Erikoissairaanhoidon asiakkuudet ovat kasvaneet hieman. LP-koulutetun henkilöstön osuus on noussut tavoitteen tuntumaan. Johtopäätös: vahvistetaan hyvinvointiklinikkamallia ja konsultaatiota peruspalveluissa, jotta tuki saadaan lähelle arkea."),
];

#[cfg(test)]
mod tests {
    use super::*;
    use kasvu_core::Sector;
    use std::collections::HashSet;

    #[test]
    fn demo_tree_covers_the_structure() {
        let rows = orgunits_csv::parse(ORG_UNITS_CSV.as_bytes(), "demo", &crate::Limits::default())
            .unwrap()
            .rows;
        let areas: Vec<_> = rows
            .iter()
            .filter(|(_, s)| s.level == Level::Area)
            .map(|(_, s)| s.names.fi.as_str())
            .collect();
        assert_eq!(
            areas,
            [
                "Keskinen alue",
                "Pohjoinen alue",
                "Itäinen alue",
                "Eteläinen alue"
            ]
        );
        let kinds: HashSet<UnitKind> = rows.iter().filter_map(|(_, s)| s.kind).collect();
        assert_eq!(kinds.len(), UnitKind::ALL.len(), "every unit kind appears");
        let sectors: HashSet<Sector> = rows
            .iter()
            .filter_map(|(_, s)| s.sector.or(s.kind.and_then(UnitKind::default_sector)))
            .collect();
        assert_eq!(sectors.len(), Sector::ALL.len(), "every sector appears");
        let roles: HashSet<Role> = USERS.iter().map(|u| u.role).collect();
        assert_eq!(roles.len(), Role::ALL.len(), "a demo user per role");
        let org = &rows[0].1;
        assert!(org
            .external_codes
            .iter()
            .any(|e| e.scheme == "kunta" && e.code == "564"));
    }
}
