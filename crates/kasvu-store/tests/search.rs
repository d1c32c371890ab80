//! Search over everything a reader may see, on SQLite and PostgreSQL:
//! published activities and places, teams and their meetings, published
//! feedback results, each found by an inflected Finnish word; what a reader
//! may not see (an activity waiting for approval, an unpublished place, a
//! team for anyone but the organisation's people, a meeting for anyone but
//! the team's members, another organisation's entries) never found; rows
//! gone when the item is withdrawn or unpublished; both databases giving
//! the same answers.

use kasvu_core::activity::{ActivityKind, ActivityStatus, Category, PlaceKind};
use kasvu_core::search::{Query, SearchKind};
use kasvu_core::{
    Answer, Email, Level, MemberRole, Names, OrgCode, QuestionKind, QuestionSpec, Role, Schedule,
    Sector, TargetGroup, TeamKind, UnitKind, ValidRange,
};
use kasvu_store::{
    both_databases, ActivitySpec, Actor, ActorSpec, NewUser, OrgUnitSpec, PlaceSpec, RoundSpec,
    SearchReader, SlotSpec, Store, TeamSpec,
};
use time::macros::date;

fn cli() -> Actor {
    Actor::system("test")
}

fn fi(s: &str) -> Names {
    Names {
        fi: s.into(),
        ..Default::default()
    }
}

fn unit(code: &str, parent: Option<&str>, level: Level, kind: Option<UnitKind>) -> OrgUnitSpec {
    OrgUnitSpec {
        code: OrgCode::parse(code).unwrap(),
        parent: parent.map(|p| OrgCode::parse(p).unwrap()),
        level,
        kind,
        sector: None,
        names: Names::parse(code, "", "").unwrap(),
        external_codes: vec![],
        valid: ValidRange::default(),
    }
}

fn actor(code: &str, name: &str, area: &str) -> ActorSpec {
    ActorSpec {
        code: code.into(),
        name: name.into(),
        sector: Sector::ThirdSector,
        unit: String::new(),
        offer: "Kerhoja lapsille".into(),
        audiences: vec![],
        themes: vec![],
        languages: vec![],
        opening_hours: String::new(),
        areas: vec![area.into()],
        phone: String::new(),
        email: String::new(),
        website: String::new(),
        contact_person: String::new(),
        contact_phone: String::new(),
        contact_email: String::new(),
        confirmed_on: String::new(),
    }
}

fn place(code: &str, name: &str, area: &str, published: bool) -> PlaceSpec {
    PlaceSpec {
        code: code.into(),
        kind: PlaceKind::MeetingPlace,
        name: fi(name),
        area: area.into(),
        address: "Kirkkokatu 1".into(),
        hours: fi("ma–pe 12–18"),
        what: fi("Olohuone nuorille ja perheille"),
        directions: Names::default(),
        access: Names::default(),
        actor: String::new(),
        phone: String::new(),
        website: String::new(),
        published,
        source_id: String::new(),
    }
}

fn hobby(name: &str, description: &str, area: &str) -> ActivitySpec {
    ActivitySpec {
        kind: ActivityKind::Hobby,
        category: Category::Art,
        name: fi(name),
        description: fi(description),
        signup: fi("Tule paikalle"),
        price: Names::default(),
        is_free: true,
        min_age: Some(7),
        max_age: Some(12),
        languages: vec!["fi".into()],
        keywords: vec![],
        equipment_lent: false,
        organiser: "mll".into(),
        provider: String::new(),
        place: String::new(),
        location: "Kerhohuone".into(),
        area: area.into(),
        season_start: "2026-09-01".into(),
        season_end: "2026-12-15".into(),
        slots: vec![SlotSpec {
            weekday: 2,
            starts: "17:00".into(),
            ends: "18:30".into(),
        }],
        dates: vec![],
        cancellations: vec![],
        info_url: String::new(),
        source_id: String::new(),
    }
}

/// The ids a story needs.
struct Setup {
    org: i64,
    other: i64,
    art_club: i64,
    pending: i64,
    circus: i64,
    team: i64,
    meeting: i64,
    round_token: String,
    round: i64,
}

async fn setup(store: &Store) -> Setup {
    let rows = vec![
        (2, unit("s", None, Level::Organisation, None)),
        (3, unit("s-north", Some("s"), Level::Area, None)),
        (4, unit("s-tuira", Some("s-north"), Level::Cluster, None)),
        (
            5,
            unit(
                "s-school",
                Some("s-tuira"),
                Level::Unit,
                Some(UnitKind::School),
            ),
        ),
        (6, unit("t", None, Level::Organisation, None)),
        (7, unit("t-north", Some("t"), Level::Area, None)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    let org = store.org_unit("s").await.unwrap().unwrap().org_id;
    let other = store.org_unit("t").await.unwrap().unwrap().org_id;
    let day = date!(2026 - 11 - 23);
    store
        .save_actor(&cli(), org, &actor("mll", "MLL Tuira", "s-tuira"), day)
        .await
        .unwrap();
    store
        .save_place(
            &cli(),
            org,
            &place("olkkari", "Tuiran olkkari", "s-tuira", true),
        )
        .await
        .unwrap();
    store
        .save_place(
            &cli(),
            org,
            &place("piilo", "Taidepaja Piilo", "s-tuira", false),
        )
        .await
        .unwrap();
    // Another organisation's unpublished place with the same words.
    store
        .save_place(
            &cli(),
            other,
            &place("t-paja", "Taidekerho Toinen", "t-north", false),
        )
        .await
        .unwrap();
    let published = ActivityStatus::Published;
    let art_club = store
        .save_activity(
            &cli(),
            org,
            None,
            &hobby(
                "Taidekerho",
                "Harrastus kaikille, piirretään ja maalataan",
                "s-tuira",
            ),
            published,
        )
        .await
        .unwrap();
    let pending = store
        .save_activity(
            &cli(),
            org,
            None,
            &hobby("Salainen taidekerho", "Odottaa hyväksyntää", "s-tuira"),
            ActivityStatus::Pending,
        )
        .await
        .unwrap();
    let circus = store
        .save_activity(
            &cli(),
            org,
            None,
            &hobby("Sirkuskoulu", "Jongleerausta", "s-tuira"),
            published,
        )
        .await
        .unwrap();
    let team = store
        .create_team(
            &cli(),
            &TeamSpec {
                kind: TeamKind::ClusterLeadership,
                unit_code: "s-tuira".into(),
                name: "Tuiran johtotiimi".into(),
                schedule: Schedule::default(),
                location: "Tuiran koulu".into(),
                anchor_on: date!(2026 - 01 - 01),
            },
        )
        .await
        .unwrap();
    let principal = store
        .create_user(
            &cli(),
            NewUser {
                email: Email::parse("rehtori@example.org").unwrap(),
                name: "Rehtori".into(),
                password: None,
                role: Role::LeadershipMember,
                scope_code: "s-school".into(),
            },
        )
        .await
        .unwrap()
        .id;
    store
        .set_member(
            &cli(),
            team.id,
            principal,
            MemberRole::Chair,
            None,
            Some("s-school"),
        )
        .await
        .unwrap();
    let meeting = store
        .plan_meeting(
            &cli(),
            team.id,
            &kasvu_store::MeetingSpec {
                on: date!(2026 - 12 - 08),
                start: kasvu_core::ClockTime::parse("14:00").unwrap(),
                duration_min: 90,
                location: "Tuiran koulu".into(),
            },
        )
        .await
        .unwrap();
    store
        .add_agenda_item(&cli(), meeting, "Kouluverkon suunnittelu", None)
        .await
        .unwrap();
    store
        .add_decision(
            &cli(),
            meeting,
            "Perustetaan kiusaamisen vastainen työryhmä",
        )
        .await
        .unwrap();
    let round = store
        .create_round(
            &cli(),
            org,
            &RoundSpec {
                unit: "s-tuira".into(),
                team_id: None,
                title: "Vanhempien palaute".into(),
                intro: "Kerro kokemuksistasi".into(),
                target_group: TargetGroup::Parents,
                opens_on: "2026-01-01".into(),
                closes_on: "2026-01-31".into(),
                questions: vec![
                    QuestionSpec {
                        kind: QuestionKind::Scale,
                        text: "Saitteko tukea ajoissa?".into(),
                        options: vec![],
                    },
                    QuestionSpec {
                        kind: QuestionKind::Text,
                        text: "Mitä toivotte?".into(),
                        options: vec![],
                    },
                ],
            },
        )
        .await
        .unwrap();
    // A free text answer: never public, never indexed.
    let form = store.issue_answer_token(round.id).await.unwrap();
    store
        .submit_response(
            round.id,
            &form,
            &[
                (round.questions[0].id, Answer::Score(4)),
                (
                    round.questions[1].id,
                    Answer::Text("Enemmän sählyvuoroja".into()),
                ),
            ],
            date!(2026 - 01 - 15),
        )
        .await
        .unwrap();
    Setup {
        org,
        other,
        art_club,
        pending,
        circus,
        team: team.id,
        meeting,
        round_token: round.token,
        round: round.id,
    }
}

async fn keys(
    store: &Store,
    org: i64,
    q: &str,
    reader: &SearchReader,
) -> Vec<(SearchKind, String)> {
    let hits = store
        .search_as(org, &Query::parse(q), reader)
        .await
        .unwrap();
    // The page counted and ranked in the database answers the same.
    let page = store
        .search_page(
            org,
            &Query::parse(q),
            reader,
            &kasvu_store::SearchFilter::default(),
            0,
            1000,
        )
        .await
        .unwrap();
    assert_eq!(page.total, hits.len(), "{q}");
    assert_eq!(page.hits, hits, "{q}");
    let ids: Vec<i64> = hits.iter().map(|h| h.id).collect();
    let details = store.search_details(&ids).await.unwrap();
    hits.iter()
        .map(|h| (h.kind, details[&h.id].key.clone()))
        .collect()
}

fn anonymous() -> SearchReader {
    SearchReader::default()
}

fn staff() -> SearchReader {
    SearchReader {
        internal: true,
        teams: vec![],
    }
}

/// Every answer of the story, in order, for comparing the databases.
async fn story(store: &Store) -> Vec<Vec<(SearchKind, String)>> {
    let s = setup(store).await;
    let mut answers = Vec::new();
    let token = s.round_token.clone();
    // The round's token is random: compared by what it stands for.
    let mut ask = |v: Vec<(SearchKind, String)>| {
        answers.push(
            v.iter()
                .map(|(k, key)| {
                    (
                        *k,
                        if *key == token {
                            "round".into()
                        } else {
                            key.clone()
                        },
                    )
                })
                .collect(),
        );
        v
    };
    let art = || (SearchKind::Activity, s.art_club.to_string());
    // An inflected form finds the published hobby, and only it: not the one
    // waiting for approval, not the unpublished place, not another
    // organisation's entry.
    assert_eq!(
        ask(keys(store, s.org, "taidekerhoon", &anonymous()).await),
        [art()]
    );
    assert_eq!(
        ask(keys(store, s.org, "taidekerhoon", &staff()).await),
        [art()],
        "a pending activity is not found even by the organisation's people"
    );
    assert_eq!(
        ask(keys(store, s.org, "harrastuksista", &anonymous()).await),
        [art()],
        "a word of the hobby's text"
    );
    assert!(ask(keys(store, s.org, "salainen", &staff()).await).is_empty());
    assert!(
        ask(keys(store, s.other, "taidekerho", &staff()).await).is_empty(),
        "another organisation's unpublished place"
    );
    // Places: the published one by an inflected word; the unpublished not.
    assert_eq!(
        ask(keys(store, s.org, "olkkarissa", &anonymous()).await),
        [(SearchKind::Place, "olkkari".to_owned())]
    );
    assert!(ask(keys(store, s.org, "taidepajassa", &staff()).await).is_empty());
    // A team: for the organisation's people, never for the public.
    let team = || (SearchKind::Team, s.team.to_string());
    assert!(ask(keys(store, s.org, "johtotiimissä", &anonymous()).await).is_empty());
    assert_eq!(
        ask(keys(store, s.org, "johtotiimissä", &staff()).await),
        [team()]
    );
    // A meeting: only for the team's members (whatever organisation is viewed).
    let meeting = || (SearchKind::Meeting, s.meeting.to_string());
    assert!(ask(keys(store, s.org, "kouluverkosta", &staff()).await).is_empty());
    let member = SearchReader {
        internal: true,
        teams: vec![s.team],
    };
    assert_eq!(
        ask(keys(store, s.org, "kouluverkosta", &member).await),
        [meeting()]
    );
    let member_elsewhere = SearchReader {
        internal: false,
        teams: vec![s.team],
    };
    assert_eq!(
        ask(keys(store, s.other, "kiusaamisen", &member_elsewhere).await),
        [meeting()],
        "a member from another organisation finds the team's meeting"
    );
    // A feedback round: found once its results are published, gone when withdrawn.
    let feedback = || (SearchKind::Feedback, s.round_token.clone());
    assert!(ask(keys(store, s.org, "iltapäivätoimintaa", &anonymous()).await).is_empty());
    store
        .set_round_response(
            &cli(),
            s.round,
            "Lisäämme iltapäivätoimintaa kouluilla.",
            true,
            date!(2026 - 02 - 10),
        )
        .await
        .unwrap();
    assert_eq!(
        ask(keys(store, s.org, "iltapäivätoiminnasta", &anonymous()).await),
        [feedback()]
    );
    assert!(
        ask(keys(store, s.org, "sählyvuoroja", &member).await).is_empty(),
        "a free text answer is not indexed"
    );
    store
        .set_round_response(&cli(), s.round, "Luonnos", false, date!(2026 - 02 - 11))
        .await
        .unwrap();
    assert!(ask(keys(store, s.org, "iltapäivätoimintaa", &anonymous()).await).is_empty());
    // An activity withdrawn disappears; approved, the pending one appears.
    let circus = (SearchKind::Activity, s.circus.to_string());
    assert_eq!(
        ask(keys(store, s.org, "sirkuskouluun", &anonymous()).await),
        [circus]
    );
    store
        .set_activity_status(&cli(), s.org, s.circus, ActivityStatus::Withdrawn)
        .await
        .unwrap();
    assert!(ask(keys(store, s.org, "sirkuskouluun", &staff()).await).is_empty());
    store
        .set_activity_status(&cli(), s.org, s.pending, ActivityStatus::Published)
        .await
        .unwrap();
    assert_eq!(
        ask(keys(store, s.org, "taidekerhoja", &anonymous()).await).len(),
        2
    );
    // A place unpublished disappears.
    store
        .save_place(
            &cli(),
            s.org,
            &place("olkkari", "Tuiran olkkari", "s-tuira", false),
        )
        .await
        .unwrap();
    assert!(ask(keys(store, s.org, "olkkarissa", &anonymous()).await).is_empty());
    // A rebuild gives the same answers as the rows kept in step.
    let before = keys(store, s.org, "taidekerho johtotiimi kouluverkko", &member).await;
    let all_before = keys(store, s.org, "tuira", &member).await;
    store.reindex_search().await.unwrap();
    assert_eq!(
        keys(store, s.org, "taidekerho johtotiimi kouluverkko", &member).await,
        before
    );
    assert_eq!(ask(keys(store, s.org, "tuira", &member).await), all_before);
    // An index from before these kinds were searched is rebuilt at start.
    assert!(!store.search_needs_rebuild().await.unwrap());
    store
        .raw_execute_for_tests(
            "DELETE FROM search_entries WHERE kind IN ('activity', 'place', 'team', 'meeting', 'feedback')",
        )
        .await
        .unwrap();
    assert!(store.search_needs_rebuild().await.unwrap());
    store.reindex_search().await.unwrap();
    assert!(!store.search_needs_rebuild().await.unwrap());
    assert_eq!(
        keys(store, s.org, "harrastuksista", &anonymous()).await,
        [art()]
    );
    // A migration that reshapes the index asks for a rebuild, and the ask
    // holds even when entries were written since (a CLI import run before
    // the first start) — until a rebuild is done.
    store
        .raw_execute_for_tests("INSERT INTO search_rebuild_pending (reason) VALUES ('a migration')")
        .await
        .unwrap();
    store
        .set_activity_status(&cli(), s.org, s.pending, ActivityStatus::Published)
        .await
        .unwrap();
    assert!(store.search_needs_rebuild().await.unwrap());
    store.reindex_search().await.unwrap();
    assert!(!store.search_needs_rebuild().await.unwrap());
    answers
}

async fn everything_a_reader_may_see(store: Store) {
    story(&store).await;
}

both_databases!(everything_a_reader_may_see);

/// The two databases give the same answers, result for result.
#[tokio::test]
async fn both_databases_answer_alike() {
    let Some(pg) = kasvu_store::testing::TestDb::postgres().await else {
        return;
    };
    let lite = kasvu_store::testing::TestDb::sqlite().await;
    let a = story(&lite.store).await;
    let b = story(&pg.store).await;
    assert_eq!(a, b);
    assert!(a.iter().filter(|v| !v.is_empty()).count() >= 8, "{a:?}");
    lite.finish().await;
    pg.finish().await;
}
