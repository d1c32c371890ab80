//! Days without weekly sessions: Finland's public holidays (and the eves
//! that are days off in practice: Midsummer Eve and Christmas Eve), built
//! in, plus an organisation's own breaks (school autumn, Christmas, winter
//! and Easter breaks) kept as date ranges. A weekly hobby does not meet on
//! 24.12 or 31.12 unless an organiser gives that date as an event.

use time::{Date, Duration, Month, Weekday};

code_enum! {
    /// A Finnish public holiday or customary day off.
    Holiday {
        NewYear = "new-year",
        Epiphany = "epiphany",
        GoodFriday = "good-friday",
        EasterSunday = "easter-sunday",
        EasterMonday = "easter-monday",
        MayDay = "may-day",
        Ascension = "ascension",
        Whitsun = "whitsun",
        MidsummerEve = "midsummer-eve",
        MidsummerDay = "midsummer-day",
        AllSaints = "all-saints",
        IndependenceDay = "independence-day",
        ChristmasEve = "christmas-eve",
        ChristmasDay = "christmas-day",
        BoxingDay = "boxing-day",
        NewYearsEve = "new-years-eve",
    }
}

/// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm).
pub fn easter_sunday(year: i32) -> Option<Date> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// The first `weekday` on or after `d`.
fn on_or_after(d: Date, weekday: Weekday) -> Date {
    let ahead = (7 + i64::from(weekday.number_days_from_monday())
        - i64::from(d.weekday().number_days_from_monday()))
        % 7;
    d + Duration::days(ahead)
}

/// Finland's public holidays of a year and the customary days off (Midsummer
/// Eve, Christmas Eve, New Year's Eve), in date order.
pub fn finnish_holidays(year: i32) -> Vec<(Date, Holiday)> {
    let date = |m: Month, d: u8| Date::from_calendar_date(year, m, d).ok();
    let mut out: Vec<(Date, Holiday)> = Vec::new();
    let mut add = |d: Option<Date>, h: Holiday| {
        if let Some(d) = d {
            out.push((d, h));
        }
    };
    add(date(Month::January, 1), Holiday::NewYear);
    add(date(Month::January, 6), Holiday::Epiphany);
    if let Some(easter) = easter_sunday(year) {
        add(Some(easter - Duration::days(2)), Holiday::GoodFriday);
        add(Some(easter), Holiday::EasterSunday);
        add(Some(easter + Duration::days(1)), Holiday::EasterMonday);
        add(Some(easter + Duration::days(39)), Holiday::Ascension);
        add(Some(easter + Duration::days(49)), Holiday::Whitsun);
    }
    add(date(Month::May, 1), Holiday::MayDay);
    // Midsummer Day is the Saturday between 20 and 26 June; its Eve the Friday.
    if let Some(from) = date(Month::June, 20) {
        let day = on_or_after(from, Weekday::Saturday);
        add(Some(day - Duration::days(1)), Holiday::MidsummerEve);
        add(Some(day), Holiday::MidsummerDay);
    }
    // All Saints' Day is the Saturday between 31 October and 6 November.
    add(
        date(Month::October, 31).map(|d| on_or_after(d, Weekday::Saturday)),
        Holiday::AllSaints,
    );
    add(date(Month::December, 6), Holiday::IndependenceDay);
    add(date(Month::December, 24), Holiday::ChristmasEve);
    add(date(Month::December, 25), Holiday::ChristmasDay);
    add(date(Month::December, 26), Holiday::BoxingDay);
    add(date(Month::December, 31), Holiday::NewYearsEve);
    out.sort();
    out
}

/// The holiday on a date, if any.
pub fn holiday_on(d: Date) -> Option<Holiday> {
    finnish_holidays(d.year())
        .into_iter()
        .find(|(on, _)| *on == d)
        .map(|(_, h)| h)
}

/// A break of an organisation's activities (both ends included), e.g. the
/// schools' autumn break; `name` is as the organiser wrote it (Finnish).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub first: Date,
    pub last: Date,
    pub name: String,
}

/// Why a weekly session does not happen on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DayOff {
    Holiday(Holiday),
    Break(String),
}

/// Days without weekly sessions: the public holidays and these breaks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaysOff {
    pub breaks: Vec<Break>,
}

impl DaysOff {
    pub fn new(breaks: Vec<Break>) -> Self {
        DaysOff { breaks }
    }

    /// Why `d` has no weekly sessions, or `None` when it has.
    pub fn reason(&self, d: Date) -> Option<DayOff> {
        if let Some(h) = holiday_on(d) {
            return Some(DayOff::Holiday(h));
        }
        self.breaks
            .iter()
            .find(|b| b.first <= d && d <= b.last)
            .map(|b| DayOff::Break(b.name.clone()))
    }

    pub fn is_off(&self, d: Date) -> bool {
        self.reason(d).is_some()
    }
}

/// A break is a range of at most a season, first before last.
pub fn check_break(first: Date, last: Date) -> Result<(), crate::Problem> {
    if last < first {
        return Err(crate::Problem::new(
            "err-break-order",
            "the last day is before the first",
        ));
    }
    if (last - first).whole_days() > 120 {
        return Err(crate::Problem::new(
            "err-break-long",
            "a break is at most about four months",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn of(year: i32) -> Vec<(Date, Holiday)> {
        finnish_holidays(year)
    }

    #[test]
    fn easter_on_known_dates() {
        assert_eq!(easter_sunday(2024), Some(date!(2024 - 03 - 31)));
        assert_eq!(easter_sunday(2025), Some(date!(2025 - 04 - 20)));
        assert_eq!(easter_sunday(2026), Some(date!(2026 - 04 - 05)));
        assert_eq!(easter_sunday(2027), Some(date!(2027 - 03 - 28)));
        assert_eq!(easter_sunday(2038), Some(date!(2038 - 04 - 25)));
    }

    #[test]
    fn holidays_2026() {
        let h = of(2026);
        let find = |x: Holiday| h.iter().find(|(_, y)| *y == x).map(|(d, _)| *d);
        assert_eq!(find(Holiday::NewYear), Some(date!(2026 - 01 - 01)));
        assert_eq!(find(Holiday::Epiphany), Some(date!(2026 - 01 - 06)));
        assert_eq!(find(Holiday::GoodFriday), Some(date!(2026 - 04 - 03)));
        assert_eq!(find(Holiday::EasterMonday), Some(date!(2026 - 04 - 06)));
        assert_eq!(find(Holiday::MayDay), Some(date!(2026 - 05 - 01)));
        assert_eq!(find(Holiday::Ascension), Some(date!(2026 - 05 - 14)));
        assert_eq!(find(Holiday::Whitsun), Some(date!(2026 - 05 - 24)));
        assert_eq!(find(Holiday::MidsummerEve), Some(date!(2026 - 06 - 19)));
        assert_eq!(find(Holiday::MidsummerDay), Some(date!(2026 - 06 - 20)));
        assert_eq!(find(Holiday::AllSaints), Some(date!(2026 - 10 - 31)));
        assert_eq!(find(Holiday::IndependenceDay), Some(date!(2026 - 12 - 06)));
        assert_eq!(find(Holiday::ChristmasEve), Some(date!(2026 - 12 - 24)));
        assert_eq!(find(Holiday::ChristmasDay), Some(date!(2026 - 12 - 25)));
        assert_eq!(find(Holiday::BoxingDay), Some(date!(2026 - 12 - 26)));
        assert_eq!(find(Holiday::NewYearsEve), Some(date!(2026 - 12 - 31)));
        assert_eq!(h.len(), 16);
        assert!(h.windows(2).all(|w| w[0].0 < w[1].0), "in date order");
    }

    #[test]
    fn holidays_2027() {
        let h = of(2027);
        let find = |x: Holiday| h.iter().find(|(_, y)| *y == x).map(|(d, _)| *d);
        assert_eq!(find(Holiday::GoodFriday), Some(date!(2027 - 03 - 26)));
        assert_eq!(find(Holiday::EasterMonday), Some(date!(2027 - 03 - 29)));
        assert_eq!(find(Holiday::Ascension), Some(date!(2027 - 05 - 06)));
        assert_eq!(find(Holiday::Whitsun), Some(date!(2027 - 05 - 16)));
        assert_eq!(find(Holiday::MidsummerEve), Some(date!(2027 - 06 - 25)));
        assert_eq!(find(Holiday::MidsummerDay), Some(date!(2027 - 06 - 26)));
        assert_eq!(find(Holiday::AllSaints), Some(date!(2027 - 11 - 06)));
    }

    #[test]
    fn an_ordinary_day_is_no_holiday_and_breaks_count() {
        assert_eq!(holiday_on(date!(2026 - 12 - 08)), None);
        assert_eq!(
            holiday_on(date!(2026 - 12 - 24)),
            Some(Holiday::ChristmasEve)
        );
        let off = DaysOff::new(vec![Break {
            first: date!(2027 - 02 - 22),
            last: date!(2027 - 02 - 26),
            name: "Talviloma".into(),
        }]);
        assert_eq!(
            off.reason(date!(2027 - 02 - 22)),
            Some(DayOff::Break("Talviloma".into()))
        );
        assert!(off.is_off(date!(2027 - 02 - 26)));
        assert!(!off.is_off(date!(2027 - 02 - 27)));
        assert!(!off.is_off(date!(2027 - 02 - 21)));
    }

    #[test]
    fn a_break_is_ordered_and_bounded() {
        assert!(check_break(date!(2026 - 10 - 12), date!(2026 - 10 - 16)).is_ok());
        assert!(check_break(date!(2026 - 10 - 16), date!(2026 - 10 - 12)).is_err());
        assert!(check_break(date!(2026 - 01 - 01), date!(2026 - 12 - 31)).is_err());
    }
}
