// Sleeping, sleeping until a deadline, and putting a time limit on a future.
// `timeout` does not stop the inner future politely: it drops it, which is
// how every future in Rust is cancelled.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::time::{Instant, sleep, sleep_until, timeout};

// ANCHOR: sleep
/// Waits 300 ms, then waits until a deadline fixed before the first wait.
/// Returns the elapsed time at each point.
pub async fn sleep_then_sleep_until() -> (Duration, Duration) {
    let start = Instant::now();
    // The deadline is fixed now, so the time spent in the first sleep
    // counts against it: the second sleep is only 700 ms long.
    let deadline = start + Duration::from_secs(1);

    sleep(Duration::from_millis(300)).await;
    let after_sleep = start.elapsed();

    sleep_until(deadline).await;
    let after_sleep_until = start.elapsed();

    (after_sleep, after_sleep_until)
}
// ANCHOR_END: sleep

// ANCHOR: timeout
/// Sets a flag when dropped. Dropping is the only signal a cancelled
/// future gets, so this is how we watch a cancellation happen.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A slow operation that owns a `DropFlag` for as long as it is alive.
async fn slow_lookup(dropped: Arc<AtomicBool>) -> &'static str {
    let _flag = DropFlag(dropped);
    sleep(Duration::from_secs(10)).await;
    "found it"
}
// ANCHOR_END: timeout

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    let dropped = Arc::new(AtomicBool::new(false));
    let start = Instant::now();

    let result = timeout(Duration::from_secs(2), slow_lookup(dropped.clone())).await;

    // `timeout` gave up after 2 s, and the lookup was dropped mid-sleep:
    // its remaining 8 s of work never happen.
    println!("result: {result:?}");
    println!("elapsed: {:?}", start.elapsed());
    println!("inner future dropped: {}", dropped.load(Ordering::SeqCst));
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn sleep_until_counts_from_the_deadline_not_from_now() {
        let (after_sleep, after_sleep_until) = sleep_then_sleep_until().await;
        assert_eq!(after_sleep, Duration::from_millis(300));
        assert_eq!(after_sleep_until, Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_returns_elapsed_and_drops_the_inner_future() {
        let dropped = Arc::new(AtomicBool::new(false));
        let start = Instant::now();
        let result =
            timeout(Duration::from_secs(2), slow_lookup(dropped.clone())).await;
        assert!(result.is_err());
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        assert!(dropped.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_passes_the_value_through_when_in_time() {
        let dropped = Arc::new(AtomicBool::new(false));
        let start = Instant::now();
        let result =
            timeout(Duration::from_secs(60), slow_lookup(dropped.clone())).await;
        assert_eq!(result, Ok("found it"));
        assert_eq!(start.elapsed(), Duration::from_secs(10));
        // The future ran to completion, and its locals were dropped as usual.
        assert!(dropped.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_timeout_never_started_the_inner_future() {
        // Futures are lazy: a future dropped before its first poll never ran,
        // so it never created the flag and never set it.
        let dropped = Arc::new(AtomicBool::new(false));
        let never_polled =
            timeout(Duration::from_secs(1), slow_lookup(dropped.clone()));
        drop(never_polled);
        assert!(!dropped.load(Ordering::SeqCst));
    }
}
