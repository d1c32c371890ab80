//! Leadership teams as a "situation room" (seed 003): who sits in a team and
//! which sectors a multi-professional team must have, the monthly meeting
//! schedule, and the rules of personal commitments ("what do I promise to do
//! before the next leadership team meeting?").

use crate::error::Problem;
use crate::orgunit::{Level, Sector};
use time::{Date, Month, Weekday};

code_enum! {
    /// What kind of group a team is.
    TeamKind {
        /// The leadership team of a service cluster (johtotiimi).
        ClusterLeadership = "cluster_leadership",
        /// An area's leadership team (alueen johtotiimi).
        AreaLeadership = "area_leadership",
        /// The multi-professional steering group (monialainen ohjausryhmä).
        SteeringGroup = "steering_group",
        /// A learning network that spans organisations (oppimisverkosto).
        LearningNetwork = "learning_network",
        /// A children's or young people's forum (nuorisovaltuusto, lasten
        /// parlamentti, an area's young people's panel): it records the
        /// young people's proposals and the adults' answers.
        YouthForum = "youth_forum",
    }
}

impl TeamKind {
    /// The level of the org unit a team of this kind is for.
    pub fn scope_level(self) -> Level {
        match self {
            TeamKind::ClusterLeadership => Level::Cluster,
            TeamKind::AreaLeadership => Level::Area,
            TeamKind::SteeringGroup | TeamKind::LearningNetwork => Level::Organisation,
            TeamKind::YouthForum => Level::Cluster,
        }
    }

    pub fn check_scope(self, level: Level) -> Result<(), Problem> {
        // A forum may be the city's (a youth council), an area's or a
        // service cluster's (the `scope_level` it is suggested at).
        let forum_level = self == TeamKind::YouthForum
            && matches!(level, Level::Organisation | Level::Area | Level::Cluster);
        if level == self.scope_level() || forum_level {
            Ok(())
        } else {
            Err(Problem::new(
                "err-team-scope",
                format!(
                    "a team of kind '{}' is for an org unit of level '{}'",
                    self.code(),
                    self.scope_level().code()
                ),
            )
            .arg("kind", self.code())
            .arg("level", self.scope_level().code()))
        }
    }

    /// Leadership teams and the steering group are multi-professional: the
    /// sectors in [`EXPECTED_SECTORS`] should all sit at the table.
    pub fn is_multi_professional(self) -> bool {
        !matches!(self, TeamKind::LearningNetwork | TeamKind::YouthForum)
    }
}

code_enum! {
    /// A member's role in a team.
    #[derive(Default)]
    MemberRole {
        Chair = "chair",
        Secretary = "secretary",
        #[default]
        Member = "member",
        /// The development contact person (kehittäjäyhdyshenkilö).
        DevelopmentContact = "development_contact",
    }
}

/// The sectors a multi-professional team is expected to have (seed 003:
/// education and culture, the wellbeing services county, NGOs, parishes and
/// Kela). A team page flags the ones missing.
pub const EXPECTED_SECTORS: &[Sector] = &[
    Sector::EducationCulture,
    Sector::WellbeingCounty,
    Sector::ThirdSector,
    Sector::Parish,
    Sector::Kela,
];

/// The expected sectors not present among `present`.
pub fn missing_sectors(present: &[Sector]) -> Vec<Sector> {
    EXPECTED_SECTORS
        .iter()
        .copied()
        .filter(|s| !present.contains(s))
        .collect()
}

code_enum! {
    /// Where a meeting stands.
    #[derive(Default)]
    MeetingState {
        #[default]
        Planned = "planned",
        Held = "held",
        Cancelled = "cancelled",
    }
}

code_enum! {
    /// What an agenda item refers to.
    AgendaLink {
        Measure = "measure",
        Indicator = "indicator",
        Round = "round",
    }
}

code_enum! {
    /// A commitment's outcome, recorded at the meeting where it is due.
    #[derive(Default)]
    CommitmentStatus {
        #[default]
        Open = "open",
        Done = "done",
        Partly = "partly",
        NotDone = "not_done",
    }
}

impl CommitmentStatus {
    /// The outcomes a review may record (not `open`).
    pub const OUTCOMES: &'static [CommitmentStatus] = &[
        CommitmentStatus::Done,
        CommitmentStatus::Partly,
        CommitmentStatus::NotDone,
    ];

    /// Checks a review's outcome and whether it may carry the commitment
    /// over to the next meeting (only what is not done can be carried).
    pub fn check_review(self, carry: bool) -> Result<(), Problem> {
        match (self, carry) {
            (CommitmentStatus::Open, _) => Err(Problem::new(
                "err-review-outcome",
                "choose done, partly or not done",
            )),
            (CommitmentStatus::Done, true) => Err(Problem::new(
                "err-carry-done",
                "a commitment that is done cannot be carried over",
            )),
            _ => Ok(()),
        }
    }
}

/// The longest commitment, decision, agenda item or note text.
pub const MAX_TEXT: usize = 2000;

/// Validates a short free text (a commitment, an agenda item, a decision).
pub fn parse_text(s: &str, max: usize) -> Result<String, Problem> {
    let t = s.trim();
    if t.is_empty() {
        return Err(Problem::required());
    }
    if t.chars().count() > max {
        return Err(Problem::too_long(max));
    }
    Ok(t.to_owned())
}

/// A meeting's local start time (Europe/Helsinki), `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime {
    pub hour: u8,
    pub minute: u8,
}

impl ClockTime {
    pub fn parse(s: &str) -> Result<ClockTime, Problem> {
        let t = s.trim();
        let bad = || {
            Problem::new("err-time", format!("'{t}' is not a time of day (HH:MM)"))
                .arg("value", t.to_owned())
        };
        let (h, m) = t.split_once(':').ok_or_else(bad)?;
        let hour: u8 = h.parse().map_err(|_| bad())?;
        let minute: u8 = m.parse().map_err(|_| bad())?;
        if hour > 23 || minute > 59 || m.len() != 2 {
            return Err(bad());
        }
        Ok(ClockTime { hour, minute })
    }
}

impl std::fmt::Display for ClockTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

/// A team's recurring meeting schedule: every `every_months` months, on the
/// `week`-th (1–4, or -1 for the last) `weekday` of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub every_months: u8,
    pub week: i8,
    pub weekday: Weekday,
    pub start: ClockTime,
    pub duration_min: u16,
}

impl Default for Schedule {
    /// Monthly (seed 003: "säännölliset tapaamiset 1 x kk"), the second
    /// Tuesday at 14:00, for 90 minutes.
    fn default() -> Self {
        Schedule {
            every_months: 1,
            week: 2,
            weekday: Weekday::Tuesday,
            start: ClockTime {
                hour: 14,
                minute: 0,
            },
            duration_min: 90,
        }
    }
}

/// Weekdays by their ISO number (1 = Monday).
pub fn weekday_from_number(n: i64) -> Result<Weekday, Problem> {
    let all = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    usize::try_from(n - 1)
        .ok()
        .and_then(|i| all.get(i).copied())
        .ok_or_else(|| {
            Problem::new(
                "err-weekday",
                "the weekday is a number from 1 (Monday) to 7",
            )
            .arg("value", n.to_string())
        })
}

impl Schedule {
    pub fn new(
        every_months: i64,
        week: i64,
        weekday: i64,
        start: &str,
        duration_min: i64,
    ) -> Result<Schedule, (&'static str, Problem)> {
        let every_months = u8::try_from(every_months)
            .ok()
            .filter(|m| (1..=12).contains(m))
            .ok_or_else(|| {
                (
                    "every_months",
                    Problem::new("err-every-months", "meetings recur every 1 to 12 months"),
                )
            })?;
        let week = i8::try_from(week)
            .ok()
            .filter(|w| (1..=4).contains(w) || *w == -1)
            .ok_or_else(|| {
                (
                    "week",
                    Problem::new("err-week", "the week of the month is 1–4 or -1 (the last)"),
                )
            })?;
        let weekday = weekday_from_number(weekday).map_err(|p| ("weekday", p))?;
        let start = ClockTime::parse(start).map_err(|p| ("start", p))?;
        let duration_min = u16::try_from(duration_min)
            .ok()
            .filter(|d| (15..=600).contains(d))
            .ok_or_else(|| {
                (
                    "duration_min",
                    Problem::new("err-duration", "a meeting lasts 15 to 600 minutes"),
                )
            })?;
        Ok(Schedule {
            every_months,
            week,
            weekday,
            start,
            duration_min,
        })
    }

    /// The meeting day of the schedule in a month.
    pub fn day_in(&self, year: i32, month: Month) -> Date {
        let first = Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN);
        if self.week > 0 {
            let mut d = first;
            while d.weekday() != self.weekday {
                d = d.next_day().unwrap_or(d);
            }
            d.checked_add(time::Duration::weeks(i64::from(self.week) - 1))
                .unwrap_or(d)
        } else {
            let last_day = month.length(year);
            let mut d = Date::from_calendar_date(year, month, last_day).unwrap_or(first);
            while d.weekday() != self.weekday {
                d = d.previous_day().unwrap_or(d);
            }
            d
        }
    }

    /// The first meeting day strictly after `after`, counting months from
    /// `anchor` (the month the schedule started) in steps of `every_months`.
    pub fn next_after(&self, anchor: Date, after: Date) -> Date {
        let step = i32::from(self.every_months);
        let month_index = |d: Date| d.year() * 12 + i32::from(u8::from(d.month())) - 1;
        let base = month_index(anchor);
        let mut k = (month_index(after) - base).div_euclid(step).max(0);
        loop {
            let idx = base + k * step;
            let (year, m0) = (idx.div_euclid(12), idx.rem_euclid(12));
            let month =
                Month::try_from(u8::try_from(m0 + 1).unwrap_or(1)).unwrap_or(Month::January);
            let day = self.day_in(year, month);
            if day > after {
                return day;
            }
            k += 1;
        }
    }

    /// The next `n` meeting days after `after`.
    pub fn upcoming(&self, anchor: Date, after: Date, n: usize) -> Vec<Date> {
        let mut out = Vec::with_capacity(n);
        let mut d = after;
        for _ in 0..n {
            d = self.next_after(anchor, d);
            out.push(d);
        }
        out
    }
}

/// Who may run a team's meetings (agenda, minutes, attendance, decisions,
/// reviews of anyone's commitments): its chair and secretary, and whoever
/// manages teams at its unit (`manages`).
pub fn may_run_meetings(member_role: Option<MemberRole>, manages: bool) -> bool {
    manages || matches!(member_role, Some(MemberRole::Chair | MemberRole::Secretary))
}

/// Who may record or review a commitment of `owner`: the owner, if still a
/// member, and whoever may run the team's meetings.
pub fn may_handle_commitment(
    actor_is_owner: bool,
    actor_role: Option<MemberRole>,
    manages: bool,
) -> bool {
    (actor_is_owner && actor_role.is_some()) || may_run_meetings(actor_role, manages)
}

/// The day after which a commitment falls due. A promise made at a meeting
/// is due at the meeting after that one, whenever and from whichever page it
/// is recorded (before, during or after the meeting), so the made-at
/// meeting's date decides, never the day of recording; only a promise not
/// tied to any meeting counts from the day it is recorded.
pub fn due_after(made_at_meeting_on: Option<Date>, recorded_on: Date) -> Date {
    made_at_meeting_on.unwrap_or(recorded_on)
}

/// The day after which a commitment carried over at a review falls due: the
/// meeting where it was reviewed (or, reviewed outside a meeting, the day of
/// the review); never earlier than it already was.
pub fn carried_due_after(
    reviewed_at_meeting_on: Option<Date>,
    reviewed_on: Date,
    was: Date,
) -> Date {
    reviewed_at_meeting_on.unwrap_or(reviewed_on).max(was)
}

/// The meeting where an open commitment is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due<T> {
    /// The meeting's day.
    pub on: Date,
    /// The meeting (`meetings`' key), or `None` when it is not planned yet
    /// and `on` comes from the team's schedule.
    pub meeting: Option<T>,
}

/// The one rule of when a commitment is due: at the team's first meeting
/// strictly after `due_after` (see [`due_after`], [`carried_due_after`]).
/// `meetings` are the team's meetings that are not cancelled, in any order;
/// when none is planned after `due_after` yet, the schedule tells the day.
pub fn due_meeting<T: Copy>(
    due_after: Date,
    meetings: &[(Date, T)],
    schedule: &Schedule,
    anchor: Date,
) -> Due<T> {
    meetings
        .iter()
        .filter(|(on, _)| *on > due_after)
        .min_by_key(|(on, _)| *on)
        .map(|(on, key)| Due {
            on: *on,
            meeting: Some(*key),
        })
        .unwrap_or_else(|| Due {
            on: schedule.next_after(anchor, due_after),
            meeting: None,
        })
}

/// How many days a commitment has been open.
pub fn age_days(made_on: Date, today: Date) -> i64 {
    (today - made_on).whole_days().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn kinds_have_their_level() {
        assert!(TeamKind::ClusterLeadership
            .check_scope(Level::Cluster)
            .is_ok());
        let e = TeamKind::ClusterLeadership
            .check_scope(Level::Area)
            .unwrap_err();
        assert_eq!(e.code, "err-team-scope");
        assert!(TeamKind::AreaLeadership.check_scope(Level::Area).is_ok());
        assert!(TeamKind::SteeringGroup
            .check_scope(Level::Organisation)
            .is_ok());
        assert!(!TeamKind::LearningNetwork.is_multi_professional());
    }

    #[test]
    fn missing_sectors_are_the_expected_ones_not_present() {
        let m = missing_sectors(&[Sector::EducationCulture, Sector::Company]);
        assert_eq!(
            m,
            vec![
                Sector::WellbeingCounty,
                Sector::ThirdSector,
                Sector::Parish,
                Sector::Kela
            ]
        );
        assert!(missing_sectors(EXPECTED_SECTORS).is_empty());
    }

    #[test]
    fn second_tuesday_and_last_friday() {
        let s = Schedule::default();
        assert_eq!(s.day_in(2026, Month::December), date!(2026 - 12 - 08));
        assert_eq!(s.day_in(2026, Month::September), date!(2026 - 09 - 08));
        let last_friday = Schedule {
            week: -1,
            weekday: Weekday::Friday,
            ..s
        };
        assert_eq!(last_friday.day_in(2026, Month::July), date!(2026 - 07 - 31));
        assert_eq!(
            last_friday.day_in(2027, Month::February),
            date!(2027 - 02 - 26)
        );
    }

    #[test]
    fn next_meeting_follows_the_schedule() {
        let s = Schedule::default();
        let anchor = date!(2026 - 01 - 01);
        // The meeting day itself is not "after" it.
        assert_eq!(
            s.next_after(anchor, date!(2026 - 11 - 10)),
            date!(2026 - 12 - 08)
        );
        assert_eq!(
            s.next_after(anchor, date!(2026 - 11 - 09)),
            date!(2026 - 11 - 10)
        );
        // Across the year end.
        assert_eq!(
            s.upcoming(anchor, date!(2026 - 12 - 08), 2),
            vec![date!(2027 - 01 - 12), date!(2027 - 02 - 09)]
        );
        // Every third month from March.
        let q = Schedule {
            every_months: 3,
            ..s
        };
        assert_eq!(
            q.upcoming(date!(2026 - 03 - 01), date!(2026 - 03 - 20), 3),
            vec![
                date!(2026 - 06 - 09),
                date!(2026 - 09 - 08),
                date!(2026 - 12 - 08)
            ]
        );
        // Before the anchor, the first meeting is the anchor month's.
        assert_eq!(
            q.next_after(date!(2026 - 03 - 01), date!(2025 - 01 - 01)),
            date!(2026 - 03 - 10)
        );
    }

    #[test]
    fn schedule_input_is_checked() {
        assert!(Schedule::new(1, 2, 2, "14:00", 90).is_ok());
        assert_eq!(
            Schedule::new(0, 2, 2, "14:00", 90).unwrap_err().0,
            "every_months"
        );
        assert_eq!(Schedule::new(1, 5, 2, "14:00", 90).unwrap_err().0, "week");
        assert_eq!(
            Schedule::new(1, -1, 8, "14:00", 90).unwrap_err().0,
            "weekday"
        );
        assert_eq!(Schedule::new(1, 1, 1, "24:00", 90).unwrap_err().0, "start");
        assert_eq!(Schedule::new(1, 1, 1, "9:5", 90).unwrap_err().0, "start");
        assert_eq!(
            Schedule::new(1, 1, 1, "09:00", 5).unwrap_err().0,
            "duration_min"
        );
        assert_eq!(ClockTime::parse("9:05").unwrap().to_string(), "09:05");
    }

    #[test]
    fn reviews_need_an_outcome_and_done_is_not_carried() {
        assert!(CommitmentStatus::Open.check_review(false).is_err());
        assert_eq!(
            CommitmentStatus::Done.check_review(true).unwrap_err().code,
            "err-carry-done"
        );
        assert!(CommitmentStatus::Partly.check_review(true).is_ok());
        assert!(CommitmentStatus::NotDone.check_review(false).is_ok());
    }

    #[test]
    fn who_runs_meetings_and_handles_commitments() {
        assert!(may_run_meetings(Some(MemberRole::Chair), false));
        assert!(may_run_meetings(Some(MemberRole::Secretary), false));
        assert!(!may_run_meetings(Some(MemberRole::Member), false));
        assert!(!may_run_meetings(None, false));
        assert!(may_run_meetings(None, true));
        assert!(may_handle_commitment(true, Some(MemberRole::Member), false));
        assert!(!may_handle_commitment(true, None, false), "a former member");
        assert!(!may_handle_commitment(
            false,
            Some(MemberRole::Member),
            false
        ));
        assert!(may_handle_commitment(false, Some(MemberRole::Chair), false));
    }

    #[test]
    fn a_promise_is_due_at_the_meeting_after_the_one_it_was_made_at() {
        let s = Schedule::default();
        let anchor = date!(2026 - 01 - 01);
        let meetings = [
            (date!(2026 - 11 - 10), 1),
            (date!(2026 - 12 - 08), 2),
            (date!(2027 - 01 - 12), 3),
        ];
        // Recorded on the upcoming meeting's page days before it.
        let after = due_after(Some(date!(2026 - 12 - 08)), date!(2026 - 12 - 01));
        assert_eq!(after, date!(2026 - 12 - 08));
        assert_eq!(
            due_meeting(after, &meetings, &s, anchor),
            Due {
                on: date!(2027 - 01 - 12),
                meeting: Some(3)
            }
        );
        // Recorded after the held meeting, on its page.
        let after = due_after(Some(date!(2026 - 11 - 10)), date!(2026 - 11 - 20));
        assert_eq!(due_meeting(after, &meetings, &s, anchor).meeting, Some(2));
        // Not tied to a meeting: the first meeting after the day recorded.
        let after = due_after(None, date!(2026 - 11 - 10));
        assert_eq!(due_meeting(after, &meetings, &s, anchor).meeting, Some(2));
        // The meeting after is not planned yet: the schedule's day.
        assert_eq!(
            due_meeting(date!(2027 - 01 - 12), &meetings, &s, anchor),
            Due {
                on: date!(2027 - 02 - 09),
                meeting: None
            }
        );
        // Order of the meetings does not matter.
        let mut rev = meetings;
        rev.reverse();
        assert_eq!(
            due_meeting(date!(2026 - 11 - 10), &rev, &s, anchor).meeting,
            Some(2)
        );
    }

    #[test]
    fn a_carried_commitment_is_due_at_the_meeting_after_its_review() {
        let was = date!(2026 - 11 - 10);
        assert_eq!(
            carried_due_after(Some(date!(2026 - 12 - 08)), date!(2026 - 12 - 09), was),
            date!(2026 - 12 - 08)
        );
        assert_eq!(
            carried_due_after(None, date!(2026 - 12 - 09), was),
            date!(2026 - 12 - 09)
        );
        // Reviewed at an earlier meeting than it was made at: not earlier.
        assert_eq!(
            carried_due_after(Some(date!(2026 - 10 - 13)), date!(2026 - 12 - 09), was),
            was
        );
    }

    #[test]
    fn texts_and_ages() {
        assert_eq!(parse_text("  x ", 10).unwrap(), "x");
        assert_eq!(parse_text(" ", 10).unwrap_err().code, "err-required");
        assert_eq!(parse_text("abcdef", 5).unwrap_err().code, "err-too-long");
        assert_eq!(age_days(date!(2026 - 10 - 13), date!(2026 - 11 - 23)), 41);
        assert_eq!(age_days(date!(2026 - 12 - 01), date!(2026 - 11 - 23)), 0);
    }
}
