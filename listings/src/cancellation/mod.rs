//! Listings for the `cancellation` chapter.

use crate::Program;

pub mod abort;
pub mod cleanup;
pub mod drop_is_cancel;
pub mod exercise;
pub mod structured;
pub mod token;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "drop_is_cancel",
        chapter: "cancellation",
        run: drop_is_cancel::main,
    },
    Program {
        name: "abort",
        chapter: "cancellation",
        run: abort::main,
    },
    Program {
        name: "cleanup",
        chapter: "cancellation",
        run: cleanup::main,
    },
    Program {
        name: "token",
        chapter: "cancellation",
        run: token::main,
    },
    Program {
        name: "structured",
        chapter: "cancellation",
        run: structured::main,
    },
];
