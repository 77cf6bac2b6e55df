//! Links between chapters resolve, down to the `#fragment`. mdBook does not
//! check them, and a broken link is the first thing a reader notices.

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::book;

/// The heading ids mdBook gives a chapter: the heading's text, lower-cased,
/// spaces to `-`, other punctuation dropped, and `-1`, `-2` for repeats.
pub fn heading_ids(markdown: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    for (_, line) in book::prose_lines(markdown) {
        let Some(text) = line
            .strip_prefix('#')
            .map(|rest| rest.trim_start_matches('#'))
        else {
            continue;
        };
        if !text.starts_with(' ') {
            continue;
        }
        let id = id_from_heading(&plain_text(text));
        let mut unique = id.clone();
        let mut counter = 1;
        while !ids.insert(unique.clone()) {
            unique = format!("{id}-{counter}");
            counter += 1;
        }
    }
    ids
}

/// What a reader sees of inline Markdown: `[text](url)` becomes `text`, and
/// code and emphasis markers go.
fn plain_text(markdown: &str) -> String {
    let mut text = String::new();
    let mut rest = markdown;
    while let Some(open) = rest.find("](") {
        let close = rest[open..].find(')').map_or(rest.len(), |i| open + i + 1);
        text.push_str(&rest[..open]);
        rest = &rest[close..];
    }
    text.push_str(rest);
    text.replace(['`', '*', '['], "")
}

/// mdBook 0.5's `id_from_content`.
fn id_from_heading(text: &str) -> String {
    text.trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '_' || c == '-' {
                Some(c)
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// Every `](target)` in the prose of a chapter, with its line.
fn link_targets(markdown: &str) -> Vec<(usize, String)> {
    let mut targets = Vec::new();
    for (number, line) in book::prose_lines(markdown) {
        let mut rest = line;
        while let Some(open) = rest.find("](") {
            rest = &rest[open + 2..];
            if let Some(close) = rest.find(')') {
                targets.push((number, rest[..close].to_string()));
                rest = &rest[close..];
            }
        }
    }
    targets
}

/// `a/b/../c` becomes `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut result = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                result.pop();
            }
            Component::CurDir => {}
            other => result.push(other),
        }
    }
    result
}

#[test]
fn internal_links_and_fragments_resolve() {
    let chapters = book::chapter_files();
    let ids: BTreeMap<PathBuf, HashSet<String>> = chapters
        .iter()
        .map(|chapter| (chapter.clone(), heading_ids(&book::expanded(chapter).text)))
        .collect();
    let mut broken = Vec::new();
    for chapter in &chapters {
        let text = book::expanded(chapter).text;
        for (line, target) in link_targets(&text) {
            let external = ["http://", "https://", "mailto:"]
                .iter()
                .any(|scheme| target.starts_with(scheme));
            if external || target.is_empty() {
                continue;
            }
            let (path, fragment) = match target.split_once('#') {
                Some((path, fragment)) => (path, Some(fragment)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() {
                chapter.clone()
            } else {
                normalize(&chapter.parent().unwrap_or(Path::new("")).join(path))
            };
            let problem = if !book::root().join("src").join(&file).exists() {
                Some(format!("`{}` does not exist", file.display()))
            } else if let Some(fragment) = fragment {
                match ids.get(&file) {
                    Some(headings) if headings.contains(fragment) => None,
                    Some(_) => Some(format!(
                        "`{}` has no heading `#{fragment}`",
                        file.display()
                    )),
                    None => Some(format!("`{}` is not a chapter", file.display())),
                }
            } else {
                None
            };
            if let Some(problem) = problem {
                broken.push(format!(
                    "src/{}:{line}: ({target}) {problem}",
                    chapter.display()
                ));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn heading_ids_follow_mdbook() {
    let ids = heading_ids(
        "# The `join!` macro\n\n## Why *not* [threads](x.md)?\n\n## Why not threads?\n",
    );
    for id in ["the-join-macro", "why-not-threads", "why-not-threads-1"] {
        assert!(ids.contains(id), "missing {id} in {ids:?}");
    }
}
