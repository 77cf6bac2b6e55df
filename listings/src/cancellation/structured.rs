// Three ways to keep track of concurrent work, and how they differ: `join!`
// (futures on one task), `JoinSet` (owned tasks, aborted on drop) and
// tokio-util's `TaskTracker` (tasks that are waited for, never aborted).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep, timeout};
use tokio_util::task::TaskTracker;

/// Sleeps `secs` seconds, then counts itself as finished.
async fn job(secs: u64, finished: Arc<AtomicU32>) -> u64 {
    sleep(Duration::from_secs(secs)).await;
    finished.fetch_add(1, Ordering::SeqCst);
    secs
}

// ANCHOR: join
async fn with_join() {
    let finished = Arc::new(AtomicU32::new(0));
    let name = String::from("ab"); // borrowed below, which `spawn` would refuse
    let start = Instant::now();
    let (one, two) = tokio::join!(job(1, finished.clone()), async {
        sleep(Duration::from_secs(1)).await;
        name.len()
    });
    println!("join!: {:?} after {:?}", (one, two), start.elapsed());

    // The branches live inside the `join!` future: drop it, and they go too.
    let finished = Arc::new(AtomicU32::new(0));
    let both =
        async { tokio::join!(job(5, finished.clone()), job(5, finished.clone())) };
    let _ = timeout(Duration::from_secs(1), both).await;
    sleep(Duration::from_secs(10)).await;
    let finished = finished.load(Ordering::SeqCst);
    println!("join! dropped at 1 s: {finished} of 2 jobs finished, 10 s later");
}
// ANCHOR_END: join

// ANCHOR: join_set
async fn with_join_set() {
    let finished = Arc::new(AtomicU32::new(0));
    let mut set = JoinSet::new(); // `spawn` takes `&mut self`
    for secs in [1, 2, 3] {
        set.spawn(job(secs, finished.clone()));
    }
    sleep(Duration::from_millis(1500)).await;
    drop(set); // aborts the two tasks still running
    sleep(Duration::from_secs(10)).await;
    let finished = finished.load(Ordering::SeqCst);
    println!("JoinSet dropped at 1.5 s: {finished} of 3 jobs finished, 10 s later");

    let finished = Arc::new(AtomicU32::new(0));
    let mut set = JoinSet::new();
    for secs in [3, 1, 2] {
        set.spawn(job(secs, finished.clone()));
    }
    sleep(Duration::from_secs(10)).await;
    // Every task has finished, but each keeps its place, holding its output.
    println!(
        "JoinSet after 10 s: {} finished, {} still in the set",
        finished.load(Ordering::SeqCst),
        set.len()
    );
    // `join_next` hands the outputs out in the order the tasks finished.
    let mut outputs = Vec::new();
    while let Some(output) = set.join_next().await {
        outputs.push(output.unwrap());
    }
    println!("JoinSet outputs: {outputs:?}");
}
// ANCHOR_END: join_set

// ANCHOR: task_tracker
async fn with_task_tracker() {
    let finished = Arc::new(AtomicU32::new(0));
    let tracker = TaskTracker::new(); // `spawn` takes `&self`
    for secs in [1, 2, 3] {
        tracker.spawn(job(secs, finished.clone()));
    }
    drop(tracker); // aborts nothing
    sleep(Duration::from_secs(10)).await;
    let finished = finished.load(Ordering::SeqCst);
    println!(
        "TaskTracker dropped at once: {finished} of 3 jobs finished, 10 s later"
    );

    let finished = Arc::new(AtomicU32::new(0));
    let tracker = TaskTracker::new();
    let handle = tracker.spawn(job(3, finished.clone()));
    sleep(Duration::from_secs(10)).await;
    // The tracker counts only running tasks. The output waits in the task
    // until the `JoinHandle` is awaited (or dropped, which throws it away).
    println!("TaskTracker after 10 s: {} tracked", tracker.len());
    println!("its JoinHandle still gives: {}", handle.await.unwrap());

    // `wait` returns once the tracker is closed *and* empty.
    let tracker = TaskTracker::new();
    tracker.spawn(job(1, finished.clone()));
    let waited = timeout(Duration::from_secs(60), tracker.wait()).await;
    println!("wait() without close(): timed out = {}", waited.is_err());
    tracker.close();
    let start = Instant::now();
    tracker.wait().await;
    println!("wait() after close(): returned after {:?}", start.elapsed());
}
// ANCHOR_END: task_tracker

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    with_join().await;
    with_join_set().await;
    with_task_tracker().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn join_runs_borrowing_futures_and_drops_them_together() {
        let finished = Arc::new(AtomicU32::new(0));
        let name = String::from("ab"); // borrowed below, which `spawn` would refuse

        let start = Instant::now();
        let (one, two) = tokio::join!(job(1, finished.clone()), async {
            sleep(Duration::from_secs(1)).await;
            name.len()
        });
        assert_eq!((one, two), (1, 2));
        assert_eq!(start.elapsed(), Duration::from_secs(1));

        // The branches live inside the `join!` future: drop it, and they go too.
        let both = async {
            tokio::join!(job(5, finished.clone()), job(5, finished.clone()))
        };
        assert!(timeout(Duration::from_secs(1), both).await.is_err());
        sleep(Duration::from_secs(10)).await;
        assert_eq!(finished.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_join_set_aborts_its_tasks_when_dropped() {
        let finished = Arc::new(AtomicU32::new(0));
        let mut set = JoinSet::new(); // `spawn` takes `&mut self`
        for secs in [1, 2, 3] {
            set.spawn(job(secs, finished.clone()));
        }
        sleep(Duration::from_millis(1500)).await;

        drop(set);

        sleep(Duration::from_secs(10)).await;
        // Only the task that finished before the drop ever finished.
        assert_eq!(finished.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_join_set_keeps_results_until_you_join_them() {
        let finished = Arc::new(AtomicU32::new(0));
        let mut set = JoinSet::new();
        for secs in [3, 1, 2] {
            set.spawn(job(secs, finished.clone()));
        }
        sleep(Duration::from_secs(10)).await;

        // Every task has finished, but each still takes a place in the set,
        // holding its output, until it is joined.
        assert_eq!(finished.load(Ordering::SeqCst), 3);
        assert_eq!(set.len(), 3);

        // `join_next` hands them out in the order they finished.
        let mut outputs = Vec::new();
        while let Some(output) = set.join_next().await {
            outputs.push(output.unwrap());
        }
        assert_eq!(outputs, [1, 2, 3]);
        assert_eq!(set.len(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_tracker_does_not_abort_when_dropped() {
        let finished = Arc::new(AtomicU32::new(0));
        let tracker = TaskTracker::new(); // `spawn` takes `&self`
        for secs in [1, 2, 3] {
            tracker.spawn(job(secs, finished.clone()));
        }

        drop(tracker);

        sleep(Duration::from_secs(10)).await;
        assert_eq!(finished.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_tracker_counts_running_tasks_and_outputs_wait_in_handles() {
        let finished = Arc::new(AtomicU32::new(0));
        let tracker = TaskTracker::new();
        let handles: Vec<_> = [3, 1, 2]
            .into_iter()
            .map(|secs| tracker.spawn(job(secs, finished.clone())))
            .collect();
        sleep(Duration::from_millis(1500)).await;
        assert_eq!(tracker.len(), 2);

        sleep(Duration::from_secs(10)).await;
        // The tracker no longer counts the finished tasks...
        assert_eq!(tracker.len(), 0);
        // ...but each output still waits for its handle to be awaited.
        let mut outputs = Vec::new();
        for handle in handles {
            outputs.push(handle.await.unwrap());
        }
        assert_eq!(outputs, [3, 1, 2]);
    }

    #[tokio::test(start_paused = true)]
    async fn wait_returns_only_after_close() {
        let finished = Arc::new(AtomicU32::new(0));
        let tracker = TaskTracker::new();
        tracker.spawn(job(1, finished.clone()));

        // Not closed: more tasks might still come, so `wait` keeps waiting,
        // even after the only task finished.
        assert!(
            timeout(Duration::from_secs(60), tracker.wait())
                .await
                .is_err()
        );
        assert_eq!(finished.load(Ordering::SeqCst), 1);

        // Closed and empty: `wait` returns at once.
        tracker.close();
        let start = Instant::now();
        tracker.wait().await;
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cloned_tracker_lets_tasks_spawn_tracked_tasks() {
        let finished = Arc::new(AtomicU32::new(0));
        let tracker = TaskTracker::new();

        // Like an accept loop that spawns a handler per connection: the loop
        // holds a clone of the tracker, no `&mut` and no lock needed.
        let spawner = tracker.clone();
        let counter = finished.clone();
        tracker.spawn(async move {
            for secs in [1, 2, 3] {
                spawner.spawn(job(secs, counter.clone()));
                sleep(Duration::from_millis(100)).await;
            }
        });
        tracker.close();

        let start = Instant::now();
        tracker.wait().await;
        // The last handler started at 200 ms and ran for 3 s.
        assert_eq!(start.elapsed(), Duration::from_millis(3200));
        assert_eq!(finished.load(Ordering::SeqCst), 3);
    }
}
