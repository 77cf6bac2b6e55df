// broadcast: every receiver gets every message, unless it falls more than
// the channel's capacity behind. Then it gets `RecvError::Lagged(n)`, learns
// how many messages it missed, and continues from the oldest one kept.

use std::time::Duration;

use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::sleep;

// ANCHOR: buggy
/// Handles events until the channel ends. Returns the events it handled.
pub async fn subscriber_gives_up(mut events: broadcast::Receiver<u32>) -> Vec<u32> {
    let mut handled = Vec::new();
    // BUG: `recv` returns `Err` for two different reasons: `Closed` (the
    // end) and `Lagged` (some messages were missed, but more will come).
    // This loop treats both as the end and quietly stops listening.
    while let Ok(event) = events.recv().await {
        sleep(Duration::from_millis(100)).await; // handle the event
        handled.push(event);
    }
    handled
}
// ANCHOR_END: buggy

// ANCHOR: recovers
/// What a subscriber saw, and how many events it knows it missed.
#[derive(Debug, Default, PartialEq)]
pub struct Report {
    pub handled: Vec<u32>,
    pub missed: u64,
}

pub async fn subscriber_recovers(mut events: broadcast::Receiver<u32>) -> Report {
    let mut report = Report::default();
    loop {
        match events.recv().await {
            Ok(event) => {
                sleep(Duration::from_millis(100)).await; // handle the event
                report.handled.push(event);
            }
            // The receiver is still usable: its next `recv` returns the
            // oldest event the channel still holds. Count the loss (or
            // resynchronise state from elsewhere), then keep going.
            Err(RecvError::Lagged(missed)) => report.missed += missed,
            // Every sender is gone and everything has been read.
            Err(RecvError::Closed) => return report,
        }
    }
}
// ANCHOR_END: recovers

// ANCHOR: publisher
/// Publishes 16 events in three bursts: 3, then (5 s later) 10, then
/// (5 s later) 3. The middle burst is more than a capacity of 4 can hold.
pub async fn publish_bursts(events: broadcast::Sender<u32>) {
    let bursts = [0..3, 3..13, 13..16];
    for burst in bursts {
        for event in burst {
            // `send` never waits: a broadcast channel has no backpressure.
            // It fails only when there are no receivers at all.
            let _ = events.send(event);
        }
        sleep(Duration::from_secs(5)).await;
    }
    // Dropping the last sender is what closes the channel.
}
// ANCHOR_END: publisher

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let (tx, _) = broadcast::channel(4);
    let naive = tokio::spawn(subscriber_gives_up(tx.subscribe()));
    let careful = tokio::spawn(subscriber_recovers(tx.subscribe()));
    publish_bursts(tx).await;
    println!("naive subscriber handled: {:?}", naive.await.unwrap());
    let Report { handled, missed } = careful.await.unwrap();
    println!("careful subscriber handled: {handled:?}, missed: {missed}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_receiver_that_falls_behind_is_told_how_much_it_missed() {
        let (tx, mut rx) = broadcast::channel(4);
        for n in 0..10 {
            tx.send(n).unwrap();
        }
        // Only the last 4 are kept; the 6 before them were overwritten.
        assert_eq!(rx.recv().await, Err(RecvError::Lagged(6)));
        for n in 6..10 {
            assert_eq!(rx.recv().await, Ok(n));
        }
    }

    #[tokio::test]
    async fn the_capacity_is_rounded_up_to_a_power_of_two() {
        // channel(3) keeps 4 messages, so 5 sends lose only one.
        let (tx, mut rx) = broadcast::channel(3);
        for n in 0..5 {
            tx.send(n).unwrap();
        }
        assert_eq!(rx.recv().await, Err(RecvError::Lagged(1)));
        assert_eq!(rx.recv().await, Ok(1));
    }

    #[tokio::test]
    async fn closed_comes_only_after_every_sender_is_dropped_and_the_buffer_is_read()
    {
        let (tx, mut rx) = broadcast::channel(4);
        let tx2 = tx.clone();
        tx.send(1).unwrap();
        drop(tx);
        // One sender left: not closed.
        assert_eq!(rx.recv().await, Ok(1));
        assert_eq!(rx.try_recv(), Err(broadcast::error::TryRecvError::Empty));
        tx2.send(2).unwrap();
        drop(tx2);
        // All senders gone, but the buffered message comes first.
        assert_eq!(rx.recv().await, Ok(2));
        assert_eq!(rx.recv().await, Err(RecvError::Closed));
    }

    #[test]
    fn send_fails_when_nobody_is_subscribed() {
        let (tx, rx) = broadcast::channel(4);
        drop(rx);
        let error = tx.send(7).unwrap_err();
        assert_eq!(error.0, 7);
        // A new subscriber only sees messages sent after it subscribed.
        let mut late = tx.subscribe();
        tx.send(8).unwrap();
        assert_eq!(late.try_recv(), Ok(8));
    }

    #[tokio::test(start_paused = true)]
    async fn the_naive_subscriber_silently_stops_at_the_first_lag() {
        let (tx, rx) = broadcast::channel(4);
        let subscriber = tokio::spawn(subscriber_gives_up(rx));
        publish_bursts(tx).await;
        let handled = subscriber.await.unwrap();
        // It handled the first burst, lagged in the second, and exited. The
        // last burst, which it could have received, was missed as well:
        // 13 of 16 events lost, with no error anywhere.
        assert_eq!(handled, [0, 1, 2]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_recovering_subscriber_counts_what_it_missed_and_goes_on() {
        let (tx, rx) = broadcast::channel(4);
        let subscriber = tokio::spawn(subscriber_recovers(rx));
        publish_bursts(tx).await;
        let report = subscriber.await.unwrap();
        assert_eq!(
            report,
            Report {
                handled: vec![0, 1, 2, 9, 10, 11, 12, 13, 14, 15],
                missed: 6,
            }
        );
    }
}
