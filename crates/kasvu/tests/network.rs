//! The network's knowledge through the real binary on both databases: the
//! collaboration map (its SVG, tables and API show exactly the recorded
//! links; a sector filter keeps matches and their partners), collaborations
//! entered and removed by those allowed, one-contact paths (public without
//! staff notes, unpublished ones hidden), good practices, and search where
//! every form of "perhekeskus" finds the same entries on both databases.

mod common;

use common::{csrf_of, demo_password, login, token_for, Server};
use serde_json::{json, Value};

async fn get(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn json_of(c: &reqwest::Client, url: String) -> Value {
    let r = c.get(url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    r.json().await.unwrap()
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

async fn collaboration_map(db: &str) {
    let s = Server::start(db);
    let anon = common::client();
    let map = json_of(&anon, s.url("/api/v1/network")).await;
    let (nodes, edges) = (
        map["nodes"].as_array().unwrap(),
        map["edges"].as_array().unwrap(),
    );
    assert!(nodes.len() >= 8, "{map}");
    // The page draws the same nodes and links, and lists them in tables.
    let (st, page) = get(&anon, s.url("/network")).await;
    assert_eq!(st, 200);
    assert_eq!(count(&page, "<g class=\"node "), nodes.len());
    assert_eq!(count(&page, "<line class=\"edge "), edges.len());
    assert_eq!(count(&page, "<tr class=\"edge-row\">"), edges.len());
    assert!(page.contains("role=\"img\"") && page.contains("<desc id=\"map-svg-desc\">"));
    // Every demo collaboration entered by hand is a link, and the Tuira
    // team joins the school and the parish.
    let has = |a: &str, b: &str, source: &str| {
        edges.iter().any(|e| {
            let pair = (e["a"].as_str().unwrap(), e["b"].as_str().unwrap());
            (pair == (a, b) || pair == (b, a))
                && e["via"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|v| v["source"] == source)
        })
    };
    assert!(has("tuiran-koulu", "tuiran-perhekeskus", "referral"));
    assert!(has("tuiran-perhekeskus", "kela-oulu", "consultation"));
    assert!(has("tuiran-koulu", "tuiran-seurakunta", "team"));
    assert!(has("mll-tuira", "kiimingin-4h", "project"));
    // Each link counted once per end in the figures.
    let links: u64 = nodes.iter().map(|n| n["links"].as_u64().unwrap()).sum();
    assert_eq!(links as usize, 2 * edges.len());

    // A sector filter keeps its actors and their partners only.
    let parish = json_of(&anon, s.url("/api/v1/network?sector=parish")).await;
    let matched: Vec<&str> = parish["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["matched"] == true)
        .map(|n| n["code"].as_str().unwrap())
        .collect();
    assert_eq!(matched, ["tuiran-seurakunta"]);
    assert!(parish["edges"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["a"] == "tuiran-seurakunta" || e["b"] == "tuiran-seurakunta"));
    // Kaakkuri's cluster alone lacks sectors, and says so.
    let kaakkuri = json_of(&anon, s.url("/api/v1/network?area=kaakkuri")).await;
    assert!(kaakkuri["missing_sectors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == "kela"));
    let (_, page) = get(&anon, s.url("/network?area=kaakkuri")).await;
    assert!(page.contains("class=\"warning\""));

    // Entering a collaboration: a viewer may not, a manager of the area may.
    let viewer = token_for(db, "katselija@oulu.example");
    let api = common::client();
    let body = json!({"from": "kela-oulu", "to": "mll-tuira", "kind": "referral", "note": "Etuusneuvonta"});
    let r = api
        .post(s.url("/api/v1/network/links"))
        .bearer_auth(&viewer)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let manager = "aluepaallikko.keskinen@oulu.example";
    let c = login(&s, manager, demo_password(manager)).await;
    let (_, page) = get(&c, s.url("/network")).await;
    assert!(page.contains("action=\"/network/links\""));
    let csrf = csrf_of(&page);
    let r = c
        .post(s.url("/network/links"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("from", "kela-oulu"),
            ("to", "mll-tuira"),
            ("kind", "referral"),
            ("note", "Etuusneuvonta"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303, "back to the map");
    let after = json_of(&anon, s.url("/api/v1/network")).await;
    assert_eq!(after["edges"].as_array().unwrap().len(), edges.len() + 1);
    // The same again conflicts with what is stored (409), naming the field;
    // nothing changes.
    let r = c
        .post(s.url("/network/links"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("from", "kela-oulu"),
            ("to", "mll-tuira"),
            ("kind", "referral"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 409);
    assert!(r.text().await.unwrap().contains("jo kirjattu"));
    let token = token_for(db, manager);
    let r = api
        .post(s.url("/api/v1/network/links"))
        .bearer_auth(&token)
        .json(&json!({"from": "kela-oulu", "to": "ghost", "kind": "consultation"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "to");
    // Removing it by the API.
    let (_, page) = get(&c, s.url("/network")).await;
    // The remove button named for this pair belongs to its form.
    let label = page
        .find("Kelan Oulun palvelupiste – MLL:n Tuiran paikallisyhdistys\"")
        .unwrap();
    let form = page[..label].rfind("/network/links/").unwrap();
    let id: i64 = page[form + "/network/links/".len()..]
        .split('/')
        .next()
        .and_then(|t| t.parse().ok())
        .unwrap();
    let r = api
        .delete(s.url(&format!("/api/v1/network/links/{id}")))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = api
        .delete(s.url(&format!("/api/v1/network/links/{id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let back = json_of(&anon, s.url("/api/v1/network")).await;
    assert_eq!(back["edges"], map["edges"]);
}

async fn paths_practices_and_search(db: &str) {
    let s = Server::start(db);
    let anon = common::client();
    // The public path: steps in order, the actor's channels, no staff notes.
    let (st, page) = get(&anon, s.url("/paths/huoli-koulunkaynnista")).await;
    assert_eq!(st, 200);
    let (a, b) = (
        page.find("LP-keskustelu").unwrap(),
        page.find("sosiaalipäivystys").unwrap(),
    );
    assert!(a < b, "everyday support first");
    assert!(page.contains("href=\"tel:"));
    assert!(
        !page.contains("Oppilashuollon yksilökohtainen työ"),
        "staff notes are not public"
    );
    let api_path = json_of(&anon, s.url("/api/v1/paths/huoli-koulunkaynnista")).await;
    assert!(api_path["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["staff_note"] == ""));
    let viewer = "katselija@oulu.example";
    let c = login(&s, viewer, demo_password(viewer)).await;
    let (_, page) = get(&c, s.url("/paths/huoli-koulunkaynnista")).await;
    assert!(
        page.contains("Oppilashuollon yksilökohtainen työ"),
        "staff see notes"
    );

    // Writing a path: refused with the step and field named, nothing stored;
    // unpublished paths are not public.
    let token = token_for(db, "aluepaallikko.keskinen@oulu.example");
    let api = common::client();
    let mut path = api_path.clone();
    path["published"] = json!(false);
    path["steps"].as_array_mut().unwrap().swap(0, 1);
    let r = api
        .put(s.url("/api/v1/paths/uusi-polku"))
        .bearer_auth(&token)
        .json(&path)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "steps[1].kind");
    path["steps"].as_array_mut().unwrap().swap(0, 1);
    let viewer_token = token_for(db, viewer);
    let r = api
        .put(s.url("/api/v1/paths/uusi-polku"))
        .bearer_auth(&viewer_token)
        .json(&path)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = api
        .put(s.url("/api/v1/paths/uusi-polku"))
        .bearer_auth(&token)
        .json(&path)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(get(&anon, s.url("/paths/uusi-polku")).await.0, 404);
    assert_eq!(get(&c, s.url("/paths/uusi-polku")).await.0, 200);
    let public: Vec<Value> =
        serde_json::from_value(json_of(&anon, s.url("/api/v1/paths")).await).unwrap();
    assert!(public.iter().all(|p| p["code"] != "uusi-polku"));

    // Practices link back to the projects they came from.
    let (st, page) = get(&anon, s.url("/practices/lp-toimintamalli")).await;
    assert_eq!(st, 200);
    assert!(page.contains("Pohjois-Suomen Lasten Kaste"));
    let practices = json_of(&anon, s.url("/api/v1/practices")).await;
    assert!(practices.as_array().unwrap().len() >= 4);

    // Search: every form finds the same entries, title matches first,
    // highlighted in the page; facets narrow; unpublished paths only for staff.
    let mut seen = Vec::new();
    for form in [
        "perhekeskus",
        "perhekeskukset",
        "perhekeskuksen",
        "Perhekeskuksessa",
    ] {
        let r = json_of(&anon, s.url(&format!("/api/v1/search?q={form}&limit=100"))).await;
        let keys: Vec<String> = r["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                format!(
                    "{}:{}",
                    x["kind"].as_str().unwrap(),
                    x["key"].as_str().unwrap()
                )
            })
            .collect();
        seen.push(keys);
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
    assert_eq!(seen[0][0], "actor:tuiran-perhekeskus");
    let r = json_of(&anon, s.url("/api/v1/search?q=perhekeskus&kind=practice")).await;
    assert!(r["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["kind"] == "practice"));
    assert!(
        r["facets"]["kind"]["actor"].as_u64().unwrap() >= 1,
        "other kinds still counted"
    );
    let (st, page) = get(&anon, s.url("/search?q=perhekeskukset")).await;
    assert_eq!(st, 200);
    assert!(page.contains("<mark>perhekeskus</mark>"), "highlighted");
    assert!(page.contains("role=\"search\""));
    let t = common::client();
    let with_token = t
        .get(s.url("/api/v1/search?q=poissaoloista"))
        .bearer_auth(&viewer_token)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let public = json_of(&anon, s.url("/api/v1/search?q=poissaoloista")).await;
    assert_eq!(
        with_token["total"].as_u64().unwrap(),
        public["total"].as_u64().unwrap() + 1,
        "the unpublished path is found by staff only"
    );
}

async fn writing_paths_and_practices_in_pages(db: &str) {
    let s = Server::start(db);
    let anon = common::client();
    let manager = "aluepaallikko.keskinen@oulu.example";
    let c = login(&s, manager, demo_password(manager)).await;
    let (st, page) = get(&c, s.url("/paths/edit")).await;
    assert_eq!(st, 200);
    let csrf = csrf_of(&page);
    let path = |first_kind: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("code", "iltapaivatoiminta".to_owned()),
            ("need_fi", "Koululaisen iltapäivät".to_owned()),
            ("area", "tuira".to_owned()),
            ("kind1", first_kind.to_owned()),
            ("what1_fi", "Kysy koulun iltapäivätoiminnasta".to_owned()),
            ("actor1", "tuiran-koulu".to_owned()),
            ("kind2", "contact".to_owned()),
            ("what2_fi", "MLL:n kerhot".to_owned()),
            ("actor2", "mll-tuira".to_owned()),
            ("staff_note2", "Tarkista kerhojen paikat".to_owned()),
            ("kind3", "contact".to_owned()),
            ("what3_fi", String::new()),
        ]
    };
    // The first step must be everyday support: refused naming the step.
    let r = c
        .post(s.url("/paths/save"))
        .form(&path("contact"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("Vaihe 1"));
    assert_eq!(
        get(&c, s.url("/paths/iltapaivatoiminta")).await.0,
        404,
        "nothing stored"
    );
    // A manager of another area may not write Tuira's paths.
    let south = "aluepaallikko.etelainen@oulu.example";
    let o = login(&s, south, demo_password(south)).await;
    let (_, other) = get(&o, s.url("/paths/edit")).await;
    let mut form = path("everyday");
    form[0].1 = csrf_of(&other);
    let r = o
        .post(s.url("/paths/save"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = c
        .post(s.url("/paths/save"))
        .form(&path("everyday"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (st, page) = get(&c, s.url("/paths/iltapaivatoiminta")).await;
    assert_eq!(st, 200);
    assert!(page.contains("Tarkista kerhojen paikat") && page.contains("MLL:n kerhot"));
    assert_eq!(
        get(&anon, s.url("/paths/iltapaivatoiminta")).await.0,
        404,
        "not published"
    );
    let (_, edit) = get(&c, s.url("/paths/edit?code=iltapaivatoiminta")).await;
    assert!(
        edit.contains("value=\"Koululaisen iltapäivät\""),
        "the form is filled in"
    );

    // Practices: organisation-wide plan roles write them; a viewer may not.
    let viewer = "katselija@oulu.example";
    let v = login(&s, viewer, demo_password(viewer)).await;
    assert_eq!(get(&v, s.url("/practices/edit")).await.0, 403);
    let admin = "admin@oulu.example";
    let a = login(&s, admin, demo_password(admin)).await;
    let (st, page) = get(&a, s.url("/practices/edit?code=hyvinvointiklinikka")).await;
    assert_eq!(st, 200);
    let csrf = csrf_of(&page);
    let r = a
        .post(s.url("/practices/save"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "hyvinvointiklinikka"),
            ("name_fi", "Hyvinvointiklinikka"),
            (
                "description",
                "Koulun ja perhekeskuksen yhteinen vastaanotto",
            ),
            ("themes", "yksi yhteydenotto, matala kynnys"),
            ("units", "tuira"),
            ("units", "kaakkuri"),
            ("projects", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let saved = json_of(&anon, s.url("/api/v1/practices/hyvinvointiklinikka")).await;
    assert_eq!(saved["units"], json!(["kaakkuri", "tuira"]));
    assert_eq!(
        saved["themes"],
        json!(["yksi yhteydenotto", "matala kynnys"])
    );
    assert_eq!(saved["projects"], json!([1]));
    let r = a
        .post(s.url("/practices/save"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("code", "x"),
            ("name_fi", "X"),
            ("projects", "999"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(json_of(&anon, s.url("/api/v1/practices"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["code"] != "x"));

    // Projects in a form: the stored record comes back as people write it.
    assert_eq!(get(&v, s.url("/projects/edit")).await.0, 403);
    let (st, page) = get(&a, s.url("/projects/edit?id=1")).await;
    assert_eq!(st, 200);
    assert!(page.contains("value=\"521 264\"") && page.contains("Hyvinvointisalkku"));
    let before = json_of(&anon, s.url("/api/v1/projects"))
        .await
        .as_array()
        .unwrap()
        .len();
    let project = |name: &str, external: &str, id: Option<&str>| {
        let mut f: Vec<(&str, String)> = vec![
            ("csrf", csrf.clone()),
            ("name", name.to_owned()),
            ("state", "ongoing".to_owned()),
            ("start_on", "2026-01-01".to_owned()),
            (
                "portfolios",
                "Hyvinvointisalkku 2014-2020\nKasvun salkku".to_owned(),
            ),
            ("line_name1", "Koko hanke".to_owned()),
            ("original_budget1", "10 000".to_owned()),
            ("realised_costs1", "5 000".to_owned()),
            ("funding1", "5 000".to_owned()),
            ("external_funding1", external.to_owned()),
            ("actors", "mll-tuira".to_owned()),
            ("actors", "tuiran-seurakunta".to_owned()),
            ("plan_goals", "lanu-2022#3".to_owned()),
            ("units", "tuira".to_owned()),
        ];
        if let Some(i) = id {
            f.push(("id", i.to_owned()));
        }
        f
    };
    let name = "Perhekeskusten vertaisryhmät";
    let r = a
        .post(s.url("/projects/save"))
        .form(&project(name, "6 000", None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("Kustannusrivi 1") && text.contains("Ulkopuolinen rahoitus"),
        "{text}"
    );
    assert_eq!(
        json_of(&anon, s.url("/api/v1/projects"))
            .await
            .as_array()
            .unwrap()
            .len(),
        before
    );
    let r = a
        .post(s.url("/projects/save"))
        .form(&project(name, "2 500", None))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let id = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/projects/")
        .to_owned();
    let saved = json_of(&anon, s.url(&format!("/api/v1/projects/{id}"))).await;
    assert_eq!(saved["cost_lines"][0]["external_percent"], json!(50.0));
    assert_eq!(saved["portfolios"].as_array().unwrap().len(), 2);
    assert_eq!(saved["plan_goals"], json!([["lanu-2022", 3]]));
    // Editing replaces the record; its actors are joined on the map.
    let renamed = "Perhekeskusten vertaisryhmät 2026";
    let r = a
        .post(s.url("/projects/save"))
        .form(&project(renamed, "2 500", Some(&id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let all = json_of(&anon, s.url("/api/v1/projects")).await;
    assert_eq!(
        all.as_array().unwrap().len(),
        before + 1,
        "replaced, not added"
    );
    assert_eq!(
        json_of(&anon, s.url(&format!("/api/v1/projects/{id}"))).await["name"],
        renamed
    );
    let map = json_of(&anon, s.url("/api/v1/network")).await;
    assert!(map["edges"].as_array().unwrap().iter().any(|e| e["via"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["label"] == renamed)));
}

on_both_databases!(
    collaboration_map,
    paths_practices_and_search,
    writing_paths_and_practices_in_pages
);
