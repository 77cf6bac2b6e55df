//! The code blocks of a chapter, and how each Rust block becomes a test.
//!
//! `build.rs` turns every Rust block of every expanded chapter into a test that
//! cargo compiles and caches like any other test target: one module per block,
//! grouped into one test target per part of the book (`tests/book/part_N.rs`).
//! A block that must not compile stays a rustdoc doctest, since only a separate
//! compiler run can show that it fails. The rules follow rustdoc's, so a block
//! behaves here as it does in rustdoc and in mdBook's playground:
//!
//! - a line whose trimmed text starts with `# ` (or is `#` alone) is hidden from
//!   the reader but compiled; `##` at the start of a line stands for `#`;
//! - a block with no `fn main` is wrapped in one, and a block that ends in
//!   `(())` is wrapped in a `main` that unwraps a `Result`;
//! - `should_panic` passes when `main` panics or returns an error;
//! - `test_harness` compiles the block as a test module and runs its tests;
//! - `no_run` compiles the block and runs nothing.
//!
//! Each block is a module of its part's test target, so it cannot use
//! crate-level attributes (`#![feature]`), and every block in a part shares one
//! process. A block that changes process-wide state (a global subscriber, a
//! panic hook, the environment, `process::exit`) is run in a process of its
//! own, by the test binary calling itself.
//!
//! `build.rs` and the book checks both include this file with `#[path]`.

#![allow(dead_code)] // Each includer uses a different part of the module.

/// A fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
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
            Some((marker, _)) if closes(line, marker) => {
                fences.push(open.take().unwrap().1)
            }
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

/// `text` with the info string of every fence for which `keep` is false
/// replaced by `text`, so rustdoc leaves those blocks alone. Line numbers do not
/// change.
pub fn only_fences(markdown: &str, keep: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut open: Option<String> = None;
    for line in markdown.lines() {
        match &open {
            Some(marker) if closes(line, marker) => {
                open = None;
                out.push_str(line);
            }
            Some(_) => out.push_str(line),
            None => match opening_marker(line) {
                Some(marker) => {
                    let info = line.trim_start()[marker.len()..].trim();
                    if keep(info) {
                        out.push_str(line);
                    } else {
                        let indent = &line[..line.len() - line.trim_start().len()];
                        out.push_str(&format!("{indent}{marker}text"));
                    }
                    open = Some(marker);
                }
                None => out.push_str(line),
            },
        }
        out.push('\n');
    }
    out
}

/// The quotation of what a Rust block makes rustc or the program print: the
/// `text` fence that follows `fences[index]` with nothing between them but blank
/// lines and lead-ins that end in a colon ("rustc rejects this with:"). This is
/// how a chapter quotes a compiler error or a panic message, and the quotation
/// is checked against a real run: a book check (`quoted_errors`) compiles each
/// `compile_fail` block and finds its quotation in rustc's output, and the test
/// of a `should_panic` block expects the message its quotation gives.
pub fn quotation<'a>(
    text: &str,
    fences: &'a [Fence],
    index: usize,
) -> Option<&'a Fence> {
    let block = fences.get(index)?;
    let next = fences.get(index + 1).filter(|next| next.info == "text")?;
    // 1-based lines: the block's closing fence is at `line + body.len() + 1`.
    let between = text
        .lines()
        .skip(block.line + block.body.len() + 1)
        .take(next.line.checked_sub(block.line + block.body.len() + 2)?);
    let mut between = between.map(str::trim);
    between
        .all(|line| line.is_empty() || line.ends_with(':'))
        .then_some(next)
}

/// The panic message a `should_panic` block's quotation gives: its lines, less
/// a first line `thread '…' panicked at …:` that names where it panicked.
pub fn quoted_panic(quotation: &Fence) -> String {
    let mut lines = quotation.body.as_slice();
    if lines.first().is_some_and(|first| {
        first.starts_with("thread '") && first.contains("panicked at")
    }) {
        lines = &lines[1..];
    }
    lines.join("\n").trim().to_string()
}

/// How a Rust block is tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Compiled and run: `main` must return normally.
    Run,
    /// Compiled only.
    NoRun,
    /// Compiled and run: `main` must panic or return an error.
    ShouldPanic,
    /// Compiled as a test module; its own tests run.
    TestHarness,
    /// Must not compile: a rustdoc doctest.
    CompileFail,
}

impl Kind {
    /// The kind of a fence with this info string, or `None` if it is not Rust.
    pub fn of(info: &str) -> Option<Kind> {
        let mut words = info.split(',').map(str::trim);
        if words.next() != Some("rust") {
            return None;
        }
        let words: Vec<&str> = words.collect();
        Some(if words.contains(&"compile_fail") {
            Kind::CompileFail
        } else if words.contains(&"test_harness") {
            Kind::TestHarness
        } else if words.contains(&"should_panic") {
            Kind::ShouldPanic
        } else if words.contains(&"no_run") {
            Kind::NoRun
        } else {
            Kind::Run
        })
    }

    /// The word the manifest uses for this kind.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::NoRun => "no_run",
            Kind::ShouldPanic => "should_panic",
            Kind::TestHarness => "test_harness",
            Kind::CompileFail => "compile_fail",
        }
    }
}

/// A line of a Rust block as rustdoc sees it: shown to the reader, or hidden
/// but compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line<'a> {
    Shown(std::borrow::Cow<'a, str>),
    Hidden(&'a str),
}

/// Rustdoc's reading of one line of a Rust block.
pub fn classify(line: &str) -> Line<'_> {
    let trimmed = line.trim();
    if trimmed.starts_with("##") {
        Line::Shown(std::borrow::Cow::Owned(line.replacen("##", "#", 1)))
    } else if let Some(stripped) = trimmed.strip_prefix("# ") {
        Line::Hidden(stripped)
    } else if trimmed == "#" {
        Line::Hidden("")
    } else {
        Line::Shown(std::borrow::Cow::Borrowed(line))
    }
}

/// The lines a reader sees in a Rust block (hidden lines left out).
pub fn shown_lines(body: &[String]) -> Vec<String> {
    body.iter()
        .filter_map(|line| match classify(line) {
            Line::Shown(text) => Some(text.into_owned()),
            Line::Hidden(_) => None,
        })
        .collect()
}

/// The code the compiler sees: every line, with the hiding markers removed.
pub fn code(body: &[String]) -> String {
    let mut code = String::new();
    for line in body {
        match classify(line) {
            Line::Shown(text) => code.push_str(&text),
            Line::Hidden(text) => code.push_str(text),
        }
        code.push('\n');
    }
    code
}

/// Whether `code` defines its own `main` (rustdoc wraps it in one otherwise).
pub fn has_main(code: &str) -> bool {
    code.lines().any(|line| {
        let line = line.split("//").next().unwrap_or("");
        line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .collect::<Vec<_>>()
            .windows(2)
            .any(|pair| pair == ["fn", "main"])
    })
}

/// Calls that change state shared by the whole process. A block that makes one
/// runs in a process of its own, so it cannot disturb the blocks beside it.
const PROCESS_WIDE: &[&str] = &[
    ".init()",
    "set_global_default",
    "set_hook",
    "take_hook",
    "env::set_var",
    "env::remove_var",
    "process::exit",
    "global_allocator",
];

/// Whether a block must run in a process of its own.
pub fn needs_own_process(code: &str) -> bool {
    PROCESS_WIDE.iter().any(|call| code.contains(call))
}

/// `code` with `cfg(test)` made false: rustdoc compiles a block without
/// `--test` (unless it is a `test_harness` block), so a listing's
/// `#[cfg(test)] mod tests` is left out, but every part's target is a test
/// crate, where `test` is set. Within a `cfg` condition, `test` becomes `any()`,
/// which is false, and `not(test)` becomes `not(any())`, which is true.
pub fn without_cfg_test(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for line in code.lines() {
        if line.contains("cfg(")
            || line.contains("cfg_attr(")
            || line.contains("cfg!(")
        {
            let mut rewritten = String::new();
            let mut word = String::new();
            for c in line.chars().chain(std::iter::once('\n')) {
                if c.is_alphanumeric() || c == '_' {
                    word.push(c);
                    continue;
                }
                rewritten.push_str(if word == "test" { "any()" } else { &word });
                word.clear();
                rewritten.push(c);
            }
            out.push_str(&rewritten);
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The module, in a part's test target, that compiles and runs one block.
/// `module` is a Rust identifier; `source` says where the block is, for people.
pub fn test_module(
    module: &str,
    source: &str,
    kind: Kind,
    body: &[String],
    expected_panic: Option<&str>,
) -> String {
    let code = match kind {
        Kind::TestHarness => code(body),
        _ => without_cfg_test(&code(body)),
    };
    let mut inner = String::new();
    let wrapped_in_main = !has_main(&code) && kind != Kind::TestHarness;
    if wrapped_in_main {
        if code.trim_end().ends_with("(())") {
            inner.push_str("fn main() { fn _inner() -> ::core::result::Result<(), impl ::core::fmt::Debug> {\n");
            inner.push_str(&code);
            inner.push_str("} _inner().unwrap() }\n");
        } else {
            inner.push_str("fn main() {\n");
            inner.push_str(&code);
            inner.push_str("}\n");
        }
    } else {
        inner.push_str(&code);
    }
    let alone = needs_own_process(&code);
    let should_panic = should_panic_attribute(expected_panic);
    let runner = match (kind, alone) {
        (Kind::Run, false) => {
            "#[test]\nfn main_runs() -> impl ::std::process::Termination {\n    main()\n}\n"
                .to_string()
        }
        (Kind::ShouldPanic, false) => format!(
            "#[test]\n{should_panic}\nfn main_panics() {{\n    let code = ::std::process::Termination::report(main());\n    assert!(code == ::std::process::ExitCode::SUCCESS, \"main returned an error\");\n}}\n"
        ),
        (Kind::Run, true) => {
            "#[test]\nfn main_runs() {\n    crate::alone::run(module_path!(), \"main_runs\", true, None, main);\n}\n".to_string()
        }
        (Kind::ShouldPanic, true) => format!(
            "#[test]\nfn main_panics() {{\n    crate::alone::run(module_path!(), \"main_panics\", false, {expected_panic:?}, main);\n}}\n"
        ),
        (Kind::NoRun, _) => "#[test]\nfn compiles() {\n    let _ = main;\n}\n".to_string(),
        (Kind::TestHarness, _) | (Kind::CompileFail, _) => String::new(),
    };
    format!(
        "/// {source} ({})\n#[allow(unused, unexpected_cfgs, clippy::all)]\nmod {module} {{\n{inner}\n{runner}}}\n",
        kind.word()
    )
}

/// `#[should_panic]`, with the message the chapter quotes if it quotes one.
fn should_panic_attribute(expected_panic: Option<&str>) -> String {
    match expected_panic {
        Some(message) => format!("#[should_panic(expected = {message:?})]"),
        None => "#[should_panic]".to_string(),
    }
}

/// The listing file a block shows whole, if its fence holds nothing but one
/// `{{#rustdoc_include file.rs}}` or `{{#include file.rs}}` directive (with or
/// without an anchor: `rustdoc_include` compiles the whole file either way).
/// Returns the path as written in the directive.
pub fn whole_file_include(written_body: &[String]) -> Option<&str> {
    let mut lines = written_body.iter().filter(|line| !line.trim().is_empty());
    let only = lines.next()?.trim();
    if lines.next().is_some() {
        return None;
    }
    let inner = only.strip_prefix("{{#")?.strip_suffix("}}")?;
    let (directive, target) = inner.split_once(' ')?;
    let target = target.trim();
    match directive {
        "rustdoc_include" => Some(target.split(':').next().unwrap()),
        "include" if !target.contains(':') => Some(target),
        _ => None,
    }
}

/// Whether a listing file has a `main` the tests can call from outside.
pub fn has_public_main(code: &str) -> bool {
    code.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("pub fn main(") || line.starts_with("pub async fn main(")
    })
}

/// The module, in a part's test target, for a block that shows a whole file of
/// the listings crate. That crate already compiles the file, as a module whose
/// path mirrors the file's (`listings/src/tasks/abort.rs` is
/// `listings::tasks::abort`), so it is not compiled a second time here:
///
/// - the `use` proves that the crate really compiles the file (a file missing
///   from its chapter's `mod.rs`, or declared private, fails the build);
/// - a program's `main` is called, as rustdoc would run it;
/// - a `test_harness` block's tests are the file's own `mod tests`, which the
///   listings crate's tests run.
///
/// A book check makes sure listing files never refer to the rest of their
/// crate, so compiling one as a module proves what compiling it alone would.
pub fn delegated_module(
    module: &str,
    source: &str,
    kind: Kind,
    listing_path: &str,
    public_main: bool,
    expected_panic: Option<&str>,
) -> Result<String, String> {
    let should_panic = should_panic_attribute(expected_panic);
    let runner = match (kind, public_main) {
        (Kind::Run, true) => format!(
            "#[test]\nfn main_runs() -> impl ::std::process::Termination {{\n    {listing_path}::main()\n}}\n"
        ),
        (Kind::ShouldPanic, true) => format!(
            "#[test]\n{should_panic}\nfn main_panics() {{\n    let code = ::std::process::Termination::report({listing_path}::main());\n    assert!(code == ::std::process::ExitCode::SUCCESS, \"main returned an error\");\n}}\n"
        ),
        (Kind::ShouldPanic, false) => {
            return Err(format!(
                "{source}: a should_panic block shows a file with no `pub fn main`"
            ));
        }
        // Nothing to run: no `main` (rustdoc would wrap the file in an empty
        // one), a private one, a test_harness block whose tests run in the
        // listings crate, or a no_run block.
        _ => "#[test]\nfn compiled_by_the_listings_crate() {}\n".to_string(),
    };
    Ok(format!(
        "/// {source} ({}), the whole of {listing_path}\nmod {module} {{\nuse {listing_path} as _;\n\n{runner}}}\n",
        kind.word()
    ))
}

/// What every part's test target includes once: the helper that runs a block
/// in a process of its own.
pub const PRELUDE: &str = r#"
/// Runs a block's `main` in a child process: the test binary runs itself with
/// only this test selected and an environment variable that says "you are the
/// child". Used for blocks that change process-wide state.
mod alone {
    const CHILD: &str = "BOOK_BLOCK_IN_OWN_PROCESS";

    pub fn run<T: ::std::process::Termination>(
        module: &str,
        test: &str,
        must_succeed: bool,
        expected_panic: Option<&str>,
        main: fn() -> T,
    ) {
        // `module_path!()` starts with the crate's name; test names do not.
        let path = module.split_once("::").map_or(module, |(_, rest)| rest);
        let name = format!("{path}::{test}");
        if ::std::env::var(CHILD).as_deref() == Ok(name.as_str()) {
            let code = ::std::process::Termination::report(main());
            ::std::process::exit(if code == ::std::process::ExitCode::SUCCESS { 0 } else { 101 });
        }
        let output = ::std::process::Command::new(::std::env::current_exe().unwrap())
            .args([name.as_str(), "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, &name)
            .output()
            .unwrap();
        let succeeded = output.status.success();
        assert_eq!(
            succeeded,
            must_succeed,
            "{name}: expected {}, got {}\n{}{}",
            if must_succeed { "success" } else { "a panic or an error" },
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
        );
        if let Some(expected) = expected_panic {
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                stderr.contains(expected),
                "{name}: the panic message is not the one quoted: {expected}\n{stderr}"
            );
        }
    }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn hidden_lines_are_compiled_but_not_shown() {
        let body = lines(
            "# use std::fmt;\nlet x = 1;\n    # let y = 2;\n#\n## [derive(Debug)]\n#[test]",
        );
        assert_eq!(
            shown_lines(&body),
            ["let x = 1;", "# [derive(Debug)]", "#[test]"]
        );
        assert_eq!(
            code(&body),
            "use std::fmt;\nlet x = 1;\nlet y = 2;\n\n# [derive(Debug)]\n#[test]\n"
        );
    }

    #[test]
    fn kinds_follow_the_fence_words() {
        assert_eq!(Kind::of("rust"), Some(Kind::Run));
        assert_eq!(Kind::of("rust,noplayground"), Some(Kind::Run));
        assert_eq!(Kind::of("rust,misbehaves"), Some(Kind::Run));
        assert_eq!(Kind::of("rust,no_run"), Some(Kind::NoRun));
        assert_eq!(Kind::of("rust,should_panic"), Some(Kind::ShouldPanic));
        assert_eq!(Kind::of("rust,test_harness"), Some(Kind::TestHarness));
        assert_eq!(Kind::of("rust,compile_fail,E0277"), Some(Kind::CompileFail));
        assert_eq!(Kind::of("text"), None);
        assert_eq!(Kind::of("rustc"), None);
    }

    #[test]
    fn main_is_found_as_rustdoc_finds_it() {
        assert!(has_main("#[tokio::main]\nasync fn main() {}"));
        assert!(has_main("pub fn main() {}"));
        assert!(!has_main("fn mainly() {}\n// fn main() in a comment"));
        assert!(!has_main("let domain = 1;"));
    }

    #[test]
    fn a_block_without_main_is_wrapped_in_one() {
        let module =
            test_module("line_3", "x.md:3", Kind::Run, &lines("let x = 1;"), None);
        assert!(module.contains("fn main() {\nlet x = 1;\n}"), "{module}");
        assert!(module.contains("fn main_runs()"), "{module}");
        let question = test_module(
            "line_4",
            "x.md:4",
            Kind::Run,
            &lines("f()?;\n# Ok::<(), E>(())"),
            None,
        );
        assert!(question.contains("_inner().unwrap()"), "{question}");
    }

    #[test]
    fn each_kind_gets_its_runner() {
        let body = lines("fn main() {}");
        assert!(
            test_module("a", "s", Kind::ShouldPanic, &body, None)
                .contains("#[should_panic]")
        );
        assert!(
            test_module("a", "s", Kind::NoRun, &body, None).contains("fn compiles()")
        );
        let harness = test_module(
            "a",
            "s",
            Kind::TestHarness,
            &lines("#[test]\nfn t() {}"),
            None,
        );
        assert!(!harness.contains("fn main"), "{harness}");
        let alone =
            test_module("a", "s", Kind::Run, &lines("fn main() { x.init(); }"), None);
        assert!(alone.contains("crate::alone::run"), "{alone}");
    }

    #[test]
    fn a_quoted_panic_message_is_expected() {
        let body = lines("fn main() {}");
        let module =
            test_module("a", "s", Kind::ShouldPanic, &body, Some("boom \"x\""));
        assert!(
            module.contains(r#"#[should_panic(expected = "boom \"x\"")]"#),
            "{module}"
        );
        let alone = test_module(
            "a",
            "s",
            Kind::ShouldPanic,
            &lines("fn main() { x.init(); }"),
            Some("boom"),
        );
        assert!(alone.contains(r#"Some("boom"), main)"#), "{alone}");
    }

    #[test]
    fn a_quotation_follows_its_block() {
        let text =
            "```rust,compile_fail\nx\n```\n\nrustc says:\n\n```text\nerror: e\n```\n";
        let found = fences(text);
        assert_eq!(quotation(text, &found, 0).unwrap().body, ["error: e"]);
        let prose = "```rust\nx\n```\n\nAn explanation.\n\n```text\nout\n```\n";
        assert_eq!(quotation(prose, &fences(prose), 0), None);
        let panic = Fence {
            line: 1,
            info: "text".into(),
            body: lines("thread 'main' panicked at src/main.rs:3:5:\nboom"),
        };
        assert_eq!(quoted_panic(&panic), "boom");
    }

    #[test]
    fn cfg_test_is_false_outside_test_harness_blocks() {
        assert_eq!(
            without_cfg_test(
                "#[cfg(test)]\nmod tests {}\n#[cfg(not(test))]\nfn testing() {}\n"
            ),
            "#[cfg(any())]\nmod tests {}\n#[cfg(not(any()))]\nfn testing() {}\n"
        );
        let module = test_module(
            "a",
            "s",
            Kind::Run,
            &lines("fn main() {}\n#[cfg(test)]\nmod tests {}"),
            None,
        );
        assert!(module.contains("#[cfg(any())]"), "{module}");
        let harness = test_module(
            "a",
            "s",
            Kind::TestHarness,
            &lines("#[cfg(test)]\nmod tests {}"),
            None,
        );
        assert!(harness.contains("#[cfg(test)]"), "{harness}");
    }

    #[test]
    fn a_fence_that_is_one_include_shows_a_whole_file() {
        let one = |line: &str| whole_file_include(&lines(line)).map(str::to_string);
        assert_eq!(
            one("{{#rustdoc_include ../listings/src/a/b.rs:main}}").as_deref(),
            Some("../listings/src/a/b.rs")
        );
        assert_eq!(
            one("{{#rustdoc_include ../listings/src/a/b.rs}}").as_deref(),
            Some("../listings/src/a/b.rs")
        );
        assert_eq!(
            one("{{#include ../listings/src/a/b.rs}}").as_deref(),
            Some("../listings/src/a/b.rs")
        );
        // An anchored plain include shows part of a file, compiled on its own.
        assert_eq!(one("{{#include ../listings/src/a/b.rs:part}}"), None);
        assert_eq!(
            whole_file_include(&lines("# fn main() {\n{{#include x.rs}}\n# }")),
            None
        );
    }

    #[test]
    fn a_delegated_block_runs_the_listing_main() {
        let run =
            delegated_module("l", "s", Kind::Run, "::listings::a::b", true, None)
                .unwrap();
        assert!(run.contains("use ::listings::a::b as _;"), "{run}");
        assert!(run.contains("::listings::a::b::main()"), "{run}");
        let library =
            delegated_module("l", "s", Kind::Run, "::listings::a::b", false, None)
                .unwrap();
        assert!(!library.contains("main()"), "{library}");
        assert!(
            delegated_module(
                "l",
                "s",
                Kind::ShouldPanic,
                "::listings::a::b",
                false,
                None
            )
            .is_err()
        );
        assert!(has_public_main("#[tokio::main]\npub async fn main() {}"));
        assert!(!has_public_main("#[allow(dead_code)]\nfn main() {}"));
    }

    #[test]
    fn only_fences_turns_the_others_into_text_and_keeps_lines() {
        let markdown = "a\n```rust\nx\n```\n```rust,compile_fail\ny\n```\n";
        let kept = only_fences(markdown, |info| info.contains("compile_fail"));
        assert_eq!(kept, "a\n```text\nx\n```\n```rust,compile_fail\ny\n```\n");
    }
}
