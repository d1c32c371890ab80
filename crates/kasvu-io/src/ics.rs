//! iCalendar (RFC 5545) feeds of meetings and events, built with the
//! `icalendar` crate. Kasvu keeps times as the city lives them (local
//! Europe/Helsinki wall-clock time); the feed gives them in UTC so every
//! calendar client places them right without a VTIMEZONE block.

use chrono::{NaiveDate, NaiveTime, TimeZone};
use icalendar::{Calendar, Component, EventLike, EventStatus};
use kasvu_core::ClockTime;
use time::Date;

/// The time zone of Kasvu's wall-clock times.
pub const TIME_ZONE: chrono_tz::Tz = kasvu_core::clock::TIME_ZONE;

/// One event of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    /// Stable and unique, e.g. `meeting-12@kasvu`.
    pub uid: String,
    pub on: Date,
    pub start: ClockTime,
    pub duration_min: i64,
    pub summary: String,
    pub description: String,
    pub location: String,
    pub cancelled: bool,
    /// Unix seconds of the last change (DTSTAMP).
    pub stamp: i64,
}

/// The UTC instant of a local Helsinki wall-clock time. In the autumn hour
/// that happens twice the earlier is taken; a time skipped in spring is
/// moved an hour on.
pub fn to_utc(on: Date, start: ClockTime) -> chrono::DateTime<chrono::Utc> {
    let date = NaiveDate::from_ymd_opt(
        on.year(),
        u32::from(u8::from(on.month())),
        u32::from(on.day()),
    )
    .unwrap_or_default();
    let t = NaiveTime::from_hms_opt(u32::from(start.hour), u32::from(start.minute), 0)
        .unwrap_or_default();
    let local = date.and_time(t);
    let resolved = TIME_ZONE
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            TIME_ZONE
                .from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        });
    match resolved {
        Some(dt) => dt.with_timezone(&chrono::Utc),
        None => chrono::DateTime::from_naive_utc_and_offset(local, chrono::Utc),
    }
}

/// A calendar's name on one line. The icalendar crate escapes the events'
/// SUMMARY, DESCRIPTION and LOCATION and the X-WR-CALNAME, but writes NAME
/// as given, so a team named "x\r\nBEGIN:VEVENT…" could forge events in
/// its feed: line breaks and other control characters become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A calendar named `name` with the events.
pub fn calendar(name: &str, events: &[IcsEvent]) -> String {
    let mut cal = Calendar::new();
    cal.name(&one_line(name));
    for e in events {
        let start = to_utc(e.on, e.start);
        let end = start + chrono::Duration::minutes(e.duration_min.max(0));
        let mut ev = icalendar::Event::new();
        ev.uid(&e.uid)
            .summary(&e.summary)
            .starts(start)
            .ends(end)
            .timestamp(chrono::DateTime::from_timestamp(e.stamp, 0).unwrap_or_default());
        if !e.description.is_empty() {
            ev.description(&e.description);
        }
        if !e.location.is_empty() {
            ev.location(&e.location);
        }
        ev.status(if e.cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
        cal.push(ev.done());
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn helsinki_winter_and_summer_time() {
        let t = ClockTime {
            hour: 14,
            minute: 0,
        };
        assert_eq!(
            to_utc(date!(2026 - 12 - 08), t).to_rfc3339(),
            "2026-12-08T12:00:00+00:00"
        );
        assert_eq!(
            to_utc(date!(2026 - 06 - 09), t).to_rfc3339(),
            "2026-06-09T11:00:00+00:00"
        );
        // 03:30 on the spring-forward night does not exist: moved an hour on.
        let skipped = ClockTime {
            hour: 3,
            minute: 30,
        };
        assert_eq!(
            to_utc(date!(2026 - 03 - 29), skipped).to_rfc3339(),
            "2026-03-29T01:30:00+00:00"
        );
    }

    #[test]
    fn a_feed_parses_back() {
        let ev = IcsEvent {
            uid: "meeting-1@kasvu".into(),
            on: date!(2026 - 12 - 08),
            start: ClockTime {
                hour: 14,
                minute: 0,
            },
            duration_min: 90,
            summary: "Tuiran johtotiimi; joulukuu, kokous".into(),
            description: "Esityslista:\n1. Kuulumiset".into(),
            location: "Tuiran koulu".into(),
            cancelled: false,
            stamp: 1_790_000_000,
        };
        let text = calendar(
            "Tuiran johtotiimi",
            &[
                ev.clone(),
                IcsEvent {
                    uid: "meeting-2@kasvu".into(),
                    cancelled: true,
                    ..ev
                },
            ],
        );
        assert!(text.contains("DTSTART:20261208T120000Z"), "{text}");
        assert!(text.contains("DTEND:20261208T133000Z"));
        let parsed: Calendar = text.parse().expect("the feed parses");
        let events: Vec<_> = parsed
            .components
            .iter()
            .filter_map(|c| c.as_event())
            .collect();
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[0].get_summary(),
            Some("Tuiran johtotiimi; joulukuu, kokous")
        );
        assert_eq!(events[0].get_location(), Some("Tuiran koulu"));
        assert_eq!(events[1].get_status(), Some(EventStatus::Cancelled));
    }

    #[test]
    fn names_cannot_forge_events() {
        let evil = "Tiimi\r\nEND:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Forged\r\nEND:VEVENT; x, y\\";
        let e = IcsEvent {
            uid: "u1@kasvu".into(),
            summary: evil.into(),
            description: evil.into(),
            location: evil.into(),
            on: date!(2026 - 03 - 02),
            start: ClockTime::parse("09:00").unwrap(),
            duration_min: 60,
            stamp: 0,
            cancelled: false,
        };
        let text = calendar(evil, &[e]);
        assert_eq!(
            text.lines().filter(|l| *l == "BEGIN:VEVENT").count(),
            1,
            "{text}"
        );
        assert!(!text.lines().any(|l| l.starts_with("SUMMARY:Forged")));
        let parsed: icalendar::Calendar = text.parse().unwrap();
        assert_eq!(
            parsed
                .components
                .iter()
                .filter_map(|c| c.as_event())
                .count(),
            1
        );
        assert!(
            text.contains("\nNAME:Tiimi  END:VCALENDAR  BEGIN:VEVENT"),
            "{text}"
        );
    }
}
