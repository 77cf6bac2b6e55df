//! The fence-tag policy: every code fence says what it is, and every Rust
//! fence is one that rustdoc really tests. Rustdoc skips `ignore` and unknown
//! fences without a word, and treats an untagged fence as Rust, so a typo here
//! would silently take a block out of the test suite.

use crate::book;

/// Fence languages that are not Rust and are not compiled.
const OTHER_LANGUAGES: &[&str] = &["text", "console", "toml", "sh"];

/// Attributes a Rust fence may carry. An error code (`E0277`) may follow
/// `compile_fail`.
const RUST_ATTRIBUTES: &[&str] = &[
    "no_run",
    "compile_fail",
    "should_panic",
    "test_harness",
    "noplayground",
    "misbehaves",
];

/// Why `info` breaks the policy, or `None` if it is allowed.
pub fn policy_violation(info: &str) -> Option<String> {
    let words: Vec<&str> = info.split(',').map(str::trim).collect();
    match words.as_slice() {
        [""] => Some(
            "a fence needs a tag: `rust`, `text`, `console`, `toml` or `sh`".into(),
        ),
        [language] if OTHER_LANGUAGES.contains(language) => None,
        [language, ..] if OTHER_LANGUAGES.contains(language) => {
            Some(format!("`{language}` fences take no attributes"))
        }
        ["rust", attributes @ ..] => {
            for (index, attribute) in attributes.iter().enumerate() {
                let is_error_code = attribute.len() == 5
                    && attribute.starts_with('E')
                    && attribute[1..].chars().all(|c| c.is_ascii_digit());
                if is_error_code {
                    if index == 0 || attributes[index - 1] != "compile_fail" {
                        return Some(format!(
                            "error code `{attribute}` must follow `compile_fail`"
                        ));
                    }
                } else if !RUST_ATTRIBUTES.contains(attribute) {
                    return Some(format!(
                        "`{attribute}` is not allowed (allowed: {})",
                        RUST_ATTRIBUTES.join(", ")
                    ));
                }
            }
            None
        }
        [other, ..] => Some(format!(
            "`{other}` is not an allowed fence tag (use `rust`, or one of {})",
            OTHER_LANGUAGES.join(", ")
        )),
        [] => unreachable!("split always yields at least one item"),
    }
}

#[test]
fn every_fence_follows_the_policy() {
    let mut violations = Vec::new();
    let mut rust_fences = 0;
    for chapter in book::chapter_files() {
        let source =
            std::fs::read_to_string(book::root().join("src").join(&chapter)).unwrap();
        let written = book::fences(&source);
        for fence in &written {
            if let Some(reason) = policy_violation(&fence.info) {
                violations.push(format!(
                    "src/{}:{}: ```{}: {reason}",
                    chapter.display(),
                    fence.line,
                    fence.info
                ));
            }
        }
        // The chapter as rendered. An included file that contains a fence of
        // its own (in a doc comment, say) would end the chapter's block early.
        let rendered = book::fences(&book::expanded(&chapter).text);
        if rendered.len() != written.len() {
            violations.push(format!(
                "src/{}: {} fences as written but {} after includes: an included file contains a code fence",
                chapter.display(),
                written.len(),
                rendered.len()
            ));
        }
        rust_fences += rendered
            .iter()
            .filter(|fence| fence.info.starts_with("rust"))
            .count();
    }
    assert!(
        violations.is_empty(),
        "fence policy violations:\n{}",
        violations.join("\n")
    );
    // CI compares this count with the number of doctests rustdoc ran.
    println!("rust fences in the expanded chapters: {rust_fences}");
}

#[test]
fn the_policy_rejects_what_it_should() {
    for bad in [
        "",
        "rs",
        "rust,ignore",
        "rust,norun",
        "rust,should-panic",
        "rust,E0277",
        "text,rust",
        "Rust",
    ] {
        assert!(
            policy_violation(bad).is_some(),
            "`{bad}` should be rejected"
        );
    }
    for good in [
        "rust",
        "rust,compile_fail,E0277",
        "rust,compile_fail",
        "rust,no_run",
        "rust,should_panic",
        "rust,test_harness",
        "rust,noplayground",
        "rust,misbehaves",
        "text",
        "console",
        "toml",
        "sh",
    ] {
        assert_eq!(policy_violation(good), None, "`{good}` should be allowed");
    }
}
