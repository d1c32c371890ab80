//! The leadership team as a situation room (seed 003): teams and their
//! members with the sectors at the table, meetings with agenda, minutes,
//! attendance and decisions, personal commitments reviewed at the next
//! meeting, the situation-room page, "my commitments", and calendar feeds.
//!
//! Who sees what: a team is seen by the signed-in people of its
//! organisation (and of the organisations in a learning network); its
//! minutes only by its members and the organisation's admins. Teams are set
//! up by roles that manage teams at the team's unit; meetings are run by
//! those and by the team's chair and secretary; a member records and
//! reviews their own commitments.

use super::team_page::{commitment_row, CommitmentRow};
use crate::support::ctx::{Ctx, SignedIn};
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::format::date_label;
use crate::support::forms::field_key;
use crate::support::forms::Checked;
pub(crate) use crate::support::team_access::{team_access, team_access_for, TeamAccess};
use crate::support::today;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::role::permits;
use kasvu_core::team::may_handle_commitment;
use kasvu_core::{Action, Level, Problem, Schedule, TeamKind};
use kasvu_store::{Actor, Commitment, TeamSpec, User};
use serde::Deserialize;

impl TeamAccess {
    /// Whether the viewer may record or review this commitment.
    /// A guest's commitment: whoever runs the meetings (the guest cannot).
    pub fn may_handle(&self, c: &Commitment) -> bool {
        if c.guest_id.is_some() {
            return self.runs;
        }
        may_handle_commitment(c.user_id == self.user.id, self.role, self.runs)
    }

    /// The commitments as rows, with review forms where the viewer may review.
    pub fn rows(&self, ctx: &Ctx, list: &[Commitment]) -> Vec<CommitmentRow> {
        list.iter()
            .map(|c| commitment_row(ctx, c, self.may_handle(c)))
            .collect()
    }
}

pub(crate) fn actor(u: &User) -> Actor {
    Actor::user(u.id, &u.email)
}

/// A problem with a form field, before the store is asked.
pub(super) fn bad(ctx: &Ctx, field: &str, p: &Problem) -> AppError {
    AppError::BadRequest(format!(
        "{}: {}",
        ctx.t(&format!("team-field-{}", field_key(field))),
        ctx.lang.problem(p)
    ))
}

pub(crate) fn weekday_name(ctx: &Ctx, w: time::Weekday) -> String {
    ctx.t(&format!("weekday-{}", w.number_from_monday()))
}

pub(crate) fn schedule_text(ctx: &Ctx, s: &Schedule) -> String {
    let week = if s.week < 0 {
        ctx.t("team-week-last")
    } else {
        ctx.t(&format!("team-week-{}", s.week))
    };
    ctx.lang.t_args(
        "team-schedule-text",
        &[
            (
                "rhythm",
                if s.every_months == 1 {
                    ctx.t("team-every-month")
                } else {
                    ctx.lang.t_args(
                        "team-every-n-months",
                        &[("months", s.every_months.to_string())],
                    )
                },
            ),
            ("week", week),
            ("weekday", weekday_name(ctx, s.weekday)),
            ("start", s.start.to_string()),
            ("minutes", s.duration_min.to_string()),
        ],
    )
}

// ---------------------------------------------------------------- teams list

pub struct TeamRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub unit: String,
    pub mine: bool,
    pub next: String,
}

#[derive(Template)]
#[template(path = "teams.html")]
pub struct TeamsPage<'a> {
    pub ctx: &'a Ctx,
    pub teams: Vec<TeamRow>,
    /// Units where the viewer may set up a team: (code, name, level).
    pub units: Vec<(String, String, String)>,
    pub kinds: Vec<(String, String)>,
    pub weekdays: Vec<(u8, String)>,
    pub weeks: Vec<(i8, String)>,
    /// "2 open", when any.
    pub open_text: String,
}

/// The weeks of a month a schedule may name.
pub(crate) fn weeks(ctx: &Ctx) -> Vec<(i8, String)> {
    let mut w: Vec<(i8, String)> = (1..=4i8)
        .map(|n| (n, ctx.t(&format!("team-week-{n}"))))
        .collect();
    w.push((-1, ctx.t("team-week-last")));
    w
}

pub async fn teams(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let user = ctx.require_user()?.clone();
    let mine: Vec<i64> = st
        .store
        .teams_of_user(user.id)
        .await?
        .iter()
        .map(|t| t.id)
        .collect();
    let mut rows = Vec::new();
    let mut seen = Vec::new();
    let mut all = st.store.teams(user.org_id).await?;
    // Learning networks hosted elsewhere that the viewer is a member of.
    for t in st.store.teams_of_user(user.id).await? {
        if !all.iter().any(|a| a.id == t.id) {
            all.push(t);
        }
    }
    for t in all {
        if seen.contains(&t.id) {
            continue;
        }
        seen.push(t.id);
        let next = st
            .store
            .next_meeting(t.id, today())
            .await?
            .map(|m| format!("{} {}", date_label(ctx.lang, m.on), m.start))
            .unwrap_or_default();
        rows.push(TeamRow {
            id: t.id,
            kind: ctx.t(&format!("team-kind-{}", t.kind.code())),
            unit: ctx.name(&t.unit_names).to_owned(),
            mine: mine.contains(&t.id),
            name: t.name,
            next,
        });
    }
    let tree = st.store.org_tree(user.org_id).await?;
    let a = user.assignments();
    let units = st
        .store
        .org_units(user.org_id)
        .await?
        .into_iter()
        .filter(|u| u.level != Level::Unit && !u.valid.ended_before(today()))
        .filter(|u| permits(&a, &tree, Action::ManageTeams, u.id))
        .map(|u| {
            (
                u.code.clone(),
                ctx.name(&u.names).to_owned(),
                ctx.level(&u.level),
            )
        })
        .collect();
    let page = TeamsPage {
        ctx: &ctx,
        teams: rows,
        units,
        kinds: TeamKind::ALL
            .iter()
            .map(|k| {
                (
                    k.code().to_owned(),
                    ctx.t(&format!("team-kind-{}", k.code())),
                )
            })
            .collect(),
        weekdays: (1..=7u8)
            .map(|n| (n, ctx.t(&format!("weekday-{n}"))))
            .collect(),
        weeks: weeks(&ctx),
        open_text: match st.store.user_commitments(user.id, true).await?.len() {
            0 => String::new(),
            n => ctx
                .lang
                .t_args("my-commitments-open-count", &[("count", n.to_string())]),
        },
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TeamForm {
    pub csrf: String,
    pub kind: String,
    pub unit: String,
    pub name: String,
    pub every_months: String,
    pub week: String,
    pub weekday: String,
    pub start: String,
    pub duration_min: String,
    pub location: String,
}

pub(super) fn parse_int(ctx: &Ctx, field: &str, s: &str, default: i64) -> Result<i64, AppError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(default);
    }
    t.parse().map_err(|_| {
        bad(
            ctx,
            field,
            &Problem::new("err-number", "not a number").arg("value", t),
        )
    })
}

pub(super) fn parse_schedule(ctx: &Ctx, f: &TeamForm) -> Result<Schedule, AppError> {
    let d = Schedule::default();
    Schedule::new(
        parse_int(
            ctx,
            "every_months",
            &f.every_months,
            i64::from(d.every_months),
        )?,
        parse_int(ctx, "week", &f.week, i64::from(d.week))?,
        parse_int(
            ctx,
            "weekday",
            &f.weekday,
            i64::from(d.weekday.number_from_monday()),
        )?,
        if f.start.trim().is_empty() {
            "14:00"
        } else {
            &f.start
        },
        parse_int(
            ctx,
            "duration_min",
            &f.duration_min,
            i64::from(d.duration_min),
        )?,
    )
    .map_err(|(field, p)| bad(ctx, field, &p))
}

pub async fn create_team(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Checked(Form(f)): Checked<Form<TeamForm>>,
) -> PageResult {
    let kind = TeamKind::parse(&f.kind).map_err(|p| bad(&ctx, "kind", &p))?;
    let unit = st
        .store
        .org_unit(f.unit.trim())
        .await?
        .filter(|u| u.org_id == user.org_id)
        .ok_or_else(|| {
            bad(
                &ctx,
                "unit",
                &Problem::new("err-unit-missing", "no such unit").arg("value", f.unit.trim()),
            )
        })?;
    let tree = st.store.org_tree(user.org_id).await?;
    if !permits(&user.assignments(), &tree, Action::ManageTeams, unit.id) {
        return Err(AppError::Forbidden);
    }
    let spec = TeamSpec {
        kind,
        unit_code: unit.code.clone(),
        name: f.name.clone(),
        schedule: parse_schedule(&ctx, &f)?,
        location: f.location.clone(),
        anchor_on: today(),
    };
    let team = st
        .store
        .create_team(&actor(&user), &spec)
        .await
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/teams/{}?saved=created", team.id)).into_response())
}
