//! The include expander: turns a chapter into the Markdown that mdBook renders.
//!
//! mdBook expands `{{#include}}` and `{{#rustdoc_include}}` before it renders a
//! chapter. The book's tests must compile exactly that expanded text, so this
//! module reproduces mdBook 0.5's rules:
//!
//! - a path is relative to the file that holds the directive, and included text
//!   is expanded again, up to a depth of ten;
//! - `\{{#...}}` is an escape: the backslash is removed and nothing is included;
//! - `{{#include file}}` includes the whole file, anchor comments and all;
//! - `{{#include file:name}}` includes the lines between `ANCHOR: name` and
//!   `ANCHOR_END: name`, dropping every line that holds an anchor marker;
//! - `{{#rustdoc_include file:name}}` includes the whole file, with the lines
//!   outside the anchor hidden behind `# ` and every anchor-marker line dropped.
//!
//! Where mdBook stays silent and renders an empty block (a missing file, a
//! missing anchor), this expander fails and names the chapter, line and
//! directive. Line ranges (`file:10:20`) are rejected: they break without a
//! word when the file changes, so the book uses anchors instead.
//!
//! `build.rs` and the book checks in `tests/` both include this file with
//! `#[path]`, so there is one expander and it is tested on its own.

#![allow(dead_code)] // Each includer uses a different part of the module.

use std::fmt;
use std::path::{Path, PathBuf};

/// How deep included files may include others, as in mdBook.
const MAX_DEPTH: usize = 10;

/// A directive that could not be expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandError {
    /// The file that holds the directive.
    pub file: PathBuf,
    /// The 1-based line of the directive in that file.
    pub line: usize,
    /// The directive as written, for instance `{{#include foo.rs:bar}}`.
    pub directive: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for ExpandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.directive,
            self.reason
        )
    }
}

impl std::error::Error for ExpandError {}

/// A chapter after expansion, with the files that went into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    /// The Markdown that mdBook renders.
    pub text: String,
    /// Every file an include directive read, directly or through another file.
    pub included: Vec<PathBuf>,
}

/// Expands every include directive in `text`, which was read from `file`.
pub fn expand(file: &Path, text: &str) -> Result<Expanded, ExpandError> {
    let mut included = Vec::new();
    let text = expand_at_depth(file, text, 0, &mut included)?;
    Ok(Expanded { text, included })
}

/// Reads `file` and expands it.
pub fn expand_file(file: &Path) -> Result<Expanded, ExpandError> {
    let text = std::fs::read_to_string(file).map_err(|error| ExpandError {
        file: file.to_path_buf(),
        line: 0,
        directive: String::new(),
        reason: format!("cannot read the file: {error}"),
    })?;
    expand(file, &text)
}

fn expand_at_depth(
    file: &Path,
    text: &str,
    depth: usize,
    included: &mut Vec<PathBuf>,
) -> Result<String, ExpandError> {
    let mut output = String::with_capacity(text.len());
    let mut rest = text;
    let mut consumed = 0; // bytes of `text` before `rest`, to report line numbers
    while let Some(found) = find_directive(rest) {
        output.push_str(&rest[..found.start]);
        let line = text[..consumed + found.start].matches('\n').count() + 1;
        let error = |reason: String| ExpandError {
            file: file.to_path_buf(),
            line,
            directive: rest[found.start..found.end].to_string(),
            reason,
        };
        match found.kind {
            DirectiveKind::Escaped => {
                // `\{{#...}}` renders as the directive without its backslash.
                output.push_str(&rest[found.start + 1..found.end]);
            }
            DirectiveKind::Link { name, target } => {
                let replacement = match name {
                    "include" | "rustdoc_include" => {
                        if depth >= MAX_DEPTH {
                            return Err(error(format!(
                                "includes are nested more than {MAX_DEPTH} deep"
                            )));
                        }
                        let (path, anchor) = parse_target(target).map_err(&error)?;
                        let base = file.parent().unwrap_or(Path::new(""));
                        let path = base.join(path);
                        let source =
                            std::fs::read_to_string(&path).map_err(|io| {
                                error(format!("cannot read {}: {io}", path.display()))
                            })?;
                        included.push(path.clone());
                        let selected = match (name, anchor) {
                            ("include", None) => whole_file(&source),
                            ("include", Some(anchor)) => {
                                anchored_lines(&source, anchor)
                                    .ok_or_else(|| missing_anchor(anchor, &path))
                                    .map_err(&error)?
                            }
                            (_, None) => whole_file(&source),
                            (_, Some(anchor)) => {
                                rustdoc_anchored_lines(&source, anchor)
                                    .ok_or_else(|| missing_anchor(anchor, &path))
                                    .map_err(&error)?
                            }
                        };
                        expand_at_depth(&path, &selected, depth + 1, included)?
                    }
                    other => {
                        return Err(error(format!(
                            "`{other}` is not a directive this book uses \
                             (use `include` or `rustdoc_include`, or escape it as `\\{{{{#`)"
                        )));
                    }
                };
                output.push_str(&replacement);
            }
        }
        consumed += found.end;
        rest = &rest[found.end..];
    }
    output.push_str(rest);
    Ok(output)
}

fn missing_anchor(anchor: &str, path: &Path) -> String {
    format!(
        "anchor `{anchor}` not found in {} (mdBook would render an empty block)",
        path.display()
    )
}

/// Splits `path:anchor`. A bare path means the whole file.
fn parse_target(target: &str) -> Result<(&str, Option<&str>), String> {
    let target = target.trim();
    // mdBook takes the path up to the first space; anything after it is ignored.
    let target = target.split_whitespace().next().unwrap_or("");
    let mut parts = target.splitn(2, ':');
    let path = parts.next().unwrap_or("");
    if path.is_empty() {
        return Err("the directive names no file".to_string());
    }
    match parts.next() {
        None => Ok((path, None)),
        Some(spec) => {
            let first = spec.split(':').next().unwrap_or("");
            let is_line_range =
                first.is_empty() || first.chars().all(|c| c.is_ascii_digit());
            if is_line_range {
                Err("line ranges are not allowed in this book: \
                     they break silently when the file changes, so mark the lines with an anchor"
                    .to_string())
            } else if spec.contains(':') {
                Err("an anchor name cannot contain `:`".to_string())
            } else {
                Ok((path, Some(spec)))
            }
        }
    }
}

/// The whole file, line by line, without a final newline (as mdBook does).
fn whole_file(source: &str) -> String {
    source.lines().collect::<Vec<_>>().join("\n")
}

/// The lines of anchor `name`, with every anchor-marker line dropped.
/// `None` when the file has no such anchor.
fn anchored_lines(source: &str, name: &str) -> Option<String> {
    let mut kept = Vec::new();
    let mut found = false;
    for line in source.lines() {
        if found {
            match anchor_end(line) {
                Some(end) if end == name => break,
                Some(_) => {}
                None if anchor_start(line).is_none() => kept.push(line),
                None => {}
            }
        } else if anchor_start(line) == Some(name) {
            found = true;
        }
    }
    found.then(|| kept.join("\n"))
}

/// The whole file with the lines outside anchor `name` hidden behind `# `,
/// and every anchor-marker line dropped. `None` when there is no such anchor.
fn rustdoc_anchored_lines(source: &str, name: &str) -> Option<String> {
    let mut output = String::with_capacity(source.len() + 256);
    let mut inside = false;
    let mut found = false;
    for line in source.lines() {
        if inside {
            match anchor_end(line) {
                Some(end) if end == name => inside = false,
                Some(_) => {}
                None if anchor_start(line).is_none() => {
                    output.push_str(line);
                    output.push('\n');
                }
                None => {}
            }
        } else if let Some(start) = anchor_start(line) {
            if start == name {
                inside = true;
                found = true;
            }
        } else if anchor_end(line).is_none() {
            output.push_str("# ");
            output.push_str(line);
            output.push('\n');
        }
    }
    output.pop();
    found.then_some(output)
}

/// The name in an `ANCHOR: name` marker, if the line holds one.
fn anchor_start(line: &str) -> Option<&str> {
    marker_name(line, "ANCHOR:")
}

/// The name in an `ANCHOR_END: name` marker, if the line holds one.
fn anchor_end(line: &str) -> Option<&str> {
    marker_name(line, "ANCHOR_END:")
}

fn marker_name<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    // mdBook matches `ANCHOR:\s*([\w_-]+)` anywhere in the line. `ANCHOR:` is
    // never a suffix of `ANCHOR_END:`, so the two markers cannot be confused.
    let at = line.find(marker)?;
    let after = line[at + marker.len()..].trim_start();
    let len = after
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(after.len());
    (len > 0).then(|| &after[..len])
}

enum DirectiveKind<'a> {
    /// `\{{#...}}`: shown as written, without the backslash.
    Escaped,
    /// `{{#name target}}`.
    Link { name: &'a str, target: &'a str },
}

struct Directive<'a> {
    start: usize,
    end: usize,
    kind: DirectiveKind<'a>,
}

/// Finds the next directive, following mdBook's pattern:
/// `\\\{\{#.*\}\}` (escaped, greedy up to the last `}}` on the line) or
/// `\{\{\s*#([a-zA-Z0-9_]+)\s+([^}]+)\}\}`.
fn find_directive(text: &str) -> Option<Directive<'_>> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(offset) = text[from..].find("{{") {
        let open = from + offset;
        // Escaped form: a backslash right before `{{#`.
        if open > 0 && bytes[open - 1] == b'\\' && text[open + 2..].starts_with('#') {
            let line_end = text[open..].find('\n').map_or(text.len(), |i| open + i);
            if let Some(close) = text[open..line_end].rfind("}}") {
                return Some(Directive {
                    start: open - 1,
                    end: open + close + 2,
                    kind: DirectiveKind::Escaped,
                });
            }
        }
        if let Some(directive) = parse_link_at(text, open) {
            return Some(directive);
        }
        from = open + 1;
    }
    None
}

fn parse_link_at(text: &str, open: usize) -> Option<Directive<'_>> {
    let after_braces = &text[open + 2..];
    let hash = after_braces.len() - after_braces.trim_start().len();
    let after_hash = after_braces[hash..].strip_prefix('#')?;
    let name_len = after_hash
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(after_hash.len());
    if name_len == 0 {
        return None;
    }
    let name = &after_hash[..name_len];
    let after_name = &after_hash[name_len..];
    let space = after_name.len() - after_name.trim_start().len();
    if space == 0 {
        return None;
    }
    let target_and_rest = &after_name[space..];
    let target_len = target_and_rest.find('}').unwrap_or(target_and_rest.len());
    if target_len == 0 || !target_and_rest[target_len..].starts_with("}}") {
        return None;
    }
    let target = &target_and_rest[..target_len];
    let end = text.len() - target_and_rest.len() + target_len + 2;
    Some(Directive {
        start: open,
        end,
        kind: DirectiveKind::Link { name, target },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A throwaway folder of files for one test.
    struct Files(tempfile::TempDir);

    impl Files {
        fn new(files: &[(&str, &str)]) -> Self {
            let dir = tempfile::tempdir().unwrap();
            for (name, text) in files {
                let path = dir.path().join(name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            }
            Files(dir)
        }

        fn expand(&self, chapter: &str) -> Result<String, ExpandError> {
            expand_file(&self.0.path().join(chapter)).map(|expanded| expanded.text)
        }
    }

    const LISTING: &str = "\
use std::fmt;
// ANCHOR: shown
fn shown() {}
// ANCHOR: inner
fn inner() {}
// ANCHOR_END: inner
// ANCHOR_END: shown
fn hidden() {}
";

    #[test]
    fn includes_a_whole_file_with_its_anchor_comments() {
        let files =
            Files::new(&[("ch.md", "A\n{{#include l.rs}}\nB\n"), ("l.rs", LISTING)]);
        let expected = format!("A\n{}\nB\n", LISTING.trim_end());
        assert_eq!(files.expand("ch.md").unwrap(), expected);
    }

    #[test]
    fn includes_an_anchor_and_drops_every_marker_line() {
        let files =
            Files::new(&[("ch.md", "{{#include l.rs:shown}}"), ("l.rs", LISTING)]);
        assert_eq!(
            files.expand("ch.md").unwrap(),
            "fn shown() {}\nfn inner() {}"
        );
    }

    #[test]
    fn rustdoc_include_hides_the_lines_outside_the_anchor() {
        let files = Files::new(&[
            ("ch.md", "{{#rustdoc_include l.rs:inner}}"),
            ("l.rs", LISTING),
        ]);
        assert_eq!(
            files.expand("ch.md").unwrap(),
            "# use std::fmt;\n# fn shown() {}\nfn inner() {}\n# fn hidden() {}"
        );
    }

    #[test]
    fn rustdoc_include_of_a_whole_file_shows_it_all() {
        let files =
            Files::new(&[("ch.md", "{{#rustdoc_include l.rs}}"), ("l.rs", "a\nb\n")]);
        assert_eq!(files.expand("ch.md").unwrap(), "a\nb");
    }

    #[test]
    fn paths_are_relative_to_the_including_file_and_includes_nest() {
        let files = Files::new(&[
            ("book/ch.md", "{{#include ../parts/one.md}}"),
            ("parts/one.md", "one {{#include deeper/two.txt}}"),
            ("parts/deeper/two.txt", "two\n"),
        ]);
        assert_eq!(files.expand("book/ch.md").unwrap(), "one two");
    }

    #[test]
    fn an_escaped_directive_is_shown_without_its_backslash() {
        let files =
            Files::new(&[("ch.md", "write \\{{#include x.rs:a}} to include\n")]);
        assert_eq!(
            files.expand("ch.md").unwrap(),
            "write {{#include x.rs:a}} to include\n"
        );
    }

    #[test]
    fn crlf_files_are_read_line_by_line() {
        let files = Files::new(&[
            ("ch.md", "{{#include l.rs:a}}\r\n"),
            (
                "l.rs",
                "x\r\n// ANCHOR: a\r\ny\r\nz\r\n// ANCHOR_END: a\r\n",
            ),
        ]);
        assert_eq!(files.expand("ch.md").unwrap(), "y\nz\r\n");
    }

    #[test]
    fn a_missing_anchor_names_the_chapter_line_and_directive() {
        let files = Files::new(&[
            ("ch.md", "# Title\n\n{{#include l.rs:nope}}\n"),
            ("l.rs", LISTING),
        ]);
        let error = files.expand("ch.md").unwrap_err();
        assert!(error.file.ends_with("ch.md"));
        assert_eq!(error.line, 3);
        assert_eq!(error.directive, "{{#include l.rs:nope}}");
        assert!(error.reason.contains("anchor `nope` not found"), "{error}");
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let files = Files::new(&[("ch.md", "x\n{{#rustdoc_include gone.rs:a}}")]);
        let error = files.expand("ch.md").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.reason.contains("cannot read"), "{error}");
    }

    #[test]
    fn an_error_in_a_nested_include_names_the_nested_file() {
        let files = Files::new(&[
            ("ch.md", "{{#include part.md}}"),
            ("part.md", "\n\n{{#include l.rs:nope}}"),
            ("l.rs", LISTING),
        ]);
        let error = files.expand("ch.md").unwrap_err();
        assert!(error.file.ends_with("part.md"));
        assert_eq!(error.line, 3);
    }

    #[test]
    fn line_ranges_are_rejected() {
        for directive in ["l.rs:1:3", "l.rs:2", "l.rs::4", "l.rs:2:"] {
            let chapter = format!("{{{{#include {directive}}}}}");
            let files = Files::new(&[("ch.md", &chapter), ("l.rs", LISTING)]);
            let error = files.expand("ch.md").unwrap_err();
            assert!(error.reason.contains("line ranges"), "{directive}: {error}");
        }
    }

    #[test]
    fn unknown_directives_are_rejected() {
        let files = Files::new(&[("ch.md", "{{#playground l.rs}}")]);
        let error = files.expand("ch.md").unwrap_err();
        assert!(error.reason.contains("`playground`"), "{error}");
    }

    #[test]
    fn include_cycles_stop_at_the_depth_limit() {
        let files = Files::new(&[("ch.md", "{{#include ch.md}}")]);
        let error = files.expand("ch.md").unwrap_err();
        assert!(error.reason.contains("nested more than 10"), "{error}");
    }

    #[test]
    fn text_that_only_looks_like_a_directive_is_left_alone() {
        let text = "{{ not }} {{#}} {{#include}} {x}\n";
        let files = Files::new(&[("ch.md", text)]);
        assert_eq!(files.expand("ch.md").unwrap(), text);
    }

    #[test]
    fn the_files_read_are_reported() {
        let files = Files::new(&[
            ("ch.md", "{{#include a.md}}"),
            ("a.md", "{{#include b.rs}}"),
            ("b.rs", "b"),
        ]);
        let expanded = expand_file(&files.0.path().join("ch.md")).unwrap();
        let names: Vec<_> = expanded
            .included
            .iter()
            .map(|path| path.file_name().unwrap().to_str().unwrap())
            .collect();
        assert_eq!(names, ["a.md", "b.rs"]);
    }
}
