// `JoinSet`: a group of tasks you own together. Results come back in the
// order the tasks finish, and dropping the set aborts whatever is left.

use std::time::Duration;

use tokio::task::JoinSet;

// ANCHOR: completion_order
// Spawns one task per delay and returns the delays in the order their tasks
// finished, which is not the order they were spawned in.
pub async fn finish_order(delays_in_secs: &[u64]) -> Vec<u64> {
    let mut set = JoinSet::new();
    for &secs in delays_in_secs {
        set.spawn(async move {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            secs
        });
    }

    let mut finished = Vec::new();
    // `join_next` waits for whichever task finishes next. It returns `None`
    // once the set is empty. Each item is a `Result<_, JoinError>`.
    while let Some(result) = set.join_next().await {
        finished.push(result.expect("task panicked or was cancelled"));
    }
    finished
}
// ANCHOR_END: completion_order

// ANCHOR: join_all
// Collects a set from an iterator of futures, then waits for all of them.
// `join_all` returns the outputs in completion order, and re-raises the
// panic of any task that panicked.
pub async fn squares(numbers: Vec<u64>) -> Vec<u64> {
    let set: JoinSet<u64> = numbers
        .into_iter()
        .map(|n| async move {
            tokio::time::sleep(Duration::from_millis(10 * n)).await;
            n * n
        })
        .collect();
    set.join_all().await
}
// ANCHOR_END: join_all

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::time::Instant;

    #[tokio::test(start_paused = true)]
    async fn results_arrive_in_completion_order() {
        let start = Instant::now();
        assert_eq!(finish_order(&[3, 1, 2]).await, [1, 2, 3]);
        // The tasks ran concurrently: 3 s in total, not 6 s.
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn join_all_collects_every_output() {
        let start = Instant::now();
        assert_eq!(squares(vec![3, 1, 2]).await, [1, 4, 9]);
        assert_eq!(start.elapsed(), Duration::from_millis(30));
    }

    // Counts drops, to see which futures the set dropped.
    struct CountOnDrop(Arc<AtomicUsize>);
    impl Drop for CountOnDrop {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_set_aborts_the_tasks_still_running() {
        let dropped = Arc::new(AtomicUsize::new(0));
        let completed = Arc::new(AtomicUsize::new(0));
        let mut set = JoinSet::new();
        for _ in 0..3 {
            let guard = CountOnDrop(dropped.clone());
            let completed = completed.clone();
            set.spawn(async move {
                let _guard = guard;
                tokio::time::sleep(Duration::from_secs(60)).await;
                completed.fetch_add(1, Ordering::SeqCst);
            });
        }
        // Let the tasks start, then drop the set with all three still asleep.
        tokio::time::sleep(Duration::from_secs(1)).await;
        drop(set);

        // Aborting is a request; the tasks are dropped the next time the
        // runtime gets to them. Give it a moment, then check.
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(dropped.load(Ordering::SeqCst), 3);
        // Even a long wait does not bring them back.
        tokio::time::sleep(Duration::from_secs(120)).await;
        assert_eq!(completed.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn spawn_returns_an_abort_handle_for_one_task() {
        let mut set = JoinSet::new();
        set.spawn(async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            "fast"
        });
        let slow = set.spawn(async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            "slow"
        });
        slow.abort();

        let mut outcomes = Vec::new();
        while let Some(result) = set.join_next().await {
            match result {
                Ok(name) => outcomes.push(name.to_string()),
                Err(error) if error.is_cancelled() => {
                    outcomes.push("cancelled".to_string())
                }
                Err(error) => panic!("unexpected: {error}"),
            }
        }
        // The cancelled task is reported first: it ended at once.
        assert_eq!(outcomes, ["cancelled", "fast"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_join_handle_spawned_into_a_set_escapes_its_abort() {
        let completed = Arc::new(AtomicUsize::new(0));
        let work = {
            let completed = completed.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(10)).await;
                completed.fetch_add(1, Ordering::SeqCst);
            }
        };
        // Wrong: the set's task only awaits a handle to the real task.
        // Its output type shows the nesting: `Result<(), JoinError>`.
        let mut set: JoinSet<Result<(), tokio::task::JoinError>> = JoinSet::new();
        set.spawn(tokio::spawn(work));
        tokio::time::sleep(Duration::from_secs(1)).await;

        // Dropping the set aborts its task, which drops the inner handle,
        // which only detaches the real work.
        drop(set);
        tokio::time::sleep(Duration::from_secs(20)).await;
        assert_eq!(completed.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    #[should_panic(expected = "bad input")]
    async fn join_all_re_raises_a_tasks_panic() {
        let mut set = JoinSet::new();
        set.spawn(async { 1 });
        set.spawn(async { panic!("bad input") });
        set.join_all().await;
    }
}
