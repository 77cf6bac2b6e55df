//! Listings for the `io` chapter.

use crate::Program;

pub mod buffered;
pub mod cancel_safe_reads;
pub mod echo;
pub mod exercise;
pub mod framing;
pub mod read_write;
pub mod write_then_read;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "read_write",
        chapter: "io",
        run: read_write::main,
    },
    Program {
        name: "buffered",
        chapter: "io",
        run: buffered::main,
    },
    Program {
        name: "echo",
        chapter: "io",
        run: echo::main,
    },
    Program {
        name: "write_then_read",
        chapter: "io",
        run: write_then_read::main,
    },
    Program {
        name: "framing",
        chapter: "io",
        run: framing::main,
    },
    Program {
        name: "cancel_safe_reads",
        chapter: "io",
        run: cancel_safe_reads::main,
    },
];
