//! A listing file stands alone: it never refers to the rest of the listings
//! crate. A reader can paste it into a project of their own, and the harness
//! relies on it: a block that shows a whole listing is compiled once, as a
//! module of the listings crate, instead of again as a crate of its own, which
//! proves the same thing only if the file cannot see its neighbours.
//!
//! One folder is the exception: `listings/src/capstone/` is a single program
//! in several files, one per part of the job server, and its files name each
//! other with `super::` (`use super::protocol::Request;`). A reader copies the
//! folder, not one file, and the harness still compiles each file once, as the
//! module it is in the listings crate. `crate::` stays forbidden there too, so
//! the folder reaches nothing outside itself.

use crate::book;

/// Files of `listings/src` that are the crate's plumbing, not listings.
fn is_plumbing(path: &std::path::Path) -> bool {
    let name = path.file_name().unwrap();
    name == "mod.rs" || path.parent() == Some(&book::root().join("listings/src"))
}

/// The folder whose files may name each other with `super::`.
fn is_one_program(path: &std::path::Path) -> bool {
    path.starts_with(book::root().join("listings/src/capstone"))
}

/// Why a line reaches outside its file, if it does. `siblings` says whether
/// the file may name the other files of its folder.
fn reaches_outside(line: &str, siblings: bool) -> Option<&'static str> {
    let code = line.split("//").next().unwrap();
    if code.contains("crate::") {
        Some("`crate::` names the listings crate, not the file")
    } else if !siblings
        && !line.starts_with(char::is_whitespace)
        && code.contains("super::")
    {
        Some("`super::` at the top of a file names its chapter module")
    } else {
        None
    }
}

#[test]
fn no_listing_refers_to_the_rest_of_the_crate() {
    let mut files = Vec::new();
    book::files_with_extension(&book::root().join("listings/src"), "rs", &mut files);
    let mut problems = Vec::new();
    for file in files.iter().filter(|file| !is_plumbing(file)) {
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            if let Some(reason) = reaches_outside(line, is_one_program(file)) {
                let relative = file.strip_prefix(book::root()).unwrap();
                problems.push(format!(
                    "{}:{}: {reason}",
                    relative.display(),
                    number + 1
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_sees_what_it_should() {
    assert!(reaches_outside("use crate::timeline::Timeline;", false).is_some());
    assert!(reaches_outside("use super::Program;", false).is_some());
    assert!(reaches_outside("    use super::*;", false).is_none());
    assert!(reaches_outside("// see crate::x in the docs", false).is_none());
    assert!(reaches_outside("let x = 1;", false).is_none());
    // The capstone's files name their siblings, and nothing else.
    assert!(reaches_outside("use super::protocol::Request;", true).is_none());
    assert!(reaches_outside("use crate::timeline::Timeline;", true).is_some());
    let capstone = book::root().join("listings/src/capstone/server.rs");
    assert!(is_one_program(&capstone));
    assert!(!is_one_program(
        &book::root().join("listings/src/io/framing.rs")
    ));
}
