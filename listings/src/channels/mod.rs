//! Listings for the `channels` chapter.

use crate::Program;

pub mod backpressure;
pub mod broadcast_lag;
pub mod exercise;
pub mod mpsc_tools;
pub mod oneshot_reply;
pub mod recv_none;
pub mod stream_wrappers;
pub mod unbounded_growth;
pub mod watch_config;

/// The program listings of this chapter, runnable by name.
pub const PROGRAMS: &[Program] = &[
    Program {
        name: "backpressure",
        chapter: "channels",
        run: backpressure::main,
    },
    Program {
        name: "recv_none",
        chapter: "channels",
        run: recv_none::main,
    },
    Program {
        name: "unbounded_growth",
        chapter: "channels",
        run: unbounded_growth::main,
    },
    Program {
        name: "watch_config",
        chapter: "channels",
        run: watch_config::main,
    },
];
