// Tasks whose futures are not `Send`, kept on one thread.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use tokio::task::LocalSet;

// ANCHOR: local_set
// Three tasks append to one log through `Rc<RefCell<..>>`: no atomics, no
// locks, because all of them run on the thread that drives the `LocalSet`.
pub async fn local_log() -> Vec<String> {
    let log = Rc::new(RefCell::new(Vec::new()));
    let local = LocalSet::new();

    // `run_until` drives the local set until this future completes.
    local
        .run_until(async {
            let mut handles = Vec::new();
            for (name, secs) in [("slow", 3), ("fast", 1), ("medium", 2)] {
                let log = Rc::clone(&log);
                // `spawn_local` has no `Send` bound. The `Rc` and the
                // `RefCell` borrow below are fine.
                handles.push(tokio::task::spawn_local(async move {
                    tokio::time::sleep(Duration::from_secs(secs)).await;
                    log.borrow_mut().push(name.to_string());
                }));
            }
            for handle in handles {
                handle.await.unwrap();
            }
        })
        .await;

    log.take()
}
// ANCHOR_END: local_set

// ANCHOR: local_runtime
// A whole runtime for `!Send` tasks: `spawn_local` works anywhere
// inside it, no `LocalSet` needed. `#[tokio::main(flavor = "local")]`
// builds the same runtime for `main`.
pub fn count_on_a_local_runtime() -> usize {
    let runtime = tokio::runtime::LocalRuntime::new().unwrap();
    runtime.block_on(async {
        let counter = Rc::new(RefCell::new(0));
        let mut handles = Vec::new();
        for _ in 0..10 {
            let counter = Rc::clone(&counter);
            handles.push(tokio::task::spawn_local(async move {
                tokio::task::yield_now().await;
                *counter.borrow_mut() += 1;
            }));
        }
        for handle in handles {
            handle.await.unwrap();
        }
        *counter.borrow()
    })
}
// ANCHOR_END: local_runtime

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn local_tasks_share_an_rc_refcell() {
        let start = tokio::time::Instant::now();
        assert_eq!(local_log().await, ["fast", "medium", "slow"]);
        // They ran concurrently on one thread: 3 s, not 6 s.
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[test]
    fn a_local_runtime_runs_not_send_tasks() {
        assert_eq!(count_on_a_local_runtime(), 10);
    }

    #[test]
    #[should_panic(
        expected = "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
    )]
    fn spawn_local_needs_a_local_set_or_local_runtime() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            tokio::task::spawn_local(async {});
        });
    }
}
