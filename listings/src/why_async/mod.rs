//! Listings for the `why-async` chapter.

use crate::Program;

pub mod concurrency_vs_parallelism;
pub mod exercise;
pub mod hello_tokio;
pub mod tasks_vs_threads;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "hello_tokio",
        chapter: "why-async",
        run: hello_tokio::main,
    },
    Program {
        name: "tasks_vs_threads",
        chapter: "why-async",
        run: tasks_vs_threads::main,
    },
    Program {
        name: "concurrency_vs_parallelism",
        chapter: "why-async",
        run: concurrency_vs_parallelism::main,
    },
];
