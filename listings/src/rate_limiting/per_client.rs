// A per-client rate limit with governor: one budget per client name, so a
// client that sends too much is refused while the others are served. The
// limiter's clock is a parameter: governor's real clock in production, its
// `FakeRelativeClock` here, which moves only when told to.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock, FakeRelativeClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

// ANCHOR: limiter
/// Each client may make 2 requests a second, in bursts of up to 3.
pub fn quota() -> Quota {
    let per_second = NonZeroU32::new(2).unwrap();
    let burst = NonZeroU32::new(3).unwrap();
    Quota::per_second(per_second).allow_burst(burst)
}

/// One budget per client name, kept in a concurrent map, read from clock `C`.
pub type PerClient<C> = RateLimiter<
    String,
    DashMapStateStore<String>,
    C,
    NoOpMiddleware<<C as Clock>::Instant>,
>;

/// The limiter a server uses: governor's default clock, which is real time.
pub fn production_limiter() -> PerClient<DefaultClock> {
    RateLimiter::dashmap(quota())
}

/// What the server answers.
#[derive(Debug, PartialEq)]
pub enum Answer {
    Served,
    /// HTTP's 429, with how long the client should wait before it tries again.
    TooManyRequests {
        retry_after: Duration,
    },
}

/// Decides one request from `client`. It never waits: a refused request is
/// answered at once, so a flood of them costs the server almost nothing.
pub fn answer<C: Clock>(limiter: &PerClient<C>, client: &str) -> Answer {
    match limiter.check_key(&client.to_string()) {
        Ok(()) => Answer::Served,
        Err(not_until) => Answer::TooManyRequests {
            retry_after: not_until.wait_time_from(limiter.clock().now()),
        },
    }
}
// ANCHOR_END: limiter

// ANCHOR: run
/// Plays `requests` (at ms since the start, from client) against a limiter on
/// a fake clock, and returns one line per request.
pub fn play(requests: &[(u64, &str)]) -> Vec<String> {
    let clock = FakeRelativeClock::default();
    // `clock` and the limiter's copy share one time: advancing one moves both.
    let limiter: PerClient<FakeRelativeClock> =
        RateLimiter::dashmap_with_clock(quota(), clock.clone());
    let mut now_ms = 0;
    let mut lines = Vec::new();
    for &(at_ms, client) in requests {
        clock.advance(Duration::from_millis(at_ms - now_ms));
        now_ms = at_ms;
        let verdict = match answer(&limiter, client) {
            Answer::Served => "served".to_string(),
            Answer::TooManyRequests { retry_after } => {
                format!("429, retry after {} ms", retry_after.as_millis())
            }
        };
        lines.push(format!("{at_ms:>4} ms  {client:<5} {verdict}"));
    }
    lines
}
// ANCHOR_END: run

// ANCHOR: main
pub fn main() {
    let requests = [
        (0, "alice"),
        (0, "alice"),
        (0, "alice"),
        (0, "alice"),
        (0, "bob"),
        (250, "alice"),
        (500, "alice"),
        (500, "alice"),
        (500, "bob"),
    ];
    for line in play(&requests) {
        println!("{line}");
    }
}
// ANCHOR_END: main

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_limiter() -> (FakeRelativeClock, PerClient<FakeRelativeClock>) {
        let clock = FakeRelativeClock::default();
        let limiter = RateLimiter::dashmap_with_clock(quota(), clock.clone());
        (clock, limiter)
    }

    fn retry_after(ms: u64) -> Answer {
        Answer::TooManyRequests {
            retry_after: Duration::from_millis(ms),
        }
    }

    #[test]
    fn a_client_gets_its_burst_then_a_retry_time() {
        let (_clock, limiter) = fake_limiter();
        for _ in 0..3 {
            assert_eq!(answer(&limiter, "alice"), Answer::Served);
        }
        assert_eq!(answer(&limiter, "alice"), retry_after(500));
    }

    #[test]
    fn one_client_over_its_limit_does_not_slow_another() {
        let (_clock, limiter) = fake_limiter();
        for _ in 0..10 {
            answer(&limiter, "alice");
        }
        for _ in 0..3 {
            assert_eq!(answer(&limiter, "bob"), Answer::Served);
        }
        assert_eq!(limiter.len(), 2);
    }

    #[test]
    fn the_steady_rate_is_one_request_per_500_ms() {
        let (clock, limiter) = fake_limiter();
        for _ in 0..3 {
            answer(&limiter, "alice");
        }
        for _ in 0..4 {
            clock.advance(Duration::from_millis(499));
            assert_eq!(answer(&limiter, "alice"), retry_after(1));
            clock.advance(Duration::from_millis(1));
            assert_eq!(answer(&limiter, "alice"), Answer::Served);
        }
    }

    #[test]
    fn refused_requests_do_not_use_up_the_budget() {
        let (clock, limiter) = fake_limiter();
        for _ in 0..3 {
            answer(&limiter, "alice");
        }
        for _ in 0..100 {
            assert_ne!(answer(&limiter, "alice"), Answer::Served);
        }
        clock.advance(Duration::from_millis(500));
        assert_eq!(answer(&limiter, "alice"), Answer::Served);
    }

    #[test]
    fn retain_recent_forgets_clients_a_period_after_their_budget_is_full() {
        let (clock, limiter) = fake_limiter();
        answer(&limiter, "alice"); // repaid at 500 ms
        answer(&limiter, "bob");
        clock.advance(Duration::from_millis(300));
        answer(&limiter, "bob"); // bob's two requests are repaid at 1000 ms
        clock.advance(Duration::from_millis(700));
        limiter.retain_recent();
        assert_eq!(limiter.len(), 1, "only bob is left at 1000 ms");
        clock.advance(Duration::from_millis(499));
        limiter.retain_recent();
        assert_eq!(limiter.len(), 1);
        clock.advance(Duration::from_millis(1));
        limiter.retain_recent();
        assert!(limiter.is_empty());
    }

    #[test]
    fn the_program_shows_alice_refused_and_bob_served() {
        let lines = play(&[(0, "alice"), (0, "alice"), (0, "alice"), (0, "alice")]);
        assert_eq!(lines[3], "   0 ms  alice 429, retry after 500 ms");
    }

    #[test]
    fn the_production_limiter_gives_the_same_burst_on_the_real_clock() {
        let limiter = production_limiter();
        let start = std::time::Instant::now();
        for _ in 0..3 {
            assert_eq!(answer(&limiter, "carol"), Answer::Served);
        }
        // Real time passes here, however little: a fourth request may be
        // served only once a real 500 ms have gone by.
        if answer(&limiter, "carol") == Answer::Served {
            assert!(start.elapsed() >= Duration::from_millis(500));
        }
    }
}
