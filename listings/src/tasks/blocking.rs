// Blocking code inside async code: `spawn_blocking` and `block_in_place`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

// ANCHOR: spawn_blocking
// Hashing a large input is CPU work with no `.await` in it. Running it on
// the blocking pool keeps the async worker threads free for other tasks.
pub fn checksum(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

pub async fn checksum_in_background(data: Vec<u8>) -> u64 {
    // The closure must own its data (`'static`), like a spawned task.
    tokio::task::spawn_blocking(move || checksum(&data))
        .await
        .expect("the checksum thread panicked")
}
// ANCHOR_END: spawn_blocking

// ANCHOR: block_in_place
// `block_in_place` runs the closure right here, on the current worker
// thread, after handing that worker's other tasks to another thread. No
// `'static` bound: it may borrow. It needs the multi-thread runtime.
pub async fn checksum_in_place(data: &[u8]) -> u64 {
    tokio::task::block_in_place(|| checksum(data))
}
// ANCHOR_END: block_in_place

// ANCHOR: cannot_abort
// Starts blocking work that runs until `release` says go, and reports
// whether it ran to the end.
pub fn start_blocking_job(
    started: mpsc::Sender<()>,
    release: mpsc::Receiver<()>,
    finished: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<&'static str> {
    tokio::task::spawn_blocking(move || {
        started.send(()).unwrap();
        // A plain blocking wait: nothing here can notice an `abort`.
        release.recv().unwrap();
        finished.store(true, Ordering::SeqCst);
        "done"
    })
}
// ANCHOR_END: cannot_abort

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn spawn_blocking_returns_the_closures_value() {
        let data = b"hello".to_vec();
        assert_eq!(checksum_in_background(data).await, checksum(b"hello"));
        assert_eq!(checksum(b""), 0xcbf2_9ce4_8422_2325);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn block_in_place_works_on_the_multi_thread_runtime() {
        let data = vec![7u8; 1024];
        assert_eq!(checksum_in_place(&data).await, checksum(&data));
    }

    #[tokio::test]
    async fn a_started_blocking_task_ignores_abort() {
        let (started_tx, started_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel();
        let finished = Arc::new(AtomicBool::new(false));
        let handle = start_blocking_job(started_tx, release_rx, finished.clone());

        // Wait (on a blocking-pool thread, not this one) until it runs.
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap())
            .await
            .unwrap();

        handle.abort();
        // The abort did nothing: the closure is still waiting, and once
        // released it runs to the end and its value comes back.
        release_tx.send(()).unwrap();
        assert_eq!(handle.await.unwrap(), "done");
        assert!(finished.load(Ordering::SeqCst));
    }
}
