// A token bucket by hand, on Tokio's clock. The bucket holds at most
// `capacity` tokens and earns one every `refill_every`. A call takes a token
// or waits for one, so a quiet client may burst up to `capacity` calls, and a
// busy one is held to the steady rate.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::{Instant, sleep};

// ANCHOR: bucket
/// Allows bursts of up to `capacity` calls and, over time, one call per
/// `refill_every`. Share it between tasks behind an `Arc`.
pub struct TokenBucket {
    capacity: u32,
    refill_every: Duration,
    state: Mutex<State>,
}

struct State {
    tokens: u32,
    /// The instant from which the next token is being earned.
    earning_since: Instant,
}

impl TokenBucket {
    /// A full bucket. Panics if `capacity` or `refill_every` is zero, which
    /// would allow no calls at all or any number of them.
    pub fn new(capacity: u32, refill_every: Duration) -> TokenBucket {
        assert!(capacity > 0, "a bucket needs room for at least one token");
        assert!(!refill_every.is_zero(), "a zero refill time has no limit");
        TokenBucket {
            capacity,
            refill_every,
            state: Mutex::new(State {
                tokens: capacity,
                earning_since: Instant::now(),
            }),
        }
    }

    /// Takes a token if there is one. If not, says how long until the next.
    pub fn try_acquire(&self) -> Result<(), Duration> {
        // A std mutex: it is never held across an `.await`.
        let mut state = self.state.lock().unwrap();
        let now = Instant::now();

        // Whole tokens earned since `earning_since`. Only whole ones are
        // added, and `earning_since` moves by exactly that many periods, so
        // the part of a token already earned is kept, and the rate does not
        // drift however often (or rarely) the bucket is checked.
        let elapsed = now - state.earning_since;
        let earned = elapsed.as_nanos() / self.refill_every.as_nanos();
        let room = self.capacity - state.tokens;
        if earned >= u128::from(room) {
            // Full. A full bucket earns nothing, so an idle client cannot
            // save up more than `capacity` calls; the next token is earned
            // from now on.
            state.tokens = self.capacity;
            state.earning_since = now;
        } else {
            // `earned < room`, so it fits in a u32.
            let earned = earned as u32;
            state.tokens += earned;
            state.earning_since += self.refill_every * earned;
        }

        if state.tokens > 0 {
            state.tokens -= 1;
            Ok(())
        } else {
            Err(state.earning_since + self.refill_every - now)
        }
    }

    /// Waits for a token, then takes it.
    pub async fn acquire(&self) {
        // When several tasks wait, the first to check after a token arrives
        // gets it; the others sleep again. It is not first come, first
        // served, but no token is ever given out twice.
        while let Err(wait) = self.try_acquire() {
            sleep(wait).await;
        }
    }
}
// ANCHOR_END: bucket

// ANCHOR: calls
/// Makes `calls` calls through `bucket`, one after another, and returns the
/// instant (in ms since `start`) at which each one was let through.
pub async fn call_times(
    bucket: &TokenBucket,
    start: Instant,
    calls: usize,
) -> Vec<u64> {
    let mut times = Vec::new();
    for _ in 0..calls {
        bucket.acquire().await;
        times.push(start.elapsed().as_millis() as u64);
    }
    times
}
// ANCHOR_END: calls

#[tokio::main(flavor = "current_thread", start_paused = true)]
// ANCHOR: main
pub async fn main() {
    let show = |label: &str, times: Vec<u64>| {
        let times: Vec<String> = times.iter().map(|ms| format!("{ms:>5}")).collect();
        println!("{label:<22} {}", times.join(" "));
    };
    // Bursts of up to 5 calls, and 5 calls a second (one per 200 ms) on average.
    let bucket = TokenBucket::new(5, Duration::from_millis(200));
    let start = Instant::now();
    show(
        "10 calls at once, ms:",
        call_times(&bucket, start, 10).await,
    );

    // A quiet minute fills the bucket again, but only to its capacity.
    sleep(Duration::from_secs(60)).await;
    show("after a quiet minute:", call_times(&bucket, start, 7).await);
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket() -> TokenBucket {
        TokenBucket::new(5, Duration::from_millis(200))
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_bucket_lets_exactly_its_capacity_through_at_once() {
        let bucket = bucket();
        for _ in 0..5 {
            assert_eq!(bucket.try_acquire(), Ok(()));
        }
        assert_eq!(bucket.try_acquire(), Err(Duration::from_millis(200)));
    }

    #[tokio::test(start_paused = true)]
    async fn after_the_burst_calls_go_through_at_the_steady_rate() {
        let start = Instant::now();
        let times = call_times(&bucket(), start, 10).await;
        assert_eq!(times, [0, 0, 0, 0, 0, 200, 400, 600, 800, 1000]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_bucket_saves_up_no_more_than_its_capacity() {
        let bucket = bucket();
        let start = Instant::now();
        call_times(&bucket, start, 5).await;
        sleep(Duration::from_secs(60)).await;
        let times = call_times(&bucket, start, 7).await;
        assert_eq!(
            times,
            [60_000, 60_000, 60_000, 60_000, 60_000, 60_200, 60_400]
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_part_earned_token_is_kept_between_checks() {
        let bucket = bucket();
        for _ in 0..5 {
            bucket.try_acquire().unwrap();
        }
        // 150 ms into earning the next token, 50 ms are left; 300 ms after
        // the burst, one token is earned and half of the next one.
        tokio::time::advance(Duration::from_millis(150)).await;
        assert_eq!(bucket.try_acquire(), Err(Duration::from_millis(50)));
        tokio::time::advance(Duration::from_millis(150)).await;
        assert_eq!(bucket.try_acquire(), Ok(()));
        assert_eq!(bucket.try_acquire(), Err(Duration::from_millis(100)));
    }

    #[tokio::test(start_paused = true)]
    async fn many_waiting_tasks_share_the_rate_without_a_token_given_twice() {
        let bucket = std::sync::Arc::new(bucket());
        let start = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..10 {
            let bucket = bucket.clone();
            tasks.spawn(async move {
                bucket.acquire().await;
                start.elapsed().as_millis() as u64
            });
        }
        let mut times = tasks.join_all().await;
        times.sort();
        assert_eq!(times, [0, 0, 0, 0, 0, 200, 400, 600, 800, 1000]);
    }

    #[test]
    #[should_panic(expected = "room for at least one token")]
    fn a_bucket_of_no_tokens_is_refused() {
        let _runtime_free = TokenBucket::new(0, Duration::from_millis(200));
    }
}
