// Running one job: wait for a worker, then attempt it with a time limit per
// attempt, retrying the failures that may pass with backoff.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use tokio::sync::Semaphore;
use tokio::time::{sleep, timeout};
use tokio_util::sync::CancellationToken;

use super::jobs::Jobs;
use super::protocol::{JobSpec, State};

/// Why one attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Worth another try: the cause may pass.
    Transient,
    /// The attempt ran out of time; a retry would run as long.
    TimedOut,
    /// The job was cancelled during the attempt.
    Cancelled,
}

// ANCHOR: run
/// One job's task, from queued to ended.
#[allow(clippy::too_many_arguments)]
pub async fn run(
    id: u64,
    spec: JobSpec,
    jobs: Jobs,
    workers: Arc<Semaphore>,
    cancel: CancellationToken,
    shutdown: CancellationToken,
    job_timeout: Duration,
) {
    // Queued: wait for a worker. A shutdown ends the wait, and the job stays
    // queued in the store for the next server to run.
    let _worker = tokio::select! {
        biased;
        () = cancel.cancelled() => return,
        () = shutdown.cancelled() => return,
        permit = workers.acquire_owned() => permit.expect("never closed"),
    };
    let tries = AtomicU32::new(0);
    let attempt = || async {
        if !jobs.started(id).await {
            return Err(Failure::Cancelled);
        }
        let done = tries.fetch_add(1, Ordering::Relaxed);
        tokio::select! {
            () = cancel.cancelled() => Err(Failure::Cancelled),
            outcome = timeout(job_timeout, work(spec, done)) => {
                outcome.unwrap_or(Err(Failure::TimedOut))
            }
        }
    };
    let outcome = attempt
        .retry(backoff())
        .when(|failure| *failure == Failure::Transient)
        .notify(|_, wait| tracing::info!(?wait, "retrying"))
        .await;
    let state = match outcome {
        Ok(()) => State::Done,
        // The actor has already recorded the cancellation.
        Err(Failure::Cancelled) => return,
        Err(failure) => {
            tracing::warn!(?failure, "job failed");
            State::Failed
        }
    };
    tracing::info!(?state, "job ended");
    jobs.ended(id, state).await;
}

/// Short waits: a transient failure of this server's work clears quickly.
fn backoff() -> ExponentialBuilder {
    ExponentialBuilder::new()
        .with_min_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(200))
        .with_max_times(3)
        .with_jitter()
}
// ANCHOR_END: run

// ANCHOR: work
/// The work itself. `done` is how many attempts this server made before.
async fn work(spec: JobSpec, done: u32) -> Result<(), Failure> {
    match spec {
        JobSpec::Sleep { ms } => {
            sleep(Duration::from_millis(ms)).await;
            Ok(())
        }
        JobSpec::Flaky { failures } if done < failures => Err(Failure::Transient),
        JobSpec::Flaky { .. } => Ok(()),
    }
}
// ANCHOR_END: work
