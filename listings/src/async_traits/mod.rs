//! Listings for the `async-traits` chapter.

use crate::Program;

pub mod boxing_cost;
pub mod dyn_fixes;
pub mod exercise;
pub mod native;
pub mod repository;
pub mod send_fixes;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "boxing_cost",
        chapter: "async-traits",
        run: boxing_cost::main,
    },
    Program {
        name: "repository",
        chapter: "async-traits",
        run: repository::main,
    },
];
