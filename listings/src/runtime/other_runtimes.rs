// Runtime-agnostic async code, run by the `futures` crate's executor and by
// Tokio alike.

// ANCHOR: agnostic
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};

/// Uses only the `futures` crate: its channel and its `join!`. No Tokio type
/// appears, so any executor can run it.
pub async fn sum_through_a_channel(count: u32) -> u32 {
    let (mut sender, receiver) = mpsc::channel(4);
    let producer = async move {
        for n in 1..=count {
            sender.send(n).await.expect("receiver dropped");
        }
        // `sender` is dropped here, which ends the stream below.
    };
    let consumer = receiver.fold(0, |total, n| async move { total + n });
    let ((), total) = futures::join!(producer, consumer);
    total
}

pub fn main() {
    // A small executor that runs one future on the current thread.
    let total = futures::executor::block_on(sum_through_a_channel(10));
    println!("sum of 1..=10: {total}");
}
// ANCHOR_END: agnostic

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn runs_on_the_futures_executor() {
        assert_eq!(futures::executor::block_on(sum_through_a_channel(10)), 55);
    }

    #[tokio::test]
    async fn runs_on_tokio_too() {
        assert_eq!(sum_through_a_channel(10).await, 55);
    }

    #[test]
    #[should_panic(
        expected = "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
    )]
    fn tokio_timers_need_the_tokio_runtime() {
        futures::executor::block_on(async {
            tokio::time::sleep(Duration::from_millis(1)).await;
        });
    }
}
