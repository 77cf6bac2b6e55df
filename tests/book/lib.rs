//! The book's code blocks that must not compile, as rustdoc doctests.
//!
//! `build.rs` writes one empty module per chapter whose documentation is the
//! expanded chapter with every Rust block except the `compile_fail` ones shown
//! to rustdoc as `text`. Only a compiler run of its own can prove that a block
//! fails to compile, and rustdoc makes one per block, with the same fence tags,
//! hidden lines and edition as mdBook. Every other block is a test in one of
//! the part targets (`tests/book/part_N.rs`), which cargo compiles once and
//! caches. Nothing here is built outside of `cargo test --doc`.
#![cfg(doctest)]

include!(concat!(env!("OUT_DIR"), "/chapters.rs"));
