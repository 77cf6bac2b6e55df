//! Listings for the `middleware-and-builders` chapter.

use crate::Program;

pub mod builders;
pub mod call_without_ready;
pub mod chain;
pub mod exercise;
pub mod ready_then_call;
pub mod service_by_hand;
pub mod tower_layers;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "builders",
        chapter: "middleware-and-builders",
        run: builders::main,
    },
    Program {
        name: "call_without_ready",
        chapter: "middleware-and-builders",
        run: call_without_ready::main,
    },
    Program {
        name: "chain",
        chapter: "middleware-and-builders",
        run: chain::main,
    },
    Program {
        name: "ready_then_call",
        chapter: "middleware-and-builders",
        run: ready_then_call::main,
    },
    Program {
        name: "service_by_hand",
        chapter: "middleware-and-builders",
        run: service_by_hand::main,
    },
    Program {
        name: "tower_layers",
        chapter: "middleware-and-builders",
        run: tower_layers::main,
    },
];
