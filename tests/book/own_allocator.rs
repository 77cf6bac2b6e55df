//! The one code block that declares a `#[global_allocator]`, compiled and run
//! as a test in a binary of its own: it must not link the listings crate,
//! which declares one too. `build.rs` generates the module.
#![allow(unused, clippy::all)]

include!(concat!(env!("OUT_DIR"), "/blocks/own_allocator.rs"));
