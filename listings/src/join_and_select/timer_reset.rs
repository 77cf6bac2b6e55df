// Batching by time in a `select!` loop. The broken version creates its
// `sleep` inside the loop, so every message restarts the timer; the fixed
// version creates one deadline before the loop and moves it on by hand.

// ANCHOR: broken
use std::time::Duration;
use tokio::sync::mpsc::{Receiver, UnboundedSender};
use tokio::time::sleep;

/// Meant to send what arrived on `input` to `output` once every `period`.
pub async fn batch_broken(
    mut input: Receiver<u32>,
    output: UnboundedSender<Vec<u32>>,
    period: Duration,
) {
    let mut batch = Vec::new();
    loop {
        tokio::select! {
            Some(item) = input.recv() => batch.push(item),
            // A new one-second timer every time round the loop: each message
            // that arrives throws the old timer away and starts again.
            () = sleep(period) => {
                if !batch.is_empty() {
                    let _ = output.send(std::mem::take(&mut batch));
                }
            }
        }
        // And when `input` closes, its branch is merely disabled: the loop
        // keeps sleeping and never returns.
    }
}
// ANCHOR_END: broken

// ANCHOR: fixed
/// Sends what arrived on `input` to `output` once every `period`, and the rest
/// when `input` closes; then returns.
pub async fn batch(
    mut input: Receiver<u32>,
    output: UnboundedSender<Vec<u32>>,
    period: Duration,
) {
    let mut batch = Vec::new();
    // Created once, before the loop. `select!` polls it through `&mut`, so
    // losing a round does not drop it. It must be pinned to be polled that way.
    let flush = sleep(period);
    tokio::pin!(flush);
    loop {
        tokio::select! {
            item = input.recv() => match item {
                Some(item) => batch.push(item),
                // Closed and drained: flush what is left and stop.
                None => break,
            },
            () = &mut flush => {
                if !batch.is_empty() {
                    let _ = output.send(std::mem::take(&mut batch));
                }
                // The next deadline counts from this one, not from now.
                let next = flush.deadline() + period;
                flush.as_mut().reset(next);
            }
        }
    }
    if !batch.is_empty() {
        let _ = output.send(batch);
    }
}
// ANCHOR_END: fixed

// ANCHOR: traffic
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Steady traffic: items 1 to 6, one every 500 ms from 0.3 s, then the
/// sender closes the channel.
pub fn steady_traffic() -> Receiver<u32> {
    let (sender, receiver) = mpsc::channel(16);
    tokio::spawn(async move {
        sleep(Duration::from_millis(300)).await;
        for item in 1..=6 {
            sender
                .send(item)
                .await
                .expect("the batcher is still receiving");
            if item < 6 {
                sleep(Duration::from_millis(500)).await;
            }
        }
    });
    receiver
}

/// Collects each batch with the time it arrived, in ms since `start`.
pub async fn batches(
    mut output: mpsc::UnboundedReceiver<Vec<u32>>,
    start: Instant,
) -> Vec<(u64, Vec<u32>)> {
    let mut seen = Vec::new();
    while let Some(batch) = output.recv().await {
        seen.push((start.elapsed().as_millis() as u64, batch));
    }
    seen
}
// ANCHOR_END: traffic

/// Runs one batcher on the steady traffic for at most 10 s, and prints the
/// batches with the time each one arrived.
async fn show<F: Future<Output = ()>>(
    name: &str,
    batcher: impl FnOnce(Receiver<u32>, mpsc::UnboundedSender<Vec<u32>>) -> F,
) -> Vec<(u64, Vec<u32>)> {
    let start = Instant::now();
    let (sender, receiver) = mpsc::unbounded_channel();
    let collector = tokio::spawn(batches(receiver, start));
    let ended = tokio::time::timeout(
        Duration::from_secs(10),
        batcher(steady_traffic(), sender),
    )
    .await;
    let seen = collector.await.expect("the collector does not panic");
    let batches: Vec<String> = seen
        .iter()
        .map(|(at, batch)| format!("{batch:?} at {at} ms"))
        .collect();
    println!("{name:<16} {}", batches.join(", "));
    match ended {
        Ok(()) => {
            println!("{:<16} returned at {} ms", "", start.elapsed().as_millis())
        }
        Err(_) => println!("{:<16} still looping after 10 s", ""),
    }
    seen
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    let period = Duration::from_secs(1);
    show("broken:", |input, output| {
        batch_broken(input, output, period)
    })
    .await;
    show("fixed:", |input, output| batch(input, output, period)).await;
    show("chunks_timeout:", |input, output| async move {
        use tokio_stream::{StreamExt, wrappers::ReceiverStream};
        // Batches of up to 100 items; each window opens with a batch's first item.
        let chunks = ReceiverStream::new(input).chunks_timeout(100, period);
        let mut chunks = std::pin::pin!(chunks);
        while let Some(chunk) = chunks.next().await {
            let _ = output.send(chunk);
        }
    })
    .await;
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::timeout;

    const PERIOD: Duration = Duration::from_secs(1);

    #[tokio::test(start_paused = true)]
    async fn broken_never_flushes_during_traffic_and_never_returns() {
        let start = Instant::now();
        let (tx, rx) = mpsc::unbounded_channel();
        let collector = tokio::spawn(batches(rx, start));
        let run = timeout(
            Duration::from_secs(10),
            batch_broken(steady_traffic(), tx, PERIOD),
        );
        assert!(run.await.is_err(), "still looping 10 s later");
        // One batch, one second after the traffic stopped; none during it.
        assert_eq!(collector.await.unwrap(), [(3800, vec![1, 2, 3, 4, 5, 6])]);
    }

    #[tokio::test(start_paused = true)]
    async fn fixed_flushes_every_period_and_returns_when_input_closes() {
        let start = Instant::now();
        let (tx, rx) = mpsc::unbounded_channel();
        let collector = tokio::spawn(batches(rx, start));
        timeout(Duration::from_secs(10), batch(steady_traffic(), tx, PERIOD))
            .await
            .unwrap();
        assert_eq!(start.elapsed(), Duration::from_millis(2800));
        let expected = [(1000, vec![1, 2]), (2000, vec![3, 4]), (2800, vec![5, 6])];
        assert_eq!(collector.await.unwrap(), expected);
    }
}
