//! Nothing is written that no reader sees: every listing, captured output,
//! non-compiling example and generated image is used by some chapter.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::book;

/// Files in `listings/src` that are the crate's plumbing, not listings.
fn is_plumbing(relative: &Path) -> bool {
    relative.file_name().is_some_and(|name| name == "mod.rs")
        || ["lib.rs", "main.rs", "timeline.rs"]
            .iter()
            .any(|file| relative == Path::new(file))
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize()
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn every_listing_output_and_broken_example_is_included_by_a_chapter() {
    let mut included = BTreeSet::new();
    for chapter in book::chapter_files() {
        for path in book::expanded(&chapter).included {
            included.insert(canonical(&path));
        }
    }
    let listings = book::root().join("listings");
    let mut candidates = Vec::new();
    for (dir, extension) in
        [("src", "rs"), ("does-not-compile", "rs"), ("output", "txt")]
    {
        let dir = listings.join(dir);
        let mut found = Vec::new();
        book::files_with_extension(&dir, extension, &mut found);
        candidates.extend(found.into_iter().filter(|path| {
            dir != listings.join("src")
                || !is_plumbing(path.strip_prefix(&dir).unwrap())
        }));
    }
    let orphans: Vec<_> = candidates
        .iter()
        .filter(|path| !included.contains(&canonical(path)))
        .map(|path| {
            path.strip_prefix(book::root())
                .unwrap()
                .display()
                .to_string()
        })
        .collect();
    assert!(
        orphans.is_empty(),
        "files no chapter includes (include them, or delete them):\n{}",
        orphans.join("\n")
    );
}

#[test]
fn every_image_is_shown_by_a_chapter() {
    let mut images = Vec::new();
    book::files_with_extension(&book::root().join("src/images"), "svg", &mut images);
    let chapters: String = book::chapter_files()
        .iter()
        .map(|chapter| book::expanded(chapter).text)
        .collect();
    let unused: Vec<_> = images
        .iter()
        .map(|image| image.file_name().unwrap().to_str().unwrap().to_string())
        .filter(|name| !chapters.contains(&format!("images/{name}")))
        .collect();
    assert!(unused.is_empty(), "images no chapter shows: {unused:?}");
}
