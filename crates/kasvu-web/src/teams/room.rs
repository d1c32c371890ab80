//! The situation room (seed 003: "johtotiimin toiminta tilannehuoneena"):
//! what a team needs for its next meeting on one printable screen — the
//! indicators of its cluster or area with their direction since the last
//! meeting, the open commitments per member, the plan measures of its units
//! still in progress, and the feedback rounds with new results.

use crate::support::charts::sparkline;
use crate::support::ctx::Ctx;
use crate::support::error::PageResult;
use crate::support::format::date_label;
use crate::support::format::{change_between, period_label, shown_text};
use crate::support::today;
use crate::teams::team::team_access;
use crate::teams::team_page::CommitmentRow;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse};
use kasvu_core::feedback::RoundState;

pub struct RoomIndicator {
    pub code: String,
    pub name: String,
    pub then: String,
    pub now: String,
    pub change: String,
    pub change_class: &'static str,
    pub arrow: &'static str,
    pub sparkline: String,
}

pub struct RoomMeasure {
    pub href: String,
    pub name: String,
    pub status: String,
    pub schedule: String,
}

pub struct RoomRound {
    pub id: i64,
    pub title: String,
    pub state: String,
    pub responses: String,
    pub published: bool,
}

#[derive(Template)]
#[template(path = "room.html")]
pub struct RoomPage<'a> {
    pub ctx: &'a Ctx,
    pub team_id: i64,
    pub team: String,
    pub unit: String,
    pub unit_code: String,
    pub next: Option<(i64, String, Vec<String>)>,
    pub last: Option<String>,
    pub indicators: Vec<RoomIndicator>,
    pub commitments: Vec<CommitmentRow>,
    pub measures: Vec<RoomMeasure>,
    pub rounds: Vec<RoomRound>,
}

/// Periods in each indicator's sparkline.
const SPARK: usize = 8;

pub async fn room(State(st): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let acc = team_access(&st, &ctx, id).await?;
    let t = &acc.team;
    let now = today();
    let next = st.store.next_meeting(t.id, now).await?;
    let last = st.store.last_held_meeting(t.id, now).await?;
    let since = last.as_ref().map(|m| m.on);

    let catalogue = st.store.indicators().await?;
    let series = st.store.unit_series(t.unit_id).await?;
    let mut indicators = Vec::new();
    for ind in &catalogue {
        let Some(s) = series.get(&ind.id).filter(|s| !s.is_empty()) else {
            continue;
        };
        let spec = &ind.spec;
        let latest = s.iter().rev().find(|(_, o)| o.shown().is_some());
        // What was known at the last meeting: periods that had ended by then.
        let before = since.and_then(|d| {
            s.iter()
                .rev()
                .find(|(p, o)| p.end() < d && o.shown().is_some())
        });
        let Some((lp, lo)) = latest.or(s.last()) else {
            continue;
        };
        let (change, change_class, arrow) = match (lo.shown(), before.and_then(|(_, o)| o.shown()))
        {
            (Some(v), Some(pv)) if before.map(|(p, _)| p) != Some(lp) => {
                change_between(&ctx, spec.direction, v, pv)
            }
            (Some(_), Some(_)) => (ctx.t("room-no-new-data"), "neutral", "→"),
            _ => (String::new(), "", ""),
        };
        let tail: Vec<Option<f64>> = s
            .iter()
            .rev()
            .take(SPARK)
            .rev()
            .map(|(_, o)| o.shown())
            .collect();
        let name = ctx.name(&spec.names).to_owned();
        indicators.push(RoomIndicator {
            code: spec.code.clone(),
            sparkline: sparkline(&tail, &format!("{name}: {}", ctx.t("sparkline-label"))),
            then: before
                .map(|(p, o)| {
                    format!(
                        "{} ({})",
                        shown_text(&ctx, spec.unit, o),
                        period_label(ctx.lang, *p)
                    )
                })
                .unwrap_or_default(),
            now: format!(
                "{} ({})",
                shown_text(&ctx, spec.unit, lo),
                period_label(ctx.lang, *lp)
            ),
            name,
            change,
            change_class,
            arrow,
        });
    }

    let commitments = acc.rows(&ctx, &st.store.team_commitments(t.id, true).await?);

    let tree = st.store.org_tree(t.org_id).await?;
    // A learning network's room is read by other organisations too: they see
    // the measures of plans they could open themselves (public, in force),
    // never a draft's or an internal plan's.
    let readable_plans: Vec<i64> = st
        .store
        .plans(t.org_id)
        .await?
        .iter()
        .filter(|p| crate::plans::plan_visible(&ctx, p))
        .map(|p| p.id)
        .collect();
    let measures = st
        .store
        .open_measures(t.org_id)
        .await?
        .into_iter()
        .filter(|m| readable_plans.contains(&m.plan_id))
        .filter(|m| m.owners.iter().any(|o| tree.is_within(*o, t.unit_id)))
        .map(|m| RoomMeasure {
            href: format!("/plans/{}#measure-{}", m.plan_id, m.id),
            name: ctx.name(&m.names).to_owned(),
            status: ctx.t(&format!("measure-status-{}", m.status.code())),
            schedule: m.schedule,
        })
        .collect();

    let mut rounds = Vec::new();
    for r in st.store.rounds(t.org_id).await? {
        // Only rounds the reader could open (`/feedback/{id}`): another
        // organisation's member of the network sees none of them.
        if !crate::feedback::may_open_round(&acc.user, r.org_id) {
            continue;
        }
        let ours = r.team_id == Some(t.id) || tree.is_within(r.unit_id, t.unit_id);
        let state = r.state(now);
        let new = state == RoundState::Open || since.is_none_or(|d| r.closes_on >= d);
        if !ours || !new || state == RoundState::Upcoming {
            continue;
        }
        let Some(round) = st.store.round(r.id).await? else {
            continue;
        };
        let res = st.store.round_results(&round).await?;
        rounds.push(RoomRound {
            id: r.id,
            state: ctx.t(&format!("round-state-{}", state.code())),
            responses: if res.responses_suppressed {
                ctx.t("round-too-few")
            } else {
                res.responses.to_string()
            },
            published: r.is_published(),
            title: r.title,
        });
    }

    let page = RoomPage {
        ctx: &ctx,
        team_id: t.id,
        team: t.name.clone(),
        unit: ctx.name(&t.unit_names).to_owned(),
        unit_code: t.unit_code.clone(),
        next: next.map(|m| {
            (
                m.id,
                format!("{} {}", date_label(ctx.lang, m.on), m.start),
                m.agenda.iter().map(|a| a.title.clone()).collect(),
            )
        }),
        last: last.map(|m| date_label(ctx.lang, m.on)),
        indicators,
        commitments,
        measures,
        rounds,
    };
    Ok(Html(page.render()?).into_response())
}
