//! A learning network (seed 003: Oulu's Kaakkuri and Tuira, Soite, Tampere's
//! north-east area and Siun sote met monthly 2020–2022): several
//! organisations in one installation compare, side by side, the indicators
//! each has agreed to share, for the units each brings. Nothing else of an
//! organisation is shown to the others: an indicator appears for a
//! participant only when that participant shares it, and its figures are
//! the suppressed ones every output serves.

use crate::support::charts::sparkline;
use crate::support::ctx::Ctx;
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::format::{change_between, period_label, shown_text};
use crate::support::forms::Checked;
use crate::support::forms::SavedQuery;
use crate::teams::team::{team_access, team_access_for};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect};
use kasvu_core::{Level, Period, Role, TeamKind};
use kasvu_store::{Actor, Indicator, Observation, Participant, User};

/// One participant unit's series of one shared indicator.
pub(crate) struct NetworkFigure<'a> {
    pub indicator: &'a Indicator,
    pub participant: &'a Participant,
    pub unit_code: String,
    pub unit_names: kasvu_core::Names,
    pub series: Vec<(Period, Observation)>,
}

/// The shared indicators (catalogue order) with every participant unit
/// that shares them.
pub(crate) async fn network_figures<'a>(
    st: &AppState,
    catalogue: &'a [Indicator],
    participants: &'a [Participant],
) -> Result<Vec<NetworkFigure<'a>>, AppError> {
    let mut out = Vec::new();
    for ind in catalogue {
        for p in participants
            .iter()
            .filter(|p| p.shared.contains(&ind.spec.code))
        {
            for (unit_id, code, names) in &p.units {
                let series = st
                    .store
                    .unit_series(*unit_id)
                    .await?
                    .get(&ind.id)
                    .cloned()
                    .unwrap_or_default();
                out.push(NetworkFigure {
                    indicator: ind,
                    participant: p,
                    unit_code: code.clone(),
                    unit_names: names.clone(),
                    series,
                });
            }
        }
    }
    Ok(out)
}

pub struct FigureRow {
    pub participant: String,
    pub latest: String,
    pub change: String,
    pub change_class: &'static str,
    pub arrow: &'static str,
    pub sparkline: String,
}

pub struct SharedIndicator {
    pub code: String,
    pub name: String,
    pub rows: Vec<FigureRow>,
}

/// Checkboxes of a form: (value, label, checked).
pub type Choices = Vec<(String, String, bool)>;

pub struct ParticipantView {
    pub org: String,
    pub units: String,
    pub shared: usize,
}

#[derive(Template)]
#[template(path = "network.html")]
pub struct NetworkPage<'a> {
    pub ctx: &'a Ctx,
    pub team_id: i64,
    pub team: String,
    pub participants: Vec<ParticipantView>,
    pub indicators: Vec<SharedIndicator>,
    /// The viewer's organisation's choice, when the viewer is its admin:
    /// (units (code, name, chosen), indicators (code, name, chosen)).
    pub my_share: Option<(Choices, Choices)>,
    /// Organisations that may be invited: (code, name), for the network's managers.
    pub invitable: Vec<(String, String)>,
    pub saved: Option<String>,
}

/// Admins of a participating organisation choose what it shares.
fn shares_for(user: &User, participants: &[Participant]) -> bool {
    user.has_role(Role::Admin) && participants.iter().any(|p| p.org_id == user.org_id)
}

pub async fn network(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<SavedQuery>,
) -> PageResult {
    let acc = team_access(&st, &ctx, id).await?;
    if acc.team.kind != TeamKind::LearningNetwork {
        return Err(AppError::NotFound);
    }
    let participants = st.store.network_participants(id).await?;
    let catalogue = st.store.indicators().await?;
    let figures = network_figures(&st, &catalogue, &participants).await?;
    let mut indicators: Vec<SharedIndicator> = Vec::new();
    for f in &figures {
        let spec = &f.indicator.spec;
        let shown: Vec<&(Period, Observation)> = f
            .series
            .iter()
            .filter(|(_, o)| o.shown().is_some())
            .collect();
        let latest = shown.last();
        let (change, change_class, arrow) = match (
            latest.and_then(|(_, o)| o.shown()),
            shown.len().checked_sub(2).and_then(|i| shown[i].1.shown()),
        ) {
            (Some(v), Some(pv)) => change_between(&ctx, spec.direction, v, pv),
            _ => (String::new(), "", ""),
        };
        let label = format!(
            "{}: {}",
            ctx.name(&f.participant.org_names),
            ctx.name(&f.unit_names)
        );
        let values: Vec<Option<f64>> = f
            .series
            .iter()
            .rev()
            .take(8)
            .rev()
            .map(|(_, o)| o.shown())
            .collect();
        let row = FigureRow {
            sparkline: sparkline(&values, &format!("{label}: {}", ctx.t("sparkline-label"))),
            latest: latest
                .map(|(p, o)| {
                    format!(
                        "{} ({})",
                        shown_text(&ctx, spec.unit, o),
                        period_label(ctx.lang, *p)
                    )
                })
                .unwrap_or_else(|| ctx.t("network-no-data")),
            participant: label,
            change,
            change_class,
            arrow,
        };
        match indicators.iter_mut().find(|i| i.code == spec.code) {
            Some(i) => i.rows.push(row),
            None => indicators.push(SharedIndicator {
                code: spec.code.clone(),
                name: ctx.name(&spec.names).to_owned(),
                rows: vec![row],
            }),
        }
    }
    let my_share = if shares_for(&acc.user, &participants) {
        let mine = participants.iter().find(|p| p.org_id == acc.user.org_id);
        let units = st
            .store
            .org_units(acc.user.org_id)
            .await?
            .into_iter()
            .filter(|u| u.level != Level::Unit && u.valid.to.is_none())
            .map(|u| {
                let chosen = mine.is_some_and(|p| p.units.iter().any(|(i, _, _)| *i == u.id));
                (u.code.clone(), ctx.name(&u.names).to_owned(), chosen)
            })
            .collect();
        let inds = catalogue
            .iter()
            .map(|i| {
                let chosen = mine.is_some_and(|p| p.shared.contains(&i.spec.code));
                (
                    i.spec.code.clone(),
                    ctx.name(&i.spec.names).to_owned(),
                    chosen,
                )
            })
            .collect();
        Some((units, inds))
    } else {
        None
    };
    let invitable = if acc.manages {
        st.store
            .organisations()
            .await?
            .into_iter()
            .filter(|o| !participants.iter().any(|p| p.org_id == o.org_id))
            .map(|o| (o.code.clone(), ctx.name(&o.names).to_owned()))
            .collect()
    } else {
        Vec::new()
    };
    let page = NetworkPage {
        ctx: &ctx,
        team_id: id,
        team: acc.team.name.clone(),
        participants: participants
            .iter()
            .map(|p| ParticipantView {
                org: ctx.name(&p.org_names).to_owned(),
                units: p
                    .units
                    .iter()
                    .map(|(_, _, n)| ctx.name(n).to_owned())
                    .collect::<Vec<_>>()
                    .join(", "),
                shared: p.shared.len(),
            })
            .collect(),
        indicators,
        my_share,
        invitable,
        saved: q
            .saved
            .as_deref()
            .filter(|s| matches!(*s, "shares" | "participant"))
            .map(|s| ctx.t(&format!("team-saved-{s}"))),
    };
    Ok(Html(page.render()?).into_response())
}

/// An admin of a participating organisation sets its units and shares
/// (`unit` and `indicator` repeat).
pub async fn set_share(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(axum_extra::extract::Form(f)): Checked<axum_extra::extract::Form<ShareForm>>,
) -> PageResult {
    let acc = team_access(&st, &ctx, id).await?;
    let participants = st.store.network_participants(id).await?;
    if !shares_for(&acc.user, &participants) {
        return Err(AppError::Forbidden);
    }
    st.store
        .set_network_share(
            &Actor::user(acc.user.id, &acc.user.email),
            id,
            acc.user.org_id,
            &f.unit,
            &f.indicator,
        )
        .await
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/teams/{id}/network?saved=shares")).into_response())
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ShareForm {
    pub csrf: String,
    pub unit: Vec<String>,
    pub indicator: Vec<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ParticipantForm {
    pub csrf: String,
    pub org: String,
}

/// The network's managers invite another organisation.
pub async fn add_participant(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(axum::Form(f)): Checked<axum::Form<ParticipantForm>>,
) -> PageResult {
    let acc = team_access(&st, &ctx, id).await?;
    if !acc.manages {
        return Err(AppError::Forbidden);
    }
    st.store
        .add_network_participant(&Actor::user(acc.user.id, &acc.user.email), id, &f.org)
        .await
        .map_err(|e| refused(Labels::Team, e))?;
    Ok(Redirect::to(&format!("/teams/{id}/network?saved=participant")).into_response())
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NetworkFigureDto {
    pub indicator: String,
    pub organisation: String,
    pub unit: String,
    /// The latest period with a figure that may be shown.
    pub period: Option<String>,
    pub value: Option<f64>,
}

#[utoipa::path(get, path = "/api/v1/teams/{id}/network", tag = "teams", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Learning network (team) id")),
    responses((status = 200, description = "The latest figure of every shared indicator for every participating unit", body = [NetworkFigureDto]),
              (status = 401, body = crate::support::api::ApiErrorBody), (status = 404, body = crate::support::api::ApiErrorBody)))]
pub async fn network_api(
    State(st): State<AppState>,
    crate::support::api::ApiUser(user): crate::support::api::ApiUser,
    crate::support::api::Path(id): crate::support::api::Path<i64>,
) -> crate::support::api::ApiResult<axum::Json<Vec<NetworkFigureDto>>> {
    let acc = team_access_for(&st, user, id).await?;
    if acc.team.kind != TeamKind::LearningNetwork {
        return Err(AppError::NotFound.into());
    }
    let participants = st.store.network_participants(id).await?;
    let catalogue = st.store.indicators().await?;
    let figures = network_figures(&st, &catalogue, &participants).await?;
    Ok(axum::Json(
        figures
            .iter()
            .map(|f| {
                let latest = f.series.iter().rev().find(|(_, o)| o.shown().is_some());
                NetworkFigureDto {
                    indicator: f.indicator.spec.code.clone(),
                    organisation: f.participant.org_code.clone(),
                    unit: f.unit_code.clone(),
                    period: latest.map(|(p, _)| p.code()),
                    value: latest.and_then(|(_, o)| o.shown()),
                }
            })
            .collect(),
    ))
}
