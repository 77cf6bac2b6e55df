// Atomics: for a single number shared by many tasks, no lock is needed.

use std::sync::atomic::{AtomicU64, Ordering};

// ANCHOR: metrics
#[derive(Default)]
pub struct Metrics {
    requests: AtomicU64,
    bytes: AtomicU64,
}

impl Metrics {
    pub fn record(&self, bytes: u64) {
        // `fetch_add` is one indivisible read-modify-write: no update is
        // lost, whatever the other threads do. `Relaxed` is enough for a
        // counter that nothing else is synchronised through.
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Each number is exact, but the two are read separately: while
    /// requests are being recorded, they may not belong to the same moment.
    pub fn snapshot(&self) -> (u64, u64) {
        (
            self.requests.load(Ordering::Relaxed),
            self.bytes.load(Ordering::Relaxed),
        )
    }
}
// ANCHOR_END: metrics

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::{Arc, Barrier};

    // ANCHOR: race_test
    const TASKS: usize = 4;
    const ROUNDS: u64 = 100_000;
    const TRIALS: usize = 5;

    /// Calls `record` from `TASKS` tasks at once and returns the number of
    /// calls made. A lost update needs two threads inside `record` at the
    /// same moment, so this makes sure the calls overlap, on any machine:
    /// - the runtime has four worker threads, pinned, whatever the cores;
    /// - a std `Barrier` blocks each worker thread until all the tasks have
    ///   reached it, so they start on four threads at once;
    /// - no task stops before every task has made `ROUNDS` calls, so each
    ///   one is still calling while the others run, even when the OS runs
    ///   the threads one at a time and switches between them.
    ///
    /// The loops have no `.await`: each task keeps its thread to the end.
    async fn call_together(record: impl Fn() + Send + Sync + 'static) -> u64 {
        let record = Arc::new(record);
        let start_line = Arc::new(Barrier::new(TASKS));
        let finished = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let record = record.clone();
                let start_line = start_line.clone();
                let finished = finished.clone();
                tokio::spawn(async move {
                    start_line.wait();
                    let mut calls = 0;
                    while finished.load(Ordering::Relaxed) < TASKS {
                        record();
                        calls += 1;
                        if calls == ROUNDS {
                            finished.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    calls
                })
            })
            .collect();
        let mut calls = 0;
        for task in tasks {
            calls += task.await.unwrap();
        }
        calls
    }

    // Several trials, because one trial can, rarely, miss a lost update.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_update_is_lost_across_threads() {
        for trial in 0..TRIALS {
            let metrics = Arc::new(Metrics::default());
            let calls = call_together({
                let metrics = metrics.clone();
                move || metrics.record(512)
            })
            .await;
            assert_eq!(metrics.snapshot(), (calls, calls * 512), "trial {trial}");
        }
    }
    // ANCHOR_END: race_test
}
