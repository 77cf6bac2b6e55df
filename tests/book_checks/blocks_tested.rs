//! Every Rust block a reader sees is a test. `build.rs` writes a manifest of
//! the blocks it turned into tests; this check compares it with the chapters,
//! so a block cannot fall out of the suite without a word.

use std::collections::BTreeSet;

use crate::blocks::{self, Kind};
use crate::book;

/// The manifest `build.rs` wrote: (chapter, line, kind, target) per block.
fn manifest() -> BTreeSet<(String, usize, String, String)> {
    include_str!(concat!(env!("OUT_DIR"), "/manifest.txt"))
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            (
                fields[0].to_string(),
                fields[1].parse().unwrap(),
                fields[2].to_string(),
                fields[3].to_string(),
            )
        })
        .collect()
}

/// The test targets Cargo.toml declares.
fn declared_targets() -> BTreeSet<String> {
    let manifest = std::fs::read_to_string(book::root().join("Cargo.toml")).unwrap();
    let mut names = BTreeSet::new();
    let mut in_test = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_test = line == "[[test]]";
        } else if in_test && let Some(name) = line.strip_prefix("name = ") {
            names.insert(name.trim_matches('"').to_string());
        }
    }
    names
}

#[test]
fn every_rust_block_is_compiled_and_run_by_a_test() {
    let manifest = manifest();
    let mut expected = BTreeSet::new();
    let mut problems = Vec::new();
    for chapter in book::chapter_files() {
        let path = format!("src/{}", chapter.display());
        let source = std::fs::read_to_string(book::root().join(&path)).unwrap();
        let written = book::fences(&source);
        let rendered = book::fences(&book::expanded(&chapter).text);
        for (index, fence) in rendered.iter().enumerate() {
            let Some(kind) = Kind::of(&fence.info) else {
                continue;
            };
            let line = written.get(index).map_or(fence.line, |fence| fence.line);
            if kind == Kind::TestHarness {
                let code = blocks::code(&fence.body);
                if !code.contains("#[test]") && !code.contains("#[tokio::test") {
                    problems.push(format!(
                        "{path}:{line}: a test_harness block with no test"
                    ));
                }
            }
            expected.insert((path.clone(), line, kind.word().to_string()));
        }
    }
    let generated: BTreeSet<_> = manifest
        .iter()
        .map(|(chapter, line, kind, _)| (chapter.clone(), *line, kind.clone()))
        .collect();
    for missing in expected.difference(&generated) {
        problems.push(format!(
            "{}:{}: a {} block that is not tested",
            missing.0, missing.1, missing.2
        ));
    }
    for stale in generated.difference(&expected) {
        problems.push(format!(
            "{}:{}: tested, but not in the chapter",
            stale.0, stale.1
        ));
    }
    let declared = declared_targets();
    for (chapter, line, _, target) in &manifest {
        if !declared.contains(target) {
            problems.push(format!(
                "{chapter}:{line}: its target `{target}` is not a [[test]] in Cargo.toml"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let compile_fail = manifest
        .iter()
        .filter(|block| block.2 == "compile_fail")
        .count();
    // CI compares these counts with what the test binaries and rustdoc ran.
    println!(
        "rust blocks: {}, of which compile_fail: {compile_fail}",
        manifest.len()
    );
}

#[test]
fn the_manifest_is_not_empty() {
    assert!(manifest().len() > 100, "build.rs found too few blocks");
}
