//! Events in the shape of Linked Events, the open event API of Helsinki and
//! other Finnish cities (`{meta: {count, next, previous}, data: [event…]}`,
//! events with multilingual `name`/`description`, `start_time`/`end_time`,
//! `location`, `keywords`, `audience_min_age`/`audience_max_age` and
//! `offers` with `is_free` and `price`), so existing clients read Kasvu's
//! activities; and the import of such a file into Kasvu.
//!
//! An activity with several times is one event with
//! `super_event_type: "recurring"` whose start and end are its first and
//! last time, as Linked Events gives its recurring super-events. The
//! `kasvu` member carries what the standard fields cannot (weekly slots,
//! cancellations, the area), so a Kasvu-to-Kasvu copy is faithful; other
//! clients ignore it. No crate models this API, hence the types here.

use crate::ics::{to_utc, TIME_ZONE};
use crate::limits::Limits;
use crate::ImportError;
use chrono::{DateTime, NaiveDate, Timelike};
use kasvu_core::activity::{occurrences, span, ActivityKind, Category};
use kasvu_core::{format_date, ClockTime, Names};
use kasvu_store::{Activity, ActivitySpec, CancelSpec, DateSpec, Place, SlotSpec};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Text by language code; Linked Events sends `null` for a missing language.
pub type LangMap = BTreeMap<String, Option<String>>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LeMeta {
    pub count: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LePage {
    pub meta: LeMeta,
    pub data: Vec<LeEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LeRef {
    #[serde(rename = "@id")]
    pub at_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LeLocation {
    #[serde(rename = "@id", default)]
    pub at_id: String,
    #[serde(default, deserialize_with = "null_map")]
    #[schema(value_type = Object)]
    pub name: LangMap,
    #[serde(default, deserialize_with = "null_map")]
    #[schema(value_type = Object)]
    pub street_address: LangMap,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LeKeyword {
    #[serde(rename = "@id", default)]
    pub at_id: String,
    #[serde(default, deserialize_with = "null_map")]
    #[schema(value_type = Object)]
    pub name: LangMap,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LeOffer {
    #[serde(default)]
    pub is_free: bool,
    #[serde(default, deserialize_with = "null_map")]
    #[schema(value_type = Object)]
    pub price: LangMap,
    #[serde(default, deserialize_with = "null_map")]
    #[schema(value_type = Object)]
    pub info_url: LangMap,
    #[serde(default, deserialize_with = "null_map")]
    #[schema(value_type = Object)]
    pub description: LangMap,
}

/// What Kasvu adds to an event so another Kasvu can copy it faithfully.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KasvuEvent {
    pub kind: ActivityKind,
    pub category: Category,
    pub area: String,
    #[serde(default)]
    pub organiser: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub signup: Names,
    #[serde(default)]
    pub equipment_lent: bool,
    #[serde(default)]
    pub season_start: String,
    #[serde(default)]
    pub season_end: String,
    #[serde(default)]
    pub slots: Vec<SlotSpec>,
    #[serde(default)]
    pub dates: Vec<DateSpec>,
    #[serde(default)]
    pub cancellations: Vec<CancelSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LeEvent {
    pub id: String,
    #[serde(rename = "@id", default)]
    pub at_id: String,
    #[serde(rename = "@type", default = "event_type")]
    pub kind: String,
    #[serde(deserialize_with = "null_map")]
    #[schema(value_type = Object)]
    pub name: LangMap,
    #[serde(default, deserialize_with = "null_map")]
    #[schema(value_type = Object)]
    pub short_description: LangMap,
    #[serde(default, deserialize_with = "null_map")]
    #[schema(value_type = Object)]
    pub description: LangMap,
    /// ISO 8601 with the offset (`2026-11-28T10:00:00+02:00`).
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    #[serde(default)]
    pub location: Option<LeLocation>,
    #[serde(default, deserialize_with = "null_list")]
    pub keywords: Vec<LeKeyword>,
    #[serde(default)]
    pub audience_min_age: Option<i64>,
    #[serde(default)]
    pub audience_max_age: Option<i64>,
    #[serde(default, deserialize_with = "null_list")]
    pub offers: Vec<LeOffer>,
    /// `EventScheduled`, `EventCancelled`, `EventPostponed`, `EventRescheduled`.
    #[serde(default)]
    pub event_status: Option<String>,
    /// `recurring` for an activity with several times.
    #[serde(default)]
    pub super_event_type: Option<String>,
    #[serde(default, deserialize_with = "null_map")]
    #[schema(value_type = Object)]
    pub provider: LangMap,
    #[serde(default, deserialize_with = "null_map")]
    #[schema(value_type = Object)]
    pub info_url: LangMap,
    #[serde(default, deserialize_with = "null_list")]
    pub in_language: Vec<LeRef>,
    #[serde(default)]
    pub last_modified_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub kasvu: Option<KasvuEvent>,
}

/// Linked Events sends `null` for an empty language map.
fn null_map<'de, D: serde::Deserializer<'de>>(d: D) -> Result<LangMap, D::Error> {
    Ok(Option::<LangMap>::deserialize(d)?.unwrap_or_default())
}

fn null_list<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

fn event_type() -> String {
    "Event".into()
}

fn lang_map(n: &Names) -> LangMap {
    let mut m = LangMap::new();
    for (k, v) in [("fi", &n.fi), ("sv", &n.sv), ("en", &n.en)] {
        if !v.is_empty() {
            m.insert(k.into(), Some(v.clone()));
        }
    }
    m
}

/// Names from a language map: Finnish, else the first language given.
fn names_of(m: &LangMap) -> Names {
    let get = |k: &str| m.get(k).cloned().flatten().unwrap_or_default();
    let mut n = Names {
        fi: get("fi"),
        sv: get("sv"),
        en: get("en"),
    };
    if n.fi.is_empty() {
        n.fi = [&n.en, &n.sv]
            .into_iter()
            .find(|v| !v.is_empty())
            .cloned()
            .or_else(|| m.values().flatten().next().cloned())
            .unwrap_or_default();
    }
    n
}

fn local_iso(on: time::Date, t: ClockTime) -> String {
    to_utc(on, t)
        .with_timezone(&TIME_ZONE)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// An activity as a Linked Events event; `base` is the server's address.
pub fn to_event(a: &Activity, places: &[Place], base: &str) -> LeEvent {
    let id = format!("kasvu:{}", a.id);
    let place = places.iter().find(|p| p.spec.code == a.spec.place);
    let all = span(&a.schedule)
        .map(|(from, to)| occurrences(&a.schedule, from, to, &a.cancelled()))
        .unwrap_or_default();
    let first = all.first();
    let last = all.iter().max_by_key(|o| (o.ends_on, o.ends));
    let location = LeLocation {
        at_id: place
            .map(|p| format!("{base}/api/v1/places/{}", p.spec.code))
            .unwrap_or_default(),
        name: if let Some(p) = place {
            lang_map(&p.spec.name)
        } else {
            lang_map(&Names {
                fi: a.spec.location.clone(),
                ..Names::default()
            })
        },
        street_address: place
            .filter(|p| !p.spec.address.is_empty())
            .map(|p| {
                lang_map(&Names {
                    fi: p.spec.address.clone(),
                    ..Names::default()
                })
            })
            .unwrap_or_default(),
    };
    LeEvent {
        at_id: format!("{base}/api/v1/events/{id}"),
        id,
        kind: event_type(),
        name: lang_map(&a.spec.name),
        short_description: LangMap::new(),
        description: lang_map(&a.spec.description),
        start_time: first.map(|o| local_iso(o.on, o.starts)),
        end_time: last.map(|o| local_iso(o.ends_on, o.ends)),
        location: Some(location),
        keywords: std::iter::once(a.spec.category.code().to_owned())
            .chain(a.spec.keywords.iter().cloned())
            .map(|k| LeKeyword {
                at_id: format!("kasvu:{k}"),
                name: lang_map(&Names {
                    fi: k,
                    ..Names::default()
                }),
            })
            .collect(),
        audience_min_age: a.spec.min_age,
        audience_max_age: a.spec.max_age,
        offers: vec![LeOffer {
            is_free: a.spec.is_free,
            price: lang_map(&a.spec.price),
            info_url: LangMap::new(),
            description: LangMap::new(),
        }],
        event_status: Some(
            if !all.is_empty() && all.iter().all(|o| o.cancelled) {
                "EventCancelled"
            } else {
                "EventScheduled"
            }
            .into(),
        ),
        super_event_type: (all.len() > 1).then(|| "recurring".into()),
        provider: lang_map(&Names {
            fi: a.organiser_name.clone(),
            ..Names::default()
        }),
        info_url: lang_map(&Names {
            fi: a.spec.info_url.clone(),
            ..Names::default()
        }),
        in_language: a
            .spec
            .languages
            .iter()
            .map(|l| LeRef {
                at_id: format!("{base}/api/v1/language/{l}"),
            })
            .collect(),
        last_modified_time: chrono::DateTime::from_timestamp(a.updated_at, 0)
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        kasvu: Some(KasvuEvent {
            kind: a.spec.kind,
            category: a.spec.category,
            area: a.spec.area.clone(),
            organiser: a.spec.organiser.clone(),
            place: a.spec.place.clone(),
            signup: a.spec.signup.clone(),
            equipment_lent: a.spec.equipment_lent,
            season_start: a.spec.season_start.clone(),
            season_end: a.spec.season_end.clone(),
            slots: a.spec.slots.clone(),
            dates: a.spec.dates.clone(),
            cancellations: a.spec.cancellations.clone(),
        }),
    }
}

/// The events of a Linked Events file: a page (`{meta, data}`) or a bare
/// list of events, within the JSON limits.
pub fn parse(json: &str, file: &str, limits: &Limits) -> Result<Vec<LeEvent>, ImportError> {
    crate::limits::check_json(json.as_bytes(), file, limits)?;
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Doc {
        Page { data: Vec<serde_json::Value> },
        List(Vec<serde_json::Value>),
    }
    let doc: Doc = serde_json::from_str(json).map_err(|e| {
        ImportError::file(
            file,
            format!("not a Linked Events file ({{meta, data}} or a list of events): {e}"),
        )
    })?;
    let values = match doc {
        Doc::Page { data } => data,
        Doc::List(v) => v,
    };
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value::<LeEvent>(v).map_err(|e| {
                let mut err = ImportError::file(file, e.to_string());
                err.row = Some(i + 1);
                err
            })
        })
        .collect()
}

/// A local Helsinki date and time from an ISO 8601 instant or a date.
fn local_time(
    s: &str,
    file: &str,
    row: usize,
    field: &str,
) -> Result<(time::Date, ClockTime, bool), ImportError> {
    let bad = || {
        let mut e = ImportError::file(
            file,
            format!("'{s}' is not a date-time (2026-11-28T10:00:00+02:00)"),
        );
        e.row = Some(row);
        e.field = Some(field.into());
        e
    };
    let (date, h, m, timed) = if let Ok(dt) = DateTime::parse_from_rfc3339(s.trim()) {
        let local = dt.with_timezone(&TIME_ZONE);
        (local.date_naive(), local.hour(), local.minute(), true)
    } else {
        let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| bad())?;
        (d, 0, 0, false)
    };
    let on = kasvu_core::parse_date(&date.format("%Y-%m-%d").to_string())
        .ok()
        .flatten()
        .ok_or_else(bad)?;
    Ok((
        on,
        ClockTime {
            hour: h as u8,
            minute: m as u8,
        },
        timed,
    ))
}

/// An event as a Kasvu activity in `area` (a Kasvu export brings its own
/// area and times). An event without an end ends an hour after it starts;
/// a date without a time lasts the day. The error names the event (its
/// place in the file) and the field.
pub fn from_event(
    e: &LeEvent,
    area: &str,
    file: &str,
    row: usize,
) -> Result<ActivitySpec, ImportError> {
    let lang = |l: &LangMap| names_of(l);
    let offer = e.offers.first();
    let mut spec = ActivitySpec {
        kind: ActivityKind::Event,
        category: Category::Other,
        name: lang(&e.name),
        description: if e.description.is_empty() {
            lang(&e.short_description)
        } else {
            lang(&e.description)
        },
        signup: Names::default(),
        price: offer.map(|o| lang(&o.price)).unwrap_or_default(),
        is_free: offer.is_some_and(|o| o.is_free),
        min_age: e.audience_min_age,
        max_age: e.audience_max_age,
        languages: e
            .in_language
            .iter()
            .filter_map(|l| {
                l.at_id
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .map(str::to_owned)
            })
            .filter(|l| l.len() == 2)
            .collect(),
        keywords: e
            .keywords
            .iter()
            .map(|k| {
                let n = lang(&k.name).fi;
                if n.is_empty() {
                    k.at_id
                        .trim_end_matches('/')
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                } else {
                    n
                }
            })
            .filter(|k| !k.is_empty())
            .collect(),
        equipment_lent: false,
        organiser: String::new(),
        provider: lang(&e.provider).fi,
        place: String::new(),
        location: e
            .location
            .as_ref()
            .map(|l| {
                let name = lang(&l.name).fi;
                let street = lang(&l.street_address).fi;
                match (name.is_empty(), street.is_empty()) {
                    (false, false) => format!("{name}, {street}"),
                    (false, true) => name,
                    (true, _) => street,
                }
            })
            .unwrap_or_default(),
        area: area.to_owned(),
        season_start: String::new(),
        season_end: String::new(),
        slots: vec![],
        dates: vec![],
        cancellations: vec![],
        info_url: lang(&e.info_url).fi,
        source_id: e.id.clone(),
    };
    if spec.provider.is_empty() {
        spec.provider = "Linked Events".into();
    }
    if spec.location.is_empty() {
        spec.location = "–".into();
    }
    // A free offer's price text ("0 €", "maksuton") is not a price.
    if spec.is_free {
        spec.price = Names::default();
    }
    if let Some(k) = &e.kasvu {
        spec.kind = k.kind;
        spec.category = k.category;
        spec.area = k.area.clone();
        // The register's organiser and the listed place, by code: a copy
        // between Kasvus of the same organisation keeps them.
        spec.organiser = k.organiser.clone();
        spec.place = k.place.clone();
        if !k.place.is_empty() {
            spec.location.clear();
        }
        spec.signup = k.signup.clone();
        spec.equipment_lent = k.equipment_lent;
        spec.season_start = k.season_start.clone();
        spec.season_end = k.season_end.clone();
        spec.slots = k.slots.clone();
        spec.dates = k.dates.clone();
        spec.cancellations = k.cancellations.clone();
        // The category is carried by the extension, not as a keyword.
        spec.keywords.retain(|w| w != k.category.code());
        return Ok(spec);
    }
    let start = e.start_time.as_deref().ok_or_else(|| {
        let mut err = ImportError::file(file, "an event needs a start_time");
        err.row = Some(row);
        err.field = Some("start_time".into());
        err
    })?;
    let (on, starts, timed) = local_time(start, file, row, "start_time")?;
    let (ends_on, ends) = match e.end_time.as_deref() {
        Some(s) => {
            let (d, t, end_timed) = local_time(s, file, row, "end_time")?;
            if end_timed {
                (d, t)
            } else {
                (
                    d,
                    ClockTime {
                        hour: 23,
                        minute: 59,
                    },
                )
            }
        }
        None if timed => {
            let end = to_utc(on, starts) + chrono::Duration::hours(1);
            let local = end.with_timezone(&TIME_ZONE);
            let d = kasvu_core::parse_date(&local.date_naive().format("%Y-%m-%d").to_string())
                .ok()
                .flatten()
                .unwrap_or(on);
            (
                d,
                ClockTime {
                    hour: local.hour() as u8,
                    minute: local.minute() as u8,
                },
            )
        }
        None => (
            on,
            ClockTime {
                hour: 23,
                minute: 59,
            },
        ),
    };
    spec.dates = vec![DateSpec {
        on: format_date(on),
        starts: starts.to_string(),
        ends_on: format_date(ends_on),
        ends: ends.to_string(),
    }];
    if e.event_status.as_deref() == Some("EventCancelled") {
        spec.cancellations = vec![CancelSpec {
            on: format_date(on),
            note: String::new(),
        }];
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELSINKI: &str = r#"{
      "meta": {"count": 2, "next": null, "previous": null},
      "data": [
        {"id": "helsinki:agggfz67ay", "@id": "https://api.hel.fi/linkedevents/v1/event/helsinki:agggfz67ay/",
         "@type": "Event", "name": {"fi": "Satutunti", "sv": "Sagostund", "en": null},
         "short_description": {"fi": "Lue ja kuuntele"}, "description": {"fi": "<p>Satuja lapsille</p>"},
         "start_time": "2026-12-05T08:00:00Z", "end_time": "2026-12-05T09:00:00Z",
         "location": {"@id": "https://api.hel.fi/linkedevents/v1/place/tprek:8310/", "name": {"fi": "Oodi"}, "street_address": {"fi": "Töölönlahdenkatu 4"}},
         "keywords": [{"@id": "https://api.hel.fi/linkedevents/v1/keyword/yso:p4354/", "name": {"fi": "lapset"}}],
         "audience_min_age": 3, "audience_max_age": 7,
         "offers": [{"is_free": true, "price": {"fi": "0 €"}, "info_url": null, "description": null}],
         "event_status": "EventScheduled", "provider": {"fi": "Helmet"},
         "in_language": [{"@id": "https://api.hel.fi/linkedevents/v1/language/fi/"}]},
        {"id": "helsinki:cancelled1", "name": {"fi": "Peruttu konsertti"},
         "start_time": "2026-12-06", "end_time": null,
         "offers": [{"is_free": false, "price": {"fi": "10 €"}}], "event_status": "EventCancelled"}
      ]
    }"#;

    #[test]
    fn a_helsinki_page_becomes_activities_in_local_time() {
        let events = parse(HELSINKI, "events.json", &Limits::default()).unwrap();
        assert_eq!(events.len(), 2);
        let a = from_event(&events[0], "tuira", "events.json", 1).unwrap();
        assert_eq!(a.name.fi, "Satutunti");
        assert_eq!(a.name.sv, "Sagostund");
        assert_eq!(a.name.en, "");
        // 08:00 UTC is 10:00 in Helsinki in December.
        assert_eq!(a.dates[0].on, "2026-12-05");
        assert_eq!(a.dates[0].starts, "10:00");
        assert_eq!(a.dates[0].ends, "11:00");
        assert!(a.is_free);
        assert!(a.price.fi.is_empty());
        assert_eq!((a.min_age, a.max_age), (Some(3), Some(7)));
        assert_eq!(a.location, "Oodi, Töölönlahdenkatu 4");
        assert_eq!(a.keywords, vec!["lapset".to_owned()]);
        assert_eq!(a.languages, vec!["fi".to_owned()]);
        assert_eq!(a.provider, "Helmet");
        assert_eq!(a.source_id, "helsinki:agggfz67ay");
        assert!(kasvu_store::check_activity(&a).is_ok());
        // A date without a time lasts the day; cancelled is a cancellation.
        let b = from_event(&events[1], "tuira", "events.json", 2).unwrap();
        assert_eq!(
            (b.dates[0].starts.as_str(), b.dates[0].ends.as_str()),
            ("00:00", "23:59")
        );
        assert_eq!(b.cancellations.len(), 1);
        assert_eq!(b.price.fi, "10 €");
    }

    #[test]
    fn bad_files_name_the_event_and_field() {
        let e = parse(r#"{"meta": {}, "data": 3}"#, "x.json", &Limits::default()).unwrap_err();
        assert_eq!(e.file, "x.json");
        let e = parse(
            r#"[{"id": "a", "name": {"fi": "A"}}, {"id": 5}]"#,
            "x.json",
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(e.row, Some(2));
        let events = parse(
            r#"[{"id": "a", "name": {"fi": "A"}, "start_time": "huomenna"}]"#,
            "x.json",
            &Limits::default(),
        )
        .unwrap();
        let e = from_event(&events[0], "tuira", "x.json", 1).unwrap_err();
        assert_eq!((e.row, e.field.as_deref()), (Some(1), Some("start_time")));
        let events = parse(
            r#"[{"id": "a", "name": {"fi": "A"}}]"#,
            "x.json",
            &Limits::default(),
        )
        .unwrap();
        let e = from_event(&events[0], "tuira", "x.json", 1).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("start_time"));
    }
}
