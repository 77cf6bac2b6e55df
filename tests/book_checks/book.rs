//! The book as the checks see it: its chapters, expanded, and their code fences.

use std::path::{Path, PathBuf};

use crate::expand;

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every Markdown file under `src/` except SUMMARY.md, relative to `src/`.
pub fn chapter_files() -> Vec<PathBuf> {
    let src = root().join("src");
    let mut found = Vec::new();
    files_with_extension(&src, "md", &mut found);
    let mut chapters: Vec<PathBuf> = found
        .into_iter()
        .map(|path| path.strip_prefix(&src).unwrap().to_path_buf())
        .filter(|path| path != Path::new("SUMMARY.md"))
        .collect();
    chapters.sort();
    chapters
}

/// Every file below `dir` whose name ends in `.extension`.
pub fn files_with_extension(dir: &Path, extension: &str, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_with_extension(&path, extension, found);
        } else if path.extension().is_some_and(|ext| ext == extension) {
            found.push(path);
        }
    }
}

/// A chapter with its includes expanded (`chapter` is relative to `src/`).
pub fn expanded(chapter: &Path) -> expand::Expanded {
    expand::expand_file(&root().join("src").join(chapter))
        .unwrap_or_else(|error| panic!("{error}"))
}

pub use crate::blocks::{Fence, fences, prose_lines};
