// Exercise: an async cache whose loader runs at most once per key, even
// when many tasks ask for the same key at the same time.

// ANCHOR: attempt
pub mod attempt {
    use std::collections::HashMap;
    use std::hash::Hash;
    use std::sync::{Arc, Mutex};

    use tokio::sync::OnceCell;

    #[allow(dead_code)]
    pub struct Cache<K, V> {
        // One cell per key. A suggestion, not a requirement.
        entries: Mutex<HashMap<K, Arc<OnceCell<V>>>>,
    }

    #[allow(unused_variables)]
    impl<K: Hash + Eq + Clone, V: Clone> Cache<K, V> {
        pub fn new() -> Self {
            todo!()
        }

        /// Returns the value for `key`, running `loader` to produce it if no
        /// value is stored yet. While one caller's loader runs, other
        /// callers for the same key wait for its result; callers for other
        /// keys do not wait at all. If a caller is cancelled mid-load, the
        /// next caller loads again.
        pub async fn get_or_load<F, Fut>(&self, key: K, loader: F) -> V
        where
            F: FnOnce() -> Fut,
            Fut: Future<Output = V>,
        {
            todo!()
        }

        /// The stored value for `key`, without loading. `None` while a load
        /// is still running.
        pub fn get(&self, key: &K) -> Option<V> {
            todo!()
        }
    }

    impl<K: Hash + Eq + Clone, V: Clone> Default for Cache<K, V> {
        fn default() -> Self {
            Self::new()
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::collections::HashMap;
    use std::hash::Hash;
    use std::sync::{Arc, Mutex};

    use tokio::sync::OnceCell;

    pub struct Cache<K, V> {
        entries: Mutex<HashMap<K, Arc<OnceCell<V>>>>,
    }

    impl<K: Hash + Eq + Clone, V: Clone> Cache<K, V> {
        pub fn new() -> Self {
            Cache {
                entries: Mutex::new(HashMap::new()),
            }
        }

        pub async fn get_or_load<F, Fut>(&self, key: K, loader: F) -> V
        where
            F: FnOnce() -> Fut,
            Fut: Future<Output = V>,
        {
            // Short critical section: find or create the key's cell, clone
            // the `Arc`, release the map's lock. The std Mutex is never held
            // across an `.await`, so loads of different keys run concurrently.
            let cell = {
                let mut entries = self.entries.lock().unwrap();
                entries.entry(key).or_default().clone()
            };
            // The cell does the rest: the first caller runs `loader`, the
            // others wait for it. If that caller is cancelled, one of the
            // waiters (or the next caller) runs its own loader instead.
            cell.get_or_init(loader).await.clone()
        }

        pub fn get(&self, key: &K) -> Option<V> {
            let entries = self.entries.lock().unwrap();
            entries.get(key)?.get().cloned()
        }
    }

    impl<K: Hash + Eq + Clone, V: Clone> Default for Cache<K, V> {
        fn default() -> Self {
            Self::new()
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
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;
    use tokio::time::{Instant, sleep, timeout};

    const LIMIT: Duration = Duration::from_secs(60);

    /// A loader that takes a second and counts its runs.
    async fn slow_load(runs: Arc<AtomicUsize>, value: &'static str) -> String {
        runs.fetch_add(1, Ordering::SeqCst);
        sleep(Duration::from_secs(1)).await;
        value.to_string()
    }

    #[tokio::test(start_paused = true)]
    async fn a_stored_value_is_not_loaded_again() {
        let cache = Cache::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let first = timeout(
            LIMIT,
            cache.get_or_load(1, || slow_load(runs.clone(), "one")),
        )
        .await
        .unwrap();
        let again = timeout(
            LIMIT,
            cache.get_or_load(1, || slow_load(runs.clone(), "other")),
        )
        .await
        .unwrap();
        assert_eq!((first.as_str(), again.as_str()), ("one", "one"));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_for_one_key_share_one_load() {
        let cache = Arc::new(Cache::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let callers: Vec<_> = (0..20)
            .map(|_| {
                let cache = cache.clone();
                let runs = runs.clone();
                tokio::spawn(async move {
                    cache.get_or_load("k", || slow_load(runs, "v")).await
                })
            })
            .collect();
        for caller in callers {
            assert_eq!(timeout(LIMIT, caller).await.unwrap().unwrap(), "v");
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn different_keys_load_at_the_same_time() {
        let cache = Arc::new(Cache::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let callers: Vec<_> = ["a", "b", "c"]
            .into_iter()
            .map(|key| {
                let cache = cache.clone();
                let runs = runs.clone();
                tokio::spawn(async move {
                    cache.get_or_load(key, || slow_load(runs, key)).await
                })
            })
            .collect();
        for (caller, key) in callers.into_iter().zip(["a", "b", "c"]) {
            assert_eq!(timeout(LIMIT, caller).await.unwrap().unwrap(), key);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        // Three one-second loads side by side, not one after another.
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn get_sees_only_finished_loads() {
        let cache = Arc::new(Cache::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let loading = tokio::spawn({
            let cache = cache.clone();
            async move { cache.get_or_load(7, || slow_load(runs, "seven")).await }
        });
        sleep(Duration::from_millis(500)).await;
        assert_eq!(cache.get(&7), None, "still loading");
        assert_eq!(cache.get(&8), None, "never asked for");
        timeout(LIMIT, loading).await.unwrap().unwrap();
        assert_eq!(cache.get(&7).as_deref(), Some("seven"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_load_is_retried_by_the_next_caller() {
        let cache = Cache::new();
        let runs = Arc::new(AtomicUsize::new(0));
        // This caller gives up halfway through its load.
        let gave_up = timeout(
            Duration::from_millis(500),
            cache.get_or_load(1, || slow_load(runs.clone(), "first")),
        )
        .await;
        assert!(gave_up.is_err());
        assert_eq!(cache.get(&1), None);

        let value = timeout(
            LIMIT,
            cache.get_or_load(1, || slow_load(runs.clone(), "second")),
        )
        .await
        .unwrap();
        assert_eq!(value, "second");
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }
}
