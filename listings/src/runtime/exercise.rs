// Exercise: a blocking facade over an async client. `BlockingKv` owns a
// current-thread runtime and offers plain, blocking methods to sync code.

// ANCHOR: store
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Mutex;

/// The async client the facade wraps. Given: no need to change it.
#[derive(Default)]
pub struct KvStore {
    values: Mutex<HashMap<String, String>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
}

impl KvStore {
    pub async fn set(&self, key: &str, value: &str) {
        self.request(async {
            self.values
                .lock()
                .await
                .insert(key.to_string(), value.to_string());
        })
        .await
    }

    pub async fn get(&self, key: &str) -> Option<String> {
        self.request(async { self.values.lock().await.get(key).cloned() })
            .await
    }

    /// The largest number of requests that were in progress at once.
    pub fn most_in_flight(&self) -> usize {
        self.most_in_flight.load(Ordering::SeqCst)
    }

    /// Counts concurrent requests. The `yield_now` stands in for the network
    /// round trip: other requests can start meanwhile.
    async fn request<T>(&self, work: impl Future<Output = T>) -> T {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::task::yield_now().await;
        let output = work.await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        output
    }
}
// ANCHOR_END: store

// ANCHOR: attempt
#[allow(unused_variables, dead_code)]
pub mod attempt {
    use super::KvStore;
    use std::io;
    use std::sync::Arc;
    use tokio::runtime::Runtime;

    /// A blocking client for sync code. Never call it from async code.
    pub struct BlockingKv {
        store: Arc<KvStore>,
        runtime: Runtime,
    }

    impl BlockingKv {
        /// Builds the facade with its own current-thread runtime.
        pub fn new(store: Arc<KvStore>) -> io::Result<BlockingKv> {
            todo!()
        }

        pub fn set(&self, key: &str, value: &str) {
            todo!()
        }

        pub fn get(&self, key: &str) -> Option<String> {
            todo!()
        }

        /// Looks up all keys *concurrently*, in one `block_on`, and returns
        /// the values in the order of `keys`.
        pub fn get_many(&self, keys: &[&str]) -> Vec<Option<String>> {
            todo!()
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use super::KvStore;
    use std::io;
    use std::sync::Arc;
    use tokio::runtime::{Builder, Runtime};

    /// A blocking client for sync code. Never call it from async code.
    pub struct BlockingKv {
        store: Arc<KvStore>,
        runtime: Runtime,
    }

    impl BlockingKv {
        /// Builds the facade with its own current-thread runtime.
        pub fn new(store: Arc<KvStore>) -> io::Result<BlockingKv> {
            // One thread is enough: the runtime only runs while a method is
            // blocked in `block_on`, on the caller's thread.
            let runtime = Builder::new_current_thread().enable_all().build()?;
            Ok(BlockingKv { store, runtime })
        }

        pub fn set(&self, key: &str, value: &str) {
            self.runtime.block_on(self.store.set(key, value));
        }

        pub fn get(&self, key: &str) -> Option<String> {
            self.runtime.block_on(self.store.get(key))
        }

        /// Looks up all keys *concurrently*, in one `block_on`, and returns
        /// the values in the order of `keys`.
        pub fn get_many(&self, keys: &[&str]) -> Vec<Option<String>> {
            let lookups = keys.iter().map(|key| self.store.get(key));
            // `join_all` keeps the order of its input.
            self.runtime.block_on(futures::future::join_all(lookups))
        }
    }
}
// ANCHOR_END: solution

// Pasted into a `main.rs` on its own, the file needs a `main`; in the book's
// crate nothing calls it.
#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use super::*;
    use std::any::Any;
    use std::panic::AssertUnwindSafe;
    use std::sync::Arc;

    fn client() -> (BlockingKv, Arc<KvStore>) {
        let store = Arc::new(KvStore::default());
        (BlockingKv::new(Arc::clone(&store)).unwrap(), store)
    }

    fn panic_message(payload: Box<dyn Any + Send>) -> String {
        match payload.downcast::<String>() {
            Ok(message) => *message,
            Err(payload) => {
                payload.downcast::<&str>().map(|m| m.to_string()).unwrap()
            }
        }
    }

    #[test]
    fn set_then_get_from_plain_sync_code() {
        let (kv, _store) = client();
        assert_eq!(kv.get("colour"), None);
        kv.set("colour", "green");
        assert_eq!(kv.get("colour").as_deref(), Some("green"));
    }

    #[test]
    fn get_many_keeps_the_order_of_the_keys() {
        let (kv, _store) = client();
        kv.set("b", "2");
        kv.set("a", "1");
        assert_eq!(
            kv.get_many(&["a", "missing", "b"]),
            [Some("1".to_string()), None, Some("2".to_string())]
        );
    }

    #[test]
    fn get_many_runs_the_lookups_concurrently() {
        let (kv, store) = client();
        kv.set("x", "1");
        assert_eq!(store.most_in_flight(), 1);
        kv.get_many(&["x", "x", "x", "x"]);
        assert_eq!(store.most_in_flight(), 4);
    }

    #[test]
    fn works_from_another_thread_and_shares_the_store() {
        let (kv, store) = client();
        let value = std::thread::spawn(move || {
            kv.set("from", "thread");
            kv.get("from")
        })
        .join()
        .unwrap();
        assert_eq!(value.as_deref(), Some("thread"));

        // The data lives in the shared store, not in the facade.
        let second = BlockingKv::new(store).unwrap();
        assert_eq!(second.get("from").as_deref(), Some("thread"));
    }

    #[test]
    fn calling_it_from_async_code_panics() {
        let (kv, _store) = client();
        let outer = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let payload = outer
            .block_on(async {
                std::panic::catch_unwind(AssertUnwindSafe(|| kv.get("colour")))
            })
            .unwrap_err();
        assert!(
            panic_message(payload)
                .starts_with("Cannot start a runtime from within a runtime")
        );
    }
}
