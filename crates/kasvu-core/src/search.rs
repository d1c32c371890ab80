//! Words for search: text is split into words, each word is stemmed with the
//! Snowball stemmer of its language (rust-stemmers: Finnish, Swedish,
//! English), and the same stems are what both databases index (SQLite FTS5,
//! PostgreSQL tsvector with the 'simple' configuration), so both find the
//! same entries; ranking and highlighting happen here, identically for both.
//!
//! A query word matches in any of the three languages: its Finnish, Swedish
//! and English stems are all looked for. Snowball's Finnish stemmer leaves
//! apart forms that families type interchangeably ("perhekeskus" →
//! `perhekeskus`, "perhekeskuksen" → `perhekeskuks`; "hyvinvointi" →
//! `hyvinvoint`, "hyvinvoinnin" → `hyvinvoin`); [`finnish_stem`] joins them
//! with a few written-out rules for the -us/-uks stems and consonant
//! gradation that no crate provides. Compounds are not split ("keskus" does
//! not find "perhekeskus").

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::BTreeSet;
use std::sync::OnceLock;

code_enum! {
    /// What a search result is.
    SearchKind {
        Actor = "actor",
        Path = "path",
        Project = "project",
        Practice = "practice",
        Plan = "plan",
        Indicator = "indicator",
        Activity = "activity",
        Place = "place",
        Team = "team",
        Meeting = "meeting",
        Feedback = "feedback",
    }
}

/// Longest query that is read (characters); the rest is ignored.
pub const MAX_QUERY: usize = 200;
/// Most words of a query that are looked for.
pub const MAX_QUERY_WORDS: usize = 8;

fn stemmer(a: Algorithm) -> &'static Stemmer {
    static FI: OnceLock<Stemmer> = OnceLock::new();
    static SV: OnceLock<Stemmer> = OnceLock::new();
    static EN: OnceLock<Stemmer> = OnceLock::new();
    let cell = match a {
        Algorithm::Finnish => &FI,
        Algorithm::Swedish => &SV,
        _ => &EN,
    };
    cell.get_or_init(|| Stemmer::create(a))
}

/// The text's words, lower-cased: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
}

/// A Finnish word's stem: Snowball's, then the -uks/-us and gradation forms
/// joined (see the module text).
pub fn finnish_stem(word: &str) -> String {
    let s = stemmer(Algorithm::Finnish).stem(word).into_owned();
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n < 4 {
        return s;
    }
    let vowel = |c: char| "aeiouyäö".contains(c);
    let (a, b) = (chars[n - 2], chars[n - 1]);
    let mut out: Vec<char> = chars.clone();
    if a == 'k' && b == 's' && vowel(chars[n - 3]) {
        // keskuks- (keskuksen, keskukset) → keskus
        out.remove(n - 2);
    } else if (a == 'n' && b == 't') || (a == b && "kptnlmrs".contains(a)) {
        // hyvinvoint/hyvinvoin, katt/kat: strong and weak grade alike
        out.pop();
    } else if (a == 'r' || a == 'l') && b == 't' {
        // nuorten (nuort) with nuori/nuoret (nuor)
        out.pop();
    } else if n >= 5 && (b == 'e' || b == 'i') && !vowel(a) {
        // nuore, nuori → nuor
        out.pop();
    }
    out.into_iter().collect()
}

/// The language of a text being indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fi,
    Sv,
    En,
}

/// A word's stem in `lang`.
pub fn stem(word: &str, lang: Lang) -> String {
    match lang {
        Lang::Fi => finnish_stem(word),
        Lang::Sv => stemmer(Algorithm::Swedish).stem(word).into_owned(),
        Lang::En => stemmer(Algorithm::English).stem(word).into_owned(),
    }
}

/// The distinct stems of a text in `lang`, for the index.
pub fn stems(text: &str, lang: Lang) -> BTreeSet<String> {
    words(text).map(|w| stem(&w, lang)).collect()
}

/// Stems as the index stores them: one space-separated string.
pub fn joined(stems: &BTreeSet<String>) -> String {
    stems
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// One word of a query: the stems it may match (in any language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryWord {
    pub word: String,
    pub variants: BTreeSet<String>,
}

/// A query read into words; every word must match (in any language).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub words: Vec<QueryWord>,
}

impl Query {
    pub fn parse(text: &str) -> Query {
        let text: String = text.chars().take(MAX_QUERY).collect();
        let mut seen = BTreeSet::new();
        let words = words(&text)
            .filter(|w| seen.insert(w.clone()))
            .take(MAX_QUERY_WORDS)
            .map(|w| QueryWord {
                variants: [Lang::Fi, Lang::Sv, Lang::En]
                    .into_iter()
                    .map(|l| stem(&w, l))
                    .collect(),
                word: w,
            })
            .collect();
        Query { words }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The FTS5 MATCH expression: `("a" OR "b") AND ("c")`. Stems hold only
    /// letters and digits, so quoting cannot be broken out of.
    pub fn fts5(&self) -> String {
        self.words
            .iter()
            .map(|w| {
                let alts: Vec<String> = w.variants.iter().map(|v| format!("\"{v}\"")).collect();
                format!("({})", alts.join(" OR "))
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The PostgreSQL `to_tsquery('simple', …)` text: `(a | b) & (c)`.
    pub fn tsquery(&self) -> String {
        self.words
            .iter()
            .map(|w| {
                let alts: Vec<&str> = w.variants.iter().map(String::as_str).collect();
                format!("({})", alts.join(" | "))
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// Does a word of a text match a word of the query (in any language)?
    pub fn hits(&self, word: &str) -> bool {
        let w = word.to_lowercase();
        let forms = [stem(&w, Lang::Fi), stem(&w, Lang::Sv), stem(&w, Lang::En)];
        self.words
            .iter()
            .any(|q| forms.iter().any(|f| q.variants.contains(f)))
    }

    /// The score of an entry whose stems matched: 3 for each query word
    /// found in its title, 1 for one found only elsewhere. Both databases
    /// give the candidates; the order comes from here.
    pub fn score(&self, title_stems: &str) -> u32 {
        let title: BTreeSet<&str> = title_stems.split(' ').collect();
        self.words
            .iter()
            .map(|w| {
                if w.variants.iter().any(|v| title.contains(v.as_str())) {
                    3
                } else {
                    1
                }
            })
            .sum()
    }
}

/// A piece of text, marked when it matched the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

/// The text in pieces, the words that match the query marked.
pub fn highlight(text: &str, q: &Query) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut push = |s: &str, hit: bool| match out.last_mut() {
        Some(last) if last.hit == hit && !hit => last.text.push_str(s),
        _ => out.push(Piece {
            text: s.to_owned(),
            hit,
        }),
    };
    let mut word_start: Option<usize> = None;
    let mut last = 0;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if c.is_alphanumeric() && i < text.len() {
            if word_start.is_none() {
                word_start = Some(i);
            }
        } else if let Some(s) = word_start.take() {
            if q.hits(&text[s..i]) {
                push(&text[last..s], false);
                push(&text[s..i], true);
                last = i;
            }
        }
    }
    if last < text.len() {
        push(&text[last..], false);
    }
    out.retain(|p| !p.text.is_empty());
    out
}

/// Up to `max` characters of `text` around its first match (whole text
/// when short), with "…" where it was cut.
pub fn snippet(text: &str, q: &Query, max: usize) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    if chars.len() <= max {
        return text.to_owned();
    }
    let first = highlight(text, q)
        .iter()
        .scan(0usize, |at, p| {
            let here = *at;
            *at += p.text.len();
            Some((here, p.hit))
        })
        .find(|(_, hit)| *hit)
        .map(|(at, _)| at)
        .unwrap_or(0);
    let first_char = chars.iter().position(|(b, _)| *b >= first).unwrap_or(0);
    let start = first_char.saturating_sub(max / 3);
    let end = (start + max).min(chars.len());
    let byte = |i: usize| chars.get(i).map(|(b, _)| *b).unwrap_or(text.len());
    let mut s = String::new();
    if start > 0 {
        s.push('…');
    }
    s.push_str(text[byte(start)..byte(end)].trim());
    if end < chars.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fi(w: &str) -> String {
        finnish_stem(w)
    }

    #[test]
    fn family_centre_forms_find_each_other() {
        let forms = [
            "perhekeskus",
            "perhekeskukset",
            "perhekeskuksen",
            "perhekeskuksessa",
            "perhekeskuksia",
        ];
        for f in forms {
            assert_eq!(fi(f), "perhekeskus", "{f}");
        }
        let q = Query::parse("perhekeskukset");
        assert!(q.hits("Perhekeskuksen"));
        assert!(q.hits("perhekeskus"));
        assert!(!q.hits("perhe"));
    }

    #[test]
    fn gradation_and_e_stems_join() {
        assert_eq!(fi("hyvinvointi"), fi("hyvinvoinnin"));
        assert_eq!(fi("koulunkäynti"), fi("koulunkäynnistä"));
        assert_eq!(fi("harrastus"), fi("harrastukset"));
        assert_eq!(fi("nuori"), fi("nuoret"));
        assert_eq!(fi("nuori"), fi("nuorten"));
        assert_eq!(fi("koulu"), fi("koulussa"));
        assert_ne!(fi("koulu"), fi("perhe"));
    }

    #[test]
    fn swedish_and_english_words_match_too() {
        let q = Query::parse("familjecentraler");
        assert!(q.hits("familjecentralen"));
        let q = Query::parse("families");
        assert!(q.hits("family"));
    }

    #[test]
    fn query_expressions_for_both_databases() {
        let q = Query::parse("Koulu, perheet!");
        assert_eq!(q.words.len(), 2);
        let fts = q.fts5();
        assert!(fts.starts_with("(\"koulu\""), "{fts}");
        assert!(fts.contains(") AND ("), "{fts}");
        let ts = q.tsquery();
        assert!(ts.contains(") & ("), "{ts}");
        assert!(!ts.contains('"'));
        // Punctuation and operators never reach the database.
        let q = Query::parse("\"a\" OR b) & ! | *");
        for w in &q.words {
            for v in &w.variants {
                assert!(v.chars().all(char::is_alphanumeric), "{v}");
            }
        }
        assert!(Query::parse("  ,;  ").is_empty());
        assert_eq!(Query::parse(&"sana ".repeat(100)).words.len(), 1);
        let many: String = (0..20).map(|i| format!("w{i} ")).collect();
        assert_eq!(Query::parse(&many).words.len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn title_hits_rank_above_body_hits() {
        let q = Query::parse("perhekeskus koulu");
        let title = joined(&stems("Perhekeskus Tuira", Lang::Fi));
        assert_eq!(q.score(&title), 4);
        let title = joined(&stems("Koulun perhekeskus", Lang::Fi));
        assert_eq!(q.score(&title), 6);
        assert_eq!(q.score(""), 2);
    }

    #[test]
    fn highlights_mark_only_matching_words() {
        let q = Query::parse("perhekeskukset");
        let p = highlight("Tuiran perhekeskuksessa, ja perhekeskus.", &q);
        let hits: Vec<&str> = p
            .iter()
            .filter(|p| p.hit)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(hits, ["perhekeskuksessa", "perhekeskus"]);
        let whole: String = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(whole, "Tuiran perhekeskuksessa, ja perhekeskus.");
        assert!(highlight("ei osumia", &q).iter().all(|p| !p.hit));
    }

    #[test]
    fn snippets_cut_around_the_first_match() {
        let q = Query::parse("kerho");
        let text = format!("{} kerho {}", "alku ".repeat(100), "loppu ".repeat(100));
        let s = snippet(&text, &q, 60);
        assert!(s.contains("kerho"), "{s}");
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.chars().count() <= 62);
        assert_eq!(snippet("lyhyt", &q, 60), "lyhyt");
    }
}
