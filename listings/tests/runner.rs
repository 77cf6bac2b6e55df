//! The runner binary and the list of programs it runs.
//!
//! Every file with a `pub fn main` (or `pub async fn main`) must be registered
//! under its own file name in its chapter's `PROGRAMS`, and every registered
//! name must be such a file. Students rely on `--list` being complete.

use std::path::{Path, PathBuf};
use std::process::Command;

fn runner(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_listings"))
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn list_names_every_program_with_its_chapter() {
    let (code, stdout, _) = runner(&["--list"]);
    assert_eq!(code, 0);
    for program in listings::programs() {
        assert!(
            stdout
                .lines()
                .any(|line| line.split_whitespace().collect::<Vec<_>>()
                    == [program.name, program.chapter]),
            "`{}` is missing from --list",
            program.name
        );
    }
}

#[test]
fn an_unknown_name_suggests_the_closest_and_exits_with_2() {
    let (code, stdout, stderr) = runner(&["helo_tokio"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("there is no listing named `helo_tokio`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean: hello_tokio"), "{stderr}");
}

#[test]
fn no_arguments_prints_usage_and_exits_with_2() {
    let (code, _, stderr) = runner(&[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("usage:"), "{stderr}");
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_program_file_is_registered_and_every_registration_is_a_program_file() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut program_files = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        if relative == Path::new("main.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let has_main = text.lines().any(|line| {
            line.starts_with("pub fn main(") || line.starts_with("pub async fn main(")
        });
        if has_main {
            let chapter = relative
                .parent()
                .unwrap()
                .to_str()
                .unwrap()
                .replace('_', "-");
            let name = relative.file_stem().unwrap().to_str().unwrap().to_string();
            program_files.push((name, chapter));
        }
    }
    program_files.sort();
    let mut registered: Vec<(String, String)> = listings::programs()
        .iter()
        .map(|program| (program.name.to_string(), program.chapter.to_string()))
        .collect();
    registered.sort();
    assert_eq!(
        registered, program_files,
        "PROGRAMS in each chapter's mod.rs must list exactly the files with a `pub fn main`"
    );
    let mut names: Vec<_> = registered.iter().map(|(name, _)| name).collect();
    names.dedup();
    assert_eq!(
        names.len(),
        registered.len(),
        "program names must be unique"
    );
}
