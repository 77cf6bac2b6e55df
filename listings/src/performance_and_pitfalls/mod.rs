//! Listings for the `performance-and-pitfalls` chapter.

use crate::Program;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[];
