//! Listings for the `graceful-shutdown` chapter.

use crate::Program;

pub mod deadline;
pub mod drain_server;
pub mod exercise;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "deadline",
        chapter: "graceful-shutdown",
        run: deadline::main,
    },
    Program {
        name: "drain_server",
        chapter: "graceful-shutdown",
        run: drain_server::main,
    },
];
