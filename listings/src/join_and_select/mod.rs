//! Listings for the `join-and-select` chapter.

use crate::Program;

pub mod cancel_safety;
pub mod concurrency;
pub mod exercise;
pub mod join_all;
pub mod one_task;
pub mod race;
pub mod select_branches;
pub mod timer_reset;
pub mod try_join;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[Program {
    name: "concurrency",
    chapter: "join-and-select",
    run: concurrency::main,
}];
