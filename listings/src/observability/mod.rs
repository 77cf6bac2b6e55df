//! Listings for the `observability` chapter.

use crate::Program;

pub mod blocking_task;
pub mod enter_across_await;
pub mod exercise;
pub mod fmt_and_filter;
pub mod runtime_metrics;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "enter_across_await",
        chapter: "observability",
        run: enter_across_await::main,
    },
    Program {
        name: "fmt_and_filter",
        chapter: "observability",
        run: fmt_and_filter::main,
    },
    Program {
        name: "runtime_metrics",
        chapter: "observability",
        run: runtime_metrics::main,
    },
    Program {
        name: "blocking_task",
        chapter: "observability",
        run: blocking_task::main,
    },
];
