// What happens to spawned work when a runtime shuts down: async tasks are
// dropped at their `.await`, blocking closures are waited for, and
// `shutdown_timeout` bounds the wait.
//
// These run on real threads and in real time: the blocking pool's threads
// are OS threads that a paused clock cannot reach. No step sleeps; each
// waits for a message from the step before, so the order is the same on
// every run.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::runtime::{Builder, Runtime};

/// A list of events shared between the main thread and the tasks.
type Events = Arc<Mutex<Vec<&'static str>>>;

fn log(events: &Events, event: &'static str) {
    events.lock().unwrap().push(event);
}

// ANCHOR: drop_guard
/// Records an event when dropped: shows when a task's future is destroyed.
struct DropGuard {
    events: Events,
    event: &'static str,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        log(&self.events, self.event);
    }
}

pub fn drop_runtime_with_a_waiting_task() -> Vec<&'static str> {
    let events = Events::default();
    let runtime = Runtime::new().expect("failed to build the runtime");
    let (started_tx, started_rx) = tokio::sync::oneshot::channel();

    let task_events = Arc::clone(&events);
    runtime.spawn(async move {
        let _guard = DropGuard {
            events: Arc::clone(&task_events),
            event: "task dropped",
        };
        log(&task_events, "task started");
        let _ = started_tx.send(());
        // Waits for something that never comes, like a message on a
        // channel whose sender is still alive somewhere.
        std::future::pending::<()>().await;
        log(&task_events, "task finished");
    });

    runtime.block_on(started_rx).unwrap();
    drop(runtime);
    log(&events, "runtime dropped");
    events.lock().unwrap().clone()
}
// ANCHOR_END: drop_guard

// ANCHOR: blocking
pub fn drop_runtime_with_blocking_closures() -> Vec<&'static str> {
    let events = Events::default();
    // One blocking thread, so that a second closure has to queue.
    let runtime = Builder::new_current_thread()
        .max_blocking_threads(1)
        .enable_all()
        .build()
        .expect("failed to build the runtime");
    let (release, released) = mpsc::channel::<()>();
    let (first_started, first_running) = tokio::sync::oneshot::channel();
    let (task_started, task_waiting) = tokio::sync::oneshot::channel();

    // The first closure blocks until every `release` sender is gone.
    let first_events = Arc::clone(&events);
    runtime.spawn_blocking(move || {
        let _ = first_started.send(());
        let _ = released.recv(); // returns `Err` once the sender is dropped
        log(&first_events, "first closure finished");
    });
    // The only blocking thread is busy: this one waits in the pool's queue.
    let queued_events = Arc::clone(&events);
    runtime.spawn_blocking(move || log(&queued_events, "queued closure ran"));

    // An async task owns the sender. Shutting the runtime down drops the
    // task, which logs its drop and then lets the first closure go.
    let task_events = Arc::clone(&events);
    runtime.spawn(async move {
        let _release = release; // declared first, so dropped last
        let _guard = DropGuard {
            events: task_events,
            event: "async task dropped",
        };
        let _ = task_started.send(());
        std::future::pending::<()>().await;
    });

    runtime.block_on(async {
        first_running.await.unwrap();
        task_waiting.await.unwrap();
    });
    log(&events, "dropping the runtime");
    // Blocks until both closures have returned.
    drop(runtime);
    log(&events, "runtime dropped");
    events.lock().unwrap().clone()
}
// ANCHOR_END: blocking

// ANCHOR: timeout
pub fn shut_down_with_timeout(limit: Duration) -> (Vec<&'static str>, Duration) {
    let events = Events::default();
    let runtime = Runtime::new().expect("failed to build the runtime");
    let (release, released) = mpsc::channel::<()>();
    let (started_tx, started) = mpsc::channel();
    let (done_tx, done) = mpsc::channel();

    let closure_events = Arc::clone(&events);
    runtime.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        // A blocking call that will not return soon: a stuck read, a lock.
        let _ = released.recv();
        log(&closure_events, "blocking closure finished");
        done_tx.send(()).unwrap();
    });
    started.recv().unwrap();

    let start = Instant::now();
    runtime.shutdown_timeout(limit);
    let waited = start.elapsed();
    log(&events, "shutdown_timeout returned");

    // The runtime is gone; its closure still runs, on a thread that is now
    // nobody's. Let it go, and wait for it, so the thread ends.
    release.send(()).unwrap();
    done.recv().unwrap();
    let events = events.lock().unwrap().clone();
    (events, waited)
}
// ANCHOR_END: timeout

pub fn main() {
    println!("-- a task waiting at an .await");
    for event in drop_runtime_with_a_waiting_task() {
        println!("{event}");
    }
    println!("-- a blocking closure running, another one queued");
    for event in drop_runtime_with_blocking_closures() {
        println!("{event}");
    }
    println!("-- shutdown_timeout(50 ms) with a stuck blocking closure");
    let (events, _waited) = shut_down_with_timeout(Duration::from_millis(50));
    for event in events {
        println!("{event}");
    }
}

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
    fn blocking_closures_are_waited_for_even_a_queued_one() {
        assert_eq!(
            drop_runtime_with_blocking_closures(),
            [
                "dropping the runtime",
                "async task dropped",
                "first closure finished",
                "queued closure ran",
                "runtime dropped",
            ]
        );
    }

    // Real time: `shutdown_timeout` waits on a condition variable of the
    // blocking pool, which a paused clock does not drive. The 10 ms limit is
    // the only real wait; the 5 s bound is never reached unless broken.
    #[test]
    fn shutdown_timeout_stops_waiting_and_leaves_the_closure_running() {
        let limit = Duration::from_millis(10);
        let (events, waited) = shut_down_with_timeout(limit);
        assert!(waited >= limit, "waited {waited:?}");
        assert!(waited < Duration::from_secs(5), "waited {waited:?}");
        assert_eq!(
            events,
            ["shutdown_timeout returned", "blocking closure finished"]
        );
    }

    #[tokio::test]
    #[should_panic(
        expected = "Cannot drop a runtime in a context where blocking is not allowed"
    )]
    async fn dropping_a_runtime_inside_async_code_panics() {
        let inner = Runtime::new().unwrap();
        drop(inner);
    }

    #[tokio::test]
    async fn shutdown_background_does_not_block() {
        let inner = Runtime::new().unwrap();
        inner.spawn(std::future::pending::<()>());
        inner.shutdown_background();
    }
}
