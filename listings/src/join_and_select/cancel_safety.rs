// A `select!` loop that loses jobs: the losing branch had already taken a job
// out of the channel when it was dropped. Two cancel-safe designs follow.

// ANCHOR: lossy
use std::time::Duration;
use tokio::sync::mpsc::Receiver;
use tokio::time::{interval, sleep};

/// Takes the next job and prepares it, which takes 100 ms.
async fn next_prepared_job(jobs: &mut Receiver<u32>) -> Option<u32> {
    let job = jobs.recv().await?;
    // The job is out of the channel now. If this future is dropped during
    // the sleep below, the job goes with it.
    sleep(Duration::from_millis(100)).await;
    Some(job)
}

/// Handles every job and sends a heartbeat every 250 ms. Or means to.
pub async fn run_lossy(mut jobs: Receiver<u32>) -> Vec<u32> {
    let mut done = Vec::new();
    let mut heartbeat = interval(Duration::from_millis(250));
    loop {
        tokio::select! {
            biased;
            _ = heartbeat.tick() => {} // a real one would report that we are alive
            // A new `next_prepared_job` future every round; when the heartbeat
            // wins, the old one is dropped, holding the job it took.
            job = next_prepared_job(&mut jobs) => match job {
                Some(job) => done.push(job),
                None => break,
            },
        }
    }
    done
}
// ANCHOR_END: lossy

// ANCHOR: safe_recv
/// Fix 1: only the cancel-safe `recv` is raced; the slow part runs in the
/// branch's handler, which `select!` never cancels.
pub async fn run_recv_only(mut jobs: Receiver<u32>) -> Vec<u32> {
    let mut done = Vec::new();
    let mut heartbeat = interval(Duration::from_millis(250));
    loop {
        tokio::select! {
            biased;
            _ = heartbeat.tick() => {}
            job = jobs.recv() => match job {
                Some(job) => {
                    // While this runs, the heartbeat waits: the price of this design.
                    sleep(Duration::from_millis(100)).await;
                    done.push(job);
                }
                None => break,
            },
        }
    }
    done
}
// ANCHOR_END: safe_recv

// ANCHOR: safe_stream
use futures::stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;

/// Fix 2: the work in progress lives in a stream that outlives each round.
/// `next()` is cancel-safe: dropping it leaves the job inside the stream,
/// and the next call carries on where the last one stopped.
pub async fn run_stream(jobs: Receiver<u32>) -> Vec<u32> {
    let mut done = Vec::new();
    let mut heartbeat = interval(Duration::from_millis(250));
    let prepared = ReceiverStream::new(jobs).then(|job| async move {
        sleep(Duration::from_millis(100)).await;
        job
    });
    // `then` holds a future, so the stream must be pinned before `next()`.
    let mut prepared = std::pin::pin!(prepared);
    loop {
        tokio::select! {
            biased;
            _ = heartbeat.tick() => {}
            job = prepared.next() => match job {
                Some(job) => done.push(job),
                None => break,
            },
        }
    }
    done
}
// ANCHOR_END: safe_stream

// ANCHOR: tests
#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc;
    use tokio::time::{Instant, timeout};

    /// Ten jobs, all waiting in the channel, which is then closed.
    async fn ten_jobs() -> Receiver<u32> {
        let (tx, rx) = mpsc::channel(10);
        for job in 1..=10 {
            tx.send(job).await.unwrap();
        }
        rx
    }

    #[tokio::test(start_paused = true)]
    async fn the_lossy_loop_loses_the_jobs_in_preparation_at_each_heartbeat() {
        let done = timeout(Duration::from_secs(5), run_lossy(ten_jobs().await))
            .await
            .unwrap();
        let lost: Vec<u32> = (1..=10).filter(|job| !done.contains(job)).collect();
        // Jobs 3, 6 and 9 were being prepared at 250, 500 and 750 ms.
        assert_eq!(lost, [3, 6, 9]);
    }

    #[tokio::test(start_paused = true)]
    async fn raced_recv_loses_nothing() {
        let start = Instant::now();
        let done = timeout(Duration::from_secs(5), run_recv_only(ten_jobs().await))
            .await
            .unwrap();
        assert_eq!(done, (1..=10).collect::<Vec<_>>());
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_keeps_the_job_in_progress_across_rounds() {
        let start = Instant::now();
        let done = timeout(Duration::from_secs(5), run_stream(ten_jobs().await))
            .await
            .unwrap();
        assert_eq!(done, (1..=10).collect::<Vec<_>>());
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }
}
// ANCHOR_END: tests
