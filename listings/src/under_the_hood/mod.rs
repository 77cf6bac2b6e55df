//! Listings for the `under-the-hood` chapter.

use crate::Program;

pub mod exercise;
pub mod lost_wakeup;
pub mod pinning;
pub mod state_machine;
pub mod timed;
pub mod timer_executor;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "timer_executor",
        chapter: "under-the-hood",
        run: timer_executor::main,
    },
    Program {
        name: "lost_wakeup",
        chapter: "under-the-hood",
        run: lost_wakeup::main,
    },
    Program {
        name: "state_machine",
        chapter: "under-the-hood",
        run: state_machine::main,
    },
];
