//! The book as doctests.
//!
//! `build.rs` expands every chapter and writes one empty module per chapter
//! whose documentation is the expanded Markdown. Rustdoc then compiles and runs
//! every Rust code block of every chapter (`cargo test --doc`), with the same
//! fence tags, hidden lines and edition as mdBook. Nothing here is built
//! outside of `cargo test --doc`.
#![cfg(doctest)]

include!(concat!(env!("OUT_DIR"), "/chapters.rs"));
