//! Listings for the `testing` chapter.

use crate::Program;

pub mod exercise;
pub mod flavors;
pub mod lost_update_loom;
pub mod mock_trait;
pub mod simulated_network;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[];
