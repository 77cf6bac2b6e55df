//! Book-level checks. Each one fails on a real violation:
//!
//! - `summary`: SUMMARY.md and the chapter files agree;
//! - `orphans`: every listing, output, non-compiling example and image is used
//!   by some chapter;
//! - `fences`: every code fence carries a tag from the policy in CONTRIBUTING.md;
//! - `links`: links between chapters, and their `#fragment`s, resolve;
//! - `mdbook_parity`: the expander agrees with mdBook itself (when installed);
//! - `blocks_tested`: every Rust block became a test, as `build.rs` reports;
//! - `width`: no shown code line is wider than a rendered block;
//! - `reader_dependencies`: the introduction's dependency list is complete;
//! - `standalone`: no listing file refers to the rest of its crate;
//! - `teaching`: the course appendix's schedules add up, its exercise index
//!   is complete, and every chapter has speaker notes with a real demonstration;
//! - `quoted_errors`: a quoted compiler error is what rustc prints today, and
//!   each heading of the error-messages appendix is a checked message;
//! - `ecosystem`: the ecosystem appendix lists every crate the book depends on,
//!   at the version in Cargo.lock.
//!
//! They share one test binary so the suite links once.

#[path = "../book/expand.rs"]
mod expand;

#[path = "../book/blocks.rs"]
mod blocks;

mod blocks_tested;
mod book;
mod ecosystem;
mod fences;
mod links;
mod mdbook_parity;
mod orphans;
mod quoted_errors;
mod reader_dependencies;
mod standalone;
mod summary;
mod teaching;
mod width;
