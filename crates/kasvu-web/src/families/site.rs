//! The public pages for families (seeds 000/001/004): the hobby treasure
//! chest, the activity calendars of areas and clusters with their
//! iCalendar feeds, meeting places and family centres, and the
//! "what would you like to do?" wish form. No sign-in; only published
//! entries are read. Content is shown in the reader's language when the
//! organiser gave it, else in Finnish marked with `lang="fi"`.

use crate::support::ctx::Ctx;
use crate::support::error::AppError;
use crate::AppState;
use kasvu_store::OrgUnit;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Hobbies per page of the treasure chest.
pub const PAGE_SIZE: i64 = 20;
/// Most activities a calendar month or feed reads.
pub(super) const CALENDAR_LIMIT: i64 = 1000;
/// Days a feed reaches back and ahead.
pub(super) const FEED_BACK_DAYS: i64 = 7;
pub(super) const FEED_AHEAD_DAYS: i64 = 180;
/// Wishes one client may send in ten minutes.
pub const MAX_WISHES_PER_CLIENT: usize = 5;
pub(super) const WISH_WINDOW: Duration = Duration::from_secs(600);
/// A team sees what wishes say only when at least this many came from the area.
pub const MIN_WISHES_FOR_TEXT: i64 = 5;

pub(super) type Trees = std::collections::HashMap<i64, Arc<Vec<OrgUnit>>>;

/// The organisations and their units as the public pages read them (the
/// hobby search under load spent most of its time in these lookups, not in
/// the search), and whether the database holds demo data (every page says
/// so). Kept only while the database's `tree_version` stays the same, as
/// [`kasvu_store::Store::public_versions`] knows it: a change made through
/// this process shows at once, one made through another process sharing
/// the database within `kasvu_store::PUBLIC_RECHECK` (1 s), with no
/// database read per request in between.
#[derive(Clone, Default)]
pub struct TreeCache(Arc<Mutex<Option<TreesAt>>>);

/// What was read at one `tree_version`.
pub(super) struct TreesAt {
    version: i64,
    demo: Option<bool>,
    orgs: Option<Arc<Vec<OrgUnit>>>,
    trees: Trees,
    /// The hobby search's filter choices by (organisation, language, day).
    forms: std::collections::HashMap<FormKey, Arc<super::cards::FilterForm>>,
}

type FormKey = (i64, crate::i18n::Lang, time::Date);

impl TreeCache {
    /// Works on what is kept for `version`, forgetting what was kept for
    /// another. (Data read after reading `version` is never older than it.)
    fn at<T>(&self, version: i64, f: impl FnOnce(&mut TreesAt) -> T) -> T {
        let mut g = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = match g.take() {
            Some(c) if c.version == version => c,
            _ => TreesAt {
                version,
                demo: None,
                orgs: None,
                trees: Trees::new(),
                forms: Default::default(),
            },
        };
        f(g.insert(kept))
    }

    /// The filter form's choices for an organisation in a language on a
    /// day (the areas on offer are by date), made by `make` once per tree
    /// version (from units read after it). Only today's are kept.
    pub(super) fn filter_form(
        &self,
        version: i64,
        key: FormKey,
        make: impl FnOnce() -> super::cards::FilterForm,
    ) -> Arc<super::cards::FilterForm> {
        if let Some(f) = self.at(version, |c| c.forms.get(&key).cloned()) {
            return f;
        }
        let f = Arc::new(make());
        self.at(version, |c| {
            c.forms.retain(|k, _| k.2 == key.2);
            c.forms.insert(key, f.clone());
        });
        f
    }

    /// Whether the database holds demo data.
    pub(crate) async fn demo(&self, store: &kasvu_store::Store) -> bool {
        let Ok(version) = store.public_versions().await.map(|v| v.tree) else {
            return store.has_demo_data().await.unwrap_or(false);
        };
        if let Some(d) = self.at(version, |c| c.demo) {
            return d;
        }
        let d = store.has_demo_data().await.unwrap_or(false);
        self.at(version, |c| c.demo = Some(d));
        d
    }
}

/// The `org` parameter of a path's query, when given and not empty.
pub(super) fn org_param(path: &str) -> Option<String> {
    let (_, query) = path.split_once('?')?;
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "org")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| {
            !v.is_empty()
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The organisation named by `?org=`, else the viewer's (a signed-in
/// person's own, else the first by name), and its units.
pub(crate) async fn org_and_units(
    st: &AppState,
    ctx: &Ctx,
) -> Result<(OrgUnit, Arc<Vec<OrgUnit>>), AppError> {
    org_and_units_at(st, ctx, &st.store.public_versions().await?).await
}

/// [`org_and_units`] under the versions the request has already read, so
/// that one request's page, rows and cards come from one read.
pub(crate) async fn org_and_units_at(
    st: &AppState,
    ctx: &Ctx,
    versions: &kasvu_store::PublicVersions,
) -> Result<(OrgUnit, Arc<Vec<OrgUnit>>), AppError> {
    let version = versions.tree;
    let orgs = match st.trees.at(version, |c| c.orgs.clone()) {
        Some(o) => o,
        None => {
            let o = Arc::new(st.store.organisations().await?);
            st.trees.at(version, |c| c.orgs = Some(o.clone()));
            o
        }
    };
    // `?org=CODE` (the links of a further organisation's home at
    // `/o/CODE`) names the organisation; an unknown one is not found.
    let at = match org_param(&ctx.path) {
        Some(code) => orgs
            .iter()
            .position(|o| o.code.eq_ignore_ascii_case(&code))
            .ok_or(AppError::NotFound)?,
        None => ctx
            .user
            .as_ref()
            .and_then(|u| orgs.iter().position(|o| o.org_id == u.org_id))
            .unwrap_or(0),
    };
    let org = orgs.get(at).cloned().ok_or(AppError::NotFound)?;
    let units = match st.trees.at(version, |c| c.trees.get(&org.org_id).cloned()) {
        Some(u) => u,
        None => {
            let u = Arc::new(st.store.org_units(org.org_id).await?);
            st.trees
                .at(version, |c| c.trees.insert(org.org_id, u.clone()));
            u
        }
    };
    Ok((org, units))
}

/// An area among the public choices, with its service clusters by the
/// names families know them by.
pub struct PlaceGroup {
    pub code: String,
    /// The area's everyday name, else its name.
    pub name: String,
    /// "All of …": the choice of the whole area.
    pub whole: String,
    /// (code, everyday name or name) of its current clusters.
    pub clusters: Vec<(String, String)>,
}

/// The places public filters and the wish form offer: current areas with
/// their current clusters (ended ones never), grouped under the area.
pub(crate) fn place_groups(ctx: &Ctx, units: &[OrgUnit]) -> Vec<PlaceGroup> {
    let label = |p: &kasvu_store::PublicPlace| match p.everyday_name.as_str() {
        "" => ctx.name(&p.names).to_owned(),
        e => e.to_owned(),
    };
    kasvu_store::public_areas(units, crate::support::today())
        .into_iter()
        .map(|g| {
            let name = label(&g.area);
            PlaceGroup {
                code: g.area.code.clone(),
                whole: ctx
                    .lang
                    .t_args("place-whole-area", &[("area", name.clone())]),
                clusters: g
                    .clusters
                    .iter()
                    .map(|c| (c.code.clone(), label(c)))
                    .collect(),
                name,
            }
        })
        .collect()
}
