//! Listings for the `runtime` chapter.

use crate::Program;

pub mod bridging;
pub mod builder;
pub mod by_hand;
pub mod exercise;
pub mod flavours;
pub mod other_runtimes;
pub mod shutdown;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "shutdown",
        chapter: "runtime",
        run: shutdown::main,
    },
    Program {
        name: "other_runtimes",
        chapter: "runtime",
        run: other_runtimes::main,
    },
];
