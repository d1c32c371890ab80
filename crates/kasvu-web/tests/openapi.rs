//! The API's contract is snapshotted: a change to it shows up in review.

use utoipa::OpenApi;

#[test]
fn openapi_document_is_stable() {
    let doc = serde_json::to_value(kasvu_web::openapi::ApiDoc::openapi()).expect("serialise");
    insta::assert_json_snapshot!("openapi", doc);
}
