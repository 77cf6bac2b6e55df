// Fixes for the `Send + 'static` errors of `tokio::spawn`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

// ANCHOR: arc
// Fix 1: `Arc` instead of `Rc`. Its reference count is atomic, so the
// future that holds it can move to another worker thread.
pub async fn shared_config_task() -> usize {
    let handle = tokio::spawn(async {
        let shared = Arc::new(String::from("config"));
        tokio::time::sleep(Duration::from_millis(10)).await;
        shared.len()
    });
    handle.await.unwrap()
}
// ANCHOR_END: arc

// ANCHOR: scoped_guard
// Fix 2: hold the std `MutexGuard` in a block that ends before the
// `.await`. The guard is dropped at the closing brace, so it is not part of
// the future's state while the task is suspended.
pub async fn record(log: Arc<Mutex<Vec<String>>>) {
    {
        let mut entries = log.lock().unwrap();
        entries.push("start".to_string());
    } // guard dropped here, before any await

    tokio::time::sleep(Duration::from_millis(10)).await;

    // Lock again for the second update; never across an await.
    log.lock().unwrap().push("end".to_string());
}
// ANCHOR_END: scoped_guard

// ANCHOR: move_ownership
// Fix 3: give the task what it uses. `async move` moves `names` into the
// task, so nothing on the caller's stack is borrowed. To keep using the
// data afterwards, clone it first or share it with an `Arc`.
pub async fn count_names() -> (usize, Vec<String>) {
    let names = vec!["ada".to_string(), "grace".to_string()];
    let for_the_task = names.clone();
    let handle = tokio::spawn(async move { for_the_task.len() });
    (handle.await.unwrap(), names)
}
// ANCHOR_END: move_ownership

// ANCHOR: send_at_definition
// Fix 4, for a library: say in the signature that the future is `Send`, so
// that the compiler checks the body here rather than at some caller's
// `tokio::spawn`. `Arc` replaces the `Rc` the compiler pointed at.
// Clippy suggests `async fn` here, which would drop the promise.
#[allow(clippy::manual_async_fn)]
pub fn log_visit(path: &str) -> impl Future<Output = String> + Send {
    async move {
        let entry = Arc::new(format!("visited {path}"));
        tokio::time::sleep(Duration::from_millis(10)).await;
        entry.to_string()
    }
}
// ANCHOR_END: send_at_definition

#[cfg(test)]
mod tests {
    use super::*;

    // Multi-thread runtime: the tasks really may move between threads.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_arc_can_cross_an_await_in_a_spawned_task() {
        assert_eq!(shared_config_task().await, 6);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_scoped_guard_lets_the_task_be_spawned() {
        let log = Arc::new(Mutex::new(Vec::new()));
        tokio::spawn(record(log.clone())).await.unwrap();
        assert_eq!(*log.lock().unwrap(), ["start", "end"]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_moved_clone_leaves_the_original_usable() {
        let (count, names) = count_names().await;
        assert_eq!(count, 2);
        assert_eq!(names, ["ada", "grace"]);
    }

    // The compiler checks the same thing this function checks: a future
    // passed to `tokio::spawn` must be `Send + 'static`.
    fn assert_spawnable<F: Future + Send + 'static>(_: F) {}

    #[test]
    fn the_fixed_futures_are_send_and_static() {
        assert_spawnable(shared_config_task());
        assert_spawnable(record(Arc::new(Mutex::new(Vec::new()))));
        assert_spawnable(count_names());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_send_future_by_signature_can_be_spawned() {
        let path = String::from("/");
        let visit = tokio::spawn(async move { log_visit(&path).await });
        assert_eq!(visit.await.unwrap(), "visited /");
    }
}
