//! Listings for the `actors` chapter.

use crate::Program;

pub mod counter_timing;
pub mod cycle;
pub mod exercise;
pub mod handle;
pub mod inboxes;
pub mod locks_vs_actor;
pub mod supervisor;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "handle",
        chapter: "actors",
        run: handle::main,
    },
    Program {
        name: "inboxes",
        chapter: "actors",
        run: inboxes::main,
    },
    Program {
        name: "supervisor",
        chapter: "actors",
        run: supervisor::main,
    },
    Program {
        name: "cycle",
        chapter: "actors",
        run: cycle::main,
    },
    Program {
        name: "counter_timing",
        chapter: "actors",
        run: counter_timing::main,
    },
    Program {
        name: "locks_vs_actor",
        chapter: "actors",
        run: locks_vs_actor::main,
    },
];
