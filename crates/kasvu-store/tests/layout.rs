//! The store's layout: one folder per feature, and no import circles between
//! them. Plain Rust over the source files, so it runs with the other tests
//! and fails the build's test step when a new import closes a circle.
//!
//! A file's dependencies are what it names through `crate::…`: a folder
//! (`crate::measure::…`) or a name the crate root re-exports
//! (`crate::PlanTree` is `plans`). Calls of another feature's `Store`
//! methods are not imports and are not seen here.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Shared plumbing: may be imported by every feature, imports none.
const PLUMBING: &[&str] = &["support", "search"];
/// Files at the crate root that put the features together (the re-exports,
/// the whole-index rebuild, the test helpers); nothing imports them.
const ROOTS: &[&str] = &["lib.rs", "reindex.rs", "testing.rs"];
/// The longest a source file may be.
const MAX_LINES: usize = 700;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level folder a file belongs to, or `None` for a root file.
fn folder_of(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src()).ok()?;
    let mut parts = rel.components();
    let first = parts.next()?.as_os_str().to_string_lossy().into_owned();
    parts.next().map(|_| first)
}

/// The source without comments, so a doc link or a remark is not an import.
fn code_only(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident_at(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Every name re-exported at the crate root, with the folder it comes from.
fn root_exports(folders: &BTreeSet<String>) -> BTreeMap<String, String> {
    let lib = code_only(&fs::read_to_string(src().join("lib.rs")).expect("reading lib.rs"));
    let mut out = BTreeMap::new();
    for stmt in lib.split(';') {
        let stmt = stmt.trim();
        let Some(rest) = stmt.strip_prefix("pub use ") else {
            continue;
        };
        let folder = ident_at(rest);
        if !folders.contains(&folder) {
            continue;
        }
        let names = match rest.find('{') {
            Some(i) => rest[i + 1..].trim_end_matches('}').to_owned(),
            None => rest.rsplit("::").next().unwrap_or_default().to_owned(),
        };
        for n in names.split(',') {
            let n = n.trim();
            if !n.is_empty() {
                out.insert(n.to_owned(), folder.clone());
            }
        }
    }
    out
}

/// The folders (and root files' names) a file's code names through `crate::`.
fn imports(
    code: &str,
    folders: &BTreeSet<String>,
    exports: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut resolve = |name: &str| {
        if folders.contains(name) {
            out.insert(name.to_owned());
        } else if let Some(f) = exports.get(name) {
            out.insert(f.clone());
        }
    };
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                resolve(&ident_at(item.trim()));
            }
        } else {
            resolve(&ident_at(rest));
        }
    }
    out
}

struct Layout {
    folders: BTreeSet<String>,
    /// folder → the folders its files import (itself left out).
    edges: BTreeMap<String, BTreeSet<String>>,
    /// (file, folder it imports) for the messages.
    uses: Vec<(String, String, String)>,
}

fn layout() -> Layout {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let folders: BTreeSet<String> = files.iter().filter_map(|f| folder_of(f)).collect();
    let exports = root_exports(&folders);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut uses = Vec::new();
    for f in &files {
        let Some(from) = folder_of(f) else { continue };
        let code = code_only(&fs::read_to_string(f).expect("reading a source file"));
        for to in imports(&code, &folders, &exports) {
            if to != from {
                let rel = f.strip_prefix(src()).unwrap_or(f).display().to_string();
                uses.push((rel, from.clone(), to.clone()));
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    Layout {
        folders,
        edges,
        uses,
    }
}

fn files_importing(l: &Layout, from: &str, to: &str) -> Vec<String> {
    l.uses
        .iter()
        .filter(|(_, a, b)| a == from && b == to)
        .map(|(f, _, _)| f.clone())
        .collect()
}

#[test]
fn every_expected_folder_is_there() {
    let l = layout();
    for f in [
        "account",
        "families",
        "feedback",
        "knowledge",
        "measure",
        "network",
        "org",
        "plans",
        "search",
        "support",
        "teams",
    ] {
        assert!(l.folders.contains(f), "no folder src/{f}");
    }
}

#[test]
fn plumbing_imports_no_feature() {
    let l = layout();
    let mut wrong = Vec::new();
    for p in PLUMBING {
        for to in l.edges.get(*p).into_iter().flatten() {
            if !PLUMBING.contains(&to.as_str()) {
                wrong.push(format!(
                    "{p} imports {to} in {:?}",
                    files_importing(&l, p, to)
                ));
            }
        }
    }
    // Between the two plumbing folders only one way: search uses support.
    for to in l.edges.get("support").into_iter().flatten() {
        wrong.push(format!(
            "support imports {to} in {:?}",
            files_importing(&l, "support", to)
        ));
    }
    assert!(
        wrong.is_empty(),
        "shared plumbing must not know a feature:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_import_circle_between_folders() {
    let l = layout();
    // Depth-first search for a cycle; report the first one whole.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for f in &l.folders {
        if let Some(cycle) = visit(f, &l.edges, &mut Vec::new(), &mut done) {
            let detail: Vec<String> = cycle
                .windows(2)
                .map(|w| {
                    format!(
                        "{} -> {} in {:?}",
                        w[0],
                        w[1],
                        files_importing(&l, &w[0], &w[1])
                    )
                })
                .collect();
            panic!(
                "import circle {}:\n{}",
                cycle.join(" -> "),
                detail.join("\n")
            );
        }
    }
}

#[test]
fn root_files_are_imported_by_no_folder() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut wrong = Vec::new();
    for f in files.iter().filter(|f| folder_of(f).is_some()) {
        let code = code_only(&fs::read_to_string(f).expect("reading a source file"));
        for root in ROOTS.iter().filter(|r| **r != "lib.rs") {
            let module = root.trim_end_matches(".rs");
            if code.contains(&format!("crate::{module}::")) {
                wrong.push(format!("{} imports {root}", f.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_source_file_is_too_long() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = fs::read_to_string(f).ok()?.lines().count();
            (n > MAX_LINES).then(|| format!("{} has {n} lines", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// The checks themselves can fail: a made-up pair of files importing each
/// other through a folder path and a root re-export is seen as a circle.
#[test]
fn the_import_reader_sees_folders_and_root_exports() {
    let folders: BTreeSet<String> = ["plans", "teams", "support"].map(String::from).into();
    let exports: BTreeMap<String, String> = [("PlanTree".to_owned(), "plans".to_owned())].into();
    let code = "use crate::support::db::Store;\nuse crate::{now, PlanTree};\n// crate::teams in a comment\nfn f() { crate::teams::x(); }";
    let found = imports(&code_only(code), &folders, &exports);
    assert_eq!(
        found,
        ["plans", "support", "teams"].map(String::from).into()
    );
}
