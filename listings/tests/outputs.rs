//! The output a chapter shows is the output the program prints.
//!
//! Each file `listings/output/<name>.txt` is the standard output of the program
//! listing `<name>`, included by a chapter in a `text` block. This test runs
//! every such program through the runner binary and compares. To rewrite the
//! files after changing a listing on purpose:
//!
//! ```console
//! $ SNAPSHOTS=overwrite cargo test -p listings --test outputs
//! ```
//!
//! To capture a new program's output, create an empty `<name>.txt` first.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Programs that need a running server and input: `tests/job_server.rs`
/// checks their output against the same files.
const CHECKED_ELSEWHERE: [&str; 1] = ["job_client"];

fn output_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("output");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .filter(|path| {
            let name = path.file_stem().unwrap().to_str().unwrap();
            !CHECKED_ELSEWHERE.contains(&name)
        })
        .collect();
    files.sort();
    files
}

/// How many programs run at once. Most wait on a paused clock and finish in
/// milliseconds; a few run on the real clock, and a small number keeps the
/// machine's load from changing what they print.
const AT_ONCE: usize = 4;

#[test]
fn every_shown_output_is_what_its_program_prints() {
    let files = output_files();
    assert!(!files.is_empty(), "no output files found");
    // Run the programs a few at a time, then compare in order, so that
    // `SNAPSHOTS=overwrite` rewrites the files one by one as before.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let runs = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE {
            scope.spawn(|| {
                loop {
                    let index =
                        next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(file) = files.get(index) else { break };
                    let name = file.file_stem().unwrap().to_str().unwrap();
                    let run = Command::new(env!("CARGO_BIN_EXE_listings"))
                        .arg(name)
                        .output()
                        .unwrap();
                    runs.lock().unwrap().push((index, run));
                }
            });
        }
    });
    let mut runs = runs.into_inner().unwrap();
    runs.sort_by_key(|(index, _)| *index);
    for (index, run) in runs {
        let file = &files[index];
        let name = file.file_stem().unwrap().to_str().unwrap();
        assert!(
            run.status.success(),
            "`{name}` failed ({}): {}",
            run.status,
            String::from_utf8_lossy(&run.stderr)
        );
        let stdout = String::from_utf8(run.stdout).unwrap();
        snapbox::assert_data_eq!(stdout, snapbox::Data::read_from(file, None));
    }
}
