//! Listings for the `capstone` chapter: a job server in several files.
//!
//! Unlike every other chapter's listings, these files refer to each other
//! (`super::protocol`, `super::jobs`, ...): together they are one program,
//! a module a reader copies whole. `tests/book_checks/standalone.rs` allows
//! `super::` in this folder and nowhere else.

use crate::Program;

pub mod client;
pub mod exercise;
pub mod job_client;
pub mod job_server;
pub mod jobs;
pub mod load;
pub mod protocol;
pub mod server;
pub mod session;
pub mod store;
pub mod worker;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "job_server",
        chapter: "capstone",
        run: job_server::main,
    },
    Program {
        name: "job_client",
        chapter: "capstone",
        run: job_client::main,
    },
    Program {
        name: "load",
        chapter: "capstone",
        run: load::main,
    },
    Program {
        name: "session",
        chapter: "capstone",
        run: session::main,
    },
];
