//! Listings for the `time` chapter.

use crate::Program;

pub mod exercise;
pub mod missed_ticks;
pub mod paused_clock;
pub mod sleep_and_timeout;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "sleep_and_timeout",
        chapter: "time",
        run: sleep_and_timeout::main,
    },
    Program {
        name: "missed_ticks",
        chapter: "time",
        run: missed_ticks::main,
    },
];
