//! Systematic feedback rounds: the team writes a round, shares its public
//! answer link (and QR code), respondents answer without signing in and
//! without giving anything about themselves, the results are shown as
//! charts with tables (small numbers hidden) and exported, and the team
//! publishes its response ("you said, we did") beside them.
//!
//! Floods are refused per client and round in this process's memory; the
//! client's address is only a key there, never stored. Each answer form
//! carries a one-time token, so a double post counts once.

use crate::support::ctx::Ctx;
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::format::date_label;
use crate::support::forms::Checked;
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::role::permits;
use kasvu_core::team::may_run_meetings;
use kasvu_core::{Action, Level, Problem, QuestionKind, QuestionSpec, Role, TargetGroup};
use kasvu_store::{Actor, Round, RoundSpec, User};
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

pub(super) async fn round_access(
    st: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<RoundAccess, AppError> {
    round_access_for(st, ctx.require_user()?.clone(), id).await
}

/// Whether a signed-in user may open a round at all: its organisation's
/// people only. Another organisation's round does not exist for them, even
/// where they meet it, as in a learning network's situation room.
pub(crate) fn may_open(user: &User, round_org_id: i64) -> bool {
    user.org_id == round_org_id
}

/// [`round_access`] for a user from the API.
pub(crate) async fn round_access_for(
    st: &AppState,
    user: User,
    id: i64,
) -> Result<RoundAccess, AppError> {
    let round = st.store.round(id).await?.ok_or(AppError::NotFound)?;
    if !may_open(&user, round.org_id) {
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

pub(super) fn state_text(ctx: &Ctx, r: &Round) -> String {
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
    /// Per category and age group: the count, or that it is too small to show.
    pub categories: Vec<(String, String)>,
    pub age_groups: Vec<(String, String)>,
    /// Their own words: for those who run teams at the area.
    pub texts: Vec<String>,
}

/// Question slots in the new-round form.
pub(super) const SLOTS: usize = 6;

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
            period: format!(
                "{}–{}",
                date_label(ctx.lang, r.opens_on),
                date_label(ctx.lang, r.closes_on)
            ),
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
    // Wishes are children's own: counted with the same threshold as every
    // other figure, small counts and what would give them away hidden.
    let threshold = st.store.threshold();
    let min = crate::families::MIN_WISHES_FOR_TEXT;
    let few = ctx.t("round-too-few");
    let wishes = st
        .store
        .wish_counts(user.org_id, min)
        .await?
        .into_iter()
        .map(|w| {
            let total = u64::try_from(w.wishes).unwrap_or(0);
            let suppressed = (w.wishes as f64) < threshold;
            let runs = permits(
                &a,
                &tree,
                Action::ManageTeams,
                w.area_id.unwrap_or(user.org_id),
            );
            let shown = |counts: Vec<(String, i64)>, adds_up: bool| -> Vec<(String, String)> {
                let n: Vec<u64> = counts
                    .iter()
                    .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
                    .collect();
                let hidden = kasvu_core::feedback::hide_small(&n, total, threshold, adds_up);
                counts
                    .into_iter()
                    .zip(hidden)
                    .map(|((label, n), h)| (label, if h { few.clone() } else { n.to_string() }))
                    .collect()
            };
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
                    shown(
                        w.categories
                            .iter()
                            .map(|(c, n)| (ctx.t(&format!("wish-category-{}", c.code())), *n))
                            .collect(),
                        false,
                    )
                },
                age_groups: if suppressed {
                    vec![]
                } else {
                    shown(
                        w.age_groups
                            .iter()
                            .map(|(g, n)| (ctx.t(&format!("age-group-{}", g.code())), *n))
                            .collect(),
                        true,
                    )
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
    Checked(Form(fields)): Checked<Form<Vec<(String, String)>>>,
) -> PageResult {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
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
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/feedback/{}?saved=round", round.id)).into_response())
}
