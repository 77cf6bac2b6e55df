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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn many_tasks_on_many_threads_lose_no_update() {
        let counter = HitCounter::default();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let counter = counter.clone();
                tokio::spawn(async move {
                    for _ in 0..1000 {
                        counter.record("/");
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(counter.hits("/"), 8000);
        assert_eq!(counter.hits("/about"), 0);
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
