//! A round's results (small counts suppressed) as a page, CSV and XLSX, and
//! the team's published response.

use super::rounds::{round_access, state_text};
use crate::support::charts::bar_chart;
use crate::support::ctx::Ctx;
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::format::date_label;
use crate::support::forms::Checked;
use crate::support::forms::SavedQuery;
use crate::support::responses::public_base;
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::feedback::QuestionResult;
use kasvu_core::QuestionKind;
use kasvu_store::{Actor, RoundResults};

// ---------------------------------------------------------------- results

pub struct ResultView {
    pub n: usize,
    pub text: String,
    pub kind: String,
    pub respondents: String,
    pub mean: String,
    pub chart: String,
    /// (label, count text, hidden)
    pub rows: Vec<(String, String, bool)>,
    pub texts: Vec<String>,
    pub is_text: bool,
    pub suppressed: bool,
}

/// The labels of a question's answer categories.
pub(super) fn category_labels(ctx: &Ctx, kind: QuestionKind, options: &[String]) -> Vec<String> {
    match kind {
        QuestionKind::Scale => (1..=5)
            .map(|n| format!("{n} – {}", ctx.t(&format!("scale-{n}"))))
            .collect(),
        QuestionKind::Smiley => (1..=5).map(|n| ctx.t(&format!("smiley-{n}"))).collect(),
        _ => options.to_vec(),
    }
}

pub(super) fn result_views(ctx: &Ctx, results: &RoundResults, with_texts: bool) -> Vec<ResultView> {
    let hidden = ctx.t("suppressed-short");
    results
        .questions
        .iter()
        .enumerate()
        .map(
            |(i, (q, r)): (usize, &(kasvu_store::Question, QuestionResult))| {
                let labels = category_labels(ctx, q.kind, &q.options);
                let bars: Vec<(String, Option<f64>)> = labels
                    .iter()
                    .zip(&r.counts)
                    .map(|(l, c)| (l.clone(), c.shown()))
                    .collect();
                let id = format!("q{}", i + 1);
                let respondents = if r.suppressed {
                    ctx.t("round-too-few")
                } else {
                    r.respondents.to_string()
                };
                ResultView {
                    n: i + 1,
                    kind: ctx.t(&format!("question-kind-{}", q.kind.code())),
                    chart: if q.kind == QuestionKind::Text || r.suppressed {
                        String::new()
                    } else {
                        bar_chart(
                            &id,
                            &q.text,
                            &ctx.lang
                                .t_args("round-chart-desc", &[("count", respondents.clone())]),
                            &bars,
                            &hidden,
                        )
                    },
                    rows: bars
                        .iter()
                        .map(|(l, v)| {
                            (
                                l.clone(),
                                v.map(|v| format!("{v}")).unwrap_or_else(|| hidden.clone()),
                                v.is_none(),
                            )
                        })
                        .collect(),
                    mean: r
                        .mean
                        .map(|m| crate::support::format::format_number(ctx.lang, m, 1))
                        .unwrap_or_default(),
                    respondents,
                    texts: if with_texts {
                        r.texts.clone()
                    } else {
                        Vec::new()
                    },
                    is_text: q.kind == QuestionKind::Text,
                    suppressed: r.suppressed,
                    text: q.text.clone(),
                }
            },
        )
        .collect()
}

#[derive(Template)]
#[template(path = "round.html")]
pub struct RoundPage<'a> {
    pub ctx: &'a Ctx,
    pub id: i64,
    pub title: String,
    pub intro: String,
    pub unit: String,
    pub target: String,
    pub period: String,
    pub state: String,
    pub responses: String,
    pub results: Vec<ResultView>,
    pub response: String,
    pub published: Option<String>,
    pub manages: bool,
    pub internal: bool,
    pub answer_url: String,
    pub qr_svg: String,
    pub saved: Option<String>,
}

/// The QR code of a link as inline SVG (the `qrcode` crate draws it).
pub(super) fn qr_svg(url: &str, label: &str) -> String {
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .build();
            let start = svg.find("<svg").unwrap_or(0);
            svg[start..].replacen(
                "<svg",
                &format!(
                    "<svg role=\"img\" aria-label=\"{}\"",
                    crate::support::charts::esc(label)
                ),
                1,
            )
        }
        Err(_) => String::new(),
    }
}

pub async fn round(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> PageResult {
    let acc = round_access(&st, &ctx, id).await?;
    let r = &acc.round;
    let results = st.store.round_results(r).await?;
    let answer_url = format!("{}/a/{}", public_base(&st), r.token);
    let page = RoundPage {
        ctx: &ctx,
        id: r.id,
        title: r.title.clone(),
        intro: r.intro.clone(),
        unit: ctx.name(&r.unit_names).to_owned(),
        target: ctx.t(&format!("target-group-{}", r.target_group.code())),
        period: format!(
            "{}–{}",
            date_label(ctx.lang, r.opens_on),
            date_label(ctx.lang, r.closes_on)
        ),
        state: state_text(&ctx, r),
        responses: if results.responses_suppressed {
            ctx.t("round-too-few")
        } else {
            results.responses.to_string()
        },
        results: result_views(&ctx, &results, acc.internal),
        response: r.response.clone(),
        published: r.response_on.map(|d| date_label(ctx.lang, d)),
        manages: acc.manages,
        internal: acc.internal,
        qr_svg: qr_svg(&answer_url, &ctx.t("round-qr")),
        answer_url,
        saved: q
            .saved
            .as_deref()
            .filter(|s| matches!(*s, "round" | "response"))
            .map(|s| ctx.t(&format!("team-saved-{s}"))),
    };
    Ok(Html(page.render()?).into_response())
}

use crate::support::responses::download;

pub async fn results_csv(State(st): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let acc = round_access(&st, &ctx, id).await?;
    let results = st.store.round_results(&acc.round).await?;
    Ok(download(
        kasvu_io::feedback_export::to_csv(&acc.round, &results),
        "text/csv; charset=utf-8",
        format!("feedback-{id}.csv"),
    ))
}

pub async fn results_xlsx(State(st): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let acc = round_access(&st, &ctx, id).await?;
    let results = st.store.round_results(&acc.round).await?;
    let bytes =
        kasvu_io::feedback_export::to_xlsx(&acc.round, &results).map_err(AppError::Internal)?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("feedback-{id}.xlsx"),
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ResponseForm {
    pub csrf: String,
    pub response: String,
    pub publish: String,
}

/// The team's response ("you said, we did"), published with the results.
pub async fn set_response(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(f)): Checked<Form<ResponseForm>>,
) -> PageResult {
    let acc = round_access(&st, &ctx, id).await?;
    if !acc.manages {
        return Err(AppError::Forbidden);
    }
    st.store
        .set_round_response(
            &Actor::user(acc.user.id, &acc.user.email),
            id,
            &f.response,
            !f.publish.is_empty(),
            today(),
        )
        .await
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/feedback/{id}?saved=response#response")).into_response())
}
