// When does `recv` return `None`? Only when the channel is closed (every
// sender dropped, or `close` called) and the buffer is empty. A sender kept
// alive by mistake makes the receiving loop wait forever.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, sleep, timeout};

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

// ANCHOR: ticker
/// What the worker below receives: work from clients, and its own clock.
pub enum Message {
    Job(u32),
    Tick,
}

/// Handles messages until the channel closes. Returns the jobs it handled,
/// how many ticks it saw, and when it ended.
pub async fn worker(mut rx: mpsc::Receiver<Message>) -> (Vec<u32>, u32, Duration) {
    let start = Instant::now();
    let (mut jobs, mut ticks) = (Vec::new(), 0);
    while let Some(message) = rx.recv().await {
        match message {
            Message::Job(job) => jobs.push(job),
            Message::Tick => ticks += 1,
        }
    }
    (jobs, ticks, start.elapsed())
}

/// BUG: a task that never ends holds a `Sender`, so the channel never
/// closes and the worker never sees `None`.
pub async fn tick_forever(tx: mpsc::Sender<Message>) {
    loop {
        sleep(Duration::from_millis(1500)).await;
        if tx.send(Message::Tick).await.is_err() {
            return;
        }
    }
}

/// Holds a `WeakSender`, which does not keep the channel open. Each tick
/// upgrades it to a `Sender` for one send; once the clients have dropped
/// every `Sender`, `upgrade` returns `None` and the ticker stops.
pub async fn tick_while_needed(tx: mpsc::WeakSender<Message>) {
    loop {
        sleep(Duration::from_millis(1500)).await;
        let Some(tx) = tx.upgrade() else { return };
        if tx.send(Message::Tick).await.is_err() {
            return;
        }
        // The upgraded `tx` is dropped here: hold it only for the send.
    }
}

/// A client: three jobs, one a second, then it drops its sender.
pub async fn client(tx: mpsc::Sender<Message>) {
    for job in 0..3 {
        if job > 0 {
            sleep(Duration::from_secs(1)).await;
        }
        tx.send(Message::Job(job))
            .await
            .expect("the worker is running");
    }
}
// ANCHOR_END: ticker

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let limit = Duration::from_secs(60);

    match timeout(limit, collect_results_hangs(vec![1, 2, 3])).await {
        Ok(results) => println!("original sender kept: {results:?}"),
        Err(_) => println!("original sender kept: still waiting after 60s"),
    }
    let mut results = collect_results(vec![1, 2, 3]).await;
    results.sort();
    println!("original sender dropped: {results:?}");

    let (tx, rx) = mpsc::channel(8);
    let ticker = tokio::spawn(tick_forever(tx.clone()));
    tokio::spawn(client(tx));
    match timeout(limit, worker(rx)).await {
        Ok((jobs, ..)) => println!("ticker with a Sender: jobs {jobs:?}"),
        Err(_) => println!("ticker with a Sender: worker still running after 60s"),
    }
    ticker.abort();

    let (tx, rx) = mpsc::channel(8);
    tokio::spawn(tick_while_needed(tx.downgrade()));
    tokio::spawn(client(tx));
    let (jobs, ticks, ended) = worker(rx).await;
    println!(
        "ticker with a WeakSender: jobs {jobs:?}, {ticks} tick, ended at {:.1}s",
        ended.as_secs_f64()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[tokio::test(start_paused = true)]
    async fn a_ticker_holding_a_sender_keeps_the_worker_alive() {
        let (tx, rx) = mpsc::channel(8);
        tokio::spawn(tick_forever(tx.clone()));
        tokio::spawn(client(tx));
        assert!(timeout(Duration::from_secs(60), worker(rx)).await.is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn a_ticker_holding_a_weak_sender_lets_the_channel_close() {
        let (tx, rx) = mpsc::channel(8);
        let ticker = tokio::spawn(tick_while_needed(tx.downgrade()));
        tokio::spawn(client(tx));
        let (jobs, ticks, ended) = timeout(Duration::from_secs(60), worker(rx))
            .await
            .expect("the channel closes with the client's sender");
        assert_eq!(jobs, [0, 1, 2]);
        // One tick at 1.5 s; the client's last send and drop were at 2 s.
        assert_eq!(ticks, 1);
        assert_eq!(ended, Duration::from_secs(2));
        // The next tick, at 3 s, finds no sender to upgrade, and stops.
        timeout(Duration::from_secs(60), ticker)
            .await
            .expect("the ticker stops")
            .unwrap();
    }

    #[tokio::test]
    async fn close_ends_the_loop_while_senders_live() {
        let (tx, mut rx) = mpsc::channel(4);
        tx.send(1).await.unwrap();
        rx.close();
        assert_eq!(tx.send(2).await.unwrap_err().0, 2);
        assert_eq!(rx.recv().await, Some(1));
        assert_eq!(rx.recv().await, None);
    }
}
