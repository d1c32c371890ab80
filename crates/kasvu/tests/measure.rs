//! Shared measurement end to end through the real binary, on SQLite and
//! PostgreSQL: public pages and figures, suppression through every route
//! (page, API, export, chart), writes through the API with roles and scope,
//! and a write visible in the area roll-up at once.

mod common;

use common::{cli, client, token_for, Server};
use serde_json::{json, Value};

async fn get_json(c: &reqwest::Client, url: String) -> Value {
    let r = c.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

async fn pages_figures_and_suppression(db: &str) {
    let s = Server::start(db);
    let c = client();
    for path in [
        "/indicators",
        "/indicators/shps_lonely",
        "/indicators/shps_lonely?unit=itainen",
        "/indicators/lp_trained_share?unit=tuira",
        "/indicators/pilot_phone_calls?unit=keskinen",
        "/units/keskinen/dashboard",
    ] {
        let r = c.get(s.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"fi\""), "{path}");
        if path.starts_with("/indicators/") {
            assert!(html.contains("role=\"img\""), "{path}: a chart");
            assert!(
                html.contains("<table class=\"data-table\">"),
                "{path}: its table"
            );
            assert!(html.contains("class=\"summary\""), "{path}: its summary");
        }
    }
    let dash = c
        .get(s.url("/units/keskinen/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(dash.contains("Lastensuojelun asiakkuudet"));
    assert!(dash.contains("class=\"sparkline\""));
    assert!(
        dash.contains("Johtopäätös"),
        "the written conclusions are beside the figures"
    );
    assert_eq!(
        c.get(s.url("/indicators/nope"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // The demo's small count (4 boys in grade 8 in Itäinen, 2017) and the
    // cells that would reveal it are hidden in the API…
    let data = |q: &str| {
        s.url(&format!(
            "/api/v1/data?indicator=shps_lonely_n&orgunit=itainen&period=2017{q}"
        ))
    };
    for q in [
        "&sex=male&grade=8",
        "&sex=male&grade=9",
        "&sex=female&grade=8",
        "&sex=female&grade=9",
    ] {
        let d = get_json(&c, data(q)).await;
        assert_eq!(
            (d["value"].clone(), d["suppressed"].clone()),
            (Value::Null, json!(true)),
            "{q}"
        );
    }
    let total = get_json(&c, data("")).await;
    assert_eq!(total["suppressed"], json!(false));
    assert!(total["value"].as_f64().unwrap() > 5.0);
    let share = get_json(
        &c,
        s.url("/api/v1/data?indicator=shps_lonely&orgunit=itainen&period=2017&sex=male&grade=8"),
    )
    .await;
    assert_eq!(
        share["value"],
        Value::Null,
        "a ratio of a small count is hidden too"
    );
    // …in the exports…
    let csv = c
        .get(s.url("/indicators/shps_lonely_n/export?format=csv&org=oulu"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.contains("shps_lonely_n;itainen;2017;male;8;;1"),
        "{}",
        &csv[..200]
    );
    assert!(!csv.contains("shps_lonely_n;itainen;2017;male;8;4"));
    let js: Value = get_json(
        &c,
        s.url("/indicators/shps_lonely_n/export?format=jsonstat&org=oulu"),
    )
    .await;
    assert_eq!(js["class"], "dataset");
    assert!(js["status"].as_object().unwrap().values().any(|v| v == "c"));
    let xlsx = c
        .get(s.url("/indicators/shps_lonely_n/export?format=xlsx&org=oulu"))
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    // …and on the page (table and chart come from the same served figures).
    let page = c
        .get(s.url("/indicators/expert_groups?unit=tuiran-koulu"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let hidden = page.matches("piilotettu").count();
    assert!(hidden > 0, "the demo has expert-group counts below 5");
    let catalogue = get_json(&c, s.url("/api/v1/indicators")).await;
    assert!(catalogue
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["code"] == "lp_trained_share" && i["aggregation"] == "ratio"));
    let doc = get_json(&c, s.url("/api/v1/openapi.json")).await;
    assert!(doc["paths"]["/api/v1/data"]["post"].is_object());
}

async fn writes_through_the_api(db: &str) {
    let s = Server::start(db);
    let c = client();
    // Staff of Kaakkurin koulu may enter the school's values, nothing else.
    let staff = token_for(db, "tyontekija.kaakkuri@oulu.example");
    let before = get_json(
        &c,
        s.url("/api/v1/data?indicator=lp_discussions&orgunit=etelainen&period=2026"),
    )
    .await["value"]
        .as_f64()
        .unwrap_or(0.0);
    let post = |token: &str, body: Value| {
        c.post(s.url("/api/v1/data"))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let r = post(&staff, json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": "2026Q4", "value": 17}]}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["created"], 1);
    // Visible in the area's yearly roll-up at once.
    let after = get_json(
        &c,
        s.url("/api/v1/data?indicator=lp_discussions&orgunit=etelainen&period=2026"),
    )
    .await;
    assert_eq!(after["value"].as_f64().unwrap(), before + 17.0);
    assert_eq!(after["rollup"]["over_tree"], true);
    assert_eq!(after["rollup"]["over_time"], true);
    // Another school, a bad value, a locked period: refused, nothing stored.
    for (body, field) in [
        (
            json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": "2026Q4", "value": 18}, {"indicator": "lp_discussions", "orgunit": "tuiran-koulu", "period": "2026Q4", "value": 5}]}),
            "orgunit",
        ),
        (
            json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": "2026Q4", "value": 2.5}]}),
            "value",
        ),
        (
            json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": "2022Q1", "value": 3}]}),
            "period",
        ),
        (
            json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": "2026-10", "value": 3}]}),
            "period",
        ),
    ] {
        let r = post(&staff, body).await.unwrap();
        assert_eq!(r.status(), 400);
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["field"], field, "{e}");
    }
    let still = get_json(
        &c,
        s.url("/api/v1/data?indicator=lp_discussions&orgunit=kaakkurin-koulu&period=2026Q4"),
    )
    .await;
    assert_eq!(still["value"], 17.0, "the refused batches changed nothing");
    // A viewer may not write; no token, no write.
    let viewer = token_for(db, "katselija@oulu.example");
    let r = post(&viewer, json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": "2026Q4", "value": 1}]}))
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = c
        .post(s.url("/api/v1/data"))
        .json(&json!({"values": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // The admin may correct a locked period.
    let admin = token_for(db, "admin@oulu.example");
    let r = post(&admin, json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": "2022Q1", "value": 3}]}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn cli_import_and_export(db: &str) {
    let (ok, _, err) = cli(&["demo", "--db", db], None);
    assert!(ok, "{err}");
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("values.csv");
    std::fs::write(
        &good,
        "indicator;orgunit;period;value\nexpert_groups;tuiran-koulu;2026Q4;6\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "indicator;orgunit;period;value\nexpert_groups;tuiran-koulu;2026Q4;7\nexpert_groups;atlantis;2026Q4;1\n").unwrap();
    let (ok, _, err) = cli(&["import", "--db", db, bad.to_str().unwrap()], None);
    assert!(!ok);
    assert!(err.contains("bad.csv, row 3, field 'orgunit'"), "{err}");
    let (ok, out, err) = cli(
        &["import", "--db", db, "--dry-run", good.to_str().unwrap()],
        None,
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("1 created") && out.contains("dry-run"),
        "{out}"
    );
    let (ok, out, err) = cli(&["import", "--db", db, good.to_str().unwrap()], None);
    assert!(ok, "{err}");
    assert!(out.contains("1 created"), "{out}");
    let (ok, out, _) = cli(&["import", "--db", db, good.to_str().unwrap()], None);
    assert!(
        ok && out.contains("0 created, 0 replaced, 1 unchanged"),
        "{out}"
    );
    let (ok, out, err) = cli(
        &[
            "export",
            "--db",
            db,
            "--indicator",
            "expert_groups",
            "--format",
            "csv",
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("expert_groups;tuiran-koulu;2026Q4;total;;6;0"),
        "{out}"
    );
    let (ok, _, err) = cli(&["export", "--db", db, "--indicator", "nope"], None);
    assert!(!ok && err.contains("--indicator"), "{err}");
    let cat = dir.path().join("ind.csv");
    std::fs::write(&cat, "code,name_fi,name_sv,name_en,unit,cadence,aggregation,direction,numerator,denominator,factor,external_codes\nwellbeing_visits,Hyvinvointiklinikan käynnit,,,count,monthly,sum,neutral,,,,\n").unwrap();
    let (ok, out, err) = cli(
        &[
            "import",
            "--kind",
            "indicators",
            "--db",
            db,
            cat.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok, "{err}");
    assert!(out.contains("1 created"), "{out}");
}

on_both_databases!(
    pages_figures_and_suppression,
    writes_through_the_api,
    cli_import_and_export
);
