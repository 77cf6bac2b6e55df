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
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_update_is_lost_across_threads() {
        let metrics = Arc::new(Metrics::default());
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let metrics = metrics.clone();
                tokio::spawn(async move {
                    for _ in 0..1000 {
                        metrics.record(512);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(metrics.snapshot(), (8000, 8000 * 512));
    }
}
