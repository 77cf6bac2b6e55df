// Calling async code from sync code: from a plain thread with a `Handle`,
// from `spawn_blocking`, with `Runtime::enter`, and by passing messages.

use std::collections::HashMap;
use std::sync::Arc;
use tokio::runtime::Handle;
use tokio::sync::RwLock;
use tokio::sync::mpsc::{Receiver, Sender};

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
/// Multi-thread runtime only: this thread becomes a blocking thread for the
/// duration of the call, and hands the worker's core (its queued tasks and
/// its share of driving I/O and timers) to a new thread.
pub async fn report_in_place(store: Arc<SettingsStore>) -> String {
    tokio::task::block_in_place(|| render_report(&store))
}
// ANCHOR_END: block_in_place

// ANCHOR: enter
/// A sync program that owns a runtime and starts a task without being
/// inside `block_on`. `enter` makes the runtime current on this thread
/// until the guard is dropped, so `tokio::spawn` finds it.
pub fn start_outside_block_on() -> std::io::Result<String> {
    let runtime = tokio::runtime::Runtime::new()?;
    let task = {
        let _guard = runtime.enter();
        // Without the guard, this panics with "there is no reactor running".
        tokio::spawn(async { String::from("ran on the runtime") })
    };
    // `Runtime::spawn` (or `Handle::spawn`) needs no guard at all.
    let other = runtime.spawn(async { 42 });
    let text = runtime.block_on(task).expect("task panicked");
    let number = runtime.block_on(other).expect("task panicked");
    Ok(format!("{text}, {number}"))
}
// ANCHOR_END: enter

// ANCHOR: messages
/// What sync code may ask of the async side. Each request carries the
/// sender for its own reply.
pub enum Request {
    Get {
        key: String,
        reply: tokio::sync::oneshot::Sender<Option<String>>,
    },
}

/// The async side: a task that owns the store and answers requests until
/// every sender is gone.
pub async fn serve(store: Arc<SettingsStore>, mut requests: Receiver<Request>) {
    while let Some(Request::Get { key, reply }) = requests.recv().await {
        let _ = reply.send(store.get(&key).await);
    }
}

/// The sync side: no runtime, no `Handle`, only a sender. `blocking_send`
/// and `blocking_recv` block this thread, so never call them on a thread
/// that runs the runtime.
pub fn get_blocking(requests: &Sender<Request>, key: &str) -> Option<String> {
    let (reply, answer) = tokio::sync::oneshot::channel();
    let request = Request::Get {
        key: key.to_string(),
        reply,
    };
    requests.blocking_send(request).ok()?;
    answer.blocking_recv().ok()?
}
// ANCHOR_END: messages

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
    fn enter_lets_tokio_spawn_find_the_runtime() {
        assert_eq!(start_outside_block_on().unwrap(), "ran on the runtime, 42");
    }

    #[tokio::test]
    async fn a_sync_thread_talks_to_async_code_by_messages() {
        let (requests, received) = tokio::sync::mpsc::channel(8);
        let server = tokio::spawn(serve(store_with_theme().await, received));
        let thread = std::thread::spawn(move || {
            let answers = (
                get_blocking(&requests, "theme"),
                get_blocking(&requests, "font"),
            );
            drop(requests); // the last sender: `serve` ends
            answers
        });
        server.await.unwrap();
        let answers = tokio::task::spawn_blocking(|| thread.join().unwrap());
        assert_eq!(answers.await.unwrap(), (Some("dark".to_string()), None));
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
