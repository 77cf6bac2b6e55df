//! SUMMARY.md and the chapter files agree: every chapter file is listed, and
//! every listed chapter exists. Chapters not written yet are drafts, `[Title]()`.

use std::path::PathBuf;

use crate::book;

/// The chapter paths SUMMARY.md links to, relative to `src/` (drafts excluded).
pub fn summary_entries() -> Vec<PathBuf> {
    let summary =
        std::fs::read_to_string(book::root().join("src/SUMMARY.md")).unwrap();
    let mut entries = Vec::new();
    for line in summary.lines() {
        if let Some(open) = line.find("](") {
            let rest = &line[open + 2..];
            let target =
                &rest[..rest.find(')').expect("unclosed link in SUMMARY.md")];
            if !target.is_empty() {
                entries.push(PathBuf::from(target));
            }
        }
    }
    entries
}

#[test]
fn every_chapter_file_is_in_the_summary() {
    let entries = summary_entries();
    let missing: Vec<_> = book::chapter_files()
        .into_iter()
        .filter(|chapter| !entries.contains(chapter))
        .collect();
    assert!(
        missing.is_empty(),
        "chapter files missing from SUMMARY.md: {missing:?}"
    );
}

#[test]
fn every_summary_entry_exists() {
    let missing: Vec<_> = summary_entries()
        .into_iter()
        .filter(|entry| !book::root().join("src").join(entry).is_file())
        .collect();
    assert!(
        missing.is_empty(),
        "SUMMARY.md lists files that do not exist: {missing:?}"
    );
}

#[test]
fn no_chapter_is_listed_twice() {
    let mut entries = summary_entries();
    let count = entries.len();
    entries.sort();
    entries.dedup();
    assert_eq!(
        entries.len(),
        count,
        "a chapter is listed twice in SUMMARY.md"
    );
}
