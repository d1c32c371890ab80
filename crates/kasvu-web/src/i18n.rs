//! Finnish (default), Swedish and English from Fluent catalogues in
//! `locales/`. The language comes from the `kasvu_lang` cookie (set by the
//! language switch), then the browser's Accept-Language, then Finnish.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fi",
        // No Unicode isolation marks around arguments: they show up as
        // stray characters in attributes and plain-text e-mails.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fi,
    Sv,
    En,
}

static IDS: LazyLock<[LanguageIdentifier; 3]> = LazyLock::new(|| {
    ["fi", "sv", "en"].map(|s| s.parse().unwrap_or_else(|_| LanguageIdentifier::default()))
});

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fi, Lang::Sv, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Fi => "Suomeksi",
            Lang::Sv => "På svenska",
            Lang::En => "In English",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fi" => Some(Lang::Fi),
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first supported language of an Accept-Language header, by weight.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("").trim();
            let q = it
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(l) = Lang::parse(primary) {
                if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                    best = Some((q, l));
                }
            }
        }
        best.map(|(_, l)| l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        &IDS[self as usize]
    }

    /// A message; the id itself when missing (a test keeps that from happening).
    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| key.to_owned())
    }

    pub fn t_args(self, key: &str, args: &[(&str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Owned((*k).to_owned()), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| key.to_owned())
    }

    /// A message with a number `count`, so plural forms are chosen by it.
    pub fn t_count(self, key: &str, count: i64) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> =
            HashMap::from([(Cow::Borrowed("count"), FluentValue::from(count))]);
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| key.to_owned())
    }

    /// A domain problem in this language.
    pub fn problem(self, p: &kasvu_core::Problem) -> String {
        self.t_args(
            p.code,
            &p.args
                .iter()
                .map(|(k, v)| (*k, v.clone()))
                .collect::<Vec<_>>(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
            for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
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
        used.extend(crate::measure_pages::dynamic_message_ids());
        used.extend(crate::plan_pages::dynamic_message_ids());
        used.extend(crate::team_pages::dynamic_message_ids());
        used.extend(crate::families_pages::dynamic_message_ids());
        used.extend(crate::families_forms::dynamic_message_ids());
        let missing: Vec<_> = used
            .iter()
            .filter(|k| !fi.contains(*k) && !k.is_empty())
            .collect();
        assert!(missing.is_empty(), "missing message ids: {missing:?}");
    }

    fn kasvu_core_problem_codes() -> Vec<String> {
        let root = format!("{}/../kasvu-core/src", env!("CARGO_MANIFEST_DIR"));
        let store = format!("{}/../kasvu-store/src", env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for dir in [root, store] {
            for entry in std::fs::read_dir(dir).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
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
}
