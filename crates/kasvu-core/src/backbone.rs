//! A leadership team's backbone work (seed 003, "Johtotiimin tehtävä"): its
//! action plan with schedules, the bulletins it sends to the staff, and the
//! joint seminars, workshops and trainings it holds, with attendance. The
//! rules here are pure: what an item, a bulletin or an event must say, and
//! how attendance adds up by sector (the network's reach across
//! professions is the point of the events).

use crate::error::Problem;
use crate::orgunit::Sector;
use crate::team::parse_text;
use std::collections::BTreeMap;

/// The longest title of an action, bulletin or event.
pub const MAX_TITLE: usize = 200;
/// The longest body of a bulletin or description of an action or event.
pub const MAX_BODY: usize = 10_000;
/// The most participants one event takes (a city's largest joint seminar).
pub const MAX_PARTICIPANTS: usize = 1000;

code_enum! {
    /// Where an action of the team's action plan stands.
    ActionStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
    }
}

code_enum! {
    /// Who reads a bulletin: the team's own members, or the staff of the
    /// team's organisation(s) ("tiedottaa henkilöstöä").
    BulletinAudience {
        Members = "members",
        Staff = "staff",
    }
}

code_enum! {
    /// The joint events of seed 003: "yhteiset seminaarit, työpajat ja
    /// koulutustilaisuudet".
    EventKind {
        Seminar = "seminar",
        Workshop = "workshop",
        Training = "training",
    }
}

/// An optional free text: trimmed, bounded, empty allowed.
pub fn optional_text(s: &str, max: usize) -> Result<String, Problem> {
    let t = s.trim();
    if t.chars().count() > max {
        return Err(Problem::too_long(max));
    }
    Ok(t.to_owned())
}

/// A title: required and bounded.
pub fn parse_title(s: &str) -> Result<String, Problem> {
    parse_text(s, MAX_TITLE)
}

/// How many registered and attended, for one sector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Turnout {
    pub registered: usize,
    pub attended: usize,
}

/// Attendance of an event by sector, in the sectors' own order, and the
/// total. Each participant is (sector, attended).
pub fn turnout_by_sector(
    participants: impl IntoIterator<Item = (Sector, bool)>,
) -> (Vec<(Sector, Turnout)>, Turnout) {
    let mut by: BTreeMap<Sector, Turnout> = BTreeMap::new();
    let mut total = Turnout::default();
    for (sector, attended) in participants {
        let t = by.entry(sector).or_default();
        t.registered += 1;
        total.registered += 1;
        if attended {
            t.attended += 1;
            total.attended += 1;
        }
    }
    (by.into_iter().collect(), total)
}

/// Whether an event with `capacity` (none: unlimited) takes one more.
pub fn has_room(capacity: Option<u32>, registered: usize) -> bool {
    registered < MAX_PARTICIPANTS && capacity.is_none_or(|c| registered < c as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_strangers_are_refused() {
        for s in ActionStatus::ALL {
            assert_eq!(ActionStatus::parse(s.code()), Ok(*s));
        }
        assert_eq!(EventKind::parse("training"), Ok(EventKind::Training));
        assert_eq!(
            EventKind::parse("party").unwrap_err().code,
            "err-not-one-of"
        );
        assert_eq!(
            BulletinAudience::parse(" staff "),
            Ok(BulletinAudience::Staff)
        );
    }

    #[test]
    fn titles_are_required_and_bounded() {
        assert_eq!(parse_title("  Syysseminaari ").unwrap(), "Syysseminaari");
        assert_eq!(parse_title("   ").unwrap_err().code, "err-required");
        assert_eq!(
            parse_title(&"a".repeat(201)).unwrap_err().code,
            "err-too-long"
        );
        assert_eq!(optional_text("", 5).unwrap(), "");
        assert_eq!(optional_text("abcdef", 5).unwrap_err().code, "err-too-long");
    }

    #[test]
    fn turnout_adds_up_by_sector() {
        let (by, total) = turnout_by_sector([
            (Sector::EducationCulture, true),
            (Sector::EducationCulture, false),
            (Sector::WellbeingCounty, true),
        ]);
        assert_eq!(
            total,
            Turnout {
                registered: 3,
                attended: 2
            }
        );
        assert_eq!(by.len(), 2);
        let edu = by
            .iter()
            .find(|(s, _)| *s == Sector::EducationCulture)
            .unwrap()
            .1;
        assert_eq!(
            edu,
            Turnout {
                registered: 2,
                attended: 1
            }
        );
        assert_eq!(turnout_by_sector([]).1, Turnout::default());
    }

    #[test]
    fn capacity_bounds_registration() {
        assert!(has_room(None, 999));
        assert!(!has_room(None, MAX_PARTICIPANTS));
        assert!(has_room(Some(2), 1));
        assert!(!has_room(Some(2), 2));
        assert!(!has_room(Some(0), 0));
    }
}
