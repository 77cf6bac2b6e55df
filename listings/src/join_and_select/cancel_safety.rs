// A `select!` loop that loses jobs: the losing branch had already taken a job
// out of the channel when it was dropped. Two cancellation-safe designs follow,
// and the heartbeat times show what each one costs.

// ANCHOR: lossy
use std::time::Duration;
use tokio::sync::mpsc::Receiver;
use tokio::time::{Instant, interval, sleep};

/// What a loop did: the jobs it finished, and when each heartbeat went out
/// (in ms since the loop started).
#[derive(Debug, Default)]
pub struct Run {
    pub done: Vec<u32>,
    pub heartbeats: Vec<u64>,
}

impl Run {
    fn heartbeat(&mut self, start: Instant) {
        // A real heartbeat would tell a supervisor that we are alive.
        self.heartbeats.push(start.elapsed().as_millis() as u64);
    }
}

/// Takes the next job and prepares it, which takes 100 ms.
async fn next_prepared_job(jobs: &mut Receiver<u32>) -> Option<u32> {
    let job = jobs.recv().await?;
    // The job is out of the channel now. If this future is dropped during
    // the sleep below, the job goes with it.
    sleep(Duration::from_millis(100)).await;
    Some(job)
}

/// Handles every job and sends a heartbeat every 250 ms. Or means to.
pub async fn run_lossy(mut jobs: Receiver<u32>) -> Run {
    let (start, mut run) = (Instant::now(), Run::default());
    let mut heartbeat = interval(Duration::from_millis(250));
    loop {
        tokio::select! {
            biased;
            _ = heartbeat.tick() => run.heartbeat(start),
            // A new `next_prepared_job` future every round; when the heartbeat
            // wins, the old one is dropped, holding the job it took.
            job = next_prepared_job(&mut jobs) => match job {
                Some(job) => run.done.push(job),
                None => break,
            },
        }
    }
    run
}
// ANCHOR_END: lossy

// ANCHOR: safe_recv
/// Fix 1: only the cancellation-safe `recv` is raced; the slow part runs in the
/// branch's handler, which `select!` never cancels.
pub async fn run_recv_only(mut jobs: Receiver<u32>) -> Run {
    let (start, mut run) = (Instant::now(), Run::default());
    let mut heartbeat = interval(Duration::from_millis(250));
    loop {
        tokio::select! {
            biased;
            _ = heartbeat.tick() => run.heartbeat(start),
            job = jobs.recv() => match job {
                Some(job) => {
                    // While this runs, the heartbeat waits: the price of this design.
                    sleep(Duration::from_millis(100)).await;
                    run.done.push(job);
                }
                None => break,
            },
        }
    }
    run
}
// ANCHOR_END: safe_recv

// ANCHOR: safe_stream
use futures::stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;

/// Fix 2: the work in progress lives in a stream that outlives each round.
/// `next()` is cancellation safe: dropping it leaves the job inside the stream,
/// and the next call carries on where the last one stopped.
pub async fn run_stream(jobs: Receiver<u32>) -> Run {
    let (start, mut run) = (Instant::now(), Run::default());
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
            _ = heartbeat.tick() => run.heartbeat(start),
            job = prepared.next() => match job {
                Some(job) => run.done.push(job),
                None => break,
            },
        }
    }
    run
}
// ANCHOR_END: safe_stream

/// Ten jobs, all waiting in the channel, which is then closed.
async fn ten_jobs() -> Receiver<u32> {
    let (sender, receiver) = tokio::sync::mpsc::channel(10);
    for job in 1..=10 {
        sender.send(job).await.expect("the receiver is right here");
    }
    receiver
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    for (name, run) in [
        ("lossy", run_lossy(ten_jobs().await).await),
        ("recv only", run_recv_only(ten_jobs().await).await),
        ("stream", run_stream(ten_jobs().await).await),
    ] {
        println!("{name:<9}  done: {:?}", run.done);
        println!("{:<9}  heartbeats at ms: {:?}", "", run.heartbeats);
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::timeout;

    /// Runs one loop over ten jobs, with a bound in case it never ends.
    async fn run_ten<F: Future<Output = Run>>(
        run: impl FnOnce(Receiver<u32>) -> F,
    ) -> Run {
        timeout(Duration::from_secs(5), run(ten_jobs().await))
            .await
            .expect("the loop ends when the channel is drained")
    }

    #[tokio::test(start_paused = true)]
    async fn the_lossy_loop_loses_the_jobs_in_preparation_at_each_heartbeat() {
        let run = run_ten(run_lossy).await;
        // Jobs 3, 6 and 9 were being prepared at 250, 500 and 750 ms.
        assert_eq!(run.done, [1, 2, 4, 5, 7, 8, 10]);
        assert_eq!(run.heartbeats, [0, 250, 500, 750]);
    }

    #[tokio::test(start_paused = true)]
    async fn raced_recv_loses_nothing_but_delays_the_heartbeat() {
        let start = Instant::now();
        let run = run_ten(run_recv_only).await;
        assert_eq!(run.done, (1..=10).collect::<Vec<_>>());
        // The beats due at 250 and 750 ms waited for the job being prepared.
        assert_eq!(run.heartbeats, [0, 300, 500, 800, 1000]);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_keeps_the_job_in_progress_and_the_heartbeat_on_time() {
        let start = Instant::now();
        let run = run_ten(run_stream).await;
        assert_eq!(run.done, (1..=10).collect::<Vec<_>>());
        assert_eq!(run.heartbeats, [0, 250, 500, 750, 1000]);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }
}
