//! A leadership team's backbone work and the document library, on SQLite
//! and PostgreSQL: the action plan in order with status changes, bulletins
//! by audience (members-only ones not on others' "My work"), events with
//! capacity, registration once per person, attendance exactly as ticked,
//! cancellation; documents by target and audience, files told by content,
//! links only to web addresses, bytes erased on removal; every refusal
//! names the field and changes nothing.

use kasvu_core::document::{DocAudience, DocTarget};
use kasvu_core::{
    Email, Level, MemberRole, Names, OrgCode, Role, Schedule, Sector, TeamKind, ValidRange,
};
use kasvu_store::{
    both_databases, ActionSpec, Actor, BulletinSpec, DocContent, DocumentSpec,
    EventParticipantSpec, EventSpec, NewUser, OrgUnitSpec, Store, StoreError, TeamSpec,
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
                role: Role::Staff,
                scope_code: "p-tuira".into(),
            },
        )
        .await
        .unwrap()
        .id
}

fn invalid(r: Result<impl std::fmt::Debug, StoreError>) -> (String, String) {
    match r {
        Err(StoreError::Invalid(e)) => (e.field, e.problem.code.to_string()),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn setup(store: &Store) -> (i64, i64, i64) {
    let rows = vec![
        (2, unit("p", None, Level::Organisation)),
        (3, unit("p-north", Some("p"), Level::Area)),
        (4, unit("p-tuira", Some("p-north"), Level::Cluster)),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
    let team = store
        .create_team(
            &cli(),
            &TeamSpec {
                kind: TeamKind::ClusterLeadership,
                unit_code: "p-tuira".into(),
                name: "Tuira".into(),
                schedule: Schedule::default(),
                location: String::new(),
                anchor_on: date!(2026 - 01 - 01),
            },
        )
        .await
        .unwrap();
    let member = user(store, "jasen@p.example").await;
    let outsider = user(store, "muu@p.example").await;
    store
        .set_member(
            &cli(),
            team.id,
            member,
            MemberRole::Secretary,
            Some(Sector::EducationCulture),
            None,
        )
        .await
        .unwrap();
    (team.id, member, outsider)
}

fn action(title: &str, status: &str) -> ActionSpec {
    ActionSpec {
        title: title.into(),
        detail: "Koko henkilöstö".into(),
        responsible: "Alueen suunnittelija".into(),
        due_on: Some(date!(2027 - 03 - 31)),
        status: status.into(),
    }
}

async fn backbone_work(store: Store) {
    let (team, member, outsider) = setup(&store).await;

    // The action plan keeps its order; a change of status is kept.
    let a = store
        .add_team_action(&cli(), team, &action("Yhteinen perehdytys", "planned"))
        .await
        .unwrap();
    let b = store
        .add_team_action(&cli(), team, &action("Kevätseminaari", "in_progress"))
        .await
        .unwrap();
    let titles =
        |v: Vec<kasvu_store::TeamAction>| v.into_iter().map(|x| x.title).collect::<Vec<_>>();
    assert_eq!(
        titles(store.team_actions(team).await.unwrap()),
        ["Yhteinen perehdytys", "Kevätseminaari"]
    );
    store
        .update_team_action(&cli(), a, &action("Yhteinen perehdytys", "done"))
        .await
        .unwrap();
    assert_eq!(
        store.team_action(a).await.unwrap().unwrap().status.code(),
        "done"
    );
    assert_eq!(
        invalid(
            store
                .add_team_action(&cli(), team, &action(" ", "planned"))
                .await
        )
        .0,
        "title"
    );
    assert_eq!(
        invalid(
            store
                .update_team_action(&cli(), b, &action("X", "someday"))
                .await
        )
        .0,
        "status"
    );
    assert_eq!(
        store.team_action(b).await.unwrap().unwrap().title,
        "Kevätseminaari",
        "a refusal changes nothing"
    );
    store.remove_team_action(&cli(), b).await.unwrap();
    assert_eq!(store.team_actions(team).await.unwrap().len(), 1);
    assert!(matches!(
        store.remove_team_action(&cli(), b).await,
        Err(StoreError::NotFound(_))
    ));

    // Bulletins: members-only ones reach members only.
    let bulletin = |title: &str, audience: &str| BulletinSpec {
        title: title.into(),
        body: "Tervetuloa syysseminaariin.".into(),
        audience: audience.into(),
        published_on: date!(2026 - 11 - 20),
    };
    store
        .publish_bulletin(&cli(), team, member, &bulletin("Kaikille", "staff"))
        .await
        .unwrap();
    let inner = store
        .publish_bulletin(&cli(), team, member, &bulletin("Tiimille", "members"))
        .await
        .unwrap();
    assert_eq!(store.bulletins(team, true).await.unwrap().len(), 2);
    assert_eq!(store.bulletins(team, false).await.unwrap().len(), 1);
    let org = store.team(team).await.unwrap().unwrap().org_id;
    let mine = store
        .bulletins_for(member, org, date!(2026 - 11 - 01), 10)
        .await
        .unwrap();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0].author, "jasen");
    let theirs = store
        .bulletins_for(outsider, org, date!(2026 - 11 - 01), 10)
        .await
        .unwrap();
    assert_eq!(
        theirs.iter().map(|b| b.title.as_str()).collect::<Vec<_>>(),
        ["Kaikille"]
    );
    assert!(store
        .bulletins_for(outsider, org, date!(2026 - 12 - 01), 10)
        .await
        .unwrap()
        .is_empty());
    assert!(store
        .bulletins_for(outsider, org + 1000, date!(2026 - 11 - 01), 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        invalid(
            store
                .publish_bulletin(&cli(), team, member, &bulletin("X", "everyone"))
                .await
        )
        .0,
        "audience"
    );
    store.remove_bulletin(&cli(), inner).await.unwrap();
    assert_eq!(store.bulletins(team, true).await.unwrap().len(), 1);

    // Events: capacity, once per person, attendance as ticked.
    let spec = EventSpec {
        kind: "seminar".into(),
        title: "Syysseminaari".into(),
        description: "Yhteinen toimintamalli".into(),
        held_on: date!(2026 - 12 - 10),
        starts_at: "12:30".into(),
        place: "Tuiran koulu".into(),
        capacity: Some(2),
    };
    assert_eq!(
        invalid(
            store
                .add_team_event(
                    &cli(),
                    team,
                    &EventSpec {
                        capacity: Some(0),
                        ..spec.clone()
                    }
                )
                .await
        )
        .0,
        "capacity"
    );
    assert_eq!(
        invalid(
            store
                .add_team_event(
                    &cli(),
                    team,
                    &EventSpec {
                        starts_at: "25:00".into(),
                        ..spec.clone()
                    }
                )
                .await
        )
        .0,
        "starts_at"
    );
    assert_eq!(
        invalid(
            store
                .add_team_event(
                    &cli(),
                    team,
                    &EventSpec {
                        kind: "party".into(),
                        ..spec.clone()
                    }
                )
                .await
        )
        .0,
        "kind"
    );
    let ev = store.add_team_event(&cli(), team, &spec).await.unwrap();
    let me = EventParticipantSpec {
        user_id: Some(outsider),
        name: "Muu Ihminen".into(),
        organisation: "Oulun kaupunki".into(),
        sector: Sector::EducationCulture,
    };
    let p1 = store.register_for_event(&cli(), ev, &me).await.unwrap();
    assert!(matches!(
        store.register_for_event(&cli(), ev, &me).await,
        Err(StoreError::Conflict(_))
    ));
    let partner = EventParticipantSpec {
        user_id: None,
        name: "Seija Seurakunta".into(),
        organisation: "Oulun seurakuntayhtymä".into(),
        sector: Sector::Parish,
    };
    let p2 = store
        .register_for_event(&cli(), ev, &partner)
        .await
        .unwrap();
    assert_eq!(
        invalid(store.register_for_event(&cli(), ev, &partner).await).1,
        "err-event-full"
    );
    store
        .set_event_attendance(&cli(), ev, &[p2, p2])
        .await
        .unwrap();
    let people = store.event_participants(ev).await.unwrap();
    assert_eq!(
        people
            .iter()
            .filter(|p| p.attended)
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        [p2]
    );
    let e = store.team_event(ev).await.unwrap().unwrap();
    assert_eq!((e.registered, e.attended), (2, 1));
    assert_eq!(e.starts_at.to_string(), "12:30");
    let other = store
        .add_team_event(
            &cli(),
            team,
            &EventSpec {
                capacity: None,
                ..spec.clone()
            },
        )
        .await
        .unwrap();
    let stranger = store
        .register_for_event(&cli(), other, &partner)
        .await
        .unwrap();
    assert_eq!(
        invalid(
            store
                .set_event_attendance(&cli(), ev, &[p1, stranger])
                .await
        )
        .0,
        "attended"
    );
    assert_eq!(
        store.team_event(ev).await.unwrap().unwrap().attended,
        1,
        "refused attendance changes nothing"
    );
    store.unregister_from_event(&cli(), p1).await.unwrap();
    store.cancel_team_event(&cli(), ev).await.unwrap();
    assert!(store.team_event(ev).await.unwrap().unwrap().cancelled);
    assert_eq!(
        invalid(store.register_for_event(&cli(), ev, &me).await).1,
        "err-event-cancelled"
    );
    assert_eq!(store.team_events(team).await.unwrap().len(), 2);

    // Registrations at once never pass the capacity.
    let small = store
        .add_team_event(
            &cli(),
            team,
            &EventSpec {
                capacity: Some(2),
                ..spec.clone()
            },
        )
        .await
        .unwrap();
    let tries = (0..6).map(|i| {
        let store = store.clone();
        let p = EventParticipantSpec {
            user_id: None,
            name: format!("Osallistuja {i}"),
            organisation: String::new(),
            sector: Sector::ThirdSector,
        };
        tokio::spawn(async move { store.register_for_event(&cli(), small, &p).await.is_ok() })
    });
    let mut accepted = 0;
    for t in tries {
        accepted += usize::from(t.await.unwrap());
    }
    assert_eq!(accepted, 2, "exactly the capacity is taken");
    assert_eq!(
        store.team_event(small).await.unwrap().unwrap().registered,
        2
    );
}

async fn document_library(store: Store) {
    let (team, member, _) = setup(&store).await;
    let file = |name: &str, bytes: &[u8], audience: &str| DocumentSpec {
        title: "Lastensuojelun käsikirja".into(),
        description: "Ohjeet".into(),
        audience: audience.into(),
        content: DocContent::File {
            file_name: name.into(),
            bytes: bytes.to_vec(),
        },
    };
    let pdf = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF\n";
    let id = store
        .add_document(
            &cli(),
            DocTarget::Team,
            team,
            Some(member),
            file("C:\\docs\\käsikirja.pdf", pdf, "members"),
        )
        .await
        .unwrap();
    let d = store.document(id).await.unwrap().unwrap();
    assert_eq!(d.file_name.as_deref(), Some("käsikirja.pdf"));
    assert_eq!(d.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(d.size_bytes, Some(pdf.len() as i64));
    assert_eq!(d.audience, DocAudience::Members);
    assert_eq!(d.sha256.as_deref().map(str::len), Some(64));
    assert_eq!(
        store.document_bytes(id).await.unwrap().as_deref(),
        Some(&pdf[..])
    );

    // Refused, naming the field, nothing written.
    let (field, code) = invalid(
        store
            .add_document(
                &cli(),
                DocTarget::Team,
                team,
                None,
                file("x.pdf", b"<script>", "members"),
            )
            .await,
    );
    assert_eq!((field.as_str(), code.as_str()), ("file", "err-doc-content"));
    assert_eq!(
        invalid(
            store
                .add_document(
                    &cli(),
                    DocTarget::Team,
                    team,
                    None,
                    file("x.html", b"<p>", "members")
                )
                .await
        )
        .0,
        "file"
    );
    assert_eq!(
        invalid(
            store
                .add_document(
                    &cli(),
                    DocTarget::Team,
                    team,
                    None,
                    file("a.pdf", pdf, "public")
                )
                .await
        )
        .0,
        "audience"
    );
    let link = |url: &str| DocumentSpec {
        title: "Oppilashuollon käsikirja".into(),
        description: String::new(),
        audience: "staff".into(),
        content: DocContent::Link(url.into()),
    };
    assert_eq!(
        invalid(
            store
                .add_document(
                    &cli(),
                    DocTarget::Team,
                    team,
                    None,
                    link("javascript:alert(1)")
                )
                .await
        )
        .0,
        "link"
    );
    assert!(matches!(
        store
            .add_document(
                &cli(),
                DocTarget::Project,
                999_999,
                None,
                link("https://www.ouka.fi/")
            )
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.documents(DocTarget::Team, team).await.unwrap().len(),
        1
    );

    let l = store
        .add_document(
            &cli(),
            DocTarget::Team,
            team,
            None,
            link("https://www.ouka.fi/oppilashuolto"),
        )
        .await
        .unwrap();
    let docs = store.documents(DocTarget::Team, team).await.unwrap();
    assert_eq!(docs.len(), 2);
    assert_eq!(
        store
            .document(l)
            .await
            .unwrap()
            .unwrap()
            .link_url
            .as_deref(),
        Some("https://www.ouka.fi/oppilashuolto")
    );
    assert!(store.document_bytes(l).await.unwrap().is_none());
    assert!(
        store
            .documents(DocTarget::Practice, team)
            .await
            .unwrap()
            .is_empty(),
        "by target kind"
    );

    // Removal erases the bytes.
    store.remove_document(&cli(), id).await.unwrap();
    assert!(store.document(id).await.unwrap().is_none());
    assert!(store.document_bytes(id).await.unwrap().is_none());
    assert!(matches!(
        store.remove_document(&cli(), id).await,
        Err(StoreError::NotFound(_))
    ));
}

both_databases!(backbone_work, document_library);
