//! The introduction tells a reader which dependencies a listing needs in a
//! project of their own (`listings/reader-dependencies.toml`). That list must
//! be the listings crate's own dependencies, at the workspace's versions and
//! features, or a pasted listing may fail to compile. CI also builds and runs a
//! listing in a fresh project with exactly this list (`.ci/run`).

use std::collections::BTreeMap;

use crate::book;

/// The `name = spec` entries of a TOML table, with `.workspace = true` kept as
/// is. An entry may run over several lines (a long `features` array); specs are
/// compared without white space or a trailing comma.
pub fn table(toml: &str, header: &str) -> BTreeMap<String, String> {
    let mut entries = BTreeMap::new();
    let mut inside = false;
    let mut pending = String::new();
    for line in toml.lines() {
        let line = line.trim();
        if pending.is_empty() && line.starts_with('[') {
            inside = line == header;
            continue;
        }
        if !inside {
            continue;
        }
        pending.push_str(line);
        let opened = pending.matches(['[', '{']).count();
        let closed = pending.matches([']', '}']).count();
        if opened > closed {
            continue;
        }
        if let Some((name, spec)) = pending.split_once('=') {
            let name = name.trim().trim_end_matches(".workspace").to_string();
            let spec: String = spec.chars().filter(|c| !c.is_whitespace()).collect();
            entries.insert(name, spec.replace(",]", "]"));
        }
        pending.clear();
    }
    entries
}

/// Crates the listings crate needs for itself, not for any listing: the
/// runner's name matching and the output snapshots.
const PLUMBING: &[&str] = &["snapbox", "strsim"];

/// What a table of the listings crate should look like in the reader's list.
fn expected(
    listings: &BTreeMap<String, String>,
    workspace: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    listings
        .keys()
        .filter(|name| !PLUMBING.contains(&name.as_str()))
        .map(|name| {
            let spec = workspace.get(name).unwrap_or_else(|| {
                panic!("`{name}` is not in [workspace.dependencies]")
            });
            (name.clone(), spec.clone())
        })
        .collect()
}

#[test]
fn the_readers_dependencies_are_the_listings_dependencies() {
    let read = |path: &str| std::fs::read_to_string(book::root().join(path)).unwrap();
    let reader = read("listings/reader-dependencies.toml");
    let listings = read("listings/Cargo.toml");
    let workspace = table(&read("Cargo.toml"), "[workspace.dependencies]");
    for header in ["[dependencies]", "[dev-dependencies]"] {
        assert_eq!(
            table(&reader, header),
            expected(&table(&listings, header), &workspace),
            "{header} of listings/reader-dependencies.toml must list the listings crate's \
             {header} with the workspace's versions and features"
        );
    }
}

#[test]
fn long_entries_and_trailing_commas_are_read_whole() {
    let toml = "[dependencies]\na = { version = \"1\", features = [\n    \"x\", \"y\",\n] }\nb = \"2\"\n";
    let entries = table(toml, "[dependencies]");
    assert_eq!(entries["a"], "{version=\"1\",features=[\"x\",\"y\"]}");
    assert_eq!(entries["b"], "\"2\"");
}
