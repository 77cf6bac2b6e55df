// A std Mutex in async code: right for short critical sections that never
// reach an `.await`. The guard must be gone before the next `.await`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

// ANCHOR: counter
/// Counts hits per page. Cheap to clone: every clone shares one map.
#[derive(Clone, Default)]
pub struct HitCounter {
    // A std Mutex: each use is a quick map update, with no `.await` inside.
    counts: Arc<Mutex<HashMap<String, u64>>>,
}

impl HitCounter {
    /// Records a hit and returns the page's new count.
    pub fn record(&self, page: &str) -> u64 {
        // `lock` blocks the thread if another thread holds the lock, but only
        // for as long as one short update takes. `unwrap` panics only if a
        // thread panicked while holding the lock ("poisoning").
        let mut counts = self.counts.lock().unwrap();
        let hits = counts.entry(page.to_string()).or_insert(0);
        *hits += 1;
        *hits
    } // the guard is dropped here, and the lock released

    pub fn hits(&self, page: &str) -> u64 {
        self.counts.lock().unwrap().get(page).copied().unwrap_or(0)
    }
}
// ANCHOR_END: counter

// ANCHOR: save
/// Stands in for a write to a database.
async fn save(page: &str, hits: u64) {
    tokio::time::sleep(Duration::from_millis(10)).await;
    let _ = (page, hits);
}

impl HitCounter {
    /// Records a hit, then saves the new count.
    pub async fn record_and_save(&self, page: &str) -> u64 {
        // The block ends the guard's life before the `.await`. Copy out what
        // the rest of the function needs; do not keep the guard.
        let hits = {
            let mut counts = self.counts.lock().unwrap();
            let hits = counts.entry(page.to_string()).or_insert(0);
            *hits += 1;
            *hits
        };
        save(page, hits).await;
        hits
    }
}
// ANCHOR_END: save

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::sync::atomic::{AtomicUsize, Ordering};

    const TASKS: usize = 4;
    const ROUNDS: u64 = 20_000;
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
    async fn many_tasks_on_many_threads_lose_no_update() {
        for trial in 0..TRIALS {
            let counter = HitCounter::default();
            let calls = call_together({
                let counter = counter.clone();
                move || {
                    counter.record("/");
                }
            })
            .await;
            assert_eq!(counter.hits("/"), calls, "trial {trial}");
            assert_eq!(counter.hits("/about"), 0);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_fixed_future_is_send_and_can_be_spawned() {
        let counter = HitCounter::default();
        let first = tokio::spawn({
            let counter = counter.clone();
            async move { counter.record_and_save("/").await }
        });
        let second = tokio::spawn({
            let counter = counter.clone();
            async move { counter.record_and_save("/").await }
        });
        let mut counts = [first.await.unwrap(), second.await.unwrap()];
        counts.sort();
        assert_eq!(counts, [1, 2]);
    }
}
