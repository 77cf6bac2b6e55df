// The three runtime flavours: multi-thread, current-thread and local.

use std::thread;

// ANCHOR: current_thread
/// On a current-thread runtime, every task runs on the thread that called
/// `block_on`. Returns the name of the thread the spawned task ran on.
pub fn task_thread_on_current_thread_runtime() -> Option<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build the runtime");
    runtime.block_on(async {
        tokio::spawn(async { thread::current().name().map(String::from) })
            .await
            .expect("task panicked")
    })
}
// ANCHOR_END: current_thread

// ANCHOR: multi_thread
/// On a multi-thread runtime, spawned tasks run on the worker threads. The
/// future given to `block_on` itself runs on the calling thread, though.
pub fn task_thread_on_multi_thread_runtime() -> (Option<String>, Option<String>) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("failed to build the runtime");
    runtime.block_on(async {
        let block_on_thread = thread::current().name().map(String::from);
        let task_thread =
            tokio::spawn(async { thread::current().name().map(String::from) })
                .await
                .expect("task panicked");
        (block_on_thread, task_thread)
    })
}
// ANCHOR_END: multi_thread

// ANCHOR: local
use std::cell::RefCell;
use std::rc::Rc;

/// A local runtime runs `!Send` tasks: here they share an `Rc<RefCell<_>>`,
/// which `tokio::spawn` would reject.
pub fn local_runtime_with_rc() -> Vec<u32> {
    let runtime =
        tokio::runtime::LocalRuntime::new().expect("failed to build the runtime");
    let log = Rc::new(RefCell::new(Vec::new()));
    runtime.block_on(async {
        let mut tasks = Vec::new();
        for n in 1..=3 {
            let log = Rc::clone(&log);
            tasks.push(tokio::task::spawn_local(async move {
                log.borrow_mut().push(n);
            }));
        }
        for task in tasks {
            task.await.expect("task panicked");
        }
    });
    log.take()
}

/// The same, with the attribute: `flavor = "local"` builds a `LocalRuntime`.
#[tokio::main(flavor = "local")]
pub async fn local_flavour_with_rc() -> usize {
    let shared = Rc::new(5);
    let task_copy = Rc::clone(&shared);
    tokio::task::spawn_local(async move { *task_copy * 2 })
        .await
        .expect("task panicked")
        + Rc::strong_count(&shared)
}
// ANCHOR_END: local

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::runtime::{Handle, RuntimeFlavor};

    #[test]
    fn current_thread_runs_tasks_on_the_calling_thread() {
        let caller = thread::current().name().map(String::from);
        assert!(caller.is_some(), "test threads are named after the test");
        assert_eq!(task_thread_on_current_thread_runtime(), caller);
    }

    #[test]
    fn multi_thread_runs_tasks_on_its_workers() {
        let caller = thread::current().name().map(String::from);
        let (block_on_thread, task_thread) = task_thread_on_multi_thread_runtime();
        assert_eq!(block_on_thread, caller);
        assert_eq!(task_thread.as_deref(), Some("tokio-rt-worker"));
    }

    #[test]
    fn local_runtime_runs_non_send_tasks_in_order() {
        assert_eq!(local_runtime_with_rc(), [1, 2, 3]);
    }

    #[test]
    fn local_flavour_attribute_works() {
        // 5 * 2 from the task, plus one strong count left after it finished.
        assert_eq!(local_flavour_with_rc(), 11);
    }

    #[tokio::test]
    async fn tokio_test_defaults_to_current_thread() {
        assert_eq!(
            Handle::current().runtime_flavor(),
            RuntimeFlavor::CurrentThread
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn tokio_test_can_ask_for_multi_thread() {
        assert_eq!(
            Handle::current().runtime_flavor(),
            RuntimeFlavor::MultiThread
        );
        assert_eq!(Handle::current().metrics().num_workers(), 2);
    }
}
