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

fn output_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("output");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shown_output_is_what_its_program_prints() {
    let files = output_files();
    assert!(!files.is_empty(), "no output files found");
    for file in files {
        let name = file.file_stem().unwrap().to_str().unwrap();
        let run = Command::new(env!("CARGO_BIN_EXE_listings"))
            .arg(name)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "`{name}` failed ({}): {}",
            run.status,
            String::from_utf8_lossy(&run.stderr)
        );
        let stdout = String::from_utf8(run.stdout).unwrap();
        snapbox::assert_data_eq!(stdout, snapbox::Data::read_from(&file, None));
    }
}
