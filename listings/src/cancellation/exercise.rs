// Exercise: a supervisor that runs workers, tells them all to stop, waits for
// them up to a deadline, and aborts the ones that are still running.

// ANCHOR: attempt
pub mod attempt {
    use std::time::Duration;
    use tokio_util::sync::CancellationToken;

    /// What happened to the workers at shutdown.
    #[derive(Debug, PartialEq, Eq)]
    pub struct ShutdownReport {
        /// Workers that returned on their own, before or during shutdown.
        pub finished_cleanly: usize,
        /// Workers still running at the deadline, which were aborted.
        pub aborted: usize,
    }

    pub struct Supervisor {
        // Your fields here.
    }

    impl Supervisor {
        pub fn new() -> Supervisor {
            todo!()
        }

        /// Spawns `worker(token)`. The worker should return soon after
        /// `token` is cancelled. Cancelling its own token must not stop the
        /// other workers.
        #[allow(unused_variables)]
        pub fn spawn_worker<F, Fut>(&self, worker: F)
        where
            F: FnOnce(CancellationToken) -> Fut,
            Fut: Future<Output = ()> + Send + 'static,
        {
            todo!()
        }

        /// How many workers are still running.
        pub fn running(&self) -> usize {
            todo!()
        }

        /// Cancels every worker and waits for them, for at most `grace`.
        /// Workers still running then are aborted; returns once every
        /// worker is gone.
        #[allow(unused_variables)]
        pub async fn shutdown(self, grace: Duration) -> ShutdownReport {
            todo!()
        }
    }

    impl Default for Supervisor {
        fn default() -> Supervisor {
            Supervisor::new()
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use tokio::task::AbortHandle;
    use tokio::time::timeout;
    use tokio_util::sync::CancellationToken;
    use tokio_util::task::TaskTracker;

    /// What happened to the workers at shutdown.
    #[derive(Debug, PartialEq, Eq)]
    pub struct ShutdownReport {
        /// Workers that returned on their own, before or during shutdown.
        pub finished_cleanly: usize,
        /// Workers still running at the deadline, which were aborted.
        pub aborted: usize,
    }

    pub struct Supervisor {
        /// The parent of every worker's token.
        token: CancellationToken,
        /// Knows which workers are still running, and can wait for them.
        tracker: TaskTracker,
        /// One per worker ever spawned, to abort the stragglers.
        abort_handles: Mutex<Vec<AbortHandle>>,
        /// Counts workers that returned normally.
        finished_cleanly: Arc<AtomicUsize>,
    }

    impl Supervisor {
        pub fn new() -> Supervisor {
            Supervisor {
                token: CancellationToken::new(),
                tracker: TaskTracker::new(),
                abort_handles: Mutex::new(Vec::new()),
                finished_cleanly: Arc::new(AtomicUsize::new(0)),
            }
        }

        /// Spawns `worker(token)`. The worker should return soon after
        /// `token` is cancelled. Cancelling its own token must not stop the
        /// other workers.
        pub fn spawn_worker<F, Fut>(&self, worker: F)
        where
            F: FnOnce(CancellationToken) -> Fut,
            Fut: Future<Output = ()> + Send + 'static,
        {
            // A child token: our `cancel` reaches it, its own `cancel` stays
            // local to this worker.
            let work = worker(self.token.child_token());
            let finished_cleanly = self.finished_cleanly.clone();
            let handle = self.tracker.spawn(async move {
                work.await;
                // Not reached if the task is aborted: the future is dropped
                // at the `.await` above.
                finished_cleanly.fetch_add(1, Ordering::SeqCst);
            });
            self.abort_handles
                .lock()
                .unwrap()
                .push(handle.abort_handle());
        }

        /// How many workers are still running.
        pub fn running(&self) -> usize {
            self.tracker.len()
        }

        /// Cancels every worker and waits for them, for at most `grace`.
        /// Workers still running then are aborted; returns once every
        /// worker is gone.
        pub async fn shutdown(self, grace: Duration) -> ShutdownReport {
            self.token.cancel();
            // Without `close`, `wait` would never return.
            self.tracker.close();

            if timeout(grace, self.tracker.wait()).await.is_err() {
                for handle in self.abort_handles.lock().unwrap().iter() {
                    // Aborting a task that already finished does nothing.
                    handle.abort();
                }
                // An aborted task is gone once its future has been dropped.
                self.tracker.wait().await;
            }

            let spawned = self.abort_handles.lock().unwrap().len();
            let finished_cleanly = self.finished_cleanly.load(Ordering::SeqCst);
            ShutdownReport {
                finished_cleanly,
                aborted: spawned - finished_cleanly,
            }
        }
    }

    impl Default for Supervisor {
        fn default() -> Supervisor {
            Supervisor::new()
        }
    }
}
// ANCHOR_END: solution

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    use tokio::time::{Instant, sleep};
    use tokio_util::sync::CancellationToken;

    const GRACE: Duration = Duration::from_secs(5);

    /// Works until cancelled, then takes `cleanup` to wind down, then sets
    /// `done`.
    async fn polite_worker(
        token: CancellationToken,
        cleanup: Duration,
        done: Arc<AtomicBool>,
    ) {
        token.cancelled().await;
        sleep(cleanup).await;
        done.store(true, Ordering::SeqCst);
    }

    /// Ignores its token entirely.
    async fn stubborn_worker(alive: Arc<()>) {
        let _alive = alive;
        sleep(Duration::from_secs(3600)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn prompt_workers_finish_cleanly_at_once() {
        let supervisor = Supervisor::new();
        let done: Vec<_> = (0..3).map(|_| Arc::new(AtomicBool::new(false))).collect();
        for flag in &done {
            let flag = flag.clone();
            supervisor
                .spawn_worker(|token| polite_worker(token, Duration::ZERO, flag));
        }
        sleep(Duration::from_secs(10)).await;
        assert_eq!(supervisor.running(), 3);

        let start = Instant::now();
        let report = supervisor.shutdown(GRACE).await;
        assert_eq!(
            report,
            ShutdownReport {
                finished_cleanly: 3,
                aborted: 0
            }
        );
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert!(done.iter().all(|flag| flag.load(Ordering::SeqCst)));
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_waits_for_clean_up_within_the_grace_period() {
        let supervisor = Supervisor::new();
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        supervisor
            .spawn_worker(|token| polite_worker(token, Duration::from_secs(2), flag));

        let start = Instant::now();
        let report = supervisor.shutdown(GRACE).await;
        assert_eq!(report.finished_cleanly, 1);
        assert_eq!(report.aborted, 0);
        // It returned when the last worker did, not at the deadline.
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert!(done.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stubborn_worker_is_aborted_at_the_deadline() {
        let supervisor = Supervisor::new();
        let alive = Arc::new(());
        let held = alive.clone();
        supervisor.spawn_worker(move |_token| stubborn_worker(held));
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        supervisor
            .spawn_worker(|token| polite_worker(token, Duration::from_secs(1), flag));

        let start = Instant::now();
        let report = supervisor.shutdown(GRACE).await;
        assert_eq!(
            report,
            ShutdownReport {
                finished_cleanly: 1,
                aborted: 1
            }
        );
        assert_eq!(start.elapsed(), GRACE);
        // The stubborn worker's future has been dropped by the time
        // `shutdown` returns.
        assert_eq!(Arc::strong_count(&alive), 1);
        assert!(done.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn clean_up_that_overruns_the_deadline_is_cut_off() {
        let supervisor = Supervisor::new();
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        supervisor.spawn_worker(|token| {
            polite_worker(token, Duration::from_secs(10), flag)
        });

        let start = Instant::now();
        let report = supervisor.shutdown(GRACE).await;
        assert_eq!(report.aborted, 1);
        assert_eq!(report.finished_cleanly, 0);
        assert_eq!(start.elapsed(), GRACE);
        sleep(Duration::from_secs(60)).await;
        assert!(
            !done.load(Ordering::SeqCst),
            "the aborted clean-up never finished"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn workers_that_return_early_count_as_clean_and_stop_running() {
        let supervisor = Supervisor::new();
        supervisor.spawn_worker(|_token| sleep(Duration::from_secs(1)));
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        supervisor.spawn_worker(|token| polite_worker(token, Duration::ZERO, flag));

        sleep(Duration::from_secs(2)).await;
        assert_eq!(supervisor.running(), 1);
        assert!(!done.load(Ordering::SeqCst), "nobody cancelled it yet");

        let report = supervisor.shutdown(GRACE).await;
        assert_eq!(
            report,
            ShutdownReport {
                finished_cleanly: 2,
                aborted: 0
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_worker_cancelling_its_own_token_stops_only_itself() {
        let supervisor = Supervisor::new();
        supervisor.spawn_worker(|token| async move {
            sleep(Duration::from_secs(1)).await;
            token.cancel();
        });
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        supervisor.spawn_worker(|token| polite_worker(token, Duration::ZERO, flag));

        sleep(Duration::from_secs(2)).await;
        assert_eq!(supervisor.running(), 1);
        assert!(!done.load(Ordering::SeqCst));

        let report = supervisor.shutdown(GRACE).await;
        assert_eq!(report.finished_cleanly, 2);
        assert!(done.load(Ordering::SeqCst));
    }
}
