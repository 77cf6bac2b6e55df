// The job server as a program. It reads its settings from the environment:
// `JOB_SERVER_DB` (the SQLite file, `jobs.db` when not set),
// `JOB_SERVER_WORKERS` and `SHUTDOWN_GRACE_MS`. Run it with
// `cargo run -p listings -- job_server`, talk to it with `nc 127.0.0.1 <port>`,
// and stop it with Ctrl-C or `kill -TERM <pid>`.

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use super::server::{Limits, Stopped, serve};

/// SIGTERM or SIGINT, whichever comes first. The handlers are registered
/// by this call, so make it before the address is announced.
#[cfg(unix)]
fn shutdown_signal() -> io::Result<impl Future<Output = &'static str>> {
    use tokio::signal::unix::{SignalKind, signal};

    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
        }
    })
}

#[cfg(windows)]
fn shutdown_signal() -> io::Result<impl Future<Output = &'static str>> {
    let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
    Ok(async move {
        ctrl_c.recv().await;
        "Ctrl-C"
    })
}

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Err(_) => default,
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{name} is not valid: {text:?}")),
    }
}

// ANCHOR: main
#[tokio::main]
pub async fn main() {
    // Logs go to stderr, filtered by RUST_LOG (`RUST_LOG=info` shows the
    // spans of each connection and job); stdout is for the server's news.
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::from_default_env())
        .with_writer(io::stderr)
        .init();
    let database: PathBuf = setting("JOB_SERVER_DB", PathBuf::from("jobs.db"));
    let limits = Limits {
        workers: setting("JOB_SERVER_WORKERS", 4),
        grace: Duration::from_millis(setting("SHUTDOWN_GRACE_MS", 10_000)),
        ..Limits::default()
    };
    let signal = shutdown_signal().expect("cannot listen for signals");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("cannot bind");
    println!("listening on {}", listener.local_addr().expect("bound"));

    let signal = async {
        let name = signal.await;
        println!("{name} received");
    };
    match serve(listener, &database, limits, signal).await {
        Ok(Stopped::Drained) => println!("stopped: every running job ended"),
        Ok(Stopped::Left { running }) => {
            println!("stopped: {running} jobs left running, to run again");
            // Every acknowledged job is in the store, so nothing is lost:
            // leave now, without waiting for the runtime to drop them.
            std::process::exit(0);
        }
        Err(error) => {
            eprintln!("cannot use {}: {error}", database.display());
            std::process::exit(1);
        }
    }
}
// ANCHOR_END: main
