// Batching a stream by size (`futures::StreamExt::chunks`) or by size and
// time (`tokio_stream::StreamExt::chunks_timeout`), fed from a channel.

// ANCHOR: chunks
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_stream::wrappers::ReceiverStream;

/// Groups the items in vectors of `size`; the last one may be shorter.
pub async fn by_size(items: Vec<u32>, size: usize) -> Vec<Vec<u32>> {
    // `chunks` only counts: it waits as long as it takes to fill a batch.
    futures::stream::iter(items).chunks(size).collect().await
}
// ANCHOR_END: chunks

// ANCHOR: chunks_timeout
/// Sends `(delay_before, event)` pairs on a channel from another task, and
/// batches what arrives: at most `max` per batch, and no event waits more
/// than `window` after the first one of its batch. Each batch is returned
/// with the second it was emitted.
pub async fn by_size_or_time(
    schedule: Vec<(u64, u32)>,
    max: usize,
    window: Duration,
) -> Vec<(Vec<u32>, u64)> {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        for (delay, event) in schedule {
            tokio::time::sleep(Duration::from_secs(delay)).await;
            tx.send(event).await.expect("the batcher is listening");
        }
        // Dropping `tx` closes the channel, which ends the stream.
    });

    let start = Instant::now();
    // `ReceiverStream` turns the receiver into a stream. `chunks_timeout`
    // lives in the other trait, so it is called by its full path.
    let batches =
        tokio_stream::StreamExt::chunks_timeout(ReceiverStream::new(rx), max, window);
    // `ChunksTimeout` holds a timer and is `!Unpin`: pin it to call `next`.
    let mut batches = std::pin::pin!(batches);
    let mut emitted = Vec::new();
    while let Some(batch) = batches.next().await {
        emitted.push((batch, start.elapsed().as_secs()));
    }
    emitted
}
// ANCHOR_END: chunks_timeout

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    // (seconds since the previous event, event)
    let schedule = vec![(0, 1), (0, 2), (1, 3), (1, 4), (5, 5)];
    let emitted = by_size_or_time(schedule, 2, Duration::from_secs(3)).await;
    println!("max 2, window 3 s, events at 0, 0, 1, 2, 7 s: {emitted:?}");
    let lone = vec![(1, 1), (10, 2)];
    let emitted = by_size_or_time(lone, 100, Duration::from_secs(3)).await;
    println!("max 100, window 3 s, events at 1, 11 s:      {emitted:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn chunks_counts_and_flushes_the_rest_at_the_end() {
        assert_eq!(
            by_size(vec![1, 2, 3, 4, 5, 6, 7], 3).await,
            [vec![1, 2, 3], vec![4, 5, 6], vec![7]]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn chunks_timeout_flushes_when_full_or_when_the_window_ends() {
        let schedule = vec![
            (0, 1), // at 0 s
            (0, 2), // at 0 s: the batch is full (max 2) and leaves at once
            (1, 3), // at 1 s: opens a batch with a window until 4 s
            (1, 4), // at 2 s: still room, so it waits too
            (5, 5), // at 7 s: after the window, so a new batch
        ];
        let emitted = by_size_or_time(schedule, 2, Duration::from_secs(3)).await;
        assert_eq!(
            emitted,
            [
                (vec![1, 2], 0), // full
                (vec![3, 4], 2), // full again, before its window ended
                (vec![5], 7),    // the channel closed: the rest leaves at once
            ]
        );
    }

    /// Sends an event every 2 s, ten times, then closes the channel.
    fn steady_trickle() -> mpsc::Receiver<u32> {
        let (tx, rx) = mpsc::channel(16);
        tokio::spawn(async move {
            for event in 0..10 {
                tx.send(event).await.unwrap();
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        });
        rx
    }

    #[tokio::test(start_paused = true)]
    async fn chunks_timeout_flushes_a_steady_trickle_every_window() {
        let batches = tokio_stream::StreamExt::chunks_timeout(
            ReceiverStream::new(steady_trickle()),
            100,
            Duration::from_secs(5),
        );
        let start = Instant::now();
        let emitted: Vec<_> = batches
            .map(|batch| (batch, start.elapsed().as_secs()))
            .collect()
            .await;
        assert_eq!(
            emitted,
            [
                (vec![0, 1, 2], 5),
                (vec![3, 4, 5], 11),
                (vec![6, 7, 8], 17),
                (vec![9], 20),
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_lone_event_waits_at_most_one_window() {
        let schedule = vec![(1, 1), (10, 2)];
        let emitted = by_size_or_time(schedule, 100, Duration::from_secs(3)).await;
        // The window starts with the first event of a batch (1 s), not
        // with the previous flush.
        assert_eq!(emitted, [(vec![1], 4), (vec![2], 11)]);
    }
}
