//! Listings for the `pools` chapter.

use crate::Program;

pub mod by_hand;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[Program {
    name: "by_hand",
    chapter: "pools",
    run: by_hand::main,
}];
