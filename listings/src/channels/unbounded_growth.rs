// The memory risk of an unbounded channel: a producer ten times faster than
// its consumer never waits, so the backlog grows without limit.

// ANCHOR: all
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, sleep};

/// One queued message: a 1 KiB payload, like a small request body.
pub type Message = Box<[u8; 1024]>;

/// Runs a producer that sends ten messages a second into an unbounded
/// channel, and a consumer that handles one a second, for `run_for` of
/// virtual time. Returns how many messages were waiting in the channel
/// at each of the `checkpoints`.
pub async fn backlog(run_for: Duration, checkpoints: &[Duration]) -> Vec<usize> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Message>();

    tokio::spawn(async move {
        // `UnboundedSender::send` is not async: there is nothing to wait for,
        // so nothing ever slows this loop down. It fails only once the
        // receiver is gone, which ends the producer.
        while tx.send(Box::new([0; 1024])).is_ok() {
            sleep(Duration::from_millis(100)).await;
        }
    });

    let start = Instant::now();
    let mut samples = Vec::new();
    let mut next_checkpoint = checkpoints.iter().peekable();
    // Start 1 ms late so the consumer never wakes at the same instant as the
    // producer: the counts below are exact, not off by one.
    sleep(Duration::from_millis(1)).await;
    while start.elapsed() < run_for {
        let _message = rx.recv().await.expect("the producer never stops");
        // `rx.len()` counts what is still queued: the sender has no capacity
        // to ask about, because it has no limit.
        if let Some(&&at) = next_checkpoint.peek()
            && start.elapsed() >= at
        {
            samples.push(rx.len());
            next_checkpoint.next();
        }
        sleep(Duration::from_secs(1)).await; // one second of work per message
    }
    samples
}
// ANCHOR_END: all

// ANCHOR: main
#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    let minutes = [1, 10, 60];
    let checkpoints: Vec<Duration> = minutes
        .iter()
        .map(|&m| Duration::from_secs(m * 60))
        .collect();
    let samples = backlog(Duration::from_secs(3601), &checkpoints).await;
    for (m, queued) in minutes.iter().zip(samples) {
        let mib = (queued * 1024) as f64 / (1024.0 * 1024.0);
        println!("after {m:>2} min: {queued:>5} messages queued, {mib:.1} MiB");
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_backlog_grows_by_nine_messages_a_second() {
        let at = |s: u64| Duration::from_secs(s);
        let samples = backlog(at(60), &[at(10), at(30), at(59)]).await;
        // Ten in, one out, every second: nine more wait each second.
        assert_eq!(samples, [90, 270, 531]);
    }
}
