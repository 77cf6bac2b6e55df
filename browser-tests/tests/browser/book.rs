//! What the suite expects of the book, read from its sources: the chapters of
//! SUMMARY.md in order, and their titles.

use std::path::Path;

/// One entry of SUMMARY.md.
#[derive(Clone, Debug)]
pub struct Chapter {
    /// As written in SUMMARY.md, for messages and the sidebar check.
    pub title: String,
    /// The rendered page (`tasks.html`), or `None` for a draft.
    pub page: Option<String>,
    /// The chapter's first `# ` heading, which opens it in the print view.
    pub heading: Option<String>,
}

/// Reads `src/SUMMARY.md` and the first heading of every written chapter.
pub fn chapters(src: &Path) -> Result<Vec<Chapter>, String> {
    let summary = std::fs::read_to_string(src.join("SUMMARY.md"))
        .map_err(|e| format!("reading SUMMARY.md: {e}"))?;
    let mut chapters = Vec::new();
    for line in summary.lines() {
        // `- [Title](path.md)`, `[Title](path.md)` or a draft `- [Title]()`.
        let line = line.trim_start().trim_start_matches("- ");
        let Some(rest) = line.strip_prefix('[') else {
            continue;
        };
        let Some((title, rest)) = rest.split_once("](") else {
            continue;
        };
        let Some((path, _)) = rest.split_once(')') else {
            continue;
        };
        let page = (!path.is_empty()).then(|| path.replace(".md", ".html"));
        let heading = match &page {
            Some(_) => {
                let text = std::fs::read_to_string(src.join(path))
                    .map_err(|e| format!("reading {path}: {e}"))?;
                text.lines()
                    .find_map(|l| l.strip_prefix("# "))
                    .map(|h| h.trim().to_string())
            }
            None => None,
        };
        chapters.push(Chapter {
            title: title.to_string(),
            page,
            heading,
        });
    }
    if chapters.is_empty() {
        return Err("SUMMARY.md lists no chapter".into());
    }
    Ok(chapters)
}
