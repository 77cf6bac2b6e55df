//! Listings for the `why-async` chapter.

use crate::Program;

pub mod hello_tokio;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[Program {
    name: "hello_tokio",
    chapter: "why-async",
    run: hello_tokio::main,
}];
