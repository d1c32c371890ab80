//! Who may read an organisation's figures, decided in one place for every
//! route that serves them (the API's data, indicator pages and exports,
//! dashboards, comparisons, public plans and their reports).
//!
//! An organisation's admin makes an indicator's figures signed-in only
//! (`/admin/figure-visibility`, `PUT /api/v1/orgs/{code}/figure-visibility`);
//! then anonymous readers get none of them. Anyone signed in to the
//! installation may read them, whatever their organisation: the setting
//! keeps figures off the open web, not from the partners who share the
//! installation (a learning network compares its members' figures, and
//! what a member shares there is its own choice). The user comes from the
//! server's session or bearer token, never from what the client says.

use crate::AppState;
use kasvu_store::{Indicator, StoreError, User};
use std::collections::HashSet;

/// May this reader (None: anonymous) read the organisation's figures of
/// the indicator?
pub(crate) async fn may_read_figures(
    st: &AppState,
    user: Option<&User>,
    org_id: i64,
    indicator_id: i64,
) -> Result<bool, StoreError> {
    if user.is_some() {
        return Ok(true);
    }
    st.store.figures_public(org_id, indicator_id).await
}

/// The indicators (ids) whose figures of the organisation this reader may
/// not read.
pub(crate) async fn unreadable_indicators(
    st: &AppState,
    user: Option<&User>,
    org_id: i64,
) -> Result<HashSet<i64>, StoreError> {
    if user.is_some() {
        return Ok(HashSet::new());
    }
    st.store.signed_in_only_indicators(org_id).await
}

/// The indicator catalogue without the indicators whose figures of the
/// organisation this reader may not read.
pub(crate) async fn readable_catalogue(
    st: &AppState,
    user: Option<&User>,
    org_id: i64,
) -> Result<Vec<Indicator>, StoreError> {
    let hidden = unreadable_indicators(st, user, org_id).await?;
    Ok(st
        .store
        .indicators()
        .await?
        .into_iter()
        .filter(|i| !hidden.contains(&i.id))
        .collect())
}
