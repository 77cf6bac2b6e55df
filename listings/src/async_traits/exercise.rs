// Exercise: a caching decorator. `Cached<D>` wraps any `Directory` and is a
// `Directory` itself, so the code that uses it does not change.

use std::future::Future;

// ANCHOR: given
/// Looks up display names by user id, somewhere slow: a database, a service.
/// The futures are `Send`, so a server can call it from spawned tasks.
pub trait Directory {
    fn name_of(
        &self,
        id: u64,
    ) -> impl Future<Output = Result<Option<String>, LookupError>> + Send;
}

/// The directory could not answer (it is down, or timed out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupError(pub String);
// ANCHOR_END: given

// ANCHOR: attempt
pub mod attempt {
    #[allow(unused_imports)]
    use super::{Directory, LookupError};

    /// Remembers the names `inner` found, so each id is fetched once.
    /// An error or an unknown id is not remembered: the next call asks
    /// `inner` again. Lookups of different ids must not wait for each other.
    #[allow(dead_code)]
    pub struct Cached<D> {
        inner: D,
        // Add what you need to remember the names.
    }

    impl<D: Directory> Cached<D> {
        #[allow(unused_variables)]
        pub fn new(inner: D) -> Self {
            todo!()
        }
    }

    // `D: Sync` because the future of `name_of` holds `&self` across an
    // await, and that future must be `Send`.
    impl<D: Directory + Sync> Directory for Cached<D> {
        #[allow(unused_variables)]
        async fn name_of(&self, id: u64) -> Result<Option<String>, LookupError> {
            todo!()
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::{Directory, LookupError};

    pub struct Cached<D> {
        inner: D,
        // A std `Mutex`: it is only ever held between awaits, never across
        // one, so it never blocks a worker for long.
        found: Mutex<HashMap<u64, String>>,
    }

    impl<D: Directory> Cached<D> {
        pub fn new(inner: D) -> Self {
            Cached {
                inner,
                found: Mutex::new(HashMap::new()),
            }
        }
    }

    impl<D: Directory + Sync> Directory for Cached<D> {
        async fn name_of(&self, id: u64) -> Result<Option<String>, LookupError> {
            // The guard is a temporary of this statement: it is dropped at
            // the semicolon, before the await below. Held across that await,
            // it would make this future not `Send`, which the trait forbids,
            // and it would make every other lookup wait for this one.
            let remembered = self.found.lock().unwrap().get(&id).cloned();
            if let Some(name) = remembered {
                return Ok(Some(name));
            }
            // `?` passes an error on without remembering anything.
            let answer = self.inner.name_of(id).await?;
            if let Some(name) = &answer {
                self.found.lock().unwrap().insert(id, name.clone());
            }
            Ok(answer)
        }
    }
}
// ANCHOR_END: solution

// When the chapter shows this file, rustdoc compiles it as a program. With a
// `main` of its own it is not wrapped in one, so `super::` above still reaches
// the items at the top of the file.
#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use super::{Directory, LookupError};

    use std::collections::HashMap;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use tokio::time::Instant;

    /// A test double: a directory that takes `latency` per answer, counts
    /// the calls, and can be told to fail once or to learn a new name.
    #[derive(Default)]
    struct SlowDirectory {
        latency: Duration,
        names: Mutex<HashMap<u64, String>>,
        calls: AtomicUsize,
        fail_next: AtomicBool,
    }

    impl SlowDirectory {
        fn with(latency: Duration, names: &[(u64, &str)]) -> Self {
            let directory = SlowDirectory {
                latency,
                ..SlowDirectory::default()
            };
            for (id, name) in names {
                directory.learn(*id, name);
            }
            directory
        }

        fn learn(&self, id: u64, name: &str) {
            self.names.lock().unwrap().insert(id, name.to_string());
        }

        fn calls(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }
    }

    impl Directory for Arc<SlowDirectory> {
        async fn name_of(&self, id: u64) -> Result<Option<String>, LookupError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(self.latency).await;
            if self.fail_next.swap(false, Ordering::SeqCst) {
                return Err(LookupError("directory is down".to_string()));
            }
            Ok(self.names.lock().unwrap().get(&id).cloned())
        }
    }

    /// A directory that knows two names and takes a second per answer.
    fn ada_and_grace() -> Arc<SlowDirectory> {
        let names = [(1, "ada"), (2, "grace")];
        Arc::new(SlowDirectory::with(Duration::from_secs(1), &names))
    }

    #[tokio::test(start_paused = true)]
    async fn a_found_name_is_fetched_once_and_then_served_at_once() {
        let directory = ada_and_grace();
        let cached = Cached::new(Arc::clone(&directory));
        assert_eq!(cached.name_of(1).await, Ok(Some("ada".to_string())));

        let start = Instant::now();
        assert_eq!(cached.name_of(1).await, Ok(Some("ada".to_string())));
        assert_eq!(start.elapsed(), Duration::ZERO, "the second answer waits");
        assert_eq!(directory.calls(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn each_id_is_fetched_for_itself() {
        let directory = ada_and_grace();
        let cached = Cached::new(Arc::clone(&directory));
        assert_eq!(cached.name_of(1).await, Ok(Some("ada".to_string())));
        assert_eq!(cached.name_of(2).await, Ok(Some("grace".to_string())));
        assert_eq!(cached.name_of(2).await, Ok(Some("grace".to_string())));
        assert_eq!(directory.calls(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn an_error_is_returned_and_not_remembered() {
        let directory = ada_and_grace();
        let cached = Cached::new(Arc::clone(&directory));
        directory.fail_next.store(true, Ordering::SeqCst);
        assert_eq!(
            cached.name_of(1).await,
            Err(LookupError("directory is down".to_string()))
        );
        assert_eq!(cached.name_of(1).await, Ok(Some("ada".to_string())));
        assert_eq!(directory.calls(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn an_unknown_id_is_asked_again_next_time() {
        let directory = ada_and_grace();
        let cached = Cached::new(Arc::clone(&directory));
        assert_eq!(cached.name_of(3).await, Ok(None));
        directory.learn(3, "hedy");
        assert_eq!(cached.name_of(3).await, Ok(Some("hedy".to_string())));
        assert_eq!(directory.calls(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn lookups_of_different_ids_do_not_wait_for_each_other() {
        let directory = ada_and_grace();
        let cached = Cached::new(Arc::clone(&directory));
        let start = Instant::now();
        let (first, second) = tokio::join!(cached.name_of(1), cached.name_of(2));
        assert_eq!(first, Ok(Some("ada".to_string())));
        assert_eq!(second, Ok(Some("grace".to_string())));
        // One second, not two: nothing is locked while the directory works.
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_cache_can_be_shared_by_spawned_tasks() {
        // A real clock on this runtime, so the directory answers at once.
        let directory =
            Arc::new(SlowDirectory::with(Duration::ZERO, &[(2, "grace")]));
        let cached = Arc::new(Cached::new(Arc::clone(&directory)));
        // Warm the cache, then read it from tasks on other threads: this
        // compiles only if `Cached`'s futures are `Send`.
        assert_eq!(cached.name_of(2).await, Ok(Some("grace".to_string())));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let cached = Arc::clone(&cached);
            tasks.spawn(async move { cached.name_of(2).await });
        }
        while let Some(answer) = tasks.join_next().await {
            assert_eq!(answer.unwrap(), Ok(Some("grace".to_string())));
        }
        assert_eq!(directory.calls(), 1);
    }
}
