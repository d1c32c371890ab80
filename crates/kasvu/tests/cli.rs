//! End-to-end: the CLI as a person runs it.

mod common;

use common::cli;
use kasvu_store::Store;

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["migrate", "--help"],
        vec!["user", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "list", "--help"],
        vec!["user", "password", "--help"],
        vec!["init", "--help"],
        vec!["token", "create", "--help"],
        vec!["import", "--help"],
        vec!["backup", "--help"],
    ] {
        let (ok, out, err) = cli(&args, None);
        assert!(ok, "{args:?}: {err}");
        assert!(out.contains("Usage:"), "{args:?}");
    }
    let (ok, _, err) = cli(&["serve", "--db", "mysql://x"], None);
    assert!(!ok);
    assert!(err.contains("unsupported database URL"), "{err}");
}

const HEAD: &str = "code,parent_code,level,kind,name_fi,name_sv,name_en,external_codes\n";

async fn import_is_all_or_nothing(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("puu.csv");
    std::fs::write(&bad, format!("{HEAD}rovaniemi,,organisation,,Rovaniemi,,,kunta:698\nlapinrinne,rovaniemi,district,,Lapinrinne,,,\n")).unwrap();
    let bad = bad.to_str().unwrap();
    let (ok, _, err) = cli(&["import", "--kind", "orgunits", "--db", db, bad], None);
    assert!(!ok);
    assert!(err.contains("puu.csv, row 3, field 'level'"), "{err}");
    let store = Store::open(db).await.unwrap();
    assert!(store.is_empty().await.unwrap(), "nothing stored");

    // A rule only the database can check (unknown parent) is also named.
    let bad2 = dir.path().join("puu2.csv");
    std::fs::write(
        &bad2,
        format!(
            "{HEAD}rovaniemi,,organisation,,Rovaniemi,,,\nlapinrinne,nowhere,area,,Lapinrinne,,,\n"
        ),
    )
    .unwrap();
    let (ok, _, err) = cli(
        &[
            "import",
            "--kind",
            "orgunits",
            "--db",
            db,
            bad2.to_str().unwrap(),
        ],
        None,
    );
    assert!(!ok);
    assert!(err.contains("row 3, field 'parent_code'"), "{err}");
    assert!(store.is_empty().await.unwrap(), "nothing stored");

    let good = dir.path().join("hyva.csv");
    std::fs::write(
        &good,
        format!("{HEAD}rovaniemi,,organisation,,Rovaniemi,Rovaniemi,Rovaniemi,kunta:698\nlapinrinne,rovaniemi,area,,Lapinrinne,,,\nkoulu,lapinrinne,unit,school,Koulu,,,\n"),
    )
    .unwrap();
    let good = good.to_str().unwrap();
    let (ok, out, err) = cli(
        &[
            "import",
            "--kind",
            "orgunits",
            "--db",
            db,
            "--dry-run",
            good,
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(out.contains("3 would be created"), "{out}");
    assert!(store.is_empty().await.unwrap(), "a dry run stores nothing");
    let (ok, out, err) = cli(&["import", "--kind", "orgunits", "--db", db, good], None);
    assert!(ok, "{err}");
    assert!(out.contains("3 created, 0 updated, 0 unchanged"), "{out}");
    let (ok, out, _) = cli(&["import", "--kind", "orgunits", "--db", db, good], None);
    assert!(ok);
    assert!(
        out.contains("0 created, 0 updated, 3 unchanged"),
        "a second import changes nothing: {out}"
    );
    let koulu = store.org_unit("koulu").await.unwrap().unwrap();
    assert_eq!(koulu.parent_code.as_deref(), Some("lapinrinne"));

    // Users: password from standard input; bad input is named and refused.
    let (ok, out, err) = cli(
        &[
            "user",
            "add",
            "--db",
            db,
            "--email",
            "Paivi@Rovaniemi.example",
            "--name",
            "Päivi",
            "--role",
            "area_manager",
            "--org",
            "lapinrinne",
            "--password-stdin",
        ],
        Some("pitka-salasana-1\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("paivi@rovaniemi.example"));
    assert!(store
        .authenticate("paivi@rovaniemi.example", "pitka-salasana-1")
        .await
        .unwrap()
        .is_some());
    let (ok, _, err) = cli(
        &[
            "user",
            "add",
            "--db",
            db,
            "--email",
            "x@rovaniemi.example",
            "--name",
            "X",
            "--role",
            "king",
            "--org",
            "lapinrinne",
        ],
        None,
    );
    assert!(!ok && err.contains("--role"), "{err}");
    let (ok, _, err) = cli(
        &[
            "user",
            "add",
            "--db",
            db,
            "--email",
            "x@rovaniemi.example",
            "--name",
            "X",
            "--role",
            "admin",
            "--org",
            "lapinrinne",
        ],
        None,
    );
    assert!(!ok && err.contains("organisation"), "{err}");
    let (ok, _, err) = cli(
        &[
            "user",
            "add",
            "--db",
            db,
            "--email",
            "x@rovaniemi.example",
            "--name",
            "X",
            "--role",
            "staff",
            "--org",
            "koulu",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert!(!ok && err.contains("password"), "{err}");
    assert!(store
        .user_by_email("x@rovaniemi.example")
        .await
        .unwrap()
        .is_none());
    let (ok, out, _) = cli(&["user", "list", "--db", db], None);
    assert!(
        ok && out.contains("paivi@rovaniemi.example") && out.contains("area_manager@lapinrinne"),
        "{out}"
    );
    let (ok, out, _) = cli(
        &[
            "token",
            "create",
            "--db",
            db,
            "--email",
            "paivi@rovaniemi.example",
        ],
        None,
    );
    assert!(ok && out.trim().starts_with("kasvu_"));
    assert!(store.user_by_api_token(out.trim()).await.unwrap().is_some());
    let (ok, _, err) = cli(
        &[
            "token",
            "create",
            "--db",
            db,
            "--email",
            "nobody@rovaniemi.example",
        ],
        None,
    );
    assert!(!ok && err.contains("no user"), "{err}");

    // Demo data goes in beside another organisation, isolated from it.
    let (ok, out, err) = cli(&["demo", "--db", db], None);
    assert!(ok, "{err}");
    assert!(out.contains("admin@oulu.example") && out.contains("demo-admin-2026"));
    let oulu = store.org_unit("oulu").await.unwrap().unwrap();
    let rovaniemi = store.org_unit("rovaniemi").await.unwrap().unwrap();
    assert!(store
        .org_units(rovaniemi.id)
        .await
        .unwrap()
        .iter()
        .all(|u| u.org_id == rovaniemi.id));
    assert!(store
        .users(oulu.id)
        .await
        .unwrap()
        .iter()
        .all(|u| !u.email.ends_with("rovaniemi.example")));

    let copy = dir.path().join("copy.db");
    let (ok, out, err) = cli(&["backup", "--db", db, copy.to_str().unwrap()], None);
    if db.starts_with("sqlite") {
        assert!(ok, "{err}");
        assert!(out.contains("Backup written"));
        assert!(copy.exists());
    } else {
        assert!(!ok && err.contains("pg_dump"), "{err}");
    }
    store.close().await;
}

/// A planner's sheets as people write them (issue 19, part 6): codes in
/// capitals, `%` for percent, a kind on an area row. They import; the
/// ignored kind is said after the summary; a code beside the same code in
/// other capitals is still refused, naming the row and field.
async fn imports_forgive_what_is_safe(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let import = |kind: &str, name: &str, body: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        cli(
            &["import", "--kind", kind, "--db", db, path.to_str().unwrap()],
            None,
        )
    };
    let (ok, out, err) = import(
        "orgunits",
        "puu.csv",
        format!(
            "{HEAD}rovaniemi,,organisation,,Rovaniemi,,,\nTK-P,ROVANIEMI,area,school,Keskusta,,,\n\
             koulu,tk-p,unit,school,Koulu,,,\n"
        ),
    );
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].ends_with("puu.csv: 3 created, 0 updated, 0 unchanged."),
        "{out}"
    );
    assert!(
        lines[1].starts_with("Warning: ")
            && lines[1].ends_with(
                "puu.csv, row 3, field “kind”: Only units have a kind, not a unit of level area: the kind school was ignored."
            ),
        "the warning follows the summary: {out}"
    );
    assert_eq!(lines.len(), 2, "{out}");
    let store = Store::open(db).await.unwrap();
    let tkp = store.org_unit("tk-p").await.unwrap().unwrap();
    assert_eq!(
        (tkp.code.as_str(), tkp.kind),
        ("TK-P", None),
        "stored as written, without the kind"
    );

    // The same tree in other capitals is the same tree.
    let (ok, out, err) = import(
        "orgunits",
        "puu2.csv",
        format!("{HEAD}Rovaniemi,,organisation,,Rovaniemi,,,\ntk-p,rovaniemi,area,,Keskusta,,,\nKOULU,TK-p,unit,school,Koulu,,,\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("0 created, 0 updated, 3 unchanged"), "{out}");
    assert!(!out.contains("Warning"), "{out}");

    // A second unit whose code differs only by case is refused.
    let (ok, _, err) = import(
        "orgunits",
        "puu3.csv",
        format!("{HEAD}uusi,tk-p,unit,school,Uusi,,,\nUUSI,tk-p,unit,school,Uusi,,,\n"),
    );
    assert!(!ok);
    assert!(err.contains("puu3.csv, row 3, field 'code'"), "{err}");

    // The catalogue: capitals, `%`, references in other capitals.
    let (ok, out, err) = import(
        "indicators",
        "ind.csv",
        "code,name_fi,name_sv,name_en,unit,cadence,aggregation,direction,numerator,denominator,factor,external_codes\n\
         PUPILS,Oppilaat,,,lkm,yearly,sum,neutral,,,,\n\
         lonely_n,Yksinäiset,,,kpl,yearly,sum,down,,,,\n\
         Lonely,Yksinäisten osuus,,,%,yearly,ratio,down,LONELY_N,pupils,100,\n"
            .to_owned(),
    );
    assert!(ok, "{err}");
    assert!(out.contains("3 created"), "{out}");
    let lonely = store.indicator("LONELY").await.unwrap().unwrap();
    assert_eq!(lonely.spec.code, "Lonely");
    assert_eq!(lonely.spec.unit, kasvu_core::ValueUnit::Percent);
    assert_eq!(lonely.spec.numerator.as_deref(), Some("lonely_n"));
    assert_eq!(lonely.spec.denominator.as_deref(), Some("PUPILS"));

    // Values name the unit and the indicator in any capitals.
    let (ok, out, err) = import(
        "values",
        "arvot.csv",
        "indicator,orgunit,period,value\nPupils,KOULU,2025,120\nLONELY_N,Koulu,2025,12\n"
            .to_owned(),
    );
    assert!(ok, "{err}");
    assert!(out.contains("arvot.csv: 2 created, 0 replaced"), "{out}");
    // Their small numbers are protected ahead and kept for the server:
    // both people-counting tables (the ratio is protected through them).
    assert!(
        out.contains("arvot.csv: small numbers protected in 2 tables"),
        "{out}"
    );
    let kept = store
        .raw_execute_for_tests("UPDATE kept_protection SET year = year WHERE year = 2025")
        .await
        .unwrap();
    assert_eq!(kept, 2, "the year of both tables is kept");
    // Every command suppresses at the threshold it is given, as the server
    // does: 12 lonely pupils are shown at 5 and hidden at 13.
    for (below, shown) in [("5", true), ("13", false)] {
        let (ok, out, err) = cli(
            &[
                "export",
                "--db",
                db,
                "--indicator",
                "lonely_n",
                "--suppress-below",
                below,
            ],
            None,
        );
        assert!(ok, "{err}");
        assert_eq!(out.contains(";12;0;"), shown, "{out}");
        assert_eq!(out.contains(";;1;"), !shown, "{out}");
        assert!(!err.contains("Note"), "no server has recorded one: {err}");
    }
    // Once a server has started at 13, a command given no threshold hides
    // what it hides; one given another is told.
    let before = store
        .clone()
        .with_threshold(13.0)
        .record_threshold()
        .await
        .unwrap();
    assert_eq!(before, None);
    let export = |extra: &[&str]| {
        let mut args = vec!["export", "--db", db, "--indicator", "lonely_n"];
        args.extend_from_slice(extra);
        cli(&args, None)
    };
    let (ok, out, err) = export(&[]);
    assert!(ok, "{err}");
    assert!(out.contains(";;1;") && !out.contains(";12;"), "{out}");
    assert!(!err.contains("Note"), "{err}");
    let (ok, out, err) = export(&["--suppress-below", "5"]);
    assert!(ok, "{err}");
    assert!(out.contains(";12;0;"), "{out}");
    assert!(
        err.contains("the server of this database hides counts below 13; this command uses --suppress-below 5"),
        "{err}"
    );
    let changed = dir.path().join("arvot2.csv");
    std::fs::write(
        &changed,
        "indicator,orgunit,period,value\nPupils,KOULU,2025,121\n",
    )
    .unwrap();
    let (ok, out, err) = cli(
        &[
            "import",
            "--kind",
            "values",
            "--db",
            db,
            "--dry-run",
            changed.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(out.contains("0 created, 1 replaced"), "{out}");
    assert!(
        !out.contains("protected"),
        "a dry run protects nothing: {out}"
    );

    // A rename changes no table: nothing is protected again. A move sets
    // every kept year aside: both people tables are protected again.
    let (ok, out, err) = import(
        "orgunits",
        "puu4.csv",
        format!("{HEAD}KOULU,tk-p,unit,school,Koulu (uusi nimi),,,\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("0 created, 1 updated"), "{out}");
    assert!(!out.contains("protected"), "{out}");
    let (ok, out, err) = import(
        "orgunits",
        "puu5.csv",
        format!("{HEAD}tk-q,rovaniemi,area,,Pohjoinen,,,\nKOULU,tk-q,unit,school,Koulu,,,\n"),
    );
    assert!(ok, "{err}");
    assert!(out.contains("1 created, 1 updated"), "{out}");
    assert!(
        out.contains("puu5.csv: small numbers protected in 2 tables"),
        "{out}"
    );
}

on_both_databases!(import_is_all_or_nothing, imports_forgive_what_is_safe);
