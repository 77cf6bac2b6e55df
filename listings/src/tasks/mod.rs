//! Listings for the `tasks` chapter.

use crate::Program;

pub mod blocking;
pub mod cooperation;
pub mod detach_and_abort;
pub mod exercise;
pub mod join_errors;
pub mod join_set;
pub mod local_tasks;
pub mod main_returns_early;
pub mod main_waits;
pub mod send_fixes;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "join_errors",
        chapter: "tasks",
        run: join_errors::main,
    },
    Program {
        name: "detach_and_abort",
        chapter: "tasks",
        run: detach_and_abort::main,
    },
    Program {
        name: "join_set",
        chapter: "tasks",
        run: join_set::main,
    },
    Program {
        name: "cooperation",
        chapter: "tasks",
        run: cooperation::main,
    },
    Program {
        name: "main_returns_early",
        chapter: "tasks",
        run: main_returns_early::main,
    },
    Program {
        name: "main_waits",
        chapter: "tasks",
        run: main_waits::main,
    },
];
