//! Every listing of *Async Patterns in Rust*, one module per chapter.
//!
//! A listing is one file, `src/<chapter>/<listing>.rs`, and is self-contained:
//! it never uses `crate::`, so a reader can paste it into a fresh `main.rs`.
//! The chapters include these files, so the code a reader sees is the code
//! these tests check. A program listing has a `pub fn main` (usually through
//! `#[tokio::main]`) and is registered in its chapter's `PROGRAMS`, which lets
//! the runner binary run it by name: `cargo run -p listings -- <name>`.
//!
//! Each chapter's exercise lives in `src/<chapter>/exercise.rs`: the starter
//! (`attempt`), a solution and the tests. The tests check the solution unless
//! the `attempt` feature is on.

pub mod timeline;

pub mod actors;
pub mod async_await;
pub mod async_traits;
pub mod backpressure_and_batching;
pub mod cancellation;
pub mod capstone;
pub mod channels;
pub mod error_messages;
pub mod errors_and_retries;
pub mod graceful_shutdown;
pub mod io;
pub mod join_and_select;
pub mod middleware_and_builders;
pub mod observability;
pub mod performance_and_pitfalls;
pub mod pools;
pub mod rate_limiting;
pub mod runtime;
pub mod shared_state;
pub mod streams;
pub mod tasks;
pub mod testing;
pub mod time;
pub mod under_the_hood;
pub mod why_async;

/// A program listing that the runner binary can run by name.
#[derive(Clone, Copy, Debug)]
pub struct Program {
    /// The name on the command line: the listing's file name without `.rs`.
    pub name: &'static str,
    /// The chapter slug, as in `src/<chapter>.md`.
    pub chapter: &'static str,
    /// The listing's `main`.
    pub run: fn(),
}

/// Every program listing in the book, in chapter order.
pub fn programs() -> Vec<Program> {
    [
        why_async::PROGRAMS,
        async_await::PROGRAMS,
        under_the_hood::PROGRAMS,
        runtime::PROGRAMS,
        tasks::PROGRAMS,
        join_and_select::PROGRAMS,
        time::PROGRAMS,
        cancellation::PROGRAMS,
        channels::PROGRAMS,
        shared_state::PROGRAMS,
        streams::PROGRAMS,
        async_traits::PROGRAMS,
        io::PROGRAMS,
        errors_and_retries::PROGRAMS,
        actors::PROGRAMS,
        backpressure_and_batching::PROGRAMS,
        rate_limiting::PROGRAMS,
        pools::PROGRAMS,
        graceful_shutdown::PROGRAMS,
        middleware_and_builders::PROGRAMS,
        testing::PROGRAMS,
        observability::PROGRAMS,
        performance_and_pitfalls::PROGRAMS,
        capstone::PROGRAMS,
        error_messages::PROGRAMS,
    ]
    .concat()
}

/// Finds a program listing by its exact name.
pub fn find_program(name: &str) -> Option<Program> {
    programs().into_iter().find(|program| program.name == name)
}

/// The names closest to a mistyped one, best first, for the runner's error message.
pub fn closest_names(name: &str) -> Vec<&'static str> {
    let mut scored: Vec<(f64, &'static str)> = programs()
        .iter()
        .map(|program| (strsim::jaro_winkler(name, program.name), program.name))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, name)| name).collect()
}
