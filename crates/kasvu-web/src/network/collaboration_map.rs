//! The collaboration map of the organisation, an area or a cluster: the
//! register's actors as nodes, edges derived from the records (teams,
//! projects, plan measures, collaborations entered by hand), drawn on the
//! server as SVG with the same facts as tables beside it; filters by sector
//! and theme; the sectors a network should have and lacks; each actor's
//! network figures. People of the actors' areas (or staff of either actor)
//! enter and remove collaborations.

use crate::network::register::approves;
use crate::support::access::is_staff_of;
use crate::support::access::viewer_org;
use crate::support::ctx::{Ctx, SignedIn};
use crate::support::error::{refused, Labels};
use crate::support::error::{AppError, PageResult};
use crate::support::forms::SavedQuery;
use crate::support::forms::{Checked, TokenOnly};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect};
use kasvu_core::network::{
    circle, edges, figures, filtered, missing, Edge, Figures, LinkSource, Node,
};
use kasvu_core::Sector;
use kasvu_store::{Actor, ActorEntry, Collaboration, User};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MapFilter {
    pub area: String,
    pub sector: String,
    pub theme: String,
}

pub struct MapNode {
    pub code: String,
    pub name: String,
    pub sector: String,
    pub sector_code: String,
    /// Shape of the node (so colour is not the only cue): 0 circle, 1 square, 2 diamond, 3 triangle.
    pub shape: usize,
    pub x: f64,
    pub y: f64,
    pub label_x: f64,
    pub label_y: f64,
    pub anchor: &'static str,
    pub links: usize,
    pub other_sector: usize,
    /// Whether the filter matched it (others are shown as neighbours).
    pub matched: bool,
    /// The points of a diamond or triangle.
    pub points: String,
}

pub struct MapEdge {
    pub from: String,
    pub to: String,
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    /// The class of its strongest source, for the line style.
    pub class: &'static str,
    /// Where it comes from, in words.
    pub via: Vec<String>,
}

pub struct EnteredRow {
    pub id: i64,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub note: String,
    pub may_remove: bool,
}

#[derive(Template)]
#[template(path = "map.html")]
pub struct MapPage<'a> {
    pub ctx: &'a Ctx,
    pub filter: MapFilter,
    pub areas: Vec<(String, String)>,
    pub sectors: Vec<(String, String)>,
    pub themes: Vec<String>,
    pub nodes: Vec<MapNode>,
    pub edges: Vec<MapEdge>,
    pub missing: Vec<String>,
    pub legend_sectors: Vec<(String, String, usize)>,
    pub legend_sources: Vec<(&'static str, String)>,
    pub entered: Vec<EnteredRow>,
    /// Actors the user may enter collaborations for: (code, name).
    pub may_enter: Vec<(String, String)>,
    pub all_actors: Vec<(String, String)>,
    pub kinds: Vec<(String, String)>,
    pub saved: Option<String>,
    pub size: u32,
    pub width: u32,
}

/// The line class of an edge: hand-entered types first, then the records.
fn edge_class(e: &Edge) -> &'static str {
    let has = |s: LinkSource| e.via.iter().any(|(v, _)| *v == s);
    if has(LinkSource::Referral) {
        "src-referral"
    } else if has(LinkSource::JointActivity) {
        "src-joint"
    } else if has(LinkSource::Consultation) {
        "src-consultation"
    } else if has(LinkSource::Team) {
        "src-team"
    } else if has(LinkSource::Project) {
        "src-project"
    } else {
        "src-measure"
    }
}

/// Whether the user may enter or remove a collaboration of these actors.
fn may_link(tree: &kasvu_core::OrgTree, u: &User, e: &ActorEntry) -> bool {
    approves(tree, u, e) || is_staff_of(tree, u, e)
}

/// Who may enter or remove a collaboration between actors named by code
/// (`codes`) or by id (`ids`): people who may change either actor's entry
/// or work for either actor. Unknown actors grant nothing.
pub(crate) async fn may_link_between(
    st: &AppState,
    user: &User,
    codes: &[&str],
    ids: &[i64],
) -> Result<bool, AppError> {
    let tree = st.store.org_tree(user.org_id).await?;
    let all = st.store.actors(user.org_id).await?;
    Ok(all
        .iter()
        .filter(|e| codes.contains(&e.spec.code.as_str()) || ids.contains(&e.id))
        .any(|e| may_link(&tree, user, e)))
}

fn source_name(ctx: &Ctx, s: LinkSource) -> String {
    ctx.t(&format!("link-{}", s.code().replace('_', "-")))
}

/// The drawing's height; it is wider by [`MARGIN`] on each side, for the names.
const SIZE: f64 = 640.0;
const MARGIN: f64 = 180.0;

/// The map's facts for a filter, shared by the page and the API.
pub(crate) struct MapData {
    /// The whole register of the organisation.
    pub all: Vec<ActorEntry>,
    /// The actors on the map, grouped by sector then name.
    pub order: Vec<i64>,
    /// Those the filter matched (the rest are their partners).
    pub matched: BTreeSet<i64>,
    pub edges: Vec<Edge>,
    pub figures: BTreeMap<i64, Figures>,
    /// The sectors no actor in the area or cluster is of.
    pub missing: Vec<Sector>,
    /// The themes of the actors in the area or cluster.
    pub themes: Vec<String>,
}

impl MapData {
    pub fn entry(&self, id: i64) -> Option<&ActorEntry> {
        self.all.iter().find(|e| e.id == id)
    }
}

pub(crate) async fn map_data(
    st: &AppState,
    org_id: i64,
    f: &MapFilter,
) -> Result<MapData, AppError> {
    let tree = st.store.org_tree(org_id).await?;
    let units = st.store.org_units(org_id).await?;
    let all = st.store.actors(org_id).await?;
    let scope = units
        .iter()
        .find(|u| kasvu_core::same_code(&u.code, &f.area));
    let in_scope: Vec<&ActorEntry> = all
        .iter()
        .filter(|e| {
            scope.is_none_or(|a| {
                e.areas
                    .iter()
                    .any(|(u, _)| tree.is_within(*u, a.id) || tree.is_within(a.id, *u))
            })
        })
        .collect();
    let by_id: BTreeMap<i64, &ActorEntry> = in_scope.iter().map(|e| (e.id, *e)).collect();
    let nodes: Vec<Node> = in_scope
        .iter()
        .map(|e| Node {
            id: e.id,
            sector: e.spec.sector,
        })
        .collect();
    let records = st.store.network_records(org_id).await?;
    let all_edges = edges(&records);
    let sector = Sector::parse(&f.sector).ok();
    let theme = f.theme.trim().to_lowercase();
    let matches = |id: i64| {
        by_id.get(&id).is_some_and(|e| {
            sector.is_none_or(|s| e.spec.sector == s)
                && (theme.is_empty() || e.spec.themes.iter().any(|t| t.to_lowercase() == theme))
        })
    };
    let (shown, kept) = filtered(&nodes, &all_edges, matches);
    let shown_nodes: Vec<Node> = nodes
        .iter()
        .filter(|n| shown.contains(&n.id))
        .cloned()
        .collect();
    let mut order: Vec<&ActorEntry> = shown
        .iter()
        .filter_map(|id| by_id.get(id).copied())
        .collect();
    order.sort_by(|a, b| (a.spec.sector, &a.spec.name).cmp(&(b.spec.sector, &b.spec.name)));
    let mut themes: Vec<String> = in_scope
        .iter()
        .flat_map(|e| e.spec.themes.clone())
        .collect();
    themes.sort();
    themes.dedup();
    Ok(MapData {
        order: order.iter().map(|e| e.id).collect(),
        matched: shown.iter().copied().filter(|id| matches(*id)).collect(),
        figures: figures(&shown_nodes, &kept),
        missing: missing(&nodes),
        edges: kept,
        themes,
        all,
    })
}

pub async fn map(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(f): Query<MapFilter>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let org = viewer_org(&st, &ctx).await?;
    let tree = st.store.org_tree(org.org_id).await?;
    let units = st.store.org_units(org.org_id).await?;
    let data = map_data(&st, org.org_id, &f).await?;
    let all = &data.all;
    let figs = &data.figures;
    let kept = &data.edges;
    let order: Vec<&ActorEntry> = data.order.iter().filter_map(|id| data.entry(*id)).collect();
    let by_id: BTreeMap<i64, &ActorEntry> = order.iter().map(|e| (e.id, *e)).collect();
    let c = SIZE / 2.0;
    let cx = c + MARGIN;
    let points = circle(order.len(), cx, c, SIZE * 0.36);
    let shape_of = |s: Sector| Sector::ALL.iter().position(|x| *x == s).unwrap_or(0) % 4;
    let mut at: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
    let map_nodes: Vec<MapNode> = order
        .iter()
        .zip(&points)
        .map(|(e, &(x, y))| {
            at.insert(e.id, (x, y));
            let (dx, dy) = (x - cx, y - c);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            let f = figs.get(&e.id).cloned().unwrap_or_default();
            let shape = shape_of(e.spec.sector);
            let r = 9.0;
            let points = match shape {
                2 => format!(
                    "{},{} {},{} {},{} {},{}",
                    x,
                    y - r,
                    x + r,
                    y,
                    x,
                    y + r,
                    x - r,
                    y
                ),
                3 => format!(
                    "{},{} {},{} {},{}",
                    x,
                    y - r,
                    x + r,
                    y + r * 0.8,
                    x - r,
                    y + r * 0.8
                ),
                _ => String::new(),
            };
            MapNode {
                code: e.spec.code.clone(),
                name: e.spec.name.clone(),
                sector: ctx.sector(&e.spec.sector),
                sector_code: e.spec.sector.code().replace('_', "-"),
                shape,
                x,
                y,
                label_x: ((x + dx / len * 16.0) * 10.0).round() / 10.0,
                label_y: ((y + dy / len * 16.0 + 4.0) * 10.0).round() / 10.0,
                anchor: if dx.abs() < 1.0 {
                    "middle"
                } else if dx > 0.0 {
                    "start"
                } else {
                    "end"
                },
                links: f.links,
                other_sector: f.other_sector,
                matched: data.matched.contains(&e.id),
                points,
            }
        })
        .collect();
    let code_of = |id: i64| {
        by_id
            .get(&id)
            .map(|e| e.spec.name.clone())
            .unwrap_or_default()
    };
    let map_edges: Vec<MapEdge> = kept
        .iter()
        .filter_map(|e| {
            let (a, b) = (at.get(&e.a)?, at.get(&e.b)?);
            Some(MapEdge {
                from: code_of(e.a),
                to: code_of(e.b),
                x1: a.0,
                y1: a.1,
                x2: b.0,
                y2: b.1,
                class: edge_class(e),
                via: e
                    .via
                    .iter()
                    .map(|(s, l)| {
                        if l.is_empty() {
                            source_name(&ctx, *s)
                        } else {
                            format!("{}: {l}", source_name(&ctx, *s))
                        }
                    })
                    .collect(),
            })
        })
        .collect();
    let user = ctx.user.as_ref().filter(|u| u.org_id == org.org_id);
    let entered: Vec<Collaboration> = st.store.collaborations(org.org_id).await?;
    let entry = |id: i64| all.iter().find(|e| e.id == id);
    let entered_rows = entered
        .iter()
        .filter(|c| by_id.contains_key(&c.from.0) || by_id.contains_key(&c.to.0))
        .map(|c| EnteredRow {
            id: c.id,
            from: entry(c.from.0)
                .map(|e| e.spec.name.clone())
                .unwrap_or_default(),
            to: entry(c.to.0)
                .map(|e| e.spec.name.clone())
                .unwrap_or_default(),
            kind: source_name(&ctx, c.kind),
            note: c.note.clone(),
            may_remove: user.is_some_and(|u| {
                [c.from.0, c.to.0]
                    .iter()
                    .filter_map(|id| entry(*id))
                    .any(|e| may_link(&tree, u, e))
            }),
        })
        .collect();
    let page = MapPage {
        ctx: &ctx,
        areas: crate::support::access::area_choices(&ctx, &units),
        sectors: Sector::ALL
            .iter()
            .map(|s| (s.code().to_owned(), ctx.sector(s)))
            .collect(),
        themes: data.themes.clone(),
        missing: data.missing.iter().map(|s| ctx.sector(s)).collect(),
        legend_sectors: Sector::ALL
            .iter()
            .filter(|s| {
                map_nodes
                    .iter()
                    .any(|n| n.sector_code == s.code().replace('_', "-"))
            })
            .map(|s| (s.code().replace('_', "-"), ctx.sector(s), shape_of(*s)))
            .collect(),
        legend_sources: [
            ("src-team", LinkSource::Team),
            ("src-project", LinkSource::Project),
            ("src-measure", LinkSource::Measure),
            ("src-referral", LinkSource::Referral),
            ("src-joint", LinkSource::JointActivity),
            ("src-consultation", LinkSource::Consultation),
        ]
        .into_iter()
        .map(|(c, s)| (c, source_name(&ctx, s)))
        .collect(),
        entered: entered_rows,
        may_enter: user
            .map(|u| {
                all.iter()
                    .filter(|e| may_link(&tree, u, e))
                    .map(|e| (e.spec.code.clone(), e.spec.name.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        all_actors: all
            .iter()
            .map(|e| (e.spec.code.clone(), e.spec.name.clone()))
            .collect(),
        kinds: LinkSource::ENTERED
            .iter()
            .map(|k| (k.code().to_owned(), source_name(&ctx, *k)))
            .collect(),
        nodes: map_nodes,
        edges: map_edges,
        filter: f,
        saved: q
            .saved
            .as_deref()
            .filter(|s| matches!(*s, "linked" | "unlinked"))
            .map(|s| ctx.t(&format!("map-saved-{s}"))),
        size: SIZE as u32,
        width: (SIZE + 2.0 * MARGIN) as u32,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LinkForm {
    pub csrf: String,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub note: String,
}

/// Enters a collaboration: for people who may change either actor's entry
/// (managers of its areas) or work for either actor.
pub async fn add_link(
    State(st): State<AppState>,
    ctx: Ctx,
    SignedIn(user): SignedIn,
    Checked(axum::Form(f)): Checked<axum::Form<LinkForm>>,
) -> PageResult {
    if !may_link_between(&st, &user, &[f.from.trim(), f.to.trim()], &[]).await? {
        return Err(AppError::Forbidden);
    }
    let kind = LinkSource::parse(&f.kind).map_err(|p| {
        AppError::BadRequest(format!("{}: {}", ctx.t("map-kind"), ctx.lang.problem(&p)))
    })?;
    st.store
        .add_collaboration(
            &Actor::user(user.id, &user.email),
            user.org_id,
            &f.from,
            &f.to,
            kind,
            &f.note,
        )
        .await
        .map_err(|e| refused(Labels::Map, e))?;
    Ok(Redirect::to("/network?saved=linked").into_response())
}

pub async fn remove_link(
    State(st): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    _: Checked<TokenOnly>,
) -> PageResult {
    let c = st
        .store
        .collaborations(user.org_id)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)?;
    if !may_link_between(&st, &user, &[], &[c.from.0, c.to.0]).await? {
        return Err(AppError::Forbidden);
    }
    st.store
        .remove_collaboration(&Actor::user(user.id, &user.email), user.org_id, id)
        .await?;
    Ok(Redirect::to("/network?saved=unlinked").into_response())
}
