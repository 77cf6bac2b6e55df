//! No code line a reader sees is wider than a rendered code block. At the
//! default font size mdBook renders a block 750 px wide, with 10 px of padding
//! on each side and 8.4 px a character (measured in Chromium), so 86 columns fit
//! and the 87th scrolls out of sight. Hidden lines of Rust blocks do not count.
//!
//! `text` blocks are left out: they quote compiler diagnostics and panic
//! messages word for word, and a quotation must not be re-wrapped. A program's
//! own output should still fit, and is easy to make fit.

use crate::blocks::{self, Kind};
use crate::book;

/// The widest line that fits a rendered code block.
pub const MAX_COLUMNS: usize = 86;

/// The lines of a fence a reader sees and this check measures.
fn shown(fence: &book::Fence) -> Vec<String> {
    if Kind::of(&fence.info).is_some() {
        blocks::shown_lines(&fence.body)
    } else if fence.info == "text" {
        Vec::new()
    } else {
        fence.body.clone()
    }
}

#[test]
fn no_shown_code_line_is_wider_than_the_block() {
    let mut wide = Vec::new();
    for chapter in book::chapter_files() {
        for fence in book::fences(&book::expanded(&chapter).text) {
            for line in shown(&fence) {
                let width = line.chars().count();
                if width > MAX_COLUMNS {
                    wide.push(format!(
                        "src/{} (block at line {} of the expanded chapter): {width} columns: {line}",
                        chapter.display(),
                        fence.line
                    ));
                }
            }
        }
    }
    assert!(
        wide.is_empty(),
        "{} shown lines are wider than {MAX_COLUMNS} columns:\n{}",
        wide.len(),
        wide.join("\n")
    );
}

#[test]
fn hidden_lines_do_not_count() {
    let fence = book::Fence {
        line: 1,
        info: "rust".into(),
        body: vec![format!("# {}", "x".repeat(100)), "let y = 1;".into()],
    };
    assert_eq!(shown(&fence), ["let y = 1;"]);
    let console = book::Fence {
        line: 1,
        info: "console".into(),
        body: vec![format!("# {}", "x".repeat(100))],
    };
    assert_eq!(shown(&console).len(), 1, "only Rust blocks hide lines");
}
