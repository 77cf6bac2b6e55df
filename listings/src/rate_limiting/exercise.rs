// Exercise: a per-client rate limit by hand. One token bucket per client,
// on Tokio's clock, with a way to forget the clients whose bucket is full
// again so that the map does not grow with every client ever seen.

// ANCHOR: attempt
pub mod attempt {
    use std::num::NonZeroU32;
    use std::time::Duration;

    use tokio::time::Instant;

    /// A token bucket per client: each client may make up to `capacity`
    /// requests at once, and after that one per `refill_every`.
    pub struct PerClientLimiter {
        // Your fields here: for example the two settings and a
        // `HashMap<String, Bucket>` with a `Bucket` of your own.
    }

    #[allow(unused_variables)]
    impl PerClientLimiter {
        /// Every client starts with a full bucket. Panics with the message
        /// "refill_every must not be zero" if it is zero.
        pub fn new(capacity: NonZeroU32, refill_every: Duration) -> PerClientLimiter {
            todo!()
        }

        /// Lets one request from `client` through (`Ok`), or says how long
        /// until the client's next token (`Err`). A refused request takes
        /// nothing, and a client idle for months gets `capacity` tokens, not
        /// more (and no overflow).
        pub fn check(&mut self, client: &str, now: Instant) -> Result<(), Duration> {
            todo!()
        }

        /// Forgets every client whose bucket is full at `now`. A forgotten
        /// client comes back with a full bucket, so nothing changes for it.
        pub fn forget_full(&mut self, now: Instant) {
            todo!()
        }

        /// How many clients the limiter remembers.
        pub fn clients(&self) -> usize {
            todo!()
        }
    }
}
// ANCHOR_END: attempt

// ANCHOR: solution
pub mod solution {
    use std::collections::HashMap;
    use std::num::NonZeroU32;
    use std::time::Duration;

    use tokio::time::Instant;

    pub struct PerClientLimiter {
        capacity: u32,
        refill_every: Duration,
        buckets: HashMap<String, Bucket>,
    }

    struct Bucket {
        tokens: u32,
        /// The instant from which the next token is being earned.
        earning_since: Instant,
    }

    impl Bucket {
        /// Adds the whole tokens earned by `now`, up to `capacity`.
        fn refill(&mut self, capacity: u32, refill_every: Duration, now: Instant) {
            // In u128: months of idle time at a 1 ms refill still fit.
            let earned = now.saturating_duration_since(self.earning_since).as_nanos()
                / refill_every.as_nanos();
            let room = capacity - self.tokens;
            if earned >= u128::from(room) {
                self.tokens = capacity;
                self.earning_since = now;
            } else {
                // `earned < room <= capacity`, so the cast cannot truncate.
                self.tokens += earned as u32;
                self.earning_since += refill_every * earned as u32;
            }
        }
    }

    impl PerClientLimiter {
        pub fn new(capacity: NonZeroU32, refill_every: Duration) -> PerClientLimiter {
            assert!(!refill_every.is_zero(), "refill_every must not be zero");
            PerClientLimiter {
                capacity: capacity.get(),
                refill_every,
                buckets: HashMap::new(),
            }
        }

        pub fn check(&mut self, client: &str, now: Instant) -> Result<(), Duration> {
            let (capacity, refill_every) = (self.capacity, self.refill_every);
            // A new client starts full. (`entry` would copy the name into a
            // new `String` on every request, even for a client already known.)
            if !self.buckets.contains_key(client) {
                let full = Bucket {
                    tokens: capacity,
                    earning_since: now,
                };
                self.buckets.insert(client.to_string(), full);
            }
            let bucket = self.buckets.get_mut(client).expect("inserted above");
            bucket.refill(capacity, refill_every, now);
            if bucket.tokens > 0 {
                bucket.tokens -= 1;
                Ok(())
            } else {
                Err(bucket.earning_since + refill_every - now)
            }
        }

        pub fn forget_full(&mut self, now: Instant) {
            let (capacity, refill_every) = (self.capacity, self.refill_every);
            self.buckets.retain(|_, bucket| {
                bucket.refill(capacity, refill_every, now);
                bucket.tokens < capacity
            });
        }

        pub fn clients(&self) -> usize {
            self.buckets.len()
        }
    }
}
// ANCHOR_END: solution

#[allow(dead_code)]
fn main() {}

#[cfg(test)]
mod tests {
    #[cfg(feature = "attempt")]
    use super::attempt::*;
    #[cfg(not(feature = "attempt"))]
    use super::solution::*;

    use std::num::NonZeroU32;
    use std::time::Duration;
    use tokio::time::{Instant, advance};

    const MS: Duration = Duration::from_millis(1);

    /// Bursts of 3, then one request per 100 ms.
    fn limiter() -> PerClientLimiter {
        PerClientLimiter::new(NonZeroU32::new(3).unwrap(), 100 * MS)
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_client_gets_exactly_its_burst() {
        let mut limiter = limiter();
        let now = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check("alice", now), Ok(()));
        }
        assert_eq!(limiter.check("alice", now), Err(100 * MS));
    }

    #[tokio::test(start_paused = true)]
    async fn after_the_burst_one_request_per_period_goes_through() {
        let mut limiter = limiter();
        for _ in 0..3 {
            limiter.check("alice", Instant::now()).unwrap();
        }
        for _ in 0..5 {
            advance(99 * MS).await;
            assert_eq!(limiter.check("alice", Instant::now()), Err(MS));
            advance(MS).await;
            assert_eq!(limiter.check("alice", Instant::now()), Ok(()));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_part_earned_token_is_not_lost_by_checking() {
        let mut limiter = limiter();
        for _ in 0..3 {
            limiter.check("alice", Instant::now()).unwrap();
        }
        advance(250 * MS).await;
        // Two tokens earned, and half of the third.
        assert_eq!(limiter.check("alice", Instant::now()), Ok(()));
        assert_eq!(limiter.check("alice", Instant::now()), Ok(()));
        assert_eq!(limiter.check("alice", Instant::now()), Err(50 * MS));
        advance(50 * MS).await;
        assert_eq!(limiter.check("alice", Instant::now()), Ok(()));
    }

    #[tokio::test(start_paused = true)]
    async fn refused_requests_take_nothing() {
        let mut limiter = limiter();
        for _ in 0..3 {
            limiter.check("alice", Instant::now()).unwrap();
        }
        for _ in 0..50 {
            assert!(limiter.check("alice", Instant::now()).is_err());
        }
        advance(100 * MS).await;
        assert_eq!(limiter.check("alice", Instant::now()), Ok(()));
    }

    #[tokio::test(start_paused = true)]
    async fn clients_have_budgets_of_their_own() {
        let mut limiter = limiter();
        for _ in 0..10 {
            let _ = limiter.check("alice", Instant::now());
        }
        for _ in 0..3 {
            assert_eq!(limiter.check("bob", Instant::now()), Ok(()));
        }
        assert_eq!(limiter.check("bob", Instant::now()), Err(100 * MS));
        assert_eq!(limiter.clients(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_client_saves_up_no_more_than_its_burst() {
        let mut limiter = PerClientLimiter::new(NonZeroU32::new(3).unwrap(), MS);
        limiter.check("alice", Instant::now()).unwrap();
        // 2^32 ms (about 50 days) at one token per ms: one token more than a
        // u32 holds. Cut down to a u32, the count would wrap to 0.
        advance(Duration::from_millis(1 << 32)).await;
        for _ in 0..3 {
            assert_eq!(limiter.check("alice", Instant::now()), Ok(()));
        }
        assert_eq!(limiter.check("alice", Instant::now()), Err(MS));
    }

    #[tokio::test(start_paused = true)]
    async fn forget_full_forgets_only_the_clients_whose_bucket_is_full() {
        let mut limiter = limiter();
        limiter.check("alice", Instant::now()).unwrap(); // full again at 100 ms
        for _ in 0..3 {
            limiter.check("bob", Instant::now()).unwrap(); // full again at 300 ms
        }
        advance(100 * MS).await;
        limiter.forget_full(Instant::now());
        assert_eq!(limiter.clients(), 1);

        advance(199 * MS).await;
        limiter.forget_full(Instant::now());
        assert_eq!(limiter.clients(), 1);
        // bob is still remembered, with the two tokens he has earned.
        assert_eq!(limiter.check("bob", Instant::now()), Ok(()));
        assert_eq!(limiter.check("bob", Instant::now()), Ok(()));
        assert_eq!(limiter.check("bob", Instant::now()), Err(MS));

        advance(Duration::from_secs(1)).await;
        limiter.forget_full(Instant::now());
        assert_eq!(limiter.clients(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_forgotten_client_comes_back_with_a_full_bucket() {
        let mut limiter = limiter();
        limiter.check("alice", Instant::now()).unwrap();
        advance(100 * MS).await;
        limiter.forget_full(Instant::now());
        assert_eq!(limiter.clients(), 0);
        for _ in 0..3 {
            assert_eq!(limiter.check("alice", Instant::now()), Ok(()));
        }
        assert_eq!(limiter.check("alice", Instant::now()), Err(100 * MS));
    }

    #[test]
    #[should_panic(expected = "refill_every must not be zero")]
    fn a_zero_refill_time_is_refused() {
        PerClientLimiter::new(NonZeroU32::new(3).unwrap(), Duration::ZERO);
    }
}
