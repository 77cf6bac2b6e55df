// Tasks share a thread by yielding at `.await`. A task that never yields
// keeps every other task on its thread waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use tokio::sync::mpsc;

// ANCHOR: heartbeat
// A task that wants to run often: each time it gets the thread, it counts a
// beat and yields again.
pub async fn heartbeat(beats: Arc<AtomicU32>) {
    loop {
        beats.fetch_add(1, Ordering::SeqCst);
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
// it returns. It returns how many heartbeats happened while it worked.
pub async fn crunch_without_yielding(steps: u32, beats: Arc<AtomicU32>) -> u32 {
    let before = beats.load(Ordering::SeqCst);
    let mut acc = 0;
    for step in 0..steps {
        acc = crunch_step(acc ^ u64::from(step));
    }
    std::hint::black_box(acc);
    beats.load(Ordering::SeqCst) - before
}
// ANCHOR_END: starving

// ANCHOR: yielding
// The same work, yielding to the scheduler after every step.
pub async fn crunch_with_yielding(steps: u32, beats: Arc<AtomicU32>) -> u32 {
    let before = beats.load(Ordering::SeqCst);
    let mut acc = 0;
    for step in 0..steps {
        acc = crunch_step(acc ^ u64::from(step));
        // Go to the back of the run queue: the heartbeat gets its turn.
        tokio::task::yield_now().await;
    }
    std::hint::black_box(acc);
    beats.load(Ordering::SeqCst) - before
}
// ANCHOR_END: yielding

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

    const STEPS: u32 = 50;

    #[tokio::test(flavor = "current_thread")]
    async fn a_task_without_await_starves_the_heartbeat() {
        let beats = Arc::new(AtomicU32::new(0));
        tokio::spawn(heartbeat(beats.clone()));
        let beats_during_work = tokio::spawn(crunch_without_yielding(STEPS, beats))
            .await
            .unwrap();
        // Not a single beat while the work ran.
        assert_eq!(beats_during_work, 0);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn yielding_lets_the_heartbeat_run_between_steps() {
        let beats = Arc::new(AtomicU32::new(0));
        tokio::spawn(heartbeat(beats.clone()));
        let beats_during_work = tokio::spawn(crunch_with_yielding(STEPS, beats))
            .await
            .unwrap();
        // About one beat per step.
        assert!(beats_during_work >= STEPS - 1, "{beats_during_work} beats");
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
