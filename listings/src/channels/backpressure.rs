// Backpressure: a bounded channel makes a fast producer wait for a slow
// consumer. The producer's `send` waits; it does not fail, and it does not
// block the thread, so other tasks keep running meanwhile.

// ANCHOR: all
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, sleep};

/// One completed send: how many free places the buffer had just before it,
/// and when it completed.
#[derive(Debug, PartialEq)]
pub struct Sent {
    pub free_before: usize,
    pub at: Duration,
}

/// Sends `count` items as fast as the channel lets it.
pub async fn produce(tx: mpsc::Sender<u32>, count: u32) -> Vec<Sent> {
    let start = Instant::now();
    let mut sent = Vec::new();
    for item in 0..count {
        let free_before = tx.capacity();
        // While the buffer is full, this `.await` parks the producer task
        // until the consumer takes an item out. The error case is only for a
        // consumer that has gone away.
        tx.send(item).await.expect("the consumer is still running");
        sent.push(Sent {
            free_before,
            at: start.elapsed(),
        });
    }
    sent
}

/// Takes one second of (simulated) work per item.
pub async fn consume_slowly(mut rx: mpsc::Receiver<u32>) -> Vec<u32> {
    let mut done = Vec::new();
    while let Some(item) = rx.recv().await {
        sleep(Duration::from_secs(1)).await;
        done.push(item);
    }
    done
}

/// Counts ticks every 400 ms, to show that the thread stays free while the
/// producer waits.
pub async fn heartbeat(ticks: Arc<AtomicU32>) {
    loop {
        sleep(Duration::from_millis(400)).await;
        ticks.fetch_add(1, Ordering::Relaxed);
    }
}

// ANCHOR_END: all
#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: all
pub async fn main() {
    // Room for two items in flight between the stages.
    let (tx, rx) = mpsc::channel(2);
    let ticks = Arc::new(AtomicU32::new(0));

    let consumer = tokio::spawn(consume_slowly(rx));
    let heartbeat = tokio::spawn(heartbeat(ticks.clone()));
    let sent = produce(tx, 6).await;

    for (item, Sent { free_before, at }) in sent.iter().enumerate() {
        println!(
            "item {item}: {free_before} free before the send, sent at {:.1}s",
            at.as_secs_f64()
        );
    }
    println!(
        "heartbeat ticks while the producer waited: {}",
        ticks.load(Ordering::Relaxed)
    );
    heartbeat.abort();
    println!("consumer finished: {:?}", consumer.await.unwrap());
}
// ANCHOR_END: all

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_producer_waits_for_room_and_the_thread_stays_free() {
        let (tx, rx) = mpsc::channel(2);
        let ticks = Arc::new(AtomicU32::new(0));
        let consumer = tokio::spawn(consume_slowly(rx));
        let heartbeat = tokio::spawn(heartbeat(ticks.clone()));

        let sent = produce(tx, 6).await;

        // Items 0 and 1 fill the buffer. The send of item 2 finds it full and
        // waits, but only until the consumer task first runs and takes item 0,
        // still at 0 s. After that, each send waits for the consumer to take
        // the next item: one per second.
        let sent_at: Vec<u64> = sent.iter().map(|s| s.at.as_secs()).collect();
        assert_eq!(sent_at, [0, 0, 0, 1, 2, 3]);
        let free_before: Vec<usize> = sent.iter().map(|s| s.free_before).collect();
        assert_eq!(free_before, [2, 1, 0, 0, 0, 0]);
        // Meanwhile another task on the same thread ticked at 0.4 s, 0.8 s, ...,
        // 2.8 s: the waiting producer did not hold the thread.
        assert_eq!(ticks.load(Ordering::Relaxed), 7);
        heartbeat.abort();

        // Nothing was dropped or reordered.
        assert_eq!(consumer.await.unwrap(), [0, 1, 2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn two_items_fill_a_buffer_of_two() {
        let (tx, _rx) = mpsc::channel(2);
        tx.send(0).await.unwrap();
        tx.send(1).await.unwrap();
        // Nobody has taken anything yet: there is no room for item 2.
        assert!(matches!(
            tx.try_send(2),
            Err(mpsc::error::TrySendError::Full(2))
        ));
    }
}
