//! Listings for the `streams` chapter.

use crate::Program;

pub mod combinators;
pub mod making;
pub mod timing;
pub mod two_traits;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[];
