// Backpressure: a bounded channel makes a fast producer wait for a slow
// consumer. The producer's `send` waits; it does not fail, and it does not
// block the thread, so other tasks keep running meanwhile.

// ANCHOR: all
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, sleep};

/// Sends `count` items as fast as the channel lets it, and returns the time
/// at which each `send` completed.
pub async fn produce(tx: mpsc::Sender<u32>, count: u32) -> Vec<Duration> {
    let start = Instant::now();
    let mut sent_at = Vec::new();
    for item in 0..count {
        // While the buffer is full, this `.await` parks the producer task
        // until the consumer takes an item out. The error case is only for a
        // consumer that has gone away.
        tx.send(item).await.expect("the consumer is still running");
        sent_at.push(start.elapsed());
    }
    sent_at
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
    let sent_at = produce(tx, 6).await;

    for (item, at) in sent_at.iter().enumerate() {
        println!("item {item} sent at {:.1}s", at.as_secs_f64());
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

        let sent_at = produce(tx, 6).await;

        // Two items fill the buffer and a third is already in the consumer's
        // hands, so three sends complete at once. After that, each send waits
        // for the consumer to take the next item: one per second.
        let secs = |s: u64| Duration::from_secs(s);
        assert_eq!(
            sent_at,
            [secs(0), secs(0), secs(0), secs(1), secs(2), secs(3)]
        );
        // Meanwhile another task on the same thread ticked at 0.4 s, 0.8 s, ...,
        // 2.8 s: the waiting producer did not hold the thread.
        assert_eq!(ticks.load(Ordering::Relaxed), 7);
        heartbeat.abort();

        // Nothing was dropped or reordered.
        assert_eq!(consumer.await.unwrap(), [0, 1, 2, 3, 4, 5]);
    }
}
