// `CancellationToken` from tokio-util: a cheap, clonable "please stop" signal
// that a task checks at the points where stopping is safe.

use std::time::Duration;
use tokio::time::sleep;
use tokio_util::sync::CancellationToken;

// ANCHOR: worker
/// Does one unit of work per second until told to stop, and returns how many
/// units it finished. `select!` waits for whichever comes first, the next unit
/// or the cancellation, so the worker stops promptly even mid-unit.
pub async fn worker(token: CancellationToken) -> u32 {
    let mut units_done = 0;
    loop {
        tokio::select! {
            _ = token.cancelled() => break,
            _ = sleep(Duration::from_secs(1)) => units_done += 1,
        }
    }
    // Anything here runs on the way out: flush, say goodbye, and so on.
    units_done
}
// ANCHOR_END: worker

// ANCHOR: polling_worker
/// Checks the token only between jobs, and each job takes 10 seconds.
pub async fn polling_worker(token: CancellationToken) -> u32 {
    let mut jobs_done = 0;
    while !token.is_cancelled() {
        sleep(Duration::from_secs(10)).await;
        jobs_done += 1;
    }
    jobs_done
}
// ANCHOR_END: polling_worker

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    use tokio::time::Instant;

    // Each worker runs in a task of its own; the token is cancelled from here.
    let token = CancellationToken::new();
    let running = tokio::spawn(worker(token.clone()));
    sleep(Duration::from_millis(3500)).await;
    let cancelled_at = Instant::now();
    token.cancel();
    let units_done = running.await.unwrap();
    println!(
        "worker:         {units_done} units done, stopped {:?} after cancel",
        cancelled_at.elapsed()
    );

    let token = CancellationToken::new();
    let running = tokio::spawn(polling_worker(token.clone()));
    sleep(Duration::from_secs(12)).await;
    let cancelled_at = Instant::now();
    token.cancel();
    let jobs_done = running.await.unwrap();
    println!(
        "polling worker: {jobs_done} jobs done, stopped {:?} after cancel",
        cancelled_at.elapsed()
    );
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::{Instant, timeout};

    #[tokio::test(start_paused = true)]
    async fn the_worker_stops_as_soon_as_it_is_cancelled() {
        let token = CancellationToken::new();
        let running = tokio::spawn(worker(token.clone()));

        sleep(Duration::from_millis(3500)).await;
        let cancelled_at = Instant::now();
        token.cancel();

        // It must stop within 1 ms of virtual time, not at the end of its unit.
        let units_done = timeout(Duration::from_millis(1), running)
            .await
            .expect("the worker did not stop promptly")
            .unwrap();
        assert_eq!(units_done, 3);
        assert_eq!(cancelled_at.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_worker_that_only_polls_the_flag_stops_late() {
        let token = CancellationToken::new();
        let running = tokio::spawn(polling_worker(token.clone()));

        sleep(Duration::from_secs(12)).await;
        let cancelled_at = Instant::now();
        token.cancel();

        let jobs_done = running.await.unwrap();
        // It finished the job it was in: 8 more seconds after the request.
        assert_eq!(jobs_done, 2);
        assert_eq!(cancelled_at.elapsed(), Duration::from_secs(8));
    }
}
