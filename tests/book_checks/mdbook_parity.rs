//! The expander agrees with mdBook itself, chapter by chapter.
//!
//! The doctests compile what `build.rs` expands. If that ever differed from
//! what mdBook renders, readers would see code that is not the code tested.
//! This check builds the book with mdBook's Markdown renderer, which writes
//! each chapter after its includes are expanded, and compares. It runs when
//! `mdbook` is on `PATH` (CI installs it) and says so when it is skipped.

//!
//! The same comparison runs on `parity-fixture/`, a tiny book that uses every
//! form the expander supports (escapes, nested and CRLF includes, spacing),
//! so a difference is caught even before a chapter uses that form.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{book, expand};

fn mdbook_installed() -> bool {
    let installed = Command::new("mdbook").arg("--version").output().is_ok();
    if !installed {
        eprintln!("mdbook is not on PATH: skipping the comparison with mdBook");
    }
    installed
}

/// Builds the book whose sources are in `src` with mdBook's Markdown renderer
/// and returns the folder it wrote the expanded chapters to.
fn render_with_mdbook(src: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        "[book]\ntitle = \"parity\"\nsrc = {:?}\n\n[rust]\nedition = \"2024\"\n\n\
         [build]\nbuild-dir = \"out\"\ncreate-missing = false\n\n[output.markdown]\n",
        src.display().to_string()
    );
    std::fs::write(dir.path().join("book.toml"), config).unwrap();
    let build = Command::new("mdbook")
        .arg("build")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "mdbook build failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let out = dir.path().join("out");
    (dir, out)
}

#[test]
fn the_expander_matches_mdbook_on_every_chapter() {
    if !mdbook_installed() {
        return;
    }
    let (_dir, out) = render_with_mdbook(&book::root().join("src"));
    let mut compared = 0;
    for chapter in book::chapter_files() {
        let rendered = out.join(&chapter);
        let ours = book::expanded(&chapter).text;
        let theirs = std::fs::read_to_string(&rendered).unwrap_or_else(|error| {
            panic!("mdBook wrote no {}: {error}", rendered.display())
        });
        assert_eq!(
            ours,
            theirs,
            "src/{} expands differently from mdBook",
            chapter.display()
        );
        compared += 1;
    }
    assert!(compared > 0, "no chapters compared");
}

#[test]
fn the_expander_matches_mdbook_on_every_form_of_include() {
    if !mdbook_installed() {
        return;
    }
    let src = book::root().join("tests/book_checks/parity-fixture/src");
    let (_dir, out) = render_with_mdbook(&src);
    let ours = expand::expand_file(&src.join("chapter.md")).unwrap().text;
    let theirs = std::fs::read_to_string(out.join("chapter.md")).unwrap();
    assert_eq!(ours, theirs);
}
