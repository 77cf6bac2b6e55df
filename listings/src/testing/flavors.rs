// What `#[tokio::test]` builds: a current-thread runtime unless told otherwise,
// and why blocking calls that are fine elsewhere panic inside it.

/// Sums a slice on the spot, blocking the thread: CPU work that a caller
/// may wrap in `block_in_place` so the worker's other tasks move elsewhere.
pub fn sum_blocking(values: &[u64]) -> u64 {
    tokio::task::block_in_place(|| values.iter().sum())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc;

    // ANCHOR: block_in_place_panics
    // `#[tokio::test]` is a current-thread runtime: there is no other worker
    // to hand this thread's tasks to, so `block_in_place` refuses.
    #[tokio::test]
    #[should_panic(
        expected = "can call blocking only when running on the multi-threaded runtime"
    )]
    async fn block_in_place_on_the_default_test_runtime() {
        sum_blocking(&[1, 2, 3]);
    }

    // The fix: ask for the runtime the code was written for.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn block_in_place_on_a_multi_thread_test_runtime() {
        assert_eq!(sum_blocking(&[1, 2, 3]), 6);
    }
    // ANCHOR_END: block_in_place_panics

    // ANCHOR: blocking_recv_panics
    // `blocking_recv` parks the thread until a message comes. Inside a test's
    // runtime that thread is the one that would run the sender: tokio panics
    // rather than deadlock.
    #[tokio::test]
    #[should_panic(
        expected = "Cannot block the current thread from within a runtime"
    )]
    async fn blocking_recv_inside_the_runtime() {
        let (tx, mut rx) = mpsc::channel::<u32>(1);
        tx.send(7).await.unwrap();
        rx.blocking_recv();
    }

    // The fix: await inside async code, and keep `blocking_recv` for threads
    // the runtime does not drive, such as `spawn_blocking`'s.
    #[tokio::test]
    async fn blocking_recv_on_a_blocking_thread() {
        let (tx, mut rx) = mpsc::channel::<u32>(1);
        let reader = tokio::task::spawn_blocking(move || rx.blocking_recv());
        tx.send(7).await.unwrap();
        assert_eq!(reader.await.unwrap(), Some(7));
    }
    // ANCHOR_END: blocking_recv_panics

    // `blocking_lock` has the same guard.
    #[tokio::test]
    #[should_panic(
        expected = "Cannot block the current thread from within a runtime"
    )]
    async fn blocking_lock_inside_the_runtime() {
        let lock = tokio::sync::Mutex::new(0);
        *lock.blocking_lock() += 1;
    }
}
