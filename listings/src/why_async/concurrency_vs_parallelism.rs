// Concurrency is about waiting well; parallelism is about computing at the same
// time. Async gives you the first on a single thread. The second needs more
// than one thread.

use std::collections::HashSet;
use std::time::Duration;

use tokio::task;
use tokio::time::{Instant, sleep};

// ANCHOR: concurrency
/// A stand-in for a call that waits on the network for a second. Returns
/// the id of the task it ran in (`None` outside a spawned task, in `main`).
async fn call() -> Option<task::Id> {
    sleep(Duration::from_secs(1)).await;
    task::try_id()
}

/// Three calls, one after another: each waits for the previous one.
pub async fn one_after_another() -> Duration {
    let start = Instant::now();
    call().await;
    call().await;
    call().await;
    start.elapsed()
}

/// The same three calls, concurrently. `join!` polls all three inside the
/// task that awaits it, so their waits overlap without any new task.
/// Returns the time taken and the number of tasks the calls ran in.
pub async fn concurrently() -> (Duration, usize) {
    let start = Instant::now();
    let (a, b, c) = tokio::join!(call(), call(), call());
    (start.elapsed(), HashSet::from([a, b, c]).len())
}
// ANCHOR_END: concurrency

// ANCHOR: parallelism
/// Proves that two tasks run at the same instant on a multi-thread runtime:
/// each waits at a `std::sync::Barrier` for the other. Interleaving on one
/// thread could never get both through; only parallel threads can.
pub fn two_tasks_run_in_parallel() -> bool {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a runtime");
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let barrier = barrier.clone();
            // Blocking a worker is wrong in real code: it is done here only
            // because the barrier is the proof.
            runtime.spawn(async move { barrier.wait().is_leader() })
        })
        .collect();
    runtime.block_on(async {
        let mut leaders = 0;
        for task in tasks {
            leaders += usize::from(task.await.expect("no panic"));
        }
        leaders == 1
    })
}
// ANCHOR_END: parallelism

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    println!("one after another: {:?}", one_after_another().await);
    let (elapsed, tasks) = concurrently().await;
    println!("concurrently with join!: {elapsed:?}, in {tasks} task");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn three_one_second_calls_take_three_seconds_in_turn() {
        assert_eq!(one_after_another().await, Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn three_one_second_calls_take_one_second_with_join() {
        let (elapsed, tasks) = concurrently().await;
        assert_eq!(elapsed, Duration::from_secs(1));
        assert_eq!(tasks, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn join_adds_no_task_inside_a_spawned_one_either() {
        let (elapsed, tasks) = tokio::spawn(concurrently()).await.unwrap();
        assert_eq!((elapsed, tasks), (Duration::from_secs(1), 1));
    }

    #[test]
    fn a_multi_thread_runtime_runs_tasks_in_parallel() {
        assert!(two_tasks_run_in_parallel());
    }
}
