//! The welfare plan's pages end to end through the real binary, on SQLite
//! and PostgreSQL: the demo plan's results chain from the aim to measures
//! with their indicators, and its filters.

mod common;

use common::{client, csrf_of, demo_password, login, token_for, Server};

async fn text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Fails when `html` shows an ISO date (2022-06-13) anywhere but in a
/// `datetime` or `value` attribute (machine-readable by design).
fn assert_no_iso_dates(html: &str, lang: &str) {
    let b = html.as_bytes();
    for i in 0..b.len().saturating_sub(10) {
        let w = &b[i..i + 10];
        let iso = w.iter().enumerate().all(|(k, c)| {
            if k == 4 || k == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        if !iso || (i > 0 && b[i - 1].is_ascii_digit()) {
            continue;
        }
        let before = &b[..i];
        assert!(
            before.ends_with(b"datetime=\"") || before.ends_with(b"value=\""),
            "{lang}: an ISO date in the text: …{}…",
            String::from_utf8_lossy(&b[i.saturating_sub(80)..(i + 40).min(b.len())])
        );
    }
}

async fn results_chain(db: &str) {
    let s = Server::start(db);
    let c = client();
    let (status, list) = text(&c, s.url("/plans")).await;
    assert_eq!(status, 200);
    let at = list
        .find("href=\"/plans/")
        .expect("the demo plan is listed")
        + 6;
    let path = list[at..at + list[at..].find('"').unwrap()].to_owned();
    assert!(list.contains("Voimassa"), "in force");

    let (status, page) = text(&c, s.url(&path)).await;
    assert_eq!(status, 200);
    for goal in [
        "Alueen hyvinvointitiedon hyödyntäminen",
        "Välittävän toimintakulttuurin rakentaminen",
        "Osallisuuden ja vaikuttamisen vahvistaminen",
    ] {
        assert!(page.contains(goal), "{goal}");
    }
    assert!(
        page.contains("Hyvinvoiva lapsi, nuori, perhe ja yhteisö"),
        "the aim"
    );
    assert!(page.contains("Perhekeskustoiminta"), "a focus area");
    assert!(
        page.contains("href=\"/indicators/shps_hobby\""),
        "evidence links to its indicator"
    );
    assert!(page.contains("Toimenpiteitä 12:"), "{page}");
    // The biennial survey's evidence is judged against the previous survey
    // (2023), not the empty year 2024.
    let at = page
        .find("<a href=\"/indicators/shps_lonely\">")
        .expect("the survey as evidence");
    let row = &page[at..at + page[at..].find("</tr>").expect("row end")];
    assert!(
        ["parempi kuin 2023", "huonompi kuin 2023", "sama kuin 2023"]
            .iter()
            .any(|v| row.contains(v)),
        "evidence compared with the 2023 survey: {row}"
    );
    assert!(
        page.contains("Pilotti päättyi"),
        "the status log's latest note is shown"
    );
    assert!(page.contains("Arvio 2025"), "evaluations are shown");
    assert!(
        page.contains("Vahvuudet ja haasteet")
            && page.contains("Hyvinvointialueiden monialainen ohjausryhmä"),
        "strengths, challenges and the coordinating structures"
    );
    assert!(
        page.contains("Vaikuttavuus") && page.contains("Yhä harvempi lapsi"),
        "the impact statements"
    );
    // Filters: by the right of the child, by status, by owner unit.
    let (_, hobbies) = text(&c, s.url(&format!("{path}?right=sports_and_hobbies"))).await;
    assert!(hobbies.contains("Maksuttomat kerhot koulupäivän yhteydessä"));
    assert!(!hobbies.contains("Pilottipuhelin perheiden"));
    let (_, done) = text(&c, s.url(&format!("{path}?status=done"))).await;
    assert!(done.contains("Pilottipuhelin perheiden"));
    assert!(done.contains("Toimenpiteitä 1:"));
    let (_, owned) = text(&c, s.url(&format!("{path}?owner=kulttuuripalvelut"))).await;
    assert!(owned.contains("Taideneuvola"));
    assert!(!owned.contains("Pilottipuhelin perheiden"));
    // The organisation's dashboard warns of the plan's review (the demo plan
    // was approved on 13 June 2022, so its review was due on 13 June 2026).
    let (_, dash) = text(&c, s.url("/units/oulu/dashboard")).await;
    assert!(
        dash.contains("arvioinnin määräaika 13.6.2026 on ylittynyt"),
        "{dash}"
    );
    // Dates in the reader's conventions: no ISO date on the plan page
    // outside machine-readable attributes, in any language.
    assert_no_iso_dates(&page, "fi");
    assert!(page.contains("13.6.2022"), "approved on, the Finnish way");
    let en = client();
    en.get(s.url("/lang/en")).send().await.unwrap();
    let (_, page_en) = text(&en, s.url(&path)).await;
    assert_no_iso_dates(&page_en, "en");
    assert!(page_en.contains("13 June 2022"), "approved on, in English");
    let sv = client();
    sv.get(s.url("/lang/sv")).send().await.unwrap();
    let (_, page_sv) = text(&sv, s.url(&path)).await;
    assert_no_iso_dates(&page_sv, "sv");
    assert!(
        page_sv.contains("13.6.2022"),
        "approved on, Finland-Swedish"
    );
    let (_, south) = text(&c, s.url(&format!("{path}?area=etelainen"))).await;
    assert!(
        south.contains("Pilottipuhelin perheiden"),
        "owned in Kaakkuri, in the south"
    );
    assert!(
        !south.contains("Taideneuvola"),
        "owned by the city's culture services"
    );
    let (_, none) = text(&c, s.url(&format!("{path}?status=dropped"))).await;
    assert!(none.contains("Valinnoilla ei löytynyt toimenpiteitä"));
    assert_eq!(text(&c, s.url("/plans/999999")).await.0, 404);

    // The yearly welfare report: a printable page with charts and tables,
    // a PDF with pages and the title, and an XLSX of the figures.
    let (status, report) = text(&c, s.url(&format!("{path}/report?year=2025"))).await;
    assert_eq!(status, 200);
    assert!(report.contains("<h1>Hyvinvointikertomus 2025: Oulun kaupunki</h1>"));
    assert!(report.contains("role=\"img\"") && report.contains("class=\"data-table\""));
    assert!(
        report.contains("Vuoden 2025 tulokset käsiteltiin"),
        "the year's evaluations"
    );
    // The biennial survey's 2025 figure is compared with the 2023 survey,
    // not with the empty year 2024.
    let at = report
        .find("<th scope=\"row\">Kokee itsensä usein yksinäiseksi (%)</th>")
        .expect("the survey's row");
    let row = &report[at..at + report[at..].find("</tr>").expect("row end")];
    assert!(row.contains("(2023)"), "{row}");
    assert!(
        ["parempi", "huonompi", "sama"]
            .iter()
            .any(|v| row.ends_with(&format!("<td>{v}</td>"))),
        "a verdict: {row}"
    );
    let pdf = c
        .get(s.url(&format!("{path}/report.pdf?year=2025")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let raw = String::from_utf8_lossy(&pdf);
    assert!(raw.contains("/Type /Page"), "the PDF has pages");
    assert!(raw.contains("/Title"), "and a title");
    let xlsx = c
        .get(s.url(&format!("{path}/report.xlsx?year=2025")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");
    // The organisation's plan reported for one area.
    let (status, area_report) =
        text(&c, s.url(&format!("{path}/report?year=2025&unit=itainen"))).await;
    assert_eq!(status, 200);
    assert!(area_report.contains("<h1>Hyvinvointikertomus 2025: Itäinen alue</h1>"));

    // Each area's regional development plan is on the area's page, drawn
    // from the organisation's plan and linked back to it.
    let (_, area) = text(&c, s.url("/units/keskinen")).await;
    let at = area
        .find("Alueellinen kehittämissuunnitelma")
        .expect("the area page links its regional plan");
    let href = area[at..].find("href=\"").unwrap() + at + 6;
    let regional = area[href..href + area[href..].find('"').unwrap()].to_owned();
    let (status, rp) = text(&c, s.url(&regional)).await;
    assert_eq!(status, 200);
    assert!(rp.contains("Keskisen alueen kehittämissuunnitelma"));
    assert!(
        rp.contains(&format!("href=\"{path}\"")),
        "linked to the organisation's plan"
    );
    assert!(
        rp.contains("Tuiran perhekeskuksen perhekahvila"),
        "its own measure"
    );
    assert!(
        rp.contains("Perhekeskustoiminta"),
        "a focus area it takes up"
    );
    assert!(
        !rp.contains("Pilottipuhelin"),
        "not the organisation's measures"
    );
}

/// The id of the measure whose name is `name` on a results-chain page.
fn measure_id(page: &str, name: &str) -> String {
    let at = page
        .find(name)
        .unwrap_or_else(|| panic!("{name} on the page"));
    let marker = "id=\"measure-";
    let start = page[..at].rfind(marker).expect("the measure's id") + marker.len();
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

async fn lifecycle_and_follow_up(db: &str) {
    let s = Server::start(db);
    let admin_email = "admin@oulu.example";
    let admin = login(&s, admin_email, demo_password(admin_email)).await;
    let (_, list) = text(&admin, s.url("/plans")).await;
    let at = list.find("href=\"/plans/").unwrap() + 6;
    let v1 = list[at..at + list[at..].find('"').unwrap()].to_owned();
    let (_, page) = text(&admin, s.url(&v1)).await;
    assert!(page.contains(&format!("action=\"{v1}/versions\"")));
    let token = csrf_of(&page);

    // A frozen version is changed through a new draft version.
    let r = admin
        .post(s.url(&format!("{v1}/versions")))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let v2 = r.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(v2, v1);
    let (status, draft) = text(&admin, s.url(&v2)).await;
    assert_eq!(status, 200);
    assert!(draft.contains("Luonnos") && draft.contains("Perhekeskustoiminta"));
    assert_eq!(
        text(&client(), s.url(&v2)).await.0,
        404,
        "drafts are not public"
    );
    // The draft's content can be changed in the page; the frozen one's not.
    let draft_json = {
        let at = draft
            .find("id=\"plan-content\"")
            .expect("the draft's content form");
        let start = draft[at..].find('>').unwrap() + at + 1;
        let end = draft[start..].find("</textarea>").unwrap() + start;
        draft[start..end]
            .replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let edited = draft_json.replace("Perhekeskustoiminta", "Perhekeskustoiminta ja kotipalvelu");
    let r = admin
        .post(s.url(&format!("{v2}/content")))
        .form(&[("csrf", token.as_str()), ("content", edited.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, draft) = text(&admin, s.url(&v2)).await;
    assert!(draft.contains("Perhekeskustoiminta ja kotipalvelu"));
    let r = admin
        .post(s.url(&format!("{v1}/content")))
        .form(&[("csrf", token.as_str()), ("content", edited.as_str())])
        .send()
        .await
        .unwrap();
    // A conflict with the stored state, as the API answers it too.
    assert_eq!(r.status(), 409, "a frozen version is not edited");
    // Approval needs the council's date and decision; then in force.
    let status_url = s.url(&format!("{v2}/status"));
    let r = admin
        .post(&status_url)
        .form(&[
            ("csrf", token.as_str()),
            ("status", "approved"),
            ("approved_on", ""),
            ("decision_ref", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = admin
        .post(&status_url)
        .form(&[("csrf", token.as_str()), ("status", "in_force")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "a draft is approved before it is in force");
    for form in [
        vec![
            ("status", "approved"),
            ("approved_on", "2026-11-02"),
            ("decision_ref", "KV 2.11.2026 § 99"),
        ],
        vec![("status", "in_force")],
    ] {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(form);
        let r = admin.post(&status_url).form(&all).send().await.unwrap();
        assert_eq!(r.status(), 303);
    }
    let (_, list) = text(&client(), s.url("/plans")).await;
    assert!(
        list.contains("Korvattu uudella") && list.contains("Voimassa"),
        "{list}"
    );

    // Follow-up: a Tuira leadership-team member records the measures owned
    // in Tuira, not Kaakkuri's; staff and viewers record nothing.
    let (_, page) = text(&client(), s.url(&v2)).await;
    let school = measure_id(&page, "Hyvinvointikoulun toimintamalli");
    let phone = measure_id(&page, "Pilottipuhelin perheiden");
    let member_email = "johtotiimi.tuira@oulu.example";
    let member = login(&s, member_email, demo_password(member_email)).await;
    let (_, mine) = text(&member, s.url(&v2)).await;
    let mtoken = csrf_of(&mine);
    let post = |c: &reqwest::Client, measure: &str, token: &str| {
        c.post(s.url(&format!("{v2}/measures/{measure}/status")))
            .form(&[
                ("csrf", token),
                ("status", "done"),
                ("note", "Käytössä kaikilla luokilla"),
            ])
            .send()
    };
    assert_eq!(post(&member, &school, &mtoken).await.unwrap().status(), 303);
    assert_eq!(post(&member, &phone, &mtoken).await.unwrap().status(), 403);
    let evaluate = |period: &str| {
        member
            .post(s.url(&format!("{v2}/measures/{school}/evaluation")))
            .form(&[
                ("csrf", mtoken.as_str()),
                ("period", period),
                ("rating", "4"),
                ("body", "Oppilaat kertovat viihtyvänsä paremmin"),
            ])
            .send()
    };
    assert_eq!(
        evaluate("2031").await.unwrap().status(),
        400,
        "outside the plan period"
    );
    assert_eq!(evaluate("2026").await.unwrap().status(), 303);
    let (_, after) = text(&client(), s.url(&v2)).await;
    assert!(
        after.contains("Oppilaat kertovat viihtyvänsä paremmin"),
        "the evaluation is shown"
    );
    assert!(
        after.contains("Käytössä kaikilla luokilla"),
        "the note is shown"
    );
    assert_eq!(
        member
            .post(&status_url)
            .form(&[("csrf", mtoken.as_str()), ("status", "superseded")])
            .send()
            .await
            .unwrap()
            .status(),
        403,
        "only organisation-wide roles manage the plan"
    );
    // The two versions side by side: the follow-up changed one measure.
    let (status, cmp) = text(&client(), s.url(&format!("{v2}/versions/compare"))).await;
    assert_eq!(status, 200);
    assert!(cmp.contains("class=\"compare-versions\""));
    assert!(cmp.contains("Muuttuneita kohtia:"), "{cmp}");
    assert!(
        cmp.contains("Perhekeskustoiminta ja kotipalvelu") && cmp.contains("ei mukana"),
        "the renamed focus area is new in one version and absent in the other"
    );
    assert!(
        cmp.contains("class=\"level-measure changed\""),
        "the followed-up measure changed"
    );
    let staff_email = "tyontekija.kaakkuri@oulu.example";
    let staff = login(&s, staff_email, demo_password(staff_email)).await;
    let (_, spage) = text(&staff, s.url(&v2)).await;
    assert!(!spage.contains("/status\""), "no forms for staff");
    assert_eq!(
        post(&staff, &phone, &csrf_of(&spage))
            .await
            .unwrap()
            .status(),
        403
    );
}

async fn plan_api(db: &str) {
    use serde_json::{json, Value};
    let s = Server::start(db);
    let c = client();
    let plans: Value = c
        .get(s.url("/api/v1/plans"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = plans.as_array().unwrap();
    assert_eq!(
        list.len(),
        5,
        "the organisation's plan and four regional plans"
    );
    let main = list.iter().find(|p| p["code"] == "lanu-2022").unwrap();
    assert_eq!(main["status"], "in_force");
    let id = main["id"].as_i64().unwrap();
    let tree: Value = c
        .get(s.url(&format!("/api/v1/plans/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tree["goals"].as_array().unwrap().len(), 3);
    let measure = |name: &str| {
        tree["goals"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["focus_areas"].as_array().unwrap())
            .flat_map(|f| f["measures"].as_array().unwrap())
            .find(|m| m["name_fi"].as_str().unwrap().starts_with(name))
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let school = measure("Hyvinvointikoulun toimintamalli");
    let phone = measure("Pilottipuhelin");

    // A new plan as a draft: only organisation-wide roles; drafts are not public.
    let mut doc: Value = serde_json::from_str(kasvu_io::demo::PLAN_JSON).unwrap();
    doc["code"] = json!("lanu-2027");
    doc["period"] = json!({"start_year": 2027, "end_year": 2030});
    let post = |token: &str, body: &Value| {
        c.post(s.url("/api/v1/plans"))
            .bearer_auth(token)
            .json(body)
            .send()
    };
    let admin = token_for(db, "admin@oulu.example");
    let staff = token_for(db, "tyontekija.kaakkuri@oulu.example");
    assert_eq!(post(&staff, &doc).await.unwrap().status(), 403);
    let mut bad = doc.clone();
    bad["period"] = json!({"start_year": 2030, "end_year": 2027});
    let r = post(&admin, &bad).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "period");
    let r = post(&admin, &doc).await.unwrap();
    assert_eq!(r.status(), 201);
    let new_id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    assert_eq!(
        c.get(s.url(&format!("/api/v1/plans/{new_id}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        post(&admin, &doc).await.unwrap().status(),
        409,
        "the code is taken"
    );
    // A draft's content is replaced whole; a frozen version refuses.
    let put = |id: i64, body: &Value| {
        c.put(s.url(&format!("/api/v1/plans/{id}")))
            .bearer_auth(&admin)
            .json(body)
            .send()
    };
    let mut changed = doc.clone();
    changed["title"]["fi"] = json!("Lasten ja nuorten hyvinvointisuunnitelma 2027–2030");
    assert_eq!(put(new_id, &changed).await.unwrap().status(), 204);
    let mut recoded = changed.clone();
    recoded["code"] = json!("toinen");
    let r = put(new_id, &recoded).await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "code");
    let r = put(id, &changed).await.unwrap();
    assert_eq!(r.status(), 409, "the plan in force is frozen");
    // An internal plan stays out of public reads even when in force.
    changed["visibility"] = json!("internal");
    assert_eq!(put(new_id, &changed).await.unwrap().status(), 204);
    let web = login(
        &s,
        "admin@oulu.example",
        demo_password("admin@oulu.example"),
    )
    .await;
    let token = csrf_of(&text(&web, s.url("/plans")).await.1);
    for form in [
        vec![
            ("status", "approved"),
            ("approved_on", "2026-11-02"),
            ("decision_ref", "KV § 1"),
        ],
        vec![("status", "in_force")],
    ] {
        let mut all = vec![("csrf", token.as_str())];
        all.extend(form);
        let r = web
            .post(s.url(&format!("/plans/{new_id}/status")))
            .form(&all)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    }
    let path = format!("/plans/{new_id}");
    assert_eq!(
        text(&web, s.url(&path)).await.0,
        200,
        "the organisation reads it"
    );
    assert_eq!(text(&c, s.url(&path)).await.0, 404, "the public does not");
    assert_eq!(
        c.get(s.url(&format!("/api/v1/plans/{new_id}")))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // Follow-up through the API, within the member's scope only.
    let member = token_for(db, "johtotiimi.tuira@oulu.example");
    let follow = |measure: i64, what: &str, body: Value| {
        c.post(s.url(&format!("/api/v1/plans/{id}/measures/{measure}/{what}")))
            .bearer_auth(&member)
            .json(&body)
            .send()
    };
    assert_eq!(
        follow(
            school,
            "status",
            json!({"status": "done", "note": "Valmis"})
        )
        .await
        .unwrap()
        .status(),
        204
    );
    assert_eq!(
        follow(phone, "status", json!({"status": "dropped"}))
            .await
            .unwrap()
            .status(),
        403
    );
    let r = follow(
        school,
        "evaluations",
        json!({"period": "2031", "rating": 3, "body": "x"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "period");
    assert_eq!(
        follow(
            school,
            "evaluations",
            json!({"period": "2026", "rating": 5, "body": "Hyvä"})
        )
        .await
        .unwrap()
        .status(),
        204
    );
}

/// A text as the PDF writes a text string: UTF-16BE with a byte order mark, in hex.
fn pdf_text_hex(s: &str) -> String {
    std::iter::once(0xFEFF)
        .chain(s.encode_utf16())
        .map(|u| format!("{u:04X}"))
        .collect()
}

/// WinAnsi (Latin-1 for these letters) bytes of a text, in hex: how the
/// report's body text stands in the PDF.
fn pdf_body_hex(s: &str) -> String {
    s.chars().map(|c| format!("{:02X}", c as u32)).collect()
}

async fn report_keeps_small_numbers_hidden(db: &str) {
    use serde_json::{json, Value};
    let s = Server::start(db);
    let c = client();
    // A survey year the demo has no figures for: one school in Itäinen
    // answers, and only three of its 40 respondents often feel lonely.
    let admin = token_for(db, "admin@oulu.example");
    let r = c
        .post(s.url("/api/v1/data"))
        .bearer_auth(&admin)
        .json(&json!({"values": [
            {"indicator": "shps_respondents", "orgunit": "hiukkavaaran-koulu", "period": "2026", "value": 40},
            {"indicator": "shps_lonely_n", "orgunit": "hiukkavaaran-koulu", "period": "2026", "value": 3}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let plans: Value = c
        .get(s.url("/api/v1/plans"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let east = plans
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["scope"] == "itainen")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let base = format!("/plans/{east}/report");
    let (status, page) = text(&c, s.url(&format!("{base}?year=2026"))).await;
    assert_eq!(status, 200);
    let row = page
        .split("<tr>")
        .find(|r| r.contains("Kokee itsensä usein yksinäiseksi (%)"))
        .expect("the loneliness row");
    assert!(row.contains("piilotettu"), "{row}");
    assert!(!row.contains("7,5"), "3 of 40 is never shown: {row}");
    let pdf = c
        .get(s.url(&format!("{base}.pdf?year=2026")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let raw = String::from_utf8_lossy(&pdf).to_uppercase();
    assert!(raw.contains("/TYPE /PAGE"), "the PDF has pages");
    assert!(
        raw.contains(&pdf_text_hex(
            "Itäisen alueen kehittämissuunnitelma 2024–2026"
        )),
        "the PDF carries the plan's title"
    );
    // A string of ASCII letters stands as it is, others in hex.
    assert!(
        raw.contains(&pdf_body_hex("piilotettu")) || raw.contains("(PIILOTETTU)"),
        "the hidden figure says so"
    );
    assert!(!raw.contains(&pdf_body_hex("7,5 %")) && !raw.contains("(7,5 %)"));
    let xlsx = c
        .get(s.url(&format!("{base}.xlsx?year=2026")))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let sheet = book.worksheet_range("Mittarit").unwrap();
    let hidden = sheet
        .rows()
        .find(|r| r[0] == "Kokee itsensä usein yksinäiseksi (%)")
        .expect("the loneliness row");
    assert_eq!(hidden[1].to_string(), "piilotettu");
}

on_both_databases!(
    results_chain,
    lifecycle_and_follow_up,
    plan_api,
    report_keeps_small_numbers_hidden
);
