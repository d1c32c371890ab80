//! "My work": where a signed-in person lands. What is theirs to do across
//! the app, each part only as far as their roles reach: open commitments
//! with the meeting each is due at, their teams' next meetings and agendas,
//! data entry late for the units they enter for, the plan measures they
//! follow up, and what waits for their approval.

use crate::support::ctx::{Ctx, SignedIn};
use crate::support::error::PageResult;
use crate::support::format::{date_label, period_label};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse};
use kasvu_core::activity::ActivityStatus;
use kasvu_core::role::permits;
use kasvu_core::Action;
use kasvu_store::{ActivityQuery, User};

/// A team's next meeting and its agenda.
pub struct NextMeeting {
    pub team_id: i64,
    pub team: String,
    /// `None`: no meeting planned.
    pub meeting_id: Option<i64>,
    pub when: String,
    pub agenda: Vec<String>,
}

/// An indicator some of the person's units have not entered in time.
pub struct LateEntry {
    pub unit: String,
    pub unit_code: String,
    pub indicator: String,
    pub period: String,
    /// The units that have not entered it.
    pub missing: String,
}

/// A plan measure the person follows up.
pub struct FollowedMeasure {
    pub plan_id: i64,
    pub id: i64,
    pub name: String,
    pub status: String,
    pub schedule: String,
}

/// Something waiting for the person's decision: (what, link).
pub struct Waiting {
    pub kind: String,
    pub name: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "my_work.html")]
pub struct MyWorkPage<'a> {
    pub ctx: &'a Ctx,
    pub commitments: crate::teams::MyCommitments,
    pub meetings: Vec<NextMeeting>,
    pub late: Vec<LateEntry>,
    pub measures: Vec<FollowedMeasure>,
    pub waiting: Vec<Waiting>,
    /// Bulletins of the person's teams and the organisation's staff
    /// bulletins from the last 30 days.
    pub bulletins: Vec<MyBulletin>,
}

pub struct MyBulletin {
    pub team_id: i64,
    pub id: i64,
    pub team: String,
    pub title: String,
    pub published: String,
}

pub async fn my_work(State(st): State<AppState>, ctx: Ctx, SignedIn(user): SignedIn) -> PageResult {
    let commitments = crate::teams::commitments_of(&st, &ctx, user.id).await?;
    let page = MyWorkPage {
        meetings: next_meetings(&st, &ctx, &user).await?,
        late: late_entries(&st, &ctx, &user).await?,
        measures: followed_measures(&st, &ctx, &user).await?,
        waiting: waiting(&st, &ctx, &user).await?,
        bulletins: st
            .store
            .bulletins_for(
                user.id,
                user.org_id,
                crate::support::today() - time::Duration::days(30),
                10,
            )
            .await?
            .into_iter()
            .map(|b| MyBulletin {
                team_id: b.team_id,
                id: b.id,
                published: date_label(ctx.lang, b.published_on),
                team: b.team_name,
                title: b.title,
            })
            .collect(),
        commitments,
        ctx: &ctx,
    };
    Ok(Html(page.render()?).into_response())
}

async fn next_meetings(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
) -> Result<Vec<NextMeeting>, crate::support::error::AppError> {
    let mut out = Vec::new();
    for t in st.store.teams_of_user(user.id).await? {
        let next = st.store.next_meeting(t.id, crate::support::today()).await?;
        out.push(NextMeeting {
            team_id: t.id,
            team: t.name.clone(),
            meeting_id: next.as_ref().map(|m| m.id),
            when: next
                .as_ref()
                .map(|m| format!("{} {}", date_label(ctx.lang, m.on), m.start))
                .unwrap_or_else(|| ctx.t("team-no-meeting")),
            agenda: next
                .map(|m| m.agenda.into_iter().map(|a| a.title).collect())
                .unwrap_or_default(),
        });
    }
    Ok(out)
}

/// Only the units the person enters data for: the scopes of their roles
/// that allow data entry.
async fn late_entries(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
) -> Result<Vec<LateEntry>, crate::support::error::AppError> {
    let units = st.store.org_units(user.org_id).await?;
    let mut out = Vec::new();
    for r in user
        .roles
        .iter()
        .filter(|r| r.role.allows(Action::EnterData))
    {
        let Some(unit) = units.iter().find(|u| u.id == r.scope_id) else {
            continue;
        };
        for (ind, c) in crate::measure::late_entries(st, unit).await? {
            out.push(LateEntry {
                unit: ctx.name(&unit.names).to_owned(),
                unit_code: unit.code.clone(),
                indicator: ctx.name(&ind.spec.names).to_owned(),
                period: period_label(ctx.lang, c.period),
                missing: c
                    .units
                    .iter()
                    .filter(|u| !u.reported)
                    .map(|u| ctx.name(&u.names).to_owned())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    Ok(out)
}

/// Open measures of the plans in force with an owner unit where the person
/// follows measures up.
async fn followed_measures(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
) -> Result<Vec<FollowedMeasure>, crate::support::error::AppError> {
    let tree = st.store.org_tree(user.org_id).await?;
    let assignments = user.assignments();
    Ok(st
        .store
        .open_measures(user.org_id)
        .await?
        .into_iter()
        .filter(|m| {
            m.owners
                .iter()
                .any(|o| permits(&assignments, &tree, Action::FollowUpMeasures, *o))
        })
        .map(|m| FollowedMeasure {
            plan_id: m.plan_id,
            id: m.id,
            name: ctx.name(&m.names).to_owned(),
            status: ctx.t(&format!("measure-status-{}", m.status.code())),
            schedule: m.schedule,
        })
        .collect())
}

/// Activities waiting for the approval of an area's manager, and proposed
/// changes to the actor register, where the person approves.
async fn waiting(
    st: &AppState,
    ctx: &Ctx,
    user: &User,
) -> Result<Vec<Waiting>, crate::support::error::AppError> {
    let tree = st.store.org_tree(user.org_id).await?;
    let mut out = Vec::new();
    let q = ActivityQuery {
        statuses: Some(vec![ActivityStatus::Pending]),
        limit: 1000,
        ..ActivityQuery::default()
    };
    for a in st.store.find_activities(user.org_id, &q).await?.items {
        if crate::families::approves_activity_at(&tree, user, a.unit_id) {
            out.push(Waiting {
                kind: ctx.t("my-work-waiting-activity"),
                name: ctx.name(&a.spec.name).to_owned(),
                href: format!("/activities/{}", a.id),
            });
        }
    }
    let pending = st.store.actors_with_pending_proposals(user.org_id).await?;
    if pending.is_empty() {
        return Ok(out);
    }
    for e in st.store.actors(user.org_id).await? {
        if !crate::network::approves_register_change(&tree, user, &e) {
            continue;
        }
        if pending.contains(&e.id) {
            out.push(Waiting {
                kind: ctx.t("my-work-waiting-actor"),
                name: e.spec.name.clone(),
                href: format!("/actors/{}", crate::support::ctx::url_encode(&e.spec.code)),
            });
        }
    }
    Ok(out)
}
