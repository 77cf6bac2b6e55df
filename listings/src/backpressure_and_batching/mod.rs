//! Listings for the `backpressure-and-batching` chapter.

use crate::Program;

pub mod pipeline;
pub mod spawning;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "pipeline",
        chapter: "backpressure-and-batching",
        run: pipeline::main,
    },
    Program {
        name: "spawning",
        chapter: "backpressure-and-batching",
        run: spawning::main,
    },
];
