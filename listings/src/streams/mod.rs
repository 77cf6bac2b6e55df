//! Listings for the `streams` chapter.

use crate::Program;

pub mod batching;
pub mod buffering;
pub mod combinators;
pub mod exercise;
pub mod file_stream;
pub mod hand_written;
pub mod making;
pub mod sink;
pub mod timing;
pub mod two_traits;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "batching",
        chapter: "streams",
        run: batching::main,
    },
    Program {
        name: "buffering",
        chapter: "streams",
        run: buffering::main,
    },
    Program {
        name: "timing",
        chapter: "streams",
        run: timing::main,
    },
];
