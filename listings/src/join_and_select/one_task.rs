// `join!` runs its branches concurrently on one task, not in parallel: a
// branch that computes without reaching an `.await` holds up the others.

// ANCHOR: one_task
use std::cell::RefCell;
use tokio::task::yield_now;

/// Some CPU work that never awaits (a stand-in for parsing, hashing, ...).
fn crunch(rounds: u64) -> u64 {
    (0..rounds).fold(0u64, |sum, i| sum.wrapping_add(i * i))
}

/// Runs a ticker and a cruncher under one `join!` and returns who ran when.
pub async fn tick_and_crunch(cruncher_yields: bool) -> Vec<&'static str> {
    let log = RefCell::new(Vec::new());
    let ticker = async {
        for _ in 0..3 {
            log.borrow_mut().push("tick");
            yield_now().await; // let the other branch have a turn
        }
    };
    let cruncher = async {
        for _ in 0..3 {
            std::hint::black_box(crunch(10_000));
            log.borrow_mut().push("crunch");
            if cruncher_yields {
                yield_now().await;
            }
        }
    };
    // `biased;` polls the branches top to bottom, which makes the order repeatable.
    tokio::join!(biased; ticker, cruncher);
    log.into_inner()
}
// ANCHOR_END: one_task

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn a_branch_that_never_awaits_runs_to_the_end_alone() {
        let order = tick_and_crunch(false).await;
        assert_eq!(
            order,
            ["tick", "crunch", "crunch", "crunch", "tick", "tick"]
        );
    }

    #[tokio::test]
    async fn a_branch_that_yields_takes_turns() {
        let order = tick_and_crunch(true).await;
        assert_eq!(
            order,
            ["tick", "crunch", "tick", "crunch", "tick", "crunch"]
        );
    }

    /// Each task waits, without ever awaiting, until both have arrived. Only two
    /// tasks running at the same moment on two threads can both get through.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn spawned_tasks_can_run_in_parallel_on_a_multi_thread_runtime() {
        let arrived = Arc::new(AtomicUsize::new(0));
        let meet = |arrived: Arc<AtomicUsize>| async move {
            arrived.fetch_add(1, Ordering::SeqCst);
            // A safety bound in real time; in practice the other task arrives at once.
            let give_up = Instant::now() + Duration::from_secs(5);
            while arrived.load(Ordering::SeqCst) < 2 && Instant::now() < give_up {
                std::hint::spin_loop();
            }
            arrived.load(Ordering::SeqCst)
        };
        let a = tokio::spawn(meet(arrived.clone()));
        let b = tokio::spawn(meet(arrived.clone()));
        assert_eq!((a.await.unwrap(), b.await.unwrap()), (2, 2));
    }
}
