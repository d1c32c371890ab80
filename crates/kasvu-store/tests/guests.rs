//! Guests at a team's table, on SQLite and PostgreSQL: partners without an
//! account (a guest cannot be someone with a login, and never gets one),
//! what is refused without changing anything, their attendance and
//! commitments (due, reviewed and reminded like anyone's), what is e-mailed
//! to them once, and removal erasing the address; every change audited
//! without the address.

use kasvu_core::{
    CommitmentStatus, Email, Level, MeetingState, MemberRole, Names, OrgCode, Role, Schedule,
    Sector, TeamKind, ValidRange,
};
use kasvu_store::{
    both_databases, Actor, AuditFilter, GuestMail, GuestSpec, MeetingRecord, NewUser, OrgUnitSpec,
    Store, StoreError, TeamSpec,
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

async fn user(store: &Store, email: &str) -> i64 {
    store
        .create_user(
            &cli(),
            NewUser {
                email: Email::parse(email).unwrap(),
                name: email.split('@').next().unwrap().into(),
                password: None,
                role: Role::LeadershipMember,
                scope_code: "p-tuira".into(),
            },
        )
        .await
        .unwrap()
        .id
}

fn kela() -> GuestSpec {
    GuestSpec {
        name: "Kaisa Kelanen".into(),
        organisation: "Kela".into(),
        sector: Sector::Kela,
        email: "Kaisa.Kelanen@kela.example".into(),
    }
}

fn invalid(r: Result<impl std::fmt::Debug, StoreError>) -> (String, String) {
    match r {
        Err(StoreError::Invalid(e)) => (e.field, e.problem.code.to_string()),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn guests_at_the_table(store: Store) {
    let rows = vec![
        (2, unit("p", None, Level::Organisation)),
        (3, unit("p-north", Some("p"), Level::Area)),
        (4, unit("p-tuira", Some("p-north"), Level::Cluster)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    let chair = user(&store, "pj@p.example").await;
    let spec = |name: &str| TeamSpec {
        kind: TeamKind::ClusterLeadership,
        unit_code: "p-tuira".into(),
        name: name.into(),
        schedule: Schedule::default(),
        location: String::new(),
        anchor_on: date!(2026 - 01 - 01),
    };
    let team = store.create_team(&cli(), &spec("Tuira")).await.unwrap();
    let other = store.create_team(&cli(), &spec("Toinen")).await.unwrap();
    store
        .set_member(
            &cli(),
            team.id,
            chair,
            MemberRole::Chair,
            Some(Sector::EducationCulture),
            None,
        )
        .await
        .unwrap();

    // Added with a normalised address; no account appears.
    let g = store.add_guest(&cli(), team.id, &kela()).await.unwrap();
    let guests = store.guests(team.id).await.unwrap();
    assert_eq!(guests.len(), 1);
    assert_eq!(guests[0].email, "kaisa.kelanen@kela.example");
    assert_eq!(guests[0].sector, Sector::Kela);
    assert!(store
        .user_by_email("kaisa.kelanen@kela.example")
        .await
        .unwrap()
        .is_none());
    assert!(store.guests(other.id).await.unwrap().is_empty());

    // Refusals name the field and change nothing.
    let mut bad = kela();
    bad.name = "  ".into();
    assert_eq!(
        invalid(store.add_guest(&cli(), team.id, &bad).await).0,
        "name"
    );
    let mut bad = kela();
    bad.organisation = String::new();
    assert_eq!(
        invalid(store.add_guest(&cli(), team.id, &bad).await).0,
        "organisation"
    );
    let mut bad = kela();
    bad.email = "not an address".into();
    assert_eq!(
        invalid(store.add_guest(&cli(), team.id, &bad).await).0,
        "email"
    );
    // Someone with a login is a member, never a guest.
    let mut bad = kela();
    bad.email = "PJ@p.example".into();
    assert_eq!(
        invalid(store.add_guest(&cli(), team.id, &bad).await),
        ("email".into(), "err-guest-has-account".into())
    );
    assert!(matches!(
        store.add_guest(&cli(), team.id, &kela()).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.guests(team.id).await.unwrap().len(), 1);
    // The same person may be another team's guest.
    store.add_guest(&cli(), other.id, &kela()).await.unwrap();
    let other_guest = store.guests(other.id).await.unwrap()[0].id;

    // Attendance: only the team's guests, all or nothing.
    let first = store
        .ensure_next_meeting(&cli(), team.id, date!(2026 - 11 - 02))
        .await
        .unwrap();
    let held = MeetingRecord {
        state: MeetingState::Held,
        minutes: "Kela esitteli perhekuntoutuksen.".into(),
        attendance: vec![chair],
    };
    assert_eq!(
        invalid(
            store
                .record_meeting_with_guests(&cli(), first, &held, Some(&[g, other_guest]))
                .await
        ),
        ("guests".into(), "err-not-guest".into())
    );
    let m = store.meeting(first).await.unwrap().unwrap();
    assert_eq!(m.state, MeetingState::Planned, "nothing changed");
    assert!(m.guest_attendance.is_empty());
    // A guest ticked twice (a repeated form field) is present once.
    store
        .record_meeting_with_guests(&cli(), first, &held, Some(&[g, g]))
        .await
        .unwrap();
    assert_eq!(
        store
            .meeting(first)
            .await
            .unwrap()
            .unwrap()
            .guest_attendance,
        vec![g]
    );
    // Recording without guests (the API) leaves their attendance be.
    store.record_meeting(&cli(), first, &held).await.unwrap();
    assert_eq!(
        store
            .meeting(first)
            .await
            .unwrap()
            .unwrap()
            .guest_attendance,
        vec![g]
    );

    // A guest's promise, recorded by the chair: due at the next meeting,
    // reminded to the guest, not in the chair's own list.
    assert_eq!(
        invalid(
            store
                .make_guest_commitment(&cli(), g, chair, " ", Some(first), date!(2026 - 11 - 10))
                .await
        )
        .0,
        "text"
    );
    let outsider = user(&store, "muu@p.example").await;
    assert_eq!(
        invalid(
            store
                .make_guest_commitment(&cli(), g, outsider, "x", Some(first), date!(2026 - 11 - 10))
                .await
        )
        .0,
        "user",
        "recorded by a member of the team"
    );
    let c = store
        .make_guest_commitment(
            &cli(),
            g,
            chair,
            "Tuon Kelan esitteet neuvolaan",
            Some(first),
            date!(2026 - 11 - 10),
        )
        .await
        .unwrap();
    let got = store.commitment(c).await.unwrap().unwrap();
    assert_eq!(got.guest_id, Some(g));
    assert_eq!(got.user_name, "Kaisa Kelanen");
    assert!(store
        .user_commitments(chair, true)
        .await
        .unwrap()
        .is_empty());
    let second = store
        .ensure_next_meeting(&cli(), team.id, date!(2026 - 11 - 11))
        .await
        .unwrap();
    assert_eq!(
        store.commitment(c).await.unwrap().unwrap().due_meeting_id,
        Some(second)
    );
    let due = store.reminders_due(second).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].1, "kaisa.kelanen@kela.example");

    // E-mailed once per meeting and kind.
    let to = store
        .guests_to_mail(first, GuestMail::Minutes)
        .await
        .unwrap();
    assert_eq!(to.iter().map(|x| x.id).collect::<Vec<_>>(), vec![g]);
    store
        .mark_guest_mailed(&cli(), first, g, GuestMail::Minutes)
        .await
        .unwrap();
    store
        .mark_guest_mailed(&cli(), first, g, GuestMail::Minutes)
        .await
        .unwrap();
    assert!(store
        .guests_to_mail(first, GuestMail::Minutes)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store
            .guests_to_mail(first, GuestMail::Agenda)
            .await
            .unwrap()
            .len(),
        1
    );

    // Reviewed like anyone's.
    store
        .review_commitment(&cli(), c, Some(second), CommitmentStatus::Done, "", false)
        .await
        .unwrap();
    assert_eq!(
        store.commitment(c).await.unwrap().unwrap().status,
        CommitmentStatus::Done
    );

    // Edited, then removed: the address is erased, the name stays on the
    // commitment, nothing more is sent.
    let mut edit = kela();
    edit.organisation = "Kela, Oulun palvelupiste".into();
    store.update_guest(&cli(), g, &edit).await.unwrap();
    assert_eq!(
        store.guest(g).await.unwrap().unwrap().organisation,
        "Kela, Oulun palvelupiste"
    );
    store.remove_guest(&cli(), g).await.unwrap();
    let gone = store.guest(g).await.unwrap().unwrap();
    assert!(gone.removed);
    assert_eq!(gone.email, "");
    assert!(store.guests(team.id).await.unwrap().is_empty());
    assert_eq!(
        store.commitment(c).await.unwrap().unwrap().user_name,
        "Kaisa Kelanen"
    );
    assert!(matches!(
        store.update_guest(&cli(), g, &kela()).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(store
        .guests_to_mail(first, GuestMail::Agenda)
        .await
        .unwrap()
        .is_empty());

    // Audited, never with the address.
    let log = store
        .audit_entries(&AuditFilter {
            org_id: team.org_id,
            entity: Some("team_guest".into()),
            entity_key: Some(g.to_string()),
            before_id: None,
            limit: 50,
        })
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    for a in ["create", "update", "remove", "mail"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    for e in &log {
        let text = format!("{:?} {:?}", e.old_value, e.new_value);
        assert!(!text.contains("kela.example"), "{text}");
    }

    // A team's guests are bounded (they are mailed one by one while the
    // secretary waits); another team's table is its own.
    let teams_own = store.guests(team.id).await.unwrap().len();
    let mut i = 0;
    while (store.guests(other.id).await.unwrap().len() as i64) < kasvu_store::MAX_GUESTS {
        i += 1;
        let mut more = kela();
        more.email = format!("guest{i}@partner.example");
        store.add_guest(&cli(), other.id, &more).await.unwrap();
    }
    let mut too_many = kela();
    too_many.email = "too.many@partner.example".into();
    assert_eq!(
        invalid(store.add_guest(&cli(), other.id, &too_many).await).1,
        "err-too-many-guests"
    );
    assert_eq!(
        store.guests(other.id).await.unwrap().len() as i64,
        kasvu_store::MAX_GUESTS
    );
    assert_eq!(store.guests(team.id).await.unwrap().len(), teams_own);
}

both_databases!(guests_at_the_table);
