// A future that a loop keeps across rounds is polled only while the loop waits
// in `select!` (or in `next()`). While the loop body awaits something else, it
// stands still, and if that something needs it to move, nothing ever moves:
// a "futurelock".

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::{Instant, sleep, timeout};

/// A cache that another task is busy with: it holds the lock for 1 s and
/// leaves three entries behind.
pub async fn busy_cache() -> Arc<Mutex<Vec<u32>>> {
    let cache = Arc::new(Mutex::new(Vec::new()));
    // Locked here, before anyone else can ask, and handed to the writer task.
    let mut entries = cache.clone().lock_owned().await;
    tokio::spawn(async move {
        sleep(Duration::from_secs(1)).await;
        entries.extend([1, 2, 3]);
    });
    cache
}

// ANCHOR: stalled
/// Adds an entry to the cache and, 300 ms in, reports its size. Returns the
/// size reported.
pub async fn refresh_and_report(cache: Arc<Mutex<Vec<u32>>>) -> usize {
    // Created once and polled through `&mut`, so losing a round keeps it.
    let refresh = async {
        cache.lock().await.push(42);
    };
    let mut refresh = std::pin::pin!(refresh);
    let mut refreshed = false;
    let report = sleep(Duration::from_millis(300));
    let mut report = std::pin::pin!(report);
    loop {
        tokio::select! {
            // Without `, if !refreshed` the next round would poll a finished
            // async block, which panics: "`async fn` resumed after completion".
            () = &mut refresh, if !refreshed => refreshed = true,
            () = &mut report => {
                // The trap: while the body awaits the lock, `refresh` is not
                // polled. It asked for the lock first, so the mutex hands the
                // lock to it, and waits for it to be polled. It never is.
                return cache.lock().await.len();
            }
        }
    }
}
// ANCHOR_END: stalled

// ANCHOR: spawned
/// The same, with the refresh in a task of its own: the runtime polls a task
/// whatever this loop is doing.
pub async fn refresh_in_a_task_and_report(cache: Arc<Mutex<Vec<u32>>>) -> usize {
    let refresh = tokio::spawn({
        let cache = cache.clone();
        async move { cache.lock().await.push(42) }
    });
    sleep(Duration::from_millis(300)).await;
    let size = cache.lock().await.len();
    refresh.await.expect("the refresh does not panic");
    size
}
// ANCHOR_END: spawned

// ANCHOR: unordered
/// Two jobs in a `FuturesUnordered`: "slow" holds the lock for 1 s, "quick"
/// finishes at once, and the loop body takes the lock for each result.
pub async fn drain_jobs(cache: Arc<Mutex<Vec<u32>>>) -> Vec<&'static str> {
    use futures::stream::{FuturesUnordered, StreamExt};
    let slow = async {
        let _entries = cache.lock().await;
        sleep(Duration::from_secs(1)).await;
        "slow"
    };
    let quick = async { "quick" };
    let mut jobs: FuturesUnordered<std::pin::Pin<Box<dyn Future<Output = _>>>> =
        FuturesUnordered::new();
    jobs.push(Box::pin(slow));
    jobs.push(Box::pin(quick));
    let mut finished = Vec::new();
    while let Some(job) = jobs.next().await {
        // "slow" holds the lock and sits in `jobs`, which nobody polls while
        // this line waits: it never gets to finish and let go.
        cache.lock().await.push(0);
        finished.push(job);
    }
    finished
}
// ANCHOR_END: unordered

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    let limit = Duration::from_secs(10);
    let start = Instant::now();
    match timeout(limit, refresh_and_report(busy_cache().await)).await {
        Ok(size) => {
            println!("pinned refresh: {size} entries at {:?}", start.elapsed())
        }
        Err(_) => println!("pinned refresh: still stuck after {limit:?}"),
    }
    let start = Instant::now();
    let size = refresh_in_a_task_and_report(busy_cache().await).await;
    println!("task refresh:   {size} entries at {:?}", start.elapsed());
    let cache = Arc::new(Mutex::new(Vec::new()));
    match timeout(limit, drain_jobs(cache)).await {
        Ok(finished) => println!("unordered jobs: {finished:?}"),
        Err(_) => println!("unordered jobs: still stuck after {limit:?}"),
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_pinned_future_not_polled_by_the_body_deadlocks() {
        let stuck = timeout(
            Duration::from_secs(60),
            refresh_and_report(busy_cache().await),
        );
        assert!(stuck.await.is_err(), "the loop body waits forever");
    }

    #[tokio::test(start_paused = true)]
    async fn a_spawned_refresh_keeps_moving() {
        let start = Instant::now();
        let size = refresh_in_a_task_and_report(busy_cache().await).await;
        // The writer's three entries, then the refresh's, then the report.
        assert_eq!(size, 4);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_future_parked_in_futures_unordered_deadlocks_the_body() {
        let cache = Arc::new(Mutex::new(Vec::new()));
        let stuck = timeout(Duration::from_secs(60), drain_jobs(cache)).await;
        assert!(stuck.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn polling_a_finished_async_block_again_panics() {
        let panicked = tokio::spawn(async {
            let finished = async {};
            let mut finished = std::pin::pin!(finished);
            (&mut finished).await;
            // What `select!` would do in the next round without `, if !refreshed`.
            (&mut finished).await;
        })
        .await
        .unwrap_err();
        let message = panicked.into_panic();
        let message = message.downcast_ref::<&str>().copied().unwrap_or_default();
        assert_eq!(message, "`async fn` resumed after completion");
    }
}
