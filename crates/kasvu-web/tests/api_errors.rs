//! The API answers every error with its documented JSON error body and the
//! right status, the framework's own refusals included: malformed JSON,
//! a body that is not JSON, too large a body, an unknown route, a method a
//! route does not take. Integers accept `5649.0` (JSON Schema's integer)
//! and refuse `5649.5`; the audit log's null values are what the document
//! declares; a viewer's data write is forbidden, not a bad request.

mod common;

use common::{anonymous, App};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

/// The answer is the JSON error body with this status and kind.
async fn json_error(r: Response, status: StatusCode, kind: &str) -> Value {
    assert_eq!(r.status(), status, "status");
    let content_type = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{status}: content type {content_type}"
    );
    let body: Value = r.json().await.expect("a JSON error body");
    assert_eq!(body["error"], kind, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body
}

async fn malformed_json_is_a_400_json_error(app: &App) {
    let token = app.api_token("admin@oulu.example").await;
    let r = anonymous()
        .post(app.url("/api/v1/network/links"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"from\": ")
        .send()
        .await
        .expect("POST");
    json_error(r, StatusCode::BAD_REQUEST, "bad_request").await;
    // JSON of the wrong shape is a 422, named as such.
    let r = anonymous()
        .post(app.url("/api/v1/network/links"))
        .bearer_auth(&token)
        .json(&json!({"from": 1, "to": []}))
        .send()
        .await
        .expect("POST");
    json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
    // A path parameter of the wrong form names nothing (404); a query of
    // the wrong form is a bad request.
    let r = app.get(&anonymous(), "/api/v1/plans/not-a-number").await;
    json_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = anonymous()
        .get(app.url("/api/v1/audit?limit=many"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("GET");
    json_error(r, StatusCode::BAD_REQUEST, "bad_request").await;
}

async fn a_body_that_is_not_json_is_a_415_json_error(app: &App) {
    let token = app.api_token("admin@oulu.example").await;
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let mut req = anonymous()
            .post(app.url("/api/v1/users"))
            .bearer_auth(&token)
            .body("email=a@b.example");
        if let Some(t) = content_type {
            req = req.header("content-type", t);
        }
        let r = req.send().await.expect("POST");
        json_error(
            r,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
    }
}

async fn too_large_a_body_is_a_413_json_error(app: &App) {
    let token = app.api_token("admin@oulu.example").await;
    // Over axum's 2 MB limit for JSON bodies.
    let note = "x".repeat(3 * 1024 * 1024);
    let r = anonymous()
        .post(app.url("/api/v1/network/links"))
        .bearer_auth(&token)
        .json(&json!({"from": "a", "to": "b", "kind": "referral", "note": note}))
        .send()
        .await
        .expect("POST");
    json_error(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

async fn an_unknown_api_route_is_a_404_json_error(app: &App) {
    for path in [
        "/api/v1/no-such-thing",
        "/api/v1/plans/1/nothing",
        "/api/v2/plans",
        "/api",
    ] {
        let r = app.get(&anonymous(), path).await;
        json_error(r, StatusCode::NOT_FOUND, "not_found").await;
    }
    // Pages keep their HTML 404.
    let r = app.get(&anonymous(), "/no-such-page").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html")));
}

async fn a_wrong_method_is_a_405_json_error(app: &App) {
    let r = anonymous()
        .delete(app.url("/api/v1/plans"))
        .send()
        .await
        .expect("DELETE");
    let allow = r
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        allow.contains("GET") && allow.contains("POST"),
        "Allow: {allow}"
    );
    json_error(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let r = anonymous()
        .patch(app.url("/api/v1/orgunits/oulu"))
        .send()
        .await
        .expect("PATCH");
    json_error(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

async fn an_integer_may_be_written_with_a_zero_fraction(app: &App) {
    let token = app.api_token("admin@oulu.example").await;
    let post = |path: String, body: Value| {
        anonymous()
            .post(app.url(&path))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    // An evaluation of a measure of one of the admin's plans: the rating
    // is an integer (1–5).
    let mut evaluated = false;
    for plan in app
        .api(None, "/api/v1/plans")
        .await
        .as_array()
        .expect("plans")
    {
        let id = plan["id"].as_i64().expect("plan id");
        let tree = app.api(None, &format!("/api/v1/plans/{id}")).await;
        let year = plan["start_year"].as_i64().expect("start year");
        let Some(measure) = tree["goals"][0]["focus_areas"][0]["measures"][0]["id"].as_i64() else {
            continue;
        };
        let path = format!("/api/v1/plans/{id}/measures/{measure}/evaluations");
        let r = post(
            path.clone(),
            json!({"period": year.to_string(), "rating": 5649.5, "body": "puolikas"}),
        )
        .await
        .expect("POST");
        let refused = json_error(r, StatusCode::UNPROCESSABLE_ENTITY, "unprocessable").await;
        assert!(
            refused["message"]
                .as_str()
                .is_some_and(|m| m.contains("5649.5")),
            "{refused}"
        );
        let r = post(
            path,
            json!({"period": year.to_string(), "rating": 4.0, "body": "hyvin edennyt"}),
        )
        .await
        .expect("POST");
        if r.status() == StatusCode::NOT_FOUND {
            continue; // another organisation's plan
        }
        assert_eq!(
            r.status(),
            StatusCode::NO_CONTENT,
            "{}",
            r.text().await.unwrap_or_default()
        );
        evaluated = true;
        break;
    }
    assert!(evaluated, "an evaluation with rating 4.0 was stored");
    // 5649.0 where an integer is declared passes the body's parsing; the
    // rating's range is then checked as usual (a 400 naming the field).
    let plans = app.api(None, "/api/v1/plans").await;
    let id = plans[0]["id"].as_i64().expect("plan id");
    let r = post(
        format!("/api/v1/plans/{id}/measures/1/evaluations"),
        json!({"period": "2025", "rating": 5649.0, "body": "x"}),
    )
    .await
    .expect("POST");
    assert_ne!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn audit_values_may_be_null_as_documented(app: &App) {
    let token = app.api_token("admin@oulu.example").await;
    let entries = app.api(Some(&token), "/api/v1/audit?limit=1000").await;
    let entries = entries.as_array().expect("audit entries");
    assert!(
        entries.iter().any(|e| e["old_value"].is_null()),
        "a creation has no old value"
    );
    let doc = app.api(None, "/api/v1/openapi.json").await;
    for field in ["old_value", "new_value"] {
        let schema = &doc["components"]["schemas"]["AuditDto"]["properties"][field];
        assert!(
            schema["type"]
                .as_array()
                .is_some_and(|t| t.contains(&json!("null"))),
            "{field} is declared nullable: {schema}"
        );
    }
}

async fn a_viewer_may_not_write_data(app: &App) {
    let token = app.api_token("katselija@oulu.example").await;
    for body in [
        json!({"values": []}),
        json!({"values": [{"indicator": "no-such", "orgunit": "oulu", "period": "2025", "value": 1}]}),
    ] {
        let r = anonymous()
            .post(app.url("/api/v1/data"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .expect("POST");
        json_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    }
    // A path and a feedback round, likewise, whatever their content.
    let r = anonymous()
        .put(app.url("/api/v1/paths/uusi-polku"))
        .bearer_auth(&token)
        .json(&json!({"need": 1}))
        .send()
        .await
        .expect("PUT");
    json_error(r, StatusCode::FORBIDDEN, "forbidden").await;
    let r = anonymous()
        .post(app.url("/api/v1/rounds"))
        .bearer_auth(&token)
        .json(&json!({"title": []}))
        .send()
        .await
        .expect("POST");
    json_error(r, StatusCode::FORBIDDEN, "forbidden").await;
}

on_both_databases!(
    malformed_json_is_a_400_json_error,
    a_body_that_is_not_json_is_a_415_json_error,
    too_large_a_body_is_a_413_json_error,
    an_unknown_api_route_is_a_404_json_error,
    a_wrong_method_is_a_405_json_error,
    an_integer_may_be_written_with_a_zero_fraction,
    audit_values_may_be_null_as_documented,
    a_viewer_may_not_write_data,
);
