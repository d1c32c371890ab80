//! Activities for families (seeds 000/001 "harrastamisen aarrearkku",
//! seed 004 regional activity calendars): hobbies and clubs, events, and
//! recurring activities such as family cafés, peer groups and the visiting
//! schedule of mobile services. One model serves the hobby treasure chest,
//! the calendars, the iCalendar feeds and the Linked Events-shaped API.
//!
//! An activity happens on weekly slots within a season (a hobby, a family
//! café) and/or on dated occurrences (an event); any single date can be
//! cancelled. The rules here decide what a valid entry is ("an event ends
//! after it starts", "ages are sane", "free is a fact, not a missing
//! price") and expand the schedule into dated occurrences.

use crate::error::Problem;
pub use crate::holidays::{DayOff, DaysOff};
use crate::team::ClockTime;
use time::{Date, Duration, Weekday};

code_enum! {
    /// What an activity is.
    ActivityKind {
        /// A hobby or club with a season (the treasure chest).
        Hobby = "hobby",
        /// A one-off or dated event.
        Event = "event",
        /// A recurring open activity: family café, peer group, art clinic.
        Group = "group",
        /// A mobile or outreach service's visiting schedule.
        Visit = "visit",
    }
}

code_enum! {
    /// The type of an activity, as families look for it.
    Category {
        Art = "art",
        Music = "music",
        Culture = "culture",
        Sports = "sports",
        Nature = "nature",
        Technology = "technology",
        Games = "games",
        Crafts = "crafts",
        Family = "family",
        Support = "support",
        Other = "other",
    }
}

code_enum! {
    /// Whether an entry is public. Organisers' entries wait for the area's
    /// approval; only published ones are shown outside.
    ActivityStatus {
        Pending = "pending",
        Published = "published",
        Withdrawn = "withdrawn",
    }
}

code_enum! {
    /// What a place is.
    PlaceKind {
        MeetingPlace = "meeting_place",
        FamilyCentre = "family_centre",
        YouthCentre = "youth_centre",
        Library = "library",
        School = "school",
        SportsVenue = "sports_venue",
        Outdoors = "outdoors",
        Other = "other",
    }
}

code_enum! {
    /// The age group a wish's sender tells (never an exact age or a name).
    AgeGroup {
        Under7 = "under_7",
        From7To12 = "7_12",
        From13To17 = "13_17",
        From18To29 = "18_29",
        Adult = "adult",
    }
}

/// The oldest age an audience may name (Linked Events allows open ends; a
/// larger number is a typing mistake).
pub const MAX_AGE: u8 = 120;

/// A season longer than this is a mistake (it would also expand without end).
pub const MAX_SEASON_DAYS: i64 = 400;

/// Most weekly slots and dated occurrences one entry may have.
pub const MAX_TIMES: usize = 60;

/// Every week on `weekday`, from `starts` to `ends` (same day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklySlot {
    pub weekday: Weekday,
    pub starts: ClockTime,
    pub ends: ClockTime,
}

/// A dated occurrence, which may run over several days (a camp, a festival).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DatedTime {
    pub on: Date,
    pub starts: ClockTime,
    pub ends_on: Date,
    pub ends: ClockTime,
}

/// When an activity happens.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Schedule {
    /// The season of the weekly slots (both ends included).
    pub season: Option<(Date, Date)>,
    pub slots: Vec<WeeklySlot>,
    pub dates: Vec<DatedTime>,
}

/// One occurrence in a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Occurrence {
    pub on: Date,
    pub starts: ClockTime,
    pub ends_on: Date,
    pub ends: ClockTime,
    pub cancelled: bool,
}

fn minutes(t: ClockTime) -> i64 {
    i64::from(t.hour) * 60 + i64::from(t.minute)
}

/// Checks an audience's age range; the error names `min_age` or `max_age`.
pub fn check_ages(min: Option<i64>, max: Option<i64>) -> Result<(), (&'static str, Problem)> {
    for (field, v) in [("min_age", min), ("max_age", max)] {
        if let Some(a) = v {
            if !(0..=i64::from(MAX_AGE)).contains(&a) {
                return Err((
                    field,
                    Problem::new("err-age", "an age is a whole number from 0 to 120")
                        .arg("value", a.to_string()),
                ));
            }
        }
    }
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            return Err((
                "max_age",
                Problem::new(
                    "err-age-order",
                    "the oldest age is at least the youngest age",
                )
                .arg("min", lo.to_string())
                .arg("max", hi.to_string()),
            ));
        }
    }
    Ok(())
}

/// "Free" is a fact of its own: a free activity names no price, and one
/// that is not free says what it costs.
pub fn check_price(is_free: bool, price: &str) -> Result<(), Problem> {
    match (is_free, price.trim().is_empty()) {
        (true, false) => Err(Problem::new(
            "err-price-free",
            "a free activity has no price; remove the price or untick free",
        )),
        (false, true) => Err(Problem::new(
            "err-price-missing",
            "give the price, or mark the activity free",
        )),
        _ => Ok(()),
    }
}

/// Checks a schedule. The error names the field: `season`, `slots[2]`,
/// `dates[1]` (1-based), or `times` when there is no time at all.
pub fn check_schedule(s: &Schedule) -> Result<(), (String, Problem)> {
    if s.slots.is_empty() && s.dates.is_empty() {
        return Err((
            "times".into(),
            Problem::new("err-no-times", "give at least one weekly time or one date"),
        ));
    }
    if s.slots.len() + s.dates.len() > MAX_TIMES {
        return Err((
            "times".into(),
            Problem::new("err-too-many-times", "at most 60 times per entry")
                .arg("max", MAX_TIMES.to_string()),
        ));
    }
    match s.season {
        None if !s.slots.is_empty() => {
            return Err((
                "season".into(),
                Problem::new(
                    "err-season-missing",
                    "weekly times need a season (first and last day)",
                ),
            ))
        }
        Some((first, last)) => {
            if last < first {
                return Err((
                    "season".into(),
                    Problem::new("err-season-order", "the season ends after it starts"),
                ));
            }
            if (last - first).whole_days() > MAX_SEASON_DAYS {
                return Err((
                    "season".into(),
                    Problem::new("err-season-long", "a season is at most about a year")
                        .arg("max", MAX_SEASON_DAYS.to_string()),
                ));
            }
        }
        None => {}
    }
    let ends_after = || {
        Problem::new(
            "err-activity-ends-before-start",
            "an activity ends after it starts",
        )
    };
    for (i, slot) in s.slots.iter().enumerate() {
        if minutes(slot.ends) <= minutes(slot.starts) {
            return Err((format!("slots[{}]", i + 1), ends_after()));
        }
    }
    for (i, d) in s.dates.iter().enumerate() {
        if (d.ends_on, minutes(d.ends)) <= (d.on, minutes(d.starts)) {
            return Err((format!("dates[{}]", i + 1), ends_after()));
        }
        if (d.ends_on - d.on).whole_days() > MAX_SEASON_DAYS {
            return Err((
                format!("dates[{}]", i + 1),
                Problem::new("err-season-long", "an occurrence is at most about a year")
                    .arg("max", MAX_SEASON_DAYS.to_string()),
            ));
        }
    }
    Ok(())
}

/// The weekday's bit in a weekday mask (Monday = 1, Sunday = 64).
pub fn weekday_bit(d: Weekday) -> i64 {
    1 << d.number_days_from_monday()
}

/// The weekdays an activity happens on, as a mask of [`weekday_bit`]s —
/// stored beside the entry so a search by day is one indexed comparison.
pub fn weekday_mask(s: &Schedule) -> i64 {
    let mut m = s.slots.iter().fold(0, |m, sl| m | weekday_bit(sl.weekday));
    for d in &s.dates {
        let mut day = d.on;
        // Every day a multi-day occurrence covers, at most a week's worth.
        for _ in 0..7 {
            m |= weekday_bit(day.weekday());
            if day >= d.ends_on {
                break;
            }
            match day.next_day() {
                Some(n) => day = n,
                None => break,
            }
        }
    }
    m
}

/// The first and last day the activity happens on (for a calendar's range
/// query), or `None` without any time.
pub fn span(s: &Schedule) -> Option<(Date, Date)> {
    let mut days: Vec<Date> = s.dates.iter().flat_map(|d| [d.on, d.ends_on]).collect();
    if !s.slots.is_empty() {
        if let Some((a, b)) = s.season {
            days.extend([a, b]);
        }
    }
    Some((*days.iter().min()?, *days.iter().max()?))
}

/// The occurrences from `from` to `to` (both included), in time order; a
/// date in `cancelled` marks that day's occurrences cancelled. A dated
/// occurrence is in the range when any of its days is.
/// Weekly sessions are not held on Finnish public holidays (see
/// [`occurrences_off`] for an organisation's breaks too).
pub fn occurrences(s: &Schedule, from: Date, to: Date, cancelled: &[Date]) -> Vec<Occurrence> {
    occurrences_off(s, from, to, cancelled, &DaysOff::default())
}

/// The occurrences, without weekly sessions on the days `off` (public
/// holidays and the organisation's breaks). Dated occurrences are kept: an
/// organiser who gives 24.12 as an event's date means it.
pub fn occurrences_off(
    s: &Schedule,
    from: Date,
    to: Date,
    cancelled: &[Date],
    off: &DaysOff,
) -> Vec<Occurrence> {
    let mut out = Vec::new();
    if let Some((first, last)) = s.season {
        let start = first.max(from);
        let end = last.min(to);
        let mut day = start;
        while day <= end {
            let slots = s.slots.iter().filter(|sl| sl.weekday == day.weekday());
            for slot in slots.filter(|_| !off.is_off(day)) {
                out.push(Occurrence {
                    on: day,
                    starts: slot.starts,
                    ends_on: day,
                    ends: slot.ends,
                    cancelled: cancelled.contains(&day),
                });
            }
            match day.checked_add(Duration::days(1)) {
                Some(n) => day = n,
                None => break,
            }
        }
    }
    for d in &s.dates {
        if d.ends_on >= from && d.on <= to {
            out.push(Occurrence {
                on: d.on,
                starts: d.starts,
                ends_on: d.ends_on,
                ends: d.ends,
                cancelled: cancelled.contains(&d.on),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The days in `from..=to` when a weekly slot would meet but does not,
/// and why (for "no session: holiday" on an activity's page).
pub fn skipped_days(s: &Schedule, from: Date, to: Date, off: &DaysOff) -> Vec<(Date, DayOff)> {
    let mut out = Vec::new();
    let Some((first, last)) = s.season else {
        return out;
    };
    let (mut day, end) = (first.max(from), last.min(to));
    while day <= end {
        if s.slots.iter().any(|sl| sl.weekday == day.weekday()) {
            if let Some(why) = off.reason(day) {
                out.push((day, why));
            }
        }
        match day.checked_add(Duration::days(1)) {
            Some(n) => day = n,
            None => break,
        }
    }
    out
}

/// An age typed in a search box: empty for any age.
pub fn parse_age(s: &str) -> Result<Option<i64>, Problem> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(a) if (0..=i64::from(MAX_AGE)).contains(&a) => Ok(Some(a)),
        _ => Err(Problem::new("err-age", "an age is a whole number from 0 to 120").arg("value", t)),
    }
}

/// Whether an audience of `min`–`max` (open ends allowed) includes `age`.
pub fn age_fits(min: Option<i64>, max: Option<i64>, age: i64) -> bool {
    min.is_none_or(|m| m <= age) && max.is_none_or(|m| m >= age)
}

/// What the public activity search narrows by. An empty field does not
/// narrow. These are the matching rules; the store applies them in memory
/// to its index of published activities and writes the same rules as SQL
/// for staff lists, and a parity test checks that the two agree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    /// Any of these kinds.
    pub kinds: Vec<ActivityKind>,
    pub area_id: Option<i64>,
    pub cluster_id: Option<i64>,
    pub place_id: Option<i64>,
    /// An age the activity's audience must include.
    pub age: Option<i64>,
    /// A mask of weekday bits ([`weekday_bit`]); any of them.
    pub weekdays: i64,
    pub free_only: bool,
    pub category: Option<Category>,
}

/// What of an activity the filter looks at (its stored filter columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilterColumns {
    pub kind: ActivityKind,
    pub category: Category,
    pub area_id: i64,
    pub cluster_id: Option<i64>,
    pub place_id: Option<i64>,
    pub min_age: Option<i64>,
    pub max_age: Option<i64>,
    /// [`weekday_mask`] of its schedule.
    pub weekday_mask: i64,
    pub is_free: bool,
}

impl ActivityFilter {
    /// Whether an activity with these columns passes every filter.
    pub fn matches(&self, a: &FilterColumns) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&a.kind))
            && self.area_id.is_none_or(|x| a.area_id == x)
            && self.cluster_id.is_none_or(|x| a.cluster_id == Some(x))
            && self.place_id.is_none_or(|x| a.place_id == Some(x))
            && self.age.is_none_or(|x| age_fits(a.min_age, a.max_age, x))
            && (self.weekdays == 0 || a.weekday_mask & self.weekdays != 0)
            && (!self.free_only || a.is_free)
            && self.category.is_none_or(|c| a.category == c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn t(h: u8, m: u8) -> ClockTime {
        ClockTime { hour: h, minute: m }
    }

    fn weekly(day: Weekday) -> Schedule {
        Schedule {
            season: Some((date!(2026 - 09 - 01), date!(2026 - 12 - 15))),
            slots: vec![WeeklySlot {
                weekday: day,
                starts: t(17, 0),
                ends: t(18, 30),
            }],
            dates: vec![],
        }
    }

    #[test]
    fn ages_are_sane_and_ordered() {
        assert!(check_ages(Some(7), Some(12)).is_ok());
        assert!(check_ages(None, Some(12)).is_ok());
        assert!(check_ages(Some(7), Some(7)).is_ok());
        assert_eq!(check_ages(Some(12), Some(7)).unwrap_err().0, "max_age");
        assert_eq!(check_ages(Some(-1), None).unwrap_err().0, "min_age");
        assert_eq!(check_ages(None, Some(121)).unwrap_err().0, "max_age");
        assert_eq!(parse_age(" 9 ").unwrap(), Some(9));
        assert_eq!(parse_age("").unwrap(), None);
        assert!(parse_age("nine").is_err());
        assert!(age_fits(Some(7), None, 30));
        assert!(!age_fits(Some(7), Some(12), 13));
    }

    #[test]
    fn free_is_a_fact_not_a_missing_price() {
        assert!(check_price(true, "").is_ok());
        assert!(check_price(false, "40 € / kausi").is_ok());
        assert_eq!(
            check_price(false, " ").unwrap_err().code,
            "err-price-missing"
        );
        assert_eq!(check_price(true, "5 €").unwrap_err().code, "err-price-free");
    }

    #[test]
    fn an_event_ends_after_it_starts() {
        let mut s = Schedule {
            season: None,
            slots: vec![],
            dates: vec![DatedTime {
                on: date!(2026 - 11 - 28),
                starts: t(12, 0),
                ends_on: date!(2026 - 11 - 28),
                ends: t(12, 0),
            }],
        };
        let (field, p) = check_schedule(&s).unwrap_err();
        assert_eq!(
            (field.as_str(), p.code),
            ("dates[1]", "err-activity-ends-before-start")
        );
        // Over midnight into the next day is fine.
        s.dates[0].ends_on = date!(2026 - 11 - 29);
        s.dates[0].ends = t(1, 0);
        assert!(check_schedule(&s).is_ok());
        assert_eq!(check_schedule(&Schedule::default()).unwrap_err().0, "times");
        let mut w = weekly(Weekday::Monday);
        w.slots.push(WeeklySlot {
            weekday: Weekday::Friday,
            starts: t(18, 0),
            ends: t(17, 0),
        });
        assert_eq!(check_schedule(&w).unwrap_err().0, "slots[2]");
        w.slots.pop();
        w.season = None;
        assert_eq!(check_schedule(&w).unwrap_err().1.code, "err-season-missing");
        w.season = Some((date!(2026 - 09 - 01), date!(2026 - 08 - 01)));
        assert_eq!(check_schedule(&w).unwrap_err().1.code, "err-season-order");
        w.season = Some((date!(2026 - 01 - 01), date!(2027 - 12 - 31)));
        assert_eq!(check_schedule(&w).unwrap_err().1.code, "err-season-long");
    }

    #[test]
    fn weekly_slots_expand_within_the_season_and_cancellations_show() {
        let s = weekly(Weekday::Tuesday);
        // November 2026 has Tuesdays 3, 10, 17 and 24.
        let cancelled = [date!(2026 - 11 - 17)];
        let occ = occurrences(&s, date!(2026 - 11 - 01), date!(2026 - 11 - 30), &cancelled);
        let days: Vec<(u8, bool)> = occ.iter().map(|o| (o.on.day(), o.cancelled)).collect();
        assert_eq!(days, vec![(3, false), (10, false), (17, true), (24, false)]);
        // Nothing after the season ends.
        assert!(occurrences(&s, date!(2026 - 12 - 16), date!(2027 - 01 - 31), &[]).is_empty());
        assert_eq!(weekday_mask(&s), weekday_bit(Weekday::Tuesday));
        assert_eq!(
            span(&s),
            Some((date!(2026 - 09 - 01), date!(2026 - 12 - 15)))
        );
    }

    #[test]
    fn weekly_sessions_skip_holidays_and_breaks_but_events_stay() {
        // Thursdays and Fridays all winter: 24.12 (Thu) and 31.12 (Thu),
        // 25.12 and 1.1 (Fri) are holidays; 6.1 (Wed) is not a slot day.
        let mut s = Schedule {
            season: Some((date!(2026 - 12 - 01), date!(2027 - 01 - 15))),
            slots: [Weekday::Thursday, Weekday::Friday]
                .into_iter()
                .map(|weekday| WeeklySlot {
                    weekday,
                    starts: t(17, 0),
                    ends: t(18, 0),
                })
                .collect(),
            dates: vec![],
        };
        let from = date!(2026 - 12 - 20);
        let to = date!(2027 - 01 - 10);
        let days: Vec<Date> = occurrences(&s, from, to, &[])
            .iter()
            .map(|o| o.on)
            .collect();
        for holiday in [
            date!(2026 - 12 - 24),
            date!(2026 - 12 - 25),
            date!(2026 - 12 - 31),
            date!(2027 - 01 - 01),
        ] {
            assert!(!days.contains(&holiday), "{holiday} skipped: {days:?}");
        }
        assert_eq!(days, vec![date!(2027 - 01 - 07), date!(2027 - 01 - 08)]);
        // A Christmas break removes the rest; the reason is told.
        let off = DaysOff::new(vec![crate::holidays::Break {
            first: date!(2026 - 12 - 21),
            last: date!(2027 - 01 - 07),
            name: "Joululoma".into(),
        }]);
        let days: Vec<Date> = occurrences_off(&s, from, to, &[], &off)
            .iter()
            .map(|o| o.on)
            .collect();
        assert_eq!(days, vec![date!(2027 - 01 - 08)]);
        let skipped = skipped_days(&s, from, to, &off);
        assert_eq!(skipped.len(), 5, "{skipped:?}");
        assert_eq!(
            skipped[0],
            (
                date!(2026 - 12 - 24),
                DayOff::Holiday(crate::holidays::Holiday::ChristmasEve)
            )
        );
        assert_eq!(
            skipped[4],
            (date!(2027 - 01 - 07), DayOff::Break("Joululoma".into()))
        );
        // A dated event on Christmas Eve is held.
        s.dates.push(DatedTime {
            on: date!(2026 - 12 - 24),
            starts: t(10, 0),
            ends_on: date!(2026 - 12 - 24),
            ends: t(12, 0),
        });
        assert!(occurrences_off(&s, from, to, &[], &off)
            .iter()
            .any(|o| o.on == date!(2026 - 12 - 24)));
    }

    #[test]
    fn a_multi_day_event_is_in_every_range_it_touches() {
        let s = Schedule {
            season: None,
            slots: vec![],
            dates: vec![DatedTime {
                on: date!(2026 - 11 - 30),
                starts: t(10, 0),
                ends_on: date!(2026 - 12 - 02),
                ends: t(16, 0),
            }],
        };
        assert_eq!(
            occurrences(&s, date!(2026 - 12 - 01), date!(2026 - 12 - 31), &[]).len(),
            1
        );
        // Monday to Wednesday.
        assert_eq!(weekday_mask(&s), 0b111);
    }

    proptest! {
        #[test]
        fn every_occurrence_is_on_a_slot_day_inside_season_and_range(
            days in proptest::collection::vec(0u8..7, 1..4),
            from_off in 0i64..200,
            len in 0i64..120,
        ) {
            let all = [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday,
                Weekday::Friday, Weekday::Saturday, Weekday::Sunday];
            let s = Schedule {
                season: Some((date!(2026 - 08 - 10), date!(2026 - 12 - 20))),
                slots: days.iter().map(|&d| WeeklySlot { weekday: all[d as usize], starts: t(9, 0), ends: t(10, 0) }).collect(),
                dates: vec![],
            };
            let from = date!(2026 - 07 - 01) + Duration::days(from_off);
            let to = from + Duration::days(len);
            let occ = occurrences(&s, from, to, &[]);
            let mask = weekday_mask(&s);
            for o in &occ {
                prop_assert!(o.on >= from && o.on <= to);
                prop_assert!(o.on >= date!(2026 - 08 - 10) && o.on <= date!(2026 - 12 - 20));
                prop_assert!(mask & weekday_bit(o.on.weekday()) != 0);
            }
            // Exactly one occurrence per day in range whose weekday has a
            // slot and which is no public holiday.
            let mut expected = 0;
            let mut d = from.max(date!(2026 - 08 - 10));
            while d <= to.min(date!(2026 - 12 - 20)) {
                if mask & weekday_bit(d.weekday()) != 0 && crate::holidays::holiday_on(d).is_none() { expected += 1; }
                d = d.next_day().unwrap();
            }
            prop_assert_eq!(occ.len(), expected);
        }
    }
}
