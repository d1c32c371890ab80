//! Kasvu's storage: one [`Store`] for SQLite (the embedded default) and
//! PostgreSQL (production). Queries are written once with `$n` placeholders
//! and run through sqlx's `Any` driver; only the DDL differs per backend
//! (`migrations/sqlite`, `migrations/postgres`). To stay inside what `Any`
//! decodes reliably on both, timestamps are Unix seconds (`BIGINT`), dates
//! ISO-8601 text, and flags `BIGINT` 0/1. Every storage test runs on both.

mod actors;
mod audit;
mod cache;
mod cluster;
mod credentials;
mod db;
mod error;
mod families;
mod feedback;
mod indicators;
mod measure;
mod network;
mod orgunits;
mod passwords;
mod paths;
mod plans;
mod practices;
mod projects;
mod search;
mod sso;
mod targets;
mod teams;
pub mod testing;
mod users;

pub use actors::{ActorEntry, ActorSpec, Proposal};
pub use audit::{AuditEntry, AuditFilter};
pub use cluster::{ImportJobRow, TaskLock};
pub use credentials::{hash_password, random_token, verify_password};
pub use db::{Backend, Store};
pub use error::StoreError;
pub use families::{
    check_activity, schedule_of, Activity, ActivityPage, ActivityQuery, ActivitySpec, CancelSpec,
    DateSpec, Place, PlaceSpec, PublicSettings, SlotSpec, WishCount, WishSpec, MAX_WISH_TEXT,
};
pub use feedback::{Question, Round, RoundResults, RoundSpec};
pub use indicators::Indicator;
pub use measure::{
    protect_breakdowns, Breakdown, Observation, ServedRow, UnitGuard, ValueRow, ValueWriter,
    WriteOptions, WriteSummary, AUDIT_EACH_CREATED_UP_TO,
};
pub use network::{Collaboration, MAX_NOTE};
pub use orgunits::{ImportSummary, OrgUnit, OrgUnitSpec};
pub use passwords::PASSWORD_LINK_HOURS;
pub use paths::{ContactPath, PathSpec, StepSpec};
pub use plans::{
    Evaluation, FocusArea, FocusAreaSpec, Goal, GoalSpec, ImpactSpec, Measure, MeasureSpec,
    OpenMeasure, Plan, PlanSpec, PlanTree, StatusEntry, StructureSpec,
};
pub use practices::{Practice, PracticeSpec};
pub use projects::{CostLineSpec, GoalRef, LinkSpec, Project, ProjectSpec};
pub use search::{SearchDetail, SearchDoc, SearchHit};
pub use sso::SsoLogin;
pub use targets::{Analysis, Target, MAX_ANALYSIS};
pub use teams::{
    AgendaItem, Commitment, Meeting, MeetingRecord, MeetingSpec, Member, Participant, Review, Team,
    TeamSpec,
};
pub use users::{parse_name, NewUser, User, UserRole};

/// Who makes a change: a signed-in user, or the CLI / demo loader.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Actor {
    pub fn system(label: &str) -> Self {
        Actor {
            user_id: None,
            label: label.to_owned(),
        }
    }

    pub fn user(id: i64, email: &str) -> Self {
        Actor {
            user_id: Some(id),
            label: email.to_owned(),
        }
    }
}

pub(crate) fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
