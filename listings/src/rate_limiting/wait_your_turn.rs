// Waiting for a turn instead of refusing: governor's `until_key_ready`. It
// checks the limiter, and while the answer is "not yet" it sleeps with
// futures-timer, which runs on a thread of its own against the real clock.
// Tokio's paused clock does not drive it, so the tests below use a quota of a
// few milliseconds and assert only bounds that real time cannot break.

use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Jitter};

// ANCHOR: wait
/// Makes `calls` calls for `client`, each when the limiter allows it, and
/// returns how many were made.
pub async fn call_in_turn(
    limiter: &DefaultKeyedRateLimiter<String>,
    client: &str,
    calls: u32,
) -> u32 {
    let key = client.to_string();
    let mut made = 0;
    for _ in 0..calls {
        // Up to 1 ms of random extra wait after each refusal, so that tasks
        // refused at the same moment do not all wake and check at the same
        // moment again.
        let jitter = Jitter::up_to(Duration::from_millis(1));
        limiter.until_key_ready_with_jitter(&key, jitter).await;
        made += 1; // the call itself
    }
    made
}
// ANCHOR_END: wait

#[cfg(test)]
mod tests {
    use super::*;
    use governor::{Quota, RateLimiter};
    use tokio::time::{Instant, timeout};

    // ANCHOR: real_time
    #[tokio::test(start_paused = true)]
    async fn until_ready_waits_in_real_time_even_on_a_paused_clock() {
        // One call per 5 ms, no burst: 4 calls need at least 15 ms.
        let period = Duration::from_millis(5);
        let limiter = RateLimiter::dashmap(Quota::with_period(period).unwrap());
        let tokio_start = Instant::now();
        let real_start = std::time::Instant::now();

        assert_eq!(call_in_turn(&limiter, "alice", 4).await, 4);

        // Tokio's clock never moved: nothing here used a Tokio timer...
        assert_eq!(tokio_start.elapsed(), Duration::ZERO);
        // ...while the test really waited for three periods.
        assert!(real_start.elapsed() >= 3 * period);
    }
    // ANCHOR_END: real_time

    // ANCHOR: timeout_trap
    #[tokio::test(start_paused = true)]
    async fn a_timeout_around_until_ready_fires_at_once_on_a_paused_clock() {
        // One call a minute. The first call takes the only token.
        let limiter = RateLimiter::dashmap(Quota::per_minute(1.try_into().unwrap()));
        let start = Instant::now();
        call_in_turn(&limiter, "alice", 1).await;

        // The second call waits on the real clock, which Tokio cannot see: to
        // the runtime, every task is idle, so auto-advance jumps Tokio's clock
        // to the timeout's deadline and the timeout fires straight away.
        let second =
            timeout(Duration::from_secs(5), call_in_turn(&limiter, "alice", 1));
        assert!(second.await.is_err());
        assert_eq!(start.elapsed(), Duration::from_secs(5));
    }
    // ANCHOR_END: timeout_trap

    #[tokio::test(start_paused = true)]
    async fn other_clients_do_not_wait() {
        let limiter = RateLimiter::dashmap(Quota::per_minute(1.try_into().unwrap()));
        call_in_turn(&limiter, "alice", 1).await;
        let bob = timeout(Duration::from_secs(5), call_in_turn(&limiter, "bob", 1));
        assert_eq!(bob.await, Ok(1));
    }
}
