//! The catalogues are complete: every message id in fi, sv and en, and every
//! id used in code and templates (features included) exists. At the crate
//! root because it reads every feature.

use crate::support::forms::field_key;
use crate::support::i18n::Lang;
use kasvu_core::{CommitmentStatus, MeetingState, MemberRole, TeamKind};
use std::collections::BTreeSet;

fn ids(lang: &str) -> BTreeSet<String> {
    // Every catalogue file of the language (main.ftl, teams.ftl, …).
    let dir = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
    let mut text = String::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        text.push('\n');
    }
    text.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_owned()))
        .collect()
}

#[test]
fn every_message_exists_in_fi_sv_and_en() {
    let fi = ids("fi");
    assert!(fi.len() > 50);
    for lang in ["sv", "en"] {
        let other = ids(lang);
        assert_eq!(
            fi.difference(&other).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "missing in {lang}"
        );
        assert_eq!(
            other.difference(&fi).collect::<Vec<_>>(),
            Vec::<&String>::new(),
            "only in {lang}"
        );
    }
}

#[test]
fn every_id_used_in_code_and_templates_exists() {
    let fi = ids("fi");
    let root = env!("CARGO_MANIFEST_DIR");
    let mut used = BTreeSet::new();
    for dir in ["templates", "src"] {
        for path in files_under(std::path::Path::new(&format!("{root}/{dir}"))) {
            let text = std::fs::read_to_string(path).unwrap();
            for (i, _) in text.match_indices(".t(\"") {
                let rest = &text[i + 4..];
                if let Some(end) = rest.find('"') {
                    used.insert(rest[..end].to_owned());
                }
            }
        }
    }
    // Ids of domain problems come from the core crate.
    used.extend(kasvu_core_problem_codes());
    // Ids built from codes (cadence-monthly, month-9, …).
    used.extend(crate::measure::dashboard::dynamic_message_ids());
    used.extend(crate::plans::changes::dynamic_message_ids());
    used.extend(crate::plans::editor_views::dynamic_message_ids());
    used.extend(team_and_register_ids());
    used.extend(crate::families::wishes::dynamic_message_ids());
    used.extend(crate::families::forms::dynamic_message_ids());
    let missing: Vec<_> = used
        .iter()
        .filter(|k| !fi.contains(*k) && !k.is_empty())
        .collect();
    assert!(missing.is_empty(), "missing message ids: {missing:?}");
}

fn kasvu_core_problem_codes() -> Vec<String> {
    let root = format!("{}/../kasvu-core/src", env!("CARGO_MANIFEST_DIR"));
    let store = format!("{}/../kasvu-store/src", env!("CARGO_MANIFEST_DIR"));
    // The importers' problems (JSON-stat dimensions and categories).
    let io = format!("{}/../kasvu-io/src", env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [root, store, io] {
        for path in files_under(std::path::Path::new(&dir)) {
            let text = std::fs::read_to_string(path).unwrap();
            for (i, _) in text.match_indices("\"err-") {
                let rest = &text[i + 1..];
                if let Some(end) = rest.find('"') {
                    out.push(rest[..end].to_owned());
                }
            }
        }
    }
    out
}

#[test]
fn import_warnings_are_in_every_language() {
    let fi = ids("fi");
    for id in kasvu_io::WARNING_IDS {
        assert!(fi.contains(*id), "missing message id {id}");
    }
    let w = kasvu_io::Warning {
        file: "puu.csv".into(),
        row: 3,
        field: "kind".into(),
        message: String::new(),
        code: kasvu_io::WARN_KIND_IGNORED,
        args: vec![("level", "area".into()), ("value", "school".into())],
    };
    assert_eq!(
        Lang::En.import_warning(&w),
        "Warning: puu.csv, row 3, field “kind”: Only units have a kind, not a unit of level area: the kind school was ignored."
    );
    assert_eq!(
        Lang::Fi.import_warning(&w),
        "Varoitus: puu.csv, rivi 3, kenttä ”kind”: Vain yksiköillä on tyyppi, ei tason area yksiköllä: tyyppi school jätettiin huomiotta."
    );
    assert!(Lang::Sv
        .import_warning(&w)
        .starts_with("Varning: puu.csv, rad 3, fält ”kind”: Endast"));
}

#[test]
fn messages_translate_with_arguments() {
    assert_eq!(Lang::Fi.t("nav-home"), "Etusivu");
    assert_eq!(Lang::Sv.t("nav-home"), "Startsida");
    let p = kasvu_core::Problem::too_long(64);
    assert!(Lang::En.problem(&p).contains("64"));
    assert!(Lang::Fi.problem(&p).contains("64"));
}

#[test]
fn accept_language() {
    assert_eq!(
        Lang::from_accept_language("sv-FI,sv;q=0.9,en;q=0.8"),
        Some(Lang::Sv)
    );
    assert_eq!(
        Lang::from_accept_language("de, en;q=0.5, fi;q=0.7"),
        Some(Lang::Fi)
    );
    assert_eq!(Lang::from_accept_language("de"), None);
    assert_eq!(Lang::from_accept_language(""), None);
}

/// Every file under `dir`, in its folders too (features live in folders).
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Codes of teams, the register, projects and feedback that become part of
/// a message id.
fn team_and_register_ids() -> Vec<String> {
    use kasvu_core::{QuestionKind, TargetGroup};
    let mut ids = Vec::new();
    ids.extend(TeamKind::CODES.iter().map(|c| format!("team-kind-{c}")));
    ids.extend(
        kasvu_core::actor::Audience::CODES
            .iter()
            .map(|c| format!("audience-{c}")),
    );
    for f in [
        "code",
        "name",
        "sector",
        "unit",
        "offer",
        "languages",
        "opening-hours",
        "phone",
        "email",
        "website",
        "contact-person",
        "contact-phone",
        "contact-email",
        "confirmed-on",
        "areas",
    ] {
        ids.push(format!("actor-{f}"));
    }
    for s in ["confirmed", "proposed", "approved", "rejected"] {
        ids.push(format!("actor-saved-{s}"));
    }
    ids.extend(
        kasvu_core::project::ProjectState::CODES
            .iter()
            .map(|c| format!("project-state-{c}")),
    );
    ids.extend(MemberRole::CODES.iter().map(|c| format!("member-role-{c}")));
    ids.extend(
        MeetingState::CODES
            .iter()
            .map(|c| format!("meeting-state-{c}")),
    );
    ids.extend(
        CommitmentStatus::CODES
            .iter()
            .map(|c| format!("commitment-status-{c}")),
    );
    ids.extend(
        TargetGroup::CODES
            .iter()
            .map(|c| format!("target-group-{c}")),
    );
    ids.extend(
        QuestionKind::CODES
            .iter()
            .map(|c| format!("question-kind-{c}")),
    );
    ids.extend((1..=7).map(|n| format!("weekday-{n}")));
    ids.extend((1..=4).map(|n| format!("team-week-{n}")));
    ids.extend((1..=5).flat_map(|n| [format!("scale-{n}"), format!("smiley-{n}")]));
    // The network's knowledge: link sources, step kinds, result kinds,
    // the map form's fields and notices.
    ids.extend(
        kasvu_core::network::LinkSource::CODES
            .iter()
            .map(|c| format!("link-{}", c.replace('_', "-"))),
    );
    ids.extend(
        kasvu_core::path::StepKind::CODES
            .iter()
            .map(|c| format!("step-{c}")),
    );
    ids.extend(
        kasvu_core::search::SearchKind::CODES
            .iter()
            .map(|c| format!("search-kind-{c}")),
    );
    for f in [
        "from",
        "to",
        "kind",
        "note",
        "saved-linked",
        "saved-unlinked",
    ] {
        ids.push(format!("map-{f}"));
    }
    // Fields named in the refusals of the path, practice and project forms
    // (`crate::knowledge::forms::field_label`).
    for f in [
        "code",
        "need",
        "intro",
        "area",
        "steps",
        "kind",
        "what",
        "how",
        "actor",
        "staff-note",
    ] {
        ids.push(format!("path-{f}"));
    }
    for f in [
        "code",
        "name",
        "description",
        "target-group",
        "problem",
        "how-to",
        "resources",
        "evidence",
        "in-use",
        "units",
        "projects",
    ] {
        ids.push(format!("practice-{f}"));
    }
    for f in [
        "name",
        "cost-lines",
        "original-budget",
        "realised-costs",
        "funding",
        "external-funding",
        "start-on",
        "end-on",
        "links",
        "title",
        "url",
        "units",
        "actors",
        "plan-goals",
        "plan",
        "goal",
    ] {
        ids.push(format!("project-{f}"));
    }
    for s in ["upcoming", "open", "closed"] {
        ids.push(format!("round-state-{s}"));
        ids.push(format!("round-public-{s}"));
    }
    for s in [
        "created",
        "team",
        "member",
        "member-removed",
        "planned",
        "agenda",
        "record",
        "decision",
        "commitment",
        "review",
        "round",
        "response",
        "shares",
        "participant",
    ] {
        ids.push(format!("team-saved-{s}"));
    }
    // Fields the store names in its refusals.
    for f in [
        "kind",
        "unit",
        "name",
        "location",
        "user",
        "sector",
        "duration_min",
        "attendance",
        "minutes",
        "title",
        "link",
        "decision",
        "text",
        "meeting",
        "status",
        "note",
        "intro",
        "opens_on",
        "closes_on",
        "questions",
        "team_id",
        "round",
        "nonce",
        "answers",
        "question",
        "response",
        "team",
        "org",
        "units",
        "indicators",
        "every_months",
        "week",
        "weekday",
        "start",
        "on",
    ] {
        ids.push(format!("team-field-{}", field_key(f)));
    }
    ids.extend(
        [
            "team-schedule-text",
            "team-every-month",
            "team-every-n-months",
            "my-commitments-open-count",
            "commitment-age-days",
            "commitment-carried-times",
            "round-chart-desc",
        ]
        .map(String::from),
    );
    ids
}
