//! The welfare plan's rules, without I/O: its lifecycle (draft → approved by
//! the council → in force → superseded; anything but a draft is frozen), the
//! review due at the latest four years after approval, the plan period, the
//! status of a measure, and the tags of the chain — the seven rights of the
//! child and the five conditions of collective impact.

use crate::error::Problem;
use serde::{Deserialize, Serialize};
use time::Date;

code_enum! {
    /// Where a plan version is in its life.
    PlanStatus {
        /// Being written; the only state in which the plan's content changes.
        Draft = "draft",
        /// Approved by the council (with a date and a decision reference).
        Approved = "approved",
        /// Approved and in force.
        InForce = "in_force",
        /// Replaced by a newer version.
        Superseded = "superseded",
    }
}

impl PlanStatus {
    /// An approved version is frozen: changes make a new version.
    pub fn is_frozen(self) -> bool {
        self != PlanStatus::Draft
    }

    /// Whether a plan may move from this status to `next`.
    pub fn can_become(self, next: PlanStatus) -> bool {
        use PlanStatus::*;
        matches!(
            (self, next),
            (Draft, Approved)
                | (Approved, InForce)
                | (Approved, Superseded)
                | (InForce, Superseded)
        )
    }

    /// Checks a move, with a message naming both states.
    pub fn check_move(self, next: PlanStatus) -> Result<(), Problem> {
        if self.can_become(next) {
            Ok(())
        } else {
            Err(Problem::new(
                "err-plan-status-move",
                format!("a plan cannot go from {} to {}", self.code(), next.code()),
            )
            .arg("from", self.code())
            .arg("to", next.code()))
        }
    }
}

code_enum! {
    /// Who may read a plan version (drafts are never public).
    #[derive(Default)]
    PlanVisibility {
        /// Everyone, without signing in: the default for council documents.
        #[default]
        Public = "public",
        /// Only the organisation's signed-in users.
        Internal = "internal",
    }
}

code_enum! {
    /// How far a measure has got.
    MeasureStatus {
        NotStarted = "not_started",
        Ongoing = "ongoing",
        Done = "done",
        Dropped = "dropped",
    }
}

code_enum! {
    /// The seven rights of the child that frame well-being (Espoo's plan).
    ChildRight {
        Equality = "equality",
        Care = "care",
        Participation = "participation",
        Health = "health",
        Safety = "safety",
        LearningAndSuccess = "learning_and_success",
        SportsAndHobbies = "sports_and_hobbies",
    }
}

code_enum! {
    /// The five conditions of collective impact (Kania & Kramer 2011).
    ImpactCondition {
        CommonAgenda = "common_agenda",
        SharedMeasurement = "shared_measurement",
        MutuallyReinforcing = "mutually_reinforcing",
        ContinuousCommunication = "continuous_communication",
        BackboneSupport = "backbone_support",
    }
}

/// The years a plan covers, e.g. 2022–2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPeriod {
    pub start_year: i32,
    pub end_year: i32,
}

impl PlanPeriod {
    pub fn new(start_year: i32, end_year: i32) -> Result<PlanPeriod, Problem> {
        if !(crate::period::YEARS.contains(&start_year) && crate::period::YEARS.contains(&end_year))
        {
            return Err(Problem::new("err-plan-years", "years must be 1900–2199"));
        }
        if end_year < start_year {
            return Err(Problem::new(
                "err-plan-period",
                format!("the plan period ends ({end_year}) before it starts ({start_year})"),
            )
            .arg("start", start_year.to_string())
            .arg("end", end_year.to_string()));
        }
        Ok(PlanPeriod {
            start_year,
            end_year,
        })
    }

    /// Whether a date falls within the plan period.
    pub fn contains(self, d: Date) -> bool {
        (self.start_year..=self.end_year).contains(&d.year())
    }

    /// Checks that an evaluation's period lies within the plan period.
    pub fn check_within(self, p: crate::Period) -> Result<(), Problem> {
        if self.contains(p.start()) && self.contains(p.end()) {
            Ok(())
        } else {
            Err(Problem::new(
                "err-outside-plan",
                format!(
                    "{p} is outside the plan period {}–{}",
                    self.start_year, self.end_year
                ),
            )
            .arg("value", p.code())
            .arg("start", self.start_year.to_string())
            .arg("end", self.end_year.to_string()))
        }
    }
}

/// An evaluation's rating: 1 (not at all) to 5 (fully achieved).
pub fn check_rating(r: i64) -> Result<u8, Problem> {
    match u8::try_from(r) {
        Ok(v @ 1..=5) => Ok(v),
        _ => Err(Problem::new("err-rating", "a rating is 1–5").arg("value", r.to_string())),
    }
}

/// The law's rule: the plan is reviewed at least once every four years.
pub const REVIEW_YEARS: i32 = 4;
/// The dashboard starts warning this many days before the review is due.
pub const REVIEW_WARNING_DAYS: i64 = 180;

/// The date the review is due: four years after approval (28 February when
/// 29 February does not exist that year).
pub fn review_due(approved_on: Date) -> Date {
    let year = approved_on.year() + REVIEW_YEARS;
    Date::from_calendar_date(year, approved_on.month(), approved_on.day())
        .or_else(|_| Date::from_calendar_date(year, approved_on.month(), 28))
        .unwrap_or(approved_on)
}

/// How the review stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewState {
    /// Due on the date, more than the warning period away.
    OnTime(Date),
    /// Due within the warning period: in so many days.
    DueSoon { due: Date, days: i64 },
    /// The due date has passed.
    Overdue { due: Date, days: i64 },
}

pub fn review_state(approved_on: Date, today: Date) -> ReviewState {
    let due = review_due(approved_on);
    let days = (due - today).whole_days();
    if days < 0 {
        ReviewState::Overdue { due, days: -days }
    } else if days <= REVIEW_WARNING_DAYS {
        ReviewState::DueSoon { due, days }
    } else {
        ReviewState::OnTime(due)
    }
}

/// Parses a `;`-separated list of codes (empty items ignored, each once).
pub fn parse_tags<T: Copy + PartialEq>(
    raw: &str,
    parse: impl Fn(&str) -> Result<T, Problem>,
) -> Result<Vec<T>, Problem> {
    let mut out = Vec::new();
    for item in raw.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let t = parse(item)?;
        if !out.contains(&t) {
            out.push(t);
        }
    }
    Ok(out)
}

/// Who may make and change a plan: roles that manage plans at the plan's
/// unit — the organisation (its root unit's id) for its own plan, the area
/// or cluster for a regional development plan.
pub fn may_manage(
    assignments: &[crate::Assignment],
    tree: &crate::OrgTree,
    org_id: i64,
    scope: Option<i64>,
) -> bool {
    crate::role::permits(
        assignments,
        tree,
        crate::Action::ManagePlans,
        scope.unwrap_or(org_id),
    )
}

/// A measure's stable key: kept when a version is copied, so that its
/// evaluations and status history follow it from version to version.
/// Lower-case letters, digits and `-`, at most 40 characters.
pub fn check_measure_key(key: &str) -> Result<(), Problem> {
    if key.is_empty() {
        return Err(Problem::required());
    }
    if key.chars().count() > 40 {
        return Err(Problem::too_long(40));
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(Problem::new(
            "err-measure-key",
            format!("'{key}' is not a measure key: use a-z, 0-9 and -"),
        )
        .arg("value", key));
    }
    Ok(())
}

/// The first key given twice, if any: a key names one measure of a version.
pub fn duplicate_key<'a>(keys: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = std::collections::HashSet::new();
    keys.into_iter().find(|k| !seen.insert(*k))
}

/// Which way an item of a plan's chain moves among its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
}

impl Move {
    pub fn parse(s: &str) -> Result<Move, Problem> {
        match s.trim() {
            "up" => Ok(Move::Up),
            "down" => Ok(Move::Down),
            other => Err(Problem::not_one_of(other, &["up", "down"])),
        }
    }
}

/// Moves the item at `index` one place up or down among its siblings.
/// Moving the first up or the last down changes nothing; an index that is
/// not there is refused.
pub fn move_item<T>(items: &mut [T], index: usize, way: Move) -> Result<(), Problem> {
    if index >= items.len() {
        return Err(missing_item(index));
    }
    match way {
        Move::Up if index > 0 => items.swap(index - 1, index),
        Move::Down if index + 1 < items.len() => items.swap(index, index + 1),
        _ => {}
    }
    Ok(())
}

/// Removes the item at `index`, refusing an index that is not there.
pub fn remove_item<T>(items: &mut Vec<T>, index: usize) -> Result<T, Problem> {
    if index >= items.len() {
        return Err(missing_item(index));
    }
    Ok(items.remove(index))
}

fn missing_item(index: usize) -> Problem {
    Problem::new(
        "err-plan-item-missing",
        format!("there is no item {} here: reload the page", index + 1),
    )
    .arg("value", (index + 1).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn lifecycle_moves_forward_only() {
        use PlanStatus::*;
        assert!(Draft.can_become(Approved));
        assert!(Approved.can_become(InForce));
        assert!(InForce.can_become(Superseded));
        assert!(!Draft.can_become(InForce), "approval comes first");
        assert!(!InForce.can_become(Draft), "no way back to a draft");
        assert!(!Superseded.can_become(InForce));
        assert!(Draft.check_move(Superseded).is_err());
        assert!(!Draft.is_frozen());
        for s in [Approved, InForce, Superseded] {
            assert!(s.is_frozen(), "{s:?}");
        }
    }

    #[test]
    fn review_is_due_four_years_after_approval() {
        assert_eq!(review_due(date!(2022 - 06 - 13)), date!(2026 - 06 - 13));
        assert_eq!(review_due(date!(2024 - 02 - 29)), date!(2028 - 02 - 29));
        // 2100 is not a leap year.
        assert_eq!(review_due(date!(2096 - 02 - 29)), date!(2100 - 02 - 28));
        let approved = date!(2022 - 06 - 13);
        assert_eq!(
            review_state(approved, date!(2025 - 06 - 13)),
            ReviewState::OnTime(date!(2026 - 06 - 13))
        );
        assert_eq!(
            review_state(approved, date!(2026 - 05 - 14)),
            ReviewState::DueSoon {
                due: date!(2026 - 06 - 13),
                days: 30
            }
        );
        assert_eq!(
            review_state(approved, date!(2026 - 11 - 23)),
            ReviewState::Overdue {
                due: date!(2026 - 06 - 13),
                days: 163
            }
        );
    }

    #[test]
    fn plan_periods() {
        assert!(PlanPeriod::new(2022, 2026).is_ok());
        assert_eq!(
            PlanPeriod::new(2026, 2022).unwrap_err().code,
            "err-plan-period"
        );
        let p = PlanPeriod::new(2022, 2026).unwrap();
        assert!(p.contains(date!(2026 - 12 - 31)));
        assert!(!p.contains(date!(2027 - 01 - 01)));
        let q = |s: &str| crate::Period::parse(s).unwrap();
        assert!(p.check_within(q("2026Q4")).is_ok());
        assert!(p.check_within(q("2022")).is_ok());
        assert_eq!(
            p.check_within(q("2027")).unwrap_err().code,
            "err-outside-plan"
        );
        assert_eq!(check_rating(5), Ok(5));
        assert!(check_rating(0).is_err() && check_rating(6).is_err());
    }

    #[test]
    fn tags_parse_once_each() {
        let r = parse_tags("participation; health;participation;", ChildRight::parse).unwrap();
        assert_eq!(r, vec![ChildRight::Participation, ChildRight::Health]);
        assert!(parse_tags("wellness", ChildRight::parse).is_err());
        assert_eq!(ChildRight::ALL.len(), 7);
        assert_eq!(ImpactCondition::ALL.len(), 5);
    }
    #[test]
    fn measure_keys_are_short_and_plain() {
        assert!(check_measure_key("m12").is_ok());
        assert!(check_measure_key("lanu-2022-a").is_ok());
        assert_eq!(check_measure_key("").unwrap_err().code, "err-required");
        assert_eq!(
            check_measure_key("M 1").unwrap_err().code,
            "err-measure-key"
        );
        assert_eq!(
            check_measure_key(&"a".repeat(41)).unwrap_err().code,
            Problem::too_long(40).code
        );
        assert_eq!(duplicate_key(["a", "b", "a"]), Some("a"));
        assert_eq!(duplicate_key(["a", "b"]), None);
    }

    #[test]
    fn items_move_among_siblings_and_stop_at_the_ends() {
        let mut v = vec!['a', 'b', 'c'];
        move_item(&mut v, 1, Move::Up).unwrap();
        assert_eq!(v, ['b', 'a', 'c']);
        move_item(&mut v, 0, Move::Up).unwrap();
        assert_eq!(v, ['b', 'a', 'c'], "the first stays first");
        move_item(&mut v, 1, Move::Down).unwrap();
        assert_eq!(v, ['b', 'c', 'a']);
        move_item(&mut v, 2, Move::Down).unwrap();
        assert_eq!(v, ['b', 'c', 'a'], "the last stays last");
        assert_eq!(
            move_item(&mut v, 3, Move::Up).unwrap_err().code,
            "err-plan-item-missing"
        );
        assert_eq!(remove_item(&mut v, 0), Ok('b'));
        assert_eq!(v, ['c', 'a']);
        assert!(remove_item(&mut v, 2).is_err());
        assert_eq!(v, ['c', 'a'], "a refused removal changes nothing");
        assert_eq!(Move::parse("down"), Ok(Move::Down));
        assert!(Move::parse("sideways").is_err());
    }

    #[test]
    fn a_regional_planner_manages_the_plan_of_their_own_area_only() {
        use crate::{Assignment, Role};
        let t = crate::tree::tests::sample();
        let planner = [Assignment {
            role: Role::RegionalPlanner,
            scope: 2,
        }];
        assert!(may_manage(&planner, &t, 1, Some(2)));
        assert!(
            !may_manage(&planner, &t, 1, None),
            "the organisation's plan"
        );
        assert!(!may_manage(&planner, &t, 1, Some(3)), "another area's plan");
        let staff = [Assignment {
            role: Role::Staff,
            scope: 2,
        }];
        assert!(!may_manage(&staff, &t, 1, Some(2)));
        let admin = [Assignment {
            role: Role::Admin,
            scope: 1,
        }];
        assert!(may_manage(&admin, &t, 1, None));
        assert!(may_manage(&admin, &t, 1, Some(3)));
    }
}
