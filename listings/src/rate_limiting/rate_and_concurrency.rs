// A rate limit and a concurrency limit guard different things. A dispatcher
// sends 10 requests to a backend, through a rate limit (5 a second), a
// concurrency limit (2 in flight), or both, and records how many requests
// were in flight at once and how many started within any one second.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior, interval, sleep};

// ANCHOR: dispatch
/// Which limits the dispatcher applies.
#[derive(Clone, Copy, Debug)]
pub enum Limits {
    /// At most 5 requests start in any second (one per 200 ms).
    Rate,
    /// At most 2 requests are in flight at a time.
    Concurrency,
    Both,
}

/// What the backend saw.
#[derive(Debug, PartialEq)]
pub struct Seen {
    pub most_in_flight: usize,
    pub most_started_in_one_second: usize,
}

/// Sends 10 requests that each take `request_time`, under `limits`.
pub async fn dispatch(limits: Limits, request_time: Duration) -> Seen {
    let rate = matches!(limits, Limits::Rate | Limits::Both);
    let concurrency = matches!(limits, Limits::Concurrency | Limits::Both);

    let mut ticker = interval(Duration::from_millis(200));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let permits = Arc::new(Semaphore::new(2));

    let start = Instant::now();
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most_in_flight = Arc::new(AtomicUsize::new(0));
    let mut started = Vec::new();
    let mut requests = JoinSet::new();
    for _ in 0..10 {
        // The permit first, then the tick: the tick is the last wait before
        // a request starts, so the ticks space out the starts themselves.
        let permit = match concurrency {
            true => Some(permits.clone().acquire_owned().await.unwrap()),
            false => None,
        };
        if rate {
            ticker.tick().await;
        }
        started.push(start.elapsed());
        let (in_flight, most_in_flight) = (in_flight.clone(), most_in_flight.clone());
        requests.spawn(async move {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            most_in_flight.fetch_max(now, Ordering::SeqCst);
            sleep(request_time).await; // the backend at work
            in_flight.fetch_sub(1, Ordering::SeqCst);
            drop(permit); // the next request may start
        });
    }
    requests.join_all().await;

    Seen {
        most_in_flight: most_in_flight.load(Ordering::SeqCst),
        most_started_in_one_second: most_within(&started, Duration::from_secs(1)),
    }
}

/// The most instants of `times` (sorted) that fall within one `window`.
fn most_within(times: &[Duration], window: Duration) -> usize {
    (0..times.len())
        .map(|first| {
            times[first..]
                .iter()
                .take_while(|t| **t - times[first] < window)
                .count()
        })
        .max()
        .unwrap_or(0)
}
// ANCHOR_END: dispatch

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    for (backend, request_time) in [("fast", 10), ("slow", 1500)] {
        println!("{backend} backend ({request_time} ms a request):");
        for limits in [Limits::Rate, Limits::Concurrency, Limits::Both] {
            let seen = dispatch(limits, Duration::from_millis(request_time)).await;
            println!(
                "  {:<12} most in flight: {:>2}, most started in one second: {:>2}",
                format!("{limits:?}"),
                seen.most_in_flight,
                seen.most_started_in_one_second,
            );
        }
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: Duration = Duration::from_millis(10);
    const SLOW: Duration = Duration::from_millis(1500);

    fn seen(most_in_flight: usize, most_started_in_one_second: usize) -> Seen {
        Seen {
            most_in_flight,
            most_started_in_one_second,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_concurrency_limit_alone_lets_a_fast_backend_exceed_the_rate() {
        assert_eq!(dispatch(Limits::Concurrency, FAST).await, seen(2, 10));
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_limit_alone_lets_a_slow_backend_pile_up_requests() {
        // One start every 200 ms, each lasting 1.5 s: 8 overlap.
        assert_eq!(dispatch(Limits::Rate, SLOW).await, seen(8, 5));
    }

    #[tokio::test(start_paused = true)]
    async fn both_limits_hold_whatever_the_backend_does() {
        assert_eq!(dispatch(Limits::Both, FAST).await, seen(1, 5));
        assert_eq!(dispatch(Limits::Both, SLOW).await, seen(2, 2));
    }

    #[tokio::test(start_paused = true)]
    async fn each_limit_alone_is_enough_for_the_backend_it_suits() {
        assert_eq!(dispatch(Limits::Rate, FAST).await, seen(1, 5));
        assert_eq!(dispatch(Limits::Concurrency, SLOW).await, seen(2, 2));
    }

    #[test]
    fn most_within_counts_a_half_open_window() {
        let ms = |list: &[u64]| -> Vec<Duration> {
            list.iter().map(|ms| Duration::from_millis(*ms)).collect()
        };
        assert_eq!(
            most_within(&ms(&[0, 500, 999, 1000]), Duration::from_secs(1)),
            3
        );
        assert_eq!(most_within(&ms(&[]), Duration::from_secs(1)), 0);
    }
}
