//! The public side of a round: the answer form behind its link, thanks, and
//! the published results.

use super::results::{category_labels, result_views, ResultView};
use super::rounds::ANSWER_WINDOW;
use crate::support::ctx::Ctx;
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::format::date_label;
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse};
use axum::Form;
use kasvu_core::feedback::{parse_answer, RoundState};
use kasvu_core::{Answer, Problem, TargetGroup};
use kasvu_store::Round;

// ---------------------------------------------------------------- public side

pub struct QuestionView {
    pub id: i64,
    pub n: usize,
    pub text: String,
    pub kind: &'static str,
    /// (value, label)
    pub choices: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "answer.html")]
pub struct AnswerPage<'a> {
    pub ctx: &'a Ctx,
    pub token: String,
    pub title: String,
    pub intro: String,
    pub open: bool,
    pub state: String,
    pub questions: Vec<QuestionView>,
    pub nonce: String,
    pub children: bool,
    pub published: bool,
}

pub(super) async fn public_round(st: &AppState, token: &str) -> Result<Round, AppError> {
    st.store
        .round_by_token(token)
        .await?
        .ok_or(AppError::NotFound)
}

pub(super) fn question_views(ctx: &Ctx, r: &Round) -> Vec<QuestionView> {
    r.questions
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionView {
            id: q.id,
            n: i + 1,
            text: q.text.clone(),
            kind: q.kind.code(),
            choices: category_labels(ctx, q.kind, &q.options)
                .into_iter()
                .enumerate()
                .map(|(k, l)| ((k + 1).to_string(), l))
                .collect(),
        })
        .collect()
}

/// The answer form: no sign-in, no personal data asked.
pub async fn answer_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    let r = public_round(&st, &token).await?;
    let state = r.state(today());
    // Each form shown gets its own one-time token from the store; a client
    // that asks for more forms than it may send answers gets 429.
    let nonce = if state == RoundState::Open {
        if !st
            .store
            .rate_allow(
                &format!("answer-form:{}:{}", r.id, ctx.client_ip),
                FORMS_PER_ANSWER * st.config.max_answers_per_client,
                ANSWER_WINDOW.as_secs() as i64,
            )
            .await?
        {
            return Err(AppError::TooManyRequests);
        }
        st.store.issue_answer_token(r.id).await?
    } else {
        String::new()
    };
    let page = AnswerPage {
        ctx: &ctx,
        token: r.token.clone(),
        title: r.title.clone(),
        intro: r.intro.clone(),
        open: state == RoundState::Open,
        state: ctx.t(&format!("round-public-{}", state.code())),
        questions: question_views(&ctx, &r),
        nonce,
        children: matches!(r.target_group, TargetGroup::Children),
        published: r.is_published(),
    };
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "answer_thanks.html")]
pub struct ThanksPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub token: String,
    pub published: bool,
}

/// Forms one client may open per answer it may send (a reload, a form left
/// and opened again).
const FORMS_PER_ANSWER: usize = 3;

/// Receives an answer sheet. Answers that do not fit are refused with the
/// question named; a flood from one client gets 429 and stores nothing.
pub async fn submit_answer(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let r = public_round(&st, &token).await?;
    if r.state(today()) != RoundState::Open {
        return Err(AppError::BadRequest(ctx.lang.problem(&Problem::new(
            "err-round-closed",
            "this feedback round is not open for answers",
        ))));
    }
    if !st
        .store
        .rate_allow(
            &format!("answer:{}:{}", r.id, ctx.client_ip),
            st.config.max_answers_per_client,
            ANSWER_WINDOW.as_secs() as i64,
        )
        .await?
    {
        return Err(AppError::TooManyRequests);
    }
    let nonce = fields
        .iter()
        .find(|(k, _)| k == "nonce")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let mut answers: Vec<(i64, Answer)> = Vec::new();
    for (i, q) in r.questions.iter().enumerate() {
        let name = format!("q{}", q.id);
        let raw: Vec<&str> = fields
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        match parse_answer(q.kind, q.options.len(), &raw) {
            Ok(Some(a)) => answers.push((q.id, a)),
            Ok(None) => {}
            Err(p) => {
                return Err(AppError::BadRequest(format!(
                    "{} {}: {}",
                    ctx.t("team-field-question"),
                    i + 1,
                    ctx.lang.problem(&p)
                )))
            }
        }
    }
    match st
        .store
        .submit_response(r.id, nonce, &answers, today())
        .await
    {
        Ok(()) => {}
        // The same form again (a double click, a reload): it counted once.
        Err(kasvu_store::StoreError::Conflict(_)) => {}
        Err(e) => return Err(refused(Labels::Team, e)),
    }
    let page = ThanksPage {
        ctx: &ctx,
        title: r.title.clone(),
        token: r.token.clone(),
        published: r.is_published(),
    };
    Ok((StatusCode::OK, Html(page.render()?)).into_response())
}

#[derive(Template)]
#[template(path = "public_results.html")]
pub struct PublicResultsPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub responses: String,
    pub results: Vec<ResultView>,
    pub response: String,
    pub published: String,
}

/// The results and the team's response, public once it is published. Free
/// texts are never public.
pub async fn public_results(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> PageResult {
    let r = public_round(&st, &token).await?;
    let Some(on) = r.response_on else {
        return Err(AppError::NotFound);
    };
    let results = st.store.round_results(&r).await?;
    let page = PublicResultsPage {
        ctx: &ctx,
        title: r.title.clone(),
        responses: if results.responses_suppressed {
            ctx.t("round-too-few")
        } else {
            results.responses.to_string()
        },
        results: result_views(&ctx, &results, false),
        response: r.response.clone(),
        published: date_label(ctx.lang, on),
    };
    Ok(Html(page.render()?).into_response())
}
