//! Kasvu's domain core: the organisation tree, roles and their scopes, and the
//! rules that decide what is valid and who may do what, periods, roll-up
//! arithmetic and small-number suppression. Nothing here does I/O,
//! so every rule is unit-tested in isolation.

#[macro_use]
mod macros;

pub mod activity;
pub mod actor;
pub mod backbone;
pub mod brand;
pub mod clock;
pub mod disclosure;
pub mod document;
pub mod error;
pub mod feedback;
pub mod forum;
pub mod holidays;
pub mod indicator;
pub mod measure;
pub mod network;
pub mod orgunit;
pub mod path;
pub mod period;
pub mod plan;
pub mod project;
pub mod role;
pub mod search;
pub mod team;
pub mod tree;
pub mod user;

pub use error::{FieldError, Problem};
pub use feedback::{Answer, QuestionKind, QuestionSpec, RoundState, TargetGroup};
pub use indicator::{
    check_age_group, check_indicator_code, check_ratio_counts, parse_grade, parse_number,
    ratio_counts, Aggregation, Cadence, Counts, Direction, IndicatorSpec, Sex, Source, ValueUnit,
};
pub use measure::{Acc, Cell, Change, Movement, Outlook, Trend, Verdict};
pub use orgunit::{
    check_kind, code_key, format_date, parse_date, same_code, ExternalCode, Level, Names, OrgCode,
    Sector, UnitKind, ValidRange,
};
pub use period::{Period, PeriodType};
pub use plan::{
    ChildRight, ImpactCondition, MeasureStatus, PlanPeriod, PlanStatus, PlanVisibility,
};
pub use role::{Action, Assignment, Role};
pub use team::{
    AgendaLink, ClockTime, CommitmentStatus, MeetingState, MemberRole, Schedule, TeamKind,
};
pub use tree::{OrgTree, TreeNode};
pub use user::{Email, Password};
