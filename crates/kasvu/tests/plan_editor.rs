//! The plan editor end to end through the real binary, on SQLite and
//! PostgreSQL, posting the forms as a browser does: a regional planner
//! makes their area's development plan and builds its chain with forms
//! only (no JSON), is told beside the field what is wrong, may not make the
//! organisation's plan; then the plan is approved, a new version is made,
//! and last year's evaluation is still in the new version's yearly report.

mod common;

use common::{client, csrf_of, demo_password, login, Server};

async fn text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String, String) {
    let r = c.post(url).form(form).send().await.unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, r.text().await.unwrap())
}

/// The option values of the select `id` on a page.
fn options(page: &str, id: &str) -> Vec<String> {
    let at = page
        .find(&format!("<select id=\"{id}\""))
        .unwrap_or_else(|| panic!("select {id}"));
    let end = at + page[at..].find("</select>").unwrap();
    page[at..end]
        .match_indices("<option value=\"")
        .map(|(i, m)| {
            let s = at + i + m.len();
            page[s..s + page[s..].find('"').unwrap()].to_owned()
        })
        .collect()
}

/// The names of the measures in the editor, in order.
fn measure_names(page: &str) -> Vec<String> {
    page.match_indices("/edit/measure?at=")
        .filter_map(|(i, _)| {
            let s = i + page[i..].find('>')? + 1;
            let name = &page[s..s + page[s..].find('<')?];
            let at = &page[i + 17..i + page[i..].find('"')?];
            (at.split('.').count() == 3).then(|| name.to_owned())
        })
        .collect()
}

fn measure_id(page: &str, name: &str) -> String {
    // The last mention: a draft's page shows its JSON document first.
    let at = page
        .rfind(name)
        .unwrap_or_else(|| panic!("{name} on the page"));
    let marker = "id=\"measure-";
    let start = page[..at].rfind(marker).expect("the measure's id") + marker.len();
    page[start..start + page[start..].find('"').unwrap()].to_owned()
}

async fn plan_made_and_edited_with_forms(db: &str) {
    let s = Server::start(db);
    let email = "suunnittelija.pohjoinen@oulu.example";
    let c = login(&s, email, demo_password(email)).await;
    let (_, list) = text(&c, s.url("/plans")).await;
    assert!(list.contains("href=\"/plans/new\""), "a planner may plan");
    let (status, form) = text(&c, s.url("/plans/new")).await;
    assert_eq!(status, 200);
    let token = csrf_of(&form);
    let scopes = options(&form, "scope");
    assert!(
        !scopes.iter().any(|v| v.is_empty()),
        "a regional planner is not offered the organisation's plan: {scopes:?}"
    );
    let area = scopes.first().expect("their area").clone();
    let parent = options(&form, "parent")
        .into_iter()
        .find(|v| !v.is_empty())
        .expect("the organisation's plan to draw from");
    let new_plan = |scope: String, title: &'static str| {
        let (token, parent) = (token.clone(), parent.clone());
        let c = c.clone();
        let url = s.url("/plans/new");
        async move {
            let form = [
                ("csrf", token.as_str()),
                ("code", "pohjoinen-2025"),
                ("title_fi", title),
                ("title_sv", ""),
                ("title_en", ""),
                ("aim_fi", ""),
                ("start_year", "2025"),
                ("end_year", "2028"),
                ("scope", scope.as_str()),
                ("parent", parent.as_str()),
                ("visibility", "public"),
            ];
            post(&c, url, &form).await
        }
    };
    // The form's word is not trusted: the organisation's plan is refused.
    let (status, _, page) = new_plan(String::new(), "Koko kunnan oma").await;
    assert_eq!(status, 400);
    assert!(page.contains("id=\"scope-error\""), "told beside the field");
    assert!(page.contains("Roolisi eivät salli suunnitelmaa tälle yksikölle."));
    assert!(
        page.contains("value=\"Koko kunnan oma\""),
        "the input is kept"
    );
    // A missing title: refused beside the title, nothing made.
    let (status, _, page) = new_plan(area.clone(), "").await;
    assert_eq!(status, 400);
    assert!(page.contains("id=\"title_fi-error\""));
    assert!(page.contains("aria-invalid=\"true\""));
    let (status, location, _) =
        new_plan(area.clone(), "Pohjoisen alueen kehittämissuunnitelma").await;
    assert_eq!(status, 303);
    assert!(location.ends_with("/edit?saved=created"), "{location}");
    let editor = location.split('?').next().unwrap().to_owned();
    let plan = editor.trim_end_matches("/edit").to_owned();

    let (status, page) = text(&c, s.url(&location)).await;
    assert_eq!(status, 200);
    assert!(page.contains("Luonnos on luotu"), "{page}");
    assert!(
        page.contains("Perhekeskustoiminta"),
        "the organisation plan's focus areas to start from"
    );
    assert!(!page.contains("plan-content"), "no JSON in the editor");
    let token = csrf_of(&page);
    let t = token.as_str();

    // A goal that is not the organisation plan's: refused beside its field,
    // the input kept; an empty name likewise.
    let (status, _, page) = post(
        &c,
        s.url(&format!("{editor}/goal")),
        &[
            ("csrf", t),
            ("at", ""),
            ("name_fi", "Oma tavoite"),
            ("name_sv", "Eget mål"),
            ("name_en", ""),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("id=\"new-goal-name_fi-error\""), "{page}");
    assert!(page.contains("value=\"Eget mål\""), "the input is kept");
    let (status, _, page) = post(
        &c,
        s.url(&format!("{editor}/goal")),
        &[("csrf", t), ("at", "1"), ("name_fi", " ")],
    )
    .await;
    assert_eq!(status, 400);
    assert!(page.contains("id=\"g1-name_fi-error\""));
    assert!(
        page.contains("Tieto on pakollinen."),
        "in the reader's language"
    );

    // Two measures in the first focus area, through the measure form.
    let (status, mform) = text(&c, s.url(&format!("{editor}/measure?at=1.1"))).await;
    assert_eq!(status, 200);
    let owner = options(&mform, "owners")
        .first()
        .expect("units of the area")
        .clone();
    let indicator = options(&mform, "indicators")
        .first()
        .expect("the catalogue")
        .clone();
    let (status, _, page) = post(
        &c,
        s.url(&format!("{editor}/measure")),
        &[
            ("csrf", t),
            ("at", "1.1"),
            ("name_fi", ""),
            ("schedule", "2025–2026"),
            ("status", "ongoing"),
        ],
    )
    .await;
    assert_eq!(status, 400, "a measure needs a name");
    assert!(page.contains("id=\"name_fi-error\""));
    assert!(page.contains("value=\"2025–2026\""), "the input is kept");
    for name in ["Perhekahvila Kiiminkiin", "Liikkuva iltapäivä"] {
        let (status, location, _) = post(
            &c,
            s.url(&format!("{editor}/measure")),
            &[
                ("csrf", t),
                ("at", "1.1"),
                ("name_fi", name),
                ("owners", owner.as_str()),
                ("responsible", "Aluekoordinaattori"),
                ("schedule", "2025–2026"),
                ("budget", "oma budjetti"),
                ("status", "ongoing"),
                ("rights", "care"),
                ("rights", "participation"),
                ("conditions", "mutually_reinforcing"),
                ("indicators", indicator.as_str()),
            ],
        )
        .await;
        assert_eq!(status, 303, "{name}");
        assert!(location.contains("saved=measure"));
    }
    let (_, page) = text(&c, s.url(&editor)).await;
    assert_eq!(
        measure_names(&page),
        ["Perhekahvila Kiiminkiin", "Liikkuva iltapäivä"]
    );
    // Reordered with the move buttons, and one removed.
    let (status, location, _) = post(
        &c,
        s.url(&format!("{editor}/move")),
        &[("csrf", t), ("at", "1.1.2"), ("way", "up")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.ends_with("#g1-f1-m1"), "{location}");
    let (_, page) = text(&c, s.url(&editor)).await;
    assert_eq!(
        measure_names(&page),
        ["Liikkuva iltapäivä", "Perhekahvila Kiiminkiin"]
    );
    let (status, _, _) = post(
        &c,
        s.url(&format!("{editor}/remove")),
        &[("csrf", t), ("at", "1.1.1")],
    )
    .await;
    assert_eq!(status, 303);
    let (status, _, _) = post(
        &c,
        s.url(&format!("{editor}/remove")),
        &[("csrf", t), ("at", "1.1.9")],
    )
    .await;
    assert_eq!(status, 400, "no such measure: nothing removed");
    let (_, page) = text(&c, s.url(&editor)).await;
    assert_eq!(measure_names(&page), ["Perhekahvila Kiiminkiin"]);
    // The measure as saved, in its form.
    let (_, mform) = text(&c, s.url(&format!("{editor}/measure?at=1.1.1"))).await;
    assert!(mform.contains("value=\"Aluekoordinaattori\""));
    assert!(mform.contains(&format!("<option value=\"{owner}\" selected>")));
    assert!(mform.contains("value=\"care\" type=\"checkbox\" checked"));

    // Last year's evaluation, approval, a new version: the evaluation is in
    // the new version's yearly report.
    let (_, draft) = text(&c, s.url(&plan)).await;
    let measure = measure_id(&draft, "Perhekahvila Kiiminkiin");
    let (status, _, _) = post(
        &c,
        s.url(&format!("{plan}/measures/{measure}/evaluation")),
        &[
            ("csrf", t),
            ("period", "2025"),
            ("rating", "4"),
            ("body", "Perhekahvila kokosi 40 perhettä viikossa"),
        ],
    )
    .await;
    assert_eq!(status, 303, "the area's planner follows up its measures");
    let (status, _, _) = post(
        &c,
        s.url(&format!("{plan}/status")),
        &[
            ("csrf", t),
            ("status", "approved"),
            ("approved_on", "2026-02-02"),
            ("decision_ref", "Aluetoimikunta 2.2.2026 § 3"),
        ],
    )
    .await;
    assert_eq!(status, 303, "the area's planner manages the area's plan");
    let (status, _, _) = post(
        &c,
        s.url(&format!("{editor}/goal")),
        &[("csrf", t), ("at", "1"), ("name_fi", "Muu")],
    )
    .await;
    assert_eq!(status, 409, "an approved version is frozen");
    let (status, location, _) = post(&c, s.url(&format!("{plan}/versions")), &[("csrf", t)]).await;
    assert_eq!(status, 303);
    let v2 = location.split('?').next().unwrap().to_owned();
    assert_ne!(v2, plan);
    let (status, report) = text(&c, s.url(&format!("{v2}/report?year=2025"))).await;
    assert_eq!(status, 200);
    assert!(
        report.contains("Perhekahvila kokosi 40 perhettä viikossa"),
        "last year's evaluation in the new version's report"
    );
    let (_, editor2) = text(&c, s.url(&format!("{v2}/edit"))).await;
    assert!(editor2.contains("Arvioinnit: 2025 4/5"), "{editor2}");
    let (status, _) = text(&c, s.url(&format!("{v2}/versions/compare"))).await;
    assert_eq!(status, 200, "the versions compare");

    // Another area's people may not edit it; anonymous visitors are sent to sign in.
    let other = "aluepaallikko.etelainen@oulu.example";
    let o = login(&s, other, demo_password(other)).await;
    assert_eq!(text(&o, s.url(&format!("{v2}/edit"))).await.0, 403);
    let anonymous = client()
        .get(s.url(&format!("{v2}/edit")))
        .send()
        .await
        .unwrap();
    assert!(
        anonymous.status().is_redirection() || anonymous.status() == 401,
        "{}",
        anonymous.status()
    );
}

on_both_databases!(plan_made_and_edited_with_forms);
