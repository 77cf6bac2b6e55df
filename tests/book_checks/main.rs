//! Book-level checks. Each one fails on a real violation:
//!
//! - `summary`: SUMMARY.md and the chapter files agree;
//! - `orphans`: every listing, output, non-compiling example and image is used
//!   by some chapter;
//! - `fences`: every code fence carries a tag from the policy in CONTRIBUTING.md;
//! - `links`: links between chapters, and their `#fragment`s, resolve;
//! - `mdbook_parity`: the expander agrees with mdBook itself (when installed).
//!
//! They share one test binary so the suite links once.

#[path = "../book/expand.rs"]
mod expand;

mod book;
mod fences;
mod links;
mod mdbook_parity;
mod orphans;
mod summary;
