// Three ways to keep track of concurrent work, and how they differ: `join!`
// (futures on one task), `JoinSet` (owned tasks, aborted on drop) and
// tokio-util's `TaskTracker` (tasks that are waited for, never aborted).

#[cfg(test)]
mod tests {
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
    // ANCHOR_END: join

    // ANCHOR: join_set
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
    // ANCHOR_END: join_set

    // ANCHOR: task_tracker
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
    async fn a_task_tracker_forgets_tasks_as_they_finish() {
        let finished = Arc::new(AtomicU32::new(0));
        let tracker = TaskTracker::new();
        for secs in [3, 1, 2] {
            tracker.spawn(job(secs, finished.clone()));
        }
        sleep(Duration::from_millis(1500)).await;
        assert_eq!(tracker.len(), 2);

        sleep(Duration::from_secs(10)).await;
        // Finished tasks are freed at once; their outputs were thrown away.
        assert_eq!(tracker.len(), 0);
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
    // ANCHOR_END: task_tracker
}
