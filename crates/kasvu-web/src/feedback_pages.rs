//! Systematic feedback rounds: the team writes a round, shares its public
//! answer link (and QR code), respondents answer without signing in and
//! without giving anything about themselves, the results are shown as
//! charts with tables (small numbers hidden) and exported, and the team
//! publishes its response ("you said, we did") beside them.
//!
//! Floods are refused per client and round in this process's memory; the
//! client's address is only a key there, never stored. Each answer form
//! carries a one-time token, so a double post counts once.

use crate::charts::bar_chart;
use crate::ctx::Ctx;
use crate::error::{AppError, PageResult};
use crate::pages::today;
use crate::team_pages::{date_text, refused};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::feedback::{parse_answer, QuestionResult, RoundState};
use kasvu_core::role::permits;
use kasvu_core::team::may_run_meetings;
use kasvu_core::{Action, Answer, Level, Problem, QuestionKind, QuestionSpec, Role, TargetGroup};
use kasvu_store::{Actor, Round, RoundResults, RoundSpec, User};
use std::time::Duration;

/// Answers one client may send to one round within [`ANSWER_WINDOW`]. Set
/// so a school class behind one address can answer, a script cannot flood.
pub const MAX_ANSWERS_PER_CLIENT: usize = 60;
pub const ANSWER_WINDOW: Duration = Duration::from_secs(10 * 60);

/// When a client's recent answers to a round came, keyed by (round, client).
/// What the signed-in viewer may do with a round of their organisation.
pub(crate) struct RoundAccess {
    pub round: Round,
    pub user: User,
    /// Writes the response: manages teams at the round's unit, or runs the round's team.
    pub manages: bool,
    /// Sees free-text answers: `manages`, the round's team, the admins.
    pub internal: bool,
}

async fn round_access(st: &AppState, ctx: &Ctx, id: i64) -> Result<RoundAccess, AppError> {
    round_access_for(st, ctx.require_user()?.clone(), id).await
}

/// [`round_access`] for a user from the API.
pub(crate) async fn round_access_for(
    st: &AppState,
    user: User,
    id: i64,
) -> Result<RoundAccess, AppError> {
    let round = st.store.round(id).await?.ok_or(AppError::NotFound)?;
    if round.org_id != user.org_id {
        return Err(AppError::NotFound);
    }
    let tree = st.store.org_tree(user.org_id).await?;
    let by_role = permits(
        &user.assignments(),
        &tree,
        Action::ManageTeams,
        round.unit_id,
    );
    let member = match round.team_id {
        Some(t) => st.store.member_role(t, user.id).await?,
        None => None,
    };
    let manages = may_run_meetings(member, by_role);
    Ok(RoundAccess {
        internal: manages || member.is_some() || user.has_role(Role::Admin),
        manages,
        round,
        user,
    })
}

fn state_text(ctx: &Ctx, r: &Round) -> String {
    ctx.t(&format!("round-state-{}", r.state(today()).code()))
}

// ---------------------------------------------------------------- the list

pub struct RoundRow {
    pub id: i64,
    pub title: String,
    pub unit: String,
    pub target: String,
    pub period: String,
    pub state: String,
}

#[derive(Template)]
#[template(path = "rounds.html")]
pub struct RoundsPage<'a> {
    pub ctx: &'a Ctx,
    pub rounds: Vec<RoundRow>,
    pub units: Vec<(String, String)>,
    pub teams: Vec<(i64, String)>,
    pub targets: Vec<(String, String)>,
    pub kinds: Vec<(String, String)>,
    pub slots: Vec<usize>,
    pub opens: String,
    pub closes: String,
    pub wishes: Vec<WishView>,
}

/// Children's and young people's wishes of an area, as its feedback.
pub struct WishView {
    pub area: String,
    pub total: i64,
    /// Fewer wishes than the small-number limit: only the total is shown.
    pub suppressed: bool,
    pub categories: Vec<(String, i64)>,
    pub age_groups: Vec<(String, i64)>,
    /// Their own words: for those who run teams at the area.
    pub texts: Vec<String>,
}

/// Question slots in the new-round form.
const SLOTS: usize = 6;

pub async fn rounds(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.require_user()?.clone();
    let rows = st
        .store
        .rounds(user.org_id)
        .await?
        .into_iter()
        .map(|r| RoundRow {
            id: r.id,
            unit: ctx.name(&r.unit_names).to_owned(),
            target: ctx.t(&format!("target-group-{}", r.target_group.code())),
            period: format!("{}–{}", date_text(r.opens_on), date_text(r.closes_on)),
            state: state_text(&ctx, &r),
            title: r.title,
        })
        .collect();
    let tree = st.store.org_tree(user.org_id).await?;
    let a = user.assignments();
    let units: Vec<(String, String)> = st
        .store
        .org_units(user.org_id)
        .await?
        .into_iter()
        .filter(|u| !u.valid.ended_before(today()) && u.level != Level::Unit)
        .filter(|u| permits(&a, &tree, Action::ManageTeams, u.id))
        .map(|u| (u.code.clone(), ctx.name(&u.names).to_owned()))
        .collect();
    let mut units = units;
    let mut teams = Vec::new();
    for t in st.store.teams(user.org_id).await? {
        if t.org_id != user.org_id {
            continue;
        }
        let role = st.store.member_role(t.id, user.id).await?;
        if may_run_meetings(role, permits(&a, &tree, Action::ManageTeams, t.unit_id)) {
            // A team's chair may ask about the team's own unit.
            if !units.iter().any(|(c, _)| *c == t.unit_code) {
                units.push((t.unit_code.clone(), ctx.name(&t.unit_names).to_owned()));
            }
            teams.push((t.id, t.name));
        }
    }
    let min = crate::families_pages::MIN_WISHES_FOR_TEXT;
    let wishes = st
        .store
        .wish_counts(user.org_id, min)
        .await?
        .into_iter()
        .map(|w| {
            let suppressed = w.wishes < min;
            let runs = permits(
                &a,
                &tree,
                Action::ManageTeams,
                w.area_id.unwrap_or(user.org_id),
            );
            WishView {
                area: if w.area.fi.is_empty() {
                    ctx.t("wish-area-none")
                } else {
                    ctx.name(&w.area).to_owned()
                },
                total: w.wishes,
                suppressed,
                categories: if suppressed {
                    vec![]
                } else {
                    w.categories
                        .iter()
                        .map(|(c, n)| (ctx.t(&format!("wish-category-{}", c.code())), *n))
                        .collect()
                },
                age_groups: if suppressed {
                    vec![]
                } else {
                    w.age_groups
                        .iter()
                        .map(|(g, n)| (ctx.t(&format!("age-group-{}", g.code())), *n))
                        .collect()
                },
                texts: if runs { w.texts } else { vec![] },
            }
        })
        .collect();
    let now = today();
    let page = RoundsPage {
        wishes,
        ctx: &ctx,
        rounds: rows,
        units,
        teams,
        targets: TargetGroup::ALL
            .iter()
            .map(|g| {
                (
                    g.code().to_owned(),
                    ctx.t(&format!("target-group-{}", g.code())),
                )
            })
            .collect(),
        kinds: QuestionKind::ALL
            .iter()
            .map(|k| {
                (
                    k.code().to_owned(),
                    ctx.t(&format!("question-kind-{}", k.code())),
                )
            })
            .collect(),
        slots: (1..=SLOTS).collect(),
        opens: kasvu_core::format_date(now),
        closes: kasvu_core::format_date(now + time::Duration::days(21)),
    };
    Ok(Html(page.render()?).into_response())
}

/// The new-round form: fixed fields plus `q{n}_kind`, `q{n}_text` and
/// `q{n}_options` (one option per line) for each question slot.
pub async fn create_round(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    ctx.check_csrf(get("csrf"))?;
    let user = ctx.require_user()?.clone();
    let bad = |field: &str, p: Problem| {
        AppError::BadRequest(format!(
            "{}: {}",
            ctx.t(&format!("team-field-{field}")),
            ctx.lang.problem(&p)
        ))
    };
    let team_id = match get("team").trim() {
        "" => None,
        s => Some(
            s.parse::<i64>()
                .map_err(|_| bad("team-id", Problem::required()))?,
        ),
    };
    let unit = st
        .store
        .org_unit(get("unit").trim())
        .await?
        .filter(|u| u.org_id == user.org_id)
        .ok_or_else(|| bad("unit", Problem::required()))?;
    // Whoever manages teams at the unit, or runs the chosen team, may start a round.
    let tree = st.store.org_tree(user.org_id).await?;
    let by_role = permits(&user.assignments(), &tree, Action::ManageTeams, unit.id);
    let runs_team = match team_id {
        Some(t) => may_run_meetings(st.store.member_role(t, user.id).await?, false),
        None => false,
    };
    if !by_role && !runs_team {
        return Err(AppError::Forbidden);
    }
    let mut questions = Vec::new();
    for n in 1..=SLOTS {
        let text = get(&format!("q{n}_text")).trim().to_owned();
        if text.is_empty() {
            continue;
        }
        let kind =
            QuestionKind::parse(get(&format!("q{n}_kind"))).map_err(|p| bad("questions", p))?;
        let options = if kind.has_options() {
            get(&format!("q{n}_options"))
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        } else {
            Vec::new()
        };
        questions.push(QuestionSpec {
            kind,
            text,
            options,
        });
    }
    let spec = RoundSpec {
        unit: unit.code.clone(),
        team_id,
        title: get("title").to_owned(),
        intro: get("intro").to_owned(),
        target_group: TargetGroup::parse(get("target_group"))
            .map_err(|p| bad("target-group", p))?,
        opens_on: get("opens_on").to_owned(),
        closes_on: get("closes_on").to_owned(),
        questions,
    };
    let round = st
        .store
        .create_round(&Actor::user(user.id, &user.email), user.org_id, &spec)
        .await
        .map_err(|e| refused(&ctx, e))?;
    Ok(Redirect::to(&format!("/feedback/{}?saved=round", round.id)).into_response())
}

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
fn category_labels(ctx: &Ctx, kind: QuestionKind, options: &[String]) -> Vec<String> {
    match kind {
        QuestionKind::Scale => (1..=5)
            .map(|n| format!("{n} – {}", ctx.t(&format!("scale-{n}"))))
            .collect(),
        QuestionKind::Smiley => (1..=5).map(|n| ctx.t(&format!("smiley-{n}"))).collect(),
        _ => options.to_vec(),
    }
}

fn result_views(ctx: &Ctx, results: &RoundResults, with_texts: bool) -> Vec<ResultView> {
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
                        .map(|m| crate::measure_pages::format_number(ctx.lang, m, 1))
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

/// The public address of this server, for links that leave it (QR codes).
pub(crate) fn public_base(st: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &st.config.public_url {
        return u.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if st.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// The QR code of a link as inline SVG (the `qrcode` crate draws it).
fn qr_svg(url: &str, label: &str) -> String {
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
                    crate::charts::esc(label)
                ),
                1,
            )
        }
        Err(_) => String::new(),
    }
}

use crate::team_pages::SavedQuery;

pub async fn round(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> PageResult {
    let acc = round_access(&st, &ctx, id).await?;
    let r = &acc.round;
    let results = st.store.round_results(r).await?;
    let answer_url = format!("{}/a/{}", public_base(&st, &headers), r.token);
    let page = RoundPage {
        ctx: &ctx,
        id: r.id,
        title: r.title.clone(),
        intro: r.intro.clone(),
        unit: ctx.name(&r.unit_names).to_owned(),
        target: ctx.t(&format!("target-group-{}", r.target_group.code())),
        period: format!("{}–{}", date_text(r.opens_on), date_text(r.closes_on)),
        state: state_text(&ctx, r),
        responses: if results.responses_suppressed {
            ctx.t("round-too-few")
        } else {
            results.responses.to_string()
        },
        results: result_views(&ctx, &results, acc.internal),
        response: r.response.clone(),
        published: r.response_on.map(date_text),
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

use crate::plan_pages::download;

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
    Form(f): Form<ResponseForm>,
) -> PageResult {
    ctx.check_csrf(&f.csrf)?;
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
        .map_err(|e| refused(&ctx, e))?;
    Ok(Redirect::to(&format!("/feedback/{id}?saved=response#response")).into_response())
}

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

async fn public_round(st: &AppState, token: &str) -> Result<Round, AppError> {
    st.store
        .round_by_token(token)
        .await?
        .ok_or(AppError::NotFound)
}

fn question_views(ctx: &Ctx, r: &Round) -> Vec<QuestionView> {
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
    let page = AnswerPage {
        ctx: &ctx,
        token: r.token.clone(),
        title: r.title.clone(),
        intro: r.intro.clone(),
        open: state == RoundState::Open,
        state: ctx.t(&format!("round-public-{}", state.code())),
        questions: question_views(&ctx, &r),
        nonce: kasvu_store::random_token(),
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
        Err(e) => return Err(refused(&ctx, e)),
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
        published: date_text(on),
    };
    Ok(Html(page.render()?).into_response())
}
