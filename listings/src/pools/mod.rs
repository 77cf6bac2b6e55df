//! Listings for the `pools` chapter.

use crate::Program;

pub mod by_hand;
pub mod connection_cost;
pub mod deadpool_tcp;
pub mod exercise;
pub mod sqlite_pool;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "by_hand",
        chapter: "pools",
        run: by_hand::main,
    },
    Program {
        name: "connection_cost",
        chapter: "pools",
        run: connection_cost::main,
    },
    Program {
        name: "deadpool_tcp",
        chapter: "pools",
        run: deadpool_tcp::main,
    },
    Program {
        name: "sqlite_pool",
        chapter: "pools",
        run: sqlite_pool::main,
    },
];
