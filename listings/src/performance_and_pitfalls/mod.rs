//! Listings for the `performance-and-pitfalls` chapter.

use crate::Program;

pub mod blocking_measured;
pub mod cpu_bound;
pub mod exercise;
pub mod large_futures;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "blocking_measured",
        chapter: "performance-and-pitfalls",
        run: blocking_measured::main,
    },
    Program {
        name: "cpu_bound",
        chapter: "performance-and-pitfalls",
        run: cpu_bound::main,
    },
    Program {
        name: "large_futures",
        chapter: "performance-and-pitfalls",
        run: large_futures::main,
    },
];
