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
// thread, after handing the worker's core (its queued tasks and its share of
// driving I/O and timers) to another thread. No `'static` bound: it may
// borrow. It needs the multi-thread runtime.
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

// ANCHOR: dedicated_thread
// Blocking work that never ends, such as reading a device or a pipe line by
// line for as long as the program runs, gets a thread of its own. Here the
// blocking source is a std channel; the readings go to async code through a
// tokio channel.
pub fn start_reader(
    source: mpsc::Receiver<String>,
) -> (
    tokio::sync::mpsc::Receiver<u32>,
    std::thread::JoinHandle<&'static str>,
) {
    let (readings, received) = tokio::sync::mpsc::channel(16);
    let thread = std::thread::Builder::new()
        .name("sensor-reader".into())
        .spawn(move || {
            // A plain blocking loop: `recv` waits as long as it takes.
            while let Ok(line) = source.recv() {
                let Ok(reading) = line.trim().parse() else {
                    continue;
                };
                // `blocking_send` waits for room in the channel (never call
                // it on a runtime thread). It fails once the async side has
                // dropped its receiver: then nobody listens, and we stop.
                if readings.blocking_send(reading).is_err() {
                    return "the receiver is gone";
                }
            }
            "the source ended"
        })
        .expect("failed to start the reader thread");
    (received, thread)
}
// ANCHOR_END: dedicated_thread

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
    async fn the_reader_thread_feeds_async_code_and_stops_with_it() {
        let (lines, source) = mpsc::channel();
        let (mut readings, thread) = start_reader(source);
        for line in ["12", "not a number", "15"] {
            lines.send(line.to_string()).unwrap();
        }
        assert_eq!(readings.recv().await, Some(12));
        assert_eq!(readings.recv().await, Some(15));

        // The async side hangs up; the thread notices at its next send.
        drop(readings);
        lines.send("16".to_string()).unwrap();
        let ended = tokio::task::spawn_blocking(move || thread.join().unwrap());
        assert_eq!(ended.await.unwrap(), "the receiver is gone");
    }

    #[tokio::test]
    async fn the_reader_thread_ends_with_its_source() {
        let (lines, source) = mpsc::channel::<String>();
        let (mut readings, thread) = start_reader(source);
        drop(lines);
        assert_eq!(readings.recv().await, None);
        let ended = tokio::task::spawn_blocking(move || thread.join().unwrap());
        assert_eq!(ended.await.unwrap(), "the source ended");
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
