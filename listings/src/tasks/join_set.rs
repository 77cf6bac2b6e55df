// `JoinSet`: a group of tasks you own together. Results come back in the
// order the tasks finish, and dropping the set aborts whatever is left.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
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

// ANCHOR: with_id
// Runs named jobs and reports each by name, in the order they end. A task
// that panicked returned nothing, so its name has to come from its task ID:
// `spawn` returns an `AbortHandle` whose `id()` is the task's ID, and
// `join_next_with_id` gives the ID back with the output or in the error.
pub async fn report_by_name(jobs: &[(&'static str, u64)]) -> Vec<String> {
    let mut set = JoinSet::new();
    let mut names = HashMap::new();
    for &(name, secs) in jobs {
        let task = set.spawn(async move {
            tokio::time::sleep(Duration::from_secs(secs)).await;
            assert!(secs > 0, "{name} has nothing to do");
            secs
        });
        names.insert(task.id(), name);
    }

    let mut report = Vec::new();
    while let Some(result) = set.join_next_with_id().await {
        report.push(match result {
            Ok((id, secs)) => format!("{} finished after {secs} s", names[&id]),
            Err(error) if error.is_panic() => {
                format!("{} panicked", names[&error.id()])
            }
            Err(error) => format!("{} was cancelled", names[&error.id()]),
        });
    }
    report
}
// ANCHOR_END: with_id

// ANCHOR: shutdown
/// Counts how many of the tasks' futures have been dropped so far.
pub struct CountOnDrop(pub Arc<AtomicUsize>);

impl Drop for CountOnDrop {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A set of three tasks that would sleep for a minute, each holding a guard.
pub fn sleepers(dropped: &Arc<AtomicUsize>) -> JoinSet<()> {
    let mut set = JoinSet::new();
    for _ in 0..3 {
        let guard = CountOnDrop(Arc::clone(dropped));
        set.spawn(async move {
            let _guard = guard;
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
    }
    set
}

pub async fn stopping_a_set() -> Vec<String> {
    let mut report = Vec::new();
    let dropped = Arc::new(AtomicUsize::new(0));
    let count = |dropped: &AtomicUsize| dropped.load(Ordering::SeqCst);

    // Dropping the set aborts its tasks, but does not wait for them.
    let set = sleepers(&dropped);
    tokio::task::yield_now().await; // let the tasks start and wait
    drop(set);
    report.push(format!(
        "right after drop(set): {} dropped",
        count(&dropped)
    ));
    tokio::task::yield_now().await; // the runtime gets to the tasks
    report.push(format!("after one yield: {} dropped", count(&dropped)));

    // `shutdown` aborts them and waits until every one is gone.
    dropped.store(0, Ordering::SeqCst);
    let mut set = sleepers(&dropped);
    tokio::task::yield_now().await;
    set.shutdown().await;
    report.push(format!(
        "after shutdown().await: {} dropped",
        count(&dropped)
    ));
    report
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let jobs = [("backup", 3), ("index", 1), ("empty", 0), ("mail", 2)];
    for line in report_by_name(&jobs).await {
        println!("{line}");
    }
    for line in stopping_a_set().await {
        println!("{line}");
    }
}
// ANCHOR_END: shutdown

#[cfg(test)]
mod tests {
    use super::*;
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

    #[tokio::test(start_paused = true)]
    async fn a_failed_task_is_reported_under_its_own_name() {
        let start = Instant::now();
        let jobs = [("backup", 3), ("index", 1), ("empty", 0), ("mail", 2)];
        let report = report_by_name(&jobs).await;
        assert_eq!(
            report,
            [
                "empty panicked",
                "index finished after 1 s",
                "mail finished after 2 s",
                "backup finished after 3 s"
            ]
        );
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn drop_aborts_later_and_shutdown_waits() {
        assert_eq!(
            stopping_a_set().await,
            [
                "right after drop(set): 0 dropped",
                "after one yield: 3 dropped",
                "after shutdown().await: 3 dropped",
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn abort_all_leaves_the_tasks_in_the_set_until_joined() {
        let dropped = Arc::new(AtomicUsize::new(0));
        let mut set = sleepers(&dropped);
        set.abort_all();
        assert_eq!(set.len(), 3);
        let mut cancelled = 0;
        while let Some(result) = set.join_next().await {
            assert!(result.unwrap_err().is_cancelled());
            cancelled += 1;
        }
        assert_eq!((cancelled, dropped.load(Ordering::SeqCst)), (3, 3));
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
