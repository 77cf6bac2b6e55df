//! Listings for the `rate-limiting` chapter.

use crate::Program;

pub mod exercise;
pub mod paced_calls;
pub mod per_client;
pub mod rate_and_concurrency;
pub mod token_bucket;
pub mod wait_your_turn;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "paced_calls",
        chapter: "rate-limiting",
        run: paced_calls::main,
    },
    Program {
        name: "token_bucket",
        chapter: "rate-limiting",
        run: token_bucket::main,
    },
    Program {
        name: "per_client",
        chapter: "rate-limiting",
        run: per_client::main,
    },
    Program {
        name: "rate_and_concurrency",
        chapter: "rate-limiting",
        run: rate_and_concurrency::main,
    },
];
