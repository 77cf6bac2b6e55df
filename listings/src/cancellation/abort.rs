// Cancelling a spawned task: a dropped `JoinHandle` detaches the task,
// `abort` and `AbortHandle` cancel it, and tokio-util's `AbortOnDropHandle`
// cancels it when the handle is dropped.

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    use tokio::time::{Instant, sleep};
    use tokio_util::task::AbortOnDropHandle;

    /// A task that sleeps for `secs` seconds and then raises its flag.
    fn spawn_sleeper(
        secs: u64,
        done: Arc<AtomicBool>,
    ) -> tokio::task::JoinHandle<&'static str> {
        tokio::spawn(async move {
            sleep(Duration::from_secs(secs)).await;
            done.store(true, Ordering::SeqCst);
            "woke up"
        })
    }

    // ANCHOR: detach_and_abort
    #[tokio::test(start_paused = true)]
    async fn dropping_a_join_handle_does_not_cancel_the_task() {
        let done = Arc::new(AtomicBool::new(false));
        let handle = spawn_sleeper(10, done.clone());

        // The handle is gone, but the task is owned by the runtime, not by
        // the handle. It keeps running in the background ("detached").
        drop(handle);

        sleep(Duration::from_secs(11)).await;
        assert!(done.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn abort_cancels_the_task_at_its_next_await() {
        let done = Arc::new(AtomicBool::new(false));
        let handle = spawn_sleeper(10, done.clone());
        sleep(Duration::from_secs(1)).await;

        handle.abort();

        // Awaiting an aborted task gives a `JoinError` that says so.
        let error = handle.await.unwrap_err();
        assert!(error.is_cancelled());
        sleep(Duration::from_secs(20)).await;
        assert!(!done.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn an_abort_handle_cancels_from_somewhere_else() {
        let done = Arc::new(AtomicBool::new(false));
        let handle = spawn_sleeper(10, done.clone());

        // An `AbortHandle` can cancel the task but cannot await its result,
        // and it can be cloned and moved to another task.
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
    // ANCHOR_END: detach_and_abort

    // ANCHOR: abort_on_drop
    #[tokio::test(start_paused = true)]
    async fn abort_on_drop_handle_cancels_when_dropped() {
        let done = Arc::new(AtomicBool::new(false));
        let guarded = AbortOnDropHandle::new(spawn_sleeper(10, done.clone()));

        // The task's lifetime is now tied to this value, as with a future.
        drop(guarded);

        sleep(Duration::from_secs(20)).await;
        assert!(!done.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn abort_on_drop_handle_can_still_be_awaited() {
        let done = Arc::new(AtomicBool::new(false));
        let guarded = AbortOnDropHandle::new(spawn_sleeper(10, done.clone()));
        assert_eq!(guarded.await.unwrap(), "woke up");
        assert!(done.load(Ordering::SeqCst));
    }
    // ANCHOR_END: abort_on_drop

    // ANCHOR: blocking
    #[tokio::test]
    async fn a_running_blocking_task_cannot_be_aborted() {
        let (started_sender, started) = std::sync::mpsc::channel();
        let handle = tokio::task::spawn_blocking(move || {
            started_sender.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(20));
            "finished anyway"
        });
        // Wait (on this test's own thread, briefly) until the closure runs.
        started.recv().unwrap();

        // There is no `.await` inside a plain closure where it could stop.
        handle.abort();
        assert_eq!(handle.await.unwrap(), "finished anyway");
    }
    // ANCHOR_END: blocking
}
