//! The organisation's calendar day. Kasvu's people live in Finland: a period
//! is over, a meeting is next and a commitment is due by the date on the wall
//! in Helsinki. The UTC date is still yesterday from local midnight until
//! 02:00 (03:00 in summer), which made locks, next meetings and review dates
//! a day off; every "today" in Kasvu comes from here.

use chrono::{Offset, TimeZone};
use time::{Date, OffsetDateTime, UtcOffset};

/// The time zone of Kasvu's dates and wall-clock times.
pub const TIME_ZONE: chrono_tz::Tz = chrono_tz::Europe::Helsinki;

/// The local date of an instant in [`TIME_ZONE`].
pub fn local_date(at: OffsetDateTime) -> Date {
    let Some(utc) = chrono::DateTime::from_timestamp(at.unix_timestamp(), 0) else {
        return at.date();
    };
    let seconds = TIME_ZONE
        .offset_from_utc_datetime(&utc.naive_utc())
        .fix()
        .local_minus_utc();
    match UtcOffset::from_whole_seconds(seconds) {
        Ok(offset) => at.to_offset(offset).date(),
        Err(_) => at.date(),
    }
}

/// Today in [`TIME_ZONE`].
pub fn today() -> Date {
    local_date(OffsetDateTime::now_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn the_local_date_turns_at_local_midnight() {
        // Winter: UTC+2.
        assert_eq!(
            local_date(datetime!(2026-12-01 21:59 UTC)),
            date!(2026 - 12 - 01)
        );
        assert_eq!(
            local_date(datetime!(2026-12-01 22:00 UTC)),
            date!(2026 - 12 - 02)
        );
        assert_eq!(
            local_date(datetime!(2026-12-01 23:30 UTC)),
            date!(2026 - 12 - 02)
        );
        // Summer: UTC+3.
        assert_eq!(
            local_date(datetime!(2026-06-30 20:59 UTC)),
            date!(2026 - 06 - 30)
        );
        assert_eq!(
            local_date(datetime!(2026-06-30 21:00 UTC)),
            date!(2026 - 07 - 01)
        );
        // New Year's Eve: the year turns two hours before UTC's does.
        assert_eq!(
            local_date(datetime!(2026-12-31 22:30 UTC)),
            date!(2027 - 01 - 01)
        );
    }

    #[test]
    fn summer_time_starts_and_ends_by_the_eu_rule() {
        // 2026: from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(
            local_date(datetime!(2026-03-28 21:30 UTC)),
            date!(2026 - 03 - 28)
        );
        assert_eq!(
            local_date(datetime!(2026-03-29 21:30 UTC)),
            date!(2026 - 03 - 30)
        );
        assert_eq!(
            local_date(datetime!(2026-10-24 21:30 UTC)),
            date!(2026 - 10 - 25)
        );
        assert_eq!(
            local_date(datetime!(2026-10-25 21:30 UTC)),
            date!(2026 - 10 - 25)
        );
    }

    #[test]
    fn an_instant_in_another_offset_is_the_same_instant() {
        assert_eq!(
            local_date(datetime!(2026-12-02 00:30 +02:00)),
            date!(2026 - 12 - 02)
        );
    }
}
