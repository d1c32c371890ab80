//! Storage stories, each run on SQLite and on PostgreSQL.

use kasvu_core::{
    Email, ExternalCode, Level, Names, OrgCode, Password, Role, Sector, UnitKind, ValidRange,
};
use kasvu_store::{
    both_databases, Actor, AuditFilter, Backend, NewUser, OrgUnitSpec, Store, StoreError,
};

fn spec(code: &str, parent: Option<&str>, level: Level, kind: Option<UnitKind>) -> OrgUnitSpec {
    OrgUnitSpec {
        code: OrgCode::parse(code).unwrap(),
        parent: parent.map(|p| OrgCode::parse(p).unwrap()),
        level,
        kind,
        sector: None,
        names: Names::parse(&format!("{code} fi"), &format!("{code} sv"), "").unwrap(),
        external_codes: vec![],
        valid: ValidRange::default(),
    }
}

fn cli() -> Actor {
    Actor::system("test")
}

async fn small_tree(store: &Store, org: &str) {
    let rows = vec![
        (2, spec(org, None, Level::Organisation, None)),
        (
            3,
            spec(&format!("{org}-north"), Some(org), Level::Area, None),
        ),
        (
            4,
            spec(&format!("{org}-south"), Some(org), Level::Area, None),
        ),
        (
            5,
            spec(
                &format!("{org}-tuira"),
                Some(&format!("{org}-north")),
                Level::Cluster,
                None,
            ),
        ),
        (
            6,
            spec(
                &format!("{org}-school"),
                Some(&format!("{org}-tuira")),
                Level::Unit,
                Some(UnitKind::School),
            ),
        ),
    ];
    store
        .import_org_units(&cli(), &rows, false, &mut |_| {})
        .await
        .unwrap();
}

async fn audit_count(store: &Store, org_id: i64) -> usize {
    store
        .audit_entries(&AuditFilter {
            org_id,
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .len()
}

async fn tree_is_created_and_read(store: Store) {
    let mut org = spec("oulu", None, Level::Organisation, None);
    org.external_codes = ExternalCode::parse_list("kunta:564").unwrap();
    let o = store.create_org_unit(&cli(), &org).await.unwrap();
    assert_eq!(o.org_id, o.id, "an organisation is its own root");
    assert_eq!(
        o.external_codes,
        ExternalCode::parse_list("kunta:564").unwrap()
    );
    store
        .create_org_unit(&cli(), &spec("keskinen", Some("oulu"), Level::Area, None))
        .await
        .unwrap();
    store
        .create_org_unit(
            &cli(),
            &spec("tuira", Some("keskinen"), Level::Cluster, None),
        )
        .await
        .unwrap();
    let school = store
        .create_org_unit(
            &cli(),
            &spec(
                "tuiran-koulu",
                Some("tuira"),
                Level::Unit,
                Some(UnitKind::School),
            ),
        )
        .await
        .unwrap();
    assert_eq!(school.org_id, o.id);
    assert_eq!(school.parent_code.as_deref(), Some("tuira"));
    assert_eq!(
        school.sector,
        Some(Sector::EducationCulture),
        "sector defaults from the kind"
    );
    assert_eq!(store.org_units(o.id).await.unwrap().len(), 4);
    let orgs = store.organisations().await.unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0].code, "oulu");
    assert!(!store.is_empty().await.unwrap());
    let tree = store.org_tree(o.id).await.unwrap();
    assert_eq!(
        tree.ancestor_at(school.id, Level::Area).map(|id| id != 0),
        Some(true)
    );
    assert_eq!(
        audit_count(&store, o.id).await,
        4,
        "every create is audited"
    );
    store.health().await.unwrap();
}

async fn tree_rules_are_enforced(store: Store) {
    small_tree(&store, "a").await;
    let err = |r: Result<kasvu_store::OrgUnit, StoreError>| match r {
        Err(StoreError::Invalid(e)) | Err(StoreError::Conflict(e)) => (e.field, e.problem.code),
        other => panic!("expected a field error, got {other:?}"),
    };
    let e = err(store
        .create_org_unit(
            &cli(),
            &spec("x", Some("a-school"), Level::Unit, Some(UnitKind::Ngo)),
        )
        .await);
    assert_eq!(e, ("parent_code".into(), "err-parent-level"));
    let e = err(store
        .create_org_unit(&cli(), &spec("x", Some("nowhere"), Level::Area, None))
        .await);
    assert_eq!(e, ("parent_code".into(), "err-parent-missing"));
    let e = err(store
        .create_org_unit(
            &cli(),
            &spec("a-tuira", Some("a-north"), Level::Cluster, None),
        )
        .await);
    assert_eq!(e, ("code".into(), "err-code-taken"));
    let e = err(store
        .create_org_unit(
            &cli(),
            &spec("x", Some("a"), Level::Area, Some(UnitKind::School)),
        )
        .await);
    assert_eq!(e, ("kind".into(), "err-kind-only-units"));
    let mut dup = spec("x", Some("a-tuira"), Level::Unit, Some(UnitKind::Library));
    dup.external_codes = ExternalCode::parse_list("kunta:1").unwrap();
    store.create_org_unit(&cli(), &dup).await.unwrap();
    dup.code = OrgCode::parse("y").unwrap();
    let e = err(store.create_org_unit(&cli(), &dup).await);
    assert_eq!(e, ("external_codes".into(), "err-external-code-taken"));

    // Moving the area under its own cluster would make a cycle.
    let mut area = spec("a-north", Some("a-tuira"), Level::Area, None);
    area.level = Level::Area;
    match store.update_org_unit(&cli(), &area).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e.field, "parent_code"),
        other => panic!("{other:?}"),
    }
    // Moving a cluster to the other area works and is audited with both values.
    let org_id = store.org_unit("a").await.unwrap().unwrap().id;
    let before = audit_count(&store, org_id).await;
    let (moved, changed) = store
        .update_org_unit(
            &cli(),
            &spec("a-tuira", Some("a-south"), Level::Cluster, None),
        )
        .await
        .unwrap();
    assert!(changed);
    assert_eq!(moved.parent_code.as_deref(), Some("a-south"));
    let log = store
        .audit_entries(&AuditFilter {
            org_id,
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audit_count(&store, org_id).await, before + 1);
    assert_eq!(log[0].action, "update");
    assert_eq!(log[0].old_value.as_ref().unwrap()["parent"], "a-north");
    assert_eq!(log[0].new_value.as_ref().unwrap()["parent"], "a-south");
    // An unchanged update writes nothing.
    let (_, changed) = store
        .update_org_unit(
            &cli(),
            &spec("a-tuira", Some("a-south"), Level::Cluster, None),
        )
        .await
        .unwrap();
    assert!(!changed);
    assert_eq!(audit_count(&store, org_id).await, before + 1);
}

async fn import_is_all_or_nothing_and_idempotent(store: Store) {
    let bad = vec![
        (2, spec("oulu", None, Level::Organisation, None)),
        (3, spec("keskinen", Some("oulu"), Level::Area, None)),
        (4, spec("tuira", Some("oulu"), Level::Cluster, None)), // a cluster under an organisation
    ];
    match store
        .import_org_units(&cli(), &bad, false, &mut |_| {})
        .await
    {
        Err(StoreError::Row { row, error }) => {
            assert_eq!(row, 4);
            assert_eq!(error.field, "parent_code");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        store.is_empty().await.unwrap(),
        "nothing stored after a bad row"
    );

    let dup = vec![
        (2, spec("oulu", None, Level::Organisation, None)),
        (3, spec("oulu", None, Level::Organisation, None)),
    ];
    match store
        .import_org_units(&cli(), &dup, false, &mut |_| {})
        .await
    {
        Err(StoreError::Row { row: 3, error }) => assert_eq!(error.problem.code, "err-code-twice"),
        other => panic!("{other:?}"),
    }

    // Children before their parents in the file are fine.
    let good = vec![
        (2, spec("tuira", Some("keskinen"), Level::Cluster, None)),
        (3, spec("keskinen", Some("oulu"), Level::Area, None)),
        (4, spec("oulu", None, Level::Organisation, None)),
    ];
    let mut seen = 0;
    let s = store
        .import_org_units(&cli(), &good, true, &mut |n| seen = n)
        .await
        .unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (3, 0, 0));
    assert_eq!(seen, 3, "progress reaches the row count");
    let org = store.org_unit("oulu").await.unwrap().unwrap();
    assert!(org.demo);
    let n = audit_count(&store, org.id).await;
    let s = store
        .import_org_units(&cli(), &good, true, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (0, 0, 3));
    assert_eq!(
        audit_count(&store, org.id).await,
        n,
        "a second import changes nothing"
    );

    let mut changed = good.clone();
    changed[0].1.names.fi = "Tuira–Hietasaari".into();
    let s = store
        .import_org_units(&cli(), &changed, true, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((s.created, s.updated, s.unchanged), (0, 1, 2));
    assert_eq!(
        store.org_unit("tuira").await.unwrap().unwrap().names.fi,
        "Tuira–Hietasaari"
    );
    assert_eq!(audit_count(&store, org.id).await, n + 1);

    // A cycle inside the file is named.
    let cyc = vec![
        (2, spec("p1", Some("p2"), Level::Cluster, None)),
        (3, spec("p2", Some("p1"), Level::Cluster, None)),
    ];
    match store
        .import_org_units(&cli(), &cyc, false, &mut |_| {})
        .await
    {
        Err(StoreError::Row { error, .. }) => assert_eq!(error.problem.code, "err-parent-cycle"),
        other => panic!("{other:?}"),
    }
}

async fn audit_log_is_append_only(store: Store) {
    small_tree(&store, "a").await;
    let org_id = store.org_unit("a").await.unwrap().unwrap().id;
    let n = audit_count(&store, org_id).await;
    assert!(n > 0);
    assert!(store
        .raw_execute_for_tests("UPDATE audit_log SET actor = 'someone else'")
        .await
        .is_err());
    assert!(store
        .raw_execute_for_tests("DELETE FROM audit_log")
        .await
        .is_err());
    assert_eq!(audit_count(&store, org_id).await, n);
    let log = store
        .audit_entries(&AuditFilter {
            org_id,
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(log.iter().all(|e| e.actor == "test"));
}

async fn users_roles_and_login(store: Store) {
    small_tree(&store, "a").await;
    small_tree(&store, "b").await;
    let pw = Password::parse("hyvä-salasana-1").unwrap();
    let u = store
        .create_user(
            &cli(),
            NewUser {
                email: Email::parse("Aino@Example.FI").unwrap(),
                name: "Aino Aluepäällikkö".into(),
                password: Some(pw),
                role: Role::AreaManager,
                scope_code: "a-north".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(u.email, "aino@example.fi");
    assert_eq!(u.roles.len(), 1);
    assert_eq!(u.roles[0].scope_code, "a-north");
    assert!(store
        .authenticate("AINO@example.fi", "hyvä-salasana-1")
        .await
        .unwrap()
        .is_some());
    assert!(store
        .authenticate("aino@example.fi", "wrong-password")
        .await
        .unwrap()
        .is_none());
    assert!(store
        .authenticate("nobody@example.fi", "hyvä-salasana-1")
        .await
        .unwrap()
        .is_none());

    let again = store
        .create_user(
            &cli(),
            NewUser {
                email: Email::parse("aino@example.fi").unwrap(),
                name: "Another".into(),
                password: None,
                role: Role::Viewer,
                scope_code: "a".into(),
            },
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(e)) if e.field == "email"));

    let admin_in_area = store
        .create_user(
            &cli(),
            NewUser {
                email: Email::parse("x@example.fi").unwrap(),
                name: "X".into(),
                password: None,
                role: Role::Admin,
                scope_code: "a-north".into(),
            },
        )
        .await;
    assert!(
        matches!(admin_in_area, Err(StoreError::Invalid(e)) if e.problem.code == "err-admin-scope")
    );

    let other_org = store.add_role(&cli(), u.id, Role::Viewer, "b-north").await;
    assert!(
        matches!(other_org, Err(StoreError::Invalid(e)) if e.problem.code == "err-scope-other-org")
    );
    let u2 = store
        .add_role(&cli(), u.id, Role::Staff, "a-school")
        .await
        .unwrap();
    assert_eq!(u2.roles.len(), 2);
    let u3 = store
        .remove_role(&cli(), u.id, u2.roles[1].id)
        .await
        .unwrap();
    assert_eq!(u3.roles.len(), 1);

    assert_eq!(store.users(u.org_id).await.unwrap().len(), 1);
    let b_org = store.org_unit("b").await.unwrap().unwrap().id;
    assert!(
        store.users(b_org).await.unwrap().is_empty(),
        "organisations are isolated"
    );

    // Sessions, API tokens, disabling.
    let (token, csrf) = store.create_session(u.id, 3600).await.unwrap();
    let (su, scsrf) = store.session(&token).await.unwrap().unwrap();
    assert_eq!((su.id, scsrf), (u.id, csrf));
    assert!(store.session("not-a-token").await.unwrap().is_none());
    let (expired, _) = store.create_session(u.id, -1).await.unwrap();
    assert!(store.session(&expired).await.unwrap().is_none());
    let api = store.create_api_token(&cli(), u.id, "test").await.unwrap();
    assert!(api.starts_with("kasvu_"));
    assert_eq!(
        store.user_by_api_token(&api).await.unwrap().map(|u| u.id),
        Some(u.id)
    );
    store.set_user_disabled(&cli(), u.id, true).await.unwrap();
    assert!(
        store.session(&token).await.unwrap().is_none(),
        "disabling ends sessions"
    );
    assert!(
        store.user_by_api_token(&api).await.unwrap().is_none(),
        "and revokes tokens"
    );
    assert!(store
        .authenticate("aino@example.fi", "hyvä-salasana-1")
        .await
        .unwrap()
        .is_none());
    store.set_user_disabled(&cli(), u.id, false).await.unwrap();
    store
        .set_password(&cli(), u.id, &Password::parse("uusi-salasana-2").unwrap())
        .await
        .unwrap();
    assert!(store
        .authenticate("aino@example.fi", "uusi-salasana-2")
        .await
        .unwrap()
        .is_some());
    let (token2, _) = store.create_session(u.id, 3600).await.unwrap();
    store.delete_session(&token2).await.unwrap();
    assert!(store.session(&token2).await.unwrap().is_none());

    let log = store
        .audit_entries(&AuditFilter {
            org_id: u.org_id,
            entity: Some("user".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "add_role",
            "remove_role",
            "disable",
            "enable",
            "set_password"
        ]
    );
    assert!(
        log.iter().all(|e| !e
            .new_value
            .as_ref()
            .is_some_and(|v| v.to_string().contains("argon2"))),
        "no hashes in the log"
    );
}

async fn login_failures_are_counted(store: Store) {
    store
        .record_login_failure(&["email:a@b.fi", "ip:127.0.0.1"])
        .await
        .unwrap();
    store.record_login_failure(&["email:a@b.fi"]).await.unwrap();
    assert_eq!(
        store.login_failures_since("email:a@b.fi", 0).await.unwrap(),
        2
    );
    assert_eq!(
        store.login_failures_since("ip:127.0.0.1", 0).await.unwrap(),
        1
    );
    assert_eq!(
        store
            .login_failures_since("email:a@b.fi", i64::MAX)
            .await
            .unwrap(),
        0
    );
    store.clear_login_failures("email:a@b.fi").await.unwrap();
    assert_eq!(
        store.login_failures_since("email:a@b.fi", 0).await.unwrap(),
        0
    );
}

async fn backup(store: Store) {
    small_tree(&store, "a").await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.db");
    let path = path.to_str().unwrap();
    match store.backend() {
        Backend::Sqlite => {
            store.backup(path).await.unwrap();
            let copy = Store::open(&format!("sqlite://{path}")).await.unwrap();
            assert_eq!(
                copy.org_unit("a-school").await.unwrap().map(|u| u.code),
                Some("a-school".into())
            );
            assert!(store.backup(path).await.is_err(), "never overwrites");
        }
        Backend::Postgres => match store.backup(path).await {
            Err(StoreError::Unsupported(m)) => assert!(m.contains("pg_dump")),
            other => panic!("{other:?}"),
        },
    }
}

/// A user without a password gets one through a one-time link; a person
/// changes their own with the current one; every other session ends.
async fn passwords_by_link_and_change(store: Store) {
    small_tree(&store, "a").await;
    let u = store
        .create_user(
            &cli(),
            NewUser {
                email: Email::parse("uusi@example.fi").unwrap(),
                name: "Uusi Käyttäjä".into(),
                password: None,
                role: Role::Staff,
                scope_code: "a-school".into(),
            },
        )
        .await
        .unwrap();
    assert!(store
        .authenticate("uusi@example.fi", "")
        .await
        .unwrap()
        .is_none());

    let first = store.create_password_link(&cli(), u.id, 72).await.unwrap();
    let link = store.create_password_link(&cli(), u.id, 72).await.unwrap();
    assert!(
        store.password_link_user(&first).await.unwrap().is_none(),
        "a new link replaces the earlier one"
    );
    assert_eq!(
        store.password_link_user(&link).await.unwrap().map(|x| x.id),
        Some(u.id)
    );
    let pw = Password::parse("talvi tulee tuiraan taas").unwrap();
    let set = store.use_password_link(&link, &pw).await.unwrap();
    assert_eq!(set.map(|x| x.id), Some(u.id));
    assert!(
        store.use_password_link(&link, &pw).await.unwrap().is_none(),
        "a link works once"
    );
    assert!(store.password_link_user(&link).await.unwrap().is_none());
    assert!(store
        .authenticate("uusi@example.fi", "talvi tulee tuiraan taas")
        .await
        .unwrap()
        .is_some());
    let expired = store.create_password_link(&cli(), u.id, -1).await.unwrap();
    assert!(store
        .use_password_link(&expired, &pw)
        .await
        .unwrap()
        .is_none());

    // Changing one's own password: the current one is required, this
    // session stays and the others end.
    let (here, _) = store.create_session(u.id, 3600).await.unwrap();
    let (phone, _) = store.create_session(u.id, 3600).await.unwrap();
    let new = Password::parse("kevät tulee kaakkuriin myös").unwrap();
    let wrong = store
        .change_own_password(u.id, "arvaus-arvaus", &new, &here)
        .await;
    assert!(
        matches!(&wrong, Err(StoreError::Invalid(e)) if e.field == "current" && e.problem.code == "err-password-current"),
        "{wrong:?}"
    );
    assert!(
        store.session(&phone).await.unwrap().is_some(),
        "a refusal changes nothing"
    );
    store
        .change_own_password(u.id, "talvi tulee tuiraan taas", &new, &here)
        .await
        .unwrap();
    assert!(store.session(&here).await.unwrap().is_some());
    assert!(
        store.session(&phone).await.unwrap().is_none(),
        "other sessions end"
    );
    assert!(store
        .authenticate("uusi@example.fi", "talvi tulee tuiraan taas")
        .await
        .unwrap()
        .is_none());

    // An admin's or the CLI's new password ends every session.
    store
        .set_password(
            &cli(),
            u.id,
            &Password::parse("syksy sataa sisään").unwrap(),
        )
        .await
        .unwrap();
    assert!(store.session(&here).await.unwrap().is_none());

    // A disabled user's link does not work.
    let link = store.create_password_link(&cli(), u.id, 72).await.unwrap();
    store.set_user_disabled(&cli(), u.id, true).await.unwrap();
    assert!(store.password_link_user(&link).await.unwrap().is_none());
    assert!(store.use_password_link(&link, &pw).await.unwrap().is_none());

    let actions: Vec<String> = store
        .audit_entries(&AuditFilter {
            org_id: u.org_id,
            entity: Some("user".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "create",
            "password_link",
            "password_link",
            "set_password_by_link",
            "password_link",
            "change_password",
            "set_password",
            "password_link",
            "disable"
        ]
    );
}

/// What processes sharing one database share: the tree's version moves with
/// every write of org units, a task lock has one holder at a time (and runs
/// out), and rate limits count across processes.
async fn processes_share_versions_locks_and_limits(store: Store) {
    let v0 = store.tree_version().await.unwrap();
    small_tree(&store, "a").await;
    let v1 = store.tree_version().await.unwrap();
    assert!(v1 > v0, "creating units bumps the version");
    small_tree(&store, "a").await;
    assert_eq!(
        store.tree_version().await.unwrap(),
        v1,
        "an import that changes nothing does not"
    );
    let mut renamed = spec("a-north", Some("a"), Level::Area, None);
    renamed.names = Names::parse("Pohjoisin", "", "").unwrap();
    store.update_org_unit(&cli(), &renamed).await.unwrap();
    assert!(
        store.tree_version().await.unwrap() > v1,
        "an update bumps it"
    );

    let other = store.clone();
    let lock = store.try_lock_task("sweep", 60).await.unwrap().unwrap();
    assert!(
        other.try_lock_task("sweep", 60).await.unwrap().is_none(),
        "one holder at a time"
    );
    assert!(other.try_lock_task("another", 60).await.unwrap().is_some());
    store.unlock_task(lock).await.unwrap();
    let stale = other.try_lock_task("sweep", -1).await.unwrap().unwrap();
    assert!(
        store.try_lock_task("sweep", 60).await.unwrap().is_some(),
        "a lock whose time ran out is taken over"
    );
    // The old holder's unlock does not free the new holder's lock.
    other.unlock_task(stale).await.unwrap();
    assert!(store.try_lock_task("sweep", 60).await.unwrap().is_none());

    for _ in 0..3 {
        assert!(store.rate_allow("k", 3, 600).await.unwrap());
    }
    assert!(
        !other.rate_allow("k", 3, 600).await.unwrap(),
        "counted across processes"
    );
    assert!(store.rate_allow("k2", 3, 600).await.unwrap(), "per key");
    assert!(store.rate_allow("k3", 1, 0).await.unwrap());
    assert!(
        store.rate_allow("k3", 1, 0).await.unwrap(),
        "events outside the window do not count"
    );
}

/// A single sign-on's state is taken once, only by the browser that started
/// it, and only while it lives.
async fn sso_logins_are_used_once_by_their_browser(store: Store) {
    let login = kasvu_store::SsoLogin {
        nonce: "n".into(),
        pkce_verifier: "v".into(),
        next_path: "/account".into(),
    };
    store
        .save_sso_login("state-1", "browser-1", &login, 600)
        .await
        .unwrap();
    assert!(
        store
            .take_sso_login("state-1", "browser-2")
            .await
            .unwrap()
            .is_none(),
        "another browser"
    );
    assert!(
        store
            .take_sso_login("state-1", "browser-1")
            .await
            .unwrap()
            .is_none(),
        "a failed try spends the state too"
    );
    store
        .save_sso_login("state-2", "browser-1", &login, 600)
        .await
        .unwrap();
    let got = store
        .take_sso_login("state-2", "browser-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            got.nonce.as_str(),
            got.pkce_verifier.as_str(),
            got.next_path.as_str()
        ),
        ("n", "v", "/account")
    );
    assert!(store
        .take_sso_login("state-2", "browser-1")
        .await
        .unwrap()
        .is_none());
    store
        .save_sso_login("state-3", "browser-1", &login, -1)
        .await
        .unwrap();
    assert!(store
        .take_sso_login("state-3", "browser-1")
        .await
        .unwrap()
        .is_none());
}

both_databases!(
    sso_logins_are_used_once_by_their_browser,
    processes_share_versions_locks_and_limits,
    passwords_by_link_and_change,
    tree_is_created_and_read,
    tree_rules_are_enforced,
    import_is_all_or_nothing_and_idempotent,
    audit_log_is_append_only,
    users_roles_and_login,
    login_failures_are_counted,
    backup,
);
