// What happens to spawned work when a runtime shuts down: async tasks are
// dropped, blocking tasks are waited for, and `shutdown_timeout` bounds the
// wait.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};
use tokio::runtime::{Builder, Runtime};

/// A list of events shared between the test thread and the tasks.
type Events = Arc<Mutex<Vec<&'static str>>>;

fn runtime() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("failed to build the runtime")
}

// ANCHOR: drop_guard
/// Records an event when dropped: shows when a task's future is destroyed.
struct DropGuard {
    events: Events,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.events.lock().unwrap().push("task dropped");
    }
}

pub fn drop_runtime_with_a_waiting_task() -> Vec<&'static str> {
    let events = Events::default();
    let runtime = runtime();
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();

    let task_events = Arc::clone(&events);
    runtime.spawn(async move {
        let _guard = DropGuard {
            events: Arc::clone(&task_events),
        };
        task_events.lock().unwrap().push("task started");
        let _ = started_tx.send(());
        // Waits for something that never comes, like a message on a
        // channel whose sender is still alive somewhere.
        std::future::pending::<()>().await;
        task_events.lock().unwrap().push("task finished");
    });

    runtime.block_on(started_rx).unwrap();
    drop(runtime);
    events.lock().unwrap().push("runtime dropped");
    events.lock().unwrap().clone()
}
// ANCHOR_END: drop_guard

// ANCHOR: blocking
pub fn drop_runtime_with_a_blocking_task() -> Vec<&'static str> {
    let events = Events::default();
    let runtime = runtime();
    let (started_tx, started_rx) = mpsc::channel();

    let task_events = Arc::clone(&events);
    runtime.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        thread::sleep(Duration::from_millis(10));
        task_events.lock().unwrap().push("blocking task finished");
    });

    started_rx.recv().unwrap();
    // Blocks until the blocking task returns.
    drop(runtime);
    events.lock().unwrap().push("runtime dropped");
    events.lock().unwrap().clone()
}
// ANCHOR_END: blocking

// ANCHOR: timeout
/// What `shutdown_timeout` leaves behind.
pub struct TimedShutdown {
    pub waited: Duration,
    pub finished_before_shutdown_returned: bool,
    /// Lets the abandoned blocking task go, so that its thread ends.
    pub release: mpsc::Sender<()>,
    /// Receives a message when the blocking task has finished.
    pub done: mpsc::Receiver<()>,
}

pub fn shut_down_with_timeout(limit: Duration) -> TimedShutdown {
    let runtime = runtime();
    let (release, released) = mpsc::channel::<()>();
    let (done_tx, done) = mpsc::channel();
    let (started_tx, started_rx) = mpsc::channel();

    runtime.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        // A blocking call that will not return soon: a stuck read, a lock.
        let _ = released.recv();
        let _ = done_tx.send(());
    });
    started_rx.recv().unwrap();

    let start = Instant::now();
    runtime.shutdown_timeout(limit);
    let waited = start.elapsed();

    TimedShutdown {
        waited,
        finished_before_shutdown_returned: done.try_recv().is_ok(),
        release,
        done,
    }
}
// ANCHOR_END: timeout

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waiting_task_is_dropped_not_finished() {
        assert_eq!(
            drop_runtime_with_a_waiting_task(),
            ["task started", "task dropped", "runtime dropped"]
        );
    }

    #[test]
    fn a_blocking_task_is_waited_for() {
        assert_eq!(
            drop_runtime_with_a_blocking_task(),
            ["blocking task finished", "runtime dropped"]
        );
    }

    #[test]
    fn shutdown_timeout_stops_waiting_and_leaves_the_thread_running() {
        let limit = Duration::from_millis(50);
        let shutdown = shut_down_with_timeout(limit);
        assert!(shutdown.waited >= limit, "waited {:?}", shutdown.waited);
        assert!(
            shutdown.waited < Duration::from_secs(5),
            "waited {:?}",
            shutdown.waited
        );
        // The runtime is gone, but its blocking task still runs.
        assert!(!shutdown.finished_before_shutdown_returned);

        // Release it, and see it finish: no thread is leaked for good.
        shutdown.release.send(()).unwrap();
        shutdown.done.recv_timeout(Duration::from_secs(5)).unwrap();
    }

    #[tokio::test]
    #[should_panic(
        expected = "Cannot drop a runtime in a context where blocking is not allowed"
    )]
    async fn dropping_a_runtime_inside_async_code_panics() {
        let inner = runtime();
        drop(inner);
    }

    #[tokio::test]
    async fn shutdown_background_does_not_block() {
        let inner = runtime();
        inner.spawn(std::future::pending::<()>());
        inner.shutdown_background();
    }
}
