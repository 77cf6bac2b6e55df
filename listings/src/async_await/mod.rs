//! Listings for the `async-await` chapter.

use crate::Program;

pub mod async_blocks;
pub mod async_closures;
pub mod async_fn_desugared;
pub mod exercise;
pub mod into_future;
pub mod lazy_futures;
pub mod recursion;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[Program {
    name: "lazy_futures",
    chapter: "async-await",
    run: lazy_futures::main,
}];
