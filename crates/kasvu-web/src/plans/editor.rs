//! Editing a draft plan through forms: its details, and its goals and focus
//! areas added, renamed, moved up or down and removed. Every form writes the
//! draft at once (drafts are saved as you go); a refused form is shown again
//! with what was typed and the message beside its field. The measures have
//! a page of their own (`editor_measure`), a new plan its form
//! (`editor_new`). The JSON document stays the API's way to write a plan.

use super::changes::for_change;
use super::editor_views::{
    choice, field, messages, name_fields, EditorPage, FocusEdit, GoalEdit, Kept, MeasureRow,
};
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use crate::support::format::period_label;
use crate::support::forms::Checked;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use kasvu_core::plan::{move_item, remove_item, Move};
use kasvu_core::{FieldError, Names, PlanPeriod, PlanStatus, PlanVisibility, Problem};
use kasvu_store::{FocusAreaSpec, GoalSpec, PlanSpec, PlanTree, StoreError, User};
use serde::Deserialize;

/// The pairs a form sent.
pub(super) type Pairs = Vec<(String, String)>;

pub(super) fn value(form: &Pairs, name: &str) -> String {
    crate::support::forms::field(form, name)
}

/// A draft the signed-in user may change (rights as on the plan page: the
/// organisation's plan at the organisation, a regional plan in its area).
pub(super) async fn editable(
    st: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(PlanTree, User), AppError> {
    let (tree, rights, user) = for_change(st, ctx, id).await?;
    if !rights.manage {
        return Err(AppError::Forbidden);
    }
    Ok((tree, user))
}

/// A frozen version is changed through a new version, not the editor.
pub(super) fn refuse_frozen(ctx: &Ctx, tree: &PlanTree) -> Result<(), AppError> {
    if tree.plan.status.is_frozen() {
        return Err(AppError::Conflict(ctx.t("err-plan-frozen")));
    }
    Ok(())
}

/// A place in the chain as the forms send it: `2` (a goal), `2.1` (its
/// first focus area), `2.1.3` (a measure), counted from one; `""` is the
/// plan itself. `None` for anything else.
pub(super) fn parse_at(s: &str) -> Option<Vec<usize>> {
    let s = s.trim();
    if s.is_empty() {
        return Some(Vec::new());
    }
    let at: Vec<usize> = s
        .split('.')
        .map(|p| p.parse::<usize>().ok().filter(|n| *n >= 1).map(|n| n - 1))
        .collect::<Option<_>>()?;
    (at.len() <= 3).then_some(at)
}

/// The anchor of a place in the editor (`g2-f1-m3`).
pub(super) fn anchor(at: &[usize]) -> String {
    at.iter()
        .zip(["g", "f", "m"])
        .map(|(n, p)| format!("{p}{}", n + 1))
        .collect::<Vec<_>>()
        .join("-")
}

fn missing(at: &str) -> AppError {
    AppError::BadRequest(format!(
        "there is no place '{at}' in this plan: reload the page"
    ))
}

/// Writes the draft's new content, audited by the store.
pub(super) async fn save(
    st: &AppState,
    user: &User,
    tree: &PlanTree,
    spec: &PlanSpec,
) -> Result<(), StoreError> {
    st.store
        .replace_draft(
            &kasvu_store::Actor::user(user.id, &user.email),
            tree.plan.id,
            spec,
        )
        .await
}

/// Names from a form's `name_fi`, `name_sv`, `name_en` (or `{base}_…`).
pub(super) fn names_from(form: &Pairs, base: &str) -> Result<Names, FieldError> {
    Names::parse(
        &value(form, &format!("{base}_fi")),
        &value(form, &format!("{base}_sv")),
        &value(form, &format!("{base}_en")),
    )
    .map_err(|e| {
        let lang = e.field.rsplit('_').next().unwrap_or("fi").to_owned();
        FieldError::new(format!("{base}_{lang}"), e.problem)
    })
}

/// What a refused form sent, keyed by the ids its inputs have on the page.
pub(super) fn kept(form: &Pairs, prefix: &str, errs: &[FieldError], ctx: &Ctx) -> Kept {
    Kept {
        values: form
            .iter()
            .filter(|(k, _)| k != "csrf" && k != "at")
            .map(|(k, v)| (format!("{prefix}{k}"), v.clone()))
            .collect(),
        errors: messages(ctx, prefix, errs),
        form: prefix.to_owned(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditorQuery {
    pub saved: Option<String>,
}

/// The editor of a draft.
pub async fn editor(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<EditorQuery>,
) -> PageResult {
    let (tree, _) = editable(&st, &ctx, id).await?;
    if tree.plan.status.is_frozen() {
        return Ok(Redirect::to(&format!("/plans/{id}")).into_response());
    }
    let saved = q
        .saved
        .as_deref()
        .filter(|s| {
            [
                "created", "details", "goal", "focus", "measure", "moved", "removed",
            ]
            .contains(s)
        })
        .map(|s| ctx.t(&format!("pe-saved-{s}")));
    editor_page(&st, &ctx, &tree, Kept::default(), saved, StatusCode::OK).await
}

/// The editor, with a refused form's input and messages when there is one.
pub(super) async fn editor_page(
    st: &AppState,
    ctx: &Ctx,
    tree: &PlanTree,
    kept: Kept,
    saved: Option<String>,
    status: StatusCode,
) -> PageResult {
    let p = &tree.plan;
    let lang = ctx.lang;
    let units = st.store.org_units(p.org_id).await?;
    let mut facts = vec![
        (ctx.t("pe-field-code"), p.code.clone()),
        (
            ctx.t("plan-status"),
            format!(
                "{} ({} {})",
                ctx.t(&format!("plan-status-{}", p.status.code())),
                ctx.t("plan-version"),
                p.version
            ),
        ),
    ];
    if let Some((sid, _)) = &p.scope {
        if let Some(u) = units.iter().find(|u| u.id == *sid) {
            facts.push((ctx.t("pe-field-scope"), ctx.name(&u.names).to_owned()));
        }
    }
    if let Some(parent) = &p.parent_code {
        facts.push((ctx.t("pe-field-parent"), parent.clone()));
    }
    let mut details = vec![];
    for (name, v) in [
        ("title_fi", &p.title.fi),
        ("title_sv", &p.title.sv),
        ("title_en", &p.title.en),
    ] {
        let mut f = field(ctx, &kept, "", name, v.clone());
        f.required = name == "title_fi";
        details.push(f);
    }
    for (name, v) in [
        ("aim_fi", &p.aim.fi),
        ("aim_sv", &p.aim.sv),
        ("aim_en", &p.aim.en),
    ] {
        let mut f = field(ctx, &kept, "", name, v.clone());
        f.kind = "textarea";
        details.push(f);
    }
    for (name, y) in [
        ("start_year", p.period.start_year),
        ("end_year", p.period.end_year),
    ] {
        let mut f = field(ctx, &kept, "", name, y.to_string());
        f.kind = "number";
        f.required = true;
        details.push(f);
    }
    let visibility = choice(
        ctx,
        &kept,
        "",
        "visibility",
        visibility_options(ctx),
        &[p.visibility.code().to_owned()],
        false,
        false,
    );
    let goal_count = tree.goals.len();
    let mut goals = Vec::new();
    for (gi, g) in tree.goals.iter().enumerate() {
        let gp = format!("g{}-", gi + 1);
        let fa_count = g.focus_areas.len();
        let mut focus_areas = Vec::new();
        for (fi, fa) in g.focus_areas.iter().enumerate() {
            let m_count = fa.measures.len();
            let measures = fa
                .measures
                .iter()
                .enumerate()
                .map(|(mi, m)| {
                    let at = [gi, fi, mi];
                    let owners = m
                        .owners
                        .iter()
                        .map(|(_, c)| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    MeasureRow {
                        at: format!("{}.{}.{}", gi + 1, fi + 1, mi + 1),
                        anchor: anchor(&at),
                        name: ctx.name(&m.names).to_owned(),
                        facts: [
                            ctx.t(&format!("measure-status-{}", m.status.code())),
                            owners,
                            m.schedule.clone(),
                        ]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" · "),
                        history: if m.evaluations.is_empty() {
                            String::new()
                        } else {
                            lang.t_args(
                                "pe-measure-history",
                                &[(
                                    "periods",
                                    m.evaluations
                                        .iter()
                                        .map(|e| {
                                            format!(
                                                "{} {}/5",
                                                period_label(lang, e.period),
                                                e.rating
                                            )
                                        })
                                        .collect::<Vec<_>>()
                                        .join(", "),
                                )],
                            )
                        },
                        first: mi == 0,
                        last: mi + 1 == m_count,
                    }
                })
                .collect();
            let fp = format!("g{}-f{}-", gi + 1, fi + 1);
            focus_areas.push(FocusEdit {
                at: format!("{}.{}", gi + 1, fi + 1),
                anchor: anchor(&[gi, fi]),
                title: ctx.name(&fa.names).to_owned(),
                fields: name_fields(ctx, &kept, &fp, &fa.names),
                first: fi == 0,
                last: fi + 1 == fa_count,
                measures,
            });
        }
        goals.push(GoalEdit {
            at: (gi + 1).to_string(),
            anchor: anchor(&[gi]),
            title: ctx.name(&g.names).to_owned(),
            fields: name_fields(ctx, &kept, &gp, &g.names),
            first: gi == 0,
            last: gi + 1 == goal_count,
            focus_areas,
            new_focus: name_fields(ctx, &kept, &format!("{gp}new-"), &Names::default()),
        });
    }
    let regional_names = match &p.parent_code {
        Some(code) => parent_tree(st, p.org_id, code)
            .await?
            .map(|t| {
                t.goals
                    .iter()
                    .flat_map(|g| {
                        std::iter::once(g.names.fi.clone()).chain(
                            g.focus_areas
                                .iter()
                                .map(move |f| format!("{} › {}", g.names.fi, f.names.fi)),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let page = EditorPage {
        ctx,
        id: p.id,
        title: ctx.name(&p.title).to_owned(),
        facts,
        saved,
        errors: kept.errors.iter().map(clone_message).collect(),
        details,
        visibility,
        goals,
        new_goal: name_fields(ctx, &kept, "new-goal-", &Names::default()),
        regional_names,
    };
    Ok((status, Html(page.render()?)).into_response())
}

fn clone_message(m: &crate::support::views::FieldMessage) -> crate::support::views::FieldMessage {
    crate::support::views::FieldMessage {
        field: m.field.clone(),
        label: m.label.clone(),
        message: m.message.clone(),
    }
}

pub(super) fn visibility_options(ctx: &Ctx) -> Vec<(String, String)> {
    PlanVisibility::CODES
        .iter()
        .map(|c| (c.to_string(), ctx.t(&format!("pe-visibility-{c}"))))
        .collect()
}

/// The organisation plan a regional plan is drawn from: its version in
/// force, else its newest (as the store checks it).
pub(super) async fn parent_tree(
    st: &AppState,
    org_id: i64,
    code: &str,
) -> Result<Option<PlanTree>, AppError> {
    let all = st.store.plans(org_id).await?;
    let Some(p) = all
        .iter()
        .filter(|x| x.code == code && x.scope.is_none())
        .max_by_key(|x| (x.status == PlanStatus::InForce, x.version))
    else {
        return Ok(None);
    };
    Ok(st.store.plan_tree(p.id).await?)
}

/// After a write: the draft saved, or the form shown again with the
/// refusal beside its field.
async fn saved_or_refused(
    st: &AppState,
    ctx: &Ctx,
    tree: &PlanTree,
    user: &User,
    spec: &PlanSpec,
    (form, prefix): (&Pairs, &str),
    done: String,
) -> PageResult {
    match save(st, user, tree, spec).await {
        Ok(()) => Ok(Redirect::to(&done).into_response()),
        Err(StoreError::Invalid(e)) => refused(st, ctx, tree, form, prefix, vec![e]).await,
        Err(StoreError::Conflict(e)) => {
            let kept = kept(form, prefix, &[e], ctx);
            editor_page(st, ctx, tree, kept, None, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn refused(
    st: &AppState,
    ctx: &Ctx,
    tree: &PlanTree,
    form: &Pairs,
    prefix: &str,
    errs: Vec<FieldError>,
) -> PageResult {
    let kept = kept(form, prefix, &errs, ctx);
    editor_page(st, ctx, tree, kept, None, StatusCode::BAD_REQUEST).await
}

/// The plan's title, aim, period and visibility.
pub async fn save_details(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(form)): Checked<Form<Pairs>>,
) -> PageResult {
    let (tree, user) = editable(&st, &ctx, id).await?;
    refuse_frozen(&ctx, &tree)?;
    let mut errs = Vec::new();
    let mut spec = tree.to_spec();
    match names_from(&form, "title") {
        Ok(n) => spec.title = n,
        Err(e) => errs.push(e),
    }
    let aim = ["aim_fi", "aim_sv", "aim_en"].map(|k| value(&form, k));
    if aim.iter().all(|a| a.trim().is_empty()) {
        spec.aim = Names::default();
    } else {
        match names_from(&form, "aim") {
            Ok(n) => spec.aim = n,
            Err(e) => errs.push(e),
        }
    }
    let year = |name: &str| -> Result<i32, FieldError> {
        let v = value(&form, name);
        v.trim().parse::<i32>().map_err(|_| {
            FieldError::new(
                name,
                Problem::new("err-pe-year", format!("'{v}' is not a year")).arg("value", v.trim()),
            )
        })
    };
    match (year("start_year"), year("end_year")) {
        (Ok(s), Ok(e)) => match PlanPeriod::new(s, e) {
            Ok(p) => spec.period = p,
            Err(p) => errs.push(FieldError::new("end_year", p)),
        },
        (a, b) => errs.extend([a.err(), b.err()].into_iter().flatten()),
    }
    match PlanVisibility::parse(&value(&form, "visibility")) {
        Ok(v) => spec.visibility = v,
        Err(p) => errs.push(FieldError::new("visibility", p)),
    }
    if !errs.is_empty() {
        return refused(&st, &ctx, &tree, &form, "", errs).await;
    }
    let done = format!("/plans/{id}/edit?saved=details#pe-details-h");
    saved_or_refused(&st, &ctx, &tree, &user, &spec, (&form, ""), done).await
}

/// Adds a goal (`at` empty) or renames goal `at`.
pub async fn save_goal(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(form)): Checked<Form<Pairs>>,
) -> PageResult {
    let (tree, user) = editable(&st, &ctx, id).await?;
    refuse_frozen(&ctx, &tree)?;
    let raw = value(&form, "at");
    let at = parse_at(&raw).ok_or_else(|| missing(&raw))?;
    let mut spec = tree.to_spec();
    let (prefix, place) = match at.as_slice() {
        [] => ("new-goal-".to_owned(), spec.goals.len()),
        [g] if *g < spec.goals.len() => (format!("g{}-", g + 1), *g),
        _ => return Err(missing(&raw)),
    };
    let names = match names_from(&form, "name") {
        Ok(n) => n,
        Err(e) => return refused(&st, &ctx, &tree, &form, &prefix, vec![e]).await,
    };
    if place == spec.goals.len() {
        spec.goals.push(GoalSpec {
            names,
            focus_areas: Vec::new(),
        });
    } else {
        spec.goals[place].names = names;
    }
    let done = format!("/plans/{id}/edit?saved=goal#{}", anchor(&[place]));
    saved_or_refused(&st, &ctx, &tree, &user, &spec, (&form, &prefix), done).await
}

/// Adds a focus area to goal `at` (`2`) or renames focus area `at` (`2.1`).
pub async fn save_focus(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(form)): Checked<Form<Pairs>>,
) -> PageResult {
    let (tree, user) = editable(&st, &ctx, id).await?;
    refuse_frozen(&ctx, &tree)?;
    let raw = value(&form, "at");
    let at = parse_at(&raw).ok_or_else(|| missing(&raw))?;
    let mut spec = tree.to_spec();
    let (g, f, prefix) = match at.as_slice() {
        [g] if *g < spec.goals.len() => (
            *g,
            spec.goals[*g].focus_areas.len(),
            format!("g{}-new-", g + 1),
        ),
        [g, f] if spec.goals.get(*g).is_some_and(|x| *f < x.focus_areas.len()) => {
            (*g, *f, format!("g{}-f{}-", g + 1, f + 1))
        }
        _ => return Err(missing(&raw)),
    };
    let names = match names_from(&form, "name") {
        Ok(n) => n,
        Err(e) => return refused(&st, &ctx, &tree, &form, &prefix, vec![e]).await,
    };
    let areas = &mut spec.goals[g].focus_areas;
    if f == areas.len() {
        areas.push(FocusAreaSpec {
            names,
            measures: Vec::new(),
        });
    } else {
        areas[f].names = names;
    }
    let done = format!("/plans/{id}/edit?saved=focus#{}", anchor(&[g, f]));
    saved_or_refused(&st, &ctx, &tree, &user, &spec, (&form, &prefix), done).await
}

/// Applies `change` to the list the place `at` is in, at its index.
fn at_list<R>(
    spec: &mut PlanSpec,
    at: &[usize],
    change: impl FnOnce(&mut dyn ListEdit, usize) -> Result<R, Problem>,
) -> Option<Result<R, Problem>> {
    match at {
        [g] => Some(change(&mut spec.goals, *g)),
        [g, f] => Some(change(&mut spec.goals.get_mut(*g)?.focus_areas, *f)),
        [g, f, m] => Some(change(
            &mut spec.goals.get_mut(*g)?.focus_areas.get_mut(*f)?.measures,
            *m,
        )),
        _ => None,
    }
}

/// Moving and removing, the same for goals, focus areas and measures.
trait ListEdit {
    fn move_at(&mut self, index: usize, way: Move) -> Result<(), Problem>;
    fn remove_at(&mut self, index: usize) -> Result<(), Problem>;
    fn count(&self) -> usize;
}

impl<T> ListEdit for Vec<T> {
    fn move_at(&mut self, index: usize, way: Move) -> Result<(), Problem> {
        move_item(self, index, way)
    }
    fn remove_at(&mut self, index: usize) -> Result<(), Problem> {
        remove_item(self, index).map(|_| ())
    }
    fn count(&self) -> usize {
        self.len()
    }
}

/// Moves a goal, focus area or measure one place up or down.
pub async fn move_in_chain(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(form)): Checked<Form<Pairs>>,
) -> PageResult {
    let (tree, user) = editable(&st, &ctx, id).await?;
    refuse_frozen(&ctx, &tree)?;
    let raw = value(&form, "at");
    let mut at = parse_at(&raw).ok_or_else(|| missing(&raw))?;
    let way = Move::parse(&value(&form, "way"))
        .map_err(|p| AppError::BadRequest(ctx.lang.problem(&p)))?;
    let mut spec = tree.to_spec();
    let count = at_list(&mut spec, &at, |list, i| {
        list.move_at(i, way).map(|_| list.count())
    })
    .ok_or_else(|| missing(&raw))?
    .map_err(|p| AppError::BadRequest(ctx.lang.problem(&p)))?;
    save(&st, &user, &tree, &spec)
        .await
        .map_err(|e| crate::support::error::refused(crate::support::error::Labels::Raw, e))?;
    // The page opens at the moved item's new place.
    if let Some(last) = at.last_mut() {
        *last = match way {
            Move::Up => last.saturating_sub(1),
            Move::Down => (*last + 1).min(count.saturating_sub(1)),
        };
    }
    Ok(Redirect::to(&format!("/plans/{id}/edit?saved=moved#{}", anchor(&at))).into_response())
}

/// Removes a goal, focus area or measure (with what is under it).
pub async fn remove_from_chain(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Checked(Form(form)): Checked<Form<Pairs>>,
) -> PageResult {
    let (tree, user) = editable(&st, &ctx, id).await?;
    refuse_frozen(&ctx, &tree)?;
    let raw = value(&form, "at");
    let at = parse_at(&raw).ok_or_else(|| missing(&raw))?;
    let mut spec = tree.to_spec();
    at_list(&mut spec, &at, |list, i| list.remove_at(i))
        .ok_or_else(|| missing(&raw))?
        .map_err(|p| AppError::BadRequest(ctx.lang.problem(&p)))?;
    save(&st, &user, &tree, &spec)
        .await
        .map_err(|e| crate::support::error::refused(crate::support::error::Labels::Raw, e))?;
    Ok(Redirect::to(&format!("/plans/{id}/edit?saved=removed#pe-chain-h")).into_response())
}

#[cfg(test)]
mod tests {
    use super::{anchor, parse_at};

    #[test]
    fn places_are_read_from_one_and_refused_when_odd() {
        assert_eq!(parse_at(""), Some(vec![]));
        assert_eq!(parse_at("2"), Some(vec![1]));
        assert_eq!(parse_at("2.1.3"), Some(vec![1, 0, 2]));
        assert_eq!(parse_at("0"), None);
        assert_eq!(parse_at("1.x"), None);
        assert_eq!(parse_at("1.1.1.1"), None);
        assert_eq!(anchor(&[1, 0, 2]), "g2-f1-m3");
    }
}
