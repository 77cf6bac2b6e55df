//! Listings for the `backpressure-and-batching` chapter.

use crate::Program;

pub mod exercise;
pub mod pipeline;
pub mod shedding;
pub mod size_or_time;
pub mod spawning;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "size_or_time",
        chapter: "backpressure-and-batching",
        run: size_or_time::main,
    },
    Program {
        name: "pipeline",
        chapter: "backpressure-and-batching",
        run: pipeline::main,
    },
    Program {
        name: "shedding",
        chapter: "backpressure-and-batching",
        run: shedding::main,
    },
    Program {
        name: "spawning",
        chapter: "backpressure-and-batching",
        run: spawning::main,
    },
];
