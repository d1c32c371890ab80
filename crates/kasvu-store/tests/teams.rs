//! Teams in storage, on SQLite and PostgreSQL: a leadership team with its
//! members and sectors, the commitment cycle across two meetings, what is
//! refused (a non-member's commitment, another organisation's person, a
//! closed commitment), and reminders sent once.

use kasvu_core::{
    AgendaLink, Answer, ClockTime, CommitmentStatus, Email, Level, MeetingState, MemberRole, Names,
    OrgCode, QuestionKind, QuestionSpec, Role, Schedule, Sector, TargetGroup, TeamKind, UnitKind,
    ValidRange,
};
use kasvu_store::{
    both_databases, Actor, MeetingRecord, NewUser, OrgUnitSpec, RoundSpec, Store, StoreError,
    TeamSpec,
};
use time::macros::date;

fn cli() -> Actor {
    Actor::system("test")
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

async fn user(store: &Store, email: &str, scope: &str) -> i64 {
    store
        .create_user(
            &cli(),
            NewUser {
                email: Email::parse(email).unwrap(),
                name: email.split('@').next().unwrap().into(),
                password: None,
                role: Role::LeadershipMember,
                scope_code: scope.into(),
            },
        )
        .await
        .unwrap()
        .id
}

async fn setup(store: &Store) {
    let rows = vec![
        (2, unit("p", None, Level::Organisation, None)),
        (3, unit("p-north", Some("p"), Level::Area, None)),
        (4, unit("p-tuira", Some("p-north"), Level::Cluster, None)),
        (
            5,
            unit(
                "p-school",
                Some("p-tuira"),
                Level::Unit,
                Some(UnitKind::School),
            ),
        ),
        (
            6,
            unit(
                "p-clinic",
                Some("p-tuira"),
                Level::Unit,
                Some(UnitKind::ChildHealthClinic),
            ),
        ),
        (7, unit("q", None, Level::Organisation, None)),
        (
            8,
            unit("q-school", Some("q"), Level::Unit, Some(UnitKind::School)),
        ),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
}

fn team_spec(kind: TeamKind, unit: &str) -> TeamSpec {
    TeamSpec {
        kind,
        unit_code: unit.into(),
        name: "Tuiran johtotiimi".into(),
        schedule: Schedule::default(),
        location: "Tuiran koulu".into(),
        anchor_on: date!(2026 - 01 - 01),
    }
}

fn invalid_field<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(e)) => e.field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn commitment_cycle_across_two_meetings(store: Store) {
    setup(&store).await;
    let principal = user(&store, "rehtori@p.example", "p-tuira").await;
    let nurse = user(&store, "neuvola@p.example", "p-tuira").await;
    let outsider = user(&store, "muu@p.example", "p-north").await;
    let other_org = user(&store, "rehtori@q.example", "q").await;

    // A cluster's team is for a cluster.
    assert_eq!(
        invalid_field(
            store
                .create_team(&cli(), &team_spec(TeamKind::ClusterLeadership, "p-north"))
                .await
        ),
        "unit"
    );
    let team = store
        .create_team(&cli(), &team_spec(TeamKind::ClusterLeadership, "p-tuira"))
        .await
        .unwrap();
    assert_eq!(team.unit_code, "p-tuira");

    // Members: the sector comes from the unit they represent.
    store
        .set_member(
            &cli(),
            team.id,
            principal,
            MemberRole::Chair,
            None,
            Some("p-school"),
        )
        .await
        .unwrap();
    store
        .set_member(
            &cli(),
            team.id,
            nurse,
            MemberRole::Member,
            None,
            Some("p-clinic"),
        )
        .await
        .unwrap();
    assert_eq!(
        invalid_field(
            store
                .set_member(
                    &cli(),
                    team.id,
                    other_org,
                    MemberRole::Member,
                    Some(Sector::Kela),
                    None
                )
                .await
        ),
        "user",
        "another organisation's person"
    );
    assert_eq!(
        invalid_field(
            store
                .set_member(&cli(), team.id, outsider, MemberRole::Member, None, None)
                .await
        ),
        "sector",
        "no sector and no unit"
    );
    let members = store.members(team.id).await.unwrap();
    let sectors: Vec<Sector> = members.iter().map(|m| m.sector).collect();
    assert!(
        sectors.contains(&Sector::EducationCulture) && sectors.contains(&Sector::WellbeingCounty)
    );
    assert_eq!(
        kasvu_core::team::missing_sectors(&sectors),
        vec![Sector::ThirdSector, Sector::Parish, Sector::Kela]
    );

    // The first meeting comes from the schedule: the second Tuesday.
    let today = date!(2026 - 11 - 02);
    let first = store
        .ensure_next_meeting(&cli(), team.id, today)
        .await
        .unwrap();
    assert_eq!(
        store
            .ensure_next_meeting(&cli(), team.id, today)
            .await
            .unwrap(),
        first,
        "planned once"
    );
    let m1 = store.meeting(first).await.unwrap().unwrap();
    assert_eq!(m1.on, date!(2026 - 11 - 10));
    assert_eq!(
        m1.start,
        ClockTime {
            hour: 14,
            minute: 0
        }
    );

    // Agenda links must point at something real.
    assert_eq!(
        invalid_field(
            store
                .add_agenda_item(
                    &cli(),
                    first,
                    "Mittari",
                    Some((AgendaLink::Indicator, "nope".into()))
                )
                .await
        ),
        "link"
    );
    store
        .add_agenda_item(&cli(), first, "Kuulumiset", None)
        .await
        .unwrap();

    // At the first meeting both promise something; an outsider cannot.
    let c1 = store
        .make_commitment(
            &cli(),
            team.id,
            principal,
            "Järjestän LP-koulutuksen opettajille",
            Some(first),
            m1.on,
        )
        .await
        .unwrap();
    let c2 = store
        .make_commitment(
            &cli(),
            team.id,
            nurse,
            "Kutsun perhekeskuksen mukaan vanhempainiltaan",
            Some(first),
            m1.on,
        )
        .await
        .unwrap();
    assert_eq!(
        invalid_field(
            store
                .make_commitment(&cli(), team.id, outsider, "x", None, m1.on)
                .await
        ),
        "user"
    );
    assert_eq!(
        invalid_field(
            store
                .make_commitment(&cli(), team.id, nurse, "  ", None, m1.on)
                .await
        ),
        "text"
    );
    assert_eq!(
        invalid_field(
            store
                .record_meeting(
                    &cli(),
                    first,
                    &MeetingRecord {
                        state: MeetingState::Held,
                        minutes: "x".into(),
                        attendance: vec![principal, outsider],
                    }
                )
                .await
        ),
        "attendance"
    );
    store
        .record_meeting(
            &cli(),
            first,
            &MeetingRecord {
                state: MeetingState::Held,
                minutes: "Käytiin läpi syksyn luvut.".into(),
                attendance: vec![principal, nurse],
            },
        )
        .await
        .unwrap();
    store
        .add_decision(&cli(), first, "LP-koulutus kaikille tiimeille keväällä")
        .await
        .unwrap();
    let m1 = store.meeting(first).await.unwrap().unwrap();
    assert_eq!(m1.state, MeetingState::Held);
    assert_eq!(m1.attendance.len(), 2);
    assert_eq!(m1.decisions.len(), 1);

    // The next meeting: December's second Tuesday.
    let second = store
        .ensure_next_meeting(&cli(), team.id, date!(2026 - 11 - 11))
        .await
        .unwrap();
    assert_eq!(
        store.meeting(second).await.unwrap().unwrap().on,
        date!(2026 - 12 - 08)
    );
    assert_eq!(
        store.team_commitments(team.id, true).await.unwrap().len(),
        2
    );

    // Both promises of the first meeting are due at the second.
    for c in store.team_commitments(team.id, true).await.unwrap() {
        assert_eq!(c.due_meeting_id, Some(second), "{}", c.text);
        assert_eq!(c.due_on, date!(2026 - 12 - 08));
    }
    // A promise recorded on the upcoming (second) meeting's page before it
    // is held is due at the meeting after it (January, not planned yet),
    // not at the second one.
    let early = store
        .make_commitment(
            &cli(),
            team.id,
            nurse,
            "Selvitän kerhotilat",
            Some(second),
            date!(2026 - 11 - 20),
        )
        .await
        .unwrap();
    let e = store.commitment(early).await.unwrap().unwrap();
    assert_eq!(e.made_on, date!(2026 - 11 - 20));
    assert_eq!(e.due_after, date!(2026 - 12 - 08));
    assert_eq!(e.due_on, date!(2027 - 01 - 12));
    assert_eq!(e.due_meeting_id, None);

    // Reminders: both due (not the one due in January), each sent once.
    let due = store.reminders_due(second).await.unwrap();
    assert_eq!(due.len(), 2);
    assert!(due.iter().all(|(c, _)| c.id != early));
    assert!(due.iter().any(|(_, e)| e == "neuvola@p.example"));
    store.mark_reminded(c1, second).await.unwrap();
    store.mark_reminded(c1, second).await.unwrap();
    assert_eq!(store.reminders_due(second).await.unwrap().len(), 1);

    // At the second meeting: one done, one partly and carried over.
    assert_eq!(
        invalid_field(
            store
                .review_commitment(&cli(), c1, Some(second), CommitmentStatus::Open, "", false)
                .await
        ),
        "status"
    );
    store
        .review_commitment(
            &cli(),
            c1,
            Some(second),
            CommitmentStatus::Done,
            "Pidetty 3.12.",
            false,
        )
        .await
        .unwrap();
    store
        .review_commitment(
            &cli(),
            c2,
            Some(second),
            CommitmentStatus::Partly,
            "Sovittu tammikuulle",
            true,
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .review_commitment(
                &cli(),
                c1,
                Some(second),
                CommitmentStatus::Partly,
                "",
                false
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    let open: Vec<_> = store
        .team_commitments(team.id, true)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.id != early)
        .collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].id, c2);
    assert_eq!(open[0].carried, 1);
    assert_eq!(open[0].reviews.len(), 1);
    // Carried over at the second meeting: due at the one after it; once
    // January's meeting is planned, at that meeting.
    assert_eq!(open[0].due_after, date!(2026 - 12 - 08));
    assert_eq!(open[0].due_on, date!(2027 - 01 - 12));
    let third = store
        .ensure_next_meeting(&cli(), team.id, date!(2026 - 12 - 09))
        .await
        .unwrap();
    let carried = store.commitment(c2).await.unwrap().unwrap();
    assert_eq!(carried.due_meeting_id, Some(third));
    assert_eq!(store.reminders_due(third).await.unwrap().len(), 2);
    assert_eq!(
        open[0].made_on,
        date!(2026 - 11 - 10),
        "its age counts from when it was made"
    );
    let done = store.commitment(c1).await.unwrap().unwrap();
    assert_eq!(done.status, CommitmentStatus::Done);
    assert_eq!(done.closed_meeting_id, Some(second));
    let mine = store.user_commitments(nurse, false).await.unwrap();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0].team_name, "Tuiran johtotiimi");
    assert_eq!(store.teams_of_user(nurse).await.unwrap().len(), 1);
    assert!(store
        .teams(store.org_unit("q").await.unwrap().unwrap().org_id)
        .await
        .unwrap()
        .is_empty());
}

fn round_spec(opens: &str, closes: &str) -> RoundSpec {
    RoundSpec {
        unit: "p-tuira".into(),
        team_id: None,
        title: "Vanhempien palaute syksy 2026".into(),
        intro: String::new(),
        target_group: TargetGroup::Parents,
        opens_on: opens.into(),
        closes_on: closes.into(),
        questions: vec![
            QuestionSpec {
                kind: QuestionKind::Scale,
                text: "Saitteko tukea ajoissa?".into(),
                options: vec![],
            },
            QuestionSpec {
                kind: QuestionKind::Multiple,
                text: "Mistä saitte tukea?".into(),
                options: vec!["Koulu".into(), "Neuvola".into(), "Järjestö".into()],
            },
            QuestionSpec {
                kind: QuestionKind::Text,
                text: "Terveiset johtotiimille".into(),
                options: vec![],
            },
        ],
    }
}

async fn feedback_round_answers_and_results(store: Store) {
    setup(&store).await;
    let org = store.org_unit("p").await.unwrap().unwrap().org_id;
    let other = store.org_unit("q").await.unwrap().unwrap().org_id;
    // Bad input names its field; nothing is stored.
    let mut bad = round_spec("2026-11-01", "2026-10-01");
    assert_eq!(
        invalid_field(store.create_round(&cli(), org, &bad).await),
        "closes_on"
    );
    bad = round_spec("2026-11-01", "2026-11-30");
    bad.questions[1].options.truncate(1);
    assert_eq!(
        invalid_field(store.create_round(&cli(), org, &bad).await),
        "questions[2].options"
    );
    assert_eq!(
        invalid_field(
            store
                .create_round(&cli(), other, &round_spec("2026-11-01", "2026-11-30"))
                .await
        ),
        "unit",
        "another organisation's unit"
    );
    assert!(store.rounds(org).await.unwrap().is_empty());

    let round = store
        .create_round(&cli(), org, &round_spec("2026-11-01", "2026-11-30"))
        .await
        .unwrap();
    assert_eq!(round.questions.len(), 3);
    assert_eq!(
        store
            .round_by_token(&round.token)
            .await
            .unwrap()
            .unwrap()
            .id,
        round.id
    );
    let (scale, multi, text) = (
        round.questions[0].id,
        round.questions[1].id,
        round.questions[2].id,
    );
    let today = date!(2026 - 11 - 15);
    // Four sheets: too few to show anything.
    let mut first_form = String::new();
    for i in 0..4u8 {
        let form = store.issue_answer_token(round.id).await.unwrap();
        if i == 0 {
            first_form = form.clone();
        }
        store
            .submit_response(
                round.id,
                &form,
                &[
                    (scale, Answer::Score(4)),
                    (multi, Answer::Choices(vec![0, 1])),
                    (text, Answer::Text("Kiitos".into())),
                ],
                today,
            )
            .await
            .unwrap();
    }
    let r = store.round_results(&round).await.unwrap();
    assert_eq!(r.responses, 4);
    assert!(r.responses_suppressed);
    assert!(r
        .questions
        .iter()
        .all(|(_, q)| q.suppressed && q.texts.is_empty() && q.mean.is_none()));
    // The same form twice counts once; a token the server did not hand
    // out counts not at all; a closed or unopened round takes nothing.
    assert_eq!(
        invalid_field(
            store
                .submit_response(
                    round.id,
                    "itse-keksitty-nonce-0001",
                    &[(scale, Answer::Score(1))],
                    today
                )
                .await
        ),
        "nonce"
    );
    assert!(matches!(
        store
            .submit_response(round.id, &first_form, &[(scale, Answer::Score(1))], today)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        invalid_field(
            store
                .submit_response(
                    round.id,
                    &store.issue_answer_token(round.id).await.unwrap(),
                    &[(scale, Answer::Score(1))],
                    date!(2026 - 12 - 01)
                )
                .await
        ),
        "round"
    );
    assert_eq!(
        invalid_field(
            store
                .submit_response(
                    round.id,
                    &store.issue_answer_token(round.id).await.unwrap(),
                    &[(scale, Answer::Score(1))],
                    date!(2026 - 10 - 31)
                )
                .await
        ),
        "round"
    );
    assert_eq!(
        invalid_field(
            store
                .submit_response(
                    round.id,
                    &store.issue_answer_token(round.id).await.unwrap(),
                    &[],
                    today
                )
                .await
        ),
        "answers"
    );
    // Two more: six answered; the 5s alone are hidden (2 < 5) with a complement.
    for _ in 4..6u8 {
        let form = store.issue_answer_token(round.id).await.unwrap();
        store
            .submit_response(round.id, &form, &[(scale, Answer::Score(5))], today)
            .await
            .unwrap();
    }
    let r = store.round_results(&round).await.unwrap();
    assert_eq!(r.responses, 6);
    assert!(!r.responses_suppressed);
    let (_, s) = &r.questions[0];
    assert_eq!(s.respondents, 6);
    assert!(
        s.counts[4].suppressed && s.counts[3].suppressed,
        "4 of 6 and 2 of 6 are both under 5"
    );
    assert!(
        s.mean.is_none(),
        "with the total, the mean would give both hidden counts"
    );
    let (_, t) = &r.questions[2];
    assert!(t.suppressed, "only four wrote text");

    // The response is published with the results, once the round has
    // closed: while it is open, anyone could add answers and read the
    // others' off the difference. A draft may be written before.
    let said = "Kuulimme: tieto tuesta ei tavoita. Teimme: tukikartta kouluille.";
    assert_eq!(
        invalid_field(
            store
                .set_round_response(&cli(), round.id, said, true, today)
                .await
        ),
        "publish"
    );
    store
        .set_round_response(&cli(), round.id, said, false, today)
        .await
        .unwrap();
    assert!(!store.round(round.id).await.unwrap().unwrap().is_published());
    let after = date!(2026 - 12 - 02);
    assert_eq!(
        invalid_field(
            store
                .set_round_response(&cli(), round.id, " ", true, after)
                .await
        ),
        "response"
    );
    store
        .set_round_response(&cli(), round.id, said, true, after)
        .await
        .unwrap();
    let round = store.round(round.id).await.unwrap().unwrap();
    assert_eq!(round.response_on, Some(after));
    assert!(round.is_published());
}

both_databases!(
    commitment_cycle_across_two_meetings,
    feedback_round_answers_and_results
);
