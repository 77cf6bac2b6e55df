// Load shedding: when there is no room, say so at once with a clear error,
// instead of letting requests wait in a queue that has no end.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::sync::{Semaphore, TryAcquireError, mpsc};
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep};
use tokio_stream::wrappers::{ReceiverStream, UnboundedReceiverStream};

/// A request, stamped with the moment it arrived.
#[derive(Debug)]
pub struct Job {
    pub id: u32,
    pub arrived: Instant,
}

// ANCHOR: rejected
/// Why a job was turned away. The job comes back with the error, so nothing is
/// lost: the caller can try again later, or tell its own client to.
#[derive(Debug)]
pub enum Rejected {
    /// Full right now; a later attempt may succeed.
    Busy(Job),
    /// The server is stopping; no attempt will succeed.
    ShuttingDown(Job),
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejected::Busy(job) => {
                write!(f, "job {} rejected: server busy, try again later", job.id)
            }
            Rejected::ShuttingDown(job) => {
                write!(f, "job {} rejected: server shutting down", job.id)
            }
        }
    }
}

impl std::error::Error for Rejected {}
// ANCHOR_END: rejected

// ANCHOR: try_send
/// A queue in front of a worker: accepts a job if the queue has room.
pub fn offer(queue: &mpsc::Sender<Job>, job: Job) -> Result<(), Rejected> {
    queue.try_send(job).map_err(|error| match error {
        mpsc::error::TrySendError::Full(job) => Rejected::Busy(job),
        mpsc::error::TrySendError::Closed(job) => Rejected::ShuttingDown(job),
    })
}
// ANCHOR_END: try_send

// ANCHOR: try_acquire
/// No queue: starts the job at once if fewer than the limit are running.
pub fn start_now(
    running: &Arc<Semaphore>,
    tasks: &mut JoinSet<Duration>,
    job: Job,
) -> Result<(), Rejected> {
    match running.clone().try_acquire_owned() {
        Ok(permit) => {
            tasks.spawn(async move {
                let waited = serve(job).await;
                drop(permit); // the next job may start
                waited
            });
            Ok(())
        }
        Err(TryAcquireError::NoPermits) => Err(Rejected::Busy(job)),
        Err(TryAcquireError::Closed) => Err(Rejected::ShuttingDown(job)),
    }
}
// ANCHOR_END: try_acquire

// ANCHOR: scenarios
/// A second of work on one job; returns how long the job waited to start.
pub async fn serve(job: Job) -> Duration {
    let waited = job.arrived.elapsed();
    sleep(Duration::from_secs(1)).await;
    waited
}

/// One worker, serving the jobs of a queue in order until it closes.
pub async fn worker(mut jobs: impl Stream<Item = Job> + Unpin) -> Vec<Duration> {
    let mut waits = Vec::new();
    while let Some(job) = jobs.next().await {
        waits.push(serve(job).await);
    }
    waits
}

/// What happened to 20 jobs arriving every 450 ms at a server that does one
/// a second.
#[derive(Debug)]
pub struct Outcome {
    pub accepted: usize,
    pub rejected: Vec<String>,
    pub longest_wait: Duration,
    pub all_done: Duration,
}

/// The arrivals, as `offer` sees them: a job every 450 ms.
async fn arrive(mut offer: impl FnMut(Job) -> Result<(), Rejected>) -> Vec<String> {
    let mut rejected = Vec::new();
    for id in 0..20 {
        if id > 0 {
            sleep(Duration::from_millis(450)).await;
        }
        let job = Job {
            id,
            arrived: Instant::now(),
        };
        if let Err(error) = offer(job) {
            rejected.push(error.to_string());
        }
    }
    rejected
}

fn outcome(rejected: Vec<String>, waits: Vec<Duration>, start: Instant) -> Outcome {
    Outcome {
        accepted: waits.len(),
        rejected,
        longest_wait: waits.into_iter().max().unwrap_or_default(),
        all_done: start.elapsed(),
    }
}

/// Queueing without end: every job is accepted, and waits its turn.
pub async fn unbounded_queue() -> Outcome {
    let start = Instant::now();
    let (tx, rx) = mpsc::unbounded_channel();
    let worker = tokio::spawn(worker(UnboundedReceiverStream::new(rx)));
    let rejected = arrive(|job| {
        tx.send(job).expect("the worker is running");
        Ok(())
    })
    .await;
    drop(tx);
    outcome(rejected, worker.await.unwrap(), start)
}

/// A queue of `room`, and `try_send`.
pub async fn bounded_queue(room: usize) -> Outcome {
    let start = Instant::now();
    let (tx, rx) = mpsc::channel(room);
    let worker = tokio::spawn(worker(ReceiverStream::new(rx)));
    let rejected = arrive(|job| offer(&tx, job)).await;
    drop(tx);
    outcome(rejected, worker.await.unwrap(), start)
}

/// No queue, and `try_acquire`.
pub async fn no_queue() -> Outcome {
    let start = Instant::now();
    let running = Arc::new(Semaphore::new(1));
    let mut tasks = JoinSet::new();
    let rejected = arrive(|job| start_now(&running, &mut tasks, job)).await;
    outcome(rejected, tasks.join_all().await, start)
}
// ANCHOR_END: scenarios

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    let outcomes = [
        ("unbounded queue", unbounded_queue().await),
        ("queue of 2, try_send", bounded_queue(2).await),
        ("no queue, try_acquire", no_queue().await),
    ];
    for (name, outcome) in outcomes {
        println!("{name}:");
        println!(
            "  {} accepted, {} rejected; longest wait {:.2}s; all done at {:.2}s",
            outcome.accepted,
            outcome.rejected.len(),
            outcome.longest_wait.as_secs_f64(),
            outcome.all_done.as_secs_f64(),
        );
        if let Some(first) = outcome.rejected.first() {
            println!("  first rejection: {first}");
        }
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn an_unbounded_queue_accepts_everything_and_the_wait_grows() {
        let outcome = unbounded_queue().await;
        assert_eq!(outcome.accepted, 20);
        assert!(outcome.rejected.is_empty());
        // Job 19 arrived at 8.55 s and started at 19 s.
        assert_eq!(outcome.longest_wait, Duration::from_millis(10_450));
        assert_eq!(outcome.all_done, Duration::from_secs(20));
    }

    #[tokio::test(start_paused = true)]
    async fn try_send_sheds_what_the_queue_cannot_hold_and_bounds_the_wait() {
        let outcome = bounded_queue(2).await;
        assert_eq!((outcome.accepted, outcome.rejected.len()), (11, 9));
        // A job waits at most for the one in progress and one ahead of it.
        assert_eq!(outcome.longest_wait, Duration::from_millis(1950));
        assert_eq!(outcome.all_done, Duration::from_secs(11));
        assert!(outcome.rejected[0].ends_with("server busy, try again later"));
    }

    #[tokio::test(start_paused = true)]
    async fn try_acquire_sheds_whatever_cannot_start_at_once() {
        let outcome = no_queue().await;
        assert_eq!(outcome.longest_wait, Duration::ZERO);
        assert_eq!((outcome.accepted, outcome.rejected.len()), (7, 13));
        assert!(outcome.rejected[0].starts_with("job 1 rejected: server busy"));
    }

    #[tokio::test]
    async fn a_rejected_job_comes_back_and_closed_is_not_busy() {
        let (tx, rx) = mpsc::channel(1);
        let job = |id| Job {
            id,
            arrived: Instant::now(),
        };
        assert!(offer(&tx, job(1)).is_ok());
        match offer(&tx, job(2)) {
            Err(Rejected::Busy(job)) => assert_eq!(job.id, 2),
            other => panic!("expected Busy, got {other:?}"),
        }
        drop(rx);
        assert!(matches!(offer(&tx, job(3)), Err(Rejected::ShuttingDown(_))));

        let running = Arc::new(Semaphore::new(1));
        let mut tasks = JoinSet::new();
        running.close();
        let error = start_now(&running, &mut tasks, job(4)).unwrap_err();
        assert_eq!(error.to_string(), "job 4 rejected: server shutting down");
    }
}
