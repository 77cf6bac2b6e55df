// Dropping a `JoinHandle` lets the task run on; `abort` stops it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::oneshot;

// ANCHOR: detach
// The handle is dropped at the end of this function, but the task keeps
// running: dropping a `JoinHandle` detaches the task, it does not cancel it.
pub fn start_report(done: oneshot::Sender<&'static str>) {
    let _handle = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let _ = done.send("report written");
    });
} // `_handle` dropped here
// ANCHOR_END: detach

// ANCHOR: drop_guard
// Sets a flag when it is dropped. A task that holds one tells us, after the
// fact, that its future was dropped: finished or cancelled.
pub struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}
// ANCHOR_END: drop_guard

// ANCHOR: abort
// A long job we want to be able to cancel. The returned `AbortHandle` can
// cancel the task but cannot await it; it is cheap to clone and hand out.
pub fn start_job(
    dropped: Arc<AtomicBool>,
    finished: Arc<AtomicBool>,
) -> (tokio::task::JoinHandle<()>, tokio::task::AbortHandle) {
    let handle = tokio::spawn(async move {
        let _guard = SetOnDrop(dropped);
        tokio::time::sleep(Duration::from_secs(60)).await;
        // Only reached if nobody aborts the task within 60 s.
        finished.store(true, Ordering::SeqCst);
    });
    let abort_handle = handle.abort_handle();
    (handle, abort_handle)
}
// ANCHOR_END: abort

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let clock = tokio::time::Instant::now();
    let secs = || clock.elapsed().as_secs();

    let (done, report) = oneshot::channel();
    start_report(done);
    println!("{} s: start_report returned, its handle dropped", secs());
    let message = report.await.unwrap(); // sent by the detached task
    println!("{} s: {message}", secs());

    let dropped = Arc::new(AtomicBool::new(false));
    let finished = Arc::new(AtomicBool::new(false));
    let (handle, abort_handle) = start_job(dropped.clone(), finished.clone());
    println!("{} s: job started", secs());
    // Whoever decides to give up needs only the `AbortHandle`.
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(2)).await;
        abort_handle.abort();
    });
    let outcome = match handle.await {
        Ok(()) => "finished",
        Err(error) if error.is_cancelled() => "cancelled",
        Err(_) => "panicked",
    };
    println!("{} s: job {outcome}", secs());
    println!("guard dropped: {}", dropped.load(Ordering::SeqCst));
    println!(
        "code after the sleep ran: {}",
        finished.load(Ordering::SeqCst)
    );
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_dropped_handle_does_not_cancel_the_task() {
        let (done_tx, done_rx) = oneshot::channel();
        start_report(done_tx);
        // The handle is gone, yet the message arrives 5 s later.
        let start = tokio::time::Instant::now();
        assert_eq!(done_rx.await.unwrap(), "report written");
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    }

    #[tokio::test(start_paused = true)]
    async fn abort_drops_the_future_at_its_await() {
        let dropped = Arc::new(AtomicBool::new(false));
        let finished = Arc::new(AtomicBool::new(false));
        let (handle, _abort_handle) = start_job(dropped.clone(), finished.clone());

        // Let the task start and reach its sleep.
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(!dropped.load(Ordering::SeqCst));

        handle.abort();
        let error = handle.await.unwrap_err();
        assert!(error.is_cancelled());
        // The future was dropped (the guard ran) and never finished.
        assert!(dropped.load(Ordering::SeqCst));
        assert!(!finished.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn an_abort_handle_cancels_while_someone_else_awaits() {
        let dropped = Arc::new(AtomicBool::new(false));
        let finished = Arc::new(AtomicBool::new(false));
        let (handle, abort_handle) = start_job(dropped.clone(), finished.clone());

        // Some other part of the program holds the `AbortHandle`.
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            abort_handle.abort();
        });

        let start = tokio::time::Instant::now();
        let error = handle.await.unwrap_err();
        assert!(error.is_cancelled());
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert!(dropped.load(Ordering::SeqCst));
        assert!(!finished.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn abort_after_completion_changes_nothing() {
        let dropped = Arc::new(AtomicBool::new(false));
        let finished = Arc::new(AtomicBool::new(false));
        let (handle, abort_handle) = start_job(dropped.clone(), finished.clone());
        tokio::time::sleep(Duration::from_secs(61)).await;
        assert!(abort_handle.is_finished());
        abort_handle.abort();
        // The task had already finished, so its result is still `Ok`.
        assert!(handle.await.is_ok());
        assert!(finished.load(Ordering::SeqCst));
    }
}
