// Cancelling a spawned task: a dropped `JoinHandle` detaches the task,
// `abort` and `AbortHandle` cancel it, and tokio-util's `AbortOnDropHandle`
// cancels it when the handle is dropped. A running `spawn_blocking` closure
// cannot be cancelled at all.

use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep};
use tokio_util::task::AbortOnDropHandle;

// ANCHOR: sleeper
/// A task that sleeps for `secs` seconds, then prints that it woke up.
fn spawn_sleeper(name: &'static str, secs: u64) -> JoinHandle<&'static str> {
    let start = Instant::now();
    tokio::spawn(async move {
        sleep(Duration::from_secs(secs)).await;
        println!("{name}: woke up at {:?}", start.elapsed());
        "woke up"
    })
}
// ANCHOR_END: sleeper

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    // The handle is gone, but the runtime owns the task: it runs on, detached.
    drop(spawn_sleeper("detached", 10));
    sleep(Duration::from_secs(11)).await;

    // `abort` drops the task's future at the `.await` where it waits.
    let handle = spawn_sleeper("aborted", 10);
    sleep(Duration::from_secs(1)).await;
    handle.abort();
    let error = handle.await.unwrap_err();
    println!("aborted: cancelled = {}", error.is_cancelled());

    // An `AbortHandle` can cancel from another task, but cannot await.
    let handle = spawn_sleeper("aborted from elsewhere", 10);
    let abort_handle = handle.abort_handle();
    tokio::spawn(async move {
        sleep(Duration::from_secs(2)).await;
        abort_handle.abort();
    });
    let start = Instant::now();
    let error = handle.await.unwrap_err();
    println!(
        "aborted from elsewhere: cancelled = {} after {:?}",
        error.is_cancelled(),
        start.elapsed()
    );

    // `AbortOnDropHandle` ties the task to the handle, as with a future...
    drop(AbortOnDropHandle::new(spawn_sleeper("abort on drop", 10)));
    // ...and can still be awaited for the task's output.
    let kept = AbortOnDropHandle::new(spawn_sleeper("abort on drop, kept", 10));
    println!(
        "abort on drop, kept: awaited, gave {:?}",
        kept.await.unwrap()
    );
    // Long enough for any sleeper still alive to wake up and print.
    sleep(Duration::from_secs(20)).await;

    let blocking = abort_running_blocking_task().await;
    println!("blocking, aborted while running: {blocking:?}");
}
// ANCHOR_END: main

// ANCHOR: blocking
/// Starts a blocking closure that takes 20 ms, aborts it once it is running,
/// and returns what awaiting its handle gives.
pub async fn abort_running_blocking_task() -> Result<&'static str, String> {
    let (started_sender, started) = tokio::sync::oneshot::channel();
    let handle = tokio::task::spawn_blocking(move || {
        let _ = started_sender.send(());
        // Real work on a thread of its own (a real 20 ms, not the paused clock).
        std::thread::sleep(Duration::from_millis(20));
        "finished anyway"
    });
    started.await.expect("the closure runs");
    // There is no `.await` inside a plain closure where it could stop.
    handle.abort();
    handle.await.map_err(|error| error.to_string())
}
// ANCHOR_END: blocking

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Like `spawn_sleeper`, but raises a flag instead of printing.
    fn spawn_flagged(secs: u64, done: Arc<AtomicBool>) -> JoinHandle<&'static str> {
        tokio::spawn(async move {
            sleep(Duration::from_secs(secs)).await;
            done.store(true, Ordering::SeqCst);
            "woke up"
        })
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_a_join_handle_does_not_cancel_the_task() {
        let done = Arc::new(AtomicBool::new(false));
        drop(spawn_flagged(10, done.clone()));
        sleep(Duration::from_secs(11)).await;
        assert!(done.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn abort_cancels_the_task_at_its_next_await() {
        let done = Arc::new(AtomicBool::new(false));
        let handle = spawn_flagged(10, done.clone());
        sleep(Duration::from_secs(1)).await;
        handle.abort();
        assert!(handle.await.unwrap_err().is_cancelled());
        sleep(Duration::from_secs(20)).await;
        assert!(!done.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn an_abort_handle_cancels_from_somewhere_else() {
        let done = Arc::new(AtomicBool::new(false));
        let handle = spawn_flagged(10, done.clone());
        let abort_handle = handle.abort_handle();
        tokio::spawn(async move {
            sleep(Duration::from_secs(2)).await;
            abort_handle.abort();
        });
        let start = Instant::now();
        assert!(handle.await.unwrap_err().is_cancelled());
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert!(!done.load(Ordering::SeqCst));
    }

    /// `abort` takes effect at the task's next `.await`. A task that is running
    /// when it is aborted, and finishes without reaching one, returns `Ok`.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_task_that_finishes_before_its_next_await_is_not_cancelled() {
        let started = Arc::new(AtomicBool::new(false));
        let go_on = Arc::new(AtomicBool::new(false));
        let handle = tokio::spawn({
            let (started, go_on) = (started.clone(), go_on.clone());
            async move {
                started.store(true, Ordering::SeqCst);
                // Busy on a worker thread, with no `.await`, until told to finish.
                while !go_on.load(Ordering::SeqCst) {
                    std::hint::spin_loop();
                }
                42
            }
        });
        while !started.load(Ordering::SeqCst) {
            tokio::task::yield_now().await;
        }
        handle.abort(); // the task is running: the abort waits for an `.await`
        go_on.store(true, Ordering::SeqCst);
        assert_eq!(handle.await.unwrap(), 42);
    }

    #[tokio::test(start_paused = true)]
    async fn abort_on_drop_handle_cancels_when_dropped() {
        let done = Arc::new(AtomicBool::new(false));
        drop(AbortOnDropHandle::new(spawn_flagged(10, done.clone())));
        sleep(Duration::from_secs(20)).await;
        assert!(!done.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn abort_on_drop_handle_can_still_be_awaited() {
        let done = Arc::new(AtomicBool::new(false));
        let guarded = AbortOnDropHandle::new(spawn_flagged(10, done.clone()));
        assert_eq!(guarded.await.unwrap(), "woke up");
        assert!(done.load(Ordering::SeqCst));
    }

    // The blocking closure runs on a real thread for a real 20 ms: the
    // paused clock has no say over it.
    #[tokio::test]
    async fn a_running_blocking_task_cannot_be_aborted() {
        assert_eq!(abort_running_blocking_task().await, Ok("finished anyway"));
    }
}
