//! The network's knowledge in pages: one-contact paths (a family's version
//! for everyone, the steps' staff notes for the organisation's signed-in
//! people), the good practices library, and search across actors, paths,
//! projects, practices, plans and indicators with facets and highlighted
//! matches.

use crate::support::access::viewer_org;
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
pub(crate) use crate::support::team_access::writes_practices;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse};
use kasvu_core::path::StepKind;
use kasvu_core::search::{highlight, snippet, Piece, SearchKind};
use kasvu_core::{Names, Sector};
use kasvu_store::{ActorEntry, ContactPath, OrgUnit, Practice};
use serde::Deserialize;

/// The name of a unit by its code, in the reader's language.
fn unit_name(units: &[OrgUnit], ctx: &Ctx, code: &str) -> String {
    units
        .iter()
        .find(|u| u.code == code)
        .map(|u| ctx.name(&u.names).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// Whether the viewer is one of the organisation's signed-in people.
fn is_staff(ctx: &Ctx, org_id: i64) -> bool {
    ctx.user.as_ref().is_some_and(|u| u.org_id == org_id)
}

pub struct PathRow {
    pub code: String,
    pub need: String,
    pub area: String,
    pub published: bool,
}

/// The family social work guidance number, when the organisation has one.
pub struct Guidance {
    pub phone: String,
    /// The number as a `tel:` address wants it.
    pub tel: String,
    pub hours: crate::support::format::LText,
}

async fn guidance(st: &AppState, ctx: &Ctx, org_id: i64) -> Result<Option<Guidance>, AppError> {
    let s = st.store.public_settings(org_id).await?;
    Ok((!s.guidance_phone.is_empty()).then(|| Guidance {
        tel: s
            .guidance_phone
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect(),
        phone: s.guidance_phone.clone(),
        hours: crate::support::format::lt(ctx, &s.guidance_hours),
    }))
}

#[derive(Template)]
#[template(path = "paths.html")]
pub struct PathsPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<PathRow>,
    pub staff: bool,
    pub guidance: Option<Guidance>,
}

pub async fn paths(State(st): State<AppState>, ctx: Ctx) -> PageResult {
    let org = viewer_org(&st, &ctx).await?;
    let staff = is_staff(&ctx, org.org_id);
    let units = st.store.org_units(org.org_id).await?;
    let rows = st
        .store
        .paths(org.org_id, !staff)
        .await?
        .into_iter()
        .map(|p| PathRow {
            need: ctx.name(&p.spec.need).to_owned(),
            area: if p.spec.area.is_empty() {
                ctx.name(&org.names).to_owned()
            } else {
                unit_name(&units, &ctx, &p.spec.area)
            },
            published: p.spec.published,
            code: p.spec.code,
        })
        .collect();
    let guidance = guidance(&st, &ctx, org.org_id).await?;
    Ok(Html(
        PathsPage {
            ctx: &ctx,
            rows,
            staff,
            guidance,
        }
        .render()?,
    )
    .into_response())
}

/// The register's actor who helps at a step, with its public channels.
pub struct StepActor {
    pub code: String,
    pub name: String,
    pub phone: String,
    /// The phone number as a `tel:` address wants it.
    pub tel: String,
    pub email: String,
    pub website: String,
    pub hours: String,
}

pub struct StepView {
    pub kind: String,
    pub urgent: bool,
    pub what: String,
    pub how: String,
    pub actor: Option<StepActor>,
    pub staff_note: String,
}

#[derive(Template)]
#[template(path = "path.html")]
pub struct PathPage<'a> {
    pub ctx: &'a Ctx,
    pub code: String,
    pub need: String,
    pub intro: String,
    pub area: String,
    pub published: bool,
    pub steps: Vec<StepView>,
    pub staff: bool,
    pub guidance: Option<Guidance>,
}

pub async fn path(State(st): State<AppState>, ctx: Ctx, Path(code): Path<String>) -> PageResult {
    let org = viewer_org(&st, &ctx).await?;
    let staff = is_staff(&ctx, org.org_id);
    let p: ContactPath = st
        .store
        .path(org.org_id, &code)
        .await?
        .filter(|p| staff || p.spec.published)
        .ok_or(AppError::NotFound)?;
    let actors = st.store.actors(org.org_id).await?;
    let units = st.store.org_units(org.org_id).await?;
    let find = |c: &str| actors.iter().find(|a| a.spec.code == c);
    let steps = p
        .spec
        .steps
        .iter()
        .map(|s| StepView {
            kind: ctx.t(&format!("step-{}", s.kind.code())),
            urgent: s.kind == StepKind::Urgent,
            what: ctx.name(&s.what).to_owned(),
            how: ctx.name(&s.how).to_owned(),
            actor: find(&s.actor).map(|a: &ActorEntry| StepActor {
                code: a.spec.code.clone(),
                name: a.spec.name.clone(),
                phone: a.spec.phone.clone(),
                tel: a
                    .spec
                    .phone
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect(),
                email: a.spec.email.clone(),
                website: a.spec.website.clone(),
                hours: a.spec.opening_hours.clone(),
            }),
            staff_note: if staff {
                s.staff_note.clone()
            } else {
                String::new()
            },
        })
        .collect();
    let page = PathPage {
        ctx: &ctx,
        code: p.spec.code.clone(),
        need: ctx.name(&p.spec.need).to_owned(),
        intro: ctx.name(&p.spec.intro).to_owned(),
        area: if p.spec.area.is_empty() {
            ctx.name(&org.names).to_owned()
        } else {
            unit_name(&units, &ctx, &p.spec.area)
        },
        published: p.spec.published,
        steps,
        staff,
        guidance: guidance(&st, &ctx, org.org_id).await?,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PracticeFilter {
    pub theme: String,
    pub area: String,
}

#[derive(Template)]
#[template(path = "practices.html")]
pub struct PracticesPage<'a> {
    pub ctx: &'a Ctx,
    /// Whether the viewer may describe practices.
    pub writes: bool,
    pub rows: Vec<(String, String, String, String)>,
    pub themes: Vec<String>,
    pub areas: Vec<(String, String)>,
    pub filter: PracticeFilter,
}

pub async fn practices(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(f): Query<PracticeFilter>,
) -> PageResult {
    let org = viewer_org(&st, &ctx).await?;
    let units = st.store.org_units(org.org_id).await?;
    let all: Vec<Practice> = st.store.practices(org.org_id).await?;
    let mut themes: Vec<String> = all.iter().flat_map(|p| p.spec.themes.clone()).collect();
    themes.sort();
    themes.dedup();
    let mut areas: Vec<String> = all.iter().flat_map(|p| p.spec.units.clone()).collect();
    areas.sort();
    areas.dedup();
    let rows = all
        .iter()
        .filter(|p| f.theme.is_empty() || p.spec.themes.contains(&f.theme))
        .filter(|p| f.area.is_empty() || p.spec.units.contains(&f.area))
        .map(|p| {
            (
                p.spec.code.clone(),
                ctx.name(&p.spec.name).to_owned(),
                p.spec.target_group.clone(),
                p.spec
                    .units
                    .iter()
                    .map(|u| unit_name(&units, &ctx, u))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })
        .collect();
    let page = PracticesPage {
        ctx: &ctx,
        writes: writes_practices(&st, &ctx, org.org_id).await?,
        rows,
        themes,
        areas: areas
            .iter()
            .map(|a| (a.clone(), unit_name(&units, &ctx, a)))
            .collect(),
        filter: f,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "practice.html")]
pub struct PracticePage<'a> {
    pub ctx: &'a Ctx,
    pub writes: bool,
    pub name: String,
    pub p: kasvu_store::PracticeSpec,
    pub units: String,
    pub projects: Vec<(i64, String)>,
    pub docs: crate::library::DocumentsView,
}

pub async fn practice(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<crate::support::forms::SavedQuery>,
) -> PageResult {
    let org = viewer_org(&st, &ctx).await?;
    let p = st
        .store
        .practice(org.org_id, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let units = st.store.org_units(org.org_id).await?;
    let mut projects = Vec::new();
    for id in &p.spec.projects {
        if let Some(x) = st.store.project(*id).await? {
            projects.push((x.id, x.name));
        }
    }
    let target = kasvu_core::document::DocTarget::Practice;
    let access = crate::library::doc_access(&st, &ctx, target, p.id).await?;
    let docs = crate::library::documents_view(&st, &ctx, target, p.id, &access, q.saved.as_deref())
        .await?;
    let page = PracticePage {
        docs,
        ctx: &ctx,
        writes: writes_practices(&st, &ctx, org.org_id).await?,
        name: ctx.name(&p.spec.name).to_owned(),
        units: p
            .spec
            .units
            .iter()
            .map(|u| unit_name(&units, &ctx, u))
            .collect::<Vec<_>>()
            .join(", "),
        projects,
        p: p.spec,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SearchQuery {
    pub q: String,
    pub kind: String,
    pub area: String,
    pub sector: String,
    pub page: usize,
}

/// Results shown per page.
pub const PER_PAGE: usize = 20;

pub struct ResultView {
    pub kind: String,
    pub href: String,
    pub title: Vec<Piece>,
    pub text: Vec<Piece>,
}

/// A facet value: (address that chooses it or, when chosen, lets it go; label, count, chosen).
pub type Facet = Vec<(String, String, usize, bool)>;

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage<'a> {
    pub ctx: &'a Ctx,
    pub query: SearchQuery,
    pub total: usize,
    pub results: Vec<ResultView>,
    pub kinds: Facet,
    pub areas: Facet,
    pub sectors: Facet,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// The address of a result's page.
pub fn href_of(kind: SearchKind, key: &str) -> String {
    let (base, tail) = match kind {
        SearchKind::Actor => ("/actors", ""),
        SearchKind::Path => ("/paths", ""),
        SearchKind::Project => ("/projects", ""),
        SearchKind::Practice => ("/practices", ""),
        SearchKind::Plan => ("/plans", ""),
        SearchKind::Indicator => ("/indicators", ""),
        SearchKind::Activity => ("/activities", ""),
        SearchKind::Place => ("/places", ""),
        SearchKind::Team => ("/teams", ""),
        SearchKind::Meeting => ("/meetings", ""),
        // A published round's public results page.
        SearchKind::Feedback => ("/a", "/results"),
    };
    format!("{base}/{}{tail}", crate::support::ctx::url_encode(key))
}

fn search_link(q: &SearchQuery, page: usize) -> String {
    use crate::support::ctx::url_encode as e;
    format!(
        "/search?q={}&kind={}&area={}&sector={}&page={page}",
        e(&q.q),
        e(&q.kind),
        e(&q.area),
        e(&q.sector)
    )
}

pub async fn search(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(sq): Query<SearchQuery>,
) -> PageResult {
    let org = viewer_org(&st, &ctx).await?;
    // What the reader may find is decided by who they are, never by the request.
    let reader =
        crate::support::access::search_reader(&st, ctx.user.as_ref(), is_staff(&ctx, org.org_id))
            .await?;
    let q = kasvu_core::search::Query::parse(&sq.q);
    let units = st.store.org_units(org.org_id).await?;
    let (area, sector) = (sq.area.trim(), sq.sector.trim());
    let filter = kasvu_store::SearchFilter {
        kind: SearchKind::parse(&sq.kind).ok(),
        area: area.to_owned(),
        sector: sector.to_owned(),
    };
    let page = sq.page.max(1);
    // Counted and ranked in the database; only the page's rows are read.
    let found = st
        .store
        .search_page(
            org.org_id,
            &q,
            &reader,
            &filter,
            (page - 1).saturating_mul(PER_PAGE),
            PER_PAGE,
        )
        .await?;
    let (kinds, areas, sectors) = (&found.kinds, &found.areas, &found.sectors);
    let shown = &found.hits;
    let ids: Vec<i64> = shown.iter().map(|h| h.id).collect();
    let details = st.store.search_details(&ids).await?;
    let results = shown
        .iter()
        .filter_map(|h| {
            let d = details.get(&h.id)?;
            let title = title_in(&ctx, &d.title);
            Some(ResultView {
                kind: ctx.t(&format!("search-kind-{}", h.kind.code())),
                href: href_of(h.kind, &d.key),
                title: highlight(&title, &q),
                text: highlight(&snippet(&d.body, &q, 220), &q),
            })
        })
        .collect();
    let total = found.total;
    let view = SearchPage {
        ctx: &ctx,
        kinds: SearchKind::ALL
            .iter()
            .filter_map(|k| {
                kinds.get(k.code()).map(|n| {
                    let chosen = sq.kind == k.code();
                    let mut to = sq.clone();
                    to.kind = if chosen {
                        String::new()
                    } else {
                        k.code().to_owned()
                    };
                    (
                        search_link(&to, 1),
                        ctx.t(&format!("search-kind-{}", k.code())),
                        *n,
                        chosen,
                    )
                })
            })
            .collect(),
        areas: areas
            .iter()
            .map(|(c, n)| {
                let chosen = sq.area == *c;
                let mut to = sq.clone();
                to.area = if chosen { String::new() } else { c.clone() };
                (search_link(&to, 1), unit_name(&units, &ctx, c), *n, chosen)
            })
            .collect(),
        sectors: sectors
            .iter()
            .filter_map(|(c, n)| {
                Sector::parse(c).ok().map(|s| {
                    let chosen = sq.sector == *c;
                    let mut to = sq.clone();
                    to.sector = if chosen { String::new() } else { c.clone() };
                    (search_link(&to, 1), ctx.sector(&s), *n, chosen)
                })
            })
            .collect(),
        prev: (page > 1).then(|| search_link(&sq, page - 1)),
        next: (page.saturating_mul(PER_PAGE) < total).then(|| search_link(&sq, page + 1)),
        total,
        results,
        query: sq,
    };
    Ok(Html(view.render()?).into_response())
}

/// A title in the reader's language, falling back to Finnish.
fn title_in(ctx: &Ctx, n: &Names) -> String {
    ctx.name(n).to_owned()
}
