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
    expand::expand_file(&root().join("src").join(chapter)).unwrap_or_else(|error| panic!("{error}"))
}

/// A fenced code block.
#[derive(Debug)]
pub struct Fence {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// The info string: `rust,compile_fail,E0277`, `text`, or empty.
    pub info: String,
    /// The lines between the fences.
    pub body: Vec<String>,
}

/// The marker (for instance ```` ``` ````) if `line` opens a code fence.
fn opening_marker(line: &str) -> Option<String> {
    let trimmed = line.trim_start();
    ['`', '~'].into_iter().find_map(|c| {
        let len = trimmed.chars().take_while(|&x| x == c).count();
        (len >= 3).then(|| c.to_string().repeat(len))
    })
}

/// Whether `line` closes a fence opened with `marker`.
fn closes(line: &str, marker: &str) -> bool {
    let trimmed = line.trim();
    let first = marker.chars().next().unwrap();
    trimmed.starts_with(marker) && trimmed.chars().all(|c| c == first)
}

/// The fenced code blocks of a Markdown text, in order. An unclosed fence runs
/// to the end of the text, as CommonMark says.
pub fn fences(text: &str) -> Vec<Fence> {
    let mut fences = Vec::new();
    let mut open: Option<(String, Fence)> = None;
    for (index, line) in text.lines().enumerate() {
        match &mut open {
            Some((marker, _)) if closes(line, marker) => fences.push(open.take().unwrap().1),
            Some((_, fence)) => fence.body.push(line.to_string()),
            None => {
                if let Some(marker) = opening_marker(line) {
                    let info = line.trim_start()[marker.len()..].trim().to_string();
                    let fence = Fence {
                        line: index + 1,
                        info,
                        body: Vec::new(),
                    };
                    open = Some((marker, fence));
                }
            }
        }
    }
    fences.extend(open.map(|(_, fence)| fence));
    fences
}

/// The lines of a Markdown text that are outside code fences, with their
/// 1-based numbers.
pub fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut open: Option<String> = None;
    let mut lines = Vec::new();
    for (index, line) in text.lines().enumerate() {
        match &open {
            Some(marker) if closes(line, marker) => open = None,
            Some(_) => {}
            None => match opening_marker(line) {
                Some(marker) => open = Some(marker),
                None => lines.push((index + 1, line)),
            },
        }
    }
    lines
}
