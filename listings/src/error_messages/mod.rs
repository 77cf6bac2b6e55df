//! Listings for the `error-messages` appendix.

use crate::Program;

pub mod cancelled_error;
pub mod lagged_error;

/// The program listings of this appendix, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "lagged_error",
        chapter: "error-messages",
        run: lagged_error::main,
    },
    Program {
        name: "cancelled_error",
        chapter: "error-messages",
        run: cancelled_error::main,
    },
];
