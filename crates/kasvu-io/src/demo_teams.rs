//! The demo's situation room (seed 003): Tuira's leadership team with its
//! members from four sectors and two guests without an account (a Kela
//! contact, who completes the multi-professional table, and the parish's
//! youth worker), last
//! month's meeting with its minutes, decisions and the members' promises,
//! the next meeting by the schedule, and two feedback rounds — one closed
//! with the team's published response, one open. Dates follow the day the
//! demo is loaded, so the demo always has a last and a next meeting.

use kasvu_core::Sector;
use kasvu_core::{
    AgendaLink, Answer, CommitmentStatus, MeetingState, MemberRole, QuestionKind, QuestionSpec,
    Schedule, TargetGroup, TeamKind,
};
use kasvu_store::{
    Actor, GuestSpec, MeetingRecord, MeetingSpec, RoundSpec, Store, StoreError, TeamSpec,
};
use time::{Date, Duration};

fn today() -> Date {
    kasvu_core::clock::today()
}

/// Loads the demo team and rounds unless the organisation has teams already.
pub async fn load(store: &Store, actor: &Actor) -> Result<(), StoreError> {
    let Some(oulu) = store.org_unit("oulu").await? else {
        return Ok(());
    };
    if !store.teams(oulu.org_id).await?.is_empty() {
        return Ok(());
    }
    let schedule = Schedule::default();
    let today = today();
    let anchor =
        Date::from_calendar_date(today.year() - 1, time::Month::January, 1).unwrap_or(today);
    let team = store
        .create_team(
            actor,
            &TeamSpec {
                kind: TeamKind::ClusterLeadership,
                unit_code: "tuira".into(),
                name: "Tuiran palvelukeskittymän johtotiimi".into(),
                schedule,
                location: "Tuiran koulu, neuvotteluhuone".into(),
                anchor_on: anchor,
            },
        )
        .await?;
    let mut ids = Vec::new();
    for (email, role, unit) in [
        (
            "johtotiimi.tuira@oulu.example",
            MemberRole::Chair,
            "tuiran-koulu",
        ),
        (
            "neuvola.tuira@oulu.example",
            MemberRole::Member,
            "tuiran-neuvola",
        ),
        ("mll.tuira@oulu.example", MemberRole::Member, "mll-tuira"),
        (
            "seurakunta.tuira@oulu.example",
            MemberRole::DevelopmentContact,
            "tuiran-seurakunta",
        ),
    ] {
        let Some(u) = store.user_by_email(email).await? else {
            continue;
        };
        store
            .set_member(actor, team.id, u.id, role, None, Some(unit))
            .await?;
        ids.push(u.id);
    }
    // Partners at the table without a Kasvu account (illustrative people).
    let mut guests = Vec::new();
    for (name, organisation, sector, email) in [
        (
            "Kaisa Kelanen",
            "Kela, Oulun palvelupiste",
            Sector::Kela,
            "kaisa.kelanen@kela.example",
        ),
        (
            "Niko Nuorisotyö",
            "Oulun seurakuntayhtymä, Tuiran nuorisotyö",
            Sector::Parish,
            "niko.nuorisotyo@seurakunta.example",
        ),
    ] {
        guests.push(
            store
                .add_guest(
                    actor,
                    team.id,
                    &GuestSpec {
                        name: name.into(),
                        organisation: organisation.into(),
                        sector,
                        email: email.into(),
                    },
                )
                .await?,
        );
    }
    // Last month's meeting: the schedule's day before today.
    let mut last = schedule.next_after(anchor, today - Duration::days(70));
    while schedule.next_after(anchor, last) < today {
        last = schedule.next_after(anchor, last);
    }
    let held = store
        .plan_meeting(
            actor,
            team.id,
            &MeetingSpec {
                on: last,
                start: schedule.start,
                duration_min: i64::from(schedule.duration_min),
                location: team.location.clone(),
            },
        )
        .await?;
    store
        .add_agenda_item(
            actor,
            held,
            "Kuulumiset ja edellisen kerran lupaukset",
            None,
        )
        .await?;
    store
        .add_agenda_item(
            actor,
            held,
            "LP-keskustelujen määrä syksyllä",
            Some((AgendaLink::Indicator, "lp_discussions".into())),
        )
        .await?;
    let promises = [
        "Järjestän LP-keskustelukoulutuksen Tuiran koulun opettajille ennen joulua.",
        "Kutsun perhekeskuksen työntekijän mukaan vanhempainiltaan.",
        "Selvitän, voiko MLL:n perhekahvila kokoontua koulun tiloissa iltaisin.",
        "Tuon seurakunnan nuorisotyön syksyn leirien tiedot aktiviteettikalenteriin.",
    ];
    let mut commitments = Vec::new();
    for (uid, text) in ids.iter().zip(promises) {
        commitments.push(
            store
                .make_commitment(actor, team.id, *uid, text, Some(held), last)
                .await?,
        );
    }
    store
        .record_meeting_with_guests(
            actor,
            held,
            &MeetingRecord {
                state: MeetingState::Held,
                minutes: "Käytiin läpi syksyn LP-keskustelujen määrät ja vanhempien palautekyselyn tulokset. \
                          Koulun ja neuvolan yhteistyö on lisääntynyt; iltapäivätoiminnan tiedotus ei tavoita kaikkia perheitä."
                    .into(),
                attendance: ids.clone(),
            },
            Some(&guests[..1]),
        )
        .await?;
    store
        .add_decision(
            actor,
            held,
            "Vanhempien palautekysely toistetaan keväällä samoilla kysymyksillä.",
        )
        .await?;
    let next = store.ensure_next_meeting(actor, team.id, today).await?;
    store
        .add_agenda_item(actor, next, "Lupausten toteutuminen", None)
        .await?;
    load_rounds(store, actor, oulu.org_id, team.id, today).await?;
    load_network(store, actor, oulu.org_id, anchor).await?;
    crate::demo_governance::load(store, actor, oulu.org_id, anchor, today).await?;
    crate::demo_backbone::load(store, actor, team.id, today).await?;
    // One promise is already reported done ahead of the meeting.
    if let Some(c) = commitments.get(3) {
        store
            .review_commitment(
                actor,
                *c,
                None,
                CommitmentStatus::Done,
                "Tiedot lisätty.",
                false,
            )
            .await?;
    }
    Ok(())
}

/// The indicators Soite shares in the learning network; its other figures
/// are for signed-in users only (`demo::load`).
pub const SOITE_SHARED: &[&str] = &["lp_discussions", "lp_trained_share"];

/// Seed 003's learning network: Oulu brings Kaakkuri and Tuira, Soite its
/// Kokkola centre; each shares the LP figures, Oulu also its phone figures.
async fn load_network(
    store: &Store,
    actor: &Actor,
    oulu: i64,
    anchor: Date,
) -> Result<(), StoreError> {
    let Some(soite) = store.org_unit("soite").await? else {
        return Ok(());
    };
    let net = store
        .create_team(
            actor,
            &TeamSpec {
                kind: TeamKind::LearningNetwork,
                unit_code: "oulu".into(),
                name: "Yhteisövaikuttavuuden oppimisverkosto".into(),
                schedule: Schedule {
                    week: 3,
                    weekday: time::Weekday::Thursday,
                    ..Schedule::default()
                },
                location: "Etäyhteys".into(),
                anchor_on: anchor,
            },
        )
        .await?;
    store
        .add_network_participant(actor, net.id, "soite")
        .await?;
    let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    store
        .set_network_share(
            actor,
            net.id,
            oulu,
            &codes(&["kaakkuri", "tuira"]),
            &codes(&["lp_discussions", "lp_trained_share", "pilot_phone_calls"]),
        )
        .await?;
    store
        .set_network_share(
            actor,
            net.id,
            soite.org_id,
            &codes(&["soite-kokkola-keskusta"]),
            &codes(SOITE_SHARED),
        )
        .await?;
    for (email, unit) in [
        ("johtotiimi.tuira@oulu.example", "tuiran-koulu"),
        ("admin@soite.example", "soite-perhekeskus-kokkola"),
    ] {
        if let Some(u) = store.user_by_email(email).await? {
            store
                .set_member(actor, net.id, u.id, MemberRole::Member, None, Some(unit))
                .await?;
        }
    }
    store.ensure_next_meeting(actor, net.id, today()).await?;
    Ok(())
}

async fn load_rounds(
    store: &Store,
    actor: &Actor,
    org_id: i64,
    team_id: i64,
    today: Date,
) -> Result<(), StoreError> {
    let questions = vec![
        QuestionSpec {
            kind: QuestionKind::Scale,
            text: "Saimme tukea arjen huoliin riittävän ajoissa.".into(),
            options: vec![],
        },
        QuestionSpec {
            kind: QuestionKind::Multiple,
            text: "Mistä olette saaneet tukea?".into(),
            options: vec![
                "Päiväkoti tai koulu".into(),
                "Neuvola tai perhekeskus".into(),
                "Järjestö tai seurakunta".into(),
                "Jostain muualta".into(),
            ],
        },
        QuestionSpec {
            kind: QuestionKind::Text,
            text: "Mitä toivoisitte johtotiimiltä?".into(),
            options: vec![],
        },
    ];
    let closed = store
        .create_round(
            actor,
            org_id,
            &RoundSpec {
                unit: "tuira".into(),
                team_id: Some(team_id),
                title: "Vanhempien palaute: tuki arjessa".into(),
                intro:
                    "Kysely Tuiran päiväkotien ja koulun vanhemmille. Vastaukset ovat nimettömiä."
                        .into(),
                target_group: TargetGroup::Parents,
                opens_on: kasvu_core::format_date(today - Duration::days(60)),
                closes_on: kasvu_core::format_date(today - Duration::days(40)),
                questions: questions.clone(),
            },
        )
        .await?;
    let answered_on = today - Duration::days(50);
    for i in 0..23u8 {
        let score = [4, 5, 3, 4, 2, 4, 5, 4, 3, 4][usize::from(i % 10)];
        let mut answers = vec![
            (closed.questions[0].id, Answer::Score(score)),
            (
                closed.questions[1].id,
                Answer::Choices(if i % 3 == 0 {
                    vec![0, 1]
                } else {
                    vec![usize::from(i % 3)]
                }),
            ),
        ];
        if i % 4 == 0 {
            answers.push((
                closed.questions[2].id,
                Answer::Text("Iltapäivätoiminnasta enemmän tietoa.".into()),
            ));
        }
        let form = store.issue_answer_token(closed.id).await?;
        store
            .submit_response(closed.id, &form, &answers, answered_on)
            .await?;
    }
    store
        .set_round_response(
            actor,
            closed.id,
            "Te sanoitte: tieto iltapäivätoiminnasta ei tavoita kaikkia perheitä. \
             Me teimme: koulun ja päiväkotien tiedotteet kootaan nyt yhteen aktiviteettikalenteriin, \
             ja perhekeskuksen työntekijä tulee vanhempainiltoihin.",
            true,
            today - Duration::days(35),
        )
        .await?;
    let open = store
        .create_round(
            actor,
            org_id,
            &RoundSpec {
                unit: "tuira".into(),
                team_id: Some(team_id),
                title: "Lasten palaute: viihdyn koulussa".into(),
                intro: "Kerro, miltä koulussa tuntuu. Et kirjoita nimeäsi mihinkään.".into(),
                target_group: TargetGroup::Children,
                opens_on: kasvu_core::format_date(today - Duration::days(7)),
                closes_on: kasvu_core::format_date(today + Duration::days(21)),
                questions: vec![
                    QuestionSpec {
                        kind: QuestionKind::Smiley,
                        text: "Miltä koulussa tuntuu?".into(),
                        options: vec![],
                    },
                    QuestionSpec {
                        kind: QuestionKind::Single,
                        text: "Onko sinulla kaveri koulussa?".into(),
                        options: vec!["Kyllä".into(), "Joskus".into(), "Ei".into()],
                    },
                ],
            },
        )
        .await?;
    for i in 0..9u8 {
        let form = store.issue_answer_token(open.id).await?;
        store
            .submit_response(
                open.id,
                &form,
                &[
                    (
                        open.questions[0].id,
                        Answer::Score([5, 4, 4, 3, 5, 4, 2, 5, 4][usize::from(i)]),
                    ),
                    (
                        open.questions[1].id,
                        Answer::Choices(vec![if i < 7 { 0 } else { 1 }]),
                    ),
                ],
                today,
            )
            .await?;
    }
    Ok(())
}
