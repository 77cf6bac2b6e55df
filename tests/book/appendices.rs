//! The code blocks of the appendices, each compiled and run as a test.
//! `build.rs` generates the modules; `tests/book/blocks.rs` says how.
#![allow(unused, clippy::all)]

include!(concat!(env!("OUT_DIR"), "/blocks/appendices.rs"));
