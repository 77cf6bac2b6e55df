// The receivers are not streams themselves. tokio-stream's wrappers turn
// them into streams, so the stream adapters of a later chapter work on them.

use tokio::sync::mpsc;
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
