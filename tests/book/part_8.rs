//! The code blocks of Part VIII (the capstone), each compiled and run as a test.
//! `build.rs` generates the modules; `tests/book/blocks.rs` says how.
#![allow(unused, clippy::all)]

include!(concat!(env!("OUT_DIR"), "/blocks/part_8.rs"));
