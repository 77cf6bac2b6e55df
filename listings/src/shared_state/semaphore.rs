// Semaphore: at most N holders at a time. Permits are handed out in the
// order they were asked for, and a waiter that gives up loses its place.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::time::{sleep, timeout};

// ANCHOR: limit
/// Counts how many jobs run at once, and the most that ever did.
#[derive(Default)]
pub struct Gauge {
    running: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

/// Runs `jobs` one-second jobs, each in its own task, with at most `limit`
/// running at any moment.
pub async fn run_limited(jobs: usize, limit: usize, gauge: Arc<Gauge>) {
    let permits = Arc::new(Semaphore::new(limit));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..jobs {
        // Wait for a permit *before* spawning, so at most `limit` tasks exist
        // at a time. `acquire_owned` needs an `Arc<Semaphore>` and returns a
        // permit that owns its share of it, so it can move into the task.
        let permit = permits.clone().acquire_owned().await.expect("never closed");
        let gauge = gauge.clone();
        tasks.spawn(async move {
            let now = gauge.running.fetch_add(1, Ordering::SeqCst) + 1;
            gauge.peak.fetch_max(now, Ordering::SeqCst);
            sleep(Duration::from_secs(1)).await; // the job
            gauge.running.fetch_sub(1, Ordering::SeqCst);
            // The permit is dropped with the task, which lets the next job in.
            drop(permit);
        });
    }
    tasks.join_all().await;
}
// ANCHOR_END: limit

// ANCHOR: queue
/// One permit, held by a first task for 3 s. Task "early" asks for it at
/// 0 s, task "late" at 0.5 s. If `early_patience` is set, "early" gives up
/// after that long, then asks again at once. Returns who was served, in order.
pub async fn served_order(early_patience: Option<Duration>) -> Vec<&'static str> {
    let permits = Arc::new(Semaphore::new(1));
    let (served, mut order) = tokio::sync::mpsc::unbounded_channel();

    let holder = permits
        .clone()
        .try_acquire_owned()
        .expect("one permit is free");
    tokio::spawn(async move {
        sleep(Duration::from_secs(3)).await;
        drop(holder);
    });

    let early = tokio::spawn({
        let permits = permits.clone();
        let served = served.clone();
        async move {
            let permit = match early_patience {
                None => permits.acquire().await.unwrap(),
                Some(patience) => match timeout(patience, permits.acquire()).await {
                    Ok(permit) => permit.unwrap(),
                    // The `acquire` future was dropped: its place in the
                    // queue went with it. Asking again joins at the back.
                    Err(_) => permits.acquire().await.unwrap(),
                },
            };
            served.send("early").unwrap();
            sleep(Duration::from_secs(1)).await;
            drop(permit);
        }
    });

    let late = tokio::spawn(async move {
        sleep(Duration::from_millis(500)).await;
        let permit = permits.acquire().await.unwrap();
        served.send("late").unwrap();
        sleep(Duration::from_secs(1)).await;
        drop(permit);
    });

    early.await.unwrap();
    late.await.unwrap();
    let mut names = Vec::new();
    order.recv_many(&mut names, 2).await;
    names
}
// ANCHOR_END: queue

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn no_more_than_the_limit_run_at_once() {
        let gauge = Arc::new(Gauge::default());
        let start = Instant::now();
        run_limited(10, 3, gauge.clone()).await;
        assert_eq!(gauge.peak(), 3);
        // Ten one-second jobs, three at a time: four rounds.
        assert_eq!(start.elapsed(), Duration::from_secs(4));
    }

    #[tokio::test(start_paused = true)]
    async fn a_limit_of_one_runs_jobs_one_by_one() {
        let gauge = Arc::new(Gauge::default());
        let start = Instant::now();
        run_limited(3, 1, gauge.clone()).await;
        assert_eq!(gauge.peak(), 1);
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn permits_go_in_the_order_they_were_asked_for() {
        assert_eq!(served_order(None).await, ["early", "late"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiter_that_gives_up_loses_its_place() {
        // "early" gives up at 1 s and asks again, behind "late".
        assert_eq!(
            served_order(Some(Duration::from_secs(1))).await,
            ["late", "early"]
        );
    }
}
