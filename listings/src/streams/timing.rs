// Time-aware combinators from `tokio_stream::StreamExt`: `timeout` notices
// a stream that goes quiet, `throttle` spaces items out.

// ANCHOR: timing
use std::time::Duration;

use tokio::time::Instant;
use tokio_stream::{Stream, StreamExt};

/// Readings that arrive after the given delays (in seconds, each measured
/// from the previous reading).
pub fn readings(delays: Vec<u64>) -> impl Stream<Item = u64> {
    async_stream::stream! {
        for (i, delay) in delays.into_iter().enumerate() {
            tokio::time::sleep(Duration::from_secs(delay)).await;
            yield i as u64;
        }
    }
}

/// Each item of `timeout`: the reading, or `None` where the source was
/// silent for longer than `limit`. Paired with the second it was seen.
pub async fn watch_for_silence(
    delays: Vec<u64>,
    limit: Duration,
) -> Vec<(Option<u64>, u64)> {
    let start = Instant::now();
    // `timeout` does not end the stream: it inserts an `Err(Elapsed)` when
    // no item came within `limit` of the previous one, then keeps waiting.
    let watched = readings(delays).timeout(limit);
    let mut watched = std::pin::pin!(watched);
    let mut seen = Vec::new();
    while let Some(item) = watched.next().await {
        seen.push((item.ok(), start.elapsed().as_secs()));
    }
    seen
}

/// The same watch, with `timeout_repeating`: an `Err(Elapsed)` for every
/// `period` of silence, not just the first.
pub async fn watch_for_silence_repeating(
    delays: Vec<u64>,
    period: Duration,
) -> Vec<(Option<u64>, u64)> {
    let start = Instant::now();
    // `interval_at` puts the first tick one period from now; a plain
    // `interval` ticks at once, which would report a silence at 0 s.
    let ticks = tokio::time::interval_at(start + period, period);
    let watched = readings(delays).timeout_repeating(ticks);
    let mut watched = std::pin::pin!(watched);
    let mut seen = Vec::new();
    while let Some(item) = watched.next().await {
        seen.push((item.ok(), start.elapsed().as_secs()));
    }
    seen
}

/// The second at which each item came out of `throttle(period)`.
pub async fn throttled(delays: Vec<u64>, period: Duration) -> Vec<(u64, u64)> {
    let start = Instant::now();
    // `throttle` guarantees at least `period` between two items. It does
    // not drop anything: items that come too fast are held back.
    let spaced = readings(delays).throttle(period);
    let mut spaced = std::pin::pin!(spaced);
    let mut seen = Vec::new();
    while let Some(item) = spaced.next().await {
        seen.push((item, start.elapsed().as_secs()));
    }
    seen
}
// ANCHOR_END: timing

#[tokio::main(flavor = "current_thread", start_paused = true)]
pub async fn main() {
    // Readings at 1 s, 2 s and 7 s: a silence of 5 s before the last.
    let delays = vec![1, 1, 5];
    let seen = watch_for_silence(delays.clone(), Duration::from_secs(2)).await;
    println!("timeout(2 s):           {seen:?}");
    let seen = watch_for_silence_repeating(delays, Duration::from_secs(2)).await;
    println!("timeout_repeating(2 s): {seen:?}");
    // Four readings ready at once, throttled to one every 2 s.
    let seen = throttled(vec![0, 0, 0, 0], Duration::from_secs(2)).await;
    println!("throttle(2 s), all ready at 0 s: {seen:?}");
    // A source that works 3 s per reading, and only while it is polled.
    let seen = throttled(vec![3, 3], Duration::from_secs(2)).await;
    println!("throttle(2 s), 3 s per reading:  {seen:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn timeout_reports_silence_and_keeps_going() {
        // Readings at 1 s, 2 s and 7 s; the 5 s gap is longer than 3 s.
        let seen = watch_for_silence(vec![1, 1, 5], Duration::from_secs(3)).await;
        assert_eq!(
            seen,
            [(Some(0), 1), (Some(1), 2), (None, 5), (Some(2), 7)],
            "one timeout at 2 s + 3 s, then the late reading still arrives"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn throttle_spaces_items_without_dropping_them() {
        // The source has all four ready almost at once (at 0, 0, 0, 0 s).
        let seen = throttled(vec![0, 0, 0, 0], Duration::from_secs(2)).await;
        assert_eq!(seen, [(0, 0), (1, 2), (2, 4), (3, 6)]);
    }

    #[tokio::test(start_paused = true)]
    async fn throttle_does_not_poll_the_source_while_it_waits() {
        // The source needs 3 s per reading once polled. After the first
        // item (at 3 s), `throttle` waits 2 s before it polls the source
        // again, and only then does the source start its 3 s: 8 s, not 6 s.
        let seen = throttled(vec![3, 3], Duration::from_secs(2)).await;
        assert_eq!(seen, [(0, 3), (1, 8)]);
    }

    #[tokio::test(start_paused = true)]
    async fn throttle_on_a_channel_adds_no_delay_to_a_slow_source() {
        // A sender on its own task keeps its own pace while `throttle`
        // waits: readings sent at 3 s and 6 s come out at 3 s and 6 s.
        let (tx, rx) = tokio::sync::mpsc::channel(8);
        tokio::spawn(async move {
            for reading in 0..2u64 {
                tokio::time::sleep(Duration::from_secs(3)).await;
                tx.send(reading).await.unwrap();
            }
        });
        let start = Instant::now();
        let spaced = tokio_stream::wrappers::ReceiverStream::new(rx)
            .throttle(Duration::from_secs(2));
        let mut spaced = std::pin::pin!(spaced);
        let mut seen = Vec::new();
        while let Some(reading) = spaced.next().await {
            seen.push((reading, start.elapsed().as_secs()));
        }
        assert_eq!(seen, [(0, 3), (1, 6)]);
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_reports_one_silence_once() {
        // A 10 s gap with a 3 s limit: one timeout (at 3 s), not three.
        let seen = watch_for_silence(vec![10], Duration::from_secs(3)).await;
        assert_eq!(seen, [(None, 3), (Some(0), 10)]);
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_repeating_reports_every_period_of_silence() {
        let seen =
            watch_for_silence_repeating(vec![1, 1, 5], Duration::from_secs(2)).await;
        // Silence from 2 s to 7 s: errors at 4 s and 6 s, then the reading.
        assert_eq!(
            seen,
            [
                (Some(0), 1),
                (Some(1), 2),
                (None, 4),
                (None, 6),
                (Some(2), 7)
            ]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_plain_interval_reports_a_silence_at_once() {
        let start = Instant::now();
        let ticks = tokio::time::interval(Duration::from_secs(2));
        let watched = readings(vec![1]).timeout_repeating(ticks);
        let mut watched = std::pin::pin!(watched);
        assert!(watched.next().await.unwrap().is_err());
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
