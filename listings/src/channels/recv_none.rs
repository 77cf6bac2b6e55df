// When does `recv` return `None`? Only when every sender has been dropped
// and the buffer is empty. A sender kept alive by mistake makes the receiving
// loop wait forever.

use tokio::sync::mpsc;

// ANCHOR: hang
/// Spawns one worker per id and collects what they send back.
pub async fn collect_results_hangs(ids: Vec<u32>) -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(16);
    for id in ids {
        let tx = tx.clone();
        tokio::spawn(async move {
            tx.send(id * 10).await.expect("the collector is waiting");
            // This clone of `tx` is dropped here, when the worker ends.
        });
    }

    let mut results = Vec::new();
    // BUG: the original `tx` is still alive in this scope. The channel
    // cannot close while it exists, so after the last result `recv` waits
    // for a message that nobody will ever send.
    while let Some(result) = rx.recv().await {
        results.push(result);
    }
    results
}
// ANCHOR_END: hang

// ANCHOR: fixed
pub async fn collect_results(ids: Vec<u32>) -> Vec<u32> {
    let (tx, mut rx) = mpsc::channel(16);
    for id in ids {
        let tx = tx.clone();
        tokio::spawn(async move {
            tx.send(id * 10).await.expect("the collector is waiting");
        });
    }
    // The workers hold the only senders now. When the last one finishes,
    // the channel closes, and `recv` returns `None` once it is drained.
    drop(tx);

    let mut results = Vec::new();
    while let Some(result) = rx.recv().await {
        results.push(result);
    }
    results
}
// ANCHOR_END: fixed

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::timeout;

    #[tokio::test(start_paused = true)]
    async fn a_sender_kept_alive_hangs_the_loop() {
        let outcome = timeout(
            Duration::from_secs(60),
            collect_results_hangs(vec![1, 2, 3]),
        )
        .await;
        assert!(outcome.is_err(), "the loop should still be waiting");
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_last_sender_ends_the_loop() {
        let mut results =
            timeout(Duration::from_secs(60), collect_results(vec![1, 2, 3]))
                .await
                .expect("the loop ends");
        results.sort();
        assert_eq!(results, [10, 20, 30]);
    }

    #[tokio::test]
    async fn buffered_messages_outlive_the_senders() {
        let (tx, mut rx) = mpsc::channel(4);
        tx.send(1).await.unwrap();
        tx.send(2).await.unwrap();
        drop(tx);
        // The channel is closed, but what was sent is still delivered first.
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(rx.recv().await, Some(2));
        assert_eq!(rx.recv().await, None);
    }
}
