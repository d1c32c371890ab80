//! The measurement feature (`src/measure`): indicator pages and the
//! dashboard, small-number suppression in the API, writes through the API
//! and the data entry form.

mod common;

use common::{anonymous, location, App};
use serde_json::{json, Value};

/// The current period of a type: never locked, whatever day the tests run.
fn current(t: kasvu_core::PeriodType) -> String {
    kasvu_core::Period::of_date(t, kasvu_core::clock::today()).code()
}

/// The first (newest) option of a group in a period menu.
fn newest_option(html: &str, group: &str) -> String {
    let at = html
        .find(&format!("<optgroup label=\"{group}\">"))
        .unwrap_or_else(|| panic!("no {group} in the period menu"));
    let rest = &html[at..];
    let v = rest.find("value=\"").expect("an option") + 7;
    let len = rest[v..].find('"').expect("end of the value");
    rest[v..v + len].to_owned()
}

/// The public indicator page draws a chart with its table and summary in
/// Finnish; the area dashboard shows the demo's figures and conclusions;
/// unknown indicators are 404.
async fn indicator_pages_and_dashboard(app: &App) {
    let c = anonymous();
    let page = app.page(&c, "/indicators/shps_lonely?unit=itainen").await;
    assert!(page.contains("<html lang=\"fi\""));
    assert!(page.contains("role=\"img\""), "a chart");
    assert!(page.contains("<table class=\"data-table\">"), "its table");
    assert!(page.contains("class=\"summary\""), "its summary");
    let dash = app.page(&c, "/units/keskinen/dashboard").await;
    assert!(dash.contains("Lastensuojelun asiakkuudet"));
    assert!(dash.contains("Johtopäätös"), "the written conclusions");
    assert_eq!(app.get(&c, "/indicators/nope").await.status(), 404);
}

/// The demo's small count (boys in grade 8 in Itäinen, 2017) is hidden in
/// the API, and so is its ratio; the total is shown.
async fn api_suppresses_small_counts(app: &App) {
    let data =
        |q: &str| format!("/api/v1/data?indicator=shps_lonely_n&orgunit=itainen&period=2017{q}");
    let small = app.api(None, &data("&sex=male&grade=8")).await;
    assert_eq!(small["value"], Value::Null);
    assert_eq!(small["suppressed"], json!(true));
    let total = app.api(None, &data("")).await;
    assert_eq!(total["suppressed"], json!(false));
    assert!(total["value"].as_f64().expect("a number") > 5.0);
    let share = app
        .api(
            None,
            "/api/v1/data?indicator=shps_lonely&orgunit=itainen&period=2017&sex=male&grade=8",
        )
        .await;
    assert_eq!(share["value"], Value::Null, "a ratio of a small count too");
    let catalogue = app.api(None, "/api/v1/indicators").await;
    assert!(catalogue
        .as_array()
        .expect("a list")
        .iter()
        .any(|i| i["code"] == "shps_lonely"));
}

/// Issue 18, item 4: the demo's expert-group meetings count activities,
/// not people, so a school's small quarterly counts — hidden before — are
/// served as they are, through `/api/v1/data` and on the indicator page,
/// while counts of people stay hidden.
async fn activity_counts_are_shown(app: &App) {
    let ind = app
        .store
        .indicator("expert_groups")
        .await
        .expect("the catalogue")
        .expect("expert_groups");
    assert_eq!(ind.spec.counts, kasvu_core::Counts::Activities);
    let school = app
        .store
        .org_unit("maikkulan-koulu")
        .await
        .expect("the tree")
        .expect("maikkulan-koulu");
    let series = app
        .store
        .series(&ind, school.id, &kasvu_store::Breakdown::total())
        .await
        .expect("the series");
    let small: Vec<(String, f64)> = series
        .iter()
        .filter_map(|(p, o)| o.raw.filter(|v| *v < 5.0).map(|v| (p.code(), v)))
        .collect();
    assert!(
        !small.is_empty(),
        "the demo has expert-group counts below 5"
    );
    for (period, value) in &small {
        let d = app
            .api(
                None,
                &format!(
                    "/api/v1/data?indicator=expert_groups&orgunit=maikkulan-koulu&period={period}"
                ),
            )
            .await;
        assert_eq!(
            (d["value"].as_f64(), d["suppressed"].clone()),
            (Some(*value), json!(false)),
            "{period}"
        );
    }
    let c = anonymous();
    let page = app
        .page(&c, "/indicators/expert_groups?unit=maikkulan-koulu")
        .await;
    assert!(!page.contains("piilotettu"), "nothing hidden");
    assert!(
        page.contains("Tämä mittari laskee toimintaa"),
        "the page says why"
    );
    assert!(page.contains("toimintaa (kokouksia"), "and what it counts");
    // Counts of people are still hidden, and the page says so.
    let page = app.page(&c, "/indicators/shps_lonely?unit=itainen").await;
    assert!(page.contains("perustuu alle viiteen henkilöön"));
    assert!(page.contains("ihmisiä (lapsia"));
    let catalogue = app.api(None, "/api/v1/indicators").await;
    let counts = |code: &str| {
        catalogue
            .as_array()
            .expect("a list")
            .iter()
            .find(|i| i["code"] == code)
            .map(|i| i["counts"].clone())
    };
    assert_eq!(counts("expert_groups"), Some(json!("activities")));
    assert_eq!(counts("pilot_phone_calls"), Some(json!("activities")));
    assert_eq!(counts("shps_lonely"), Some(json!("people")));
}

/// Staff of Kaakkurin koulu write their school's value through the API and
/// it is in the area's yearly roll-up at once; another school's value in
/// the same batch refuses the whole batch (403); no token is 401.
async fn api_writes_with_scope(app: &App) {
    let q = current(kasvu_core::PeriodType::Quarterly);
    let y = current(kasvu_core::PeriodType::Yearly);
    let staff = app.api_token("tyontekija.kaakkuri@oulu.example").await;
    let area = format!("/api/v1/data?indicator=lp_discussions&orgunit=etelainen&period={y}");
    let before = app.api(None, &area).await["value"].as_f64().unwrap_or(0.0);
    let c = anonymous();
    let post = |token: Option<&str>, body: Value| {
        let mut req = c.post(app.url("/api/v1/data")).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    let r = post(Some(&staff), json!({"values": [{"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": q, "value": 17}]}))
        .await
        .expect("POST data");
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.expect("JSON")["created"], 1);
    let after = app.api(None, &area).await;
    assert_eq!(after["value"].as_f64(), Some(before + 17.0));
    assert_eq!(after["rollup"]["over_tree"], true);

    let r = post(
        Some(&staff),
        json!({"values": [
        {"indicator": "lp_discussions", "orgunit": "kaakkurin-koulu", "period": q, "value": 18},
        {"indicator": "lp_discussions", "orgunit": "tuiran-koulu", "period": q, "value": 5}]}),
    )
    .await
    .expect("POST data");
    assert_eq!(r.status(), 403, "another school's value is forbidden");
    assert_eq!(r.json::<Value>().await.expect("JSON")["field"], "orgunit");
    let school =
        format!("/api/v1/data?indicator=lp_discussions&orgunit=kaakkurin-koulu&period={q}");
    assert_eq!(
        app.api(None, &school).await["value"],
        17.0,
        "the refused batch changed nothing"
    );
    let r = post(None, json!({"values": []})).await.expect("POST data");
    assert_eq!(r.status(), 401);
}

/// The data entry form: signed out it sends to the login page; a POST
/// without the CSRF token is 403 and stores nothing; with it the staff
/// member's figure is saved (303) and readable from the API.
async fn data_entry_form(app: &App) {
    let path = "/units/kaakkurin-koulu/entry";
    let r = app.get(&anonymous(), path).await;
    assert_eq!(r.status(), 303);
    assert!(location(&r).starts_with("/login?next="));

    let staff = app.login("tyontekija.kaakkuri@oulu.example").await;
    let page = app.page(&staff, path).await;
    let half = newest_option(&page, "Vuosipuoliskot");
    let api = format!("/api/v1/data?indicator=staff&orgunit=kaakkurin-koulu&period={half}");
    let before = app.api(None, &api).await["value"].clone();
    assert_ne!(before, json!(23.0), "the test value is new");

    let form = [("period", half.as_str()), ("v-staff-total", "23")];
    let r = app.post_without_csrf(&staff, path, &form).await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.api(None, &api).await["value"], before);

    let r = app.post(&staff, path, &form).await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.api(None, &api).await["value"], 23.0);
}

/// Uploads a file at `/imports` with the client's CSRF token.
async fn upload(app: &App, c: &reqwest::Client, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let token = app.csrf(c, "/imports").await;
    let form = reqwest::multipart::Form::new().text("csrf", token).part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    c.post(app.url("/imports"))
        .multipart(form)
        .send()
        .await
        .expect("POST /imports")
}

/// Follows an import job's page until it stops offering "check again".
async fn finished_job(app: &App, c: &reqwest::Client, path: &str) -> (u16, String) {
    for _ in 0..200 {
        let r = app.get(c, path).await;
        let status = r.status().as_u16();
        let page = r.text().await.expect("job page");
        assert!(!page.contains("http-equiv"), "no meta refresh");
        if !page.contains("id=\"import-check\"") {
            return (status, page);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the import at {path} did not finish");
}

/// Issue 17's attack as written: a data-entry user uploads the 1.5 KB
/// workbook whose one cell is at XFD1048576 (it aborted the server with
/// "memory allocation of 549755813888 bytes failed"). The job is refused
/// naming the cell and the column limit, and the server keeps serving: the
/// same user's next, good file imports.
async fn hostile_workbook_upload_is_refused(app: &App) {
    let staff = app.login("tyontekija.kaakkuri@oulu.example").await;
    let attack = include_bytes!("../../kasvu-io/tests/fixtures/xfd1048576.xlsx").to_vec();
    let r = upload(app, &staff, "hyokkays.xlsx", attack).await;
    assert_eq!(r.status(), 303, "the job starts");
    let job = location(&r);
    let (status, page) = finished_job(app, &staff, &job).await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains("hyokkays.xlsx, rivi 1048576: cell XFD1048576 is past the limit of 256 columns (column limit)"),
        "{page}"
    );
    assert_eq!(app.get(&anonymous(), "/healthz").await.status(), 200);
    let m = current(kasvu_core::PeriodType::Monthly);
    let good =
        format!("indicator,orgunit,period,value\npilot_phone_calls,kaakkurin-koulu,{m},17\n");
    let r = upload(app, &staff, "hyva.csv", good.into_bytes()).await;
    let (status, page) = finished_job(app, &staff, &location(&r)).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Valmis:"), "{page}");
}

on_both_databases!(
    indicator_pages_and_dashboard,
    api_suppresses_small_counts,
    activity_counts_are_shown,
    api_writes_with_scope,
    data_entry_form,
    hostile_workbook_upload_is_refused
);

/// An upload over the file size setting is refused as it is read, with a
/// page naming the file and the limit (here 1 MB); nothing starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_over_the_size_setting_is_refused() {
    let db = kasvu_store::testing::TestDb::sqlite().await;
    let config = kasvu_web::WebConfig {
        import_limits: kasvu_io::Limits {
            file_bytes: 1024 * 1024,
            ..Default::default()
        },
        ..Default::default()
    };
    let app = common::spawn_app_with(&db, config).await;
    let staff = app.login("tyontekija.kaakkuri@oulu.example").await;
    let r = upload(&app, &staff, "iso.csv", vec![b'x'; 1024 * 1024 + 1]).await;
    assert_eq!(r.status(), 400);
    let page = r.text().await.expect("error page");
    assert!(
        page.contains("iso.csv: tiedosto on suurempi kuin 1 Mt:n raja (tiedostokoon raja)"),
        "{page}"
    );
    let list = app.page(&staff, "/imports").await;
    assert!(list.contains("Enintään 1 Mt."), "the form says the limit");
    assert!(!list.contains("iso.csv"), "no job started");
    app.stop();
    db.finish().await;
}
