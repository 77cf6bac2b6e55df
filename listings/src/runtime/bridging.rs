// Calling async code from sync code, the two right ways: from a plain
// thread with a `Handle`, and from `spawn_blocking`.

use std::collections::HashMap;
use std::sync::Arc;
use tokio::runtime::Handle;
use tokio::sync::RwLock;

// ANCHOR: store
/// An async API: stands in for a database client or an HTTP client.
#[derive(Default)]
pub struct SettingsStore {
    values: RwLock<HashMap<String, String>>,
}

impl SettingsStore {
    pub async fn get(&self, key: &str) -> Option<String> {
        self.values.read().await.get(key).cloned()
    }

    pub async fn set(&self, key: &str, value: &str) {
        self.values
            .write()
            .await
            .insert(key.to_string(), value.to_string());
    }
}
// ANCHOR_END: store

// ANCHOR: plain_thread
/// Reads a setting on a plain OS thread, which has no runtime of its own.
/// It borrows ours through a `Handle`, captured while still inside it.
pub async fn read_on_a_plain_thread(store: Arc<SettingsStore>) -> Option<String> {
    let handle = Handle::current();
    let (reply, answer) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        // Blocking is fine here: this thread is not one of the runtime's.
        let theme = handle.block_on(store.get("theme"));
        let _ = reply.send(theme);
    });
    // Await the answer; never `join()` the thread from async code.
    answer.await.expect("the thread panicked")
}
// ANCHOR_END: plain_thread

// ANCHOR: spawn_blocking
/// Sync code that needs one async call, such as an old library's callback.
fn render_report(store: &SettingsStore) -> String {
    // Called on a blocking thread, this works: the thread knows its runtime,
    // and it may block.
    let theme = Handle::current().block_on(store.get("theme"));
    format!("report in {} theme", theme.as_deref().unwrap_or("default"))
}

/// From async code, run the sync code on the blocking pool.
pub async fn report(store: Arc<SettingsStore>) -> String {
    tokio::task::spawn_blocking(move || render_report(&store))
        .await
        .expect("render_report panicked")
}
// ANCHOR_END: spawn_blocking

// ANCHOR: block_in_place
/// Multi-thread runtime only: this worker thread becomes a blocking thread
/// for the duration of the call, and hands its other tasks to other workers.
pub async fn report_in_place(store: Arc<SettingsStore>) -> String {
    tokio::task::block_in_place(|| render_report(&store))
}
// ANCHOR_END: block_in_place

#[cfg(test)]
mod tests {
    use super::*;
    use std::any::Any;

    async fn store_with_theme() -> Arc<SettingsStore> {
        let store = Arc::new(SettingsStore::default());
        store.set("theme", "dark").await;
        store
    }

    fn panic_message(payload: Box<dyn Any + Send>) -> String {
        match payload.downcast::<String>() {
            Ok(message) => *message,
            Err(payload) => {
                payload.downcast::<&str>().map(|m| m.to_string()).unwrap()
            }
        }
    }

    #[tokio::test]
    async fn plain_thread_on_current_thread_runtime() {
        let store = store_with_theme().await;
        assert_eq!(read_on_a_plain_thread(store).await.as_deref(), Some("dark"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn plain_thread_on_multi_thread_runtime() {
        let store = store_with_theme().await;
        assert_eq!(read_on_a_plain_thread(store).await.as_deref(), Some("dark"));
    }

    #[tokio::test]
    async fn spawn_blocking_on_current_thread_runtime() {
        let store = store_with_theme().await;
        assert_eq!(report(store).await, "report in dark theme");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn spawn_blocking_on_multi_thread_runtime() {
        let store = store_with_theme().await;
        assert_eq!(report(store).await, "report in dark theme");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn block_in_place_on_multi_thread_runtime() {
        let store = store_with_theme().await;
        assert_eq!(report_in_place(store).await, "report in dark theme");
    }

    #[tokio::test]
    #[should_panic(
        expected = "can call blocking only when running on the multi-threaded runtime"
    )]
    async fn block_in_place_panics_on_current_thread_runtime() {
        let store = store_with_theme().await;
        report_in_place(store).await;
    }

    #[tokio::test]
    #[should_panic(expected = "Cannot start a runtime from within a runtime")]
    async fn calling_the_sync_code_directly_from_async_panics() {
        let store = store_with_theme().await;
        render_report(&store);
    }

    #[test]
    fn spawning_from_a_plain_thread_panics() {
        let result = std::thread::spawn(|| {
            tokio::spawn(async {});
        })
        .join();
        assert_eq!(
            panic_message(result.unwrap_err()),
            "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
        );
    }

    #[test]
    fn the_full_message_of_block_on_inside_a_runtime() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let payload = runtime
            .block_on(async {
                std::panic::catch_unwind(|| Handle::current().block_on(async {}))
            })
            .unwrap_err();
        assert_eq!(
            panic_message(payload),
            "Cannot start a runtime from within a runtime. This happens because a function \
             (like `block_on`) attempted to block the current thread while the thread is being \
             used to drive asynchronous tasks. If you are in an async function, use `.await` \
             on the future instead of blocking on it."
        );
    }
}
