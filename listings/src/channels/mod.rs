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
        name: "broadcast_lag",
        chapter: "channels",
        run: broadcast_lag::main,
    },
    Program {
        name: "mpsc_tools",
        chapter: "channels",
        run: mpsc_tools::main,
    },
    Program {
        name: "oneshot_reply",
        chapter: "channels",
        run: oneshot_reply::main,
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
