//! Listings for the `graceful-shutdown` chapter.

use crate::Program;

pub mod drain_server;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[Program {
    name: "drain_server",
    chapter: "graceful-shutdown",
    run: drain_server::main,
}];
