// Tasks share a thread by yielding at `.await`. A task that never yields
// keeps every other task on its thread waiting.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

// ANCHOR: heartbeat
/// How many steps of work are done so far, shared by the work and the
/// heartbeat.
pub type Progress = Arc<AtomicU32>;

// A task that wants to run often: each time it gets the thread, it notes
// how far the work has got, and yields again.
pub async fn heartbeat(progress: Progress, beats: Arc<Mutex<Vec<u32>>>) {
    loop {
        beats.lock().unwrap().push(progress.load(Ordering::SeqCst));
        tokio::task::yield_now().await;
    }
}

// One slice of CPU work: a few thousand multiplications, no `.await`.
pub fn crunch_step(seed: u64) -> u64 {
    (0..2_000u64).fold(seed, |acc, x| acc.wrapping_mul(31).wrapping_add(x))
}
// ANCHOR_END: heartbeat

// ANCHOR: starving
// Wrong on a shared thread: `async` in name only. There is no `.await` in
// the loop, so once this task starts, nothing else on its thread runs until
// it returns.
pub async fn crunch_without_yielding(steps: u32, progress: Progress) {
    let mut acc = 0;
    for step in 0..steps {
        acc = crunch_step(acc ^ u64::from(step));
        progress.store(step + 1, Ordering::SeqCst);
    }
    std::hint::black_box(acc);
}
// ANCHOR_END: starving

// ANCHOR: yielding
// The same work, yielding to the scheduler after every step.
pub async fn crunch_with_yielding(steps: u32, progress: Progress) {
    let mut acc = 0;
    for step in 0..steps {
        acc = crunch_step(acc ^ u64::from(step));
        progress.store(step + 1, Ordering::SeqCst);
        // Go to the back of the run queue: the heartbeat gets its turn.
        tokio::task::yield_now().await;
    }
    std::hint::black_box(acc);
}
// ANCHOR_END: yielding

// ANCHOR: measure
/// Runs the heartbeat and `steps` of work as two tasks on this thread, and
/// returns the heartbeat's longest gap: the most steps of work done between
/// two of its beats (counting the start and the end of the work as beats).
pub async fn longest_gap(steps: u32, yielding: bool) -> u32 {
    let progress = Progress::default();
    let beats = Arc::new(Mutex::new(Vec::new()));
    let heart = tokio::spawn(heartbeat(progress.clone(), beats.clone()));
    let work = if yielding {
        tokio::spawn(crunch_with_yielding(steps, progress.clone()))
    } else {
        tokio::spawn(crunch_without_yielding(steps, progress.clone()))
    };
    work.await.expect("the work panicked");
    heart.abort();

    let mut marks = vec![0];
    marks.extend(beats.lock().unwrap().iter().copied());
    marks.push(progress.load(Ordering::SeqCst)); // the end of the work
    marks
        .windows(2)
        .map(|pair| pair[1] - pair[0])
        .max()
        .unwrap()
}

#[tokio::main(flavor = "current_thread")]
pub async fn main() {
    for steps in [50, 100] {
        println!(
            "{steps} steps: longest gap {} steps without yielding, {} with",
            longest_gap(steps, false).await,
            longest_gap(steps, true).await,
        );
    }
}
// ANCHOR_END: measure

// ANCHOR: lifo_slot
/// On a multi-thread runtime with two workers, a task spawns a child and
/// then blocks its worker (no `.await`) for up to `block_for`. Returns
/// whether the child ran meanwhile, on the other worker, which is idle.
pub fn child_ran_while_parent_blocked(
    push_out_of_slot: bool,
    block_for: Duration,
) -> bool {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("failed to build the runtime");
    runtime.block_on(async move {
        let parent = tokio::spawn(async move {
            let child_ran = Arc::new(AtomicBool::new(false));
            let flag = Arc::clone(&child_ran);
            // Spawned from a worker: the child goes into its LIFO slot.
            tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });
            if push_out_of_slot {
                // The next spawn takes the slot, and the child moves to the
                // worker's local queue, where the idle worker can steal it.
                tokio::spawn(async {});
            }
            let start = Instant::now();
            while start.elapsed() < block_for && !child_ran.load(Ordering::SeqCst) {
                std::hint::spin_loop(); // blocking: CPU work with no `.await`
            }
            child_ran.load(Ordering::SeqCst)
        });
        parent.await.expect("the parent panicked")
    })
}
// ANCHOR_END: lifo_slot

// ANCHOR: budget
// Receives `count` messages that are already waiting in the channel, so
// every `recv` could complete at once. Returns the index of the first
// message at which the `other_task_ran` flag was seen set, if any.
pub async fn drain(
    mut rx: mpsc::UnboundedReceiver<u32>,
    other_task_ran: Arc<AtomicBool>,
) -> Option<u32> {
    let mut first_seen = None;
    while let Some(index) = rx.recv().await {
        if first_seen.is_none() && other_task_ran.load(Ordering::SeqCst) {
            first_seen = Some(index);
        }
    }
    first_seen
}
// ANCHOR_END: budget

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn without_yielding_the_heartbeat_misses_all_the_work() {
        // The gap is the whole of the work, and grows with it.
        assert_eq!(longest_gap(50, false).await, 50);
        assert_eq!(longest_gap(100, false).await, 100);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn yielding_lets_the_heartbeat_run_between_steps() {
        // A step or two at most, however long the work: the heartbeat gets
        // the thread back between steps.
        assert!(longest_gap(50, true).await <= 2);
        assert!(longest_gap(100, true).await <= 2);
    }

    // Real time: the workers of a multi-thread runtime are OS threads, and a
    // paused clock exists only on a current-thread runtime. The first test
    // blocks for 50 ms and passes whatever the machine's speed; the second
    // returns as soon as the child runs, and 5 s is only a bound.
    #[test]
    fn a_child_in_the_lifo_slot_waits_for_its_blocked_parent() {
        assert!(!child_ran_while_parent_blocked(
            false,
            Duration::from_millis(50)
        ));
    }

    #[test]
    fn a_child_in_the_local_queue_is_stolen_by_an_idle_worker() {
        assert!(child_ran_while_parent_blocked(true, Duration::from_secs(5)));
    }

    fn full_channel(count: u32) -> mpsc::UnboundedReceiver<u32> {
        let (tx, rx) = mpsc::unbounded_channel();
        for index in 0..count {
            tx.send(index).unwrap();
        }
        rx // `tx` is dropped, so `recv` returns `None` after the last one
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_coop_budget_makes_a_ready_loop_yield() {
        let ran = Arc::new(AtomicBool::new(false));
        let draining = tokio::spawn(drain(full_channel(1_000), ran.clone()));
        let flag = ran.clone();
        tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });

        // The draining task never waits, yet tokio makes its `recv` return
        // `Pending` once the task has used its budget, so the other task
        // runs long before the 1000 messages are drained.
        let first_seen = draining.await.unwrap().expect("the other task never ran");
        // Tokio 1.54 gives each task a budget of 128 operations per turn.
        assert_eq!(first_seen, 128);
        assert!(tokio::task::coop::has_budget_remaining());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn unconstrained_opts_out_of_the_budget() {
        let ran = Arc::new(AtomicBool::new(false));
        let draining = tokio::spawn(tokio::task::coop::unconstrained(drain(
            full_channel(1_000),
            ran.clone(),
        )));
        let flag = ran.clone();
        tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });

        // Without a budget the loop drains all 1000 messages in one go.
        assert_eq!(draining.await.unwrap(), None);
    }
}
