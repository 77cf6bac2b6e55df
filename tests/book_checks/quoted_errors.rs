//! A compiler error the book quotes is the one rustc prints today.
//!
//! A chapter quotes the error of a `compile_fail` block in the `text` block
//! right after it (see `blocks::quotation`). This check compiles each such
//! block the way rustdoc does (hidden lines kept, wrapped in `fn main` if it
//! has none, edition 2024), against the dependencies `cargo test` has already
//! built, and requires every quoted line to appear in rustc's output. Line
//! numbers in the margin are ignored, and an ellipsis (`...` or `..`) in a
//! quoted line stands for anything (a path, say). The error code in the fence
//! (`rust,compile_fail,E0277`) must be rustc's too, which stable rustdoc does
//! not check.
//!
//! Only type checking is needed to get the error, so rustc runs with
//! `--emit=metadata`: the blocks are compiled in parallel and in well under a
//! second each. Panic messages are checked where the block runs: the test of a
//! `should_panic` block expects the message its quotation gives (`build.rs`).
//!
//! The appendix of error messages is held to more: every section's heading is
//! a message as printed, and its section shows a quotation checked here, by a
//! `should_panic` test, or by the output snapshots.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::blocks::{self, Kind};
use crate::book;

/// The appendix that lists error messages.
const APPENDIX: &str = "error-messages.md";

/// One `compile_fail` block and the error its chapter quotes.
struct Quoted {
    source: String,
    code: String,
    error_code: Option<String>,
    quotation: Vec<String>,
}

fn quoted_compile_errors() -> Vec<Quoted> {
    let mut quoted = Vec::new();
    for chapter in book::chapter_files() {
        let text = book::expanded(&chapter).text;
        let fences = book::fences(&text);
        // Name a block by its line in the chapter as written, where an author
        // finds it (includes change the lines after them).
        let written =
            std::fs::read_to_string(book::root().join("src").join(&chapter))
                .map(|written| book::fences(&written))
                .unwrap_or_default();
        for (index, fence) in fences.iter().enumerate() {
            let line = match written.get(index) {
                Some(source) if written.len() == fences.len() => source.line,
                _ => fence.line,
            };
            if Kind::of(&fence.info) != Some(Kind::CompileFail) {
                continue;
            }
            let Some(quotation) = blocks::quotation(&text, &fences, index) else {
                continue;
            };
            let mut code = String::from("#![allow(unused)]\n");
            let body = blocks::code(&fence.body);
            if blocks::has_main(&body) {
                code.push_str(&body);
            } else {
                code.push_str(&format!("fn main() {{\n{body}}}\n"));
            }
            quoted.push(Quoted {
                source: format!("src/{}:{line}", chapter.display()),
                code,
                error_code: fence
                    .info
                    .split(',')
                    .map(str::trim)
                    .find(|word| is_error_code(word))
                    .map(str::to_string),
                quotation: quotation.body.clone(),
            });
        }
    }
    quoted
}

fn is_error_code(word: &str) -> bool {
    word.len() == 5
        && word.starts_with('E')
        && word[1..].chars().all(|c| c.is_ascii_digit())
}

/// Where cargo put the test binaries and the dependencies' libraries.
fn deps_dir() -> PathBuf {
    std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `--extern` flags for the crates a code block may use: the root package's
/// dev-dependencies, each as the newest library of that name cargo built. Its
/// own dependencies are found in the same directory by their hashes.
fn extern_flags(deps: &Path) -> Vec<String> {
    let manifest = std::fs::read_to_string(book::root().join("Cargo.toml")).unwrap();
    let section = manifest
        .split("\n[dev-dependencies]\n")
        .nth(1)
        .expect("Cargo.toml has [dev-dependencies]");
    let names = section
        .lines()
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split(['.', '=', ' ']).next())
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .map(|name| name.replace('-', "_"));
    let files: Vec<PathBuf> = std::fs::read_dir(deps)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    let mut flags = Vec::new();
    for name in names {
        let prefix = format!("lib{name}-");
        let newest = files
            .iter()
            .filter(|path| {
                let file = path.file_name().unwrap().to_string_lossy();
                file.starts_with(&prefix)
                    && (file.ends_with(".rlib") || file.ends_with(".so"))
            })
            .max_by_key(|path| path.metadata().unwrap().modified().unwrap());
        if let Some(path) = newest {
            flags.push(format!("--extern={name}={}", path.display()));
        }
    }
    flags
}

/// The compiler that built the dependencies: `$RUSTC` if set, or else the
/// `rustc` beside the `cargo` running the tests (under rustup, that is the
/// toolchain's own, not the proxy's choice for the scratch directory).
fn rustc() -> PathBuf {
    if let Some(rustc) = std::env::var_os("RUSTC") {
        return rustc.into();
    }
    std::env::var_os("CARGO")
        .map(|cargo| PathBuf::from(cargo).with_file_name("rustc"))
        .filter(|rustc| rustc.exists())
        .unwrap_or_else(|| "rustc".into())
}

/// rustc's diagnostics for one block.
fn compile(quoted: &Quoted, dir: &Path, deps: &Path, externs: &[String]) -> String {
    let file = dir.join("block.rs");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(&file, &quoted.code).unwrap();
    let output = Command::new(rustc())
        .current_dir(dir)
        .args([
            "--edition=2024",
            "--crate-type=bin",
            "--crate-name=block",
            "--emit=metadata",
            "--color=never",
            "-o",
            "block.rmeta",
            "block.rs",
        ])
        .arg(format!("-Ldependency={}", deps.display()))
        .args(externs)
        .output()
        .unwrap();
    assert!(
        !output.status.success(),
        "{}: compiles, but the block is compile_fail",
        quoted.source
    );
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A diagnostic line without its margin's line number: `12 |     x` and
/// `  |     x` both become `|     x`.
fn without_line_number(line: &str) -> &str {
    let trimmed = line.trim_start();
    let digits = trimmed.trim_start_matches(|c: char| c.is_ascii_digit());
    match digits.trim_start().strip_prefix('|') {
        Some(_) => digits.trim_start().trim_end(),
        None => line.trim_end(),
    }
}

/// Whether `line` holds the pieces of `pattern` between its ellipses (`...` or
/// `..`), in order.
fn matches(pattern: &str, line: &str) -> bool {
    let mut rest = line;
    let pattern = pattern.replace("...", "\0").replace("..", "\0");
    for piece in pattern.split('\0') {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

/// The quoted lines that appear in no line of rustc's output.
fn missing_lines(quotation: &[String], stderr: &str) -> Vec<String> {
    let printed: Vec<&str> = stderr.lines().map(without_line_number).collect();
    quotation
        .iter()
        .map(|line| without_line_number(line))
        .filter(|line| !line.is_empty())
        .filter(|line| !printed.iter().any(|printed| matches(line, printed)))
        .map(str::to_string)
        .collect()
}

#[test]
fn quoted_compiler_errors_are_what_rustc_prints() {
    let quoted = quoted_compile_errors();
    let deps = deps_dir();
    let externs = extern_flags(&deps);
    let scratch = tempfile::tempdir().unwrap();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index =
                        next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(quoted) = quoted.get(index) else {
                        break;
                    };
                    let dir = scratch.path().join(index.to_string());
                    let stderr = compile(quoted, &dir, &deps, &externs);
                    let mut problems = missing_lines(&quoted.quotation, &stderr);
                    if let Some(code) = &quoted.error_code
                        && !stderr.contains(&format!("error[{code}]"))
                    {
                        problems.push(format!("the error code {code}"));
                    }
                    if !problems.is_empty() {
                        failures.lock().unwrap().push(format!(
                            "{}: rustc does not print\n  {}\nIt prints:\n{stderr}",
                            quoted.source,
                            problems.join("\n  ")
                        ));
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} quoted compiler errors are out of date:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The text a heading of the appendix must find in its section's quotation:
/// `E0733: recursion …` stands for `error[E0733]: recursion …`, so that a
/// search for the code alone finds the heading.
fn quoted_form(heading: &str) -> String {
    match heading.split_once(": ") {
        Some((code, message)) if is_error_code(code) => {
            format!("error[{code}]: {message}")
        }
        _ => heading.to_string(),
    }
}

#[test]
fn each_appendix_heading_is_a_checked_message() {
    let path = book::root().join("src").join(APPENDIX);
    let written = std::fs::read_to_string(&path).unwrap();
    let text = book::expanded(Path::new(APPENDIX)).text;
    let fences = book::fences(&text);
    let written_fences = book::fences(&written);
    assert_eq!(fences.len(), written_fences.len(), "includes add no fences");
    // Each quotation this suite checks, and each included program output.
    let checked: Vec<&book::Fence> = fences
        .iter()
        .enumerate()
        .filter_map(|(index, fence)| match Kind::of(&fence.info) {
            Some(Kind::CompileFail | Kind::ShouldPanic) => {
                blocks::quotation(&text, &fences, index)
            }
            _ if fence.info == "text"
                && written_fences[index]
                    .body
                    .iter()
                    .any(|line| line.contains("/listings/output/")) =>
            {
                Some(fence)
            }
            _ => None,
        })
        .collect();
    let mut headings = 0;
    let mut problems = Vec::new();
    for (line, prose) in book::prose_lines(&text) {
        let Some(heading) = prose.strip_prefix("## ") else {
            continue;
        };
        headings += 1;
        let wanted = quoted_form(heading.trim());
        let section_end = text
            .lines()
            .enumerate()
            .skip(line)
            .find(|(_, next)| next.starts_with("## "))
            .map_or(usize::MAX, |(index, _)| index + 1);
        let found = checked.iter().any(|fence| {
            fence.line > line
                && fence.line < section_end
                && fence.body.iter().any(|quoted| matches(&wanted, quoted))
        });
        if !found {
            let written_line = written
                .lines()
                .position(|written| written == prose)
                .map_or(line, |index| index + 1);
            problems.push(format!(
                "src/{APPENDIX}:{written_line}: `{heading}` is not in a checked quotation of its section"
            ));
        }
    }
    assert!(headings > 0, "the appendix has no sections");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn margins_and_ellipses_are_ignored() {
    let stderr = "error[E0277]: `{async block@src/main.rs:4:9: 4:14}` cannot be unpinned\n\
                  12 |     tokio::spawn(f).await;\n";
    let quoted = [
        "error[E0277]: `{async block@...}` cannot be unpinned".to_string(),
        "   |     tokio::spawn(f).await;".to_string(),
    ];
    assert!(missing_lines(&quoted, stderr).is_empty());
    let short = ["= help: within `{async block@..}`, the trait".to_string()];
    let help = "    = help: within `{async block@main.rs:21:29: 21:39}`, the trait";
    assert!(missing_lines(&short, help).is_empty());
    let stale = ["error[E0277]: `{async block@...}` can't be unpinned".to_string()];
    assert_eq!(missing_lines(&stale, stderr).len(), 1);
    assert_eq!(
        quoted_form("E0733: recursion in an async fn requires boxing"),
        "error[E0733]: recursion in an async fn requires boxing"
    );
}
