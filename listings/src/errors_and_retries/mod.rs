//! Listings for the `errors-and-retries` chapter.

use crate::Program;

pub mod exercise;
pub mod idempotency;
pub mod retry;
pub mod task_errors;
pub mod with_backon;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "idempotency",
        chapter: "errors-and-retries",
        run: idempotency::main,
    },
    Program {
        name: "retry",
        chapter: "errors-and-retries",
        run: retry::main,
    },
    Program {
        name: "task_errors",
        chapter: "errors-and-retries",
        run: task_errors::main,
    },
    Program {
        name: "with_backon",
        chapter: "errors-and-retries",
        run: with_backon::main,
    },
];
