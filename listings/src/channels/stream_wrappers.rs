// The receivers are not streams themselves. tokio-stream's wrappers turn
// them into streams, so the stream adapters of a later chapter work on them.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;

// ANCHOR: receiver_stream
/// Sums the even numbers that arrive on `rx`, until the channel closes.
pub async fn sum_of_evens(rx: mpsc::Receiver<u64>) -> u64 {
    ReceiverStream::new(rx)
        .filter(|n| n % 2 == 0)
        .fold(0, |sum, n| sum + n)
        .await
}
// ANCHOR_END: receiver_stream

// ANCHOR: chunks_timeout
/// Groups messages into batches of at most `max` messages, flushing a
/// partial batch once its first message has waited `max_wait`.
pub async fn batches_by_size_or_time(
    rx: mpsc::Receiver<u32>,
    max: usize,
    max_wait: Duration,
) -> Vec<(Duration, Vec<u32>)> {
    let start = Instant::now();
    let batches = ReceiverStream::new(rx).chunks_timeout(max, max_wait);
    // `chunks_timeout` returns a stream that is not `Unpin`; pin it to call
    // `next` on it.
    let mut batches = std::pin::pin!(batches);
    let mut flushed = Vec::new();
    while let Some(batch) = batches.next().await {
        flushed.push((start.elapsed(), batch));
    }
    flushed
}
// ANCHOR_END: chunks_timeout

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::{broadcast, watch};
    use tokio_stream::wrappers::errors::BroadcastStreamRecvError;
    use tokio_stream::wrappers::{BroadcastStream, WatchStream};

    #[tokio::test]
    async fn a_receiver_stream_ends_when_the_channel_closes() {
        let (tx, rx) = mpsc::channel(16);
        for n in 1..=10 {
            tx.send(n).await.unwrap();
        }
        drop(tx);
        assert_eq!(sum_of_evens(rx).await, 2 + 4 + 6 + 8 + 10);
    }

    #[tokio::test(start_paused = true)]
    async fn batches_flush_when_full_or_when_the_first_message_has_waited_long_enough()
     {
        let (tx, rx) = mpsc::channel(16);
        let batcher =
            tokio::spawn(batches_by_size_or_time(rx, 2, Duration::from_secs(1)));
        for n in 0..3 {
            tx.send(n).await.unwrap();
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        tx.send(3).await.unwrap();
        drop(tx);
        let secs = Duration::from_secs;
        assert_eq!(
            batcher.await.unwrap(),
            [
                (secs(0), vec![0, 1]), // full
                (secs(1), vec![2]),    // waited a second
                (secs(2), vec![3]),    // the channel closed
            ]
        );
    }

    #[tokio::test]
    async fn a_broadcast_stream_yields_lag_as_an_item() {
        let (tx, rx) = broadcast::channel(2);
        for n in 0..5 {
            tx.send(n).unwrap();
        }
        drop(tx);
        let items: Vec<_> = BroadcastStream::new(rx).collect().await;
        assert_eq!(
            items,
            [Err(BroadcastStreamRecvError::Lagged(3)), Ok(3), Ok(4)]
        );
    }

    #[tokio::test]
    async fn a_watch_stream_starts_with_the_current_value() {
        let (tx, rx) = watch::channel("starting");
        let mut states = WatchStream::new(rx);
        assert_eq!(states.next().await, Some("starting"));
        tx.send("ready").unwrap();
        assert_eq!(states.next().await, Some("ready"));
        drop(tx);
        assert_eq!(states.next().await, None);
    }
}
