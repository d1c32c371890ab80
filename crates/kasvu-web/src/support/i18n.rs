//! Finnish (default), Swedish and English from Fluent catalogues in
//! `locales/`. The language comes from the `kasvu_lang` cookie (set by the
//! language switch), then the browser's Accept-Language, then Finnish.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fi",
        // No Unicode isolation marks around arguments: they show up as
        // stray characters in attributes and plain-text e-mails.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Fi,
    Sv,
    En,
}

/// The messages without arguments looked up so far, by language.
static MEMO: LazyLock<[RwLock<HashMap<String, String>>; 3]> = LazyLock::new(Default::default);

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
    /// Messages without arguments are looked up in the catalogue once per
    /// process and language, then kept: a result page asks for some 150.
    pub fn t(self, key: &str) -> String {
        let memo = &MEMO[self as usize];
        if let Some(m) = memo.read().unwrap_or_else(PoisonError::into_inner).get(key) {
            return m.clone();
        }
        match LOCALES.try_lookup(self.id(), key) {
            Some(m) => {
                // Only ids the catalogue has are kept, so what an address
                // might put into an id cannot grow the map.
                memo.write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(key.to_owned(), m.clone());
                m
            }
            None => key.to_owned(),
        }
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

    /// An import warning in this language, naming the file, row and field
    /// as refusals do: `Warning: puu.csv, row 3, field “kind”: …`.
    pub fn import_warning(self, w: &kasvu_io::Warning) -> String {
        let at = [
            w.file.clone(),
            self.t_args("import-at-row", &[("row", w.row.to_string())]),
            self.t_args("import-at-field", &[("field", w.field.clone())]),
        ];
        let what = self.t_args(
            w.code,
            &w.args
                .iter()
                .map(|(k, v)| (*k, v.clone()))
                .collect::<Vec<_>>(),
        );
        format!("{}: {}: {what}", self.t("import-warning"), at.join(", "))
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
