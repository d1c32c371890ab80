//! What families find on the public pages: places (meeting places, family
//! centres) and activities (hobbies, events, recurring groups, mobile
//! services' visits), children's wishes, and the organisation's public
//! settings. An activity is written whole from an [`ActivitySpec`]; the
//! organiser's entries wait as `pending` until the area approves them, and
//! only `published` entries are ever read for the public.

use crate::support::audit::audit_change;
use crate::support::db::{checked_names as names, names_of, unit_in, Store};
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::activity::{
    check_ages, check_price, check_schedule, span, weekday_mask, ActivityKind, ActivityStatus,
    Category, DatedTime, PlaceKind, Schedule, WeeklySlot,
};
use kasvu_core::team::weekday_from_number;
use kasvu_core::{format_date, parse_date, ClockTime, Level, Names, OrgCode, Problem};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;

mod activities;
mod breaks;
mod finder;
mod places;
mod rows;
mod search_docs;
mod wishes;

use crate::support::watch::bump_activity_version as bump_version;
use activities::Times;
pub use activities::{
    check_activity, schedule_of, Activity, ActivityQuery, ActivitySpec, CancelSpec, DateSpec,
    SlotSpec,
};
pub use breaks::ActivityBreak;
pub use finder::ActivityPage;
use finder::{activity_of, ACTIVITY_COLUMNS, ACTIVITY_FROM};
pub use places::{Place, PlaceSpec};
pub use settings::PublicSettings;
pub use wishes::{WishCount, WishSpec};
mod settings;

const MAX_TEXT: usize = 4000;
const MAX_LINE: usize = 300;
/// Most characters of a wish's own words.
pub const MAX_WISH_TEXT: usize = 200;

fn line(field: &str, v: &str) -> Result<String> {
    if v.chars().count() > MAX_LINE {
        return Err(StoreError::invalid(field, Problem::too_long(MAX_LINE)));
    }
    Ok(v.trim().to_owned())
}

fn check_url(field: &str, v: &str) -> Result<String> {
    kasvu_core::actor::check_url(v).map_err(|p| StoreError::invalid(field, p))?;
    line(field, v)
}

/// The area and cluster of an org unit given as an activity's or place's
/// area: an area, a cluster (its area above it), or a unit inside either.
async fn area_of(
    conn: &mut AnyConnection,
    org_id: i64,
    code: &str,
    field: &str,
) -> Result<(i64, i64, Option<i64>)> {
    let unit = unit_in(conn, org_id, code, field).await?;
    let mut id = unit;
    let mut cluster = None;
    // Walk up at most a few levels: unit → cluster → area.
    for _ in 0..4 {
        let row = sqlx::query("SELECT level, parent_id FROM org_units WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        let level: String = row.try_get("level")?;
        let parent: Option<i64> = row.try_get("parent_id")?;
        match Level::parse(&level).map_err(|p| StoreError::corrupt("level", p))? {
            Level::Area => return Ok((unit, id, cluster)),
            Level::Cluster => cluster = Some(id),
            Level::Organisation => break,
            Level::Unit => {}
        }
        match parent {
            Some(p) => id = p,
            None => break,
        }
    }
    Err(StoreError::invalid(
        field,
        Problem::new(
            "err-area-level",
            format!("'{code}' is not an area, a cluster or a unit in one"),
        )
        .arg("value", code.trim()),
    ))
}
