//! Listings for the `join-and-select` chapter.

use crate::Program;

pub mod cancel_safety;
pub mod concurrency;
pub mod exercise;
pub mod futurelock;
pub mod join_all;
pub mod one_task;
pub mod race;
pub mod select_branches;
pub mod timer_reset;
pub mod try_join;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "concurrency",
        chapter: "join-and-select",
        run: concurrency::main,
    },
    Program {
        name: "timer_reset",
        chapter: "join-and-select",
        run: timer_reset::main,
    },
    Program {
        name: "cancel_safety",
        chapter: "join-and-select",
        run: cancel_safety::main,
    },
    Program {
        name: "futurelock",
        chapter: "join-and-select",
        run: futurelock::main,
    },
];
