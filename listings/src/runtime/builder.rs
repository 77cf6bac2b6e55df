// Configuring a runtime with `Builder`, and tests that observe each option.

// ANCHOR: configured
use std::io;
use tokio::runtime::{Builder, Runtime};

pub fn configured_runtime() -> io::Result<Runtime> {
    Builder::new_multi_thread()
        // Threads that run async tasks. Default: one per CPU core.
        .worker_threads(3)
        // The name of every thread the runtime starts, workers and blocking
        // threads alike. Shows up in debuggers, `top -H` and panic messages.
        .thread_name("book-worker")
        // Stack size of those threads. Default: 2 MiB. Raise it only if deep
        // recursion in a task overflows the stack.
        .thread_stack_size(4 * 1024 * 1024)
        // Upper bound on threads for `spawn_blocking`. Default: 512. Extra
        // blocking calls wait in a queue.
        .max_blocking_threads(2)
        // Turn on the I/O and time drivers. Without them, sockets and
        // `sleep` panic.
        .enable_all()
        .build()
}
// ANCHOR_END: configured

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;
    use std::time::Duration;

    fn thread_name() -> String {
        thread::current().name().unwrap_or("unnamed").to_string()
    }

    #[test]
    fn has_three_workers() {
        let runtime = configured_runtime().unwrap();
        assert_eq!(runtime.metrics().num_workers(), 3);
    }

    #[test]
    fn tasks_and_blocking_calls_run_on_named_threads() {
        let runtime = configured_runtime().unwrap();
        let (task_thread, blocking_thread) = runtime.block_on(async {
            let task = tokio::spawn(async { thread_name() });
            let blocking = tokio::task::spawn_blocking(thread_name);
            (task.await.unwrap(), blocking.await.unwrap())
        });
        assert_eq!(task_thread, "book-worker");
        assert_eq!(blocking_thread, "book-worker");
    }

    #[test]
    fn at_most_two_blocking_calls_run_at_once() {
        let runtime = configured_runtime().unwrap();
        let running = Arc::new(AtomicUsize::new(0));
        let most_at_once = Arc::new(AtomicUsize::new(0));

        let finished = runtime.block_on(async {
            let calls: Vec<_> = (0..6)
                .map(|_| {
                    let running = Arc::clone(&running);
                    let most_at_once = Arc::clone(&most_at_once);
                    tokio::task::spawn_blocking(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most_at_once.fetch_max(now, Ordering::SeqCst);
                        // A short real wait, so the calls overlap if they can.
                        // Real time: these closures run on OS threads of the
                        // blocking pool, which a paused clock cannot reach.
                        // The limit holds whatever the timing; the wait only
                        // gives a third call the chance to break it.
                        thread::sleep(Duration::from_millis(2));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
                .collect();
            let mut finished = 0;
            for call in calls {
                call.await.unwrap();
                finished += 1;
            }
            finished
        });

        assert_eq!(finished, 6);
        assert!(most_at_once.load(Ordering::SeqCst) <= 2);
    }

    #[test]
    #[should_panic(
        expected = "A Tokio 1.x context was found, but timers are disabled. \
                               Call `enable_time` on the runtime builder to enable timers."
    )]
    fn without_enable_all_sleep_panics() {
        let runtime = Builder::new_current_thread().build().unwrap();
        runtime
            .block_on(async { tokio::time::sleep(Duration::from_millis(1)).await });
    }

    #[test]
    #[should_panic(expected = "there is no reactor running")]
    fn a_sleep_created_outside_the_runtime_panics() {
        // `sleep(..)` runs *before* `block_on`, outside the runtime: it
        // panics although the runtime has its timer enabled. Wrap it in an
        // `async` block, as above, to create it inside.
        let runtime = configured_runtime().unwrap();
        runtime.block_on(tokio::time::sleep(Duration::from_millis(1)));
    }
}
