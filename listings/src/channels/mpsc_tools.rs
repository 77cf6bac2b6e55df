// Three more tools of `mpsc::Sender` and `Receiver`: `try_send` to shed load
// instead of waiting, `reserve` to claim a slot before taking an item, and
// `recv_many` to take whatever is queued in one go.

use std::collections::VecDeque;

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;

// ANCHOR: try_send
/// What happened to an offered reading.
#[derive(Debug, PartialEq)]
pub enum Offered {
    Queued,
    /// The buffer was full; the reading comes back so the caller can count
    /// it, log it or keep it.
    Shed(u32),
    /// The consumer has gone away; no reading will ever be accepted again.
    ConsumerGone(u32),
}

/// Offers a sensor reading without waiting: if the consumer is behind,
/// the reading is shed instead of slowing the sensor loop down.
pub fn offer(tx: &mpsc::Sender<u32>, reading: u32) -> Offered {
    match tx.try_send(reading) {
        Ok(()) => Offered::Queued,
        Err(TrySendError::Full(reading)) => Offered::Shed(reading),
        Err(TrySendError::Closed(reading)) => Offered::ConsumerGone(reading),
    }
}
// ANCHOR_END: try_send

// ANCHOR: forward_naive
/// Moves the next job from `backlog` into the channel, unless `shutdown`
/// completes first. Returns whether a job was forwarded.
pub async fn forward_naive(
    backlog: &mut VecDeque<u32>,
    tx: &mpsc::Sender<u32>,
    shutdown: impl Future<Output = ()>,
) -> bool {
    let Some(job) = backlog.pop_front() else {
        return false;
    };
    tokio::select! {
        sent = tx.send(job) => sent.is_ok(),
        // BUG: if the channel is full, `job` is inside the `send` future that
        // `select!` drops here. It is in neither the backlog nor the channel.
        () = shutdown => false,
    }
}
// ANCHOR_END: forward_naive

// ANCHOR: forward_reserved
pub async fn forward_reserved(
    backlog: &mut VecDeque<u32>,
    tx: &mpsc::Sender<u32>,
    shutdown: impl Future<Output = ()>,
) -> bool {
    tokio::select! {
        // First wait for a free slot. A `Permit` is that slot, held for us.
        permit = tx.reserve() => match (permit, backlog.pop_front()) {
            // Only now is the job taken out, and `Permit::send` is not async
            // and cannot fail: nothing can interrupt the hand-over.
            (Ok(permit), Some(job)) => {
                permit.send(job);
                true
            }
            // No job (the permit is dropped and the slot freed), or no consumer.
            _ => false,
        },
        // Cancelling `reserve` loses nothing: the job is still in the backlog.
        () = shutdown => false,
    }
}
// ANCHOR_END: forward_reserved

// ANCHOR: recv_many
/// Groups messages into batches of at most `max_batch`, for example to write
/// them to a database in one round trip.
pub async fn batches(mut rx: mpsc::Receiver<u32>, max_batch: usize) -> Vec<Vec<u32>> {
    let mut batches = Vec::new();
    let mut batch = Vec::with_capacity(max_batch);
    // `recv_many` waits for at least one message, then also takes whatever
    // else is queued already, up to `max_batch`, without waiting for more.
    // It returns 0 only when the channel is closed and drained.
    while rx.recv_many(&mut batch, max_batch).await > 0 {
        batches.push(std::mem::take(&mut batch));
    }
    batches
}
// ANCHOR_END: recv_many

/// Runs a forwarder (`forward_reserved` if `reserve`, else `forward_naive`)
/// against a full channel of capacity 1 and a shutdown that comes after a
/// second, and describes what is where afterwards.
async fn forward_into_a_full_channel(reserve: bool) -> String {
    let (tx, mut rx) = mpsc::channel(1);
    tx.send(0).await.unwrap(); // the job that was there before
    let mut backlog = VecDeque::from([1, 2, 3]);
    let shutdown = tokio::time::sleep(std::time::Duration::from_secs(1));
    let forwarded = if reserve {
        forward_reserved(&mut backlog, &tx, shutdown).await
    } else {
        forward_naive(&mut backlog, &tx, shutdown).await
    };
    let mut channel = Vec::new();
    while let Ok(job) = rx.try_recv() {
        channel.push(job);
    }
    format!("forwarded: {forwarded}, backlog: {backlog:?}, channel: {channel:?}")
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    println!(
        "forward_naive:    {}",
        forward_into_a_full_channel(false).await
    );
    println!(
        "forward_reserved: {}",
        forward_into_a_full_channel(true).await
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use tokio::time::sleep;

    #[tokio::test]
    async fn try_send_tells_full_from_closed() {
        let (tx, rx) = mpsc::channel(2);
        assert_eq!(offer(&tx, 1), Offered::Queued);
        assert_eq!(offer(&tx, 2), Offered::Queued);
        assert_eq!(offer(&tx, 3), Offered::Shed(3));
        drop(rx);
        assert_eq!(offer(&tx, 4), Offered::ConsumerGone(4));
    }

    /// A channel of capacity 1 that is already full, so any send must wait.
    async fn full_channel() -> (mpsc::Sender<u32>, mpsc::Receiver<u32>) {
        let (tx, rx) = mpsc::channel(1);
        tx.send(0).await.unwrap();
        (tx, rx)
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_send_loses_the_job() {
        let (tx, mut rx) = full_channel().await;
        let mut backlog = VecDeque::from([1, 2, 3]);

        let forwarded =
            forward_naive(&mut backlog, &tx, sleep(Duration::from_secs(1))).await;

        assert!(!forwarded);
        // Job 1 is gone: not in the backlog, not in the channel.
        assert_eq!(backlog, [2, 3]);
        assert_eq!(rx.try_recv(), Ok(0));
        assert!(rx.try_recv().is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_reserve_loses_nothing() {
        let (tx, mut rx) = full_channel().await;
        let mut backlog = VecDeque::from([1, 2, 3]);

        let forwarded =
            forward_reserved(&mut backlog, &tx, sleep(Duration::from_secs(1))).await;

        assert!(!forwarded);
        assert_eq!(backlog, [1, 2, 3]);

        // With room in the channel, the job goes through.
        assert_eq!(rx.recv().await, Some(0));
        let forwarded =
            forward_reserved(&mut backlog, &tx, sleep(Duration::from_secs(1))).await;
        assert!(forwarded);
        assert_eq!(backlog, [2, 3]);
        assert_eq!(rx.recv().await, Some(1));
    }

    #[tokio::test]
    async fn recv_many_takes_what_is_queued_up_to_the_limit() {
        let (tx, rx) = mpsc::channel(8);
        for n in 0..5 {
            tx.send(n).await.unwrap();
        }
        drop(tx);
        assert_eq!(batches(rx, 2).await, [vec![0, 1], vec![2, 3], vec![4]]);
    }

    #[tokio::test(start_paused = true)]
    async fn recv_many_does_not_wait_to_fill_a_batch() {
        let (tx, rx) = mpsc::channel(8);
        let batcher = tokio::spawn(batches(rx, 10));
        for n in 0..3 {
            tx.send(n).await.unwrap();
        }
        sleep(Duration::from_secs(1)).await;
        tx.send(3).await.unwrap();
        drop(tx);
        // Three were waiting when the batcher woke; the fourth came later.
        assert_eq!(batcher.await.unwrap(), [vec![0, 1, 2], vec![3]]);
    }
}
