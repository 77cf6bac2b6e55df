//! The introduction tells a reader which dependencies a listing needs in a
//! project of their own (`listings/reader-dependencies.toml`). That list must
//! be the listings crate's own dependencies, at the workspace's versions and
//! features, or a pasted listing may fail to compile. CI also builds and runs a
//! listing in a fresh project with exactly this list (`.ci/run`).

use std::collections::BTreeMap;

use crate::book;

/// The `name = spec` lines of a TOML table, with `.workspace = true` kept as is.
fn table(toml: &str, header: &str) -> BTreeMap<String, String> {
    let mut entries = BTreeMap::new();
    let mut inside = false;
    for line in toml.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == header;
        } else if inside && let Some((name, spec)) = line.split_once('=') {
            let name = name.trim().trim_end_matches(".workspace").to_string();
            entries.insert(name, spec.trim().to_string());
        }
    }
    entries
}

/// Crates the listings crate needs for itself, not for any listing.
const PLUMBING: &[&str] = &["strsim"];

#[test]
fn the_readers_dependencies_are_the_listings_dependencies() {
    let reader = table(
        &std::fs::read_to_string(book::root().join("listings/reader-dependencies.toml")).unwrap(),
        "[dependencies]",
    );
    let workspace = table(
        &std::fs::read_to_string(book::root().join("Cargo.toml")).unwrap(),
        "[workspace.dependencies]",
    );
    let listings = table(
        &std::fs::read_to_string(book::root().join("listings/Cargo.toml")).unwrap(),
        "[dependencies]",
    );
    let mut expected = BTreeMap::new();
    for name in listings
        .keys()
        .filter(|name| !PLUMBING.contains(&name.as_str()))
    {
        let spec = workspace
            .get(name)
            .unwrap_or_else(|| panic!("`{name}` is not in [workspace.dependencies]"));
        expected.insert(name.clone(), spec.clone());
    }
    assert_eq!(
        reader, expected,
        "listings/reader-dependencies.toml must list the listings crate's dependencies \
         with the workspace's versions and features"
    );
}
