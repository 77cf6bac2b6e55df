// Running several futures of a stream at once, with `buffered`,
// `buffer_unordered` and `for_each_concurrent` from `futures::StreamExt`.

// ANCHOR: buffered
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use tokio::time::Instant;

/// A pretend request that takes `secs` seconds and returns `secs`.
async fn fetch(secs: u64) -> u64 {
    tokio::time::sleep(Duration::from_secs(secs)).await;
    secs
}

/// Runs up to `limit` fetches at once and yields their results in the
/// order of the input, each with the second it came out.
pub async fn in_order(delays: Vec<u64>, limit: usize) -> Vec<(u64, u64)> {
    let start = Instant::now();
    futures::stream::iter(delays)
        .map(fetch) // a stream of futures, not yet started
        .buffered(limit)
        .map(|result| (result, start.elapsed().as_secs()))
        .collect()
        .await
}

/// The same, but yields each result as soon as it is ready.
pub async fn as_completed(delays: Vec<u64>, limit: usize) -> Vec<(u64, u64)> {
    let start = Instant::now();
    futures::stream::iter(delays)
        .map(fetch)
        .buffer_unordered(limit)
        .map(|result| (result, start.elapsed().as_secs()))
        .collect()
        .await
}
// ANCHOR_END: buffered

// ANCHOR: for_each_concurrent
/// Processes every job with at most `limit` in flight, and returns the
/// largest number that were ever in flight together.
pub async fn process_all(jobs: Vec<u64>, limit: usize) -> usize {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    futures::stream::iter(jobs)
        .for_each_concurrent(limit, |secs| {
            let in_flight = in_flight.clone();
            let peak = peak.clone();
            async move {
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(secs)).await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
            }
        })
        .await;
    peak.load(Ordering::SeqCst)
}
// ANCHOR_END: for_each_concurrent

// The book runs this on a paused clock, so the output is exact and instant.
#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    println!("buffered(3):");
    for (result, at) in in_order(vec![3, 1, 2], 3).await {
        println!("  t={at}s  fetch taking {result}s");
    }
    println!("buffer_unordered(3):");
    for (result, at) in as_completed(vec![3, 1, 2], 3).await {
        println!("  t={at}s  fetch taking {result}s");
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn buffered_keeps_the_input_order() {
        // All three run at once; the 3 s one blocks the other two results
        // until it is done.
        assert_eq!(in_order(vec![3, 1, 2], 3).await, [(3, 3), (1, 3), (2, 3)]);
    }

    #[tokio::test(start_paused = true)]
    async fn buffer_unordered_yields_each_result_when_ready() {
        assert_eq!(
            as_completed(vec![3, 1, 2], 3).await,
            [(1, 1), (2, 2), (3, 3)]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_limit_caps_how_many_run_at_once() {
        // With room for two: 3 s and 1 s start; at 1 s the 2 s one starts
        // and ends at 3 s, together with the first.
        assert_eq!(
            as_completed(vec![3, 1, 2], 2).await,
            [(1, 1), (3, 3), (2, 3)]
        );
        // One at a time: no concurrency left.
        assert_eq!(in_order(vec![3, 1, 2], 1).await, [(3, 3), (1, 4), (2, 6)]);
    }

    #[tokio::test(start_paused = true)]
    async fn for_each_concurrent_respects_its_limit() {
        let start = Instant::now();
        let peak = process_all(vec![1; 10], 3).await;
        assert_eq!(peak, 3);
        // Ten one-second jobs, three at a time: four rounds.
        assert_eq!(start.elapsed(), Duration::from_secs(4));
    }

    #[test]
    fn all_on_one_thread() {
        // No runtime threads at all: a current-thread runtime still gets
        // the concurrency, because `buffered` polls its futures itself, on
        // the task that polls the stream. Concurrency, not parallelism.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        let peak = runtime.block_on(process_all(vec![1; 4], 4));
        assert_eq!(peak, 4);
    }
}
