//! The ecosystem appendix (`src/ecosystem.md`) lists every crate the book
//! depends on, at the version `Cargo.lock` holds, so the map a reader is given
//! is the book's real dependency set:
//!
//! - every crate in the root `[workspace.dependencies]`, in the listings
//!   crate's `[dependencies]` and `[dev-dependencies]`, and in the reader's list
//!   (`listings/reader-dependencies.toml`) has a row, and so has the harness of
//!   the benchmarks (`benchmarks/Cargo.toml`);
//! - its version is the one in `Cargo.lock` that its requirement resolves to,
//!   exactly (`1.54.1`, not `1.54`);
//! - a crate a listing uses links the chapter that teaches it;
//! - a row for a crate the book does not depend on says "not used", and gives a
//!   full version (taken from the registry by hand; no test goes online).
//!
//! The browser-tests package's own dev-dependencies (fantoccini, hyper-util,
//! png, ...) are left out on purpose: they drive a headless browser over the
//! built book, no chapter teaches them, and a reader's project never needs them.
//! The appendix mentions hyper for what it is to a reader, a crate this book
//! does not use.

use std::collections::{BTreeMap, BTreeSet};

use crate::book;
use crate::reader_dependencies::table;

/// One row of a table in the appendix.
#[derive(Debug, PartialEq)]
struct Row {
    line: usize,
    krate: String,
    version: String,
    used_in: String,
}

/// The rows of every four-column table in the appendix whose header starts
/// with `crate`. The crate cell may be a link, `[tokio](https://docs.rs/tokio)`.
fn rows(markdown: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut in_table = false;
    for (line, text) in book::prose_lines(markdown) {
        let text = text.trim();
        if !text.starts_with('|') {
            in_table = false;
            continue;
        }
        let cells: Vec<&str> =
            text.trim_matches('|').split('|').map(str::trim).collect();
        if cells.first() == Some(&"crate") {
            assert_eq!(
                cells,
                ["crate", "version", "what it is for", "used in"],
                "src/ecosystem.md:{line}: unexpected columns"
            );
            in_table = true;
            continue;
        }
        if !in_table || cells.iter().all(|cell| cell.chars().all(|c| c == '-')) {
            continue;
        }
        assert_eq!(
            cells.len(),
            4,
            "src/ecosystem.md:{line}: a row needs 4 cells"
        );
        let name = cells[0];
        let name = match name.strip_prefix('[').and_then(|rest| rest.split_once(']'))
        {
            Some((label, _)) => label,
            None => name,
        };
        rows.push(Row {
            line,
            krate: name.trim_matches('`').to_string(),
            version: cells[1].to_string(),
            used_in: cells[3].to_string(),
        });
    }
    rows
}

/// The version requirement of a dependency spec as `table` returns it:
/// `"0.3"` or `{version="1.54",features=[...]}`.
fn requirement(spec: &str) -> Option<String> {
    let quoted = |text: &str| text.split('"').nth(1).map(str::to_string);
    if spec.starts_with('"') {
        quoted(spec)
    } else {
        spec.split_once("version=")
            .and_then(|(_, rest)| quoted(rest))
    }
}

/// The numeric parts of a version, `1.54.1-alpha` as `[1, 54, 1]`.
fn numbers(version: &str) -> Vec<u64> {
    version
        .split(['-', '+'])
        .next()
        .unwrap()
        .split('.')
        .map(|part| {
            part.parse()
                .unwrap_or_else(|_| panic!("not a version: {version}"))
        })
        .collect()
}

/// Cargo's default (caret) requirement: `version` is at least `requirement`,
/// and equal to it up to and including its first non-zero part.
fn satisfies(version: &str, requirement: &str) -> bool {
    let version = numbers(version);
    let required = numbers(requirement);
    let fixed = required
        .iter()
        .position(|&part| part != 0)
        .map_or(required.len(), |index| index + 1);
    let padded: Vec<u64> = (0..3)
        .map(|i| version.get(i).copied().unwrap_or(0))
        .collect();
    let lower: Vec<u64> = (0..3)
        .map(|i| required.get(i).copied().unwrap_or(0))
        .collect();
    padded[..fixed] == required[..fixed] && padded >= lower
}

/// Every `(name, version)` of a `[[package]]` in `Cargo.lock`.
fn locked(lock: &str) -> Vec<(String, String)> {
    let value = |line: &str, key: &str| {
        line.strip_prefix(key)
            .map(|rest| rest.trim_start_matches(" = ").trim_matches('"').to_string())
    };
    let mut packages = Vec::new();
    let mut name = None;
    for line in lock.lines() {
        if line == "[[package]]" {
            name = None;
        } else if let Some(found) = value(line, "name") {
            name = Some(found);
        } else if let Some(version) = value(line, "version")
            && let Some(name) = name.take()
        {
            packages.push((name, version));
        }
    }
    packages
}

/// The crates the book depends on, each with its version requirement, and the
/// names of those a listing (so a chapter) uses.
fn book_dependencies() -> (BTreeMap<String, String>, BTreeSet<String>) {
    let read = |path: &str| std::fs::read_to_string(book::root().join(path)).unwrap();
    let mut required = BTreeMap::new();
    let mut add = |name: &String, spec: &String, file: &str| {
        let version = requirement(spec)
            .unwrap_or_else(|| panic!("{file}: no version for `{name}`: {spec}"));
        required.insert(name.clone(), version);
    };
    let workspace = table(&read("Cargo.toml"), "[workspace.dependencies]");
    for (name, spec) in &workspace {
        add(name, spec, "Cargo.toml");
    }
    let reader = read("listings/reader-dependencies.toml");
    let listings = read("listings/Cargo.toml");
    let mut taught = BTreeSet::new();
    for header in ["[dependencies]", "[dev-dependencies]"] {
        for (name, spec) in table(&reader, header) {
            add(&name, &spec, "listings/reader-dependencies.toml");
            taught.insert(name);
        }
        for (name, spec) in table(&listings, header) {
            if spec == "true" {
                let spec = workspace.get(&name).unwrap_or_else(|| {
                    panic!("listings/Cargo.toml: `{name}` is not in the workspace")
                });
                add(&name, spec, "Cargo.toml");
            } else {
                add(&name, &spec, "listings/Cargo.toml");
            }
        }
    }
    // The benchmarks the performance chapter quotes: their harness is taught
    // there, though `cargo test` never builds it.
    let benchmarks = read("benchmarks/Cargo.toml");
    for (name, spec) in table(&benchmarks, "[dev-dependencies]") {
        if spec != "true" {
            add(&name, &spec, "benchmarks/Cargo.toml");
            taught.insert(name);
        }
    }
    (required, taught)
}

/// What is wrong with the appendix's rows, given the book's dependencies and
/// the lock file.
fn problems(
    rows: &[Row],
    required: &BTreeMap<String, String>,
    taught: &BTreeSet<String>,
    lock: &[(String, String)],
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for row in rows {
        let at = format!("src/ecosystem.md:{}: `{}`", row.line, row.krate);
        if !seen.insert(row.krate.as_str()) {
            problems.push(format!("{at} has a second row"));
        }
        let not_used = row.used_in.to_lowercase().starts_with("not used");
        let Some(requirement) = required.get(&row.krate) else {
            if !not_used {
                problems.push(format!(
                    "{at}: the book does not depend on it, so its row must say \"not used\""
                ));
            }
            if row.version.split('.').count() != 3
                || row.version.split('.').any(|p| p.parse::<u64>().is_err())
            {
                problems
                    .push(format!("{at}: `{}` is not a full version", row.version));
            }
            continue;
        };
        if not_used {
            problems.push(format!(
                "{at}: the book depends on it, yet the row says \"not used\""
            ));
        }
        if taught.contains(&row.krate) && !row.used_in.contains(".md") {
            problems.push(format!("{at}: a listing uses it, so link the chapter"));
        }
        let versions: Vec<&str> = lock
            .iter()
            .filter(|(name, version)| {
                *name == row.krate && satisfies(version, requirement)
            })
            .map(|(_, version)| version.as_str())
            .collect();
        match versions[..] {
            [version] if version == row.version => {}
            [version] => problems.push(format!(
                "{at}: the table says {}, Cargo.lock has {version}",
                row.version
            )),
            _ => problems.push(format!(
                "{at}: Cargo.lock has {versions:?} for the requirement `{requirement}`"
            )),
        }
    }
    for name in required.keys() {
        if !seen.contains(name.as_str()) {
            problems.push(format!(
                "src/ecosystem.md: the book depends on `{name}`, which has no row"
            ));
        }
    }
    problems
}

#[test]
fn the_ecosystem_table_lists_every_dependency_at_its_locked_version() {
    let appendix =
        std::fs::read_to_string(book::root().join("src/ecosystem.md")).unwrap();
    let lock = std::fs::read_to_string(book::root().join("Cargo.lock")).unwrap();
    let rows = rows(&appendix);
    let (required, taught) = book_dependencies();
    assert!(required.contains_key("tokio") && taught.contains("tokio"));
    let problems = problems(&rows, &required, &taught, &locked(&lock));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn caret_requirements_follow_cargo() {
    assert!(satisfies("1.54.1", "1.54"));
    assert!(satisfies("2.0.21", "2.0.21"));
    assert!(!satisfies("1.0.69", "2.0.21"), "another major version");
    assert!(!satisfies("1.53.9", "1.54"), "older than required");
    assert!(satisfies("0.3.34", "0.3"));
    assert!(!satisfies("0.4.0", "0.3"), "0.x minors are incompatible");
    assert!(satisfies("0.0.3", "0.0.3") && !satisfies("0.0.4", "0.0.3"));
}

#[test]
fn rows_are_read_from_the_tables_only() {
    let markdown = "| crate | version | what it is for | used in |\n\
                    |---|---|---|---|\n\
                    | [tokio](https://docs.rs/tokio) | 1.54.1 | runtime | [Tasks](tasks.md) |\n\
                    \n\
                    | a | b |\n\
                    |---|---|\n\
                    | not | a crate |\n";
    let rows = rows(markdown);
    assert_eq!(
        rows,
        [Row {
            line: 3,
            krate: "tokio".into(),
            version: "1.54.1".into(),
            used_in: "[Tasks](tasks.md)".into(),
        }]
    );
}

#[test]
fn a_missing_row_a_wrong_version_and_a_false_not_used_are_caught() {
    let required: BTreeMap<String, String> = [
        ("tokio", "1.54"),
        ("thiserror", "2.0.21"),
        ("snapbox", "0.6"),
    ]
    .map(|(name, req)| (name.to_string(), req.to_string()))
    .into();
    let taught: BTreeSet<String> =
        ["tokio".to_string(), "thiserror".to_string()].into();
    let lock: Vec<(String, String)> = [
        ("tokio", "1.54.1"),
        ("thiserror", "1.0.69"),
        ("thiserror", "2.0.21"),
        ("snapbox", "0.6.24"),
    ]
    .map(|(name, version)| (name.to_string(), version.to_string()))
    .into();
    let row = |krate: &str, version: &str, used_in: &str| Row {
        line: 1,
        krate: krate.into(),
        version: version.into(),
        used_in: used_in.into(),
    };
    let good = [
        row("tokio", "1.54.1", "[Tasks](tasks.md)"),
        row("thiserror", "2.0.21", "[Errors](errors-and-retries.md)"),
        row("snapbox", "0.6.24", "the book's own tests"),
        row("smol", "2.0.2", "not used; [The runtime](runtime.md)"),
    ];
    assert_eq!(
        problems(&good, &required, &taught, &lock),
        Vec::<String>::new()
    );

    let bad = [
        row("tokio", "1.54.0", "[Tasks](tasks.md)"),
        row("thiserror", "2.0.21", "not used"),
        row("smol", "2", "[The runtime](runtime.md)"),
    ];
    let found = problems(&bad, &required, &taught, &lock).join("\n");
    for expected in [
        "the table says 1.54.0, Cargo.lock has 1.54.1",
        "yet the row says \"not used\"",
        "so link the chapter",
        "its row must say \"not used\"",
        "`2` is not a full version",
        "depends on `snapbox`, which has no row",
    ] {
        assert!(
            found.contains(expected),
            "missing {expected:?} in:\n{found}"
        );
    }
}
