// A load run a reader can repeat: many clients submit many jobs at once to a
// real server on loopback, wait for every one, and the program prints the
// throughput and the latency of the acknowledgement, the reply that waits for
// the job to be on disk.

use std::collections::BTreeSet;
use std::fmt;
use std::num::NonZeroU32;
use std::path::Path;
use std::time::{Duration, Instant};

use governor::Quota;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::client::Client;
use super::protocol::{JobSpec, State};
use super::server::{Limits, Stopped, serve};

/// What one load run measured.
#[derive(Debug)]
pub struct Report {
    pub clients: usize,
    /// Jobs the server acknowledged.
    pub acknowledged: usize,
    /// Distinct jobs that ended `done` on their first attempt.
    pub done_once: usize,
    /// From the first submit to the last job seen done.
    pub elapsed: Duration,
    /// The round trip of every submit, shortest first.
    pub acks: Vec<Duration>,
    /// How the server's shutdown ended.
    pub stopped: Stopped,
}

impl Report {
    /// The nearest-rank percentile of the acknowledgement latencies:
    /// `p` per cent of the submits were answered in this time or less.
    pub fn ack_percentile(&self, p: usize) -> Duration {
        let rank = (p * self.acks.len()).div_ceil(100).max(1);
        self.acks[rank - 1]
    }

    pub fn jobs_per_second(&self) -> f64 {
        self.done_once as f64 / self.elapsed.as_secs_f64()
    }
}

// ANCHOR: report
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        writeln!(
            f,
            "{} clients, {} jobs acknowledged, {} done exactly once",
            self.clients, self.acknowledged, self.done_once
        )?;
        writeln!(
            f,
            "throughput: {:.0} jobs/s ({:.0} ms in all)",
            self.jobs_per_second(),
            ms(self.elapsed)
        )?;
        write!(
            f,
            "acknowledgement: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            ms(self.ack_percentile(50)),
            ms(self.ack_percentile(99)),
            ms(*self.acks.last().unwrap())
        )
    }
}
// ANCHOR_END: report

// ANCHOR: run
/// Starts a server on `database`, lets `clients` clients submit `jobs` jobs
/// each (1 ms of work apiece), waits for all of them, and stops the server.
pub async fn run(clients: usize, jobs: usize, database: &Path) -> Report {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let limits = Limits {
        max_connections: clients + 1,
        // The clients poll for status; the limit is not what is measured.
        rate: Quota::per_second(NonZeroU32::new(1_000_000).unwrap()),
        ..Limits::default()
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let database = database.to_path_buf();
    let server = tokio::spawn(async move {
        let signal = async {
            let _ = stopped.await;
        };
        serve(listener, &database, limits, signal).await
    });

    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            tokio::spawn(async move {
                let mut client = Client::connect(address).await.unwrap();
                let (mut acks, mut ids) = (Vec::new(), Vec::new());
                for _ in 0..jobs {
                    let sent = Instant::now();
                    let id = client.submit(JobSpec::Sleep { ms: 1 }).await.unwrap();
                    acks.push(sent.elapsed());
                    ids.push(id.expect("the server acknowledges every job"));
                }
                let mut done_once = Vec::new();
                for id in ids {
                    let every = Duration::from_millis(2);
                    let status = client.wait(id, every).await.unwrap();
                    if status.state == State::Done && status.attempts == 1 {
                        done_once.push(id);
                    }
                }
                (acks, done_once)
            })
        })
        .collect();
    let (mut acks, mut done) = (Vec::new(), BTreeSet::new());
    for task in tasks {
        let (task_acks, task_done) = task.await.unwrap();
        acks.extend(task_acks);
        done.extend(task_done);
    }
    let elapsed = start.elapsed();
    acks.sort();

    stop.send(()).unwrap();
    let stopped = server.await.unwrap().unwrap();
    Report {
        clients,
        acknowledged: acks.len(),
        done_once: done.len(),
        elapsed,
        acks,
        stopped,
    }
}
// ANCHOR_END: run

/// 16 clients with 25 jobs each, on four worker threads, whatever the machine.
#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
pub async fn main() {
    let database = std::env::temp_dir()
        .join(format!("job-server-load-{}.db", std::process::id()));
    let report = run(16, 25, &database).await;
    println!("{report}");
    for suffix in ["", "-wal", "-shm"] {
        let mut file = database.clone().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn every_job_is_acknowledged_and_done_once_and_the_figures_add_up() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("jobs.db");
        let run = run(6, 10, &database);
        let report = tokio::time::timeout(Duration::from_secs(10), run)
            .await
            .expect("60 jobs of 1 ms end well within 10 s");

        assert_eq!(report.acknowledged, 60);
        assert_eq!(report.done_once, 60);
        assert_eq!(report.stopped, Stopped::Drained);
        let (p50, p99) = (report.ack_percentile(50), report.ack_percentile(99));
        assert!(report.acks[0] <= p50 && p50 <= p99);
        assert!(p99 <= *report.acks.last().unwrap());
        // 60 jobs in the time measured, no more and no less.
        let rate = report.jobs_per_second() * report.elapsed.as_secs_f64();
        assert!((rate - 60.0).abs() < 1e-6, "{rate}");

        let shown = report.to_string();
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(
            lines[0],
            "6 clients, 60 jobs acknowledged, 60 done exactly once"
        );
        assert!(
            lines[1].starts_with("throughput: ") && lines[1].ends_with(" ms in all)")
        );
        assert!(
            lines[2].starts_with("acknowledgement: p50 "),
            "{}",
            lines[2]
        );
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let report = Report {
            clients: 1,
            acknowledged: 200,
            done_once: 200,
            elapsed: Duration::from_secs(1),
            acks: (1..=200).map(Duration::from_millis).collect(),
            stopped: Stopped::Drained,
        };
        assert_eq!(report.ack_percentile(50), Duration::from_millis(100));
        assert_eq!(report.ack_percentile(99), Duration::from_millis(198));
        assert_eq!(report.ack_percentile(100), Duration::from_millis(200));
        assert_eq!(report.jobs_per_second(), 200.0);
    }
}
