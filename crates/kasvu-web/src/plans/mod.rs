//! The welfare plan from goal to impact: plans and their versions, measures'
//! status and evaluations, and the yearly report.

pub(crate) mod api;
pub(crate) mod changes;
pub(crate) mod editor;
pub(crate) mod editor_measure;
pub(crate) mod editor_new;
pub(crate) mod editor_views;
pub(crate) mod list;
pub(crate) mod plan_page;
pub(crate) mod report;
pub(crate) mod versions;

// What the dashboard shows of the plan: whether a plan is public to the
// viewer, and when its review is due.
pub(crate) use list::visible as plan_visible;
pub(crate) use plan_page::review_text;

use crate::support::routes::{get, post, Routes};

/// The feature's pages.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/plans", get(list::plans))
        .route(
            "/plans/new",
            get(editor_new::new_plan).post(editor_new::create_plan),
        )
        .route("/plans/{id}/edit", get(editor::editor))
        .route("/plans/{id}/edit/details", post(editor::save_details))
        .route("/plans/{id}/edit/goal", post(editor::save_goal))
        .route("/plans/{id}/edit/focus", post(editor::save_focus))
        .route(
            "/plans/{id}/edit/measure",
            get(editor_measure::measure_form).post(editor_measure::save_measure),
        )
        .route("/plans/{id}/edit/move", post(editor::move_in_chain))
        .route("/plans/{id}/edit/remove", post(editor::remove_from_chain))
        .route("/plans/{id}", get(plan_page::plan))
        .route("/plans/{id}/report", get(report::report))
        .route(
            "/plans/{id}/versions/compare",
            get(versions::compare_versions),
        )
        .route("/plans/{id}/report.xlsx", get(report::report_xlsx))
        .route("/plans/{id}/report.pdf", get(report::report_pdf))
        .route("/plans/{id}/status", post(changes::set_status))
        .route("/plans/{id}/versions", post(changes::new_version))
        .route("/plans/{id}/content", post(changes::replace_content))
        .route(
            "/plans/{id}/measures/{measure_id}/status",
            post(changes::set_measure_status),
        )
        .route(
            "/plans/{id}/measures/{measure_id}/evaluation",
            post(changes::set_evaluation),
        )
}

/// The feature's part of the JSON API (under `/api/v1`).
pub(crate) fn api_routes() -> Routes {
    Routes::new()
        .route("/plans", get(api::list_plans).post(api::create_plan))
        .route("/plans/{id}", get(api::get_plan).put(api::replace_plan))
        .route(
            "/plans/{id}/measures/{measure_id}/status",
            crate::support::routes::post(api::set_measure_status),
        )
        .route(
            "/plans/{id}/measures/{measure_id}/evaluations",
            crate::support::routes::post(api::set_evaluation),
        )
}
