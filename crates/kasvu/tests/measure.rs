//! Shared measurement end to end through the real binary, on SQLite and
//! PostgreSQL: public pages and figures, suppression through every route
//! (page, API, export, chart), writes through the API with roles and scope,
//! and a write visible in the area roll-up at once.

mod common;

use common::{cli, client, csrf_of, demo_password, login, token_for, Server};
use serde_json::{json, Value};

/// The current period of a type: never locked, whatever day the tests run.
fn current(t: kasvu_core::PeriodType) -> String {
    kasvu_core::Period::of_date(t, kasvu_core::clock::today()).code()
}

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
    // Areas side by side: a chart, its table with a column per chosen area,
    // and a summary.
    let cmp = c
        .get(s.url("/compare?indicator=shps_lonely&unit=itainen&unit=keskinen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(cmp.contains("role=\"img\"") && cmp.contains("class=\"summary\""));
    assert!(cmp.contains("<th scope=\"col\">Itäinen alue</th>"));
    assert!(!cmp.contains("<th scope=\"col\">Eteläinen alue</th>"));
    assert_eq!(
        c.get(s.url("/compare?indicator=nope"))
            .send()
            .await
            .unwrap()
            .status(),
        404
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
    // Issue 18: subtraction across units fails. The export showed Oulu's
    // 52 beside three areas' 12, 18 and 18; now Oulu's figure minus the
    // areas shown beside it never isolates one hidden area, in the export
    // or the API (which used to serve the cells the export hid).
    let export_cell = |unit: &str| {
        let prefix = format!("shps_lonely_n;{unit};2017;male;8;");
        csv.lines()
            .find(|l| l.starts_with(&prefix))
            .map(|l| l[prefix.len()..].split(';').next().unwrap_or("").to_owned())
            .unwrap_or_else(|| panic!("{unit} in the export"))
    };
    let areas = ["keskinen", "pohjoinen", "itainen", "etelainen"];
    let hidden_areas = areas.iter().filter(|a| export_cell(a).is_empty()).count();
    assert!(
        export_cell("oulu").is_empty() || hidden_areas >= 2,
        "Oulu {} with {hidden_areas} hidden area",
        export_cell("oulu")
    );
    let api_cell = |unit: &str| {
        s.url(&format!(
            "/api/v1/data?indicator=shps_lonely_n&orgunit={unit}&period=2017&sex=male&grade=8"
        ))
    };
    for unit in ["oulu"].iter().chain(areas.iter()) {
        let d = get_json(&c, api_cell(unit)).await;
        assert_eq!(
            d["suppressed"].as_bool(),
            Some(export_cell(unit).is_empty()),
            "{unit}: one cell, one answer in the API and the export"
        );
    }
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
    // …while expert-group meetings count activities, not people: the
    // demo's small counts are shown on the page as they are (issue 18,
    // item 4; they were hidden before).
    let page = c
        .get(s.url("/indicators/expert_groups?unit=tuiran-koulu"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(page.matches("piilotettu").count(), 0);
    assert!(page.contains("Tämä mittari laskee toimintaa"));
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
    let q = current(kasvu_core::PeriodType::Quarterly);
    let y = current(kasvu_core::PeriodType::Yearly);
    // Staff of Kaakkurin koulu may enter the school's values, nothing else.
    let staff = token_for(db, "tyontekija.kaakkuri@oulu.example");
    let before = get_json(
        &c,
        s.url(&format!(
            "/api/v1/data?indicator=lp_discussions&orgunit=etelainen&period={y}"
        )),
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
    let r = post(&staff, json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": q, "value": 17}]}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["created"], 1);
    // Visible in the area's yearly roll-up at once.
    let after = get_json(
        &c,
        s.url(&format!(
            "/api/v1/data?indicator=lp_discussions&orgunit=etelainen&period={y}"
        )),
    )
    .await;
    assert_eq!(after["value"].as_f64().unwrap(), before + 17.0);
    assert_eq!(after["rollup"]["over_tree"], true);
    assert_eq!(after["rollup"]["over_time"], true);
    // Issue 19: one school's figure for the quarter under way does not
    // become the area's headline: it is shown beside it as provisional.
    let dash = c
        .get(s.url("/units/etelainen/dashboard"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let row = dash
        .split("<tr>")
        .find(|r| r.contains("/indicators/lp_discussions?"))
        .unwrap();
    let provisional = row
        .split("class=\"muted provisional\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no provisional note: {row}"));
    assert!(
        provisional.contains("kesken: 17 (alustava)"),
        "{provisional}"
    );
    // Another school (forbidden), a bad value, a locked period: refused,
    // nothing stored.
    for (body, field, status) in [
        (
            json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": q, "value": 18}, {"indicator": "lp_discussions", "orgunit": "tuiran-koulu", "period": q, "value": 5}]}),
            "orgunit",
            403,
        ),
        (
            json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": q, "value": 2.5}]}),
            "value",
            400,
        ),
        (
            json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": "2022Q1", "value": 3}]}),
            "period",
            400,
        ),
        (
            json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": "2026-10", "value": 3}]}),
            "period",
            400,
        ),
    ] {
        let r = post(&staff, body).await.unwrap();
        assert_eq!(r.status(), status);
        let e: Value = r.json().await.unwrap();
        assert_eq!(e["field"], field, "{e}");
    }
    let still = get_json(
        &c,
        s.url(&format!(
            "/api/v1/data?indicator=lp_discussions&orgunit=kaakkurin-koulu&period={q}"
        )),
    )
    .await;
    assert_eq!(still["value"], 17.0, "the refused batches changed nothing");
    // A viewer may not write; no token, no write.
    let viewer = token_for(db, "katselija@oulu.example");
    let r = post(&viewer, json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": q, "value": 1}]}))
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
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

    // Issue 19: on the indicator page too, the quarter under way is told
    // as provisional, after the finished quarter's figure and verdicts.
    let page = |unit: &'static str| {
        let (c, url) = (
            c.clone(),
            s.url(&format!("/indicators/lp_discussions?unit={unit}")),
        );
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page("kaakkuri").await;
    let summary = html.split("<p class=\"summary\">").nth(1).unwrap();
    let summary = &summary[..summary.find("</p>").unwrap()];
    assert!(summary.contains("kesken: 17 (alustava)"), "{summary}");
    assert!(
        html.contains("17 (alustava)</td>"),
        "the table marks it too"
    );
    // A finished quarter one of the cluster's two units has no figure for
    // is provisional: no verdict is drawn from it.
    let last = kasvu_core::Period::parse(&q)
        .unwrap()
        .offset(-1)
        .unwrap()
        .code();
    let r = post(&admin, json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-pk", "period": last, "value": null}]}))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let html = page("kaakkuri").await;
    let summary = html.split("<p class=\"summary\">").nth(1).unwrap();
    let summary = &summary[..summary.find("</p>").unwrap()];
    assert!(summary.contains("Luku on alustava"), "{summary}");
    for verdict in ["parempi", "huonompi", "ennust", "nousi", "laski", "pysyi"] {
        assert!(!summary.contains(verdict), "{verdict} in {summary}");
    }
    assert!(html.contains("luku on 1 alayksiköltä 2:stä"), "{html}");
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
            "--org",
            "oulu",
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

/// The first option of a labelled `<optgroup>` (the newest period of that length).
fn newest_option(html: &str, group: &str) -> String {
    let at = html
        .find(&format!("<optgroup label=\"{group}\">"))
        .unwrap_or_else(|| panic!("no {group} in the period menu"));
    let rest = &html[at..];
    let v = rest.find("value=\"").unwrap() + 7;
    rest[v..v + rest[v..].find('"').unwrap()].to_owned()
}

async fn text(r: reqwest::Response) -> (u16, String) {
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn data_entry_form(db: &str) {
    let s = Server::start(db);
    let email = "tyontekija.kaakkuri@oulu.example";
    let c = login(&s, email, demo_password(email)).await;
    let form = s.url("/units/kaakkurin-koulu/entry");
    let (status, page) = text(c.get(&form).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let half = newest_option(&page, "Vuosipuoliskot");
    let (status, page) = text(c.get(format!("{form}?period={half}")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    for id in ["v-staff-total", "v-lp_trained-total"] {
        assert!(page.contains(&format!("<label for=\"{id}\"")), "{id}");
    }
    // Issue 19: the catalogue says which kinds of unit enter what.
    assert!(
        !page.contains("v-shl_clients"),
        "family centres enter social-welfare clients, not schools"
    );
    assert!(
        !page.contains("v-lp_trained_share"),
        "a ratio is computed, not entered"
    );
    assert!(!page.contains("v-pilot_phone_calls"), "monthly, not here");
    let token = csrf_of(&page);
    let post = |fields: Vec<(&str, &str)>| {
        let mut all = vec![("csrf", token.as_str()), ("period", half.as_str())];
        all.extend(fields);
        c.post(&form).form(&all).send()
    };
    let api = |ind: &str| {
        s.url(&format!(
            "/api/v1/data?indicator={ind}&orgunit=kaakkurin-koulu&period={half}"
        ))
    };
    let anon = client();
    let staff_before = get_json(&anon, api("staff")).await["value"].clone();

    // More trained staff than staff: refused beside the field, nothing stored,
    // what was typed is shown again.
    let (status, page) = text(
        post(vec![("v-staff-total", "10"), ("v-lp_trained-total", "12")])
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("class=\"error-summary\""), "{page}");
    assert!(page.contains("href=\"#v-lp_trained-total\""), "{page}");
    assert!(
        page.contains("”Henkilöstö”"),
        "the other indicator by its name"
    );
    assert!(page.contains("value=\"12\""));
    assert_eq!(get_json(&anon, api("staff")).await["value"], staff_before);
    // Not a number: named, nothing stored.
    let (status, page) = text(
        post(vec![
            ("v-staff-total", "10"),
            ("v-lp_trained-total", "kymmenen"),
        ])
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("href=\"#v-lp_trained-total\""), "{page}");
    assert_eq!(get_json(&anon, api("staff")).await["value"], staff_before);

    // Good figures (decimal comma is fine for a whole number too).
    let r = post(vec![("v-staff-total", "20"), ("v-lp_trained-total", "15")])
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let back = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, page) = text(c.get(s.url(&back)).send().await.unwrap()).await;
    assert!(page.contains("role=\"status\""), "the save is confirmed");
    assert!(page.contains("value=\"20\"") && page.contains("value=\"15\""));
    assert_eq!(get_json(&anon, api("staff")).await["value"], 20.0);
    assert_eq!(
        get_json(&anon, api("lp_trained_share")).await["value"],
        75.0
    );
    // A field the form does not carry is left alone…
    let r = post(vec![("v-staff-total", "20")]).await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(get_json(&anon, api("lp_trained")).await["value"], 15.0);
    // …while emptying a field removes the figure.
    let r = post(vec![("v-staff-total", "20"), ("v-lp_trained-total", "")])
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("removed=1"));
    assert_eq!(
        get_json(&anon, api("lp_trained")).await["value"],
        Value::Null
    );

    // A locked period is shown read-only and refused on save.
    let (_, page) = text(c.get(format!("{form}?period=2020S1")).send().await.unwrap()).await;
    assert!(page.contains(" readonly"), "locked fields are read-only");
    let r = c
        .post(&form)
        .form(&[
            ("csrf", token.as_str()),
            ("period", "2020S1"),
            ("v-staff-total", "99"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Another school, a viewer, no CSRF token, nobody signed in: refused.
    assert_eq!(
        c.get(s.url("/units/tuiran-koulu/entry"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let r = c
        .post(&form)
        .form(&[
            ("csrf", "x"),
            ("period", half.as_str()),
            ("v-staff-total", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let viewer = login(
        &s,
        "katselija@oulu.example",
        demo_password("katselija@oulu.example"),
    )
    .await;
    assert_eq!(viewer.get(&form).send().await.unwrap().status(), 403);
    let r = anon.get(&form).send().await.unwrap();
    assert_eq!(r.status(), 303, "to the login page");
    assert_eq!(get_json(&anon, api("staff")).await["value"], 20.0);
    // Every change is in the audit log, by the person who made it.
    let admin = login(
        &s,
        "admin@oulu.example",
        demo_password("admin@oulu.example"),
    )
    .await;
    let (_, audit) = text(admin.get(s.url("/admin/audit")).send().await.unwrap()).await;
    assert!(audit.contains(email), "{audit}");
}

async fn targets_and_conclusions_pages(db: &str) {
    let s = Server::start(db);
    let email = "aluepaallikko.keskinen@oulu.example";
    let c = login(&s, email, demo_password(email)).await;
    let page_url = s.url("/units/keskinen/targets");
    let (status, page) = text(c.get(&page_url).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let token = csrf_of(&page);
    // A bad value and a period shorter than the indicator's cadence: both named.
    let r = c
        .post(&page_url)
        .form(&[
            ("csrf", token.as_str()),
            ("indicator", "child_protection_clients"),
            ("period", "2027Q1"),
            ("value", "paljon"),
        ])
        .send()
        .await
        .unwrap();
    let (status, page) = text(r).await;
    assert_eq!(status, 400);
    assert!(page.contains("href=\"#t-period\"") && page.contains("href=\"#t-value\""));
    let r = c
        .post(&page_url)
        .form(&[
            ("csrf", token.as_str()),
            ("indicator", "child_protection_clients"),
            ("period", "2027"),
            ("value", "150"),
            ("baseline", "2025"),
            ("note", "Varhainen tuki vähentää asiakkuuksia"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, dash) = text(
        c.get(s.url("/units/keskinen/dashboard"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        dash.contains("150 (2027)"),
        "the dashboard shows the target"
    );
    assert!(dash.contains("/units/keskinen/targets"));
    // Conclusions: saved, shown on the public dashboard.
    let r = c
        .post(s.url("/units/keskinen/analysis"))
        .form(&[
            ("csrf", token.as_str()),
            ("period", "2026"),
            (
                "body",
                "Yksinäisyys väheni kouluissa, joissa kerhoja lisättiin.",
            ),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, public) = text(
        client()
            .get(s.url("/units/keskinen/dashboard"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(public.contains("Yksinäisyys väheni kouluissa"));
    assert!(
        !public.contains("/units/keskinen/targets"),
        "no edit link for the public"
    );
    // Remove the target.
    let r = c
        .post(s.url("/units/keskinen/targets/remove"))
        .form(&[
            ("csrf", token.as_str()),
            ("indicator", "child_protection_clients"),
            ("period", "2027"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, dash) = text(
        c.get(s.url("/units/keskinen/dashboard"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(!dash.contains("150 (2027)"));
    // Another area's manager and staff may not.
    let other = "aluepaallikko.etelainen@oulu.example";
    let o = login(&s, other, demo_password(other)).await;
    assert_eq!(o.get(&page_url).send().await.unwrap().status(), 403);
    let staff = "tyontekija.kaakkuri@oulu.example";
    let st = login(&s, staff, demo_password(staff)).await;
    assert_eq!(
        st.get(s.url("/units/kaakkurin-koulu/targets"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

/// The text of the page's summary sentence.
fn summary_of(html: &str) -> String {
    let at = html.find("<p class=\"summary\">").expect("a summary") + 19;
    html[at..at + html[at..].find("</p>").expect("closed")].to_owned()
}

/// Issue 19: the summary's forecast is the table's forecast for the same
/// period; a biennial survey is compared with the previous survey; the
/// targets page offers periods by name, never a code to type.
async fn one_forecast_and_periods_by_name(db: &str) {
    let s = Server::start(db);
    let c = client();
    for path in [
        "/indicators/lp_discussions?unit=keskinen",
        "/indicators/pilot_phone_calls?unit=keskinen",
        "/indicators/child_protection_clients?unit=oulu",
    ] {
        let (status, page) = text(c.get(s.url(path)).send().await.unwrap()).await;
        assert_eq!(status, 200, "{path}");
        let summary = summary_of(&page);
        // "Viimeisin luku on 1 304 (3. neljännes 2026)."
        let latest = summary
            .split("Viimeisin luku on ")
            .nth(1)
            .and_then(|t| t.split(" (").nth(1))
            .and_then(|t| t.split(").").next())
            .unwrap_or_else(|| panic!("{path}: {summary}"))
            .to_owned();
        // "… trendi ennusti kaudelle 3. neljännes 2026 1 316: …"
        let marker = format!("ennusti kaudelle {latest} ");
        let Some(rest) = summary.split(&marker).nth(1) else {
            panic!("{path}: the summary names the forecast of {latest}: {summary}");
        };
        let forecast = rest.split(':').next().expect("a number").to_owned();
        let row_at = page
            .find(&format!("<th scope=\"row\">{latest}</th>"))
            .unwrap_or_else(|| panic!("{path}: a table row for {latest}"));
        let row = &page[row_at..row_at + page[row_at..].find("</tr>").expect("row end")];
        assert!(
            row.ends_with(&format!("<td class=\"num\">{forecast}</td>")),
            "{path}: the sentence says {forecast} for {latest}, the table: {row}"
        );
    }
    // The School Health Promotion Survey is biennial: its change is against
    // the previous survey (2023), not the empty year 2024.
    let (_, lonely) = text(
        c.get(s.url("/indicators/shps_lonely"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let summary = summary_of(&lonely);
    assert!(summary.contains("(2025)"), "{summary}");
    assert!(
        summary.contains("(2023): ") || summary.contains(", 2023)"),
        "compared with the previous survey: {summary}"
    );
    assert!(!summary.contains("2024"), "{summary}");

    let email = "aluepaallikko.keskinen@oulu.example";
    let c = login(&s, email, demo_password(email)).await;
    let page_url = s.url("/units/keskinen/targets");
    let (status, page) = text(c.get(&page_url).send().await.unwrap()).await;
    assert_eq!(status, 200);
    for id in ["t-period", "t-baseline", "a-period"] {
        assert!(
            page.contains(&format!("<select id=\"{id}\"")),
            "{id} is a choice"
        );
        assert!(!page.contains(&format!("id=\"{id}\" name=\"period\" type=\"text\"")));
    }
    assert!(!page.contains("2026Q3 (neljännes)"), "no codes in the hint");
    for input in page.split("<input").skip(1) {
        let tag = &input[..input.find('>').unwrap_or(input.len())];
        assert!(
            !(tag.contains("name=\"period\"") && tag.contains("type=\"text\"")),
            "a period typed as text: {tag}"
        );
    }
    let year = kasvu_core::clock::today().year();
    assert!(page.contains(&format!(">3. neljännes {year}</option>")));
    assert!(page.contains(&format!("<option value=\"{year}Q3\"")));
    assert!(page.contains("<optgroup label=\"Kuukaudet\">"));
    assert!(page.contains(&format!(">maaliskuu {year}</option>")));
    // Nothing chosen: a missing answer, not a malformed code.
    let token = csrf_of(&page);
    let r = c
        .post(&page_url)
        .form(&[
            ("csrf", token.as_str()),
            ("indicator", "child_protection_clients"),
            ("period", ""),
            ("value", "150"),
        ])
        .send()
        .await
        .unwrap();
    let (status, page) = text(r).await;
    assert_eq!(status, 400);
    assert!(page.contains("href=\"#t-period\"") && page.contains("Tieto on pakollinen."));
    assert!(!page.contains("käytä muotoa 2024"), "no code asked for");
    // The chosen indicator and period survive the refusal.
    let r = c
        .post(&page_url)
        .form(&[
            ("csrf", token.as_str()),
            ("indicator", "child_protection_clients"),
            ("period", &format!("{}", year + 1)),
            ("value", "paljon"),
        ])
        .send()
        .await
        .unwrap();
    let (status, page) = text(r).await;
    assert_eq!(status, 400);
    assert!(page.contains(&format!("<option value=\"{}\" selected>", year + 1)));
    // In Swedish and English the quarters read their way.
    c.get(s.url("/lang/sv")).send().await.unwrap();
    let (_, sv) = text(c.get(&page_url).send().await.unwrap()).await;
    assert!(sv.contains(&format!(">kvartal 3 {year}</option>")), "sv");
    c.get(s.url("/lang/en")).send().await.unwrap();
    let (_, en) = text(c.get(&page_url).send().await.unwrap()).await;
    assert!(en.contains(&format!(">Q3 {year}</option>")), "en");
}

/// Uploads a file to the web import; returns the job page's path.
async fn upload(
    s: &Server,
    c: &reqwest::Client,
    token: &str,
    name: &str,
    body: &str,
) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", token.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name(name.to_owned()),
        );
    c.post(s.url("/imports"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Uploads a file with the form's other fields.
async fn upload_with(
    s: &Server,
    c: &reqwest::Client,
    token: &str,
    name: &str,
    body: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new()
        .text("csrf", token.to_owned())
        .part(
            "file",
            reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name(name.to_owned()),
        );
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    c.post(s.url("/imports"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Asks a job's status endpoint until the job ends, then reads its page.
/// The page never refreshes itself: while the job runs it has a "check
/// again" button (and the script that asks the endpoint).
async fn finished_job(s: &Server, c: &reqwest::Client, path: &str) -> (u16, String) {
    for _ in 0..200 {
        let r = c
            .get(s.url(&format!("{path}/status")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let v: Value = r.json().await.unwrap();
        if v["running"] == Value::Bool(false) {
            let (status, page) = text(c.get(s.url(path)).send().await.unwrap()).await;
            assert!(!page.contains("http-equiv"), "no meta refresh: {page}");
            assert!(!page.contains("id=\"import-check\""), "{page}");
            return (status, page);
        }
        let (_, page) = text(c.get(s.url(path)).send().await.unwrap()).await;
        assert!(
            !page.contains("http-equiv"),
            "no meta refresh while it runs"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import at {path} did not finish");
}

async fn web_import_with_progress(db: &str) {
    let s = Server::start(db);
    let email = "tyontekija.kaakkuri@oulu.example";
    let c = login(&s, email, demo_password(email)).await;
    let (status, page) = text(c.get(s.url("/imports")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert!(page.contains("enctype=\"multipart/form-data\""));
    let token = csrf_of(&page);
    let anon = client();
    let q = current(kasvu_core::PeriodType::Quarterly);
    let m = current(kasvu_core::PeriodType::Monthly);
    let api = s.url(&format!(
        "/api/v1/data?indicator=lp_discussions&orgunit=kaakkurin-koulu&period={q}"
    ));
    let before = get_json(&anon, api.clone()).await["value"].clone();

    // A bad row: the job page answers 400 and names the row and field; nothing stored.
    let bad = format!("indicator,orgunit,period,value\nlp_discussions,kaakkurin-koulu,{q},41\nlp_discussions,tuiran-koulu,{q},5\n");
    let r = upload(&s, &c, &token, "huono.csv", &bad).await;
    assert_eq!(r.status(), 303);
    let job = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(job.starts_with("/imports/"));
    let (status, page) = finished_job(&s, &c, &job).await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("huono.csv, rivi 3, kenttä ”orgunit”"),
        "{page}"
    );
    assert_eq!(get_json(&anon, api.clone()).await["value"], before);

    let store = kasvu_store::Store::open(db).await.unwrap();
    assert_eq!(
        store.recorded_threshold().await.unwrap(),
        Some(5.0),
        "the server recorded its threshold for the command line"
    );
    let kept = "SELECT COUNT(*) FROM kept_protection WHERE indicator_id = \
                (SELECT id FROM indicators WHERE code = 'school_counsellor_clients')";
    assert_eq!(
        store.raw_count_for_tests(kept).await.unwrap(),
        0,
        "nothing kept before a good import"
    );

    // A good file: a progress bar, then the summary.
    let mut good = String::from("indicator,orgunit,period,value\n");
    good.push_str(&format!("pilot_phone_calls,kaakkurin-koulu,{m},17\n"));
    good.push_str(&format!("lp_discussions,kaakkurin-koulu,{q},41\n"));
    good.push_str(&format!(
        "school_counsellor_clients,kaakkurin-koulu,{q},9\n"
    ));
    let r = upload(&s, &c, &token, "hyva.csv", &good).await;
    let job = r.headers()["location"].to_str().unwrap().to_owned();
    let (status, page) = finished_job(&s, &c, &job).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<progress id=\"import-progress\" value=\"1\" max=\"1\">"));
    assert!(page.contains("Valmis:"), "{page}");
    // The finished job links to what changed: both indicators, the unit.
    assert!(
        page.contains("href=\"/indicators/lp_discussions\"")
            && page.contains("href=\"/indicators/pilot_phone_calls\"")
            && page.contains("href=\"/units/kaakkurin-koulu/dashboard\""),
        "{page}"
    );
    let v: Value = c
        .get(s.url(&format!("{job}/status")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["finished"], Value::Bool(true), "{v}");
    assert_eq!((v["value"].clone(), v["max"].clone()), (1.into(), 1.into()));
    assert!(v["status"].as_str().unwrap().starts_with("Valmis:"), "{v}");
    let hrefs: Vec<&str> = v["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["href"].as_str())
        .collect();
    assert!(hrefs.contains(&"/indicators/lp_discussions"), "{v}");
    assert!(hrefs.contains(&"/units/kaakkurin-koulu/dashboard"), "{v}");
    // Once the figures are in, the server protects the people-counting
    // tables the file touched in the background and keeps the years: the
    // school counsellors' clients, which nobody has asked for, get them.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while store.raw_count_for_tests(kept).await.unwrap() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no table was protected after the import"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // Only the tables the file named: no other people-counting table (the
    // demo has several) was protected ahead — given the pass a moment more
    // (a pass over every table keeps one every few milliseconds here).
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let others = "SELECT COUNT(*) FROM kept_protection WHERE indicator_id NOT IN \
                  (SELECT id FROM indicators WHERE code = 'school_counsellor_clients')";
    assert_eq!(store.raw_count_for_tests(others).await.unwrap(), 0);
    store.close().await;
    // A running job's page: no meta refresh, the script from this site,
    // and a "check again" button that reloads the page itself.
    // One value and many blank rows (skipped, but read): a job that runs a while.
    let mut big =
        format!("indicator,orgunit,period,value\nlp_discussions,kaakkurin-koulu,{q},41\n");
    big.push_str(&",,,\n".repeat(200_000));
    let r = upload(&s, &c, &token, "iso.csv", &big).await;
    let big_job = r.headers()["location"].to_str().unwrap().to_owned();
    let (_, running) = text(c.get(s.url(&big_job)).send().await.unwrap()).await;
    if running.contains("id=\"import-check\"") {
        assert!(!running.contains("http-equiv"), "{running}");
        assert!(running.contains(&format!("<form method=\"get\" action=\"{big_job}\">")));
        assert!(
            running.contains("<script src=\"/static/import-progress."),
            "{running}"
        );
        let script = running
            .split("<script src=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap()
            .to_owned();
        let js = c.get(s.url(&script)).send().await.unwrap();
        assert_eq!(js.status(), 200);
        let csp = js.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"),
            "{csp}"
        );
        assert!(js.text().await.unwrap().contains("data-status-url"));
    }
    let (status, _) = finished_job(&s, &c, &big_job).await;
    assert_eq!(status, 200);
    // Another user's job status is not found.
    let other = login(
        &s,
        "admin@oulu.example",
        demo_password("admin@oulu.example"),
    )
    .await;
    assert_eq!(
        other
            .get(s.url(&format!("{job}/status")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(get_json(&anon, api.clone()).await["value"], 41.0);
    // Listed on the import page; another user cannot see the job.
    let (_, list) = text(c.get(s.url("/imports")).send().await.unwrap()).await;
    assert!(list.contains(&job) && list.contains("hyva.csv"));
    let admin = login(
        &s,
        "admin@oulu.example",
        demo_password("admin@oulu.example"),
    )
    .await;
    assert_eq!(admin.get(s.url(&job)).send().await.unwrap().status(), 404);
    // No file, no CSRF token, a viewer: refused before anything starts.
    let r = c
        .post(s.url("/imports"))
        .multipart(reqwest::multipart::Form::new().text("csrf", token.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(upload(&s, &c, "x", "hyva.csv", &good).await.status(), 403);
    let viewer = login(
        &s,
        "katselija@oulu.example",
        demo_password("katselija@oulu.example"),
    )
    .await;
    assert_eq!(
        viewer.get(s.url("/imports")).send().await.unwrap().status(),
        403
    );
}

/// A JSON-stat file with a dimension Kasvu cannot place: the web upload and
/// `kasvu import` refuse it naming the dimension, and import it with the
/// dimension mapped (the form's Dimensions field, `--dim`).
async fn jsonstat_dimensions_mapped(db: &str) {
    let s = Server::start(db);
    let email = "tyontekija.kaakkuri@oulu.example";
    let c = login(&s, email, demo_password(email)).await;
    let (_, page) = text(c.get(s.url("/imports")).send().await.unwrap()).await;
    assert!(page.contains("name=\"dims\""), "{page}");
    let token = csrf_of(&page);
    let q = current(kasvu_core::PeriodType::Quarterly);
    let api = s.url(&format!(
        "/api/v1/data?indicator=lp_discussions&orgunit=kaakkurin-koulu&period={q}"
    ));
    let before = get_json(&client(), api.clone()).await["value"].clone();
    // The place is found by its code; "Jakso" is no known name.
    let file = format!(
        r#"{{"version": "2.0", "class": "dataset", "id": ["Paikka", "Jakso", "Tiedot"], "size": [1, 2, 1],
          "dimension": {{
            "Paikka": {{"category": {{"index": ["kaakkurin-koulu"]}}}},
            "Jakso": {{"category": {{"index": ["{q}", "2000Q1"]}}}},
            "Tiedot": {{"category": {{"index": ["lp_discussions"]}}}}
          }},
          "value": [43, null]}}"#
    );
    let r = upload_with(&s, &c, &token, "jaksot.json", &file, &[]).await;
    let job = r.headers()["location"].to_str().unwrap().to_owned();
    let (status, page) = finished_job(&s, &c, &job).await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("jaksot.json, kenttä ”Jakso”: Ulottuvuutta Jakso (2 luokkaa) ei tunnistettu"),
        "{page}"
    );
    assert_eq!(get_json(&client(), api.clone()).await["value"], before);
    // A mapping that is none is refused before the job starts.
    let r = upload_with(&s, &c, &token, "jaksot.json", &file, &[("dims", "Jakso")]).await;
    let (status, page) = text(r).await;
    assert_eq!(status, 400);
    assert!(page.contains("ei ole ulottuvuuden merkitys"), "{page}");
    let r = upload_with(
        &s,
        &c,
        &token,
        "jaksot.json",
        &file,
        &[("dims", "Jakso=period")],
    )
    .await;
    let job = r.headers()["location"].to_str().unwrap().to_owned();
    let (status, page) = finished_job(&s, &c, &job).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(get_json(&client(), api.clone()).await["value"], 43.0);

    // The CLI: the same refusal, a bad --dim, and the mapped file.
    let (ok, _, err) = cli(
        &["import", "--db", db, "--format", "jsonstat", "-"],
        Some(&file),
    );
    assert!(!ok);
    assert!(
        err.contains("<stdin>, field 'Jakso': dimension Jakso (2 categories) is not recognised"),
        "{err}"
    );
    let (ok, _, err) = cli(&["import", "--db", db, "--dim", "Jakso", "-"], Some(&file));
    assert!(!ok);
    assert!(
        err.contains("--dim Jakso: 'Jakso' is not a dimension mapping"),
        "{err}"
    );
    let (ok, out, err) = cli(
        &["import", "--db", db, "--dim", "jakso=period", "-"],
        Some(&file),
    );
    assert!(ok, "{err}");
    assert!(out.contains("0 created, 0 replaced, 1 unchanged"), "{out}");
}

/// Issue 17's attack through `kasvu import`: the 1.5 KB workbook with one
/// cell at XFD1048576 is refused naming the cell and the column limit (the
/// process used to abort allocating 512 GB); the limits are flags, and the
/// file size limit refuses a file before it is read.
async fn cli_refuses_hostile_files(db: &str) {
    let (ok, _, err) = cli(&["migrate", "--db", db], None);
    assert!(ok, "{err}");
    let attack = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../kasvu-io/tests/fixtures/xfd1048576.xlsx"
    );
    let (ok, _, err) = cli(&["import", "--db", db, attack], None);
    assert!(!ok);
    assert!(
        err.contains("xfd1048576.xlsx, row 1048576: cell XFD1048576 is past the limit of 256 columns (column limit)"),
        "{err}"
    );
    assert!(!err.contains("memory allocation"), "{err}");
    let (ok, _, err) = cli(&["import", "--db", db, "--max-columns", "10", attack], None);
    assert!(!ok && err.contains("limit of 10 columns"), "{err}");
    let (ok, _, err) = cli(&["import", "--db", db, "--max-file-mb", "0", attack], None);
    assert!(!ok);
    assert!(
        err.contains(
            "xfd1048576.xlsx: the file is more than the limit of 0 bytes (file size limit)"
        ),
        "{err}"
    );
    let (ok, _, err) = cli(
        &["import", "--db", db, "--format", "sotkanet", "-"],
        Some(&format!("{}1{}", "[".repeat(100), "]".repeat(100))),
    );
    assert!(!ok);
    assert!(
        err.contains(
            "<stdin>: arrays and objects are nested deeper than the limit of 32 (JSON depth limit)"
        ),
        "{err}"
    );
}

/// Issue 19: the demo city's official child-protection figure (Sotkanet's,
/// stored for Oulu itself) is served as itself — not added to its areas'
/// sum — and the sum is beside it with its coverage, in the API, the
/// export and (for staff) the page.
async fn reported_city_figure(db: &str) {
    let s = Server::start(db);
    let c = client();
    let city = get_json(
        &c,
        s.url("/api/v1/data?indicator=child_protection_clients&orgunit=oulu&period=2025"),
    )
    .await;
    let areas: f64 = {
        let mut sum = 0.0;
        for a in ["keskinen", "pohjoinen", "itainen", "etelainen"] {
            let d = get_json(
                &c,
                s.url(&format!(
                    "/api/v1/data?indicator=child_protection_clients&orgunit={a}&period=2025"
                )),
            )
            .await;
            // Stored for the area itself (its schools report none).
            assert_eq!(d["rollup"]["source"], json!("reported"), "{a}: {d}");
            sum += d["value"].as_f64().unwrap();
        }
        sum
    };
    let value = city["value"].as_f64().unwrap();
    assert_eq!(city["rollup"]["source"], json!("reported"), "{city}");
    assert!(
        value > areas && value < areas * 1.1,
        "the official {value}, not the areas' {areas} added to it"
    );
    assert_eq!(city["summed"]["value"].as_f64(), Some(areas), "{city}");
    assert_eq!(
        (
            city["summed"]["reporting"].clone(),
            city["summed"]["units"].clone()
        ),
        (json!(4), json!(4))
    );
    // Before Sotkanet's figures (2023 on) the city is its areas' sum.
    let old = get_json(
        &c,
        s.url("/api/v1/data?indicator=child_protection_clients&orgunit=oulu&period=2021"),
    )
    .await;
    assert_eq!(old["rollup"]["source"], json!("summed"));
    assert_eq!(old["value"], old["summed"]["value"]);
    // The export says which is which.
    let csv = c
        .get(s.url("/indicators/child_protection_clients/export?format=csv&org=oulu"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains(";suppressed;source\r\n"), "{csv}");
    assert!(
        csv.contains("child_protection_clients;oulu;2025;total;;"),
        "{csv}"
    );
    let city_line = csv
        .lines()
        .find(|l| l.starts_with("child_protection_clients;oulu;2025;"))
        .unwrap();
    assert!(city_line.ends_with(";reported"), "{city_line}");
    assert!(csv
        .lines()
        .any(|l| l.starts_with("child_protection_clients;oulu;2021;") && l.ends_with(";summed")));
    // The page names the figure's source; staff see the sum beside it.
    let page = c
        .get(s.url("/indicators/child_protection_clients?unit=oulu"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("yksikölle itselleen ilmoitettu"), "{page}");
    assert!(!page.contains("summed-beside"));
    let email = "aluepaallikko.keskinen@oulu.example";
    let staff = login(&s, email, demo_password(email)).await;
    let page = staff
        .get(s.url("/indicators/child_protection_clients?unit=oulu"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("class=\"summed-beside\""), "{page}");
    assert!(page.contains("(4/4 alayksikköä)"), "{page}");
}

/// Issue 19: who of the units expected to report has, per area and period,
/// on a page for the organisation's people and in the API.
async fn reporting_completeness(db: &str) {
    let s = Server::start(db);
    let admin = token_for(db, "admin@oulu.example");
    let c = client();
    let q = kasvu_core::Period::parse(&current(kasvu_core::PeriodType::Quarterly))
        .unwrap()
        .previous()
        .unwrap()
        .code();
    let api = format!("/api/v1/completeness?orgunit=keskinen&period={q}");
    assert_eq!(c.get(s.url(&api)).send().await.unwrap().status(), 401);
    let soite = token_for(db, "admin@soite.example");
    let r = c.get(s.url(&api)).bearer_auth(&soite).send().await.unwrap();
    assert_eq!(r.status(), 404, "another organisation's units");
    let r = c.get(s.url(&api)).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let all: Value = r.json().await.unwrap();
    let lp = all
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == "lp_discussions")
        .unwrap_or_else(|| panic!("{all}"))
        .clone();
    let expected = lp["expected"].as_u64().unwrap();
    assert!(
        expected >= 4,
        "schools and day-care centres of the area: {lp}"
    );
    assert_eq!(lp["reporting"], lp["expected"], "{lp}");
    assert_eq!(lp["complete"], true);
    // Quarterly indicators only, for a quarter: no monthly pilot phone.
    assert!(all
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["period"] == json!(q)));
    // One school's figure removed: it is late, the quarter incomplete.
    let school = lp["units"][0]["orgunit"].as_str().unwrap().to_owned();
    let r = c
        .post(s.url("/api/v1/data"))
        .bearer_auth(&admin)
        .json(&json!({"values": [{"indicator": "lp_discussions", "orgunit": school, "period": q, "value": null}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let all: Value = c
        .get(s.url(&api))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let lp = all
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"] == "lp_discussions")
        .unwrap()
        .clone();
    assert_eq!(lp["reporting"].as_u64(), Some(expected - 1));
    assert_eq!(lp["complete"], false);
    let late: Vec<&str> = lp["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["late"] == true)
        .map(|u| u["orgunit"].as_str().unwrap())
        .collect();
    assert_eq!(late, [school.as_str()]);
    // The coverage of the area's sum says the same.
    let d = get_json(
        &c,
        s.url(&format!(
            "/api/v1/data?indicator=lp_discussions&orgunit=keskinen&period={q}"
        )),
    )
    .await;
    assert_eq!(d["summed"]["reporting"].as_u64(), Some(expected - 1), "{d}");
    assert_eq!(d["summed"]["units"].as_u64(), Some(expected), "{d}");
    // The page, for the area's manager; nobody signed in is sent to sign in.
    let r = c
        .get(s.url("/units/keskinen/completeness"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    let email = "aluepaallikko.keskinen@oulu.example";
    let manager = login(&s, email, demo_password(email)).await;
    let (status, page) = text(
        manager
            .get(s.url(&format!("/units/keskinen/completeness?period={q}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("<html lang=\"fi\""));
    assert!(
        page.contains(&format!("{} / {expected}", expected - 1)),
        "{page}"
    );
    assert!(page.contains("alustava"), "{page}");
    let (status, _) = text(
        manager
            .get(s.url("/units/keskinen/completeness?period=2026X9"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 400, "a period that is none is refused, named");
}

/// Rates per child (issue 19, part 3): the demo's child-protection rate
/// is 1000 × clients / population aged 0–17 of the area, and the
/// comparison shows it beside the count and ranks the areas by it.
async fn areas_compared_by_rate(db: &str) {
    let s = Server::start(db);
    let c = client();
    let data = |q: &str| s.url(&format!("/api/v1/data?orgunit=keskinen&period=2025&{q}"));
    let clients = get_json(&c, data("indicator=child_protection_clients")).await;
    let children = get_json(&c, data("indicator=population&age_group=0-17")).await;
    let everyone = get_json(&c, data("indicator=population")).await;
    let rate = get_json(&c, data("indicator=child_protection_rate")).await;
    let (Some(n), Some(d), Some(all), Some(r)) = (
        clients["value"].as_f64(),
        children["value"].as_f64(),
        everyone["value"].as_f64(),
        rate["value"].as_f64(),
    ) else {
        panic!("{clients} {children} {everyone} {rate}")
    };
    assert_eq!(children["age_group"], json!("0-17"));
    assert!(
        d < all / 3.0,
        "children are a part of everyone: {d} of {all}"
    );
    assert!((r - 1000.0 * n / d).abs() < 0.05, "{r} = 1000 × {n} / {d}");
    // The count names its rate in the API.
    let list = get_json(&c, s.url("/api/v1/indicators")).await;
    let ind = list
        .as_array()
        .and_then(|l| {
            l.iter()
                .find(|i| i["code"] == json!("child_protection_clients"))
        })
        .cloned()
        .unwrap_or_default();
    assert_eq!(ind["rate"], json!("child_protection_rate"), "{list}");

    let cmp = c
        .get(s.url("/compare?indicator=child_protection_clients&unit=keskinen&unit=etelainen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        cmp.contains("Alueita verrataan lukuun 1\u{a0}000 0\u{2013}17-vuotiasta kohden"),
        "{cmp}"
    );
    assert!(
        cmp.contains("<th scope=\"col\">Keskinen alue, suhteutettuna</th>"),
        "{cmp}"
    );
    // Ranked by rate: the summary lists the rates, best (lowest) first.
    let summary = cmp
        .split("<p class=\"summary\">")
        .nth(1)
        .and_then(|t| t.split("</p>").next())
        .unwrap_or_default();
    assert!(summary.contains('‰'), "{summary}");
    let rate_url = |area: &str| {
        s.url(&format!(
            "/api/v1/data?indicator=child_protection_rate&orgunit={area}&period=2025"
        ))
    };
    let k = get_json(&c, rate_url("keskinen")).await["value"].as_f64();
    let e = get_json(&c, rate_url("etelainen")).await["value"].as_f64();
    let (Some(k), Some(e)) = (k, e) else {
        panic!("both areas have a rate")
    };
    let (first, second) = if k <= e {
        ("Keskinen alue", "Eteläinen alue")
    } else {
        ("Eteläinen alue", "Keskinen alue")
    };
    let at = |n: &str| summary.find(n).unwrap_or(usize::MAX);
    assert!(at(first) < at(second), "{summary}");

    // The areas side by side on the indicator page: the rate beside the count.
    let page = c
        .get(s.url("/indicators/child_protection_clients?unit=oulu"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("class=\"rate-note\""), "{page}");
    assert!(
        page.contains("<th scope=\"col\">Suhteutettuna</th>"),
        "{page}"
    );
}

/// A unit moved through the API sets every protected year aside (all
/// versions move): the server protects the tables again in the background,
/// so the next dashboards find them kept instead of protecting from cold.
async fn a_move_is_protected_ahead(db: &str) {
    let s = Server::start(db);
    let store = kasvu_store::Store::open(db).await.unwrap();
    let current = "SELECT COUNT(*) FROM kept_protection k JOIN protection_versions v \
                   ON v.indicator_id = k.indicator_id AND v.year = k.year \
                   AND v.version = k.version";
    let token = token_for(db, "admin@oulu.example");
    let api = reqwest::Client::new();
    let mut unit = get_json(&api, s.url("/api/v1/orgunits/tuiran-koulu")).await;
    assert_eq!(unit["parent"], "tuira", "{unit}");
    unit["parent"] = json!("kaakkuri");
    let r = api
        .put(s.url("/api/v1/orgunits/tuiran-koulu"))
        .bearer_auth(&token)
        .json(&unit)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    // Nothing is asked of the server meanwhile: years kept at the versions
    // after the move are the background pass's.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while store.raw_count_for_tests(current).await.unwrap() == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "nothing was protected ahead after the move"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    // A second server that cannot start (its port is the running one's)
    // does not record its threshold over the running server's.
    assert_eq!(store.recorded_threshold().await.unwrap(), Some(5.0));
    let taken = s.url("").trim_start_matches("http://").to_owned();
    let (ok, _, err) = cli(
        &[
            "serve",
            "--db",
            db,
            "--addr",
            &taken,
            "--suppress-below",
            "3",
        ],
        None,
    );
    assert!(!ok && err.contains("cannot listen"), "{err}");
    assert_eq!(store.recorded_threshold().await.unwrap(), Some(5.0));
    drop(s);

    // The threshold a server starts with is recorded for the command line
    // (and a server started without one takes it, but never below 5: each
    // start records what it uses).
    for (args, recorded) in [
        (&["--suppress-below", "7"][..], 7.0),
        (&[], 7.0),
        (&["--suppress-below", "3"], 3.0),
        (&[], 5.0),
    ] {
        let mut server = Server::start_with(db, args);
        server.terminate(std::time::Duration::from_secs(30));
        assert_eq!(
            store.recorded_threshold().await.unwrap(),
            Some(recorded),
            "after serve {args:?}"
        );
    }
    store.close().await;
}

on_both_databases!(
    a_move_is_protected_ahead,
    reporting_completeness,
    areas_compared_by_rate,
    one_forecast_and_periods_by_name,
    reported_city_figure,
    web_import_with_progress,
    data_entry_form,
    targets_and_conclusions_pages,
    pages_figures_and_suppression,
    writes_through_the_api,
    cli_import_and_export,
    cli_refuses_hostile_files,
    jsonstat_dimensions_mapped
);
