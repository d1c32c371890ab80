//! Children's and families' wishes for activities, counted per area.

use super::site::{org_and_units, WISH_WINDOW};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::forms::Checked;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::activity::{AgeGroup, Category};
use kasvu_core::Problem;
use kasvu_store::WishSpec;
use serde::Deserialize;

// --------------------------------------------------------------- wishes

#[derive(Template)]
#[template(path = "wish.html")]
pub struct WishPage<'a> {
    pub ctx: &'a Ctx,
    pub areas: Vec<super::site::PlaceGroup>,
    pub categories: Vec<(String, String)>,
    pub age_groups: Vec<(String, String)>,
    pub max_text: usize,
    pub thanks: bool,
    /// A further organisation's code (`?org=`), kept by the form.
    pub org: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WishQuery {
    pub thanks: String,
}

/// "What would you like to do?": no sign-in and nothing that tells who
/// sent it.
pub async fn wish_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<WishQuery>,
) -> PageResult {
    let (_, units) = org_and_units(&st, &ctx).await?;
    let page = WishPage {
        ctx: &ctx,
        areas: super::site::place_groups(&ctx, &units),
        org: super::site::org_param(&ctx.path).unwrap_or_default(),
        categories: Category::ALL
            .iter()
            .filter(|c| **c != Category::Support)
            .map(|c| {
                (
                    c.code().to_owned(),
                    ctx.t(&format!("wish-category-{}", c.code())),
                )
            })
            .collect(),
        age_groups: AgeGroup::ALL
            .iter()
            .map(|g| {
                (
                    g.code().to_owned(),
                    ctx.t(&format!("age-group-{}", g.code())),
                )
            })
            .collect(),
        max_text: kasvu_store::MAX_WISH_TEXT,
        thanks: q.thanks == "1",
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn send_wish(
    State(st): State<AppState>,
    ctx: Ctx,
    Checked(Form(fields)): Checked<Form<Vec<(String, String)>>>,
) -> PageResult {
    let get = |k: &str| crate::support::forms::field(&fields, k);
    if !st
        .store
        .rate_allow(
            &format!("wish:{}", ctx.client_ip),
            st.config.max_wishes_per_client,
            WISH_WINDOW.as_secs() as i64,
        )
        .await?
    {
        return Err(AppError::TooManyRequests);
    }
    let (org, _) = org_and_units(&st, &ctx).await?;
    let bad = |field: &str, p: Problem| {
        AppError::BadRequest(format!(
            "{}: {}",
            ctx.t(&format!("wish-field-{field}")),
            ctx.lang.problem(&p)
        ))
    };
    let mut categories = Vec::new();
    for (_, v) in fields.iter().filter(|(k, _)| k == "category") {
        let c = Category::parse(v).map_err(|p| bad("categories", p))?;
        if !categories.contains(&c) {
            categories.push(c);
        }
    }
    let age_group = AgeGroup::parse(&get("age_group")).map_err(|p| bad("age-group", p))?;
    let spec = WishSpec {
        area: get("area"),
        age_group,
        categories,
        text: get("text"),
    };
    st.store
        .add_wish(org.org_id, &spec)
        .await
        .map_err(|e| match e {
            kasvu_store::StoreError::Invalid(f) => bad(&f.field.replace('_', "-"), f.problem),
            other => other.into(),
        })?;
    Ok(Redirect::to("/wish?thanks=1").into_response())
}

/// Message ids built from codes on these pages.
#[cfg(test)]
pub fn dynamic_message_ids() -> Vec<String> {
    let mut ids = Vec::new();
    ids.extend(
        kasvu_core::activity::ActivityKind::CODES
            .iter()
            .map(|c| format!("activity-kind-{c}")),
    );
    ids.extend(Category::CODES.iter().map(|c| format!("category-{c}")));
    ids.extend(Category::CODES.iter().map(|c| format!("wish-category-{c}")));
    ids.extend(
        kasvu_core::activity::PlaceKind::CODES
            .iter()
            .map(|c| format!("place-kind-{c}")),
    );
    ids.extend(AgeGroup::CODES.iter().map(|c| format!("age-group-{c}")));
    ids.extend(
        kasvu_core::activity::ActivityStatus::CODES
            .iter()
            .map(|c| format!("activity-status-{c}")),
    );
    ids.extend((1..=7).map(|n| format!("weekday-short-{n}")));
    ids.extend(
        ["hobbies-found", "places-found", "wishes-count"]
            .iter()
            .map(|s| (*s).to_owned()),
    );
    for f in ["categories", "age-group", "area", "text"] {
        ids.push(format!("wish-field-{f}"));
    }
    ids
}
