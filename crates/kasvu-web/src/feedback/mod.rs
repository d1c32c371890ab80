//! Systematic feedback: rounds, public answer links, results and the
//! published response.

pub(crate) mod answers;
pub(crate) mod api;
pub(crate) mod results;
pub(crate) mod rounds;

pub(crate) use rounds::may_open as may_open_round;
pub use rounds::MAX_ANSWERS_PER_CLIENT;

use crate::support::routes::{get, post, Routes};

/// The feature's pages.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/feedback", get(rounds::rounds).post(rounds::create_round))
        .route("/feedback/{id}", get(results::round))
        .route("/feedback/{id}/results.csv", get(results::results_csv))
        .route("/feedback/{id}/results.xlsx", get(results::results_xlsx))
        .route("/feedback/{id}/response", post(results::set_response))
        .route(
            "/a/{token}",
            get(answers::answer_form).post(answers::submit_answer),
        )
        .route("/a/{token}/results", get(answers::public_results))
}

/// The feature's part of the JSON API (under `/api/v1`).
pub(crate) fn api_routes() -> Routes {
    Routes::new()
        .route("/rounds", get(api::list_rounds).post(api::create_round))
        .route("/rounds/{id}/results", get(api::round_results))
}
