//! Kasvu's storage: one [`Store`] for SQLite (the embedded default) and
//! PostgreSQL (production). Queries are written once with `$n` placeholders
//! and run through sqlx's `Any` driver; only the DDL differs per backend
//! (`migrations/sqlite`, `migrations/postgres`). To stay inside what `Any`
//! decodes reliably on both, timestamps are Unix seconds (`BIGINT`), dates
//! ISO-8601 text, and flags `BIGINT` 0/1. Every storage test runs on both.

mod account;
mod families;
mod feedback;
mod knowledge;
mod library;
mod measure;
mod network;
mod org;
mod plans;
mod reindex;
mod search;
mod support;
mod teams;
#[cfg(feature = "testing")]
pub mod testing;

pub use account::passwords::PASSWORD_LINK_HOURS;
pub use account::sso::SsoLogin;
pub use account::users::{parse_name, NewUser, TrustedDevice, User, UserRole};
pub use families::{
    check_activity, schedule_of, Activity, ActivityBreak, ActivityPage, ActivityQuery,
    ActivitySpec, CancelSpec, DateSpec, Place, PlaceSpec, PublicSettings, SlotSpec, WishCount,
    WishSpec, MAX_WISH_TEXT,
};
pub use feedback::{Question, Round, RoundResults, RoundSpec};
pub use knowledge::paths::{ContactPath, PathSpec, StepSpec};
pub use knowledge::practices::{Practice, PracticeSpec};
pub use knowledge::projects::{CostLineSpec, GoalRef, LinkSpec, Project, ProjectSpec};
pub use library::{DocContent, Document, DocumentSpec, MAX_DOCUMENTS_PER_TARGET};
pub use measure::indicators::Indicator;
#[cfg(feature = "testing")]
pub use measure::last_write_phases;
pub use measure::targets::{Analysis, Target, MAX_ANALYSIS};
pub use measure::{
    Breakdown, Completeness, ExpectedUnit, Observation, ProtectScope, Protected, ProtectedAhead,
    ServedRow, SummedFigure, UnitGuard, ValueRow, ValueWriter, WriteOptions, WriteSummary,
    AUDIT_EACH_CREATED_UP_TO, VALUES_PER_STATEMENT,
};
pub use network::actors::{ActorEntry, ActorSpec, Proposal};
pub use network::links::{Collaboration, MAX_NOTE};
pub use org::{
    check_everyday_name, public_areas, OrgUnit, OrgUnitSpec, PublicArea, PublicPlace,
    MAX_EVERYDAY_NAME,
};
pub use plans::{
    Evaluation, FocusArea, FocusAreaSpec, Goal, GoalSpec, ImpactSpec, Measure, MeasureSpec,
    OpenMeasure, Plan, PlanSpec, PlanTree, StatusEntry, StructureSpec,
};
pub use search::{
    Reader as SearchReader, SearchDetail, SearchDoc, SearchFilter, SearchHit, SearchResults,
};
pub use support::audit::{AuditEntry, AuditFilter};
pub use support::cluster::{ImportJobRow, TaskLock};
pub use support::credentials::{hash_password, random_token, verify_password};
pub use support::db::{Backend, Store};
pub use support::error::StoreError;
pub use support::watch::{PublicVersions, Stamp, RECHECK as PUBLIC_RECHECK};
pub use support::ImportSummary;
pub use teams::{
    ActionSpec, Bulletin, BulletinSpec, EventParticipant, EventParticipantSpec, EventSpec,
    TeamAction, TeamEvent,
};
pub use teams::{
    AgendaItem, AnswerSpec, Commitment, ForumProposal, Meeting, MeetingRecord, MeetingSpec, Member,
    Participant, ProposalSpec, Review, Team, TeamSpec,
};
pub use teams::{Guest, GuestMail, GuestSpec, MAX_GUESTS};

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
