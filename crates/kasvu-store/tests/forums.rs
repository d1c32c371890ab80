//! Children's and young people's forums in storage, on SQLite and
//! PostgreSQL: a forum records proposals and the adults answer them ("you
//! said, we did"); what is refused changes nothing — a team that is not a
//! forum, an empty text, a day in the future, another team's meeting, a
//! measure not in a plan in force, an answer without a status, response,
//! role or (when not possible) a reason, or dated before the proposal.

use kasvu_core::forum::ProposalStatus;
use kasvu_core::{Level, Names, OrgCode, Schedule, TeamKind, ValidRange};
use kasvu_store::{
    both_databases, Actor, AnswerSpec, MeetingSpec, OrgUnitSpec, ProposalSpec, Store, StoreError,
    TeamSpec,
};
use time::macros::date;

fn cli() -> Actor {
    Actor::system("test")
}

fn unit(code: &str, parent: Option<&str>, level: Level) -> OrgUnitSpec {
    OrgUnitSpec {
        code: OrgCode::parse(code).unwrap(),
        parent: parent.map(|p| OrgCode::parse(p).unwrap()),
        level,
        kind: None,
        sector: None,
        names: Names::parse(code, "", "").unwrap(),
        external_codes: vec![],
        valid: ValidRange::default(),
    }
}

fn team_spec(kind: TeamKind, unit: &str, name: &str) -> TeamSpec {
    TeamSpec {
        kind,
        unit_code: unit.into(),
        name: name.into(),
        schedule: Schedule::default(),
        location: "Nuorisotalo".into(),
        anchor_on: date!(2026 - 01 - 01),
    }
}

fn invalid_field<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(e)) => e.field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn proposal(text: &str, on: time::Date) -> ProposalSpec {
    ProposalSpec {
        text: text.into(),
        source: "Syksyn raatikokous".into(),
        proposed_on: on,
        meeting_id: None,
        measure_id: None,
    }
}

fn answer(status: &str, response: &str, reason: &str, role: &str) -> AnswerSpec {
    AnswerSpec {
        status: status.into(),
        response: response.into(),
        reason: reason.into(),
        answered_role: role.into(),
        answered_on: date!(2026 - 10 - 20),
    }
}

async fn proposals_and_answers(store: Store) {
    let rows = vec![
        (2, unit("p", None, Level::Organisation)),
        (3, unit("p-east", Some("p"), Level::Area)),
        (4, unit("p-hiukka", Some("p-east"), Level::Cluster)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    let today = date!(2026 - 10 - 31);

    // A forum may be a cluster's, an area's or the city's.
    let forum = store
        .create_team(
            &cli(),
            &team_spec(
                TeamKind::YouthForum,
                "p-hiukka",
                "Hiukkavaaran nuorten raati",
            ),
        )
        .await
        .unwrap();
    store
        .create_team(
            &cli(),
            &team_spec(TeamKind::YouthForum, "p", "Nuorisovaltuusto"),
        )
        .await
        .unwrap();
    let team = store
        .create_team(
            &cli(),
            &team_spec(TeamKind::ClusterLeadership, "p-hiukka", "Johtotiimi"),
        )
        .await
        .unwrap();

    // Refusals, each naming its field and writing nothing.
    let on = date!(2026 - 10 - 02);
    assert_eq!(
        invalid_field(
            store
                .record_proposal(&cli(), team.id, &proposal("Penkkejä", on), today)
                .await
        ),
        "team",
        "a leadership team records no proposals"
    );
    assert_eq!(
        invalid_field(
            store
                .record_proposal(&cli(), forum.id, &proposal("  ", on), today)
                .await
        ),
        "text"
    );
    assert_eq!(
        invalid_field(
            store
                .record_proposal(
                    &cli(),
                    forum.id,
                    &proposal("Penkkejä", date!(2026 - 11 - 01)),
                    today
                )
                .await
        ),
        "proposed_on"
    );
    let leadership_meeting = store
        .plan_meeting(
            &cli(),
            team.id,
            &MeetingSpec {
                on,
                start: Schedule::default().start,
                duration_min: 60,
                location: String::new(),
            },
        )
        .await
        .unwrap();
    let mut other_meeting = proposal("Penkkejä", on);
    other_meeting.meeting_id = Some(leadership_meeting);
    assert_eq!(
        invalid_field(
            store
                .record_proposal(&cli(), forum.id, &other_meeting, today)
                .await
        ),
        "meeting"
    );
    let mut no_measure = proposal("Penkkejä", on);
    no_measure.measure_id = Some(999_999);
    assert_eq!(
        invalid_field(
            store
                .record_proposal(&cli(), forum.id, &no_measure, today)
                .await
        ),
        "measure"
    );
    assert!(store.forum_proposals(forum.id).await.unwrap().is_empty());

    // Recorded: waiting for an answer, with no one's name.
    let benches = store
        .record_proposal(
            &cli(),
            forum.id,
            &proposal("Lisää penkkejä skeittiparkin viereen", on),
            today,
        )
        .await
        .unwrap();
    let late_bus = store
        .record_proposal(
            &cli(),
            forum.id,
            &proposal("Myöhäisempi bussivuoro perjantaisin", date!(2026 - 10 - 09)),
            today,
        )
        .await
        .unwrap();
    let all = store.forum_proposals(forum.id).await.unwrap();
    assert_eq!(
        all.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![late_bus, benches],
        "newest first"
    );
    assert_eq!(all[1].status, ProposalStatus::Waiting);
    assert_eq!(all[1].source, "Syksyn raatikokous");
    assert_eq!(all[1].answered_on, None);

    // Answers that are refused change nothing.
    for (a, field) in [
        (answer("waiting", "x", "", "Suunnittelija"), "status"),
        (answer("maybe", "x", "", "Suunnittelija"), "status"),
        (answer("done", " ", "", "Suunnittelija"), "response"),
        (answer("done", "Tehty", "", " "), "role"),
        (
            answer("not_possible", "Ei onnistu", "", "Suunnittelija"),
            "reason",
        ),
    ] {
        assert_eq!(
            invalid_field(store.answer_proposal(&cli(), benches, &a).await),
            field
        );
    }
    let mut early = answer("done", "Tehty", "", "Suunnittelija");
    early.answered_on = date!(2026 - 10 - 01);
    assert_eq!(
        invalid_field(store.answer_proposal(&cli(), benches, &early).await),
        "answered_on"
    );
    assert!(matches!(
        store
            .answer_proposal(&cli(), 999_999, &answer("done", "x", "", "r"))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let p = store.forum_proposal(benches).await.unwrap().unwrap();
    assert_eq!(p.status, ProposalStatus::Waiting);
    assert_eq!(p.response, "");

    // Answered, then the answer moves on; "not possible" keeps its reason.
    store
        .answer_proposal(
            &cli(),
            benches,
            &answer(
                "in_progress",
                "Penkit tilattu",
                "ignored",
                "Alueen suunnittelija",
            ),
        )
        .await
        .unwrap();
    let p = store.forum_proposal(benches).await.unwrap().unwrap();
    assert_eq!(p.status, ProposalStatus::InProgress);
    assert_eq!(p.reason, "", "a reason only for what is not possible");
    assert_eq!(p.answered_role, "Alueen suunnittelija");
    assert_eq!(p.answered_on, Some(date!(2026 - 10 - 20)));
    store
        .answer_proposal(
            &cli(),
            late_bus,
            &answer(
                "not_possible",
                "Selvitimme asian liikennelaitoksen kanssa.",
                "Vuoroa ei saada tämän vuoden budjettiin.",
                "Aluepäällikkö",
            ),
        )
        .await
        .unwrap();
    let p = store.forum_proposal(late_bus).await.unwrap().unwrap();
    assert_eq!(p.status, ProposalStatus::NotPossible);
    assert_eq!(p.reason, "Vuoroa ei saada tämän vuoden budjettiin.");
}

both_databases!(proposals_and_answers);
