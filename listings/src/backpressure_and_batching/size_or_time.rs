// Batching by size or time: a batch leaves when it is full or when it has
// waited long enough, the last partial batch leaves when the input closes,
// and then the batcher returns. By hand, then with `chunks_timeout`.

use std::time::Duration;

use tokio::sync::mpsc::{self, Receiver};
use tokio::time::{Instant, sleep, sleep_until};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;

// ANCHOR: by_hand
/// Groups the items of `input` into batches of at most `max` and passes each
/// to `flush`: when it is full, or `max_wait` after the previous flush, and
/// once more when `input` closes. Returns when `input` is closed and drained.
pub async fn batch(
    mut input: Receiver<u32>,
    max: usize,
    max_wait: Duration,
    mut flush: impl FnMut(Vec<u32>),
) {
    let mut batch = Vec::with_capacity(max);
    // One timer for the whole loop, created and pinned before it (see the
    // join-and-select chapter for what goes wrong when it is made inside).
    let deadline = sleep(max_wait);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            item = input.recv() => {
                let Some(item) = item else {
                    break; // closed and drained
                };
                batch.push(item);
                if batch.len() == max {
                    flush(std::mem::replace(&mut batch, Vec::with_capacity(max)));
                    // The next batch gets a whole `max_wait` from now.
                    deadline.as_mut().reset(Instant::now() + max_wait);
                }
            }
            () = &mut deadline => {
                if !batch.is_empty() {
                    flush(std::mem::replace(&mut batch, Vec::with_capacity(max)));
                }
                // Reset even when there was nothing to send, or the timer
                // would stay expired and this branch would win every round.
                deadline.as_mut().reset(Instant::now() + max_wait);
            }
        }
    }
    // The last, partial batch.
    if !batch.is_empty() {
        flush(batch);
    }
}
// ANCHOR_END: by_hand

// ANCHOR: chunks_timeout
/// The same job with `tokio_stream`'s `chunks_timeout`, whose window opens
/// with the first item of each batch.
pub async fn batch_with_chunks_timeout(
    input: Receiver<u32>,
    max: usize,
    max_wait: Duration,
    mut flush: impl FnMut(Vec<u32>),
) {
    // `ChunksTimeout` holds a timer, so it must be pinned to be polled.
    let mut batches =
        std::pin::pin!(ReceiverStream::new(input).chunks_timeout(max, max_wait));
    while let Some(batch) = batches.next().await {
        flush(batch);
    }
}
// ANCHOR_END: chunks_timeout

/// Sends each `(milliseconds, item)` at its time, then closes the channel at
/// `close_at` milliseconds.
pub async fn feed(tx: mpsc::Sender<u32>, schedule: &[(u64, u32)], close_at: u64) {
    let start = Instant::now();
    for &(at, item) in schedule {
        sleep_until(start + Duration::from_millis(at)).await;
        tx.send(item).await.expect("the batcher is running");
    }
    sleep_until(start + Duration::from_millis(close_at)).await;
    // `tx` is dropped here: the channel closes.
}

/// Items 1 to 3 at once-ish, 4 a little later, 5 and 6 much later, then the
/// channel closes.
pub const TRAFFIC: &[(u64, u32)] =
    &[(0, 1), (100, 2), (200, 3), (900, 4), (2500, 5), (2600, 6)];
pub const CLOSE_AT: u64 = 2700;

/// Which batcher [`run`] runs.
#[derive(Clone, Copy, Debug)]
pub enum Batcher {
    ByHand,
    ChunksTimeout,
}

/// Runs a batcher (with `max` 3 and `max_wait` 1 s) on [`TRAFFIC`] and returns
/// each batch with the millisecond it left, and when the batcher returned.
pub async fn run(batcher: Batcher) -> (Vec<(u64, Vec<u32>)>, u64) {
    let start = Instant::now();
    let ms = move || start.elapsed().as_millis() as u64;
    let (tx, rx) = mpsc::channel(16);
    let mut batches = Vec::new();
    let record = |batch| batches.push((ms(), batch));
    let (max, max_wait) = (3, Duration::from_secs(1));
    let ((), ended) = tokio::join!(feed(tx, TRAFFIC, CLOSE_AT), async {
        match batcher {
            Batcher::ByHand => batch(rx, max, max_wait, record).await,
            Batcher::ChunksTimeout => {
                batch_with_chunks_timeout(rx, max, max_wait, record).await
            }
        }
        ms()
    });
    (batches, ended)
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    for batcher in [Batcher::ByHand, Batcher::ChunksTimeout] {
        let (batches, ended) = run(batcher).await;
        println!("{batcher:?}:");
        for (at, batch) in batches {
            println!("  {:.1}s {batch:?}", at as f64 / 1000.0);
        }
        println!("  returned at {:.1}s", ended as f64 / 1000.0);
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn by_hand_flushes_when_full_a_second_after_the_last_flush_and_at_the_end()
    {
        let (batches, ended) = run(Batcher::ByHand).await;
        assert_eq!(
            batches,
            [
                (200, vec![1, 2, 3]), // full
                (1200, vec![4]),      // a second after the flush at 0.2 s
                (2700, vec![5, 6]),   // the input closed
            ]
        );
        assert_eq!(ended, CLOSE_AT, "returns as soon as the input closes");
    }

    #[tokio::test(start_paused = true)]
    async fn chunks_timeout_opens_its_window_with_the_first_item() {
        let (batches, ended) = run(Batcher::ChunksTimeout).await;
        assert_eq!(
            batches,
            [
                (200, vec![1, 2, 3]), // full
                (1900, vec![4]),      // a second after item 4 arrived at 0.9 s
                (2700, vec![5, 6]),   // the input closed
            ]
        );
        assert_eq!(ended, CLOSE_AT);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_input_sends_no_empty_batches_and_a_steady_one_is_not_held() {
        // Nothing for 5 s (the timer fires at 1 s, 2 s, ... and sends
        // nothing), then an item every 300 ms from 5.05 s: a batch still
        // leaves a second after the previous flush, however often items come.
        let (tx, rx) = mpsc::channel(16);
        let schedule: Vec<(u64, u32)> =
            (0..6).map(|n| (5050 + 300 * n, n as u32)).collect();
        let start = Instant::now();
        let mut batches = Vec::new();
        tokio::join!(
            feed(tx, &schedule, 7500),
            batch(rx, 10, Duration::from_secs(1), |b| {
                batches.push((start.elapsed().as_millis() as u64, b))
            }),
        );
        assert_eq!(batches, [(6000, vec![0, 1, 2, 3]), (7000, vec![4, 5])],);
    }
}
