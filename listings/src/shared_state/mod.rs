//! Listings for the `shared-state` chapter.

use crate::Program;

pub mod atomics;
pub mod barrier;
pub mod exercise;
pub mod notify;
pub mod once_cell;
pub mod rwlock_deadlock;
pub mod semaphore;
pub mod sharded_map;
pub mod std_mutex;
pub mod tokio_mutex;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "notify",
        chapter: "shared-state",
        run: notify::main,
    },
    Program {
        name: "tokio_mutex",
        chapter: "shared-state",
        run: tokio_mutex::main,
    },
];
