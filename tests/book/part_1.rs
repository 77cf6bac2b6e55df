//! The code blocks of Part I (foundations) and the introduction, each compiled and run as a test.
//! `build.rs` generates the modules; `tests/book/blocks.rs` says how.
#![allow(unused, clippy::all)]

include!(concat!(env!("OUT_DIR"), "/blocks/part_1.rs"));
