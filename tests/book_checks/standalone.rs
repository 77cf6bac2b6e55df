//! A listing file stands alone: it never refers to the rest of the listings
//! crate. A reader can paste it into a project of their own, and the harness
//! relies on it: a block that shows a whole listing is compiled once, as a
//! module of the listings crate, instead of again as a crate of its own, which
//! proves the same thing only if the file cannot see its neighbours.

use crate::book;

/// Files of `listings/src` that are the crate's plumbing, not listings.
fn is_plumbing(path: &std::path::Path) -> bool {
    let name = path.file_name().unwrap();
    name == "mod.rs" || path.parent() == Some(&book::root().join("listings/src"))
}

/// Why a line reaches outside its file, if it does.
fn reaches_outside(line: &str) -> Option<&'static str> {
    let code = line.split("//").next().unwrap();
    if code.contains("crate::") {
        Some("`crate::` names the listings crate, not the file")
    } else if !line.starts_with(char::is_whitespace) && code.contains("super::") {
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
            if let Some(reason) = reaches_outside(line) {
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
    assert!(reaches_outside("use crate::timeline::Timeline;").is_some());
    assert!(reaches_outside("use super::Program;").is_some());
    assert!(reaches_outside("    use super::*;").is_none());
    assert!(reaches_outside("// see crate::x in the docs").is_none());
    assert!(reaches_outside("let x = 1;").is_none());
}
