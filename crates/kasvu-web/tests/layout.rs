//! The shape of the code, kept by a test so it stays the way the README's
//! map describes it: one folder per feature, shared pieces in `support/`, no
//! feature reaching into another's files, no circle between features, no
//! file a newcomer has to scroll through for long, and the CSRF check made
//! in one place only (the extractors) so no handler can forget it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const FEATURES: [&str; 10] = [
    "account",
    "admin",
    "families",
    "feedback",
    "knowledge",
    "measure",
    "network",
    "org",
    "plans",
    "teams",
];
const MAX_LINES: usize = 700;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The feature a file belongs to (its first folder under `src`), if any.
fn folder_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).ok()?;
    let mut parts = rel.components();
    let first = parts.next()?.as_os_str().to_str()?.to_owned();
    parts.next().map(|_| first)
}

/// Every `crate::<folder>::<rest>` path in a text: (folder, next segment).
fn crate_paths(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        let mut segs = rest.split("::").map(|s| {
            s.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect::<String>()
        });
        let first = segs.next().unwrap_or_default();
        let second = segs.next().unwrap_or_default();
        out.push((first, second));
    }
    // `use crate::x::{a, b}` groups: their first segment is enough here.
    out
}

/// Whether `name` is a module of the feature (a file or folder in it).
fn is_module_of(feature: &str, name: &str) -> bool {
    let dir = src().join(feature);
    dir.join(format!("{name}.rs")).exists() || dir.join(name).is_dir()
}

#[test]
fn no_file_is_over_the_limit() {
    let long: Vec<String> = rust_files(&src())
        .into_iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(&p).ok()?.lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:?}");
}

#[test]
fn every_feature_has_its_folder_and_routes() {
    for f in FEATURES {
        let m = std::fs::read_to_string(src().join(f).join("mod.rs"))
            .unwrap_or_else(|_| panic!("src/{f}/mod.rs"));
        assert!(m.contains("fn routes()"), "src/{f}/mod.rs has no routes()");
    }
}

/// A feature uses another only through what that feature's `mod.rs`
/// re-exports (`crate::plans::review_text`), never its files
/// (`crate::plans::plan_page::…`); `support` uses no feature at all; and
/// the features' uses of each other form no circle.
#[test]
fn features_use_each_other_only_through_their_front_door_and_without_circles() {
    let mut wrong = Vec::new();
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in rust_files(&src()) {
        let Some(own) = folder_of(&path) else {
            continue; // lib.rs, openapi.rs and the catalogue test compose the features
        };
        let text = std::fs::read_to_string(&path).expect("readable source");
        for (first, second) in crate_paths(&text) {
            if !FEATURES.contains(&first.as_str()) || first == own {
                continue;
            }
            if own == "support" {
                wrong.push(format!("{}: support uses crate::{first}", path.display()));
            } else if is_module_of(&first, &second) {
                wrong.push(format!(
                    "{}: reaches into crate::{first}::{second}",
                    path.display()
                ));
            }
            uses.entry(own.clone()).or_default().insert(first);
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // A circle is a feature that reaches itself through its uses.
    for start in uses.keys() {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&String> = uses[start].iter().collect();
        while let Some(f) = todo.pop() {
            assert_ne!(f, start, "features in a circle through {start}: {uses:?}");
            if seen.insert(f.clone()) {
                todo.extend(uses.get(f).into_iter().flatten());
            }
        }
    }
}

#[test]
fn the_csrf_check_is_made_only_by_the_extractors() {
    let mut callers = Vec::new();
    for path in rust_files(&src()) {
        let text = std::fs::read_to_string(&path).expect("readable source");
        let calls = text.matches("check_csrf(").count() - text.matches("fn check_csrf(").count();
        if calls > 0 {
            let rel = path
                .strip_prefix(src())
                .expect("under src")
                .display()
                .to_string();
            callers.push(rel);
        }
    }
    assert_eq!(
        callers,
        ["support/forms.rs", "support/upload.rs"],
        "check_csrf( is called outside the form and upload extractors"
    );
}
